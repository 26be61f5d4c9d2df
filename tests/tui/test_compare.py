"""Comparing across policies: the coverage matrix, category sync across panes, and
suggestions in the panes (accept, reject, undo), driven with real keys."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from reviewer.suggestions import REJECTIONS_FILE
from tests.tui.compare_support import UNTAGGED, build_training_set
from tests.tui.conftest import drive, on_disk, settle, from_palette


@pytest.fixture(autouse=True)
def _no_timed_training(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests train when they say so (deterministic), never on the start-up timer."""
    import reviewer.tui.controllers.suggestions as compare

    monkeypatch.setattr(compare, "RETRAIN_AFTER", 3600.0)


@pytest.fixture
def trained_set(seeds: Path, tmp_path: Path) -> Path:
    return build_training_set(seeds, tmp_path / "trained")


def app_for(seeds: Path, set_dir: Path, open_ids: list[str], **kw):
    from tests.apps import app_over

    return app_over([seeds], set_dir, open_ids, **kw)


async def train(pilot) -> None:
    """Retrain through the real worker and wait for it (and for the ghosts it installs)."""
    pilot.app.screen.retrain_suggestions()
    await settle(pilot)
    await pilot.pause()


def frames(app):
    return app.screen.frames


def clause_of(pane, offset: int) -> int:
    return pane.document.clause_index_at(offset)


# -- coverage matrix ----------------------------------------------------------------------------------
def test_matrix_enter_opens_the_policy_at_its_first_clause_of_the_category(make_app) -> None:
    app = make_app(["picker-top", "picky-assist"])

    async def scenario(pilot) -> None:
        await pilot.press("m")
        await settle(app)
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "CoverageMatrixScreen"
        assert screen.matrix is not None and len(screen.matrix.rows) == 6  # five plain seeds and the versioned one
        await pilot.press("slash", *"piconext")  # / then typing filters the rows
        await pilot.pause()
        assert screen.order == ["piconext"]
        await pilot.press("enter")               # keeps the filter, back to moving
        assert screen.order == ["piconext"] and app.focused is None
        # to the Data Retention column: policy, total, then categories in taxonomy order
        col = 2 + list(screen.matrix.columns).index("data-retention")
        while app.screen.grid.cursor_column < col:
            await pilot.press("right")
        assert screen.cursor_cell() == ("piconext", "data-retention")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        ws = app.screen
        assert type(ws).__name__ == "WorkspaceScreen"
        pane = ws.pane
        assert pane.document.id == "piconext" and pane.has_focus
        retention = sorted(a.start for a in pane.annotations if "data-retention" in a.categories)
        assert len(retention) == 2
        assert pane.cursor == clause_of(pane, retention[0])
        assert pane.category_filter == "data-retention"
        await pilot.press("right_square_bracket")  # ] walks that category only
        assert pane.cursor == clause_of(pane, retention[1])
        await pilot.press("left_square_bracket")
        assert pane.cursor == clause_of(pane, retention[0])
        assert len(ws.frames) == 3                 # opened beside the two panes

    drive(app, scenario)


def test_matrix_counts_come_from_the_core_function_and_sort_and_escape(make_app, demo_set: Path) -> None:
    from reviewer.coverage import coverage

    app = make_app(["picker-top"])

    async def scenario(pilot) -> None:
        await pilot.press("m")
        await settle(app)
        await pilot.pause()
        screen = app.screen
        s = app.session
        expected = coverage(s.documents, {d.id: s.annotations(d.id) for d in s.documents}, s.taxonomy)
        assert screen.matrix.cells == expected.cells
        await pilot.press("ctrl+t")                # total, fewest first
        totals = [expected.row_total(d) for d in screen.order]
        assert totals == sorted(totals)
        await pilot.press("ctrl+t")                # again: most first
        assert [expected.row_total(d) for d in screen.order] == sorted(totals, reverse=True)
        await pilot.press("right", "right", "right", "right", "right", "right")   # a category column
        _doc, slug = screen.cursor_cell()
        await pilot.press("ctrl+k")                # that category, gaps first
        counts = [expected.count(d, slug) for d in screen.order]
        assert counts == sorted(counts)
        await pilot.press("ctrl+n")
        assert screen.order == sorted(screen.order, key=lambda d: (d.casefold(), d))  # the ids the rows show
        await pilot.press("slash", *"zzz")
        assert screen.order == []
        await pilot.press("escape")                # drops the filter first
        assert len(screen.order) == 6
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "WorkspaceScreen"

    drive(app, scenario)


def test_matrix_opens_first_with_more_than_four_policies(seeds: Path, demo_set: Path) -> None:
    app = app_for(seeds, demo_set, ["picker-top"], start_with_coverage=True)

    async def scenario(pilot) -> None:
        await settle(app)
        await pilot.pause()
        assert type(app.screen).__name__ == "CoverageMatrixScreen"

    drive(app, scenario)


