"""Category suggestions in the workspace: retrained in a thread worker once changes pause, drawn as
ghost tags; ``y`` accepts, ``x`` (the workspace's Delete) rejects (undoable: a Session ``Step``),
``ctrl+n`` jumps to the next confident one, ``S`` turns them on and off. The model and its cache
live in ``reviewer/tui/suggesting.py`` (no Textual)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from typing import Callable
from weakref import WeakKeyDictionary

from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import get_current_worker

from reviewer.session import Outcome, Session
from reviewer.suggestions import Suggestion
from reviewer.tui.ghosts import percent
from reviewer.tui.suggesting import Suggester, Trained
from reviewer.tui.widgets.pane_deck import PaneDeck
from reviewer.tui.widgets.pane_frame import PaneFrame
from reviewer.tui.widgets.policy_pane import PolicyPane

GHOST_NOTE = "Suggested: "   # how a status note about the suggestion under the cursor starts
RETRAIN_AFTER = 0.6   # seconds after the workspace appears before the first training
RETRAIN_QUIET = 0.4   # a retrain starts once changes pause this long (a running fit cannot be stopped,
                      # so a burst of tags must not start one thread per key)
DRAW_IDLE = 1.0       # retrained suggestions arriving while the analyst types wait (a redraw of the
                      # panes must not delay a key): drawn once the next key's change is on screen,
DRAW_LATEST = 3.0     # when no key came for DRAW_IDLE, or at the latest this long after they arrived

BINDINGS = [
    Binding("y", "accept_suggestion", "Accept suggestion (x rejects)", show=False, id="compare.accept",
            tooltip="Tag the clause with the suggested category under the cursor (undo: u). On a suggestion, "
                    "x (Delete) rejects it instead: it is not suggested again (kept in the set; undo: u)"),
    Binding("ctrl+n", "next_suggestion", "Next suggestion", show=False, id="compare.next_suggestion",
            tooltip="Go to the next confident suggestion in this pane"),
    Binding("S", "toggle_suggestions", "Suggestions on/off", show=False, id="compare.suggestions",
            tooltip="Show or hide suggested categories (learned from this set's annotations)"),
]


@dataclass
class SuggestionsTrained(Message):
    """A retrain finished: the model (or why none) and the open documents' suggestions."""

    trained: Trained


