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
    from reviewer.tui.screens.review_queue import ReviewAction, ReviewItem
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
        from reviewer.tui.screens.review_queue import CLAUSE_CHANGED, ReviewItem
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
        self.targets[new.id] = new.version
        summary = "" if result is None else ", ".join(f"{n} {k}" for k, n in result.summary().items() if n)
        self.screen.notify(visible(f"{new.id} is now at {new.version}" + (f": {summary}" if summary else "")),
                           markup=False)
        self.review(new.id)

    # -- the review queue --------------------------------------------------------------------------
    def has_queue(self, doc_id: str) -> bool:
        return doc_id in self.queues

    def review(self, doc_id: str) -> None:
        from reviewer.tui.screens.review_queue import ReviewQueueScreen

        pane = self.screen.pane
        span = pane.selection_span if pane is not None and pane.document.id == doc_id else None
        screen = ReviewQueueScreen(self.session.document(doc_id).title, self.targets.get(doc_id, ""),
                                   self.queues.get(doc_id, []), self.session.taxonomy,
                                   can_reattach=span is not None and not self.session.read_only,
                                   can_edit=not self.session.read_only)
        self.screen.app.push_screen(screen, partial(self._reviewed, doc_id, span))

    def _reviewed(self, doc_id: str, span: tuple[int, int] | None, action: ReviewAction | None) -> None:
        if action is None:
            return
        queue = self.queues.get(doc_id, [])
        item = next((i for i in queue if i.annotation_id == action.annotation_id), None)
        if item is None:
            return
        if action.kind == "jump":
            frame = next((f for f in self.screen.frames if f.document.id == doc_id), None)
            ann = self.session.annotation(doc_id, item.annotation_id)
            if frame is not None and ann is not None:
                frame.pane.go_to_offset(ann.start)
                frame.pane.focus()
            return
        if action.kind in ("reattach", "orphan"):
            if action.kind == "orphan":
                outcome: Any = self.session.orphan(doc_id, item.annotation_id)
            elif span is not None:
                outcome = self.session.reattach(doc_id, item.annotation_id, span[0], span[1])
            else:
                return
            self.screen.report(outcome, quiet=False)
            if outcome.error is not None:
                return
        queue.remove(item)
        if action.kind == "accept":
            self.screen.notify(visible(f"Accepted the new place of {item.annotation_id}"), markup=False)
        if queue:
            self.review(doc_id)


__all__ = ["VersionsController", "CarryDone"]
