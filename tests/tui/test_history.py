"""`H`: the focused versioned policy's timeline, opened at the version its annotations are anchored to."""

from __future__ import annotations

from pathlib import Path

from reviewer.tui.app import ReviewerApp
from reviewer.tui.launch import prepare
from tests.tui.conftest import drive


async def until(pilot, condition) -> None:
    """Worker rounds until ``condition()`` holds (bounded by rounds, not by time)."""
    for _ in range(200):
        if condition():
            return
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    assert condition()


async def open_history(pilot) -> None:
    await pilot.press("H")
    await until(pilot, lambda: getattr(pilot.app.screen, "steps", None) is not None)


async def diff_shown(pilot):
    """The version diff screen the key just opened, once its diff is computed."""
    await pilot.pause()
    screen = pilot.app.screen
    assert type(screen).__name__ == "VersionDiffScreen"
    await until(pilot, lambda: screen.diff is not None)
    return screen

VERSIONED = "picobyte--privacy-policy"


def _app(seeds: Path, versioned_set: Path, open_ids: list[str]) -> ReviewerApp:
    ws, _ = prepare([seeds], versioned_set, lock=False)
    ws.open_ids = open_ids
    ws.start_with_coverage = False
    return ReviewerApp(ws)


def test_opens_at_the_anchored_version_with_a_notice(seeds: Path, versioned_set: Path) -> None:
    ws, _ = prepare([seeds], versioned_set, lock=False)
    doc = next(d for d in ws.session.documents if d.id == VERSIONED)
    assert doc.version == "2025-01-15T09:00:00Z"                      # the file's version, not the latest
    assert all(a.quote == doc.text[a.start:a.end] for a in ws.session.annotations(VERSIONED))
    assert len(ws.session.annotations(VERSIONED)) == 9 and not ws.session.orphans(VERSIONED)
    assert any("2 newer versions" in w and "reviewer carry" in w for w in ws.warnings)
    # the command it suggests can be pasted into a shell as it is: "Privacy Policy" has a space
    import shlex

    (notice,) = [w for w in ws.warnings if "reviewer carry" in w]
    command = notice[notice.index("reviewer carry"):].rstrip(")")
    assert shlex.split(command)[2] == str(seeds / "Picobyte" / "Privacy Policy")


def test_history_timeline_and_category_filter(seeds: Path, versioned_set: Path) -> None:
    app = _app(seeds, versioned_set, [VERSIONED, "picker-top"])
    on_disk = (versioned_set / f"{VERSIONED}.toml").read_bytes()

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
        assert options.highlighted == 0   # opens on the anchored version, ready for j and enter
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
    assert (versioned_set / f"{VERSIONED}.toml").read_bytes() == on_disk  # looking never writes


def test_history_key_is_off_for_a_plain_policy(seeds: Path, versioned_set: Path) -> None:
    app = _app(seeds, versioned_set, ["picker-top", VERSIONED])

    async def scenario(pilot) -> None:
        await pilot.pause()
        assert app.screen.check_action("history", ()) is None
        await pilot.press("H")
        await pilot.pause()
        assert type(app.screen).__name__ == "WorkspaceScreen"

    drive(app, scenario)


def test_two_versions_side_by_side_with_annotation_fates(seeds: Path, versioned_set: Path) -> None:
    app = _app(seeds, versioned_set, [VERSIONED, "picker-top"])

    async def scenario(pilot) -> None:
        await pilot.pause()
        await open_history(pilot)
        await pilot.press("d")                      # the anchored version against the latest
        screen = await diff_shown(pilot)
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


def _queue(app):
    """The open review queue panel (None when closed)."""
    found = app.screen.query("ReviewPanel")
    return found.first() if found else None


def _queued(app) -> list[str]:
    panel = _queue(app)
    return [] if panel is None else [i.annotation_id for i in panel.items]


