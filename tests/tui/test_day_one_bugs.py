"""Pilot tests for rough edges an analyst hits on day one, each driven by real keys."""

from __future__ import annotations

from pathlib import Path

from reviewer.tui.widgets.pane_frame import PaneFrame

from .conftest import drive, on_disk, until

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


def _bar_lines(pane) -> set[int]:
    """Content lines whose gutter shows the current-clause bar, as render_line draws them now."""
    shown = set()
    for y in range(pane.scrollable_content_region.height):
        strip = pane.render_line(y)
        if strip.text.startswith("\u258c"):
            shown.add(round(pane.scroll_y) + y)
    return shown


def test_moving_on_repaints_every_line_whose_bar_changes(make_app, monkeypatch) -> None:
    """Where one clause ends and the next begins at a line's end, that line's bar is repainted
    too: a line drawn with a bar and not repainted keeps a stale bar on the terminal."""
    from reviewer.tui.widgets.policy_pane import PolicyPane

    repainted: list[int] = []
    original = PolicyPane.refresh_lines

    def spy(self, y_start: int, line_count: int = 1) -> None:
        repainted.extend(range(y_start, y_start + line_count))
        original(self, y_start, line_count)

    monkeypatch.setattr(PolicyPane, "refresh_lines", spy)
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        pane = _frames(app)[0].pane
        await pilot.press("g")
        await pilot.pause()
        bars = _bar_lines(pane)
        for _ in range(9):
            repainted.clear()
            await pilot.press("j")
            now = _bar_lines(pane)
            assert (bars ^ now) <= set(repainted), f"clause {pane.cursor}: lines {sorted((bars ^ now) - set(repainted))} keep a stale bar"
            bars = now
        await pilot.resize_terminal(120, 36)  # a shorter pane: every line repainted
        await pilot.pause()
        assert _bar_lines(pane) == bars

    drive(app, scenario)


class _Ghost:
    """A suggestion as the pane draws it (start, end, categories best first, confidence)."""

    def __init__(self, start: int, end: int, slug: str, confidence: float) -> None:
        self.start, self.end, self.categories, self.confidence = start, end, (slug,), {slug: confidence}


def _line_text(pane, line: int) -> str:
    pane.scroll_to(y=line, animate=False, immediate=True)
    return pane.render_line(line - round(pane.scroll_y)).text[5:]  # after the gutter


def test_a_suggestion_label_is_never_drawn_after_the_next_clause_starts(make_app) -> None:
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        await pilot.resize_terminal(200, 40)
        await pilot.press("Q")  # one wide pane: room for labels
        await pilot.pause()
        pane = _frames(app)[0].pane
        text, layout = pane.text, pane.text_layout
        clauses = pane.clauses

        def last_line(c) -> tuple[int, int]:
            line = layout.line_of(c.end - 1)
            return layout.starts[line], layout.ends[line]

        shared = next(c for c in clauses[:-1] if text[c.end:last_line(c)[1]].strip()
                      and last_line(c)[1] - last_line(c)[0] < 150)
        alone = next(c for c in clauses if not text[c.end:last_line(c)[1]].strip()
                     and last_line(c)[1] - last_line(c)[0] < 120)
        pane.set_ghosts(tuple(sorted((_Ghost(shared.start, shared.end, "data-retention", 0.87),
                                      _Ghost(alone.start, alone.end, "third-party-sharing", 0.66)),
                                     key=lambda g: g.start)))
        shown = _line_text(pane, layout.line_of(shared.end - 1))
        assert "Data Retention 87%" not in shown and "\u25cc" not in shown  # the next clause follows here
        shown = _line_text(pane, layout.line_of(alone.end - 1))
        assert "\u25cc Third Party Sharing/Collection 66%" in shown  # the whole name where there is room

    drive(app, scenario)


def test_help_names_its_sections_lists_every_mode_and_scrolls_to_the_end(make_app) -> None:
    app = make_app([DOC_A, DOC_B], keys={"matrix.sort_total": "ctrl+o"})

    async def scenario(pilot) -> None:
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert type(help_screen).__name__ == "HelpScreen"
        groups = {g for _, _, g in help_screen.rows}
        assert not any(g.endswith(("app", "screen")) or g.lower() in ("reviewerapp", "workspacescreen") for g in groups)
        rows = {(g, d): k for k, d, g in help_screen.rows}
        assert rows[("Category sync (after c)", "Same again")] == "c \u23ce"
        assert rows[("Category sync (after c)", "Category by key")] == "1\u20260"
        assert rows[("Similar panel", "Apply to marked")] == "A"
        assert "^j" in rows[("Clause lookup", "Open top 4")]
        assert rows[("Coverage matrix", "Sort: total")] == "^o"  # the keymap applies here too
        assert rows[("App", "Quit")] and rows[("App", "Palette")]
        table = str(help_screen.query_one("#help-table").render())
        assert "Category sync (after c)" in table and "Sort: category" in table
        body = help_screen.query_one("#help-body")
        await pilot.press("down")
        await pilot.pause()
        assert body.scroll_y == 1
        await pilot.press("end")
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y > 1
        await pilot.press("home")
        await pilot.pause()
        assert body.scroll_y == 0

    drive(app, scenario)


