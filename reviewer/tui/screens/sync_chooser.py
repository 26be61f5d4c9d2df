"""SyncChooser: the second key of ``c`` (category sync across panes).

A one-line bar at the bottom: a category key (1..0) chooses that category, ``c`` or ``enter``
repeats the last one (every pane walks on to its next clause of it), ``/`` or ``t`` opens the fuzzy
TagPicker (the first ticked category is taken), ``a`` drops the category filter of ``]``/``[``,
escape cancels. Returns a slug, ``PICK``, ``ALL`` or None.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from reviewer.safetext import one_line
from reviewer.taxonomy import Taxonomy

PICK = "\x00pick"   # the result asking for the fuzzy picker (never a category slug)
ALL = "\x00all"     # the result asking to drop the panes' category filter (] and [ walk every annotation)
DIGITS = "1234567890"


class SyncChooser(ModalScreen[str | None]):
    """Which category should every pane jump to? Returns a slug, PICK, or None."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="sync.cancel", tooltip="Do not move the panes"),
        Binding("c,enter", "again", "Same again", id="sync.again",
                tooltip="Every pane walks on to its next clause of the last category"),
        Binding("slash,t", "pick", "Pick", id="sync.pick", tooltip="Choose the category by name (fuzzy)"),
        Binding("a", "all", "All", id="sync.all", tooltip="] and [ walk every annotation again, in every pane"),
        *(Binding(k, f"choose('{k}')", f"Category {k}", show=False, id=f"sync.key_{k}",
                  tooltip=f"Every pane jumps to its next clause of the category with key {k}") for k in DIGITS),
    ]

    def __init__(self, taxonomy: Taxonomy, last: str | None = None) -> None:
        super().__init__()
        self.taxonomy = taxonomy
        self.last = last

    def compose(self) -> ComposeResult:
        parts = [Content.styled("Sync panes to: ", "bold")]
        for category in self.taxonomy:
            if category.key:
                parts.append(Content.assemble((category.key, "bold $accent"), " ",
                                              one_line(category.name, 24), "  "))
        if self.last:
            last = one_line(self.taxonomy.name(self.last), 24)
            parts.append(Content.assemble(("c", "bold $accent"), f" {last} again  "))
        parts.append(Content.assemble(("/", "bold $accent"), " by name  ", ("a", "bold $accent"), " all  ",
                                      ("esc", "bold $accent"), " cancel"))
        yield Static(Content("").join(parts), id="sync-bar")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "again":
            return True if self.last else None
        return True

    def action_choose(self, key: str) -> None:
        category = self.taxonomy.by_key(key)
        if category is not None:
            self.dismiss(category.slug)

    def action_again(self) -> None:
        if self.last:
            self.dismiss(self.last)

    def action_pick(self) -> None:
        self.dismiss(PICK)

    def action_all(self) -> None:
        self.dismiss(ALL)
