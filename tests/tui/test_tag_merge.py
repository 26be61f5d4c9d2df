"""Tagging over an annotation of the same category extends it (one undo step restores it), and the
matrix counts that place once."""

from __future__ import annotations

from pathlib import Path

from tests.tui.conftest import drive, on_disk, settle

DOC = "picker-top"


def test_tagging_over_an_annotation_of_the_same_category_extends_it(make_app, demo_set: Path) -> None:
    before = {a["id"] for a in on_disk(demo_set, DOC)}
    app = make_app([DOC, "picky-assist"])

    def new() -> list[dict]:
        return [a for a in on_disk(demo_set, DOC) if a["id"] not in before]

    async def scenario(pilot) -> None:
        await pilot.press("slash", *"discontinue", "enter", "escape", "v", "e", "5")
        (first,) = new()
        assert first["quote"] == "discontinue"
        await pilot.press("slash", *"discontinue", "enter", "escape", "v", "e", "w", "e", "5")
        (grown,) = new()                          # the same annotation, longer: no duplicate stacked
        assert grown["id"] == first["id"] and grown["quote"] == "discontinue use"
        assert grown["categories"] == ["data-retention"]
        status = app.screen.frames[0].status
        assert "extended its annotation" in status.message   # the whole message; a half-width pane cuts it
        assert "Tagged Data Retention" in str(status.render())
        await pilot.press("u")
        (back,) = new()
        assert back["quote"] == "discontinue"
        await pilot.press("ctrl+r", "m")
        await settle(app)
        await pilot.pause()
        matrix = app.screen.matrix
        session = app.session
        places = {(a.start, a.end) for a in session.annotations(DOC) if "data-retention" in a.categories}
        assert len(places) == matrix.count(DOC, "data-retention")

    drive(app, scenario)
