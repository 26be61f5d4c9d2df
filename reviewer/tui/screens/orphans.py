"""Orphaned annotations of one document: what they quoted, their categories and note.

``r`` re-attaches the highlighted orphan to the pane's current selection (offered only when the
caller says there is one), ``x`` or ``delete`` deletes it, ``escape`` closes. The screen returns
an :class:`OrphanAction`; the caller applies it through the session (undoable).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from reviewer.tui.widgets.key_footer import KeyFooter
from reviewer.safetext import one_line
from reviewer.store import Annotation
from reviewer.taxonomy import Taxonomy
from reviewer.tui.themes import category_colour

QUOTE_LIMIT = 300
NOTE_LIMIT = 160


@dataclass(frozen=True)
class OrphanAction:
    kind: Literal["reattach", "delete"]
    annotation_id: str


class OrphansScreen(ModalScreen[OrphanAction | None]):
    """Returns what to do with one orphan, or None when closed."""

    BINDINGS = [
        Binding("escape", "close", "Close", tooltip="Close the list", id="orphans.close"),
        Binding("r", "reattach", "Re-attach",
                tooltip="Attach the highlighted orphan to the current selection",
                id="orphans.reattach"),
        Binding("x,delete", "delete", "Delete", tooltip="Delete the highlighted orphan (undoable)",
                id="orphans.delete"),
        Binding("j", "cursor(1)", "Next", show=False, tooltip="Highlight the next orphan",
                id="orphans.next"),
        Binding("k", "cursor(-1)", "Previous", show=False, tooltip="Highlight the previous orphan",
                id="orphans.previous"),
    ]

    def __init__(self, document_title: str, orphans: Sequence[Annotation], taxonomy: Taxonomy,
                 can_reattach: bool) -> None:
        super().__init__()
        self.document_title = document_title
        self.orphans = list(orphans)
        self.taxonomy = taxonomy
        self.can_reattach = can_reattach

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog") as dialog:
            dialog.border_title = Content.assemble(
                "Orphans in ", (one_line(self.document_title, 60), "italic"),
                f" ({len(self.orphans)})")
            yield Label(self._explanation(), id="explanation", classes="dialog-status")
            yield OptionList(id="orphans", compact=True)
        yield KeyFooter()

    def _explanation(self) -> Content:
        if not self.orphans:
            return Content("No orphaned annotations: every annotation matches the document text.")
        how = ("r re-attaches the highlighted one to the current selection; "
               if self.can_reattach else "Select text in the pane first to re-attach one here; ")
        return Content("These annotations no longer match the document text. " + how
                       + "x deletes it (undoable).")

    def on_mount(self) -> None:
        options = self.query_one("#orphans", OptionList)
        rows: list[Option | None] = []
        for n, annotation in enumerate(self.orphans):
            rows += [None] if n else []  # a separator line between orphans
            rows.append(self._option(n, annotation))
        options.set_options(rows)
        options.display = bool(self.orphans)
        if self.orphans:
            options.highlighted = 0
            options.focus()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._refresh_prompts())

    def on_unmount(self) -> None:
        # Signals hold subscribers until the next publish: let go now, or every dialog opened
        # stays in memory until the theme next changes.
        self.app.theme_changed_signal.unsubscribe(self)

    def _option(self, n: int, annotation: Annotation) -> Option:
        return Option(self._prompt(annotation), id=f"o{n}")

    def _prompt(self, annotation: Annotation) -> Content:
        parts: list[Content | str | tuple[str, str]] = [
            ("\u201c" + one_line(annotation.quote, QUOTE_LIMIT) + "\u201d", "italic"), "\n  ",
            (f"was at {annotation.start}\u2013{annotation.end}", "$foreground-muted"), "  "]
        for slug in annotation.categories or ():
            colour = category_colour(self, self.taxonomy, slug)
            on_colour = Color.parse(colour).get_contrast_text(1.0).hex6
            parts += [(f" {one_line(self.taxonomy.name(slug), 60)} ", f"{on_colour} on {colour}"), " "]
        if not annotation.categories:
            parts.append(("no category", "$foreground-muted"))
        if annotation.note:
            parts += [" ", ("note: " + one_line(annotation.note, NOTE_LIMIT), "$foreground-muted")]
        return Content.assemble(*parts)

    def _refresh_prompts(self) -> None:
        options = self.query_one("#orphans", OptionList)
        for n, annotation in enumerate(self.orphans):
            options.replace_option_prompt(f"o{n}", self._prompt(annotation))

    @property
    def highlighted(self) -> Annotation | None:
        option = self.query_one("#orphans", OptionList).highlighted_option
        return self.orphans[int(option.id[1:])] if option is not None and option.id else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reattach":
            # Shown greyed out when there is nothing to attach to, so the key stays discoverable.
            return True if self.can_reattach and self.orphans else None
        if action in ("delete", "cursor"):
            return bool(self.orphans)
        return True

    def action_reattach(self) -> None:
        if self.can_reattach and (orphan := self.highlighted) is not None:
            self.dismiss(OrphanAction("reattach", orphan.id))

    def action_delete(self) -> None:
        if (orphan := self.highlighted) is not None:
            self.dismiss(OrphanAction("delete", orphan.id))

    def action_cursor(self, step: int) -> None:
        options = self.query_one("#orphans", OptionList)
        options.action_cursor_down() if step > 0 else options.action_cursor_up()

    @on(OptionList.OptionSelected, "#orphans")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        """enter or a click on an orphan re-attaches it when that is possible."""
        if self.can_reattach:
            self.action_reattach()

    def action_close(self) -> None:
        self.dismiss(None)
