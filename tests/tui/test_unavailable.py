"""A key or command that cannot apply now is greyed, never hidden, and says why when used: the
palette lists it marked as the help does; a key whose reason is known says it (u with nothing to
undo, a writing key on a read-only set) instead of doing nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.apps import notifications

from .conftest import drive, from_palette, on_disk, until

DOC_A, DOC_B = "picker-top", "picky-assist"


@pytest.mark.parametrize(("command", "said"), [
    ("Next match", "No search matches"),
    ("Select match", "No search matches"),
    ("Orphans", "No orphaned annotations"),
    ("Review", "Nothing to review here"),
    ("Next suggestion", "No suggestions to go to"),
])
def test_a_greyed_command_is_in_the_palette_marked_and_says_why(make_app, command: str, said: str) -> None:
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        app.screen.suggestions.suggester.enabled = False   # no model coming while the palette is open
        await from_palette(pilot, command)
        await until(pilot, lambda: any(said in n for n in notifications(app)), f"why {command!r} cannot apply")

    drive(app, scenario)


def test_the_palette_marks_a_greyed_command_as_the_help_does(make_app) -> None:
    from textual.command import CommandList, CommandPalette

    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"Next match")
        results = app.screen.query_one(CommandList)

        def listed() -> list[str]:
            return [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]

        await until(pilot, lambda: any("Next match" in p for p in listed()), "Next match listed")
        assert any("Next match" in p and "(not available here)" in p for p in listed())

    drive(app, scenario)


@pytest.mark.parametrize(("key", "said"), [("u", "Nothing to undo"), ("ctrl+r", "Nothing to redo")])
def test_undo_and_redo_with_nothing_say_so(make_app, key: str, said: str) -> None:
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        await pilot.press(key)
        await until(pilot, lambda: said in notifications(app), said)

    drive(app, scenario)


def test_a_read_only_set_says_why_tag_note_and_delete_do_nothing(make_app, demo_set: Path) -> None:
    before = on_disk(demo_set, DOC_A)
    app = make_app([DOC_A, DOC_B], read_only=True)

    async def scenario(pilot) -> None:
        await pilot.press("j", "j")
        for key in ("t", "enter", "x", "9"):
            app.clear_notifications()
            await pilot.press(key)
            await until(pilot, lambda: any(n.startswith("Read-only") and "held elsewhere (test)" in n
                                           for n in notifications(app, severity="warning")), f"{key} explained")
            assert type(app.screen).__name__ == "WorkspaceScreen"
        for key in ("t", "enter", "x", "9"):
            assert app.screen.active_bindings[key].enabled is False   # greyed in the footer
        assert on_disk(demo_set, DOC_A) == before

    drive(app, scenario)


def test_save_in_a_read_only_set_says_read_only(make_app, demo_set: Path) -> None:
    """ctrl+s said "Saved: nothing waiting" in a read-only session; it says why nothing is written."""
    before = on_disk(demo_set, DOC_A)
    app = make_app([DOC_A, DOC_B], read_only=True)

    async def scenario(pilot) -> None:
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any(n.startswith("Read-only") for n in notifications(app, severity="warning")),
                    "ctrl+s explained")
        assert not [n for n in notifications(app) if "Nothing waiting" in n]
        assert on_disk(demo_set, DOC_A) == before

    drive(app, scenario)
