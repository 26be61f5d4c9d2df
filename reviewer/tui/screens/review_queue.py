"""What needs a person after a carry: annotations placed approximately (fuzzy), those orphaned, and
those placed verbatim in a clause that was reworded around them.

``enter`` jumps to the highlighted one in the pane, ``a`` accepts its new place, ``r``
re-attaches it to the pane's current selection, ``o`` orphans it (its new place is wrong: it stays
in the file as an orphan, with the version it was last placed in), ``escape`` closes. The screen
returns a :class:`ReviewAction`; the caller applies it (re-attaching and orphaning go through the
session: written at once, undoable).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from reviewer.tui.widgets.key_footer import KeyFooter
from reviewer.safetext import one_line
from reviewer.taxonomy import Taxonomy

QUOTE_LIMIT = 200
CLAUSE_CHANGED = "clause changed"  # placed verbatim, but the clause around it was reworded


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
    kind: Literal["jump", "accept", "reattach", "orphan"]
    annotation_id: str


class ReviewQueueScreen(ModalScreen[ReviewAction | None]):
    BINDINGS = [
        Binding("escape", "close", "Close", tooltip="Close the queue", id="review.close"),
        Binding("enter", "act('jump')", "Jump", tooltip="Show the highlighted annotation in the pane",
                id="review.jump"),
        Binding("a", "act('accept')", "Accept", tooltip="Accept its new place and take it off the queue",
                id="review.accept"),
        Binding("r", "act('reattach')", "Re-attach", tooltip="Attach it to the pane's current selection",
                id="review.reattach"),
        Binding("o", "act('orphan')", "Orphan",
                tooltip="Its new place is wrong: keep it in the file as an orphan, placed nowhere (undoable)",
                id="review.orphan"),
    ]

    def __init__(self, title: str, target: str, items: Sequence[ReviewItem], taxonomy: Taxonomy,
                 can_reattach: bool, can_edit: bool = True) -> None:
        super().__init__()
        self.document_title = title
        self.target = target
        self.items = list(items)
        self.taxonomy = taxonomy
        self.can_reattach = can_reattach
        self.can_edit = can_edit

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog") as dialog:
            dialog.border_title = Content.assemble("To review in ", (one_line(self.document_title, 50), "italic"),
                                                   f" ({len(self.items)})")
            yield Label(self._explanation(), id="explanation", classes="dialog-status")
            yield OptionList(*[Option(self._prompt(i), id=f"r{n}") for n, i in enumerate(self.items)],
                             id="queue", compact=True)
        yield KeyFooter()

    def _explanation(self) -> Content:
        if not self.items:
            return Content(f"Nothing to review: every annotation followed the policy to {self.target} exactly.")
        return Content(f"Carried to {self.target}. enter shows one in the pane; a accepts its new place; "
                       "r re-attaches it to the current selection; o orphans it (both undoable).")

    def _prompt(self, item: ReviewItem) -> Content:
        where = (f"now at {item.start}" if item.start is not None
                 else f"orphaned; last placed in {item.last_version}")
        names = ", ".join(self.taxonomy.name(s) for s in item.categories) or "no category"
        fate = item.status + (f" {item.score}" if item.status == "fuzzy" else "")
        colour = {"orphaned": "$error", CLAUSE_CHANGED: "$accent"}.get(item.status, "$warning")
        return Content.assemble((fate, colour), "  ",
                                (one_line(names, 60), "bold"), "  ", (where, "$foreground-muted"), "\n  ",
                                ("\u201c" + one_line(item.quote, QUOTE_LIMIT) + "\u201d", "italic"))

    def on_mount(self) -> None:
        options = self.query_one("#queue", OptionList)
        if self.items:
            options.highlighted = 0
            options.focus()

    @property
    def highlighted(self) -> ReviewItem | None:
        option = self.query_one("#queue", OptionList).highlighted_option
        return self.items[int(option.id[1:])] if option is not None and option.id else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "act":
            item = self.highlighted
            if item is None:
                return None
            if parameters and parameters[0] == "reattach":
                return True if self.can_reattach else None
            if parameters and parameters[0] == "orphan":
                return True if self.can_edit else None
            if parameters and parameters[0] in ("jump", "accept"):
                return True if item.start is not None else None
        return True

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_act("jump")

    def action_act(self, kind: str) -> None:
        item = self.highlighted
        if item is None or self.check_action("act", (kind,)) is None:
            return
        self.dismiss(ReviewAction(kind, item.annotation_id))  # type: ignore[arg-type]  # one of the four kinds

    def action_close(self) -> None:
        self.dismiss(None)
