"""The first screen first: opened on the coverage matrix (more than four policies), the app draws
the policies' names before their counts, mounts the workspace under the matrix only once the
counts are drawn, reads the stylesheets of other screens only when they are needed, and parses
the first ones once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from reviewer.tui import stylesheets
from reviewer.tui.controllers.category_sync import CategorySync
from reviewer.tui.widgets.pane_frame import PaneFrame
from reviewer.workspace_state import PaneState, WorkspaceState, save_state
from tests.tui.conftest import drive, settle
from tests.tui.test_matrix_keys import home_app, lines


@pytest.fixture(autouse=True)
def _no_timed_training(monkeypatch: pytest.MonkeyPatch) -> None:
    import reviewer.tui.controllers.suggestions as compare

    monkeypatch.setattr(compare, "RETRAIN_AFTER", 3600.0)


@pytest.fixture
def held_counts(monkeypatch: pytest.MonkeyPatch):
    """The matrix's counts wait until the test releases them."""
    release = threading.Event()
    real = CategorySync.matrix

    def matrix(self):
        release.wait(30)
        return real(self)

    monkeypatch.setattr(CategorySync, "matrix", matrix)
    yield release
    release.set()


def workspace(app):
    return next(s for s in app.screen_stack if type(s).__name__ == "WorkspaceScreen")


def workspace_first_app(seeds: Path, set_dir: Path):
    """Two policies: the app opens on the workspace, not the matrix."""
    from reviewer.inputs import load_documents
    from reviewer.session import Session
    from reviewer.store import AnnotationStore
    from reviewer.tui.app import ReviewerApp, Workspace

    documents, _ = load_documents([seeds / "picker-top.txt", seeds / "piconext.txt"])
    return ReviewerApp(Workspace(session=Session(AnnotationStore.open(set_dir), documents),
                                 open_ids=["picker-top"], check_every=3600.0))


def sheet(name: str) -> str:
    return str(stylesheets.STYLES / name)


def test_the_names_come_first_then_the_counts_then_the_workspace_under_them(seeds: Path, demo_set: Path,
                                                                            held_counts) -> None:
    app = home_app(seeds, demo_set)

    async def scenario(pilot) -> None:
        await pilot.pause()
        screen = pilot.app.screen
        assert type(screen).__name__ == "CoverageMatrixScreen" and screen.matrix is None
        drawn = "\n".join(lines(screen, 0, 10))
        assert all(name in drawn for name in ("picker-top", "piconext", "team-picpros"))   # names, no counts yet
        assert not screen.counts_drawn
        ws = workspace(app)
        assert not ws.body.ready and not list(ws.query(PaneFrame))   # nothing under the matrix yet
        held_counts.set()
        await settle(pilot)
        for _ in range(1000):   # bounded by rounds: the workspace's gate polls
            if ws.body.ready and list(ws.query(PaneFrame)):
                break
            await pilot.pause(0.02)
        assert screen.counts_drawn and ws.body.ready
        assert [f.document.id for f in ws.query(PaneFrame)] == ["picker-top"]
        assert app.screen is screen   # still on the matrix

    drive(app, scenario)


def test_leaving_the_matrix_before_its_counts_shows_the_workspace(seeds: Path, demo_set: Path, held_counts) -> None:
    app = home_app(seeds, demo_set)

    async def scenario(pilot) -> None:
        await pilot.pause()
        assert type(pilot.app.screen).__name__ == "CoverageMatrixScreen"
        await pilot.press("escape")
        await pilot.pause()
        ws = pilot.app.screen
        assert type(ws).__name__ == "WorkspaceScreen" and ws.body.ready
        assert [f.document.id for f in ws.query(PaneFrame)] == ["picker-top"]
        await pilot.press("j")   # the pane takes keys
        await pilot.pause()
        assert ws.pane is not None and ws.pane.cursor == 1
        held_counts.set()

    drive(app, scenario)


def test_the_kept_workspace_comes_back_under_the_matrix(seeds: Path, demo_set: Path) -> None:
    from reviewer.tui.launch import prepare

    save_state(demo_set, WorkspaceState((PaneState("piconext", 120), PaneState("picker-top", 40)), 1, None))
    ws, _ = prepare([seeds], demo_set, lock=False)
    ws.check_every = 3600.0
    assert ws.start_with_coverage and ws.restore is not None
    from reviewer.tui.app import ReviewerApp

    app = ReviewerApp(ws)

    async def scenario(pilot) -> None:
        await settle(pilot)
        home = workspace(app)
        for _ in range(1000):
            if home.body.ready and len(list(home.query(PaneFrame))) == 2:
                break
            await pilot.pause(0.02)
        await pilot.press("escape")
        await pilot.pause()
        frames = list(app.screen.query(PaneFrame))
        assert [f.document.id for f in frames] == ["piconext", "picker-top"]
        assert [f.pane.model.caret for f in frames] == [120, 40]
        assert app.screen.active is frames[1]

    drive(app, scenario)


