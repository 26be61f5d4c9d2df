"""Pilot tests: panes say which document they show, replacing one says so, a document is not shown
twice unless asked, and four narrow panes keep what matters on their status lines."""

from __future__ import annotations

from pathlib import Path

from reviewer.tui.widgets.pane_frame import PaneFrame

from .conftest import drive, on_disk

DOC_A, DOC_B = "picker-top", "picky-assist"
FOUR = [DOC_A, DOC_B, "piconext", "team-picpros"]


def _messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]  # noqa: SLF001


def _frames(app) -> list[PaneFrame]:
    return list(app.screen.query(PaneFrame))


def _title(frame: PaneFrame) -> str:
    return str(frame.title_label.render())


def test_titles_show_the_id_then_the_title(make_app) -> None:
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        for frame in _frames(app):
            shown = _title(frame)
            assert shown.startswith(frame.document.id + " \u00b7 ")
            assert frame.document.title.split("\n")[0][:20] in shown

    drive(app, scenario)


def test_opening_into_a_pane_says_what_it_replaces_and_clears_its_message(make_app, demo_set: Path) -> None:
    before = on_disk(demo_set, DOC_A)
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        await pilot.press("j", "5")
        assert len(on_disk(demo_set, DOC_A)) == len(before) + 1
        first = _frames(app)[0]
        assert first.status.message and "Tagged" in str(first.status.render())
        await pilot.press("D", *"piconext"[:0], "end")  # the document list, last entry
        await pilot.press("up", "up", "enter")
        await pilot.pause()
        shown = first.document.id
        assert shown not in (DOC_A, DOC_B)
        assert _title(first).startswith(shown)
        assert any(f"{shown} replaces {DOC_A}" in m for m in _messages(app))
        assert first.status.message is None and "Tagged" not in str(first.status.render())

    drive(app, scenario)


def test_a_document_is_not_shown_twice_unless_asked(make_app) -> None:
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        await pilot.press("o", *DOC_B, "enter")  # already in pane 2: that pane is focused instead
        await pilot.pause()
        assert [f.document.id for f in _frames(app)] == [DOC_A, DOC_B]
        assert app.screen.active is _frames(app)[1]
        assert any(f"{DOC_B} is already in pane 2" in m for m in _messages(app))
        await pilot.press("vertical_line", *DOC_B, "enter")  # a split asks for it: shown twice
        await pilot.pause()
        assert [f.document.id for f in _frames(app)] == [DOC_A, DOC_B, DOC_B]

    drive(app, scenario)


def test_four_panes_on_80_columns_keep_clause_annotations_and_sync(make_app) -> None:
    app = make_app(FOUR)

    async def scenario(pilot) -> None:
        await pilot.press("j", "j")
        frames = _frames(app)
        assert len(frames) == 4
        first = frames[0]
        line = str(first.status.render())
        assert first.status.size.width < 25
        assert f"3/{len(first.pane.clauses)}" in line and f"{len(first.pane.annotations)} ann" in line
        assert first.status.size.height == 2  # a narrow pane: a second row for the message
        assert len(line) <= first.status.size.width
        await pilot.press("c", "5")  # sync to data retention: each pane says where it is
        await pilot.pause()
        for frame in frames:
            counts, feedback = str(frame.status.render()).split("\n")
            assert max(len(counts), len(feedback)) <= frame.status.size.width
            assert f"/{len(frame.pane.clauses)}" in counts and "ann" in counts
            assert (frame.status.message or "").startswith(("Data", "No Data"))
            assert feedback.startswith(("5:none", "5:1/", "5:2/"))  # the sync feedback: where in the category

    drive(app, scenario, size=(80, 30))
