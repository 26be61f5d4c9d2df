"""Snapshots (120x40): the coverage matrix, and a pane with ghost suggestions.

Both SVGs were converted to PNG and looked at before they were accepted: the matrix's coloured
counts, red dash gaps and ◌n suggestion-only cells for the untagged policy, the reversed cursor
cell and the line describing it; the pane's faint italic ghost clauses with hollow gutter badges,
the ``◌ Category NN%`` labels and the status line naming the suggestion under the cursor. The matrix
was taken again when the filter field became hidden until ``/`` (the grid moved up a line) and the
legend gained the ``⊘2 none placed, 2 orphaned`` mark; the summary counts annotations (110), not tags.
Regenerate with ``pytest tests/tui/test_snapshots_compare.py --snapshot-update`` and look again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui.compare_support import UNTAGGED, build_training_set
from tests.tui.conftest import settle

SIZE = (120, 40)


@pytest.fixture(autouse=True)
def _no_timed_training(monkeypatch: pytest.MonkeyPatch) -> None:
    import reviewer.tui.controllers.suggestions as compare

    monkeypatch.setattr(compare, "RETRAIN_AFTER", 3600.0)


def _app(seeds: Path, set_dir: Path, open_ids: list[str]):
    from tests.apps import app_over

    return app_over([seeds], set_dir, open_ids)


def _train_now(app) -> None:
    """Train on the UI thread (no worker, no toast): the picture does not depend on timing."""
    screen = app.screen
    screen.suggester.install(screen.suggester.retrain())
    for frame in screen.frames:
        screen.suggestions.refresh(frame)


def test_coverage_matrix_with_gaps_and_suggestions(snap_compare, seeds: Path, tmp_path: Path) -> None:
    set_dir = build_training_set(seeds, tmp_path / "trained")

    async def run_before(pilot) -> None:
        await pilot.pause()
        _train_now(pilot.app)
        await pilot.press("m")
        await settle(pilot)
        await pilot.pause()
        await pilot.press("j", "l", "l", "l")
        assert pilot.app.focused is None            # keys move the grid; the filter waits for /
        await pilot.pause()

    assert snap_compare(_app(seeds, set_dir, ["picker-top"]), terminal_size=SIZE, run_before=run_before)


def test_pane_with_ghost_suggestions(snap_compare, seeds: Path, tmp_path: Path) -> None:
    set_dir = build_training_set(seeds, tmp_path / "trained")

    async def run_before(pilot) -> None:
        await pilot.pause()
        _train_now(pilot.app)
        await pilot.press("ctrl+n", "ctrl+n")
        await pilot.pause()

    assert snap_compare(_app(seeds, set_dir, [UNTAGGED, "picker-top"]), terminal_size=SIZE, run_before=run_before)
