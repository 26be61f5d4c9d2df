"""Pilot tests for rough edges an analyst hits on day one, each driven by real keys."""

from __future__ import annotations

from pathlib import Path

from reviewer.tui.widgets.pane_frame import PaneFrame

from .conftest import drive, on_disk

DOC_A, DOC_B = "picker-top", "picky-assist"


def _frames(app) -> list[PaneFrame]:
    return list(app.screen.query(PaneFrame))


def test_sync_by_name_takes_the_category_typed_not_the_last_one(make_app, demo_set: Path) -> None:
    before = {d: on_disk(demo_set, d) for d in (DOC_A, DOC_B)}
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        await pilot.press("c", "5")  # Data Retention
        await pilot.pause()
        assert app.screen.sync.category == "data-retention"
        await pilot.press("c", "slash")
        await pilot.pause()
        picker = app.screen
        assert type(picker).__name__ == "TagPicker"
        assert picker.chosen() == ()  # the last sync category is not pre-ticked
        await pilot.press(*"security", "enter")
        await pilot.pause()
        assert app.screen.sync.category == "data-security"
        for frame in _frames(app):
            assert "Data Security" in (frame.status.message or "")
            assert "Data Retention" not in str(frame.status.render())
            assert frame.pane.category_filter == "data-security"
        assert {d: on_disk(demo_set, d) for d in (DOC_A, DOC_B)} == before  # sync never writes

    drive(app, scenario)
