"""CategoryChooser: pick one or several categories of the taxonomy (space ticks, enter confirms).

Used by the concordance (which categories to list, which to set, add or remove) and by the
adjudication view (the categories of an edited decision). Returns the chosen slugs in taxonomy
order, or None on escape.
"""

from __future__ import annotations

from typing import Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, SelectionList

from reviewer.tui.widgets.key_footer import KeyFooter
from reviewer.safetext import one_line
from reviewer.taxonomy import Taxonomy


class CategoryChooser(ModalScreen[list[str] | None]):
    """``single``: enter takes the highlighted category alone (set/add/remove one category)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="categories.cancel", tooltip="Close without choosing"),
        Binding("enter", "confirm", "Choose", priority=True, id="categories.confirm",
                tooltip="Take the ticked categories (or the highlighted one)"),
    ]

    def __init__(self, taxonomy: Taxonomy, title: str, chosen: Iterable[str] = (), *, single: bool = False,
                 extra: Iterable[str] = ()) -> None:
        super().__init__()
        self.taxonomy = taxonomy
        self.title_text = title
        self.chosen = set(chosen)
        self.single = single
        self.slugs = list(dict.fromkeys([*taxonomy.slugs, *extra]))

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog category-chooser") as dialog:
            dialog.border_title = Content(one_line(self.title_text, 70))
            hint = "enter: take the highlighted category" if self.single else \
                "space: tick or untick \u00b7 enter: take the ticked ones (none ticked: the highlighted one)"
            yield Label(Content(hint), classes="dialog-status")
            yield SelectionList[str](*[(Content(one_line(f"{self._key(s)}{self.taxonomy.name(s)}  ({s})", 60)), s,
                                        s in self.chosen) for s in self.slugs], id="category-list")
        yield KeyFooter()

    def _key(self, slug: str) -> str:
        cat = self.taxonomy.get(slug)
        return f"{cat.key} " if cat is not None and cat.key else "  "

    def on_mount(self) -> None:
        self.set_focus(self.query_one(SelectionList))

    def action_confirm(self) -> None:
        lst = self.query_one(SelectionList)
        ticked = [s for s in self.slugs if s in set(lst.selected)]
        if self.single or not ticked:
            index = lst.highlighted
            if index is None:
                return
            ticked = [lst.get_option_at_index(index).value]
        self.dismiss(ticked)

    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = ["CategoryChooser"]
