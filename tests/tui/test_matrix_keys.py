"""The coverage matrix as a home view: vim keys, a filter behind /, q and ? as everywhere, sideways
scrolling at 80 columns, full category names on wide terminals; its counts (annotations, orphans
apart, unreadable files named)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from reviewer.annotated import load_annotated
from reviewer.inputs import load_documents
from reviewer.session import Session
from reviewer.store import AnnotationStore
from tests.tui.conftest import drive, settle


@pytest.fixture(autouse=True)
def _no_timed_training(monkeypatch: pytest.MonkeyPatch) -> None:
    import reviewer.tui.controllers.suggestions as compare

    monkeypatch.setattr(compare, "RETRAIN_AFTER", 3600.0)


def home_app(seeds: Path, set_dir: Path):
    from reviewer.tui.app import ReviewerApp, Workspace

    documents, _ = load_documents([seeds])
    session = Session(AnnotationStore.open(set_dir), documents)
    return ReviewerApp(Workspace(session=session, open_ids=["picker-top"], check_every=3600.0,
                                 start_with_coverage=True))


async def on_matrix(pilot):
    await settle(pilot)
    await pilot.pause()
    screen = pilot.app.screen
    assert type(screen).__name__ == "CoverageMatrixScreen" and screen.matrix is not None
    return screen


def lines(screen, first: int = 0, last: int = 12) -> list[str]:
    """The grid's lines as drawn (text only)."""
    grid = screen.grid
    return ["".join(seg.text for seg in grid.render_line(y)) for y in range(first, last)]


def test_the_matrix_moves_with_vim_keys_and_filters_only_after_slash(seeds: Path, demo_set: Path) -> None:
    app = home_app(seeds, demo_set)

    async def scenario(pilot) -> None:
        screen = await on_matrix(pilot)
        grid = screen.grid
        assert app.focused is None and not screen.query_one("#matrix-filter").display
        await pilot.press("j", "j")                # moves: nothing is typed into a filter
        assert grid.cursor_row == 2 and len(screen.order) == 6
        await pilot.press("k")
        assert grid.cursor_row == 1
        await pilot.press("G")
        assert screen.cursor_cell()[0] == screen.order[-1]
        await pilot.press("g")
        assert screen.cursor_cell()[0] == screen.order[0]
        column = grid.cursor_column
        await pilot.press("l", "l")
        assert grid.cursor_column == column + 2
        await pilot.press("h")
        assert grid.cursor_column == column + 1
        await pilot.press("down", "up", "right", "left")
        assert (grid.cursor_row, grid.cursor_column) == (0, column + 1)
        # / starts the filter; what matches nothing says so
        await pilot.press("slash", *"zzjk")
        assert screen.order == [] and lines(screen, 1, 2)[0].strip() == "no policy matches"
        await pilot.press("enter")                 # keeps the filter; keys move again
        assert app.focused is None and screen.query_one("#matrix-filter").value == "zzjk"
        await pilot.press("escape")                # drops it
        assert len(screen.order) == 6 and not screen.query_one("#matrix-filter").display
        await pilot.press("slash", *"picon", "enter", "j")
        assert screen.order == ["piconext"] and type(app.screen).__name__ == "CoverageMatrixScreen"
        await pilot.press("escape", "escape")      # the filter, then the matrix itself
        await pilot.pause()
        assert type(app.screen).__name__ == "WorkspaceScreen"

    drive(app, scenario, size=(80, 30))


