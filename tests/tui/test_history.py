"""`H`: the focused versioned policy's timeline, opened at the version its annotations are anchored to."""

from __future__ import annotations

from pathlib import Path

from reviewer.tui.app import ReviewerApp
from reviewer.tui.launch import prepare
from tests.tui.conftest import drive

VERSIONED = "picobyte--privacy-policy"


def _app(seeds: Path, demo_set: Path, open_ids: list[str]) -> ReviewerApp:
    ws, _ = prepare([seeds], demo_set, lock=False)
    ws.open_ids = open_ids
    ws.start_with_coverage = False
    return ReviewerApp(ws)


def test_opens_at_the_anchored_version_with_a_notice(seeds: Path, demo_set: Path) -> None:
    ws, _ = prepare([seeds], demo_set, lock=False)
    doc = next(d for d in ws.session.documents if d.id == VERSIONED)
    assert doc.version == "2025-01-15T09:00:00Z"                      # the file's version, not the latest
    assert all(a.quote == doc.text[a.start:a.end] for a in ws.session.annotations(VERSIONED))
    assert len(ws.session.annotations(VERSIONED)) == 9 and not ws.session.orphans(VERSIONED)
    assert any("2 newer versions" in w and "reviewer carry" in w for w in ws.warnings)


def test_history_timeline_and_category_filter(seeds: Path, demo_set: Path) -> None:
    app = _app(seeds, demo_set, [VERSIONED, "picker-top"])
    on_disk = (demo_set / f"{VERSIONED}.toml").read_bytes()

    async def scenario(pilot) -> None:
        await pilot.pause()
        await pilot.press("H")
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "HistoryScreen"
        while screen.steps is None:
            await app.workers.wait_for_complete()
            await pilot.pause()
        options = screen.query_one("#versions")
        rows = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert len(rows) == 3
        assert rows[0].startswith("2025-01-15T09:00:00Z") and "anchored here" in rows[0]
        assert "2 orphaned" in rows[1] and "Third Party Sharing" in rows[1] and "+3 \u22124" in rows[1]
        assert "orphaned" not in rows[2]
        # ] : the first category with annotations (taxonomy order): First Party Collection never changed
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert screen.category == "first-party-collection" and options.option_count == 0
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert screen.category == "third-party-sharing" and options.option_count == 1
        assert "2025-06-02" in str(options.get_option_at_index(0).prompt)
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "WorkspaceScreen"

    drive(app, scenario)
    assert (demo_set / f"{VERSIONED}.toml").read_bytes() == on_disk  # looking never writes


def test_history_key_is_off_for_a_plain_policy(seeds: Path, demo_set: Path) -> None:
    app = _app(seeds, demo_set, ["picker-top", VERSIONED])

    async def scenario(pilot) -> None:
        await pilot.pause()
        assert app.screen.check_action("history", ()) is None
        await pilot.press("H")
        await pilot.pause()
        assert type(app.screen).__name__ == "WorkspaceScreen"

    drive(app, scenario)


def test_two_versions_side_by_side_with_annotation_fates(seeds: Path, demo_set: Path) -> None:
    app = _app(seeds, demo_set, [VERSIONED, "picker-top"])

    async def scenario(pilot) -> None:
        await pilot.pause()
        await pilot.press("H")
        while getattr(app.screen, "steps", None) is None:
            await app.workers.wait_for_complete()
            await pilot.pause()
        await pilot.press("d")                      # the anchored version against the latest
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "VersionDiffScreen"
        while screen.diff is None:
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert screen.new_label == "2026-02-10T09:00:00Z" and screen.old_label == "2025-01-15T09:00:00Z"
        rows = list(screen.query("Horizontal.row"))
        statuses = [r.classes for r in rows]
        assert sum("removed" in c for c in statuses) == 4 and sum("added" in c for c in statuses) == 3
        sides = {}
        for r in rows:
            old, new = r.query("Static")
            sides.setdefault(next(iter(c for c in r.classes if c != "row")), []).append(
                (str(old.render()), str(new.render())))
        removed_old = " ".join(o for o, _ in sides["removed"])
        assert "We never sell your personal information." in removed_old and "orphaned" in removed_old
        changed = [(o, n) for o, n in sides["changed"] if "delete" in o or "close" in n]
        assert changed and "Data Retention  fuzzy" in changed[0][1]
        assert "unchanged clause" in str(screen.query_one(".folded").render())
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "WorkspaceScreen"

    drive(app, scenario)
