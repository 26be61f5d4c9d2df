"""ReviewPanel: what needs a person after a carry, in a panel under the panes (the pane stays in
view): annotations placed approximately (fuzzy), those orphaned, and those placed verbatim in a
clause that was reworded around them.

``enter`` shows the highlighted one in the pane (the panel keeps the keys), ``a`` accepts its new
place, ``r`` re-attaches it to the pane's current selection (``tab`` goes to the pane to select,
``R`` comes back), ``o`` orphans it (its new place is wrong: it stays in the file as an orphan, with
the version it was last placed in), ``escape`` closes. The panel never writes: it posts
``ReviewPanel.Requested`` and the workspace's versions controller applies it (re-attaching and
orphaning go through the session: written at once, undoable, and an undo puts the item back).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Literal, Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from reviewer.safetext import one_line
from reviewer.taxonomy import Taxonomy

QUOTE_LIMIT = 200
CLAUSE_CHANGED = "clause changed"  # placed verbatim, but the clause around it was reworded

Kind = Literal["jump", "accept", "reattach", "orphan", "pane", "close"]


@dataclass(frozen=True)
class ReviewItem:
    """One annotation to look at: its fate in the carry and where it is now (None: orphaned)."""
    annotation_id: str
    status: str
    score: float
    quote: str
    categories: tuple[str, ...]
    start: int | None
    last_version: str


@dataclass(frozen=True)
class ReviewAction:
    kind: Kind
    annotation_id: str


class ReviewPanel(Vertical):
    """One document's review queue; ``can(kind, item)`` says whether an action applies now (True, or
    None: shown greyed), asked again whenever the footer is drawn."""

    BINDINGS = [
        Binding("escape", "act('close')", "Close", tooltip="Close the review queue", id="review.close"),
        Binding("enter", "act('jump')", "Show", tooltip="Show the highlighted annotation in the pane",
                id="review.jump"),
        Binding("a", "act('accept')", "Accept", tooltip="Accept its new place and take it off the queue",
                id="review.accept"),
        Binding("r", "act('reattach')", "Re-attach",
                tooltip="Attach it to the pane's current selection (tab: select in the pane; R: back here)",
                id="review.reattach"),
        Binding("o", "act('orphan')", "Orphan",
                tooltip="Its new place is wrong: keep it in the file as an orphan, placed nowhere (u undoes it)",
                id="review.orphan"),
        Binding("tab", "act('pane')", "To the pane",
                tooltip="Focus the pane (to select text for r); R comes back here", id="review.pane"),
    ]

    @dataclass
    class Requested(Message):
        panel: "ReviewPanel"
        action: ReviewAction

        @property
        def control(self) -> "ReviewPanel":
            return self.panel

    def __init__(self, document_id: str, title: str, target: str, taxonomy: Taxonomy,
                 can: Callable[[str, ReviewItem], bool | None], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.document_id = document_id
        self.document_title = title
        self.target = target
        self.taxonomy = taxonomy
        self.can = can
        self.items: list[ReviewItem] = []
        self.heading = Label(classes="review-title")
        self.list = OptionList(id="review-list", compact=True)

    def compose(self) -> ComposeResult:
        yield self.heading
        yield self.list

    def show(self, items: Sequence[ReviewItem], reviewed: int) -> None:
        """The items still to review (``reviewed``: how many of the carry's were dealt with)."""
        keep = self.highlighted
        self.items = list(items)
        self.list.clear_options()
        self.list.add_options(Option(self._prompt(i), id=f"r{n}") for n, i in enumerate(self.items))
        if self.items:
            ids = [i.annotation_id for i in self.items]
            self.list.highlighted = ids.index(keep.annotation_id) if keep and keep.annotation_id in ids else 0
        self.heading.update(self._explanation(reviewed))
        self.screen.refresh_bindings()

    def _explanation(self, reviewed: int) -> Content:
        head = Content.assemble("To review in ", (one_line(self.document_title, 50), "italic"),
                                f" ({len(self.items)}): ")
        if not self.items and not reviewed:
            return head + Content(f"nothing; every annotation followed the policy to {self.target} exactly.")
        if not self.items:
            return head + Content(f"all {reviewed} reviewed (u undoes an orphan or a re-attach and brings it back).")
        return head + Content(f"carried to {self.target}. enter shows one in the pane; a accepts its new place; "
                              "r re-attaches it to the pane's selection (tab to select, R back); o orphans it.")

    def _prompt(self, item: ReviewItem) -> Content:
        where = (f"now at {item.start}" if item.start is not None
                 else f"orphaned; last placed in {item.last_version}")
        names = ", ".join(self.taxonomy.name(s) for s in item.categories) or "no category"
        fate = item.status + (f" {item.score}" if item.status == "fuzzy" else "")
        colour = {"orphaned": "$error", CLAUSE_CHANGED: "$accent"}.get(item.status, "$warning")
        return Content.assemble((fate, colour), "  ",
                                (one_line(names, 60), "bold"), "  ", (where, "$foreground-muted"), "\n  ",
                                ("\u201c" + one_line(item.quote, QUOTE_LIMIT) + "\u201d", "italic"))

    def focus_list(self) -> None:
        self.list.focus()

    @property
    def highlighted(self) -> ReviewItem | None:
        index = self.list.highlighted
        return self.items[index] if index is not None and 0 <= index < len(self.items) else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action != "act" or not parameters or parameters[0] in ("close", "pane"):
            return True
        item = self.highlighted
        return None if item is None else self.can(str(parameters[0]), item)

    @on(OptionList.OptionHighlighted, "#review-list")
    def _moved(self, event: OptionList.OptionHighlighted) -> None:
        self.screen.refresh_bindings()   # what applies depends on the highlighted item

    @on(OptionList.OptionSelected, "#review-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_act("jump")

    def action_act(self, kind: Kind) -> None:
        item = self.highlighted
        if kind not in ("close", "pane") and (item is None or self.check_action("act", (kind,)) is not True):
            return
        self.post_message(self.Requested(self, ReviewAction(kind, item.annotation_id if item else "")))


__all__ = ["CLAUSE_CHANGED", "ReviewAction", "ReviewItem", "ReviewPanel"]
