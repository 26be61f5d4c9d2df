"""Pilot tests for the concordance: rows in context, filters, grouping, enter jumps, marked rows
re-tagged in one undoable step (asserted on the screen and on the TOML)."""

from __future__ import annotations

from pathlib import Path

from tests.apps import notifications
from reviewer.tui.screens.category_chooser import CategoryChooser
from reviewer.tui.screens.concordance import ConcordanceScreen
from reviewer.tui.widgets.policy_pane import PolicyPane

from .conftest import drive, from_palette, on_disk, until
from .test_dialogs import screen_text


async def until_loaded(pilot, screen: ConcordanceScreen) -> None:
    """The rows are read in a thread worker when some policy was not open yet: wait for it."""
    await pilot.app.workers.wait_for_complete()
    for _ in range(100):
        await pilot.pause(0.02)
        if screen.loaded:
            return
    raise AssertionError("the concordance never loaded")


def retention_ids(set_dir: Path) -> dict[str, list[str]]:
    out = {}
    for path in sorted(set_dir.glob("*.toml")):
        if path.stem == "set":
            continue
        out[path.stem] = sorted(a["id"] for a in on_disk(set_dir, path.stem) if "data-retention" in a["categories"])
    return out


def test_palette_opens_the_concordance_and_enter_jumps(make_app, demo_set: Path) -> None:
    app = make_app()

    async def scenario(pilot) -> None:
        await from_palette(pilot, "Concordance")
        await until(pilot, lambda: isinstance(app.screen, CategoryChooser), "isinstance(app.screen, CategoryChooser)")
        # tick Data Retention (5th category) and confirm
        await pilot.press("down", "down", "down", "down", "space", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConcordanceScreen), "the concordance")
        screen = app.screen
        assert isinstance(screen, ConcordanceScreen)
        await until_loaded(pilot, screen)
        assert screen.categories == ["data-retention"]
        text = screen_text(app)
        held = {d: ids for d, ids in retention_ids(demo_set).items() if ids}
        total = sum(len(ids) for ids in held.values())
        assert f"Concordance · Data Retention · {total} annotations in {len(held)} policies" in text
        assert "We retain your personal" in text and "picker-top" in text
        assert all("data-retention" in e.annotation.categories for e in screen.items)
        await pilot.press("down")  # second row: piconext 5899
        await pilot.pause()
        target = screen.current()
        assert target is not None and target.document == "piconext"
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, ConcordanceScreen), "not isinstance(app.screen, ConcordanceScreen)")
        pane = next(p for p in app.screen.query(PolicyPane) if p.has_focus)
        assert pane.document.id == "piconext"
        assert pane.cursor == pane.document.clause_index_at(target.annotation.start)  # the cursor is a clause
        assert pane.clauses[pane.cursor].start <= target.annotation.start < pane.clauses[pane.cursor].end

    drive(app, scenario)


def test_marked_rows_are_retagged_in_one_undoable_step(make_app, demo_set: Path) -> None:
    app = make_app()
    before = retention_ids(demo_set)

    total = sum(len(ids) for ids in before.values())

    async def scenario(pilot) -> None:
        screen = ConcordanceScreen(app.session, ["data-retention"])
        app.push_screen(screen)
        await until_loaded(pilot, screen)
        assert len(screen.items) == total
        await pilot.press("space", "space", "space")  # mark the first three (each moves down)
        await pilot.pause()
        assert "3 marked" in screen_text(app)
        assert screen_text(app).count("\u25cf") == 3
        await pilot.press("minus")
        await until(pilot, lambda: isinstance(app.screen, CategoryChooser), "isinstance(app.screen, CategoryChooser)")
        await pilot.press("down", "down", "down", "down", "enter")  # Data Retention
        await until(pilot, lambda: app.screen is screen, "app.screen is screen")
        assert len(screen.items) == total - 3  # three no longer carry the category
        assert any("Removed Data Retention (3 annotations)" in m for m in notifications(app))
        assert sum(len(v) for v in retention_ids(demo_set).values()) == total - 3
        await pilot.press("u")  # ONE undo restores all three
        await until(pilot, lambda: len(screen.items) == total, "len(screen.items) == total")
        assert retention_ids(demo_set) == before

    drive(app, scenario)


def test_text_filter_grouping_and_add(make_app, demo_set: Path) -> None:
    app = make_app()

    async def scenario(pilot) -> None:
        screen = ConcordanceScreen(app.session, [])
        app.push_screen(screen)
        await until_loaded(pilot, screen)
        total = len(screen.items)
        assert total > 10
        await pilot.press("slash")
        await pilot.press(*"deletio")
        await pilot.pause()
        assert 0 < len(screen.items) < total  # filtered as typed
        await pilot.press("n", "enter")
        await until(pilot, lambda: screen.grid.has_focus, "screen.grid.has_focus")
        assert 0 < len(screen.items) < total
        assert all("deletion" in (e.annotation.quote + e.annotation.note).lower() for e in screen.items)
        assert "holding “deletion”" in screen_text(app)
        await pilot.press("g")
        await pilot.pause()
        assert "grouped" in screen_text(app)
        first = screen.items[screen.order[0][0]]
        await pilot.press("plus")
        await until(pilot, lambda: isinstance(app.screen, CategoryChooser), "the category chooser")
        await pilot.press("down", "down", "down", "down", "down", "enter")  # the 6th category: Data Security
        await until(pilot, lambda: app.screen is screen, "back on the concordance")
        cats = next(a["categories"] for a in on_disk(demo_set, first.document) if a["id"] == first.annotation.id)
        assert cats == [*first.annotation.categories, "data-security"]
        assert "Added Data Security (1 annotation)" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ConcordanceScreen)

    drive(app, scenario)
