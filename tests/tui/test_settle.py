"""The tests' one worker-wait helper: a worker cancelled by a newer one in its exclusive group is
not an error, and the newer one is waited for."""

from __future__ import annotations

import asyncio
import threading

import pytest
from textual.app import App
from textual.worker import WorkerCancelled

from .conftest import settle


class _Busy(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.done: list[int] = []

    def start(self, n: int) -> None:
        def work() -> None:
            self.release.wait(30)
            self.done.append(n)
        self.run_worker(work, thread=True, exclusive=True, group="retrain")


def test_a_cancelled_worker_is_tolerated_and_the_newer_one_is_waited_for() -> None:
    app = _Busy()

    async def main() -> None:
        async with app.run_test() as pilot:
            app.start(1)
            first = list(app.workers)[0]
            with pytest.raises(WorkerCancelled):      # what workers.wait_for_complete() ran into
                app.start(2)                          # a newer retrain cancels the first
                app.release.set()
                await first.wait()
            await settle(pilot)
            assert 2 in app.done
            assert not [w for w in app.workers if w.is_running]

    asyncio.run(main())
