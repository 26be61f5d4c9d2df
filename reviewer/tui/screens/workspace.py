"""WorkspaceScreen: one to four policy panes (a PaneDeck), the document list and the legend.

The screen owns the Session: every key that changes annotations is bound here and goes
straight to a Session call, which writes the document's TOML atomically before it returns, so
each change is on disk before the next key is handled. Panes only say where the cursor and the
selection are (``target_span``) and receive annotations back as attributes.

Features are controllers the screen builds (``reviewer/tui/controllers/``): suggestions, category
sync with the coverage matrix, and clause lookup. The screen declares their keys, routes each
action and its ``check_action`` to them from one table, and hands them their workers' messages.
"""

from __future__ import annotations

import time
from functools import partial
from collections import Counter
from typing import Iterable

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import OptionList
from textual.worker import Worker, get_current_worker

from reviewer.safetext import one_line
from reviewer.gcpause import paused_gc
from reviewer.session import Outcome, Session
from reviewer.tui.note_drafting import NoteDrafting
from reviewer.tui.versioning import CarryDone, VersionsController
from reviewer.tui.clause_search import ClauseSearch, OpenMatches
from reviewer.tui.controllers.category_sync import CategorySync
from reviewer.tui.controllers.clause_lookup import ClauseLookup, SimilarFound
from reviewer.tui.controllers.suggestions import SuggestionsController, SuggestionsTrained
from reviewer.tui.messages import CountsReady
from reviewer.tui.screens.workspace_body import DeferredBody
from reviewer.tui.screens.workspace_keys import WORKSPACE_BINDINGS
from reviewer.tui.widgets.document_list import DocumentList
from reviewer.tui.widgets.inspector import Inspected, Inspector
from reviewer.tui.widgets.key_footer import KeyFooter
from reviewer.tui.widgets.legend import Legend
from reviewer.tui.widgets.pane_deck import MAX_PANES, PaneDeck
from reviewer.tui.widgets.pane_frame import PaneFrame
from reviewer.tui.widgets.policy_pane import PolicyPane
from reviewer.tui.widgets.similar_panel import SimilarPanel
from reviewer.tui.workers import forward_failure

CHECK_EVERY = 2.0  # seconds between checks for another program's changes


