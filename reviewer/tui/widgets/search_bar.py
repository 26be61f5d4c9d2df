"""SearchBar: the find field under a pane (literal, case-insensitive)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class SearchBar(Input):
    """``enter`` goes to the next match, ``shift+enter`` to the previous, ``escape`` closes."""

    BINDINGS = [
        Binding("enter", "step(1)", "Next match", id="search.next", priority=True,
                tooltip="Go to the next match"),
        Binding("shift+enter", "step(-1)", "Previous match", id="search.previous", priority=True,
                tooltip="Go to the previous match"),
        Binding("escape", "close", "Close search", id="search.close",
                tooltip="Close the search field (matches stay highlighted; escape in the pane clears them)"),
    ]

    @dataclass
    class Step(Message):
        bar: "SearchBar"
        delta: int

    @dataclass
    class Closed(Message):
        bar: "SearchBar"

    def action_step(self, delta: int) -> None:
        self.post_message(self.Step(self, delta))

    def action_close(self) -> None:
        self.post_message(self.Closed(self))
