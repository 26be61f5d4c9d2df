"""Pilot tests: started again on the same set, the app reopens the panes, documents, carets and
theme it was left with; a bad state file is ignored."""

from __future__ import annotations

import asyncio
from pathlib import Path

from reviewer.tui.widgets.pane_frame import PaneFrame
from reviewer.workspace_state import state_path

from .conftest import SIZE, on_disk


def _run(workspace, scenario) -> None:
    from reviewer.tui.app import ReviewerApp

    app = ReviewerApp(workspace)

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await scenario(pilot, app)
            await pilot.pause()

    asyncio.run(main())


def _prepare(seeds: Path, demo_set: Path):
    from reviewer.tui.launch import prepare

    names = ("picker-top", "picky-assist", "piconext")  # three: the app opens on the panes, not the matrix
    workspace, held = prepare([seeds / f"{n}.txt" for n in names], demo_set, lock=False)
    assert held is None
    workspace.check_every = 3600.0
    return workspace


def test_the_workspace_comes_back_as_it_was_left(seeds: Path, demo_set: Path) -> None:
    left: dict = {}
    before = {p.name: p.read_bytes() for p in demo_set.iterdir()}

    async def first(pilot, app) -> None:
        frames = list(app.screen.query(PaneFrame))
        assert [f.document.id for f in frames] == ["picker-top", "picky-assist"]
        await pilot.press("vertical_line", *"piconext", "enter")  # a third pane
        await pilot.pause()
        await pilot.press("j", "j", "j", "w", "w")
        await pilot.press("tab")  # on to the last pane
        await pilot.press("j", "j")
        app.theme = "reviewer-light"
        frames = list(app.screen.query(PaneFrame))
        left["ids"] = [f.document.id for f in frames]
        left["carets"] = [f.pane.model.caret for f in frames]
        left["active"] = frames.index(app.screen.active)
        await pilot.press("q")

    _run(_prepare(seeds, demo_set), first)
    assert left["ids"] == ["picker-top", "piconext", "picky-assist"] and left["active"] == 2
    assert state_path(demo_set).is_file()
    assert {p.name: p.read_bytes() for p in demo_set.iterdir()} == before  # nothing written in the set

    async def second(pilot, app) -> None:
        await pilot.pause()
        frames = list(app.screen.query(PaneFrame))
        assert [f.document.id for f in frames] == left["ids"]
        assert [f.pane.model.caret for f in frames] == left["carets"]
        assert app.screen.active is frames[left["active"]]
        assert app.focused is frames[left["active"]].pane
        assert app.theme == "reviewer-light"
        status = str(frames[2].status.render())
        assert f"clause {frames[2].pane.cursor + 1}/" in status and frames[2].pane.cursor > 0

    _run(_prepare(seeds, demo_set), second)


def test_a_bad_or_stale_state_file_is_ignored(seeds: Path, demo_set: Path) -> None:
    path = state_path(demo_set)
    path.parent.mkdir(parents=True, exist_ok=True)
    for junk in (b"\xff\xfe not json", b'{"version": 1, "set": "/nowhere", "panes": []}'):
        path.write_bytes(junk)

        async def fresh(pilot, app) -> None:
            frames = list(app.screen.query(PaneFrame))
            assert [f.document.id for f in frames] == ["picker-top", "picky-assist"]
            assert frames[0].pane.cursor == 0

        _run(_prepare(seeds, demo_set), fresh)
    # a document that is gone: the others come back
    import json
    import os

    path.write_text(json.dumps({"version": 1, "set": os.path.realpath(demo_set), "active": 1, "theme": None,
                                "panes": [{"document": "no-such-policy", "caret": 5},
                                          {"document": "piconext", "caret": 40}]}), encoding="utf-8")

    async def stale(pilot, app) -> None:
        frames = list(app.screen.query(PaneFrame))
        assert [f.document.id for f in frames] == ["piconext"]
        assert frames[0].pane.model.caret == 40

    _run(_prepare(seeds, demo_set), stale)
    assert on_disk(demo_set, "piconext") is not None