class WorkspaceScreen(Screen[None]):
    """The analyst's workspace. Owns the session and every key that writes."""

    BINDINGS = WORKSPACE_BINDINGS
    COMMANDS = {ClauseSearch}
    STYLESHEET = "workspace.tcss"   # read before the first paint when it opens first (stylesheets.py)

    def __init__(self, session: Session, open_ids: Iterable[str] = (), *, check_every: float = CHECK_EVERY,
                 suggestions_on: bool = True, start_with_coverage: bool = False) -> None:
        super().__init__()
        self.session = session
        self.taxonomy = session.taxonomy
        ids = [i for i in open_ids if i in {d.id for d in session.documents}]
        if not ids and session.documents:
            ids = [d.id for d in session.documents[:2]]
        self.deck = PaneDeck([session.document(i) for i in ids[:MAX_PANES]], self.taxonomy, self.refresh_frame,
                             id="panes")
        self._check_every = check_every
        self._start_with_coverage = start_with_coverage
        if start_with_coverage:   # pushed with no body: its own stylesheets are read when the body is mounted
            self.STYLESHEET = "base.tcss"
        self.body = DeferredBody(self, self._body_widgets, deferred=start_with_coverage)
        self._told_errors: set[str] = set()   # documents whose unreadable annotation file was reported
        self._notes: NoteDrafting | None = None
        self._last_key_at = 0.0
        self.suggestions = SuggestionsController(self, session, self.deck, enabled=suggestions_on,
                                                 report=self.report, writable=self._writable,
                                                 on_model_ready=self._suggestions_ready,
                                                 keys_quiet_for=lambda: time.monotonic() - self._last_key_at)
        self.sync = CategorySync(self, session, self.deck, self.suggestions, self.refresh_frame,
                                 mount_body=self.body.mount)
        self.lookup = ClauseLookup(self, session, self.deck, report=self.report, panel_after="#body")
        self.versions = VersionsController(self)  # versioned policies: carry and review queue
        # action -> its check (True: enabled, None: shown greyed out); actions not listed are always enabled
        self._checks = {
            "tag": self._can_tag,
            "tag_picker": lambda *_: self._on_span(),
            "note": lambda *_: self._on_annotation(),
            "delete": lambda *_: True if self.suggestions.here() is not None and self._writable()
            else self._on_annotation(),
            "undo": lambda *_: True if self.session.can_undo else None,
            "redo": lambda *_: True if self.session.can_redo else None,
            "split": lambda *_: None if self.deck.full else True,
            "close_pane": lambda *_: True if len(self.frames) > 1 else None,
            "focus_pane": lambda *_: True if len(self.frames) > 1 else None,
            "orphans": lambda *_: True if self.pane is not None and self.session.orphans(self.pane.document.id)
            else None,
            "accept_suggestion": lambda *_: self.suggestions.can_accept(),
            "next_suggestion": lambda *_: self.suggestions.can_jump(),
            "sync": lambda *_: True if self.frames else None,
            "history": lambda *_: True if self.pane is not None and self.pane.document.history is not None else None,
            "review": lambda *_: True if self.pane is not None and self.versions.has_queue(self.pane.document.id)
            else None,
        }

    @property
    def notes(self) -> NoteDrafting:
        """The note editor and its draft on disk."""
        if self._notes is None:
            self._notes = NoteDrafting(self.app, self.session, self.report)
        return self._notes

    # -- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield from self.body.compose()

    def _body_widgets(self) -> list[Widget]:
        documents = DocumentList(self.session.documents, self.taxonomy, id="documents")
        documents.display = False   # shown by its key
        return [Horizontal(documents, self.deck, id="body"), Inspector(self.taxonomy, id="inspector"),
                Legend(self.taxonomy, id="legend"), KeyFooter()]

    def on_mount(self) -> None:
        self.set_interval(self._check_every, self.check_external, name="check-external")
        self.notes.recover()   # a note draft a killed app left behind
        if self._start_with_coverage:
            self.action_coverage()
            self.call_after_refresh(self.body.wait_for_matrix, self._start_background)
        else:
            self._start_background()  # on timers: after the first paint of this screen

    def _start_background(self) -> None:
        """Counts for the document list, the first suggestion training and the lookup index (and the
        parsed-file cache a first open on the matrix left to write)."""
        self.run_worker(self.session.load_cache.flush, name="load-cache", group="load-cache", thread=True,
                        exit_on_error=False)
        self.call_after_refresh(self.load_counts)  # after this screen's next frame, however busy the machine
        self.suggestions.start()
        self.lookup.start()

    @property
    def frames(self) -> list[PaneFrame]:
        return self.deck.frames

    @property
    def active(self) -> PaneFrame | None:
        return self.deck.active

    @property
    def pane(self) -> PolicyPane | None:
        return self.deck.pane

    @property
    def suggester(self):
        return self.suggestions.suggester

    @on(PaneDeck.ActiveChanged)
    def _active_changed(self, event: PaneDeck.ActiveChanged) -> None:
        self.query_one(DocumentList).select_document(event.frame.document.id)
        self.refresh_bindings()
        self._inspect()

    def focus_active_pane(self) -> None:
        if self.pane is not None:
            self.pane.focus()

    @on(PolicyPane.PaneStepRequested)
    def _pane_step(self, event: PolicyPane.PaneStepRequested) -> None:
        self.deck.focus_step(event.delta)

    @on(PolicyPane.ClauseFocused)
    def _pane_moved(self, event: PolicyPane.ClauseFocused) -> None:
        self.refresh_bindings()  # note/delete/tag greying depends on what is under the cursor
        self._inspect()
        frame = event.pane.parent
        if isinstance(frame, PaneFrame):
            self.suggestions.hint(frame)
        self.sync.follow(event.pane)
        self.suggestions.after_key()

    def on_descendant_focus(self, event) -> None:
        node = event.widget
        while node is not None and not isinstance(node, PaneFrame):
            node = node.parent
        if isinstance(node, PaneFrame) and node is not self.deck.active:
            self.deck.activate(node)

    # -- session -> panes -----------------------------------------------------------------------
    def refresh_frame(self, frame: PaneFrame) -> None:
        doc_id = frame.document.id
        s = self.session
        frame.pane.annotations = tuple(s.annotations(doc_id))
        frame.pane.anchor_status = s.anchor_status(doc_id)
        error = s.load_error(doc_id)
        frame.update_status(orphans=len(s.orphans(doc_id)), pending=doc_id in s.pending,
                            error=error, read_only=s.read_only)
        if error and doc_id not in self._told_errors:  # the status line cannot say which file or why
            self._told_errors.add(doc_id)
            self.app.notify(f"{error}. {doc_id} is read-only until the file is fixed; it is never changed.",
                            title="Annotation file refused", severity="error", timeout=20, markup=False)
        self.suggestions.refresh(frame)

    def refresh_document(self, doc_id: str) -> None:
        if not self.body.ready:
            return   # the body, when mounted under the matrix, shows the session as it is then
        for frame in self.frames:
            if frame.document.id == doc_id:
                self.refresh_frame(frame)
        self.query_one(DocumentList).update_counts(doc_id, self.session.counts(doc_id))
        self.versions.refresh(doc_id)   # an open review queue: an undo may bring an item back
        self.refresh_bindings()
        self._inspect()

    # -- inspector --------------------------------------------------------------------------------
    def action_inspector(self) -> None:
        inspector = self.query_one(Inspector)
        inspector.display = not inspector.display
        self._inspect()

    def _inspect(self) -> None:
        """The inspector follows the focused pane's caret (only while it is shown)."""
        if not self.body.ready:
            return
        inspector = self.query_one(Inspector)
        pane = self.pane
        if not inspector.display or pane is None:
            return
        ann = pane.target_annotation()
        if ann is None:
            inspector.show(None)
            return
        own = ann.extra.get("annotator")
        annotator = own if isinstance(own, str) else self.session.store.meta.annotator
        inspector.show(Inspected(ann, pane.anchor_status.get(ann.id), annotator))

    def report(self, outcome: Outcome | None, *, quiet: bool = True) -> None:
        """Show what a session call did: refresh the panes, and toast errors and merges."""
        if outcome is None:
            return
        shown = [f for f in self.frames if f.document.id == outcome.document] if self.body.ready else []
        for frame in shown:   # drawn by refresh_document's status update just below
            frame.status.set_message(outcome.message, outcome.saved, draw=False)
        if outcome.document:
            self.refresh_document(outcome.document)
            self.suggestions.changed(outcome)  # rescored now, retrained in the background
            self.suggestions.after_key()
        if outcome.error:
            self.app.notify(outcome.error, title=outcome.message, severity="error", timeout=12, markup=False)
        if outcome.merged:
            self.app.notify(outcome.merged, title=f"{outcome.document}: merged", severity="warning",
                            timeout=10, markup=False)
        if not quiet and not outcome.error:
            self.app.notify(outcome.message, markup=False, timeout=3)

    # -- writing keys ---------------------------------------------------------------------------
    def _writable(self) -> bool:
        pane = self.pane
        return (pane is not None and not self.session.read_only
                and self.session.load_error(pane.document.id) is None)

    def _on_span(self) -> bool | None:
        pane = self.pane
        return True if self._writable() and pane is not None and pane.target_span() else None

    def _on_annotation(self) -> bool | None:
        pane = self.pane
        return True if self._writable() and pane is not None and pane.target_annotation() else None

    def _can_tag(self, key: object) -> bool | None:
        return False if self.taxonomy.by_key(str(key)) is None else self._on_span()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        check = self._checks.get(action)
        return True if check is None else check(*parameters)

    def action_tag(self, key: str) -> None:
        pane = self.pane
        category = self.taxonomy.by_key(key)
        span = pane.target_span() if pane else None
        if pane is None or category is None or span is None:
            return
        outcome = self.session.toggle_category(pane.document.id, span[0], span[1], category.slug)
        if pane.selection is not None and not outcome.error:
            pane.clear_selection()
        self.report(outcome)

    def action_tag_picker(self) -> None:
        from reviewer.tui.screens.tag_picker import TagPicker

        pane = self.pane
        span = pane.target_span() if pane else None
        if pane is None or span is None:
            return
        exact = next((a for a in pane.annotations if (a.start, a.end) == span), None)
        picker = TagPicker(self.taxonomy, exact.categories if exact else (),
                           {k: str(v) for k, v in exact.attributes.items()} if exact else None)
        self.app.push_screen(picker, partial(self._picked, pane, pane.document.id, span))

    def _picked(self, pane: PolicyPane, doc_id: str, span: tuple[int, int], choice) -> None:
        if choice is None:
            return
        has_attributes = any(c.attributes for c in self.taxonomy)
        attributes = dict(choice.attributes) if has_attributes else None
        outcome = self.session.set_categories(doc_id, span[0], span[1], choice.categories, attributes)
        if pane.is_attached and pane.document.id == doc_id and pane.selection is not None and not outcome.error:
            pane.clear_selection()
        self.report(outcome)

    def action_note(self) -> None:
        pane = self.pane
        ann = pane.target_annotation() if pane else None
        if pane is None or ann is None:
            return
        names = ", ".join(self.taxonomy.name(s) for s in ann.categories) or "annotation"
        self.notes.edit(pane.document.id, ann, f"Note: {one_line(names, 60)}")

    def action_delete(self) -> None:
        if self.suggestions.reject_here():  # x on a suggested (untagged) clause rejects it
            return
        pane = self.pane
        ann = pane.target_annotation() if pane else None
        if pane is None or ann is None:
            return
        self.report(self.session.delete(pane.document.id, ann.id))

    def _replayed(self, outcome: Outcome | None, verb: str) -> None:
        if outcome is None:
            self.app.notify(f"Nothing to {verb}", timeout=2)
            return
        self.report(outcome, quiet=False)
        for doc_id in set(self.deck.document_ids()) - {outcome.document}:  # a step may span documents
            self.refresh_document(doc_id)
        ann = self.session.annotation(outcome.document, outcome.annotation) if outcome.annotation else None
        if ann is None:
            return
        showing = [f for f in self.frames if f.document.id == outcome.document]
        frame = self.active if self.active in showing else (showing[0] if showing else None)
        if frame is not None and not any(o is ann for o in self.session.orphans(outcome.document)):
            frame.pane.go_to_offset(ann.start)

    def action_undo(self) -> None:
        self._replayed(self.session.undo(), "undo")

    def action_redo(self) -> None:
        self._replayed(self.session.redo(), "redo")

    def action_save(self) -> None:
        s = self.session
        for doc_id in sorted(s.pending | {f.document.id for f in self.frames}):
            self.report(s.check_external(doc_id))
        if s.read_only:   # what others wrote is shown (above); this session writes nothing
            self.app.notify("Read-only: this session writes nothing (the set is open elsewhere, or was refused)",
                            severity="warning", timeout=5)
            return
        outcomes = s.save()
        for outcome in outcomes:
            self.report(outcome)
        if not outcomes:
            self.app.notify("Nothing waiting: every change is already on disk (each is written as you make it)",
                            title="Saved", timeout=4)
            return
        written = [o.message.removeprefix("Saved ") for o in outcomes if o.saved]
        failed = [o for o in outcomes if not o.saved]
        if written:
            self.app.notify("Wrote " + ", ".join(written), title="Saved", timeout=5, markup=False)
        if failed:
            self.app.notify(f"{len(failed)} file(s) still not written; ctrl+s retries", severity="error",
                            timeout=12, markup=False)

    # -- panes ----------------------------------------------------------------------------------
    def action_focus_pane(self, delta: int) -> None:
        self.deck.focus_step(delta)

    def _documents(self) -> list[tuple[str, str]]:
        return [(d.id, one_line(d.title, 80)) for d in self.session.documents]

    def action_open(self) -> None:
        from reviewer.tui.screens.document_picker import DocumentPicker

        frame = self.active
        if frame is None:
            return
        self.app.push_screen(DocumentPicker(self._documents(), "Open in this pane"), partial(self._show, frame))

    def _show(self, frame: PaneFrame, doc_id: str | None) -> None:
        if doc_id is None or not frame.is_attached:
            return
        frame = self.deck.show(frame, self.session.document(doc_id))
        self.deck.activate(frame)
        frame.pane.focus()

    def action_split(self) -> None:
        from reviewer.tui.screens.document_picker import DocumentPicker

        if not self.deck.full:
            self.app.push_screen(DocumentPicker(self._documents(), "Open in a new pane"), self._split_to)

    def _split_to(self, doc_id: str | None) -> None:
        if doc_id is not None and not self.deck.full:
            self.deck.open(self.session.document(doc_id))

    def action_close_pane(self) -> None:
        if self.active is not None:
            self.deck.close(self.active)

    def action_toggle_documents(self) -> None:
        doclist = self.query_one(DocumentList)
        doclist.display = not doclist.display
        if doclist.display:
            doclist.focus()
            if self.active is not None:
                doclist.select_document(self.active.document.id)
        else:
            self.focus_active_pane()

    def action_toggle_legend(self) -> None:
        legend = self.query_one(Legend)
        legend.display = not legend.display

    @on(DocumentList.LeaveRequested)
    def _leave_list(self) -> None:
        self.focus_active_pane()

    @on(OptionList.OptionSelected, "#documents")
    def _document_chosen(self, event: OptionList.OptionSelected) -> None:
        frame = self.active
        if frame is not None and event.option.id:
            self._show(frame, event.option.id)

    def action_orphans(self) -> None:
        from reviewer.tui.screens.orphans import OrphansScreen

        pane = self.pane
        if pane is None:
            return
        doc_id = pane.document.id
        span = pane.selection_span
        screen = OrphansScreen(one_line(pane.document.title, 80), self.session.orphans(doc_id), self.taxonomy,
                               can_reattach=span is not None and self._writable())
        self.app.push_screen(screen, partial(self._orphan_action, doc_id, span))

    def action_history(self) -> None:
        from reviewer.tui.screens.history import HistoryScreen

        pane = self.pane
        if pane is None or pane.document.history is None:
            return
        doc = pane.document
        vdoc = doc.history
        assert vdoc is not None  # checked above
        shown = next(v for v in vdoc.versions if v.version == doc.version)
        self.app.push_screen(HistoryScreen(doc.title, vdoc, self.session.annotations(doc.id), shown, self.taxonomy,
                                           can_carry=self._writable()),
                             partial(self._carry_to, doc.id))

    def _carry_to(self, doc_id: str, target) -> None:
        if target is not None:
            self.versions.carry(doc_id, target)

    @on(CarryDone)
    def _carried(self, message: CarryDone) -> None:
        self.versions.carried(message)

    def action_review(self) -> None:
        if self.pane is not None:
            self.versions.review(self.pane.document.id)

    def on_review_panel_requested(self, event) -> None:   # ReviewPanel.Requested (imported on first use)
        self.versions.act(event.panel.document_id, event.action)

    def _orphan_action(self, doc_id: str, span: tuple[int, int] | None, action) -> None:
        if action is None:
            return
        if action.kind == "reattach" and span is not None:
            outcome = self.session.reattach(doc_id, action.annotation_id, span[0], span[1])
            for frame in self.frames:
                if frame.document.id == doc_id:
                    frame.pane.clear_selection()
        else:
            outcome = self.session.delete_orphan(doc_id, action.annotation_id)
        self.report(outcome, quiet=False)

    # -- features (tui/controllers) ---------------------------------------------------------------
    def action_accept_suggestion(self) -> None:
        self.suggestions.accept()

    def action_next_suggestion(self) -> None:
        self.suggestions.next()

    def action_toggle_suggestions(self) -> None:
        self.suggestions.toggle()

    def retrain_suggestions(self) -> None:
        self.suggestions.retrain()

    @on(SuggestionsTrained)
    def _suggestions_trained(self, event: SuggestionsTrained) -> None:
        self.suggestions.trained(event)

    def on_key(self, event) -> None:
        """Every key that reaches the screen: when the analyst last typed (suggestions wait for a
        pause before they repaint the panes). Nothing is stopped here."""
        self._last_key_at = time.monotonic()

    def _suggestions_ready(self) -> None:
        self.sync.reload_open_matrix()

    def action_coverage(self) -> None:
        self.sync.open_matrix()

    def coverage_matrix(self):
        return self.sync.matrix()

    def action_sync(self) -> None:
        self.sync.choose()

    def action_toggle_sync_scroll(self) -> None:
        self.sync.toggle_scrolling()

    def action_lookup(self) -> None:
        self.lookup.lookup()

    def action_similar(self) -> None:
        self.lookup.similar()

    def open_matches(self, matches) -> list[PaneFrame]:
        return self.lookup.open_matches(matches)

    @on(OpenMatches)
    def _open_requested(self, event: OpenMatches) -> None:
        self.lookup.open_matches(event.matches)

    @on(SimilarFound)
    def _similar_found(self, event: SimilarFound) -> None:
        self.lookup.similar_found(event)

    @on(SimilarPanel.JumpRequested)
    def _similar_jump(self, event: SimilarPanel.JumpRequested) -> None:
        self.lookup.open_matches([event.match], focus=False)  # the panel keeps the keys

    @on(SimilarPanel.TagRequested)
    def _similar_tag(self, event: SimilarPanel.TagRequested) -> None:
        self.lookup.tag(event)

    @on(SimilarPanel.ApplyRequested)
    def _similar_apply(self, event: SimilarPanel.ApplyRequested) -> None:
        self.lookup.apply(event)

    @on(SimilarPanel.CloseRequested)
    def _similar_close(self, event: SimilarPanel.CloseRequested) -> None:
        self.lookup.close_panel(event.panel)

    # -- outside changes and background work ----------------------------------------------------
    def check_external(self) -> None:
        """Merge changes another program made to the files of the documents on screen (and reload a
        policy whose text file changed)."""
        for doc_id in self.deck.document_ids():
            outcome = self.session.check_external(doc_id)
            self.deck.renew(self.session.document(doc_id))  # its own text changed: the new text, re-anchored
            if outcome is not None:
                self.report(outcome)
                if not outcome.merged and not outcome.error:
                    self.app.notify(outcome.message, markup=False)

    @work(thread=True, exclusive=True, group="counts", exit_on_error=False)
    def load_counts(self) -> None:
        """Annotation counts for the document list, and clause segmentation warmed up, off the UI."""
        worker = get_current_worker()
        batch: dict[str, Counter[str]] = {}
        with paused_gc():  # the set's annotations are built in bulk here: nothing to collect yet
            for doc in list(self.session.documents):
                if worker.is_cancelled:
                    return
                batch[doc.id] = self.session.counts(doc.id)
                doc.clauses  # noqa: B018 - segment now so opening the document later is instant
                time.sleep(0.0005)  # hand the GIL back: keys stay instant while this runs
                if len(batch) >= 50:
                    self.post_message(CountsReady(dict(batch)))
                    batch.clear()
        if batch:
            self.post_message(CountsReady(dict(batch)))

    @on(CountsReady)
    def _counts_ready(self, event: CountsReady) -> None:
        doclist = self.query_one(DocumentList)
        for doc_id, counts in event.counts.items():
            doclist.update_counts(doc_id, counts)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        forward_failure(self, event)