def test_q_and_question_mark_do_what_they_do_everywhere(seeds: Path, demo_set: Path) -> None:
    app = home_app(seeds, demo_set)
    exits: list[bool] = []

    async def scenario(pilot) -> None:
        screen = await on_matrix(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen.query_one("#matrix-filter").value == ""
        app.exit = lambda *a, **k: exits.append(True)   # observe the quit without ending the test early
        await pilot.press("q")
        await pilot.pause()
        assert exits == [True] and screen.query_one("#matrix-filter").value == ""

    drive(app, scenario, size=(80, 30))


def test_at_80_columns_the_grid_scrolls_sideways_to_the_cursor_cell(seeds: Path, demo_set: Path) -> None:
    app = home_app(seeds, demo_set)

    async def scenario(pilot) -> None:
        screen = await on_matrix(pilot)
        grid = screen.grid
        assert "0 Other" not in lines(screen, 0, 1)[0]  # the last category is off screen at first
        for _ in range(len(screen.matrix.columns)):
            await pilot.press("l")
        await pilot.pause()
        assert screen.cursor_cell()[1] == "other" and grid.scroll_x > 0
        header, first = lines(screen, 0, 2)
        assert "0 Other" in header and header.startswith(" Policy")   # policy and total stay put
        assert first.startswith(" " + screen.order[0])
        for _ in range(len(screen.matrix.columns)):
            await pilot.press("h")
        await pilot.pause()
        assert grid.scroll_x == 0 and "1 Firs" in lines(screen, 0, 1)[0]

    drive(app, scenario, size=(80, 30))


def test_wide_terminals_show_full_category_names(seeds: Path, demo_set: Path) -> None:
    app = home_app(seeds, demo_set)

    async def scenario(pilot) -> None:
        screen = await on_matrix(pilot)
        header = " ".join(lines(screen, 0, screen.grid.header_height))
        words = header.split()
        for category in screen.taxonomy:
            for word in category.name.replace("/", "/ ").split():
                assert any(word in w for w in words), (word, header)
        assert "\u2026" not in header
        assert lines(screen, screen.grid.header_height, screen.grid.header_height + 1)[0].startswith(
            " " + screen.order[0])

    drive(app, scenario, size=(200, 40))


def test_the_header_counts_annotations_and_orphans_apart_from_tags(seeds: Path, versioned_set: Path) -> None:
    documents, _ = load_documents([seeds])
    store = AnnotationStore.open(versioned_set)
    in_files = tags = orphans = 0
    orphan_cells: dict[tuple[str, str], int] = {}
    for doc in documents:
        path = versioned_set / f"{doc.id}.toml"
        if path.exists():
            blocks = tomllib.loads(path.read_text(encoding="utf-8")).get("annotation", [])
            in_files += len(blocks)
            tags += sum(len(b["categories"]) for b in blocks)
        for ann in load_annotated(store, doc).orphans:
            orphans += 1
            for cat in ann.categories:
                orphan_cells[(doc.id, cat)] = orphan_cells.get((doc.id, cat), 0) + 1
    assert orphans and tags != in_files             # the demo set tells tags and annotations apart
    app = home_app(seeds, versioned_set)

    async def scenario(pilot) -> None:
        screen = await on_matrix(pilot)
        summary = str(screen.query_one("#matrix-summary").render())
        assert f" {in_files - orphans} annotations " in summary and f"{orphans} orphaned" in summary
        assert f" {tags} annotations" not in summary
        (doc, cat), n = next(iter(orphan_cells.items()))
        assert screen.matrix.orphaned(doc, cat) == n
        row = 1 + screen.order.index(doc)
        while screen.cursor_cell() != (doc, cat):
            await pilot.press("j" if screen.grid.cursor_row < row - 1 else "l")
        drawn = lines(screen, row, row + 1)[0]
        assert f"\u2298{n}" in drawn
        described = str(screen.query_one("#matrix-cell").render())
        assert f"{n} orphaned" in described and "a gap" not in described

    drive(app, scenario, size=(160, 40))


def test_a_policy_whose_file_was_refused_shows_as_unreadable_not_as_gaps(seeds: Path, demo_set: Path) -> None:
    bad = demo_set / "team-picpros.toml"
    bad.write_text("this is [[ not TOML\n", encoding="utf-8")
    app = home_app(seeds, demo_set)

    async def scenario(pilot) -> None:
        screen = await on_matrix(pilot)
        m = screen.matrix
        assert "team-picpros" in m.unreadable and "team-picpros" not in m.missing("data-retention")
        summary = str(screen.query_one("#matrix-summary").render())
        assert "1 unreadable" in summary
        readable_gaps = sum(1 for d in m.rows if d != "team-picpros" for c in m.columns
                            if not m.count(d, c) and not m.orphaned(d, c))
        assert f" {readable_gaps} gaps" in summary
        row = 1 + screen.order.index("team-picpros")
        assert "unreadable annotation file" in lines(screen, row, row + 1)[0]
        await pilot.press("G")
        while screen.cursor_cell()[0] != "team-picpros":
            await pilot.press("k")
        described = str(screen.query_one("#matrix-cell").render())
        assert "unreadable" in described and "team-picpros.toml" in described
        assert bad.read_text(encoding="utf-8") == "this is [[ not TOML\n"   # left alone

    drive(app, scenario, size=(160, 40))


def test_background_work_waits_until_the_home_view_has_its_counts(seeds: Path, demo_set: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Document counts and the lookup index start once the coverage home view is drawn with its
    counts, not on fixed timers that (on 1,000 policies) took the GIL that view needed."""
    import threading

    from reviewer.index_cache import SharedIndex
    from reviewer.tui.controllers import clause_lookup
    from reviewer.tui.controllers.category_sync import CategorySync

    monkeypatch.setattr(clause_lookup, "WARM_AFTER", 0.01)
    release = threading.Event()
    happened: list[str] = []

    def spy(name, real, before=None):
        def wrapper(*args, **kwargs):
            if before is not None:
                before()
            result = real(*args, **kwargs)
            happened.append(name)
            return result
        return wrapper

    monkeypatch.setattr(CategorySync, "matrix", spy("matrix", CategorySync.matrix, lambda: release.wait(30)))
    monkeypatch.setattr(Session, "counts", spy("counts", Session.counts))
    monkeypatch.setattr(SharedIndex, "get", spy("index", SharedIndex.get))
    app = home_app(seeds, demo_set)

    async def scenario(pilot) -> None:
        screen = pilot.app.screen
        assert type(screen).__name__ == "CoverageMatrixScreen" and screen.matrix is None
        await pilot.pause(0.8)  # past the old fixed timers (0.3 s counts, 0.5 s lookup index)
        assert happened == []
        release.set()
        await on_matrix(pilot)
        for _ in range(400):   # bounded by rounds, not by time
            if {"counts", "index"} <= set(happened):
                break
            await pilot.pause(0.02)
        assert happened[0] == "matrix" and {"counts", "index"} <= set(happened)

    drive(app, scenario)


def test_the_header_of_one_policy_says_policy_not_policies(seeds: Path, demo_set: Path) -> None:
    from reviewer.tui.app import ReviewerApp, Workspace

    documents, _ = load_documents([seeds / "picker-top.txt"])
    session = Session(AnnotationStore.open(demo_set), documents)
    app = ReviewerApp(Workspace(session=session, open_ids=["picker-top"], check_every=3600.0,
                                start_with_coverage=True))

    async def scenario(pilot) -> None:
        screen = await on_matrix(pilot)
        summary = str(screen.query_one("#matrix-summary").render())
        assert summary.startswith("1 policy \u00b7 10 categories \u00b7 ") and "policies" not in summary

    drive(app, scenario)
