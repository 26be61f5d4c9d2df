"""The policy pane on unusual text: graphemes, markup and escapes shown literally, a long policy,
and the launcher's lock handling."""

from __future__ import annotations

from pathlib import Path

from reviewer.inputs import load_documents
from reviewer.lock import acquire
from reviewer.session import Session
from reviewer.store import AnnotationStore
from reviewer.tui.app import ReviewerApp, Workspace
from reviewer.tui.widgets.policy_pane import PolicyPane

from .conftest import drive, on_disk

TRICKY = ("Caf\u00e9 cre\u0300me \U0001F469\u200d\U0001F4BB team \U0001F1EB\U0001F1F7 here. "
          "We sell [bold]everything[/bold] to \x1b[31manyone\x1b[0m. \u6f22\u5b57 wide text.\n\n"
          "Second paragraph with a tab\there.\n")


def _app(tmp_path: Path, files: dict[str, str], **kw) -> tuple[ReviewerApp, Path]:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    documents, errors = load_documents([folder])
    assert not errors
    set_dir = tmp_path / "set"
    session = Session(AnnotationStore.open(set_dir), documents)
    return ReviewerApp(Workspace(session, [d.id for d in documents][:2], check_every=3600, **kw)), set_dir


def test_character_steps_never_split_a_grapheme(tmp_path: Path) -> None:
    app, set_dir = _app(tmp_path, {"tricky.txt": TRICKY})

    async def scenario(pilot) -> None:
        pane = app.screen.query_one(PolicyPane)
        text = pane.document.text
        heads = []
        await pilot.press("shift+right")
        for _ in range(20):
            heads.append(pane.model.caret)
            await pilot.press("shift+right")
        assert heads[:4] == [1, 2, 3, 4]          # C a f é (precomposed)
        assert text[heads[6]:heads[7]] == "e\u0300"  # e + combining grave: one step
        zwj = text.index("\U0001F469")
        assert zwj in heads and zwj + 3 in heads and zwj + 1 not in heads and zwj + 2 not in heads
        flag = text.index("\U0001F1EB")
        assert flag in heads and flag + 2 in heads and flag + 1 not in heads
        head = pane.selection[1]
        await pilot.press("1")
        saved = on_disk(set_dir, "tricky")
        assert (saved[0]["start"], saved[0]["end"]) == (0, head)
        assert saved[0]["quote"] == text[:head]

    drive(app, scenario)


def test_markup_and_escapes_are_shown_literally(tmp_path: Path) -> None:
    app, _ = _app(tmp_path, {"tricky.txt": TRICKY})

    async def scenario(pilot) -> None:
        pane = app.screen.query_one(PolicyPane)
        shown = "".join(pane.render_line(y).text for y in range(pane.scrollable_content_region.height))
        assert "[bold]everything[/bold]" in shown
        assert "\x1b" not in shown and "\u241b[31m" in shown   # ESC drawn as a control picture
        assert "\t" not in shown
        # Titles and the status line never carry document markup either.
        assert "Caf" in str(app.screen.query_one(".pane-title").render())

    drive(app, scenario)


def test_long_policy_renders_only_visible_lines(tmp_path: Path, corpus: Path) -> None:
    text = (corpus / "barnesandnoble.com.txt").read_text(encoding="utf-8")
    app, _ = _app(tmp_path, {"long.txt": text})

    async def scenario(pilot) -> None:
        pane = app.screen.query_one(PolicyPane)
        height = pane.scrollable_content_region.height
        assert len(pane.text_layout) > 10 * height
        await pilot.press("G")
        await pilot.pause()
        assert len(pane.painter.lines) <= 3 * height  # drawn: the first screen and the last, not the document
        y = pane.text_layout.line_of(pane.current_clause.start)
        assert pane.scroll_y <= y < pane.scroll_y + height

    drive(app, scenario)


def test_lock_held_elsewhere_opens_read_only(tmp_path: Path, seeds: Path, demo_set: Path) -> None:
    from reviewer.tui.launch import prepare

    held = acquire(demo_set)
    try:
        # Our own pid holds it, as a second reviewer would: pretend the holder is someone else.
        import reviewer.lock as lock_module

        original = lock_module.is_stale
        lock_module.is_stale = lambda info: False
        try:
            workspace, lock = prepare([seeds], demo_set)
        finally:
            lock_module.is_stale = original
        assert lock is None
        assert workspace.session.read_only
        assert "read-only" in workspace.read_only_reason
    finally:
        held.release()


def test_empty_and_odd_documents_do_not_break_the_pane(tmp_path: Path) -> None:
    long_line = ("word " * 40_000).strip()  # 200k characters, no newline
    app, set_dir = _app(tmp_path, {"a-empty.txt": "", "b-long.txt": long_line})

    async def scenario(pilot) -> None:
        empty, long = list(app.screen.query(PolicyPane))
        assert empty.target_span() is None
        assert app.screen.check_action("tag", ("1",)) is None
        await pilot.press("j", "k", "G", "v", "shift+right", "1", "slash", "x", "escape", "escape")
        assert on_disk(set_dir, "a-empty") == []
        await pilot.press("tab", "G", "1")
        saved = on_disk(set_dir, "b-long")
        assert len(saved) == 1 and saved[0]["quote"] == long.document.text[saved[0]["start"]:saved[0]["end"]]
        await pilot.resize_terminal(24, 8)
        await pilot.pause()
        await pilot.press("g", "j")
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert long.text_layout.width == long.scrollable_content_region.width - 5

    drive(app, scenario)


def test_moving_the_cursor_repaints_exactly_what_a_full_repaint_shows(make_app) -> None:
    """The pane repaints only the lines the cursor leaves and enters; that must never leave a stale
    highlight behind (it once did for the first clause after the layout was built)."""
    from .conftest import drive as _drive

    app = make_app()

    async def scenario(pilot) -> None:
        pane = app.screen.query_one(PolicyPane)
        for keys in (("j", "j"), ("j", "k", "J"), ("G", "g")):
            await pilot.press(*keys)
            await pilot.pause()
            incremental = app.export_screenshot()
            pane.painter.lines.clear()
            pane.refresh()
            await pilot.pause()
            assert app.export_screenshot() == incremental, f"stale lines after {keys}"

    _drive(app, scenario)
