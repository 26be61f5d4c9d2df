"""The note editor loses nothing shown: the draft is on disk while typing, ctrl+q saves it, a draft
left by a killed app is committed at the next start (undoable); and the editor shows control
characters inertly but saves the real ones."""

from __future__ import annotations

import json
from pathlib import Path

from tests.apps import notifications
from reviewer.drafts import Draft, Drafts
from reviewer.store import AnnotationStore

from .conftest import drive, on_disk

DOC_A, DOC_B = "picker-top", "picky-assist"


def _new(demo_set: Path, before: list[dict]) -> list[dict]:
    ids = {a["id"] for a in before}
    return [a for a in on_disk(demo_set, DOC_A) if a["id"] not in ids]


async def _until(pilot, condition, what: str, limit: int = 400) -> None:
    """Wait on a condition (never a fixed sleep): the draft is written after a pause in typing."""
    for _ in range(limit):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never happened: {what}")


def _drafts(demo_set: Path) -> list[Draft]:
    return Drafts(demo_set).waiting()


def test_the_draft_is_on_disk_while_typing_and_gone_once_saved(make_app, demo_set: Path) -> None:
    before = on_disk(demo_set, DOC_A)
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        await pilot.press("j", "1", "a")
        assert type(app.screen).__name__ == "NoteEditor"
        await pilot.press(*"typed so far")
        await _until(pilot, lambda: [d.text for d in _drafts(demo_set)] == ["typed so far"], "draft on disk")
        (new,) = _new(demo_set, before)
        assert new["note"] == ""                              # not saved yet: only the draft holds it
        await pilot.press("ctrl+s")
        assert _new(demo_set, before)[0]["note"] == "typed so far"
        assert _drafts(demo_set) == []

    drive(app, scenario)


def test_ctrl_q_in_the_editor_saves_the_note_before_quitting(make_app, demo_set: Path) -> None:
    before = on_disk(demo_set, DOC_A)
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        await pilot.press("j", "1", "a")
        await pilot.press(*"not lost", "ctrl+q")             # at once: no time for the draft timer
        await _until(pilot, lambda: app._exit_renderables is not None or not app.is_running, "exit", 40)

    drive(app, scenario)
    assert _new(demo_set, before)[0]["note"] == "not lost"
    assert _drafts(demo_set) == []


def test_a_draft_left_by_a_killed_app_is_committed_at_the_next_start_and_undoable(make_app, demo_set: Path) -> None:
    store = AnnotationStore.open(demo_set)
    ann = store.load(DOC_A).annotations[0]
    Drafts(demo_set).save(Draft(DOC_A, ann.id, ann.note, "typed before the kill"))
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        await pilot.pause()
        assert app.session.annotation(DOC_A, ann.id).note == "typed before the kill"
        assert any("note draft" in m for m in notifications(app))
        assert _drafts(demo_set) == []
        await pilot.press("u")
        assert app.session.annotation(DOC_A, ann.id).note == ann.note

    drive(app, scenario)
    notes = {a["id"]: a.get("note", "") for a in on_disk(demo_set, DOC_A)}
    assert notes[ann.id] == ann.note


def test_the_editor_shows_controls_inertly_and_saves_the_real_characters(make_app, demo_set: Path) -> None:
    store = AnnotationStore.open(demo_set)
    af = store.load(DOC_A)
    original = "col1\tcol2\rline\x07bell"
    target = af.annotations[0]
    from dataclasses import replace

    af.annotations[0] = replace(target, note=original)
    store.save(af)
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        pane = app.screen.query_one("PolicyPane")
        while pane.target_annotation() is None or pane.target_annotation().id != target.id:
            await pilot.press("j")
        await pilot.press("a")
        area = app.screen.query_one("#note")
        assert "\t" not in area.text and "\r" not in area.text and "\x07" not in area.text
        await pilot.press("end", "ctrl+end", *" more", "ctrl+s")

    drive(app, scenario)
    notes = {a["id"]: a.get("note", "") for a in on_disk(demo_set, DOC_A)}
    assert notes[target.id] == original + " more"


def test_drafts_survive_damaged_neighbours(tmp_path: Path) -> None:
    drafts = Drafts(tmp_path / "set", folder=tmp_path / "drafts")
    assert drafts.save(Draft("d", "a1", "", "kept")) is None
    (tmp_path / "drafts" / "junk.json").write_text("{not json")
    (tmp_path / "drafts" / "wrong.json").write_text(json.dumps({"document": 1}))
    assert [d.text for d in drafts.waiting()] == ["kept"]


def test_the_editor_and_the_lookup_field_hold_the_focus_when_they_are_mounted(make_app, monkeypatch) -> None:
    """Focus is set in on_mount itself, not scheduled after it: a key typed as soon as the dialog
    shows (and already queued behind its mount) reaches the field, never the screen under it."""
    from reviewer.tui.screens.lookup import LookupScreen
    from reviewer.tui.screens.note_editor import NoteEditor

    seen: dict[str, str] = {}

    def checked(cls):
        mounted = cls.on_mount

        def on_mount(self) -> None:
            mounted(self)
            seen[cls.__name__] = type(self.focused).__name__ if self.focused is not None else "nothing"
        return on_mount

    for cls in (NoteEditor, LookupScreen):
        monkeypatch.setattr(cls, "on_mount", checked(cls))
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        await pilot.press("j", "1", "a")
        assert type(app.screen).__name__ == "NoteEditor"
        await pilot.press("ctrl+s")
        await pilot.press("ctrl+f")
        assert type(app.screen).__name__ == "LookupScreen"

    drive(app, scenario)
    assert seen == {"NoteEditor": "NoteArea", "LookupScreen": "Input"}


def test_a_paste_holding_escapes_lands_in_the_note_inert_and_the_draft_stays(make_app, demo_set: Path) -> None:
    """A paste (one Paste event, see test_paste_input.py) goes in where the caret is, after what was
    typed, its controls as stand-ins; the editor stays open and nothing reaches the workspace."""
    from textual import events

    before = on_disk(demo_set, DOC_A)
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        await pilot.press("j", "1", "a")
        await pilot.press(*" draft1")
        app.post_message(events.Paste(" Z\x1b[0m BEL\x07 W\r\nnext\tline"))
        await _until(pilot, lambda: "next" in app.screen.query_one("#note").text, "paste in the editor")
        assert type(app.screen).__name__ == "NoteEditor"
        await pilot.press("ctrl+s")
        (new,) = _new(demo_set, before)
        assert new["note"] == " draft1 Z\u241b[0m BEL\u2407 W\nnext\u2409line"
        assert len(new["categories"]) == 1   # the paste toggled nothing

    drive(app, scenario)
