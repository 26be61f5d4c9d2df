"""CompareHost: comparing across policies (issue 7), mixed into WorkspaceScreen.

- ``m``: the coverage matrix (CoverageMatrixScreen); enter opens a policy in a pane at the first
  clause of the chosen category and sets that pane's category filter, so ``]``/``[`` walk it.
- ``c`` then a category key (or ``/`` for the fuzzy TagPicker): every pane jumps to its next
  clause of that category (``c c`` walks on); a pane without one says so in its status line and,
  with suggestions on, shows its best suggested clause for it. ``ctrl+l``: panes follow the
  focused pane by category section.
- Suggestions (reviewer/tui/suggesting.py): retrained in a thread worker after every change
  (exclusive group "suggest"), drawn as ghost tags; ``y`` accepts, ``x`` (the workspace's Delete,
  through ``reject_suggestion_here``) rejects (undoable with ``u``, through a Session ``Step``),
  ``ctrl+n`` jumps to the next confident one, ``S`` turns them on and off.

Relies on the workspace's ``session``, ``taxonomy``, ``frames``, ``active``, ``pane``,
``open_pane``, ``refresh_frame``, ``report`` and ``_writable``; the workspace calls
``compare_changed`` from ``report``, ``refresh_ghosts`` from ``refresh_frame`` and
``compare_check`` from ``check_action`` and ``reject_suggestion_here`` from ``action_delete``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from weakref import WeakKeyDictionary
from typing import Sequence

from textual import on, work
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.worker import get_current_worker

from reviewer.coverage import CoverageMatrix, coverage
from reviewer.session import Outcome
from reviewer.suggestions import Suggestion
from reviewer.tui.ghosts import percent
from reviewer.tui.suggesting import Suggester, Trained, category_clauses, next_index, section_category
from reviewer.tui.widgets.pane_frame import PaneFrame
from reviewer.tui.widgets.policy_pane import PolicyPane

GHOST_NOTE = "Suggested: "   # how a status note about the suggestion under the cursor starts
RETRAIN_AFTER = 0.6   # seconds after the workspace appears before the first training
RETRAIN_QUIET = 0.4   # a retrain starts once changes pause this long (a running fit cannot be stopped,
                      # so a burst of tags must not start one thread per key)


@dataclass
class SuggestionsTrained(Message):
    """A retrain finished: the model (or why none) and the open documents' suggestions."""

    trained: Trained
    ghosts: dict[str, tuple[Suggestion, ...]]


