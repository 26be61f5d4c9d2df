"""The inspector (i): what the annotation under the caret is; and the gutter's note mark."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from reviewer.store import Annotation
from reviewer.taxonomy import DEFAULT_TAXONOMY
from reviewer.tui.commands import help_rows
from reviewer.tui.widgets.inspector import Inspected, Inspector, describe
from reviewer.tui.widgets.policy_pane import PolicyPane
from tests.tui.conftest import drive, on_disk

DOC = "picker-top"
NOTED = "0eaa45a1f3d8"   # in the demo set: two categories and a note


def _pane(app) -> PolicyPane:
    return list(app.screen.query(PolicyPane))[0]


def _lines(pane: PolicyPane) -> list[str]:
    return ["".join(seg.text for seg in pane.render_line(y)) for y in range(pane.size.height)]


def test_describe_names_categories_note_attributes_anchoring_annotator_and_dates() -> None:
    when = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
    ann = Annotation("a1", 10, 20, "q", categories=("data-retention", "other"), note="Kept\x1b[31m long\nsecond line",
                     created=when, updated=when, attributes={"retention-period": "indefinitely", "flags": ["x", "y"]})
    first, second = describe(Inspected(ann, ("fuzzy", 82.0), "ana[b]"), DEFAULT_TAXONOMY)
    assert first.startswith("Data Retention, Other \u00b7 note: Kept")
    assert "\x1b" not in first and "\u241b" in first and "second line" not in first and "(\u2026)" in first
    assert "flags=x, y; retention-period=indefinitely" in first
    assert second == ("anchored fuzzy (score 82) \u00b7 at 10\u201320 \u00b7 by ana[b] \u00b7 "
                      "created 2026-11-21 12:00 \u00b7 updated 2026-11-21 12:00")
    assert describe(None, DEFAULT_TAXONOMY)[0] == "No annotation under the caret"


def test_i_shows_the_annotation_under_the_caret_and_the_gutter_marks_notes(make_app, demo_set: Path) -> None:
    app = make_app([DOC, "picky-assist"])
    noted = next(a for a in on_disk(demo_set, DOC) if a["id"] == NOTED)

    async def scenario(pilot) -> None:
        inspector = app.screen.query_one(Inspector)
        assert not inspector.display
        described = {desc: keys for keys, desc, _ in help_rows(app.screen)}
        assert described.get("Inspector") == "i"
        await pilot.press("i")
        await pilot.pause()
        assert inspector.display and inspector.region.height == 2
        assert inspector.text.startswith("No annotation under the caret")
        await pilot.press("slash", *"We may receive information", "enter", "escape")
        await pilot.pause()
        assert _pane(app).target_annotation().id == NOTED
        first, second = inspector.text.split("\n")
        assert first.startswith("Third Party Sharing/Collection, First Party Collection/Use \u00b7 note: "
                                + noted["note"])
        assert second.startswith("anchored exact (score 100)") and "created 2026-11-21 12:00" in second
        assert f"by {app.session.store.meta.annotator}" in second
        shown = str(inspector.render())
        assert "Receives data from ad networks" in shown
        # the gutter: a pilcrow on the line where an annotation with a note starts, none where it does not
        lines = _lines(_pane(app))
        starts = [line for line in lines if line[5:].startswith("We may receive information")]
        assert starts and starts[0][4] == "\u00b6"
        assert all(line[4] != "\u00b6" for line in lines if line[5:].startswith("We ensure such third"))
        # a note written now (text from outside: made visible, never parsed as markup) shows at once
        note = "checked\x1b[2J [b]bold[/b]"
        app.screen.report(app.session.set_note(DOC, NOTED, note))
        await pilot.pause()
        assert "note: checked\u241b[2J [b]bold[/b]" in inspector.text
        assert next(a for a in on_disk(demo_set, DOC) if a["id"] == NOTED)["note"] == note
        await pilot.press("i")
        await pilot.pause()
        assert not inspector.display

    drive(app, scenario, size=(160, 40))
