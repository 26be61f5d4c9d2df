"""The help screen: every key the caller has, grouped, scrollable, filtered as you type.

The caller builds the rows from its live bindings (``screen.active_bindings`` or its BINDINGS
after the keymap), so the help never drifts from the real keys. Rows are shown as plain text.
"""

from __future__ import annotations

from typing import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from reviewer.tui.widgets.key_footer import KeyFooter
from reviewer.safetext import one_line
from reviewer.tui.screens.document_picker import rank

KEY_WIDTH = 24


class HelpScreen(ModalScreen[None]):
    """Shows (keys, description, group) rows; escape closes."""

    BINDINGS = [
        Binding("escape", "close", "Close", tooltip="Close the help", id="help.close"),
        Binding("down", "scroll(1)", "Scroll down", show=False, tooltip="Scroll one line down",
                id="help.down"),
        Binding("up", "scroll(-1)", "Scroll up", show=False, tooltip="Scroll one line up",
                id="help.up"),
        Binding("pagedown", "page(1)", "Page down", show=False, tooltip="Scroll a page down",
                id="help.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, tooltip="Scroll a page up",
                id="help.page_up"),
        # priority: the filter box would take them to move its cursor (its text is a word or two)
        Binding("end", "ends(1)", "Bottom", show=False, priority=True, tooltip="Scroll to the last key",
                id="help.bottom"),
        Binding("home", "ends(-1)", "Top", show=False, priority=True, tooltip="Scroll to the first key",
                id="help.top"),
    ]

    def __init__(self, bindings: Sequence[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = [(str(keys), str(description), str(group or "General"))
                     for keys, description, group in bindings]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog") as dialog:
            dialog.border_title = Content("Keys")
            yield Input(placeholder="Type to filter keys", id="filter", compact=True)
            with VerticalScroll(id="help-body"):
                yield Static(id="help-table", expand=True)
            yield Label(id="count", classes="dialog-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#help-body", VerticalScroll).can_focus = False
        self._refilter("")
        self.query_one("#filter", Input).focus()

    def render_rows(self, query: str) -> tuple[Content, int]:
        """The table for ``query``: group headings in first-seen order, then aligned rows."""
        keep = set(rank(query, [(d, k, g) for k, d, g in self.rows], weights=(1.0, 0.9, 0.8)))
        width = min(KEY_WIDTH, max((len(one_line(k)) for k, _, _ in self.rows), default=4))
        groups: dict[str, list[tuple[str, str]]] = {}
        for n, (keys, description, group) in enumerate(self.rows):
            if n in keep:
                groups.setdefault(group, []).append((keys, description))
        parts: list[Content] = []
        for group, rows in groups.items():
            if parts:
                parts.append(Content("\n"))
            parts.append(Content.styled(one_line(group), "bold $text-accent"))
            for keys, description in rows:
                shown = one_line(keys, width)
                parts.append(Content.assemble(
                    "\n  ", (shown.ljust(width), "bold $text-primary"), "  ", one_line(description)))
        if not parts:
            parts.append(Content.styled("No key matches the filter.", "$foreground-muted"))
        return Content.assemble(*parts), len(keep)

    def _refilter(self, query: str) -> None:
        table, count = self.render_rows(query)
        self.query_one("#help-table", Static).update(table)
        self.query_one("#help-body", VerticalScroll).scroll_home(animate=False)
        self.query_one("#count", Label).update(Content(f"{count} of {len(self.rows)} keys"))

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._refilter(event.value)

    def action_scroll(self, step: int) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        body.scroll_relative(y=step, animate=False)

    def action_page(self, step: int) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        body.scroll_page_down(animate=False) if step > 0 else body.scroll_page_up(animate=False)

    def action_ends(self, step: int) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        body.scroll_end(animate=False, immediate=True) if step > 0 else body.scroll_home(animate=False, immediate=True)

    def action_close(self) -> None:
        self.dismiss(None)
