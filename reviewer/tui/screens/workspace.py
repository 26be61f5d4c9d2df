"""WorkspaceScreen: one to four policy panes, the document list and the legend.

The screen owns the Session: every key that changes annotations is bound here and goes
straight to a Session call, which writes the document's TOML atomically before it returns, so
each change is on disk before the next key is handled. Panes only say where the cursor and the
selection are (``target_span``) and receive annotations back as attributes.
"""

from __future__ import annotations

import time
from functools import partial
from typing import Iterable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList
from textual.worker import Worker, WorkerState, get_current_worker

from reviewer.documents import Document
from reviewer.safetext import one_line
from reviewer.session import Outcome, Session
from reviewer.tui.messages import CountsReady
from reviewer.tui.versioning import CarryDone, VersionsController
from reviewer.tui.widgets.key_footer import KeyFooter
from reviewer.tui.widgets.document_list import DocumentList
from reviewer.tui.widgets.legend import Legend
from reviewer.tui.widgets.pane_frame import PaneFrame
from reviewer.tui.widgets.policy_pane import PolicyPane
from reviewer.tui.screens.lookup import LookupHost  # issue 4: ctrl+f lookup, s similar panel, palette
from reviewer.tui.compare import CompareHost  # issue 7: m matrix, c category sync, suggestions

MAX_PANES = 4
CHECK_EVERY = 2.0  # seconds between checks for another program's changes


def _tag_bindings() -> list[Binding]:
    return [Binding(key, f"tag('{key}')", f"Toggle category {key}", show=False, id=f"workspace.tag_{key}",
                    tooltip=f"Toggle the category with key {key} on the selection or the current clause")
            for key in "1234567890"]


