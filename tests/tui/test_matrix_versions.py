"""The coverage matrix by version: ``v`` counts the versioned policy at another version (its
annotations re-anchored there, nothing written), ``d`` shows the change between the annotated
version and that one, cell by cell, with a legend naming the two versions."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.tui.app import ReviewerApp
from reviewer.tui.launch import prepare
from tests.tui.conftest import drive, settle

VERSIONED = "picobyte--privacy-policy"
FIRST, MIDDLE, LATEST = "2025-01-15T09:00:00Z", "2025-06-02T09:00:00Z", "2026-02-10T09:00:00Z"


@pytest.fixture(autouse=True)
def _no_timed_training(monkeypatch: pytest.MonkeyPatch) -> None:
    import reviewer.tui.controllers.suggestions as compare

    monkeypatch.setattr(compare, "RETRAIN_AFTER", 3600.0)


def _app(seeds: Path, versioned_set: Path) -> ReviewerApp:
    ws, _ = prepare([seeds], versioned_set, lock=False)
    ws.open_ids = ["picker-top"]
    ws.start_with_coverage = True
    ws.check_every = 3600.0
    return ReviewerApp(ws)


def _row(screen, doc: str) -> dict[str, str]:
    """The cells of ``doc``'s row as drawn, by column key (category slug, or "total")."""
    cells = screen._cells(doc)
    keys = ["title", "total", *screen.matrix.columns]
    return {k: text.strip() for k, (text, _style) in zip(keys, cells)}


async def _counted(pilot, screen) -> None:
    await settle(pilot)
    await pilot.pause()
    assert screen.matrix is not None


def test_the_matrix_counts_another_version_then_shows_the_change(seeds: Path, versioned_set: Path) -> None:
    app = _app(seeds, versioned_set)
    on_disk = (versioned_set / f"{VERSIONED}.toml").read_bytes()

    async def scenario(pilot) -> None:
        await settle(pilot)
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "CoverageMatrixScreen"
        assert _row(screen, VERSIONED)["third-party-sharing"] == "2"            # as annotated (the first version)
        plain = _row(screen, "picker-top")
        from reviewer.tui.widgets.key_footer import KeyFooter

        footer = {k.description for k in screen.query_one(KeyFooter).shown}
        assert "Version" in footer and "Quit" in footer and "Help" in footer       # q and ? still fit

        await pilot.press("v")                                                 # choose the version counted
        await pilot.pause()
        chooser = app.screen
        assert type(chooser).__name__ == "VersionChooser"
        prompts = [str(chooser.query_one("#choices").get_option_at_index(i).prompt) for i in range(5)]
        assert prompts[0].startswith("As annotated") and prompts[1].startswith("Latest")
        assert prompts[2:] == [f"{VERSIONED} @ {LATEST}", f"{VERSIONED} @ {MIDDLE}",
                               f"{VERSIONED} @ {FIRST}  (annotated here)"]
        await pilot.press("down", "enter")                                     # Latest
        await _counted(pilot, screen)
        row = _row(screen, VERSIONED)
        assert row["third-party-sharing"] == "\u22982"                         # none placed, both orphaned
        assert row["first-party-collection"] == "3" and row["data-retention"] == "1"
        summary = str(screen.query_one("#matrix-summary").render())
        assert summary.startswith(f"At {LATEST} ({VERSIONED}) \u00b7 6 policies") and "2 orphaned" in summary
        assert _row(screen, "picker-top") == plain                             # a plain policy: as it is

        await pilot.press("d")                                                 # the change, annotated -> latest
        await _counted(pilot, screen)
        assert screen.order == [VERSIONED]                                     # only policies with versions
        row = _row(screen, VERSIONED)
        assert row["third-party-sharing"] == "\u22122 ~2"                      # 2 places lost, 2 clauses changed
        assert row["data-retention"] == "~1" and row["first-party-collection"] == "\u00b7"
        assert row["total"] == "\u22122"
        legend = str(screen.query_one("#matrix-legend").render())
        assert legend.startswith(f"Change {FIRST} \u2192 {LATEST}") and "gained" in legend and "lost" in legend
        summary = str(screen.query_one("#matrix-summary").render())
        assert summary.startswith("Change of 1 versioned policy \u00b7 4 cells touched \u00b7 0 places gained, 2 lost \u00b7 "
                                  "5 annotated clauses changed")
        styles = {k: style for k, (_t, style) in zip(["title", "total", *screen.matrix.columns],
                                                      screen._cells(VERSIONED))}
        assert styles["third-party-sharing"] != styles["data-retention"] != styles["first-party-collection"]
        screen.grid.move_cursor(0, 2 + list(screen.matrix.columns).index("third-party-sharing"))
        await pilot.pause()
        cell = str(screen.query_one("#matrix-cell").render())
        assert "2 \u2192 0 places" in cell and "2 annotations orphaned" in cell

        await pilot.press("v")                                                 # pick the middle version
        await pilot.pause()
        await pilot.press("down", "down", "enter")                             # from Latest, highlighted
        await _counted(pilot, screen)
        legend = str(screen.query_one("#matrix-legend").render())
        assert f"{FIRST} \u2192 {MIDDLE}" in legend
        assert _row(screen, VERSIONED)["user-access"] == "\u00b7"              # reworded only in the latest

        await pilot.press("d")                                                 # back to counts, at that version
        await _counted(pilot, screen)
        assert len(screen.order) > 1 and _row(screen, VERSIONED)["third-party-sharing"] == "\u22982"
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("home", "enter")                                     # as annotated again
        await _counted(pilot, screen)
        assert _row(screen, VERSIONED)["third-party-sharing"] == "2" and screen.versions is None

    drive(app, scenario)
    assert (versioned_set / f"{VERSIONED}.toml").read_bytes() == on_disk             # looking never writes


def test_version_keys_are_off_without_versioned_policies(tmp_path: Path) -> None:
    from reviewer.store import AnnotationStore
    from tests.faults.support import POLICY_A, write_docs
    from reviewer.session import Session
    from reviewer.tui.app import Workspace

    docs = write_docs(tmp_path / "docs", {"alpha": POLICY_A})
    session = Session(AnnotationStore.open(tmp_path / "set"), docs)
    app = ReviewerApp(Workspace(session=session, open_ids=["alpha"], check_every=3600.0, start_with_coverage=True))

    async def scenario(pilot) -> None:
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "CoverageMatrixScreen"
        assert screen.check_action("version", ()) is False and screen.check_action("changes", ()) is False
        await pilot.press("v", "d")
        await settle(pilot)
        assert app.screen is screen and screen.versions is None

    drive(app, scenario)
