"""Pilot tests: real keys for each flow of the workspace, asserting on the TOML on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.apps import notifications
from reviewer.store import Annotation, AnnotationStore
from reviewer.tui.widgets.pane_frame import PaneFrame
from reviewer.tui.widgets.policy_pane import PolicyPane

from .conftest import drive, on_disk, settle, from_palette

DOC_A, DOC_B = "picker-top", "picky-assist"


def _pane(app, n: int = 0) -> PolicyPane:
    return list(app.screen.query(PolicyPane))[n]


def _new_on_disk(demo_set: Path, doc_id: str, before: list[dict]) -> list[dict]:
    ids = {a["id"] for a in before}
    return [a for a in on_disk(demo_set, doc_id) if a["id"] not in ids]


def test_digit_tags_the_current_clause(make_app, demo_set: Path) -> None:
    before = on_disk(demo_set, DOC_A)
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        await pilot.press("j", "j", "5")
        pane = _pane(app)
        clause = pane.clauses[2]
        new = _new_on_disk(demo_set, DOC_A, before)
        assert len(new) == 1
        assert (new[0]["start"], new[0]["end"]) == (clause.start, clause.end)
        assert new[0]["categories"] == ["data-retention"]
        assert new[0]["quote"] == pane.document.text[clause.start:clause.end]
        assert any(a.id == new[0]["id"] for a in pane.annotations)
        # The same key again toggles it off: the annotation (its last category) is deleted.
        await pilot.press("5")
        assert _new_on_disk(demo_set, DOC_A, before) == []

    drive(app, scenario)


def test_select_by_clause_and_by_character_then_tag(make_app, demo_set: Path) -> None:
    before = on_disk(demo_set, DOC_A)
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        pane = _pane(app)
        await pilot.press("j", "V", "j", "j", "1")
        new = _new_on_disk(demo_set, DOC_A, before)
        assert [(a["start"], a["end"]) for a in new] == [(pane.clauses[1].start, pane.clauses[3].end)]
        assert pane.selection is None  # tagging ends the selection
        # Characters: shift+right three times from the start of the clause, then a word.
        await pilot.press("G", "k", "shift+right", "shift+right", "shift+right", "2")
        clause = pane.clauses[len(pane.clauses) - 2]
        new = _new_on_disk(demo_set, DOC_A, before)
        spans = {(a["start"], a["end"]): a for a in new}
        assert (clause.start, clause.start + 3) in spans
        assert spans[(clause.start, clause.start + 3)]["quote"] == pane.document.text[clause.start:clause.start + 3]
        # v then e: the first word, as in vim; escape cancels it and the digit tags the whole clause
        await pilot.press("circumflex_accent", "v", "e")
        from reviewer.graphemes import word_end

        assert pane.selection_span == (clause.start, word_end(pane.text, clause.start) + 1)
        await pilot.press("escape")
        assert pane.selection is None
        clause = pane.current_clause
        await pilot.press("3")
        new = _new_on_disk(demo_set, DOC_A, before)
        assert any((a["start"], a["end"]) == (clause.start, clause.end) and a["categories"] == ["user-choice"]
                   for a in new)

    drive(app, scenario)


def test_taxonomy_picker_sets_several_categories(make_app, demo_set: Path) -> None:
    before = on_disk(demo_set, DOC_A)
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        await pilot.press("j", "t")
        assert type(app.screen).__name__ == "TagPicker"
        await pilot.press("2", "6", "enter")
        assert type(app.screen).__name__ == "WorkspaceScreen"
        new = _new_on_disk(demo_set, DOC_A, before)
        assert len(new) == 1
        assert sorted(new[0]["categories"]) == ["data-security", "third-party-sharing"]
        # Reopen: both are ticked; untick one.
        await pilot.press("t", "2", "enter")
        new = _new_on_disk(demo_set, DOC_A, before)
        assert new[0]["categories"] == ["data-security"]

    drive(app, scenario)


def test_note_editor_keeps_the_note(make_app, demo_set: Path) -> None:
    before = on_disk(demo_set, DOC_A)
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        await pilot.press("j", "1", "a")
        assert type(app.screen).__name__ == "NoteEditor"
        await pilot.press(*"ok [b]x", "ctrl+s")
        assert type(app.screen).__name__ == "WorkspaceScreen"
        new = _new_on_disk(demo_set, DOC_A, before)
        assert new[0]["note"] == "ok [b]x"
        await pilot.press("enter")
        assert type(app.screen).__name__ == "NoteEditor"
        await pilot.press("end", "!", "escape")
        assert _new_on_disk(demo_set, DOC_A, before)[0]["note"] == "ok [b]x!"

    drive(app, scenario)


def test_note_and_delete_are_greyed_without_an_annotation(make_app) -> None:
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        screen = app.screen
        pane = _pane(app)
        assert pane.target_annotation() is None
        assert screen.check_action("note", ()) is None
        assert screen.check_action("delete", ()) is None
        await pilot.press("a", "x")
        assert type(app.screen).__name__ == "WorkspaceScreen"

    drive(app, scenario)


def test_delete_removes_the_annotation_under_the_cursor(make_app, demo_set: Path) -> None:
    before = on_disk(demo_set, DOC_A)
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        pane = _pane(app)
        await pilot.press("right_square_bracket")
        target = pane.target_annotation()
        assert target is not None
        await pilot.press("x")
        after = on_disk(demo_set, DOC_A)
        assert target.id not in {a["id"] for a in after}
        assert len(after) == len(before) - 1
        await pilot.press("u")
        assert target.id in {a["id"] for a in on_disk(demo_set, DOC_A)}

    drive(app, scenario)


def test_undo_redo_across_two_documents(make_app, demo_set: Path) -> None:
    a0, b0 = on_disk(demo_set, DOC_A), on_disk(demo_set, DOC_B)
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        await pilot.press("j", "4")            # pane 1
        await pilot.press("tab", "j", "j", "8")  # pane 2
        assert app.screen.active.document.id == DOC_B
        assert len(_new_on_disk(demo_set, DOC_A, a0)) == 1
        assert len(_new_on_disk(demo_set, DOC_B, b0)) == 1
        await pilot.press("u")
        assert _new_on_disk(demo_set, DOC_B, b0) == []
        assert len(_new_on_disk(demo_set, DOC_A, a0)) == 1
        await pilot.press("ctrl+z")
        assert _new_on_disk(demo_set, DOC_A, a0) == []
        await pilot.press("ctrl+r")
        assert [a["categories"] for a in _new_on_disk(demo_set, DOC_A, a0)] == [["user-access"]]
        await pilot.press("ctrl+y")
        assert [a["categories"] for a in _new_on_disk(demo_set, DOC_B, b0)] == [["do-not-track"]]
        # The panes show what is on disk.
        assert len(_pane(app, 0).annotations) == len(a0) + 1
        assert len(_pane(app, 1).annotations) == len(b0) + 1

    drive(app, scenario)


def test_split_and_close_panes(make_app) -> None:
    app = make_app([DOC_A])

    async def scenario(pilot) -> None:
        assert len(app.screen.query(PaneFrame)) == 1
        assert app.screen.check_action("close_pane", ()) is None
        await pilot.press("vertical_line")
        assert type(app.screen).__name__ == "DocumentPicker"
        await pilot.press(*"piconext", "enter")
        await pilot.pause()
        frames = list(app.screen.query(PaneFrame))
        assert [f.document.id for f in frames] == [DOC_A, "piconext"]
        assert app.screen.active is frames[1]
        assert app.focused is frames[1].pane
        for doc in ("team-picpros", "picky-assist"):
            await pilot.press("vertical_line", *doc, "enter")
            await pilot.pause()
        assert len(app.screen.query(PaneFrame)) == 4
        assert app.screen.check_action("split", ()) is None  # four is the most
        await pilot.press("ctrl+w", "h")
        assert app.screen.active.document.id == "team-picpros"
        await pilot.press("Q")
        await pilot.pause()
        assert [f.document.id for f in app.screen.query(PaneFrame)] == [DOC_A, "piconext", "picky-assist"]
        await pilot.press("o", *"team", "enter")
        await pilot.pause()
        assert app.screen.active.document.id == "team-picpros"

    drive(app, scenario)


def test_search_highlights_and_steps_through_matches(make_app) -> None:
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        pane = _pane(app)
        text = pane.document.text
        await pilot.press("slash", *"PERSONAL")
        expected = [i for i in range(len(text)) if text.lower().startswith("personal", i)]
        assert [s for s, _ in pane.matches] == expected
        first = pane.match_index
        await pilot.press("down")
        assert pane.match_index == first + 1
        await pilot.press("up")
        assert pane.match_index == first
        await pilot.press("enter")  # closes the field with the caret at the match; matches stay
        assert app.focused is pane
        assert pane.model.caret == pane.matches[first][0]
        await pilot.press("n", "n")
        assert pane.match_index == first + 2
        s, _ = pane.matches[pane.match_index]
        assert pane.current_clause.start <= s < pane.current_clause.end
        await pilot.press("N")
        assert pane.match_index == first + 1
        await pilot.press("escape")
        assert pane.matches == []

    drive(app, scenario)


def test_search_enter_then_v_e_tags_exactly_the_word(make_app, demo_set: Path) -> None:
    """The acceptance flow: / discontinue enter escape v e 5 gives one annotation, "discontinue"."""
    before = on_disk(demo_set, DOC_A)
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        await pilot.press("slash", *"discontinue", "enter", "escape", "v", "e", "5")
        new = _new_on_disk(demo_set, DOC_A, before)
        assert [a["quote"] for a in new] == ["discontinue"]
        assert new[0]["categories"] == ["data-retention"]

    drive(app, scenario)


def test_a_search_that_finds_nothing_returns_to_where_it_started(make_app) -> None:
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        pane = _pane(app)
        await pilot.press("j", "j", "w")
        start = pane.model.caret
        await pilot.press("slash", *"policy", "z", "z", "q")
        await pilot.press("enter")
        assert pane.matches == [] and pane.model.caret == start
        await pilot.press("slash", *"policy", "escape")
        assert pane.matches and pane.model.caret == pane.matches[pane.match_index][0]

    drive(app, scenario)


def test_caret_keys_move_within_the_clause_and_the_status_line_shows_it(make_app) -> None:
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        pane = _pane(app)
        frame = app.screen.active
        await pilot.press("j")
        clause = pane.current_clause
        assert pane.model.caret == clause.start
        await pilot.press("l", "l", "right")
        assert pane.model.caret == clause.start + 3
        await pilot.press("h")
        assert pane.model.caret == clause.start + 2
        await pilot.press("dollar_sign")
        assert pane.model.caret < clause.end and pane.current_clause is clause
        await pilot.press("circumflex_accent", "f", pane.text[clause.start + 5])
        assert pane.model.caret == pane.text.index(pane.text[clause.start + 5], clause.start + 1)
        await pilot.pause()
        column = pane.model.caret - clause.start + 1
        assert f"clause {pane.cursor + 1}/{len(pane.clauses)}:{column}" in str(frame.status.render())

    drive(app, scenario)


def test_f_then_slash_finds_a_slash_rather_than_opening_the_search(make_app) -> None:
    """The search key is taken as it is read (a query typed right after it lands in the field),
    but the character after f or F is the character to find, "/" included."""
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        pane = _pane(app)
        frame = app.screen.active
        slash = pane.text.index("/")
        pane.place_caret(pane.document.clauses[pane.document.clause_index_at(slash)].start)
        await pilot.pause()
        assert pane.model.caret < slash
        await pilot.press("f", "slash")
        assert pane.model.caret == slash
        assert not frame.search_bar.display and app.focused is pane
        await pilot.press("slash")
        assert frame.search_bar.display and app.focused is frame.search_bar

    drive(app, scenario)


def test_search_is_literal() -> None:
    from reviewer.cursor import find_all

    assert find_all("a.b a+b A.B", "a.b") == [(0, 3), (8, 11)]
    assert find_all("[b]x", "[B]") == [(0, 3)]
    assert find_all("abc", "") == []


def test_external_change_is_merged(make_app, demo_set: Path) -> None:
    app = make_app([DOC_A, DOC_B], check_every=0.2)

    async def scenario(pilot) -> None:
        pane = _pane(app)
        await pilot.press("j", "6")
        text = pane.document.text
        # Another program adds an annotation to the same file.
        other = AnnotationStore.open(demo_set)
        af = other.load(DOC_A)
        clause = pane.clauses[5]
        outside = Annotation.create(text, clause.start, clause.end, ["other"], note="from git pull")
        af.annotations.append(outside)
        other.save(af)
        for _ in range(30):
            await pilot.pause(0.1)
            if any(a.id == outside.id for a in pane.annotations):
                break
        assert any(a.id == outside.id for a in pane.annotations)
        # Our next change keeps theirs.
        await pilot.press("j", "7")
        ids = {a["id"] for a in on_disk(demo_set, DOC_A)}
        assert outside.id in ids
        assert sum(1 for a in on_disk(demo_set, DOC_A) if a["categories"] in (["data-security"], ["policy-change"])) >= 2

    drive(app, scenario)


def test_write_error_is_reported_and_ctrl_s_retries(make_app, demo_set: Path, monkeypatch) -> None:
    import reviewer.store as store_module

    before = on_disk(demo_set, DOC_A)
    real = store_module.atomic_write
    app = make_app([DOC_A, DOC_B])

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    async def scenario(pilot) -> None:
        monkeypatch.setattr(store_module, "atomic_write", full)
        await pilot.press("j", "3")
        assert _new_on_disk(demo_set, DOC_A, before) == []
        assert DOC_A in app.session.pending
        assert notifications(app, severity="error")
        assert len(_pane(app).annotations) == len(before) + 1  # the change is kept on screen
        monkeypatch.setattr(store_module, "atomic_write", real)
        await pilot.press("ctrl+s")
        assert len(_new_on_disk(demo_set, DOC_A, before)) == 1
        assert not app.session.pending

    drive(app, scenario)


def test_read_only_refuses_changes(make_app, demo_set: Path) -> None:
    before = on_disk(demo_set, DOC_A)
    app = make_app([DOC_A, DOC_B], read_only=True)

    async def scenario(pilot) -> None:
        assert app.screen.check_action("tag", ("1",)) is None
        await pilot.press("j", "1", "t")
        assert type(app.screen).__name__ == "WorkspaceScreen"
        assert on_disk(demo_set, DOC_A) == before
        assert "read-only" in str(_pane(app).parent.status.render())

    drive(app, scenario)


def test_moves(make_app) -> None:
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        pane = _pane(app)
        n = len(pane.clauses)
        await pilot.press("G")
        assert pane.cursor == n - 1
        await pilot.press("g")
        assert pane.cursor == 0
        await pilot.press("J")
        assert pane.clauses[pane.cursor].paragraph > pane.clauses[0].paragraph
        assert pane.cursor == next(i for i, c in enumerate(pane.clauses) if c.paragraph > pane.clauses[0].paragraph)
        await pilot.press("K")
        assert pane.cursor == 0
        await pilot.press("ctrl+d")
        down = pane.cursor
        assert down > 0
        await pilot.press("ctrl+u")
        assert pane.cursor < down
        await pilot.press("g", "right_square_bracket")
        first = min(pane.document.clause_index_at(a.start) for a in pane.annotations)
        assert pane.cursor == first
        await pilot.press("down", "up")
        assert pane.cursor == first
        await pilot.press("G")
        # the cursor is visible after a long jump
        y = pane.text_layout.line_of(pane.current_clause.start)
        assert pane.scroll_y <= y < pane.scroll_y + pane.scrollable_content_region.height

    drive(app, scenario)


def test_mouse_click_and_drag(make_app, demo_set: Path) -> None:
    before = on_disk(demo_set, DOC_A)
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        pane = _pane(app)
        line = 10
        start = pane.text_layout.starts[line]
        await pilot.click(pane, offset=(5, line))
        assert pane.cursor == pane.document.clause_index_at(start)
        assert pane.selection is None
        await pilot.mouse_down(pane, offset=(5, line))
        await pilot.hover(pane, offset=(9, line))
        await pilot.mouse_up(pane, offset=(9, line))
        assert pane.selection_span == (start, start + 4)
        await pilot.press("9")
        new = _new_on_disk(demo_set, DOC_A, before)
        assert [(a["start"], a["end"], a["categories"]) for a in new] == [(start, start + 4, ["specific-audiences"])]

    drive(app, scenario)


def test_orphans_screen_deletes_an_orphan(make_app, demo_set: Path) -> None:
    path = demo_set / f"{DOC_A}.toml"
    store = AnnotationStore.open(demo_set)
    af = store.load(DOC_A)
    gone = Annotation.create("zzz qqq text that is nowhere", 0, 28, ["other"])
    af.annotations.append(gone)
    store.save(af)
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        assert "1 orphan" in str(_pane(app).parent.status.render())
        await pilot.press("O")
        assert type(app.screen).__name__ == "OrphansScreen"
        await pilot.press("x")
        await pilot.pause()
        assert type(app.screen).__name__ == "WorkspaceScreen"
        assert gone.id not in path.read_text()
        await pilot.press("u")
        assert gone.id in path.read_text()

    drive(app, scenario)


def test_help_lists_every_active_binding(make_app) -> None:
    from reviewer.tui.commands import help_rows

    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        rows = help_rows(app.screen)
        described = {desc.split(" (not")[0]: keys for keys, desc, _ in rows}
        assert described["Next clause"] == "j ↓"
        assert "Toggle Data Retention" in described
        assert described["Undo"].startswith("u")
        await pilot.press("question_mark")
        assert type(app.screen).__name__ == "HelpScreen"

    drive(app, scenario)


def test_command_palette_runs_a_bound_action(make_app) -> None:
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        pane = _pane(app)
        await from_palette(pilot, "Bottom")
        await settle(pilot)
        assert pane.cursor == len(pane.clauses) - 1

    drive(app, scenario)


def test_keymap_from_settings_and_bad_keys(make_app) -> None:
    app = make_app([DOC_A, DOC_B], keys={"pane.next": "z"})   # a free key ("s" is similar's: refused)

    async def scenario(pilot) -> None:
        pane = _pane(app)
        await pilot.press("z", "z")
        assert pane.cursor == 2

    drive(app, scenario)
    app = make_app([DOC_A, DOC_B], keys={"pane.next": "ctrl+"})

    async def scenario2(pilot) -> None:
        pane = _pane(app)
        await pilot.press("j")
        assert pane.cursor == 1
        assert any("bad key" in m for m in notifications(app))

    drive(app, scenario2)


def test_theme_switch_keeps_drawing(make_app) -> None:
    app = make_app([DOC_A, DOC_B], theme="reviewer-light")

    async def scenario(pilot) -> None:
        assert app.theme == "reviewer-light"
        pane = _pane(app)
        dark = pane.render_line(0)
        app.theme = "textual-dark"
        await pilot.pause()
        assert pane.render_line(0).text == dark.text

    drive(app, scenario)
    app = make_app([DOC_A, DOC_B], theme="no-such-theme")

    async def scenario2(pilot) -> None:
        assert any("unknown theme" in m for m in notifications(app))

    drive(app, scenario2)


def test_document_list_shows_counts_and_opens(make_app) -> None:
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        await pilot.press("D")
        doclist = app.screen.query_one("#documents")
        assert doclist.display and app.focused is doclist
        await settle(app)
        await pilot.pause()
        prompt = str(doclist.get_option(DOC_A).prompt)
        assert "7:1" in prompt and "\u25a0" in prompt  # one policy-change annotation in the demo set
        await pilot.press("end", "enter")
        assert app.screen.active.document.id == "picobyte--privacy-policy"  # the versioned seed, listed last
        await pilot.press("escape")
        assert isinstance(app.focused, PolicyPane)

    drive(app, scenario)


@pytest.mark.parametrize("size", [(120, 40), (60, 20), (200, 50)])
def test_resize_rewraps(make_app, size) -> None:
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        pane = _pane(app)
        width = pane.text_layout.width
        assert width == pane.scrollable_content_region.width - 5
        await pilot.press("G")
        await pilot.resize_terminal(size[0] // 2 + 10, size[1])
        await pilot.pause()
        assert pane.text_layout.width == pane.scrollable_content_region.width - 5
        y = pane.text_layout.line_of(pane.current_clause.start)
        assert pane.scroll_y <= y < pane.scroll_y + pane.scrollable_content_region.height + 1

    drive(app, scenario, size=size)


def test_quit_with_unwritten_changes_asks_twice(make_app, monkeypatch) -> None:
    import reviewer.store as store_module

    app = make_app([DOC_A, DOC_B])

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    async def scenario(pilot) -> None:
        monkeypatch.setattr(store_module, "atomic_write", full)
        await pilot.press("j", "3", "q")
        assert app.is_running and app.return_code is None
        assert any("not written yet" in m for m in notifications(app))
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0

    drive(app, scenario)


def test_counts_are_built_with_collection_paused_and_given_back(make_app, monkeypatch) -> None:
    import gc
    import threading

    app = make_app([DOC_A, DOC_B])
    during: list[bool] = []
    counts = app.session.counts

    def counting(doc_id):
        if threading.current_thread() is not threading.main_thread():   # the counts worker's calls
            during.append(gc.isenabled())
        return counts(doc_id)

    monkeypatch.setattr(app.session, "counts", counting)

    async def scenario(pilot) -> None:
        await pilot.press("D")
        await settle(app)
        await pilot.pause()

    drive(app, scenario)
    assert during and not any(during)   # the worker built every count with collection off
    assert gc.isenabled()               # and gave it back