class WorkspaceScreen(CompareHost, LookupHost, Screen[None]):
    """The analyst's workspace. Owns the session and every key that writes."""

    BINDINGS = [
        *_tag_bindings(),
        Binding("t", "tag_picker", "Tag", id="workspace.tag_picker",
                tooltip="Choose categories (and attributes) for the selection or current clause"),
        Binding("enter,a", "note", "Note", id="workspace.note",
                tooltip="Edit the note of the annotation under the cursor"),
        Binding("x", "delete", "Delete", id="workspace.delete",
                tooltip="Delete the annotation under the cursor"),
        Binding("u,ctrl+z", "undo", "Undo", id="workspace.undo", tooltip="Undo the last change (any document)"),
        Binding("ctrl+r,ctrl+y", "redo", "Redo", show=False, id="workspace.redo", tooltip="Redo the last undone change"),
        Binding("ctrl+s", "save", "Save", show=False, id="workspace.save",
                tooltip="Write anything not yet on disk (changes are written as you make them)"),
        Binding("tab,l", "focus_pane(1)", "Next pane", show=False, id="workspace.next_pane",
                tooltip="Focus the pane to the right"),
        Binding("shift+tab,h", "focus_pane(-1)", "Previous pane", show=False, id="workspace.previous_pane",
                tooltip="Focus the pane to the left"),
        Binding("o", "open", "Open", id="workspace.open", tooltip="Show another document in this pane"),
        Binding("vertical_line,ctrl+backslash", "split", "Split", id="workspace.split",
                tooltip="Open another document in a new pane beside this one"),
        Binding("Q", "close_pane", "Close pane", show=False, id="workspace.close_pane", tooltip="Close this pane"),
        Binding("D", "toggle_documents", "Documents", show=False, id="workspace.documents",
                tooltip="Show or hide the document list with annotation counts"),
        Binding("L", "toggle_legend", "Legend", show=False, id="workspace.legend",
                tooltip="Show or hide the taxonomy legend"),
        Binding("O", "orphans", "Orphans", show=False, id="workspace.orphans",
                tooltip="List annotations whose text is gone: re-attach or delete them"),
        Binding("H", "history", "History", show=False, id="workspace.history",
                tooltip="The focused policy's versions: dates, changes and what happened to its annotations"),
        Binding("R", "review", "Review", show=False, id="workspace.review",
                tooltip="After a carry: the annotations placed approximately or orphaned"),
    ]

    def __init__(self, session: Session, open_ids: Iterable[str] = (), *, check_every: float = CHECK_EVERY) -> None:
        super().__init__()
        self.session = session
        self.taxonomy = session.taxonomy
        ids = [i for i in open_ids if i in {d.id for d in session.documents}]
        if not ids and session.documents:
            ids = [d.id for d in session.documents[:2]]
        self._initial = ids[:MAX_PANES]
        self._active: PaneFrame | None = None
        self._check_every = check_every
        self._frames = 0
        self._told_errors: set[str] = set()   # documents whose unreadable annotation file was reported
        self.versions = VersionsController(self)  # versioned policies: carry and review queue

    # -- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            yield DocumentList(self.session.documents, self.taxonomy, id="documents")
            with Horizontal(id="panes"):
                for doc_id in self._initial:
                    yield self._new_frame(self.session.document(doc_id))
        yield Legend(self.taxonomy, id="legend")
        yield KeyFooter()  # Footer without its leak on rebuilds

    def _new_frame(self, document: Document) -> PaneFrame:
        self._frames += 1
        return PaneFrame(document, self.taxonomy, id=f"frame-{self._frames}")

    def on_mount(self) -> None:
        self.query_one(DocumentList).display = False
        frames = self.frames
        for frame in frames:
            self.refresh_frame(frame)
        if frames:
            self._set_active(frames[0])
            frames[0].pane.focus()
        self.set_interval(self._check_every, self.check_external, name="check-external")
        self.set_timer(0.3, self.load_counts, name="counts")  # after the first paint

    @property
    def frames(self) -> list[PaneFrame]:
        return list(self.query(PaneFrame))

    @property
    def active(self) -> PaneFrame | None:
        if self._active is not None and self._active.is_attached:
            return self._active
        frames = self.frames
        return frames[0] if frames else None

    @property
    def pane(self) -> PolicyPane | None:
        frame = self.active
        return frame.pane if frame else None

    def _set_active(self, frame: PaneFrame) -> None:
        for other in self.frames:
            other.set_class(other is frame, "-active")
        self._active = frame
        self.query_one(DocumentList).select_document(frame.document.id)
        self.refresh_bindings()

    def focus_active_pane(self) -> None:
        if self.pane is not None:
            self.pane.focus()

    def _binding_state(self) -> tuple:
        """What the greying of keys depends on; bindings are refreshed only when it changes
        (a refresh rebuilds the footer, far too slow to do on every cursor move)."""
        pane = self.pane
        s = self.session
        common = (id(self.focused), id(getattr(self.app, "_keymap", None)), s.can_undo, s.can_redo,
                  self._ghost_here() is not None)  # issue 7: x rejects a suggestion, y accepts it
        if pane is None:
            return common
        return common + (id(pane), pane.target_annotation() is not None, pane.target_span() is not None,
                pane.selection is not None, bool(pane.query), bool(pane.matches), bool(pane.annotations),
                len(self.frames), s.read_only)

    def refresh_bindings(self) -> None:
        """Debounced: the footer is rebuilt (~a frame or more) once things settle, after the
        keypress has been drawn; key dispatch itself always asks check_action live."""
        if getattr(self, "_bindings_timer", None) is None and self.is_mounted:
            self._bindings_timer = self.set_timer(0.08, self._flush_bindings, name="bindings")
        elif not self.is_mounted:
            super().refresh_bindings()

    def _flush_bindings(self) -> None:
        self._bindings_timer = None
        state = self._binding_state()
        if state != getattr(self, "_last_binding_state", None):
            self._last_binding_state = state
            super().refresh_bindings()

    @on(PolicyPane.ClauseFocused)
    def _pane_moved(self, event: PolicyPane.ClauseFocused) -> None:
        self.refresh_bindings()  # note/delete/tag greying depends on what is under the cursor

    def on_descendant_focus(self, event) -> None:
        node = event.widget
        while node is not None and not isinstance(node, PaneFrame):
            node = node.parent
        if isinstance(node, PaneFrame) and node is not self._active:
            self._set_active(node)

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
        self.refresh_ghosts(frame)  # issue 7: suggestions as ghost tags

    def refresh_document(self, doc_id: str) -> None:
        for frame in self.frames:
            if frame.document.id == doc_id:
                self.refresh_frame(frame)
        self.query_one(DocumentList).update_counts(doc_id, self.session.counts(doc_id))
        self.refresh_bindings()

    def report(self, outcome: Outcome | None, *, quiet: bool = True) -> None:
        """Show what a session call did: refresh the panes, and toast errors and merges."""
        if outcome is None:
            return
        if outcome.document:
            self.refresh_document(outcome.document)
            self.compare_changed(outcome)  # issue 7: retrain suggestions in the background
        if outcome.error:
            self.app.notify(outcome.error, title=outcome.message, severity="error", timeout=12, markup=False)
        if outcome.merged:
            self.app.notify(outcome.merged, title=f"{outcome.document}: merged", severity="warning",
                            timeout=10, markup=False)
        if not quiet and not outcome.error:
            self.app.notify(outcome.message, markup=False, timeout=3)
        for frame in self.frames:
            if frame.document.id == outcome.document:
                frame.status.set_message(outcome.message, outcome.saved)

    # -- writing keys ---------------------------------------------------------------------------
    def _writable(self) -> bool:
        pane = self.pane
        return (pane is not None and not self.session.read_only
                and self.session.load_error(pane.document.id) is None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        pane = self.pane
        verdict = self.compare_check(action, parameters)  # issue 7: reviewer/tui/compare.py
        if verdict is not NotImplemented:
            return verdict
        if action in ("tag", "tag_picker"):
            if action == "tag" and self.taxonomy.by_key(str(parameters[0])) is None:
                return False
            return True if self._writable() and pane is not None and pane.target_span() else None
        if action in ("note", "delete"):
            return True if self._writable() and pane is not None and pane.target_annotation() else None
        if action == "undo":
            return True if self.session.can_undo else None
        if action == "redo":
            return True if self.session.can_redo else None
        if action == "split":
            return True if len(self.frames) < MAX_PANES else None
        if action == "close_pane":
            return True if len(self.frames) > 1 else None
        if action == "focus_pane":
            return True if len(self.frames) > 1 else None
        if action == "orphans":
            return True if pane is not None and self.session.orphans(pane.document.id) else None
        if action == "history":
            return True if pane is not None and pane.document.history is not None else None
        if action == "review":
            return True if pane is not None and self.versions.has_queue(pane.document.id) else None
        return True

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
        from reviewer.tui.screens.note_editor import NoteEditor

        pane = self.pane
        ann = pane.target_annotation() if pane else None
        if pane is None or ann is None:
            return
        names = ", ".join(self.taxonomy.name(s) for s in ann.categories) or "annotation"
        editor = NoteEditor(ann.note, title=f"Note: {one_line(names, 60)}")
        self.app.push_screen(editor, partial(self._noted, pane.document.id, ann.id))

    def _noted(self, doc_id: str, ann_id: str, note: str | None) -> None:
        if note is None:
            return
        self.report(self.session.set_note(doc_id, ann_id, note))

    def action_delete(self) -> None:
        if self.reject_suggestion_here():  # issue 7: x on a suggested (untagged) clause rejects it
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
        frames = self.frames
        if not frames:
            return
        index = frames.index(self.active) if self.active in frames else 0
        frames[(index + delta) % len(frames)].pane.focus()

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
        frame.pane.set_document(self.session.document(doc_id))
        frame.update_title()
        self.refresh_frame(frame)
        self._set_active(frame)
        frame.pane.focus()

    def action_split(self) -> None:
        from reviewer.tui.screens.document_picker import DocumentPicker

        if len(self.frames) >= MAX_PANES:
            return
        self.app.push_screen(DocumentPicker(self._documents(), "Open in a new pane"), self._split_to)

    def _split_to(self, doc_id: str | None) -> None:
        if doc_id is None or len(self.frames) >= MAX_PANES:
            return
        self.open_pane(doc_id)

    def open_pane(self, doc_id: str) -> PaneFrame:
        frame = self._new_frame(self.session.document(doc_id))
        panes = self.query_one("#panes")
        if self.active is not None and self.active.is_attached:
            panes.mount(frame, after=self.active)
        else:
            panes.mount(frame)
        self.call_after_refresh(self._mounted, frame)
        return frame

    def _mounted(self, frame: PaneFrame) -> None:
        self.refresh_frame(frame)
        self._set_active(frame)
        frame.pane.focus()

    def action_close_pane(self) -> None:
        frames = self.frames
        frame = self.active
        if len(frames) <= 1 or frame is None:
            return
        index = frames.index(frame)
        neighbour = frames[index - 1] if index > 0 else frames[1]
        frame.remove()
        self._active = None
        self._set_active(neighbour)
        neighbour.pane.focus()

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

    # -- outside changes and background work ----------------------------------------------------
    def check_external(self) -> None:
        """Merge changes another program made to the files of the documents on screen."""
        seen: set[str] = set()
        for frame in self.frames:
            doc_id = frame.document.id
            if doc_id in seen:
                continue
            seen.add(doc_id)
            outcome = self.session.check_external(doc_id)
            if outcome is not None:
                self.report(outcome)
                if not outcome.merged and not outcome.error:
                    self.app.notify(outcome.message, markup=False)

    @work(thread=True, exclusive=True, group="counts", exit_on_error=False)
    def load_counts(self) -> None:
        """Annotation counts for the document list, and clause segmentation warmed up, off the UI."""
        worker = get_current_worker()
        batch: dict[str, object] = {}
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
            doclist.update_counts(doc_id, counts)  # type: ignore[arg-type]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.app.notify(f"{event.worker.group}: {event.worker.error}", severity="error", markup=False)