class CompareHost(Screen):
    """Coverage matrix, category sync and suggestions for WorkspaceScreen (see the module doc)."""

    BINDINGS = [
        Binding("m", "coverage", "Matrix", show=False, id="compare.coverage",
                tooltip="Policies x categories: counts, gaps and suggestions; enter opens a cell"),
        Binding("c", "sync", "Sync", show=False, id="compare.sync",
                tooltip="Every pane jumps to its next clause of a category (c, then its key; c c walks on)"),
        Binding("ctrl+l", "toggle_sync_scroll", "Sync scrolling", show=False, id="compare.sync_scroll",
                tooltip="Panes follow the focused pane by category section (on/off)"),
        Binding("y", "accept_suggestion", "Accept suggestion (x rejects)", show=False, id="compare.accept",
                tooltip="Tag the clause with the suggested category under the cursor (undo: u). On a suggestion, "
                        "x (Delete) rejects it instead: it is not suggested again (kept in the set; undo: u)"),
        Binding("ctrl+n", "next_suggestion", "Next suggestion", show=False, id="compare.next_suggestion",
                tooltip="Go to the next confident suggestion in this pane"),
        Binding("S", "toggle_suggestions", "Suggestions on/off", show=False, id="compare.suggestions",
                tooltip="Show or hide suggested categories (learned from this set's annotations)"),
    ]

    _sync_category: str | None = None   # the last category of c (c c walks on)
    _sync_scroll = False                 # ctrl+l
    _section: str | None = None          # the section the focused pane was last in (ctrl+l)

    # -- set-up ----------------------------------------------------------------------------------
    @property
    def _hinted(self) -> "WeakKeyDictionary[PolicyPane, tuple[int, int]]":
        """Pane -> the suggestion its status line last named."""
        found = getattr(self, "_hinted_panes", None)
        if found is None:
            found = self._hinted_panes = WeakKeyDictionary()
        return found

    @property
    def suggester(self) -> Suggester:
        found = getattr(self, "_suggester", None)
        if found is None:
            enabled = bool(getattr(getattr(self.app, "workspace", None), "suggestions", True))
            found = self._suggester = Suggester(self.session, enabled=enabled)  # type: ignore[attr-defined]
        return found

    def on_mount(self) -> None:
        # Textual calls on_mount of every class in the MRO: this runs beside the workspace's own.
        if self.suggester.enabled:
            self.set_timer(RETRAIN_AFTER, self.retrain_suggestions, name="suggest-first")
        if getattr(getattr(self.app, "workspace", None), "start_with_coverage", False):
            self.call_after_refresh(self.action_coverage)

    def compare_check(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """check_action for this mixin's actions (NotImplemented for any other)."""
        pane: PolicyPane | None = self.pane  # type: ignore[attr-defined]
        if action in ("accept_suggestion", "delete"):
            ghost = self._ghost_here()
            if ghost is None or not self._writable():  # type: ignore[attr-defined]
                return NotImplemented if action == "delete" else None  # type: ignore[return-value]
            return True  # delete (x) on a suggestion rejects it: see reject_suggestion_here
        if action == "next_suggestion":
            return True if self.suggester.active and pane is not None else None
        if action == "sync":
            return True if self.frames else None  # type: ignore[attr-defined]
        return NotImplemented  # type: ignore[return-value]

    # -- suggestions ----------------------------------------------------------------------------------
    def compare_changed(self, outcome: Outcome) -> None:
        """After any change: the changed document's ghosts now, a retrain once changes pause."""
        if not outcome.document or not self.suggester.enabled:
            return
        # The document's clauses covered or uncovered changed: its suggestions are scored again now
        # with the current model (one document, a few milliseconds); the model follows in a worker.
        self.suggester.forget(outcome.document)
        for frame in self.frames:  # type: ignore[attr-defined]
            if frame.document.id == outcome.document:
                self.refresh_ghosts(frame)
        timer = getattr(self, "_retrain_timer", None)
        if timer is not None:
            timer.stop()
        self._retrain_timer = self.set_timer(RETRAIN_QUIET, self.retrain_suggestions, name="suggest-retrain")

    @work(thread=True, exclusive=True, group="suggest", exit_on_error=False)
    def retrain_suggestions(self) -> None:
        """Train on the set as it is now and score the open documents; never on the UI thread."""
        worker = get_current_worker()
        trained = self.suggester.retrain(lambda: worker.is_cancelled)
        if trained is None or worker.is_cancelled:
            return
        ghosts: dict[str, tuple[Suggestion, ...]] = {}
        if trained.model is not None and self.suggester.enabled:
            ids = list(dict.fromkeys(f.document.id for f in self.frames))  # type: ignore[attr-defined]
            ghosts = self.suggester.for_documents(ids, lambda: worker.is_cancelled, model=trained.model)
        if not worker.is_cancelled:
            self.post_message(SuggestionsTrained(trained, ghosts))

    @on(SuggestionsTrained)
    def _trained(self, event: SuggestionsTrained) -> None:
        was = self.suggester.model is not None
        self.suggester.install(event.trained)
        self.suggester.seed(event.ghosts)
        for frame in self.frames:  # type: ignore[attr-defined]
            self.refresh_ghosts(frame)
        if event.trained.model is not None and not was:
            from reviewer.tui.screens.coverage_matrix import CoverageMatrixScreen

            for screen in self.app.screen_stack:  # an open matrix gets its suggestion marks now
                if isinstance(screen, CoverageMatrixScreen):
                    screen.reload(self._matrix_note())
            self.app.notify(f"Suggestions ready: learned from {event.trained.examples} tagged clauses "
                            "(y accepts, x rejects, ctrl+n next, S turns them off)", title="Suggestions",
                            timeout=6, markup=False)
        self.refresh_bindings()  # type: ignore[attr-defined]

    def refresh_ghosts(self, frame: PaneFrame) -> None:
        """Show the suggestions of the frame's document as ghost tags (none when off)."""
        frame.pane.set_ghosts(self.suggester.for_document(frame.document.id) if self.suggester.active else ())

    def action_toggle_suggestions(self) -> None:
        s = self.suggester
        s.enabled = not s.enabled
        if s.enabled:
            self.retrain_suggestions()
        else:
            s.forget()
        for frame in self.frames:  # type: ignore[attr-defined]
            self.refresh_ghosts(frame)
        self.app.notify(s.status() if not s.enabled or s.model is not None else "Suggestions on",
                        timeout=4, markup=False)
        self.refresh_bindings()  # type: ignore[attr-defined]

    def action_accept_suggestion(self) -> None:
        ghost = self._ghost_here()
        if ghost is None:
            return
        self.report(self.suggester.accept(ghost))  # type: ignore[attr-defined]

    def _ghost_here(self) -> Suggestion | None:
        """The suggestion on the current clause, when no selection or annotation is there."""
        pane: PolicyPane | None = self.pane  # type: ignore[attr-defined]
        if pane is None or pane.selection is not None or pane.target_annotation() is not None:
            return None
        return pane.ghost_at_cursor()

    def reject_suggestion_here(self) -> bool:
        """``x`` on a suggestion: reject it (remembered in the set; undoable). False when there is
        no suggestion under the cursor (then ``x`` deletes the annotation there, as always)."""
        ghost = self._ghost_here()
        if ghost is None or not self._writable():  # type: ignore[attr-defined]
            return False
        outcome = self.suggester.reject(ghost)
        if not outcome.error:
            for frame in self.frames:  # type: ignore[attr-defined]
                if frame.document.id == ghost.document:
                    frame.pane.set_ghosts(tuple(g for g in frame.pane.ghosts if g is not ghost))
        self.report(outcome)  # type: ignore[attr-defined]
        return True

    def action_next_suggestion(self) -> None:
        pane: PolicyPane | None = self.pane  # type: ignore[attr-defined]
        frame = self.active  # type: ignore[attr-defined]
        if pane is None or frame is None:
            return
        clause = pane.current_clause
        found = self.suggester.next_after(pane.document.id, clause.start if clause else -1)
        if found is None:
            frame.status.set_message(f"No suggestion at {percent(self.suggester.jump_confidence)} or more "
                                     "in this policy", True)
            return
        pane.go_to_offset(found.start)
        self._hinted[pane] = (found.start, found.end)
        frame.status.set_message(self._ghost_note(found), True)

    def _ghost_note(self, ghost: Suggestion, category: str | None = None) -> str:
        slug = category or ghost.categories[0]
        return (f"{GHOST_NOTE}{self.taxonomy.name(slug)} {percent(ghost.confidence[slug])}"  # type: ignore[attr-defined]
                " (y accept, x reject)")

    def _hint(self, pane: PolicyPane) -> None:
        """Name the suggestion under the cursor in the pane's status line (and take the note away
        when the cursor leaves it)."""
        frame = pane.parent
        status = getattr(frame, "status", None)
        if status is None:
            return
        ghost = pane.ghost_at_cursor() if pane.selection is None else None
        current = getattr(status, "_message", None)
        noted = current is not None and GHOST_NOTE in current[0]
        if ghost is not None:
            if not noted or self._hinted.get(pane) != (ghost.start, ghost.end):
                status.set_message(self._ghost_note(ghost), True)
                self._hinted[pane] = (ghost.start, ghost.end)
        elif noted:
            status._message = None  # a note about a suggestion no longer under the cursor
            status.show(**status._last)

    # -- category sync ----------------------------------------------------------------------------------
    def action_sync(self) -> None:
        from reviewer.tui.screens.sync_chooser import SyncChooser

        self.app.push_screen(SyncChooser(self.taxonomy, self._sync_category), self._sync_chosen)  # type: ignore[attr-defined]

    def _sync_chosen(self, result: str | None) -> None:
        from reviewer.tui.screens.sync_chooser import ALL, PICK
        from reviewer.tui.screens.tag_picker import TagPicker

        if result == ALL:
            self._sync_category = None
            for frame in self.frames:  # type: ignore[attr-defined]
                frame.pane.category_filter = None
                frame.status.set_message("] and [ walk every annotation", True)
        elif result == PICK:
            picker = TagPicker(self.taxonomy, (self._sync_category,) if self._sync_category else ())  # type: ignore[attr-defined]
            self.app.push_screen(picker, self._sync_picked)
        elif result:
            self.sync_to(result)

    def _sync_picked(self, choice) -> None:
        if choice is not None and choice.categories:
            self.sync_to(choice.categories[0])

    def sync_to(self, category: str) -> None:
        """Every pane to its next clause tagged ``category`` (its best suggestion, or a note, when none)."""
        self._sync_category = category
        self._section = category
        for frame in self.frames:  # type: ignore[attr-defined]
            self._jump(frame, category, first=False)

    def _jump(self, frame: PaneFrame, category: str, *, first: bool) -> None:
        pane = frame.pane
        name = self.taxonomy.name(category)  # type: ignore[attr-defined]
        pane.category_filter = category
        found = category_clauses(pane.document, pane.annotations, category)
        target = (found[0] if found else None) if first else next_index(found, pane.cursor)
        if target is not None:
            pane.go_to_clause(target)
            frame.status.set_message(f"{name} {found.index(target) + 1}/{len(found)} (] and [ walk them)", True)
            return
        ghost = self.suggester.best_for(pane.document.id, category) if self.suggester.active else None
        if ghost is not None:
            pane.go_to_offset(ghost.start)
            self._hinted[pane] = (ghost.start, ghost.end)
            frame.status.set_message(f"No {name} clause here; showing a suggestion: " + self._ghost_note(ghost, category),
                                     True)
        else:
            frame.status.set_message(f"No {name} clause here", True)

    def action_toggle_sync_scroll(self) -> None:
        self._sync_scroll = not self._sync_scroll
        self._section = None
        self.app.notify("Synchronised scrolling on: the other panes follow this one by category section"
                        if self._sync_scroll else "Synchronised scrolling off", timeout=3)

    @on(PolicyPane.ClauseFocused)
    def _follow(self, event: PolicyPane.ClauseFocused) -> None:
        pane = event.pane
        self._hint(pane)
        if not self._sync_scroll or pane is not self.pane or not pane.has_focus:  # type: ignore[attr-defined]
            return
        clause = pane.current_clause
        if clause is None:
            return
        section = section_category(pane.annotations, clause.start)
        if section is None or section == self._section:
            return
        self._section = section
        for frame in self.frames:  # type: ignore[attr-defined]
            if frame.pane is not pane:
                self._jump(frame, section, first=True)

    # -- coverage matrix ----------------------------------------------------------------------------------
    def coverage_matrix(self) -> CoverageMatrix:
        """The matrix of every document of the session, from the one core function (worker-safe)."""
        session = self.session  # type: ignore[attr-defined]
        docs = list(session.documents)
        return coverage(docs, {d.id: session.annotations(d.id) for d in docs}, self.taxonomy)  # type: ignore[attr-defined]

    def _suggested_counts(self, doc_ids: Sequence[str]) -> dict[str, Counter[str]]:
        if not self.suggester.active:
            return {}
        worker = get_current_worker()
        found = self.suggester.for_documents(doc_ids, lambda: worker.is_cancelled)
        return {d: Counter(c for s in found[d] for c in s.confidence) for d in found}

    def action_coverage(self) -> None:
        from reviewer.tui.screens.coverage_matrix import CoverageMatrixScreen

        if isinstance(self.app.screen, CoverageMatrixScreen):
            return
        screen = CoverageMatrixScreen(self.taxonomy, self.coverage_matrix, self._suggested_counts,  # type: ignore[attr-defined]
                                      suggestions_note=self._matrix_note())
        self.app.push_screen(screen, self._cell_chosen)

    def _matrix_note(self) -> str:
        s = self.suggester
        if s.active:
            return ""
        return "(suggestions off: S)" if not s.enabled else "(no suggestions yet: too few tags)"

    def _cell_chosen(self, choice) -> None:
        if choice is None:
            return
        from reviewer.tui.screens.workspace import MAX_PANES

        frames = self.frames  # type: ignore[attr-defined]
        frame = next((f for f in frames if f.document.id == choice.document), None)
        if frame is None and len(frames) < MAX_PANES:
            frame = self.open_pane(choice.document)  # type: ignore[attr-defined]
        elif frame is None:
            frame = self.active  # type: ignore[attr-defined]
            frame.pane.set_document(self.session.document(choice.document))  # type: ignore[attr-defined]
            frame.update_title()
            self.refresh_frame(frame)  # type: ignore[attr-defined]
        self.call_after_refresh(self._open_at, frame, choice.category)

    def _open_at(self, frame: PaneFrame, category: str | None) -> None:
        if not frame.is_attached:
            return
        self.refresh_frame(frame)  # type: ignore[attr-defined]
        frame.pane.focus()
        if category is None:
            frame.pane.category_filter = None
            return
        self._jump(frame, category, first=True)


__all__ = ["CompareHost", "SuggestionsTrained"]
