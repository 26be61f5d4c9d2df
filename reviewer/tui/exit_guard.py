"""The app ends when its terminal closes (SIGHUP) or it is told to stop (SIGTERM), even when it
can no longer draw.

It quits as with ctrl+q: the note being typed is saved, the workspace is kept and the set lock is
released. But a terminal can go away while the app's output is stuck (a terminal window or ssh
session that stopped reading, then closed): Textual's output thread dies on its first failed
write, and the event loop stays blocked on the full queue of writes it feeds, so a quit asked of
the loop never runs. A signal handler still runs there (the blocked wait is interrupted to run it),
so the handler asks the loop to quit and starts a grace period; when that is over and the app has
not ended, the lock is released and the process ends. Nothing is lost: every change was written
when it was made, and a note being typed is in its draft file, offered back at the next start.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from typing import Any, Callable

GRACE = 3.0   # seconds for a normal quit before the process is ended
SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None)


class ExitGuard:
    """Installed around ``App.run()`` in the main thread: ``with ExitGuard(app.quit_on_signal, lock.release):``."""

    def __init__(self, quit_soon: Callable[[], None], release: Callable[[], None], *, grace: float = GRACE,
                 end: Callable[[int], Any] = os._exit) -> None:
        self._quit_soon = quit_soon
        self._release = release
        self._grace = grace
        self._end = end
        self._signalled = threading.Event()
        self._done = threading.Event()
        self._previous: dict[int, Any] = {}
        # started now, not in the handler: a handler may interrupt code holding threading's own locks
        self._watchdog = threading.Thread(target=self._watch, name="reviewer-exit-guard", daemon=True)

    def __enter__(self) -> "ExitGuard":
        if threading.current_thread() is threading.main_thread():
            for sig in SIGNALS:
                self._previous[sig] = signal.signal(sig, self._handle)
        self._watchdog.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        for sig, previous in self._previous.items():
            signal.signal(sig, previous)

    def _handle(self, signum: int, frame: object) -> None:
        if self._signalled.is_set():
            return
        self._signalled.set()
        try:
            asyncio.get_running_loop().call_soon_threadsafe(self._quit_soon)
        except RuntimeError:
            pass   # no loop running (before the app started or after it ended): the grace period ends it

    def _watch(self) -> None:
        self._signalled.wait()
        if self._done.wait(self._grace):
            return
        try:
            self._release()
        finally:
            self._end(0)


__all__ = ["ExitGuard", "GRACE"]
