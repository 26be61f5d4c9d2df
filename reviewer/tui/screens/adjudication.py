"""AdjudicationScreen: decide, one by one, what two analysts disagree on; each decision goes to gold.

Left, the queue of open disagreements, worst first (``reviewer.adjudication``: missing annotations,
then category differences, then boundary differences). Right, the document around the highlighted
one twice, A's layer above and B's below: the disputed span in that side's colour, the side's other
annotations nearby underlined, so each layer reads as that analyst tagged the passage. Each layer
is scrolled so the disputed text starts a few lines from its top, whatever the terminal's size.
Keys: ``a`` take A, ``b`` take B, ``t`` take both, ``n`` take neither, ``e`` edit (choose the
categories for the span both cover, then its note: both analysts' notes merged, ready to change).
Each decision is written to gold at once (``reviewer.gold``, all or nothing, under gold's write
guard) with ``provenance`` a, b, both or edited ("neither" is recorded in gold's set.toml); ``u``
undoes the last one. The line at the top is the live agreement:
what A and B agreed on plus what was decided, of everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reviewer import gold
from reviewer.adjudication import (Comparison, Disagreement, Progress, gold_annotation, is_decided, merged_note,
                                   near, side_labels)
from reviewer.documents import Document
from reviewer.errors import ReviewerError
from reviewer.safetext import one_line, visible
from reviewer.store import Annotation
from reviewer.taxonomy import Taxonomy
from reviewer.tui.screens.category_chooser import CategoryChooser
from reviewer.tui.screens.note_editor import NoteEditor
from reviewer.tui.widgets.key_footer import KeyFooter

CONTEXT = 800  # characters shown either side of the disagreement
LEAD = 3       # lines of context kept in view above the disputed span
LABELS = {"only_a": "only A", "only_b": "only B", "category": "category", "span": "boundary"}


@dataclass(frozen=True)
class Decision:
    disagreement: Disagreement
    change: gold.Change
    provenance: str


class Queue(OptionList):
    """The queue of disagreements: up at the first row and down at the last stay there (Textual's
    OptionList wraps round, so ``home up a`` would decide the last row). Its title is the position."""

    def action_cursor_up(self) -> None:
        if self.highlighted is None or self.highlighted > 0:
            super().action_cursor_up()

    def action_cursor_down(self) -> None:
        if self.highlighted is None or self.highlighted < self.option_count - 1:
            super().action_cursor_down()


class Layer(VerticalScroll, can_focus=False):
    """One side's layer: the excerpt, scrolled so the disputed span starts ``LEAD`` lines from the
    top (the context above it a scroll away), at any size; re-scrolled when the pane is resized."""

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, classes="adj-layer")
        self.before = Content("")   # the excerpt up to the disputed span

    def compose(self) -> ComposeResult:
        yield Static(Content(""), classes="adj-text")

    def show(self, content: Content, before: Content | None = None) -> None:
        """Show ``content``; ``before``: its part above the disputed span (None: from the top)."""
        self.before = before or Content("")
        self.query_one(Static).update(content)
        self.call_after_refresh(self.keep_in_view)

    def keep_in_view(self) -> None:
        width = self.query_one(Static).content_region.width
        if width <= 0:
            return
        line = len(self.before.wrap(width)) - 1 if self.before else 0
        self.scroll_to(y=max(0, line - LEAD), animate=False)

    def on_resize(self) -> None:
        self.call_after_refresh(self.keep_in_view)


class AdjudicationScreen(Screen[None]):
    """The queue of disagreements and the two layers of the highlighted one."""

    CSS_PATH = str(Path(__file__).parent.parent / "styles" / "team.tcss")

    BINDINGS = [
        Binding("escape", "close", "Close", id="adjudicate.close", tooltip="Back (every decision is already in gold)"),
        Binding("a", "decide('a')", "Take A", id="adjudicate.take_a", tooltip="Gold takes A's annotation"),
        Binding("b", "decide('b')", "Take B", id="adjudicate.take_b", tooltip="Gold takes B's annotation"),
        Binding("t", "decide('both')", "Both", id="adjudicate.both",
                tooltip="Gold takes both (one annotation with both's categories when the spans agree)"),
        Binding("n", "decide('neither')", "Neither", id="adjudicate.neither", tooltip="Gold takes nothing here"),
        Binding("e", "edit", "Edit", id="adjudicate.edit",
                tooltip="Choose the categories for the span both cover, then its note (both analysts' notes)"),
        Binding("u,ctrl+z", "undo", "Undo", id="adjudicate.undo", tooltip="Undo the last decision (in gold too)"),
    ]

    def __init__(self, documents: Mapping[str, Document], comparison: Comparison, state: gold.GoldState,
                 gold_root: Path | str, taxonomy: Taxonomy, *, names: tuple[str, str] = ("A", "B"),
                 template: Path | str | None = None,
                 layers: Mapping[str, tuple[Sequence[Annotation], Sequence[Annotation]]] | None = None) -> None:
        super().__init__()
        self.documents = dict(documents)
        self.comparison = comparison
        self.gold_root = Path(gold_root)
        self.taxonomy = taxonomy
        self.names = names
        self.template = template
        self.annotations_by_side = dict(layers or {})   # document -> (A's annotations, B's annotations)
        self.all: list[Disagreement] = list(comparison.disagreements)
        self.decided: set[tuple[str, str, str]] = {
            d.key for d in self.all if is_decided(d, state.annotations.get(d.document, ()), state.neither)}
        self.ids: dict[str, set[str]] = {doc: {a.id for a in anns} for doc, anns in state.annotations.items()}
        self.history: list[Decision] = []
        self.queue: list[Disagreement] = []

    # -- layout ----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(Content(""), id="adj-progress")
        with Horizontal(id="adj-body"):
            yield Queue(id="adj-queue")
            with Vertical(id="adj-layers"):
                yield Layer(id="adj-a")
                yield Layer(id="adj-b")
        yield Static(Content(""), id="adj-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._fill()
        self.set_focus(self.query_one("#adj-queue", Queue))

    @property
    def progress(self) -> Progress:
        return Progress(len(self.comparison.agreed), len(self.decided), len(self.queue))

    def _fill(self, keep: int = 0) -> None:
        self.queue = [d for d in self.all if d.key not in self.decided]
        queue = self.query_one("#adj-queue", Queue)
        queue.clear_options()
        queue.add_options([self._option(d) for d in self.queue])
        if self.queue:
            queue.highlighted = max(0, min(keep, len(self.queue) - 1))
        self._progress()
        self._show()

    def _option(self, d: Disagreement) -> Option:
        return Option(Content(one_line(f"{LABELS[d.kind]:<8} {d.document} {d.start}-{d.end}", 60)))

    def _progress(self) -> None:
        p = self.progress
        share = "—" if p.agreement is None else f"{p.agreement:.0%}"
        text = (f"Adjudication into {self.gold_root.name} \u00b7 A = {self.names[0]}, B = {self.names[1]} \u00b7 "
                f"agreed {p.agreed} \u00b7 decided {p.decided} \u00b7 left {p.open} \u00b7 settled {share}")
        self.query_one("#adj-progress", Static).update(Content(one_line(text, 300)))

    def current(self) -> Disagreement | None:
        index = self.query_one("#adj-queue", Queue).highlighted
        if index is None or not 0 <= index < len(self.queue):
            return None
        return self.queue[index]

    def _show(self) -> None:
        d = self.current()
        queue = self.query_one("#adj-queue", Queue)
        at = queue.highlighted
        queue.border_title = Content(f"{at + 1} of {len(self.queue)}" if d is not None and at is not None else "")
        for side, which in (("a", 0), ("b", 1)):
            widget = self.query_one(f"#adj-{side}", Layer)
            if d is None:
                widget.border_title = Content(self.names[which])
                widget.show(Content("Nothing left to decide." if not self.queue else ""))
                continue
            ann = d.a if side == "a" else d.b
            cats = ", ".join(self.taxonomy.name(c) for c in ann.categories) if ann else ""
            title = f"{side.upper()} ({self.names[which]}): " + (cats or "(no category)" if ann else "nothing here")
            widget.border_title = Content(one_line(title, 80))
            excerpt = self._excerpt(d, ann, side)
            widget.show(excerpt, excerpt[:self._lead_in(d)])

    def _lead_in(self, d: Disagreement) -> int:
        """Where the disputed span starts in ``_excerpt``'s content (the same in both layers)."""
        if d.document not in self.documents:
            return 0
        lo = max(0, d.start - CONTEXT)
        return d.start - lo + (1 if lo else 0)   # visible() keeps lengths; 1: the leading ellipsis

    def _excerpt(self, d: Disagreement, ann: Annotation | None, side: str) -> Content:
        doc = self.documents.get(d.document)
        if doc is None:
            return Content(one_line(f"{d.document} is not open"))
        text = doc.text
        lo, hi = max(0, d.start - CONTEXT), min(len(text), d.end + CONTEXT)
        content = Content(visible(text[lo:hi]))
        colour = "$primary" if side == "a" else "$warning"
        others = self.annotations_by_side.get(d.document, ((), ()))[0 if side == "a" else 1]
        for other in others:
            if other.end > lo and other.start < hi and (ann is None or other.id != ann.id):
                content = content.stylize(f"underline {colour}", max(0, other.start - lo), min(hi, other.end) - lo)
        if ann is not None:
            content = content.stylize(f"bold reverse {colour}", ann.start - lo, ann.end - lo)
        else:
            content = content.stylize("$text-muted")
        return Content("\u2026" if lo else "") + content + Content("\u2026" if hi < len(text) else "")

    @on(OptionList.OptionHighlighted, "#adj-queue")
    def _highlighted(self) -> None:
        self._show()

    def _status(self, text: str) -> None:
        self.query_one("#adj-status", Static).update(Content(one_line(text, 300)))

    # -- decisions -------------------------------------------------------------------------------
    def change_for(self, d: Disagreement, provenance: str, categories: Sequence[str] = (),
                   note: str | None = None) -> gold.Change | None:
        """The writes a decision means; None when it cannot apply here (take A where A has nothing).
        ``edited``: ``categories`` over the span both cover, with ``note`` (None: both sides' notes merged)."""
        taken = self.ids.setdefault(d.document, set())
        if provenance == "neither":
            return gold.Change(dismiss={d.key})
        if provenance in ("a", "b"):
            ann = d.a if provenance == "a" else d.b
            return gold.Change(add={d.document: [gold_annotation(ann, provenance, taken)]}) if ann else None
        if provenance == "both":
            sides = [x for x in (d.a, d.b) if x is not None]
            if len(sides) == 2 and near(sides[0], sides[1]):
                merged = tuple(dict.fromkeys((*sides[0].categories, *sides[1].categories)))
                return gold.Change(add={d.document: [gold_annotation(sides[0], "both", taken, categories=merged,
                                                                     note=self.merged_note(d))]})
            return gold.Change(add={d.document: [gold_annotation(x, "both", taken) for x in sides]})
        doc = self.documents[d.document]
        ann = Annotation.create(doc.text, d.start, d.end, categories,
                                note=self.merged_note(d) if note is None else note)
        return gold.Change(add={d.document: [gold_annotation(ann, "edited", taken)]})

    def merged_note(self, d: Disagreement) -> str:
        """A's and B's notes on ``d`` as one (``merged_note``, labelled by the sets' folder names)."""
        return merged_note(d.a.note if d.a else "", d.b.note if d.b else "",
                           side_labels(("", self.names[0]), ("", self.names[1])))

    def action_decide(self, provenance: str, categories: Sequence[str] = (), note: str | None = None) -> None:
        d = self.current()
        if d is None:
            return
        change = self.change_for(d, provenance, categories, note)
        if change is None:
            self._status(f"{'A' if provenance == 'a' else 'B'} has no annotation here: nothing to take.")
            return
        try:
            self._write(change, d.document)
        except (ReviewerError, OSError) as exc:
            self._status(f"Not written: {exc}")
            self.app.notify(one_line(str(exc), 200), title="Adjudication", severity="error", markup=False)
            return
        index = self.queue.index(d)
        self.history.append(Decision(d, change, provenance))
        self.decided.add(d.key)
        self._fill(index)
        self._status(f"{LABELS[d.kind]} in {d.document}: took {provenance}; written to {self.gold_root.name}")

    def _write(self, change: gold.Change, document: str) -> None:
        doc = self.documents.get(document)
        sources = {document: (doc.path.name, doc.sha256)} if doc is not None else {}
        gold.update(self.gold_root, change, sources, template=self.template,
                    versions={document: doc.version} if doc is not None and doc.version else None)

    def action_edit(self) -> None:
        d = self.current()
        if d is None:
            return
        have = [c for x in (d.a, d.b) if x is not None for c in x.categories]
        note = self.merged_note(d)

        def chosen(slugs: list[str] | None) -> None:
            if not slugs:
                return

            def written(text: str | None) -> None:
                # Discard leaves the note as it was: both analysts' notes, never nothing
                self.action_decide("edited", slugs, note if text is None else text)
            self.app.push_screen(NoteEditor(note, f"ctrl+s writes the gold note: {d.document} {d.start}-{d.end}"),
                                 written)
        self.app.push_screen(CategoryChooser(self.taxonomy, f"Categories for {d.document} {d.start}-{d.end}",
                                             have, extra=have), chosen)

    def action_undo(self) -> None:
        if not self.history:
            self._status("Nothing to undo.")
            return
        last = self.history[-1]
        try:
            self._write(last.change.inverse(), last.disagreement.document)
        except (ReviewerError, OSError) as exc:
            self._status(f"Not undone: {exc}")
            return
        self.history.pop()
        self.decided.discard(last.disagreement.key)
        queue = [d for d in self.all if d.key not in self.decided]
        self._fill(queue.index(last.disagreement))
        self._status(f"Undid: {last.provenance} in {last.disagreement.document}")

    def action_close(self) -> None:
        self.dismiss(None)


__all__ = ["AdjudicationScreen", "Decision"]