def test_carry_from_the_history_then_the_review_queue(seeds: Path, versioned_set: Path) -> None:
    from reviewer.store import AnnotationStore

    app = _app(seeds, versioned_set, [VERSIONED, "picker-top"])
    path = versioned_set / f"{VERSIONED}.toml"

    async def scenario(pilot) -> None:
        await pilot.pause()
        await open_history(pilot)
        await pilot.press("c")                                  # the anchored version is highlighted: to the latest
        await until(pilot, lambda: _queued(app))
        queue = _queue(app)
        assert type(app.screen).__name__ == "WorkspaceScreen"   # a panel under the panes: the pane stays in view
        assert app.focused is queue.list
        assert [(i.status, i.annotation_id) for i in queue.items] == [
            ("fuzzy", "b1c0a7e21f01"), ("orphaned", "b1c0a7e21f05"), ("orphaned", "b1c0a7e21f06"),
            ("fuzzy", "b1c0a7e21f07"), ("fuzzy", "b1c0a7e21f08")]
        # written once, at the end: the latest version and its offsets; the orphans kept
        af = AnnotationStore.open(versioned_set).load(VERSIONED)
        assert af.version == "2026-02-10T09:00:00Z" and len(af.annotations) == 9
        orphan = next(a for a in af.annotations if a.id == "b1c0a7e21f06")
        assert orphan.extra["version"] == "2025-01-15T09:00:00Z"
        pane = app.screen.pane
        assert pane.document.version == "2026-02-10T09:00:00Z"
        assert app.session.document(VERSIONED).version == "2026-02-10T09:00:00Z"
        # a: accept the first one's new place; the queue keeps the rest
        await pilot.press("a")
        await until(pilot, lambda: len(_queued(app)) == 4)
        # enter on the retention clause: the pane shows it, the queue keeps the keys
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        ann = app.session.annotation(VERSIONED, "b1c0a7e21f07")
        assert pane.document.clause_index_at(ann.start) == pane.cursor
        assert app.focused is queue.list
        # tab to the pane, select the new cookies sentence, R back, and re-attach the orphaned
        # "never sell" annotation to it
        await pilot.press("tab")
        assert app.focused is pane
        text = pane.document.text
        s = text.index("We do not use advertising cookies")
        pane.set_selection(s, s + len("We do not use advertising cookies"))
        await pilot.press("R")
        await pilot.pause()
        assert app.focused is queue.list
        await pilot.press("up", "r")
        await pilot.pause()
        placed = app.session.annotation(VERSIONED, "b1c0a7e21f06")
        assert placed is not None and placed.quote == "We do not use advertising cookies"
        on_disk = {a.id: a for a in AnnotationStore.open(versioned_set).load(VERSIONED).annotations}
        assert on_disk["b1c0a7e21f06"].quote == "We do not use advertising cookies"
        assert "b1c0a7e21f06" not in _queued(app)
        await pilot.press("escape")
        await pilot.pause()
        assert _queue(app) is None and app.focused is pane
        await pilot.press("u")                                  # undoable like any change
        await pilot.pause()
        assert app.session.annotation(VERSIONED, "b1c0a7e21f06").quote == "We never sell your personal information."

    drive(app, scenario)
    assert path.exists()


def test_review_queue_lists_annotations_whose_clause_was_reworded(tmp_path: Path) -> None:
    from reviewer.store import Annotation, AnnotationFile, AnnotationStore
    from tests.versions_support import V1, dataset

    dataset(tmp_path / "data")
    store = AnnotationStore.open(tmp_path / "set")
    s = V1.index("We keep your data")
    keep = Annotation.create(V1, s, s + len("We keep your data"), ["data-retention"], id="keep")
    store.save(AnnotationFile("example--privacy-policy", "x.md", "", [keep], version="2024-01-05T10:00:00Z"))
    ws, _ = prepare([tmp_path / "data"], tmp_path / "set", lock=False)
    app = ReviewerApp(ws)

    async def scenario(pilot) -> None:
        await pilot.pause()
        await open_history(pilot)
        await pilot.press("c")
        await until(pilot, lambda: _queued(app))
        (item,) = _queue(app).items
        assert (item.annotation_id, item.status) == ("keep", "clause changed")
        assert "clause changed" in str(_queue(app).list.get_option_at_index(0).prompt)

    drive(app, scenario)


def test_a_version_asked_for_is_kept(seeds: Path, versioned_set: Path) -> None:
    ws, _ = prepare([f"{seeds / 'Picobyte' / 'Privacy Policy'}@2025-06"], versioned_set, lock=False)
    (doc,) = ws.session.documents
    assert doc.version == "2025-06-02T09:00:00Z"
    assert any("opened at version 2025-06-02T09:00:00Z, as asked" in w for w in ws.warnings)


def test_review_queue_orphans_an_annotation_on_disk_and_undo_brings_it_back(seeds: Path, versioned_set: Path) -> None:
    from reviewer.store import AnnotationStore

    app = _app(seeds, versioned_set, [VERSIONED, "picker-top"])
    path = versioned_set / f"{VERSIONED}.toml"
    seen: dict[str, bytes] = {}

    async def scenario(pilot) -> None:
        await pilot.pause()
        await open_history(pilot)
        await pilot.press("c")
        await until(pilot, lambda: _queued(app))
        seen["carried"] = path.read_bytes()
        queue = _queue(app)
        assert "o orphans it" in str(queue.heading.render())
        assert queue.items[0].annotation_id == "b1c0a7e21f01" and queue.items[0].status == "fuzzy"
        await pilot.press("o")                                  # the first, fuzzy one: its new place is wrong
        await until(pilot, lambda: len(_queued(app)) == 4)
        assert "b1c0a7e21f01" not in _queued(app)
        af = AnnotationStore.open(versioned_set).load(VERSIONED)
        gone = next(a for a in af.annotations if a.id == "b1c0a7e21f01")
        assert gone.extra == {"orphaned": True, "version": "2026-02-10T09:00:00Z"}
        assert 'orphaned = true' in path.read_text(encoding="utf-8")
        assert "b1c0a7e21f01" in {a.id for a in app.session.orphans(VERSIONED)}
        await pilot.press("escape")
        await pilot.pause()
        pane = app.screen.pane
        assert "b1c0a7e21f01" not in {a.id for a in pane.annotations}
        await pilot.press("u")                                  # the app's normal undo
        await pilot.pause()
        assert "b1c0a7e21f01" in {a.id for a in pane.annotations}
        await pilot.press("R")                                  # and the queue has it again
        await until(pilot, lambda: len(_queued(app)) == 5)
        assert _queued(app)[0] == "b1c0a7e21f01"

    drive(app, scenario)
    assert path.read_bytes() == seen["carried"]                 # the file as the carry left it


