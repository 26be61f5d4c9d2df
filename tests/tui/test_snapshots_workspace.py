"""Snapshots (120x40) of the main screen: two panes with highlights, a selection, search matches.

Each SVG under __snapshots__/ was read before it was accepted (the tagged clause, the overlap
underline, the gutter badges, the selection and the current clause). Regenerate with
``pytest tests/tui/test_snapshots_workspace.py --snapshot-update`` and look again.
"""

from __future__ import annotations

from tests.tui.conftest import settle

SIZE = (120, 40)


def test_two_panes_with_highlights_and_selection(snap_compare, make_app) -> None:
    async def run_before(pilot) -> None:
        # Tag clause 3 (Data Retention), tag the clause after it twice (an annotation with two
        # categories: underlined), then select two clauses in the second pane.
        await pilot.press("j", "j", "5", "j", "j", "j", "2", "6", "k")
        await pilot.press("tab", "j", "j", "j", "v", "j")
        await pilot.pause()

    assert snap_compare(make_app(["picker-top", "picky-assist"]), terminal_size=SIZE, run_before=run_before)


def test_search_matches_highlighted(snap_compare, make_app) -> None:
    async def run_before(pilot) -> None:
        await pilot.press("slash", *"information", "enter")
        await pilot.pause()

    assert snap_compare(make_app(["picker-top", "piconext"]), terminal_size=SIZE, run_before=run_before)


def test_light_theme(snap_compare, make_app) -> None:
    async def run_before(pilot) -> None:
        await pilot.press("j", "j", "5", "D")
        await settle(pilot)
        await pilot.pause()

    assert snap_compare(make_app(["picker-top", "picky-assist"], theme="reviewer-light"), terminal_size=SIZE,
                        run_before=run_before)
