"""ChoiceField: one value out of a short list, chosen in place (no dropdown).

A dropdown (Textual's Select) draws its list over whatever is below, outside a small dialog, and
takes ``enter`` to reopen itself; in a dialog whose ``enter`` confirms, a field that cycles in
place does neither: ``←``/``→`` (or ``space``) step through the values, a letter jumps to the next
value starting with it, and ``enter`` stays the dialog's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widget import Widget

from reviewer.safetext import one_line

NOT_SET = "(not set)"


class ChoiceField(Widget, can_focus=True):
    """``value`` is one of ``values``, or None (not set)."""

    BINDINGS = [
        Binding("right,space", "step(1)", "Next value", show=False, id="choice.next",
                tooltip="The next value of this attribute"),
        Binding("left", "step(-1)", "Previous value", show=False, id="choice.previous",
                tooltip="The previous value of this attribute"),
    ]

    @dataclass
    class Changed(Message):
        field: "ChoiceField"
        value: str | None

        @property
        def control(self) -> "ChoiceField":
            return self.field

    def __init__(self, values: Sequence[str], value: str | None = None, *, name: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, classes=classes)
        self.values: list[str | None] = [None, *dict.fromkeys(values)]
        if value is not None and value not in self.values:
            self.values.append(value)  # a value the taxonomy no longer lists is kept
        self._index = self.values.index(value)

    @property
    def value(self) -> str | None:
        return self.values[self._index]

    def render(self) -> Content:
        value = self.value
        shown = Content(one_line(value, 60)) if value is not None else Content.styled(NOT_SET, "$text-muted")
        count = f"  {self._index}/{len(self.values) - 1}" if len(self.values) > 1 else ""
        return Content.assemble(("\u2039 ", "$text-muted"), shown, (" \u203a", "$text-muted"), (count, "$text-muted"))

    def _set(self, index: int) -> None:
        index %= len(self.values)
        if index != self._index:
            self._index = index
            self.refresh()
            self.post_message(self.Changed(self, self.value))

    def action_step(self, delta: int) -> None:
        self._set(self._index + delta)

    def on_key(self, event: events.Key) -> None:
        char = event.character
        if char is None or not char.isprintable() or char == " ":
            return
        n = len(self.values)
        for step in range(1, n + 1):
            candidate = self.values[(self._index + step) % n]
            if candidate is not None and candidate.lower().startswith(char.lower()):
                event.stop()
                self._set((self._index + step) % n)
                return