def test_undo_of_an_orphan_puts_the_item_back_and_the_empty_queue_tells_the_truth(seeds: Path,
                                                                                 demo_set: Path) -> None:
    """Three fuzzy items: accept one, orphan the next, escape, u, R: two left (the orphaned one back).
    Orphan the last: the queue says all were reviewed, never that everything followed exactly."""
    ws, _ = prepare([seeds / "Picobyte" / "Privacy Policy"], demo_set, lock=False)
    app = ReviewerApp(ws)

    async def scenario(pilot) -> None:
        await pilot.pause()
        await open_history(pilot)
        await pilot.press("c")
        await until(pilot, lambda: len(_queued(app)) == 3)
        first, second, third = _queued(app)
        await pilot.press("a")
        await until(pilot, lambda: _queued(app) == [second, third])
        await pilot.press("o")
        await until(pilot, lambda: _queued(app) == [third])
        await pilot.press("escape", "u")
        await pilot.pause()
        await pilot.press("R")
        await until(pilot, lambda: _queued(app) == [second, third])
        await pilot.press("down", "o")
        await until(pilot, lambda: _queued(app) == [second])
        await pilot.press("o")
        await until(pilot, lambda: _queued(app) == [])
        heading = str(_queue(app).heading.render())
        assert "all 3 reviewed" in heading and "exactly" not in heading
        await pilot.press("escape", "u")
        await pilot.pause()
        await pilot.press("R")
        await until(pilot, lambda: _queued(app) == [second])

    drive(app, scenario)


def test_two_versions_chosen_with_space_are_compared(seeds: Path, versioned_set: Path) -> None:
    app = _app(seeds, versioned_set, [VERSIONED, "picker-top"])

    async def scenario(pilot) -> None:
        await pilot.pause()
        await open_history(pilot)
        history = app.screen
        await pilot.press("down", "space")                      # the middle version: compare from here
        await pilot.pause()
        assert history.marked is not None and history.marked.version == "2025-06-02T09:00:00Z"
        options = history.query_one("#versions")
        assert "compared from here" in str(options.get_option_at_index(1).prompt)
        await pilot.press("down", "d")                           # ... to the latest
        screen = await diff_shown(pilot)
        assert (screen.old_label, screen.new_label) == ("2025-06-02T09:00:00Z", "2026-02-10T09:00:00Z")
        rows = list(screen.query("Horizontal.row"))
        new_sides = " ".join(str(r.query("Static")[1].render()) for r in rows)
        # the annotations were carried to the middle version first: the access clause, reworded in
        # the latest, shows its fate; the sharing ones, gone by the middle version, are not drawn
        assert "User Access, Edit and Deletion  fuzzy" in new_sides and "Third Party Sharing" not in new_sides
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("up", "space")                         # again on the marked one: unmarked
        await pilot.pause()
        assert history.marked is None

    drive(app, scenario)


def test_carry_in_a_read_only_session_says_why(seeds: Path, versioned_set: Path) -> None:
    """c is greyed in the history of a read-only session; pressed, it says why instead of nothing."""
    from tests.apps import notifications
    from tests.tui.conftest import until as wait_until

    app = _app(seeds, versioned_set, [VERSIONED, "picker-top"])
    app.session.read_only = True
    app.workspace.read_only_reason = "held elsewhere (test). Opened read-only: nothing will be written."

    async def scenario(pilot) -> None:
        await pilot.pause()
        await pilot.press("H")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "HistoryScreen"
                         and app.screen.steps is not None, "the history")
        await pilot.press("up", "c")
        await wait_until(pilot, lambda: any(n.startswith("Read-only") and "held elsewhere (test)" in n
                                       for n in notifications(app, severity="warning")), "c explained")
        assert type(app.screen).__name__ == "HistoryScreen"

    drive(app, scenario)
