"""Versions in the app: carrying a versioned policy's annotations to another version and the
review queue that follows. The workspace screen builds one ``VersionsController`` and routes the
history's choice, the ``R`` key and the carry worker's message to it.

A carry runs in a thread worker (the same ``carry_file`` as ``reviewer carry``: one version at a
time, the file written once, atomically, under the set's write guard); the pane then shows the new
version and the queue lists what needs a person: annotations placed approximately, orphans, and
annotations placed verbatim in a clause that was reworded around them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Callable, Protocol

from textual.message import Message

from reviewer.anchoring import FUZZY, ORPHANED
from reviewer.errors import ReviewerError
from reviewer.safetext import visible

if TYPE_CHECKING:  # the carry engine, the diff and the review queue load on first use, not at start-up
    from reviewer.session import Outcome, Session
    from reviewer.tui.widgets.pane_frame import PaneFrame
    from reviewer.tui.widgets.policy_pane import PolicyPane
    from reviewer.store import Annotation
    from reviewer.tui.widgets.pane_deck import PaneDeck
    from reviewer.tui.widgets.review_panel import ReviewAction, ReviewItem, ReviewPanel
    from reviewer.versions.carry import CarryResult
    from reviewer.versions.model import Version, VersionedDocument


class VersionsHost(Protocol):
    """What the controller needs of the screen that builds it (the workspace)."""

    session: Session
    app: Any

    @property
    def pane(self) -> PolicyPane | None: ...
    @property
    def frames(self) -> list[PaneFrame]: ...
    @property
    def deck(self) -> PaneDeck: ...
    def query(self, selector: Any) -> Any: ...
    def mount(self, *widgets: Any, after: Any = ...) -> Any: ...
    def call_after_refresh(self, callback: Callable[..., Any], *args: Any) -> bool: ...
    def notify(self, message: str, *, title: str = ..., severity: Any = ..., timeout: float | None = ...,
               markup: bool = ...) -> None: ...
    def run_worker(self, work: Callable[[], Any], *, name: str | None = ..., group: str = ...,
                   exclusive: bool = ..., thread: bool = ..., exit_on_error: bool = ...) -> Any: ...
    def post_message(self, message: Message, /) -> bool: ...
    def report(self, outcome: Outcome | None, *, quiet: bool = True) -> None: ...
    def refresh_frame(self, frame: PaneFrame) -> None: ...


@dataclass
class CarryDone(Message):
    """Posted by the carry worker: the result (None: nothing to carry) or an error message."""
    document_id: str
    target: Version
    result: CarryResult | None
    error: str | None = None
    changed: list[tuple[int, int]] | None = None  # spans of the clauses reworded between the two versions (new text)


class VersionsController:
    def __init__(self, screen: VersionsHost) -> None:
        self.screen = screen
        self.queues: dict[str, list[ReviewItem]] = {}
        self.targets: dict[str, str] = {}
        # per document: annotation id -> the annotation before it was orphaned or re-attached from the
        # queue (None: its new place accepted)
        self.done: dict[str, dict[str, Annotation | None]] = {}

    @property
    def session(self):
        return self.screen.session

    # -- carrying --------------------------------------------------------------------------------
    def carry(self, doc_id: str, target: Version) -> None:
        doc = self.session.document(doc_id)
        if doc.history is None:
            return
        self.session.save(doc_id)  # anything pending goes to disk before the file is carried
        self.screen.notify(visible(f"Carrying {doc_id} to {target.version}\u2026"), markup=False)
        self.screen.run_worker(partial(self._carry, doc_id, doc.history, target), thread=True, exclusive=True,
                               group="carry", exit_on_error=False)

    def _carry(self, doc_id: str, vdoc: VersionedDocument, target: Version) -> None:
        from reviewer.versions.carry import carry_file
        from reviewer.versions.diff import CHANGED, diff_texts

        try:
            done = carry_file(self.session.store, vdoc, target)
            changed = None
            if done is not None:
                d = diff_texts(vdoc.text(done[0].start), vdoc.text(target), words=False)
                changed = [c.new for c in d.clauses if c.status == CHANGED and c.new is not None]
        except ReviewerError as exc:
            self.screen.post_message(CarryDone(doc_id, target, None, str(exc)))
            return
        self.screen.post_message(CarryDone(doc_id, target, done[0] if done else None, changed=changed))

    def carried(self, message: CarryDone) -> None:
        """Back on the app's thread: show the new version and its review queue."""
        from reviewer.tui.widgets.review_panel import CLAUSE_CHANGED, ReviewItem
        from reviewer.versions.loading import as_document

        if message.error is not None:
            self.screen.app.notify(visible(message.error), severity="error", markup=False)
            return
        old = self.session.document(message.document_id)
        vdoc = old.history
        assert vdoc is not None
        new = as_document(vdoc, message.target)
        self.session.replace_document(new)
        for frame in self.screen.frames:
            if frame.document.id == new.id:
                frame.pane.set_document(new)
                frame.update_title()
                self.screen.refresh_frame(frame)
        result = message.result
        items = [] if result is None else [
            ReviewItem(f.annotation.id, f.status, f.score, f.annotation.quote, f.annotation.categories, f.start,
                       f.last_version)
            for f in result.fates if f.status in (FUZZY, ORPHANED)]
        # placed verbatim, but in a clause that was reworded around it: worth a look too
        for f in [] if result is None else result.fates:
            if f.status in (FUZZY, ORPHANED) or f.start is None or f.end is None:
                continue
            if any(s < f.end and f.start < e for s, e in message.changed or ()):
                items.append(ReviewItem(f.annotation.id, CLAUSE_CHANGED, f.score, f.annotation.quote,
                                        f.annotation.categories, f.start, f.last_version))
        self.queues[new.id] = items
        self.done[new.id] = {}
        self.targets[new.id] = new.version
        summary = "" if result is None else ", ".join(f"{n} {k}" for k, n in result.summary().items() if n)
        self.screen.notify(visible(f"{new.id} is now at {new.version}" + (f": {summary}" if summary else "")),
                           markup=False)
        self.review(new.id)

    # -- the review queue --------------------------------------------------------------------------
    def has_queue(self, doc_id: str) -> bool:
        return doc_id in self.queues

    def pending(self, doc_id: str) -> list[ReviewItem]:
        """The queue's items not yet dealt with. An orphaned or re-attached one comes back when its
        annotation is again as it was before (an undo); an accepted one does not (nothing to undo)."""
        done = self.done.setdefault(doc_id, {})
        return [i for i in self.queues.get(doc_id, [])
                if i.annotation_id not in done
                or (done[i.annotation_id] is not None
                    and self.session.annotation(doc_id, i.annotation_id) == done[i.annotation_id])]

    @property
    def panel(self) -> ReviewPanel | None:
        from reviewer.tui.widgets.review_panel import ReviewPanel

        found = self.screen.query(ReviewPanel)
        return found.first() if found else None

    def review(self, doc_id: str) -> None:
        """Show the document's queue under the panes (or bring the keys back to it), its pane in view."""
        from reviewer.tui import stylesheets
        from reviewer.tui.widgets.review_panel import ReviewPanel

        panel = self.panel
        if panel is not None and panel.document_id != doc_id:
            panel.remove()
            panel = None
        if panel is None:
            stylesheets.read_later(self.screen.app)
            panel = ReviewPanel(doc_id, self.session.document(doc_id).title, self.targets.get(doc_id, ""),
                                self.session.taxonomy, partial(self._can, doc_id), id="review")
            self.screen.mount(panel, after="#body")
            self.screen.call_after_refresh(self.refresh, doc_id, True)
            return
        self.refresh(doc_id, True)

    def refresh(self, doc_id: str, focus: bool = False) -> None:
        """After any change to ``doc_id`` (an undo included): the open queue shows what is left."""
        if doc_id not in self.queues:
            return   # never carried: no queue to show (and the panel's module stays unloaded)
        panel = self.panel
        if panel is None or panel.document_id != doc_id or not panel.is_attached:
            return
        pending = self.pending(doc_id)
        panel.show(pending, len(self.queues.get(doc_id, [])) - len(pending))
        if focus:
            panel.focus_list()

    def _frame(self, doc_id: str) -> PaneFrame | None:
        frames = [f for f in self.screen.frames if f.document.id == doc_id]
        pane = self.screen.pane
        return next((f for f in frames if f.pane is pane), frames[0] if frames else None)

    def _can(self, doc_id: str, kind: str, item: ReviewItem) -> bool | None:
        writable = not self.session.read_only and self.session.load_error(doc_id) is None
        if kind == "reattach":
            frame = self._frame(doc_id)
            return True if writable and frame is not None and frame.pane.selection_span is not None else None
        if kind == "orphan":
            return True if writable else None
        return True if item.start is not None else None

    def act(self, doc_id: str, action: ReviewAction) -> None:
        """What the queue asked for (``ReviewPanel.Requested``)."""
        frame = self._frame(doc_id)
        if action.kind == "close":
            panel = self.panel
            if panel is not None:
                panel.remove()
            if frame is not None:
                frame.pane.focus()
            return
        if action.kind == "pane":
            if frame is not None:
                frame.pane.focus()
            return
        item = next((i for i in self.pending(doc_id) if i.annotation_id == action.annotation_id), None)
        if item is None:
            return
        before = self.session.annotation(doc_id, item.annotation_id)
        if action.kind == "jump":
            if frame is not None and before is not None:
                self.screen.deck.activate(frame)
                frame.pane.go_to_offset(before.start)
            return
        if action.kind == "accept":
            self.done.setdefault(doc_id, {})[item.annotation_id] = None
            self.screen.notify(visible(f"Accepted the new place of {item.annotation_id}"), markup=False)
            self.refresh(doc_id)
            return
        span = frame.pane.selection_span if frame is not None else None
        if action.kind == "orphan":
            outcome: Any = self.session.orphan(doc_id, item.annotation_id)
        elif span is not None and frame is not None:
            outcome = self.session.reattach(doc_id, item.annotation_id, span[0], span[1])
            if outcome.error is None:
                frame.pane.clear_selection()
        else:
            return
        if outcome.error is None:
            self.done.setdefault(doc_id, {})[item.annotation_id] = before
        self.screen.report(outcome, quiet=False)   # refreshes the document, and so this queue


__all__ = ["VersionsController", "CarryDone"]
