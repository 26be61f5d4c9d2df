"""Snapshots (120x40) of the dialogs over the real app with two panes: the taxonomy picker (dark
and light project themes), the help screen and the orphans screen.

Each SVG under __snapshots__/ was opened and looked at before it was accepted. Regenerate with
``pytest tests/tui/test_snapshots_dialogs.py --snapshot-update`` and look again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SIZE = (120, 40)

# An annotation whose quote is nowhere in picker-top: it re-anchors as an orphan. Its quote holds
# markup and an escape sequence, which must show literally.
ORPHAN = '''
[[annotation]]
id = "0bad0bad0bad"
start = 5000
end = 5060
quote = "We sell [bold]everything[/bold] to \\u001b[31manyone\\u001b[0m who asks, for any price."
prefix = "qqqqqqqqqqqqqqqq"
suffix = "qqqqqqqqqqqqqqqq"
categories = ["third-party-sharing", "data-retention"]
note = "Gone after the 2026 revision"
created = 2026-11-21T12:00:00Z
updated = 2026-11-21T12:00:00Z
'''


@pytest.fixture
def app_with_orphan(demo_set: Path, make_app):
    path = demo_set / "picker-top.toml"
    path.write_text(path.read_text(encoding="utf-8") + ORPHAN, encoding="utf-8")
    return make_app


def test_tag_picker_over_two_panes(snap_compare, make_app) -> None:
    async def open_picker(pilot) -> None:
        await pilot.pause()
        # The picker opens on the first clause: moving the cursor first would put the pane's own
        # repainting into this dialog snapshot (the workspace snapshots cover that).
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("3")  # tick one so the ticked state shows
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=open_picker)


def test_tag_picker_light_theme_filtered(snap_compare, make_app) -> None:
    async def open_picker(pilot) -> None:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("u", "s", "e", "r", "space")
        await pilot.pause()

    assert snap_compare(make_app(theme="reviewer-light"), terminal_size=SIZE, run_before=open_picker)


def test_help_screen(snap_compare, make_app) -> None:
    async def open_help(pilot) -> None:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=open_help)


def test_orphans_screen(snap_compare, app_with_orphan) -> None:
    async def open_orphans(pilot) -> None:
        await pilot.pause()
        await pilot.press("O")
        await pilot.pause()

    assert snap_compare(app_with_orphan(), terminal_size=SIZE, run_before=open_orphans)
