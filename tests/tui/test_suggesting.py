"""Unit tests (no terminal) for the app's suggestion state and category queries:
reviewer/tui/suggesting.py, reviewer/tui/ghosts.py and Session.record (undoable outside steps)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from reviewer.inputs import load_documents
from reviewer.session import Session, Step
from reviewer.store import Annotation, AnnotationStore
from reviewer.suggestions import REJECTIONS_FILE, Rejections
from reviewer.tui.ghosts import ghost_at, ghost_label, ghosts_on_line

from .conftest import drive, until
from reviewer.tui.suggesting import Suggester, category_clauses, next_index, section_category
from tests.tui.compare_support import UNTAGGED, build_training_set


# -- pure helpers ----------------------------------------------------------------------------------
@given(st.lists(st.integers(0, 60), unique=True).map(sorted), st.integers(-1, 61), st.sampled_from([1, -1]))
def test_next_index_is_the_nearest_in_the_direction_or_wraps(indexes: list[int], cursor: int, delta: int) -> None:
    found = next_index(indexes, cursor, delta)
    if not indexes:
        assert found is None
        return
    ahead = [i for i in indexes if (i > cursor if delta > 0 else i < cursor)]
    if ahead:
        assert found == (min(ahead) if delta > 0 else max(ahead))
    else:
        assert found == (indexes[0] if delta > 0 else indexes[-1])
    assert next_index(indexes, cursor, delta, wrap=False) == (found if ahead else None)


def _ann(start: int, end: int, *cats: str) -> Annotation:
    return Annotation.create("x" * 200, start, end, list(cats))


def test_section_category_is_the_last_tag_at_or_before_the_offset() -> None:
    anns = sorted([_ann(10, 20, "data-retention"), _ann(50, 60, "data-security", "other"), _ann(90, 95)],
                  key=lambda a: a.start)
    assert section_category(anns, 5) is None
    assert section_category(anns, 10) == "data-retention"
    assert section_category(anns, 49) == "data-retention"
    assert section_category(anns, 70) == "data-security"
    assert section_category(anns, 99) == "data-security"  # an annotation without categories names no section


def test_category_clauses_lists_the_clauses_where_the_category_starts(seeds: Path, demo_set: Path) -> None:
    documents, _ = load_documents([seeds / "piconext.txt"])
    session = Session(AnnotationStore.open(demo_set), documents)
    doc = documents[0]
    anns = session.annotations(doc.id)
    found = category_clauses(doc, anns, "data-retention")
    assert found == sorted({doc.clause_index_at(a.start) for a in anns if "data-retention" in a.categories})
    assert len(found) == 2
    assert category_clauses(doc, anns, "do-not-track") == []


@dataclass
class G:
    start: int
    end: int
    categories: tuple[str, ...] = ("other",)


def test_ghosts_on_a_line_and_their_label() -> None:
    ghosts = [G(0, 10), G(10, 30), G(40, 45)]
    starts = [g.start for g in ghosts]
    assert ghosts_on_line(ghosts, starts, 12, 20) == [ghosts[1]]
    assert ghosts_on_line(ghosts, starts, 5, 41) == ghosts
    assert ghosts_on_line(ghosts, starts, 30, 40) == []
    assert ghost_at(ghosts, 44) is ghosts[2] and ghost_at(ghosts, 35) is None
    assert ghost_label("Data Retention", 0.823, 40) == " \u25cc Data Retention 82%"
    assert ghost_label("Third Party Sharing/Collection", 0.5, 24) == " \u25cc Third Party Shar\u2026 50%"  # all the room
    assert ghost_label("Third Party Sharing/Collection", 0.5, 37) == " \u25cc Third Party Sharing/Collection 50%"
    assert ghost_label("Data Retention", 0.5, 6) == " \u25cc 50%"
    assert ghost_label("Data Retention", 0.999, 3) is None
    assert ghost_label("x", 0.999, 40).endswith("99%")  # never claims certainty


# -- Session.record --------------------------------------------------------------------------------
def test_recorded_steps_undo_and_redo_in_order_with_annotation_changes(seeds: Path, tmp_path: Path) -> None:
    documents, _ = load_documents([seeds / "picker-top.txt"])
    session = Session(AnnotationStore.open(tmp_path / "set"), documents, cache=False)
    doc = documents[0]
    c = doc.clauses[3]
    log: list[str] = []
    session.set_categories(doc.id, c.start, c.end, ["data-retention"])
    session.record(Step(doc.id, "outside", lambda: log.append("undo") or None, lambda: log.append("redo") or None))
    assert session.can_undo and not session.can_redo
    first = session.undo()
    assert first.message == "Undid: outside" and log == ["undo"] and first.saved
    assert len(session.annotations(doc.id)) == 1     # the annotation change is still there
    second = session.undo()
    assert second.message.startswith("Undid: Tagged") and session.annotations(doc.id) == []
    session.redo()
    assert session.redo().message == "Redid: outside" and log == ["undo", "redo"]
    failing = Step(doc.id, "fails", lambda: "disk full", lambda: None)
    session.record(failing)
    outcome = session.undo()
    assert outcome.error == "disk full" and not outcome.saved
    assert not session.can_redo                        # a failed undo is not offered as redo
    session.read_only = True
    session.record(Step(doc.id, "ro", lambda: None, lambda: None))
    assert session.undo().error                        # refused, and still on the stack
    assert session.can_undo


# -- Suggester --------------------------------------------------------------------------------------
@pytest.fixture
def suggester(seeds: Path, tmp_path: Path) -> Suggester:
    set_dir = build_training_set(seeds, tmp_path / "trained")
    documents, _ = load_documents([seeds])
    s = Suggester(Session(AnnotationStore.open(set_dir), documents, cache=False))
    trained = s.retrain()
    assert trained is not None and trained.model is not None, trained
    s.install(trained)
    return s


def test_suggestions_only_for_clauses_no_annotation_covers(suggester: Suggester) -> None:
    session = suggester.session
    for doc in session.documents:
        anns = session.annotations(doc.id)
        for g in suggester.for_document(doc.id):
            assert not any(a.start < g.end and g.start < a.end for a in anns)
            assert g.best >= suggester.min_confidence
    assert suggester.for_document(UNTAGGED)
    batch = suggester.for_documents([d.id for d in session.documents])
    assert batch[UNTAGGED] == suggester.for_document(UNTAGGED)


def test_reject_is_remembered_and_undone_through_the_session(suggester: Suggester) -> None:
    session = suggester.session
    ghost = suggester.for_document(UNTAGGED)[0]
    category = ghost.categories[0]
    outcome = suggester.reject(ghost)
    assert outcome.saved and not outcome.error
    on_disk = Rejections.load(session.store.root)
    assert [(r.document, r.start, r.category) for r in on_disk] == [(UNTAGGED, ghost.start, category)]
    after = suggester.at(UNTAGGED, ghost.start, ghost.end)
    assert after is None or category not in after.confidence
    undo = session.undo()
    assert undo is not None and undo.message.startswith("Undid: rejected suggestion")
    assert len(Rejections.load(session.store.root)) == 0
    back = suggester.at(UNTAGGED, ghost.start, ghost.end)
    assert back is not None and category in back.confidence
    session.redo()
    assert len(Rejections.load(session.store.root)) == 1


def test_accept_makes_a_normal_annotation(suggester: Suggester) -> None:
    session = suggester.session
    ghost = suggester.for_document(UNTAGGED)[0]
    outcome = suggester.accept(ghost)
    assert outcome.saved
    [ann] = session.annotations(UNTAGGED)
    assert (ann.start, ann.end, ann.categories) == (ghost.start, ghost.end, ghost.categories[:1])
    assert suggester.at(UNTAGGED, ghost.start, ghost.end) is None


def test_reject_refused_when_read_only_or_the_rejections_file_is_bad(suggester: Suggester) -> None:
    session = suggester.session
    ghost = suggester.for_document(UNTAGGED)[0]
    session.read_only = True
    assert suggester.reject(ghost).error and not (session.store.root / REJECTIONS_FILE).exists()
    session.read_only = False
    (session.store.root / REJECTIONS_FILE).write_text("schema = [broken", encoding="utf-8")
    fresh = Suggester(session)
    fresh.model = suggester.model
    outcome = fresh.reject(ghost)
    assert outcome.error and REJECTIONS_FILE in outcome.error
    assert (session.store.root / REJECTIONS_FILE).read_text(encoding="utf-8") == "schema = [broken"


def test_not_ready_and_off_give_no_suggestions(seeds: Path, demo_set: Path) -> None:
    documents, _ = load_documents([seeds])
    s = Suggester(Session(AnnotationStore.open(demo_set), documents, cache=False))
    trained = s.retrain()
    s.install(trained)
    assert trained.model is None and "at least" in (trained.reason or "")
    assert not s.active and s.for_document(documents[0].id) == ()
    assert "No suggestions yet" in s.status()
    s.enabled = False
    assert s.status() == "Suggestions are off"


# -- training in another process, and a tag's path ---------------------------------------------------
def test_retraining_fits_in_another_process_and_scores_the_documents_asked_for(suggester: Suggester) -> None:
    import os

    from reviewer.suggestions.engine import suggest

    trained = suggester.retrain(score=[UNTAGGED])
    assert trained is not None and trained.model is not None
    from reviewer.suggestions import training

    assert training.shared.failed is None
    assert trained.scored.keys() == {UNTAGGED}
    doc = suggester.session.document(UNTAGGED)
    expected = suggest(trained.model, [(doc, suggester.session.annotations(UNTAGGED))])
    found, uncovered = trained.scored[UNTAGGED]
    assert [(g.start, g.end, g.categories) for g in found] == [(g.start, g.end, g.categories) for g in expected]
    assert uncovered == frozenset(range(len(doc.clauses)))  # nothing tagged in that policy
    fitted = training.shared.fit([], [])
    assert fitted is not None and fitted.model is None and "at least" in fitted.reason
    assert fitted.pid not in (0, os.getpid())  # fitted by the child, not by this process
    # ... at a lower priority: on 2 cores the fit yields to the app and its terminal
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    child = os.getpriority(os.PRIO_PROCESS, fitted.pid)
    assert child == min(19, mine + training.NICENESS) and (child > mine or mine == 19)


def test_a_child_that_cannot_start_leaves_the_fit_in_this_process(monkeypatch) -> None:
    import os

    from reviewer.suggestions.training import TrainingProcess

    process = TrainingProcess()

    def refuse(*args):
        raise OSError("no semaphores here")

    monkeypatch.setattr(process, "submit", refuse)
    fitted = process.fit([], [])
    assert fitted is not None and fitted.pid == os.getpid() and fitted.model is None
    assert "no semaphores here" in process.failed
    assert process.fit([], [], lambda: True) is not None  # in-process now: nothing to stop


def test_a_stopped_retrain_gives_nothing(suggester: Suggester) -> None:
    assert suggester.retrain(lambda: True) is None


def test_a_tag_scores_no_clause_again_and_an_untag_scores_only_the_clause_it_uncovers(suggester: Suggester) -> None:
    from reviewer.suggestions.engine import suggest

    session, model = suggester.session, suggester.model
    suggester.for_document(UNTAGGED)                   # scored once, as a pane showing it does
    scored: list[int] = []
    real = model.scores
    model.scores = lambda texts: (scored.append(len(texts)), real(texts))[1]  # type: ignore[method-assign]  # a spy on the real method
    before = suggester.for_document(UNTAGGED)
    assert before and scored == []                     # cached
    ghost = before[0]
    session.toggle_category(UNTAGGED, ghost.start, ghost.end, ghost.categories[0])
    after_tag = suggester.for_document(UNTAGGED)
    assert scored == []                                # the tagged clause's suggestion dropped, nothing rescored
    assert after_tag == before[1:]
    session.toggle_category(UNTAGGED, ghost.start, ghost.end, ghost.categories[0])
    after_untag = suggester.for_document(UNTAGGED)
    assert scored == [1]                               # only the clause the untag uncovered
    doc = session.document(UNTAGGED)
    fresh = suggest(real.__self__, [(doc, session.annotations(UNTAGGED))])
    assert [(g.start, g.end, g.categories) for g in after_untag] == [(g.start, g.end, g.categories) for g in fresh]


def test_retrained_suggestions_wait_for_a_pause_in_the_keys_then_are_drawn(make_app, monkeypatch) -> None:
    """A retrain that lands while the analyst types is drawn in the next pause, not in the middle
    of a key (its repaint of the panes would delay the key); it is drawn all the same."""
    import time

    import reviewer.tui.controllers.suggestions as controller
    from reviewer.tui.controllers.suggestions import SuggestionsTrained
    from reviewer.tui.suggesting import Trained

    monkeypatch.setattr(controller, "RETRAIN_AFTER", 3600.0)   # no real retrain lands meanwhile
    app = make_app(["picker-top", "picky-assist"])

    async def scenario(pilot) -> None:
        screen = app.screen
        fresh = Trained(model=None, reason="a retrain that just landed", examples=0, seconds=0.0)
        screen._last_key_at = time.monotonic()  # noqa: SLF001 - "a key was just typed"
        screen.suggestions.trained(SuggestionsTrained(fresh))
        assert screen.suggestions.suggester.last is not fresh      # not drawn while keys come
        for _ in range(200):
            if screen.suggestions.suggester.last is fresh:
                break
            await pilot.pause(0.02)
        assert screen.suggestions.suggester.last is fresh           # drawn once the keys paused

    drive(app, scenario)


def test_a_retrain_landing_while_keys_come_is_drawn_once_the_next_key_is_on_screen(make_app, monkeypatch) -> None:
    """At an even pace a draw after a short quiet time lands just before the next key and delays
    it; a result that lands while the analyst types waits for their next key instead, and is
    drawn after the frame that shows that key's change."""
    import time

    import reviewer.tui.controllers.suggestions as controller
    from reviewer.tui.controllers.suggestions import SuggestionsTrained
    from reviewer.tui.suggesting import Trained

    monkeypatch.setattr(controller, "DRAW_IDLE", 60.0)   # the pause path must not draw it first
    monkeypatch.setattr(controller, "RETRAIN_AFTER", 3600.0)   # no real retrain lands meanwhile
    app = make_app(["picker-top", "picky-assist"])

    async def scenario(pilot) -> None:
        screen = app.screen
        pane = screen.pane
        shown: list[int] = []              # the caret of each frame handed to the terminal
        original = app._display

        def display(target, renderable) -> None:
            original(target, renderable)
            shown.append(pane.cursor)

        app._display = display
        drawn: list[tuple[int, list[int]]] = []
        suggester = screen.suggestions.suggester
        real_install = suggester.install
        suggester.install = lambda trained: (drawn.append((pane.cursor, list(shown))), real_install(trained))[1]
        fresh = Trained(model=None, reason="a retrain that just landed", examples=0, seconds=0.0)
        start = pane.cursor
        screen._last_key_at = time.monotonic()  # noqa: SLF001 - "a key was just typed"
        screen.suggestions.trained(SuggestionsTrained(fresh))
        await pilot.pause()
        assert drawn == [] and suggester.last is not fresh            # parked while keys come
        await pilot.press("j")
        await until(pilot, lambda: drawn, "the parked result drawn after the key")
        caret, frames_before = drawn[0]
        assert caret == start + 1 and start + 1 in frames_before      # after a frame showing the move
        assert suggester.last is fresh

    drive(app, scenario)


def test_scores_made_before_a_rejection_changed_are_not_installed(suggester: Suggester) -> None:
    """A retrain scores the open documents under the rejections of its start; if a rejection is
    made or undone before its result is drawn, those scores are stale: the model is installed,
    the scores are not, and the documents are scored again on use."""
    trained = suggester.retrain(score=[UNTAGGED])
    assert trained is not None and trained.model is not None and trained.scored
    suggester.forget(UNTAGGED)                       # a rejection changed meanwhile
    suggester.install(trained)
    assert suggester.model is trained.model and suggester._cache == {}   # noqa: SLF001 - nothing stale kept
    fresh = suggester.retrain(score=[UNTAGGED])
    assert fresh is not None
    suggester.install(fresh)
    assert suggester._cache.keys() == {UNTAGGED}     # noqa: SLF001 - a result scored after it is used