class SuggestionsController:
    """Suggestions for the panes of one workspace."""

    def __init__(self, host: Screen, session: Session, deck: PaneDeck, *, enabled: bool,
                 report: Callable[[Outcome], None], writable: Callable[[], bool],
                 on_model_ready: Callable[[], None],
                 keys_quiet_for: Callable[[], float] = lambda: DRAW_IDLE) -> None:
        self.host = host
        self.session = session
        self.deck = deck
        self.suggester = Suggester(session, enabled=enabled)
        self._report = report
        self._writable = writable
        self._on_model_ready = on_model_ready
        self._keys_quiet_for = keys_quiet_for
        self._retrain_timer: Timer | None = None
        self._parked: tuple[SuggestionsTrained, float] | None = None   # a result waiting for a key or a pause
        self._hinted: WeakKeyDictionary[PolicyPane, tuple[int, int]] = WeakKeyDictionary()

    def start(self) -> None:
        if self.suggester.enabled:
            self.host.set_timer(RETRAIN_AFTER, self.retrain, name="suggest-first")

    # -- what keys may do -------------------------------------------------------------------
    def here(self) -> Suggestion | None:
        """The suggestion on the current clause, when no selection or annotation is there."""
        pane = self.deck.pane
        if pane is None or pane.selection is not None or pane.target_annotation() is not None:
            return None
        return pane.ghost_at_cursor()

    def can_accept(self) -> bool | None:
        return True if self.here() is not None and self._writable() else None

    def can_jump(self) -> bool | None:
        return True if self.suggester.active and self.deck.pane is not None else None

    # -- training ---------------------------------------------------------------------------
    def changed(self, outcome: Outcome) -> None:
        """After any change (the changed document's panes, ghosts included, were just refreshed by
        the workspace): a retrain once changes pause. for_document dropped the suggestions of the
        clauses now covered and scored only those newly uncovered (an untag)."""
        if not outcome.document or not self.suggester.enabled:
            return
        if self._retrain_timer is None:
            self._retrain_timer = self.host.set_interval(RETRAIN_QUIET, self._retrain_now, name="suggest-retrain")
        # One timer restarted at each change, none made per key: it fires 0.4-0.8 s (RETRAIN_QUIET
        # to twice that) after the last change, as Textual restarts it at its next tick.
        self._retrain_timer.reset()

    def _retrain_now(self) -> None:
        if self._retrain_timer is not None:
            self._retrain_timer.pause()
        self.retrain()

    def retrain(self) -> None:
        ids = self.deck.document_ids()  # read on the UI thread; the worker must not walk the DOM
        self.host.run_worker(partial(self._retrain_in_thread, ids), name="suggest", group="suggest",
                             thread=True, exclusive=True, exit_on_error=False)

    def _retrain_in_thread(self, ids: list[str]) -> None:
        """Train on the set as it is now and score the open documents; never on the UI thread (the
        fit itself runs in another process: this thread only waits for it)."""
        worker = get_current_worker()
        trained = self.suggester.retrain(lambda: worker.is_cancelled, score=ids)
        if trained is not None and not worker.is_cancelled:
            self.host.post_message(SuggestionsTrained(trained))

    def trained(self, event: SuggestionsTrained, arrived: float | None = None) -> None:
        """A retrain's result: drawn now when the analyst is not typing; else parked until the
        next key's change is on screen (``after_key``), until they pause, or DRAW_LATEST at the
        latest. A draw after a short quiet time lands just before the next key at an even pace."""
        now = time.monotonic()
        arrived = now if arrived is None else arrived
        quiet = self._keys_quiet_for()
        if quiet < DRAW_IDLE and now - arrived < DRAW_LATEST:
            self._parked = (event, arrived)
            self.host.set_timer(min(DRAW_IDLE - quiet, DRAW_LATEST - (now - arrived)), self._pause_came,
                                name="suggest-draw")
            return
        self._draw(event)

    def _draw(self, event: SuggestionsTrained) -> None:
        self._parked = None
        was = self.suggester.model is not None
        self.suggester.install(event.trained)
        for frame in self.deck.frames:
            self.refresh(frame)
        if event.trained.model is not None and not was:
            self._on_model_ready()
            self.host.app.notify(f"Suggestions ready: learned from {event.trained.examples} tagged clauses "
                                 "(y accepts, x rejects, ctrl+n next, S turns them off)", title="Suggestions",
                                 timeout=6, markup=False)
        self.host.refresh_bindings()

    def after_key(self) -> None:
        """A key's change was just applied (a move, a tag): a parked result is drawn once the frame
        showing that change is out, leaving the most time before the next key."""
        if self._parked is not None:
            self.host.call_after_refresh(self._draw_parked)

    def _draw_parked(self) -> None:
        if self._parked is not None:
            self._draw(self._parked[0])

    def _pause_came(self) -> None:
        if self._parked is not None:   # not drawn after a key meanwhile: look at the pace again
            self.trained(*self._parked)

    def refresh(self, frame: PaneFrame) -> None:
        """Show the suggestions of the frame's document as ghost tags (none when off)."""
        s = self.suggester
        frame.pane.set_ghosts(s.for_document(frame.document.id) if s.active else ())

    def matrix_note(self) -> str:
        s = self.suggester
        if s.active:
            return ""
        return "(suggestions off: S)" if not s.enabled else "(no suggestions yet: too few tags)"

    # -- keys -------------------------------------------------------------------------------
    def toggle(self) -> None:
        s = self.suggester
        s.enabled = not s.enabled
        if s.enabled:
            self.retrain()
        else:
            s.forget()
        for frame in self.deck.frames:
            self.refresh(frame)
        self.host.app.notify(s.status() if not s.enabled or s.model is not None else "Suggestions on",
                             timeout=4, markup=False)
        self.host.refresh_bindings()

    def accept(self) -> None:
        ghost = self.here()
        if ghost is not None:
            self._report(self.suggester.accept(ghost))

    def reject_here(self) -> bool:
        """``x`` on a suggestion: reject it (remembered in the set; undoable). False when there is
        no suggestion under the cursor (then ``x`` deletes the annotation there, as always)."""
        ghost = self.here()
        if ghost is None or not self._writable():
            return False
        outcome = self.suggester.reject(ghost)
        if not outcome.error:
            for frame in self.deck.showing(ghost.document):
                frame.pane.set_ghosts(tuple(g for g in frame.pane.ghosts if g is not ghost))
        self._report(outcome)
        return True

    def next(self) -> None:
        frame = self.deck.active
        if frame is None:
            return
        pane = frame.pane
        clause = pane.current_clause
        found = self.suggester.next_after(pane.document.id, clause.start if clause else -1)
        if found is None:
            frame.status.set_message(f"No suggestion at {percent(self.suggester.jump_confidence)} or more "
                                     "in this policy", True)
            return
        pane.go_to_offset(found.start)
        self._hinted[pane] = (found.start, found.end)
        frame.status.set_message(self.note(found), True)

    def note(self, ghost: Suggestion, category: str | None = None) -> str:
        slug = category or ghost.categories[0]
        return f"{GHOST_NOTE}{self.session.taxonomy.name(slug)} {percent(ghost.confidence[slug])} (y accept, x reject)"

    def shown(self, frame: PaneFrame, ghost: Suggestion) -> None:
        """``frame``'s status line now names ``ghost`` (so moving off it takes the note away)."""
        self._hinted[frame.pane] = (ghost.start, ghost.end)

    def hint(self, frame: PaneFrame) -> None:
        """Name the suggestion under the cursor in the pane's status line (and take the note away
        when the cursor leaves it)."""
        pane, status = frame.pane, frame.status
        ghost = pane.ghost_at_cursor() if pane.selection is None else None
        current = status.message
        noted = current is not None and GHOST_NOTE in current
        if ghost is not None:
            if not noted or self._hinted.get(pane) != (ghost.start, ghost.end):
                status.set_message(self.note(ghost), True)
                self._hinted[pane] = (ghost.start, ghost.end)
        elif noted:
            status.clear_message()  # a note about a suggestion no longer under the cursor
