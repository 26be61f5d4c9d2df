"""Edit an annotation's note in a multi-line editor.

``ctrl+s`` or ``escape`` keep the text (the screen returns it, changed or not); the *Discard*
button (``tab`` to it, then ``enter``) returns None so the caller leaves the note as it was.
While typing, ``on_change`` gets the text a moment after each pause, so the caller can keep a
draft on disk; the editor itself writes nothing.
"""

from __future__ import annotations

from typing import Callable

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, TextArea

from reviewer.tui.widgets.key_footer import KeyFooter
from reviewer.safetext import editable, one_line, restore



class NoteArea(TextArea):
    """The note's TextArea: a paste lands as text, its control characters shown inert (the stand-ins
    ``editable()`` uses, one code point each; line ends made ``\n``), never as anything that acts."""

    async def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()   # TextArea's own handler would insert the raw characters
        if self.read_only:
            return
        text = event.text.replace("\r\n", "\n").replace("\r", "\n")
        if result := self.replace(editable(text), *self.selection):
            self.move_cursor(result.end_location)


class NoteEditor(ModalScreen[str | None]):
    """Returns the edited note (ctrl+s, escape, Keep), or None (Discard)."""

    BINDINGS = [
        Binding("ctrl+s", "keep", "Keep note", priority=True, tooltip="Close and keep the note",
                id="note.keep"),
        Binding("escape", "keep", "Keep note", show=False,
                tooltip="Close and keep the note (typing is never lost)",
                id="note.close"),
        Binding("ctrl+g", "discard", "Discard changes", priority=True,
                tooltip="Close and forget the changes made here", id="note.discard"),
    ]

    def __init__(self, note: str, title: str = "Note", on_change: Callable[[str], None] | None = None) -> None:
        """``on_change(text)``: called at each change, before the next key is read (the caller keeps
        a draft: what the editor shows is on disk, as a tag is)."""
        super().__init__()
        self.original = note
        self._on_change = on_change
        # Notes are the analyst's own text, but may hold pasted control characters: show them inert,
        # and give back the real characters for everything the analyst did not touch.
        self.note = editable(note)
        self.dialog_title = title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog") as dialog:
            dialog.border_title = Content(one_line(self.dialog_title, 60))
            yield NoteArea(self.note, id="note", soft_wrap=True, tab_behavior="focus",
                           show_line_numbers=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("Keep"), id="keep", variant="primary", compact=True)
                yield Button(Content("Discard"), id="discard", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        area = self.query_one("#note", NoteArea)
        self.set_focus(area)   # now: keys typed as soon as the editor shows land in it
        area.move_cursor(area.document.end)

    @property
    def text(self) -> str:
        """The note as edited; the original, byte for byte, when the analyst changed nothing."""
        return restore(self.original, self.query_one("#note", NoteArea).text)

    @on(TextArea.Changed, "#note")
    def _typed(self) -> None:
        if self._on_change is not None:
            self._on_change(self.text)

    @on(Button.Pressed, "#keep")
    def action_keep(self) -> None:
        self.dismiss(self.text)

    @on(Button.Pressed, "#discard")
    def action_discard(self) -> None:
        self.dismiss(None)
