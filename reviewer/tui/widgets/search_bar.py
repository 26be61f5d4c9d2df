"""SearchBar: the find field under a pane (literal, case-insensitive)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class SearchBar(Input):
    """Matches show as you type. ``enter`` leaves the caret at the current match and closes, as vim's
    ``/``; ``down``/``up`` step through the matches; ``escape`` closes. A query that matches nothing
    puts the caret back where the search started."""

    BINDINGS = [
        Binding("enter", "close", "Go to match", id="search.confirm", priority=True,
                tooltip="Close the search with the caret at the current match (n and N step on)"),
        Binding("down", "step(1)", "Next match", id="search.next", tooltip="Go to the next match"),
        Binding("up", "step(-1)", "Previous match", id="search.previous", tooltip="Go to the previous match"),
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