def test_launch_starts_on_the_matrix_only_above_four_policies(seeds: Path, demo_set: Path) -> None:
    from reviewer.tui.launch import prepare

    ws, _ = prepare([seeds], demo_set, lock=False)
    assert ws.start_with_coverage  # five seeds
    ws, _ = prepare([seeds / "picker-top.txt", seeds / "piconext.txt"], demo_set, lock=False)
    assert not ws.start_with_coverage


def test_settings_turn_suggestions_off_at_launch(seeds: Path, demo_set: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewer.tui.launch import prepare

    assert prepare([seeds], demo_set, lock=False)[0].suggestions
    config = tmp_path / "config.toml"
    config.write_text("suggestions = false\n", encoding="utf-8")
    monkeypatch.setenv("REVIEWER_CONFIG", str(config))
    assert not prepare([seeds], demo_set, lock=False)[0].suggestions


def test_every_compare_key_has_a_palette_entry(make_app) -> None:
    from reviewer.tui.commands import bound_actions

    app = make_app(["picker-top"])

    async def scenario(pilot) -> None:
        actions = {r.action: r for r in bound_actions(app.screen)}
        for action in ("coverage", "sync", "toggle_sync_scroll", "accept_suggestion", "next_suggestion",
                       "toggle_suggestions"):
            assert action in actions, action
        assert actions["coverage"].group == "Compare policies"
        await from_palette(pilot, "Matrix")
        await settle(app)
        await pilot.pause()
        assert type(app.screen).__name__ == "CoverageMatrixScreen"

    drive(app, scenario)


# -- category sync -------------------------------------------------------------------------------------
def test_category_sync_over_three_panes_including_one_without_the_category(make_app) -> None:
    app = make_app(["picker-top", "picky-assist", "piconext"])

    async def scenario(pilot) -> None:
        await pilot.pause()
        top, picky, pico = (f.pane for f in frames(app))
        wanted = {p.document.id: sorted({clause_of(p, a.start) for a in p.annotations
                                         if "data-retention" in a.categories}) for p in (top, picky, pico)}
        assert wanted["picky-assist"] == [] and len(wanted["piconext"]) == 2 and len(wanted["picker-top"]) == 1
        await pilot.press("c", "5")                # c, then the Data Retention key
        await pilot.pause()
        assert top.cursor == wanted["picker-top"][0]
        assert pico.cursor == wanted["piconext"][0]
        assert picky.cursor == 0                   # no such clause: it stays, and says so
        status = frames(app)[1].status
        assert "No Data Retention clause here" in (status.message or "")  # cut on screen to "5:none Data Retention"
        assert "5:none Data Retention" in str(status.render())
        await pilot.press("c", "c")                # c again walks on
        await pilot.pause()
        assert pico.cursor == wanted["piconext"][1]
        assert top.cursor == wanted["picker-top"][0]   # only one: wraps to itself
        assert all(p.category_filter == "data-retention" for p in (top, picky, pico))
        await pilot.press("c", "escape")           # cancelled: nothing moves
        await pilot.pause()
        assert pico.cursor == wanted["piconext"][1]
        await pilot.press("c", "a")                # all: ] and [ walk every annotation again
        await pilot.pause()
        assert all(p.category_filter is None for p in (top, picky, pico))

    drive(app, scenario)


def test_category_sync_through_the_fuzzy_picker(make_app) -> None:
    app = make_app(["picker-top", "piconext"])

    async def scenario(pilot) -> None:
        await pilot.pause()
        top, pico = (f.pane for f in frames(app))
        security = sorted({clause_of(pico, a.start) for a in pico.annotations if "data-security" in a.categories})
        await pilot.press("c", "slash")
        await pilot.pause()
        assert type(app.screen).__name__ == "TagPicker"
        await pilot.press(*"security")
        await pilot.press("space", "enter")
        await pilot.pause()
        assert top.category_filter == pico.category_filter == "data-security"
        if security:
            assert pico.cursor == security[0]

    drive(app, scenario)


def test_synchronised_scrolling_follows_the_focused_pane_by_section(make_app) -> None:
    app = make_app(["picker-top", "piconext"])

    async def scenario(pilot) -> None:
        await pilot.pause()
        top, pico = (f.pane for f in frames(app))
        retention = next(a for a in top.annotations if "data-retention" in a.categories)
        target = sorted({clause_of(pico, a.start) for a in pico.annotations if "data-retention" in a.categories})
        await pilot.press("ctrl+l")
        top.focus()
        await pilot.pause()
        top.go_to_offset(retention.start)          # the focused pane enters its Data Retention section
        await pilot.pause()
        assert pico.cursor == target[0]
        await pilot.press("ctrl+l")                # off: the other pane stays put
        await pilot.press("g")
        await pilot.pause()
        assert pico.cursor == target[0]

    drive(app, scenario)


# -- suggestions -------------------------------------------------------------------------------------------
def test_suggestions_show_as_ghosts_and_sync_shows_the_best_one_where_a_category_is_missing(
        seeds: Path, trained_set: Path) -> None:
    app = app_for(seeds, trained_set, ["picker-top", "picky-assist", UNTAGGED])

    async def scenario(pilot) -> None:
        await train(pilot)
        screen = app.screen
        assert screen.suggester.active
        untagged = frames(app)[2].pane
        assert untagged.ghosts, "the untagged policy gets ghost suggestions"
        assert not frames(app)[0].pane.ghosts or all(
            not untagged.annotations_in(g.start, g.end) for g in untagged.ghosts)
        await pilot.press("c", "6")                # Data Security: the untagged policy has none
        await pilot.pause()
        best = screen.suggester.best_for(UNTAGGED, "data-security")
        assert best is not None
        assert untagged.cursor == clause_of(untagged, best.start)
        assert "showing a suggestion" in (frames(app)[2].status.message or "")  # its tooltip; cut on screen

    drive(app, scenario)


def test_accepting_a_suggestion_tags_the_clause_and_undo_removes_it(seeds: Path, trained_set: Path) -> None:
    app = app_for(seeds, trained_set, [UNTAGGED])

    async def scenario(pilot) -> None:
        await train(pilot)
        pane = frames(app)[0].pane
        await pilot.press("ctrl+n")                # the first confident suggestion
        ghost = pane.ghost_at_cursor()
        assert ghost is not None and ghost.best >= 0.7
        await pilot.press("y")
        await pilot.pause()
        saved = on_disk(trained_set, UNTAGGED)
        assert [(a["start"], a["end"], a["categories"]) for a in saved] == [
            (ghost.start, ghost.end, [ghost.categories[0]])]
        assert pane.ghost_at_cursor() is None      # tagged now: no ghost there
        await pilot.press("u")
        await pilot.pause()
        assert on_disk(trained_set, UNTAGGED) == []
        assert pane.ghost_at_cursor() is not None  # and the suggestion is back

    drive(app, scenario)


def test_rejecting_a_suggestion_is_remembered_and_undo_restores_it(seeds: Path, trained_set: Path) -> None:
    app = app_for(seeds, trained_set, [UNTAGGED])
    rejections = trained_set / REJECTIONS_FILE

    async def scenario(pilot) -> None:
        await train(pilot)
        pane = frames(app)[0].pane
        await pilot.press("ctrl+n")
        ghost = pane.ghost_at_cursor()
        assert ghost is not None
        await pilot.press("x")
        await pilot.pause()
        table = tomllib.loads(rejections.read_text())["rejected"]
        assert [(r["document"], r["start"], r["category"]) for r in table] == [
            (UNTAGGED, ghost.start, ghost.categories[0])]
        left = pane.ghost_at_cursor()
        assert left is None or ghost.categories[0] not in left.confidence
        assert on_disk(trained_set, UNTAGGED) == []   # rejecting never tags nor deletes
        await train(pilot)                          # a retrain does not bring it back
        left = pane.ghost_at_cursor()
        assert left is None or ghost.categories[0] not in left.confidence
        await pilot.press("u")                      # undo restores it
        await pilot.pause()
        assert tomllib.loads(rejections.read_text())["rejected"] == []
        back = pane.ghost_at_cursor()
        assert back is not None and back.categories[0] == ghost.categories[0]
        await pilot.press("ctrl+r")                 # redo rejects it again
        await pilot.pause()
        assert len(tomllib.loads(rejections.read_text())["rejected"]) == 1

    drive(app, scenario)


def test_x_still_deletes_an_annotation_and_suggestions_can_be_turned_off(seeds: Path, trained_set: Path) -> None:
    app = app_for(seeds, trained_set, ["picker-top"])

    async def scenario(pilot) -> None:
        await train(pilot)
        pane = frames(app)[0].pane
        first = pane.annotations[0]
        pane.go_to_offset(first.start)
        await pilot.press("x")
        await pilot.pause()
        assert first.id not in {a["id"] for a in on_disk(trained_set, "picker-top")}
        await pilot.press("S")                     # off: no ghosts, no y / ctrl+n
        await pilot.pause()
        assert pane.ghosts == ()
        assert not app.screen.suggester.active

    drive(app, scenario)


def test_suggestions_stay_off_with_too_few_annotations(make_app) -> None:
    app = make_app(["picker-top", "piconext"])    # the demo set: 25 annotations

    async def scenario(pilot) -> None:
        await train(pilot)
        screen = app.screen
        assert not screen.suggester.active and "at least" in (screen.suggester.reason or "")
        assert all(f.pane.ghosts == () for f in frames(app))

    drive(app, scenario)


def test_suggestions_off_in_the_settings(seeds: Path, trained_set: Path) -> None:
    app = app_for(seeds, trained_set, [UNTAGGED], suggestions=False)

    async def scenario(pilot) -> None:
        await train(pilot)
        assert frames(app)[0].pane.ghosts == ()

    drive(app, scenario)
