"""Fixtures for the app tests: a ReviewerApp over copies of the seeds and the demo set.

There is no pytest-asyncio here: ``drive(app, scenario)`` runs a Pilot scenario with asyncio.run.
Cursor blink is off (Input/TextArea) so screens are stable; sizes are fixed at 120x40.
"""

from __future__ import annotations

import asyncio
import tomllib
from pathlib import Path
from typing import Awaitable, Callable

import pytest


SIZE = (120, 40)


@pytest.fixture(autouse=True)
def _no_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import Input, TextArea

    for cls in (Input, TextArea):
        original = cls.on_mount if hasattr(cls, "on_mount") else None

        def on_mount(self, *args, _original=original, **kwargs):  # type: ignore[no-untyped-def]  # forwards Textual's handler arguments as they come
            self.cursor_blink = False
            if _original is not None:
                return _original(self, *args, **kwargs)
            return None

        monkeypatch.setattr(cls, "on_mount", on_mount, raising=False)


@pytest.fixture
def make_app(seeds: Path, demo_set: Path):
    """Build a ReviewerApp over the seeds and the demo set: ``make_app(open_ids=[...], read_only=False,
    keys=None, check_every=3600, theme=None, warnings=None)``."""
    from tests.apps import app_over

    def factory(open_ids=None, *, read_only: bool = False, keys=None, check_every: float = 3600.0,
                theme: str | None = None, warnings=None):
        return app_over([seeds], demo_set, open_ids, read_only=read_only, check_every=check_every, theme=theme,
                        keys=keys, warnings=list(warnings or []))

    return factory


def drive(app, scenario: Callable[..., Awaitable[None]], size=SIZE) -> None:
    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(pilot)
            await pilot.pause()

    asyncio.run(main())


async def settle(app_or_pilot, rounds: int = 200) -> None:
    """Wait until the app has no pending or running worker, then let it handle what they posted.

    A worker cancelled meanwhile is fine (an exclusive group replaced it with a newer one, which is
    then waited for too); a worker that failed raises. This replaces ``workers.wait_for_complete()``,
    which raises ``WorkerCancelled`` when a newer worker cancels the one waited on, and misses
    workers started after it was called. Bounded by rounds, not by time, so a busy machine is slower,
    never wrong.
    """
    from textual.worker import WorkerFailed, WorkerState

    app = getattr(app_or_pilot, "app", app_or_pilot)
    for _ in range(rounds):
        live = [w for w in app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
        if not live:
            await asyncio.sleep(0)
            if not [w for w in app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]:
                return
            continue
        results = await asyncio.gather(*(_wait(w) for w in live), return_exceptions=True)
        for result in results:
            if isinstance(result, WorkerFailed):
                raise result
        await asyncio.sleep(0.01)   # let the app process the finished workers' messages
    raise AssertionError(f"workers never settled: {[w.name for w in app.workers]}")


async def _wait(worker) -> None:
    from textual.worker import WorkerCancelled, WorkerError, WorkerFailed, WorkerState

    if worker.state == WorkerState.PENDING:
        await asyncio.sleep(0.01)    # not started yet: the next round waits for it
        return
    try:
        await worker.wait()
    except WorkerFailed:
        raise
    except (WorkerCancelled, asyncio.CancelledError):
        pass
    except WorkerError:
        pass   # a state it left between our look and the wait: the next round looks again


async def until(pilot, condition: Callable[[], object], what: str, rounds: int = 600) -> None:
    """Pause until ``condition()`` holds. The bound is a safety net against a hang, not a speed
    assertion: a loaded machine only takes more rounds."""
    for _ in range(rounds):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never happened: {what}")


async def from_palette(pilot, text: str) -> None:
    """Run the command whose palette entry matches ``text``: type it, wait for the palette's search
    worker to finish with a matching entry highlighted (not a fixed pause), then press enter."""
    from textual.command import CommandList, CommandPalette
    from textual.worker import WorkerState

    app = pilot.app
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette opened")
    palette = app.screen
    await pilot.press(*text)

    def ready() -> bool:
        if any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in palette.workers):
            return False
        results = palette.query_one(CommandList)
        if not results.option_count:
            return False
        index = results.highlighted if results.highlighted is not None else 0
        prompt = results.get_option_at_index(index).prompt
        return text.lower() in str(getattr(prompt, "plain", prompt)).lower()

    await until(pilot, ready, f"a palette entry for {text!r}")
    await pilot.press("enter")
    await until(pilot, lambda: app.screen is not palette, "the palette closed")


def on_disk(set_dir: Path, doc_id: str) -> list[dict]:
    """The annotations of a document as written in its TOML file ([] when there is none)."""
    path = set_dir / f"{doc_id}.toml"
    if not path.exists():
        return []
    return tomllib.loads(path.read_text(encoding="utf-8")).get("annotation", [])


@pytest.fixture
def snap_compare(snap_compare):
    """pytest-textual-snapshot's ``snap_compare``, with every text cursor held still before the
    picture is taken: a field's cursor blinks every half second, and on a busy machine the picture
    could catch it off."""
    import inspect

    from textual.widgets import Input, TextArea

    def compare(app, *args, run_before=None, **kwargs):
        async def before(pilot) -> None:
            if run_before is not None:
                result = run_before(pilot)
                if inspect.isawaitable(result):
                    await result
            for screen in pilot.app.screen_stack:
                for field in [*screen.query(Input), *screen.query(TextArea)]:
                    field.cursor_blink = False
            await pilot.pause()

        return snap_compare(app, *args, run_before=before, **kwargs)

    return compare
