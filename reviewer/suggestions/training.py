"""Training in another process, so that a fit never holds the app's GIL.

A thread worker fitting the model shares the interpreter lock with the event loop: measured in
tmux (bench/tui.py), a tag waited a median 5x and at the 90th percentile 20x an empty app's key
while a retrain ran. Here the fit, and the scoring of the clauses the caller names, run in one
long-lived child process (``forkserver`` where the platform has it, else ``spawn``: never a fork
of a threaded process). The examples go in, the picklable model and the scores come back; the
thread that waits for them only sleeps on a future. Where no child can be started (a sandbox
without semaphores, a broken pool), the fit runs in the calling thread as before.

    fitted = fit_elsewhere(examples, texts, should_stop)   # None when stopped
    fitted.model, fitted.reason, fitted.probs, fitted.known
"""

from __future__ import annotations

import sys
import threading
from contextlib import contextmanager
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

from reviewer.suggestions.model import Example, NotEnoughAnnotations, SuggestionModel

#: How often a waiting thread checks whether it was asked to stop.
POLL = 0.05
#: The fitting child's niceness: below the app and its terminal whenever they want the CPU.
NICENESS = 10


@dataclass(frozen=True)
class Fitted:
    """A fit's result: the model (or why none) and the scores of the texts sent with it."""

    model: SuggestionModel | None
    reason: str | None
    probs: Any = None     # (len(texts), n_categories) array, None without a model
    known: Any = None     # (len(texts),) bool array
    pid: int = 0          # the process that fitted (the app's own when no child could be used)


def fit_and_score(examples: Sequence[Example], texts: Sequence[str]) -> Fitted:
    """Train on ``examples`` and score ``texts`` with the new model (runs in the child)."""
    import os

    try:
        model = SuggestionModel.train(examples)
    except NotEnoughAnnotations as exc:
        return Fitted(None, str(exc), pid=os.getpid())
    except ValueError as exc:  # a degenerate set the model cannot fit: no suggestions, say why
        return Fitted(None, f"the model could not be trained ({exc})", pid=os.getpid())
    probs, known = model.scores(texts)
    return Fitted(model, None, probs, known, os.getpid())


def _yield_cpu() -> None:
    """Runs first in the child: its fits take a core for tens of milliseconds after each pause in
    tagging, and on a 2-core machine the app, the terminal and the fit then share the cores. At a
    lower priority the fit yields to them whenever they want the CPU; alone, it runs as fast."""
    import os

    try:
        os.nice(NICENESS)
    except (AttributeError, OSError):   # no nice on this platform, or not allowed: run as is
        pass


@contextmanager
def _real_stderr() -> Iterator[None]:
    """multiprocessing passes sys.stderr's descriptor to the processes it starts (its resource
    tracker); under Textual sys.stderr is a capture whose ``fileno()`` is -1, and starting them
    fails ("bad value(s) in fds_to_keep"). While they start, the real stderr stands in."""
    try:
        fine = sys.stderr is None or sys.stderr.fileno() >= 0
    except Exception:  # noqa: BLE001 - no descriptor at all: multiprocessing skips it itself
        fine = True
    if fine or sys.__stderr__ is None:
        yield
        return
    saved, sys.stderr = sys.stderr, sys.__stderr__
    try:
        yield
    finally:
        sys.stderr = saved


class TrainingProcess:
    """One child process doing fits, started on first use and kept for the next ones."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self.failed: str | None = None   # why fits run in-process (no child could be used)

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                import multiprocessing

                methods = multiprocessing.get_all_start_methods()
                context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
                with _real_stderr():
                    self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_yield_cpu)
            return self._pool

    def submit(self, examples: Sequence[Example], texts: Sequence[str]) -> Future:
        pool = self._executor()
        with self._lock, _real_stderr():  # the first submit starts the child
            return pool.submit(fit_and_score, list(examples), list(texts))

    def fit(self, examples: Sequence[Example], texts: Sequence[str],
            should_stop: Callable[[], bool] = lambda: False) -> Fitted | None:
        """``fit_and_score`` in the child (in this thread if no child can run); None when
        ``should_stop`` said so first (a fit already running in the child is left to finish)."""
        from concurrent.futures import TimeoutError as FutureTimeout
        from concurrent.futures.process import BrokenProcessPool

        if self.failed is None:
            try:
                future = self.submit(examples, texts)
                while True:
                    if should_stop():
                        future.cancel()
                        return None
                    try:
                        return future.result(timeout=POLL)
                    except FutureTimeout:
                        continue
            except (BrokenProcessPool, OSError, NotImplementedError, RuntimeError) as exc:
                self.failed = f"{type(exc).__name__}: {exc}"
                self.close()
        return fit_and_score(examples, texts)

    def close(self) -> None:
        """Stop the child (a fit running there is abandoned)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


#: The process the app's fits share (one child for the whole app, started on the first fit).
shared = TrainingProcess()