def test_other_screens_stylesheets_are_read_when_needed(seeds: Path, demo_set: Path, held_counts) -> None:
    app = home_app(seeds, demo_set)

    async def scenario(pilot) -> None:
        await pilot.pause()   # the counts are held: the workspace under the matrix is not mounted yet
        read = app.stylesheet.has_source
        assert read(sheet("compare.tcss"), "") and not read(sheet("dialogs.tcss"), "")
        assert not read(sheet("workspace.tcss"), "")
        await pilot.press("question_mark")   # a dialog: every stylesheet is read before it is pushed
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        assert all(read(sheet(name), "") for name in stylesheets.ALL)
        dialog = app.screen.query_one("Vertical.dialog")
        assert dialog.styles.border_top[0] != ""   # styled by dialogs.tcss
        held_counts.set()

    drive(app, scenario)


def test_the_first_stylesheets_are_parsed_once_before_the_first_paint(seeds: Path, demo_set: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The theme, set before the app runs, used to make Textual parse every rule in a throwaway
    stylesheet and then again in its own."""
    from textual.css.stylesheet import Stylesheet

    reparsed: list[int] = []
    real = Stylesheet.reparse

    def reparse(self) -> None:
        reparsed.append(1)
        real(self)

    monkeypatch.setattr(Stylesheet, "reparse", reparse)
    app = home_app(seeds, demo_set)

    async def scenario(pilot) -> None:
        await pilot.pause()
        assert reparsed == []
        app.theme = "reviewer-light"   # a theme chosen later is applied (parsed again)
        await pilot.pause()
        assert reparsed == [1]

    drive(app, scenario)


def test_a_note_draft_waiting_at_a_start_on_the_matrix_is_committed(seeds: Path, demo_set: Path) -> None:
    """The draft is committed before the workspace under the matrix is mounted: nothing it refreshes
    may be missing then."""
    from reviewer.drafts import Draft, Drafts
    from reviewer.store import AnnotationStore

    ann = AnnotationStore.open(demo_set).load("picker-top").annotations[0]
    Drafts(demo_set).save(Draft("picker-top", ann.id, ann.note, "typed before the kill"))
    app = home_app(seeds, demo_set)

    async def scenario(pilot) -> None:
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "CoverageMatrixScreen"
        assert app.session.annotation("picker-top", ann.id).note == "typed before the kill"
        await pilot.press("escape")
        await pilot.pause()
        pane = pilot.app.screen.pane
        assert pane is not None and any(a.id == ann.id and a.note == "typed before the kill"
                                        for a in pane.annotations)

    drive(app, scenario)


def test_opened_on_the_workspace_the_dialogs_stylesheets_wait_for_the_first_dialog(seeds: Path, demo_set: Path) -> None:
    app = workspace_first_app(seeds, demo_set)

    async def scenario(pilot) -> None:
        await settle(pilot)
        read = app.stylesheet.has_source
        assert read(sheet("workspace.tcss"), "") and not read(sheet("dialogs.tcss"), "")
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen" and read(sheet("dialogs.tcss"), "")
        assert app.screen.query_one("Vertical.dialog").styles.border_top[0] != ""

    drive(app, scenario)


def test_opened_on_the_workspace_the_matrix_pushed_later_is_styled(seeds: Path, demo_set: Path) -> None:
    """The matrix's stylesheet is not among the workspace's first ones: pushing it reads it."""
    app = workspace_first_app(seeds, demo_set)

    async def scenario(pilot) -> None:
        await settle(pilot)
        assert not app.stylesheet.has_source(sheet("compare.tcss"), "")
        app.screen.action_coverage()
        await settle(pilot)
        matrix = app.screen
        assert type(matrix).__name__ == "CoverageMatrixScreen" and app.stylesheet.has_source(sheet("compare.tcss"), "")
        assert matrix.query_one("#matrix-summary").styles.height.value == 1   # compare.tcss: one line

    drive(app, scenario)


def test_a_first_open_on_the_matrix_writes_the_parsed_file_cache_after_its_counts(
        seeds: Path, demo_set: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewer.loadcache import SUFFIX

    from reviewer.tui.screens.workspace import WorkspaceScreen

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("REVIEWER_NO_CACHE", raising=False)
    app = home_app(seeds, demo_set)
    files = len(list(demo_set.glob("*.toml"))) - 1   # set.toml aside
    at_background: list[int] = []
    real = WorkspaceScreen._start_background

    def start_background(self) -> None:   # the counts are drawn: every file loaded, none cached yet
        cache = self.session.load_cache
        at_background.append(len(list(cache.folder.glob(f"*{SUFFIX}"))))
        at_background.append(len(cache._unwritten))
        real(self)

    monkeypatch.setattr(WorkspaceScreen, "_start_background", start_background)

    async def scenario(pilot) -> None:
        await settle(pilot)
        cache = app.session.load_cache
        for _ in range(1000):   # bounded by rounds: the cache is written by the background work
            if not cache._unwritten and len(list(cache.folder.glob(f"*{SUFFIX}"))) == files:
                break
            await pilot.pause(0.02)
        assert at_background == [0, files]
        assert not cache.defer_writes and not cache._unwritten
        assert len(list(cache.folder.glob(f"*{SUFFIX}"))) == files

    drive(app, scenario)
