"""PaneDeck: the policy panes side by side (one to four), which one is active, and where a
document is shown.

The deck opens, shows, reveals and closes panes; it never reads the session. Whoever builds it
passes ``prepare``, called with a frame whenever it starts showing a document (the screen sets
the pane's annotations there), and hears ``ActiveChanged`` when another pane becomes active.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from textual.containers import Horizontal
from textual.message import Message

from reviewer.documents import Document
from reviewer.safetext import one_line
from reviewer.taxonomy import Taxonomy
from reviewer.tui.widgets.pane_frame import PaneFrame
from reviewer.tui.widgets.policy_pane import PolicyPane

MAX_PANES = 4


class PaneDeck(Horizontal):
    """At most ``MAX_PANES`` PaneFrames, one of them active."""

    @dataclass
    class ActiveChanged(Message):
        """``frame`` is now the active pane."""

        deck: "PaneDeck"
        frame: PaneFrame

        @property
        def control(self) -> "PaneDeck":
            return self.deck

    def __init__(self, documents: Sequence[Document], taxonomy: Taxonomy,
                 prepare: Callable[[PaneFrame], None], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.taxonomy = taxonomy
        self._prepare = prepare
        self._made = 0
        self._initial = list(documents[:MAX_PANES])   # framed when composed (a pane segments its text)
        self._active: PaneFrame | None = None

    def compose(self):
        yield from (self._new_frame(d) for d in self._initial)

    def on_mount(self) -> None:
        for frame in self.frames:
            self._prepare(frame)
        if self.frames:
            self.activate(self.frames[0])
            self.frames[0].pane.focus()

    def _new_frame(self, document: Document) -> PaneFrame:
        self._made += 1
        return PaneFrame(document, self.taxonomy, id=f"frame-{self._made}")

    # -- what is there ------------------------------------------------------------------------
    @property
    def frames(self) -> list[PaneFrame]:
        return list(self.query_children(PaneFrame))

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

    @property
    def full(self) -> bool:
        return len(self.frames) >= MAX_PANES

    def showing(self, doc_id: str) -> list[PaneFrame]:
        return [f for f in self.frames if f.document.id == doc_id]

    def document_ids(self) -> list[str]:
        """The documents on screen, each once, left to right."""
        return list(dict.fromkeys(f.document.id for f in self.frames))

    # -- changes --------------------------------------------------------------------------------
    def activate(self, frame: PaneFrame) -> None:
        for other in self.frames:
            other.set_class(other is frame, "-active")
        self._active = frame
        self.post_message(self.ActiveChanged(self, frame))

    def focus_step(self, delta: int) -> None:
        frames = self.frames
        if frames:
            index = frames.index(self.active) if self.active in frames else 0
            frames[(index + delta) % len(frames)].pane.focus()

    def number(self, frame: PaneFrame) -> int:
        """``frame``'s place from the left, counting from 1 (as the analyst sees it)."""
        frames = self.frames
        return frames.index(frame) + 1 if frame in frames else 0

    def show(self, frame: PaneFrame, document: Document, *, twin: bool = False) -> PaneFrame:
        """Show ``document`` in ``frame`` (cursor to the top) and return the pane showing it.

        A document already shown in another pane is not shown twice unless ``twin`` is asked: that
        pane is activated instead. Replacing another document says so, and the old document's
        status message goes with it."""
        if frame.document.id == document.id and frame.document is document:
            return frame
        if not twin:
            other = next((f for f in self.frames if f is not frame and f.document.id == document.id), None)
            if other is not None:
                self.app.notify(f"{one_line(document.id, 80)} is already in pane {self.number(other)}",
                                timeout=4, markup=False)
                self.activate(other)
                return other
        old = frame.document.id
        frame.pane.set_document(document)
        frame.status.clear_message()
        frame.update_title()
        self._prepare(frame)
        if old != document.id:
            self.app.notify(f"Pane {self.number(frame)}: {one_line(document.id, 80)} replaces {one_line(old, 80)}",
                            timeout=4, markup=False)
        return frame

    def renew(self, document: Document) -> None:
        """``document`` replaces an older copy of itself (its file changed on disk): each pane
        showing it shows the new text, its caret kept at the same offset where the text allows."""
        for frame in self.frames:
            if frame.document.id == document.id and frame.document is not document:
                caret = frame.pane.model.caret
                frame.pane.set_document(document)
                frame.pane.place_caret(min(caret, max(0, len(document.text) - 1)))
                frame.update_title()
                self._prepare(frame)

    def open(self, document: Document, *, focus: bool = True) -> PaneFrame:
        """A new pane beside the active one (the caller checks ``full``)."""
        frame = self._new_frame(document)
        if self.active is not None and self.active.is_attached:
            self.mount(frame, after=self.active)
        else:
            self.mount(frame)
        self.call_after_refresh(self._opened, frame, focus)
        return frame

    def _opened(self, frame: PaneFrame, focus: bool) -> None:
        self._prepare(frame)
        if focus:
            self.activate(frame)
            frame.pane.focus()

    def reveal(self, documents: Sequence[Document], *, into_active: bool = False) -> list[PaneFrame]:
        """A pane for each document, in order: one already showing it, else a new one while there
        is room, else another pane switched to it: the active one with ``into_active``, else one
        that is not active, when there is one."""
        used: list[PaneFrame] = []
        count = len(self.frames)
        for document in list(documents)[:MAX_PANES]:
            frame = next((f for f in self.frames if f.document.id == document.id and f not in used), None)
            if frame is None and count < MAX_PANES:
                frame = self.open(document, focus=False)
                count += 1
            elif frame is None:
                free = [f for f in self.frames if f not in used]
                spare = ([f for f in free if f is self.active] if into_active else []) \
                    or [f for f in free if f is not self.active] or free
                if not spare:
                    break
                frame = spare[0]
                self.show(frame, document)
            used.append(frame)
        return used

    def close(self, frame: PaneFrame) -> None:
        """Close ``frame``; its neighbour becomes active (the last pane stays)."""
        frames = self.frames
        if len(frames) <= 1 or frame not in frames:
            return
        index = frames.index(frame)
        neighbour = frames[index - 1] if index > 0 else frames[1]
        frame.remove()
        self._active = None
        self.activate(neighbour)
        neighbour.pane.focus()