def test_agreement_dialog_types_on_from_the_suggested_folder(make_app) -> None:
    from reviewer.tui.screens.agreement import SetPathDialog

    from .conftest import from_palette

    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        await from_palette(pilot, "Agreement with")
        await pilot.pause()
        assert isinstance(app.screen, SetPathDialog)
        box = app.screen.query_one("#set-path")
        suggested = box.value
        assert suggested
        await pilot.press(*"other")
        assert box.value == suggested + "other"  # typing goes on from it, it does not replace it

    drive(app, scenario)


def test_export_dialog_exports_on_enter_in_the_format_list_and_asks_before_replacing(make_app, tmp_path: Path) -> None:
    from reviewer.tui.screens.export_dialog import ExportDialog, open_export

    from .conftest import settle

    existing = tmp_path / "kept.csv"
    existing.write_text("mine\n", encoding="utf-8")
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        open_export(app)
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        dialog.query_one("#path").value = str(existing)
        dialog._suggested = lambda fmt: str(existing)  # noqa: SLF001 - the path stays as the format moves
        dialog.query_one("#formats").focus()
        await pilot.press("down")  # csv
        await pilot.pause()
        assert dialog.fmt == "csv"
        await pilot.press("enter")  # enter on the format list: export... but the file exists
        await pilot.pause()
        assert app.screen is dialog
        assert "exists" in str(dialog.query_one("#export-status").render())
        assert existing.read_text(encoding="utf-8") == "mine\n"
        await pilot.press("enter")  # asked again: replace it
        await pilot.pause()
        await settle(app)
        await until(pilot, lambda: not isinstance(app.screen, ExportDialog), "not isinstance(app.screen, ExportDialog)")
        assert existing.read_text(encoding="utf-8").startswith("document")

    drive(app, scenario)


def test_one_undo_takes_back_a_whole_bulk_apply(make_app, demo_set: Path) -> None:
    from reviewer.tui.widgets.similar_panel import SimilarPanel

    from .conftest import settle
    from .test_lookup import settle as settle_lookup

    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        pane = _frames(app)[0].pane
        pane.go_to_offset(638)  # a clause the demo set annotates
        await pilot.press("s")
        await settle_lookup(pilot, app)
        panel = app.screen.query_one(SimilarPanel)
        await pilot.press("space", "space", "space")
        marked = [panel.matches[i] for i in sorted(panel.marked)]
        assert len(marked) == 3
        before = {m.document: on_disk(demo_set, m.document) for m in marked}
        await pilot.press("A")
        await pilot.pause()
        assert any(on_disk(demo_set, d) != rows for d, rows in before.items())
        pane.focus()
        await pilot.press("u")  # one key undoes every clause the apply changed
        await pilot.pause()
        assert {d: on_disk(demo_set, d) for d in before} == before
        assert "Undid: Applied" in (_frames(app)[0].status.message or "") or any(
            "Undid: Applied" in str(n.message) for n in app._notifications)  # noqa: SLF001
        await pilot.press("ctrl+r")  # and one redo puts them all back
        await pilot.pause()
        assert all(on_disk(demo_set, d) != rows for d, rows in before.items()
                   if any(m.document == d for m in marked))
        await settle(app)

    drive(app, scenario)


def test_a_policy_edited_on_disk_is_reloaded_and_reanchored(make_app, seeds: Path, demo_set: Path) -> None:
    import os

    path = seeds / f"{DOC_A}.txt"
    toml_before = (demo_set / f"{DOC_A}.toml").read_text(encoding="utf-8")
    app = make_app([DOC_A, DOC_B])
    added = "Note from the editor: this policy was updated.\n\n"

    async def scenario(pilot) -> None:
        frame = _frames(app)[0]
        before = {a.id: (a.start, a.end) for a in frame.pane.annotations}
        assert before
        await pilot.press("j", "j")
        caret = frame.pane.model.caret
        app.screen.check_external()  # nothing changed yet: nothing happens
        assert frame.document.text == app.session.document(DOC_A).text
        old = path.read_text(encoding="utf-8")
        path.write_text(added + old, encoding="utf-8")
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))  # a later time, however coarse the clock
        app.screen.check_external()
        await pilot.pause()
        assert frame.document.text.startswith(added.strip())
        assert frame.pane.text.startswith(added.strip())
        after = {a.id: (a.start, a.end) for a in frame.pane.annotations}
        assert set(after) == set(before)  # every annotation re-anchored, none lost
        assert all(after[k] == (s + len(added), e + len(added)) for k, (s, e) in before.items())
        assert frame.pane.model.caret == caret  # the caret stays where it was in the file
        messages = [str(n.message) for n in app._notifications]  # noqa: SLF001
        assert any(f"{DOC_A}.txt changed on disk: reloaded" in m and "re-anchored" in m for m in messages)
        await pilot.press("5")  # tagging works on the new text, at the new offsets
        rows = on_disk(demo_set, DOC_A)
        span = frame.pane.target_span()
        assert any((r["start"], r["end"]) == span and "data-retention" in r["categories"] for r in rows)

    drive(app, scenario)
    assert toml_before  # the file was read before; it is only ever written through the session
