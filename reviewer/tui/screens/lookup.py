"""LookupScreen (ctrl+f): find a clause across every policy.

Type what you remember; results (score, policy, the clause with the matching words emphasised)
update as you type, debounced, from an exclusive thread worker (a new keystroke cancels the lookup
under way). ``enter`` returns the highlighted match, ``ctrl+enter`` the top four; the screen never
touches the workspace, it only returns matches (``tui/controllers/clause_lookup.py`` opens them).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import Worker, get_current_worker

from reviewer.tui.widgets.key_footer import KeyFooter
from reviewer.tui.workers import forward_failure
from reviewer.tui.clause_search import clause_content, where

if TYPE_CHECKING:  # the index (numpy) loads on first use, not at start-up
    from reviewer.fuzzy import Match
    from reviewer.index_cache import SharedIndex

DEBOUNCE = 0.12  # seconds of quiet typing before a lookup starts
TOP = 20  # results listed
OPEN_AT_ONCE = 4  # ctrl+enter: one pane each, as many as the workspace holds


class LookupScreen(ModalScreen["tuple[Match, ...] | None"]):
    """Type to find a clause in every policy; returns the chosen match(es), or None."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close", id="lookup.close", tooltip="Close without opening anything"),
        Binding("ctrl+enter,ctrl+j", "open_top", "Open top 4", id="lookup.open_top",
                tooltip="Open the top hits, one pane each (up to four)"),
        Binding("down", "cursor(1)", "Next", show=False, id="lookup.next", tooltip="Highlight the next hit"),
        Binding("up", "cursor(-1)", "Previous", show=False, id="lookup.previous",
                tooltip="Highlight the previous hit"),
    ]

    @dataclass
    class Found(Message):
        query: str
        matches: list[Match]
        seconds: float

    def __init__(self, shared: SharedIndex, query: str = "", *, top: int = TOP, debounce: float = DEBOUNCE) -> None:
        super().__init__()
        self.shared = shared
        self.initial = query
        self.top = top
        self.debounce = debounce
        self.matches: list[Match] = []
        self.query_text = ""
        self.shown_query: str | None = None
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="lookup") as box:
            box.border_title = "Find a clause in every policy"
            yield Input(self.initial, placeholder="What do you remember of it? (typos and missing words are fine)",
                        id="filter")
            yield Label("", id="lookup-status", classes="dialog-status")
            yield OptionList(id="results")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Input))   # the query typed right after ctrl+f lands in it
        self.query_one(OptionList).can_focus = True
        if self.initial.strip():
            self._changed(self.initial)
        else:
            self._status("Type part of a clause: results appear as you type")

    @property
    def results(self) -> OptionList:
        return self.query_one("#results", OptionList)

    def _status(self, text: str) -> None:
        self.query_one("#lookup-status", Label).update(Content(text))

    @on(Input.Changed, "#filter")
    def _input_changed(self, event: Input.Changed) -> None:
        self._changed(event.value)

    def _changed(self, value: str) -> None:
        self.query_text = value
        if self._timer is not None:
            self._timer.stop()
        if not value.strip():
            self.workers.cancel_group(self, "lookup")
            self._show(value, [], 0.0)
            return
        if not self.shared.ready:
            self._status("Indexing the policies (once; later starts load it from the cache)\u2026")
        self._timer = self.set_timer(self.debounce, partial(self.run_lookup, value), name="lookup-debounce")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        forward_failure(self, event)

    @work(thread=True, exclusive=True, group="lookup", exit_on_error=False)
    def run_lookup(self, query: str) -> None:
        worker = get_current_worker()
        started = time.perf_counter()
        index = self.shared.get()
        if worker.is_cancelled:
            return
        matches = index.lookup(query, self.top, should_stop=lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.post_message(self.Found(query, matches, time.perf_counter() - started))

    @on(Found)
    def _found(self, event: Found) -> None:
        if event.query == self.query_text:
            self._show(event.query, event.matches, event.seconds)

    def _show(self, query: str, matches: list[Match], seconds: float) -> None:
        self.matches = matches
        self.shown_query = query
        results = self.results
        results.clear_options()
        results.add_options(Option(self._prompt(query, m), id=str(n)) for n, m in enumerate(matches))
        if matches:
            results.highlighted = 0
            self._status(f"{len(matches)} clause(s) in {seconds * 1000:.0f} ms \u2014 enter opens one beside "
                         f"this pane, ctrl+enter the top {min(OPEN_AT_ONCE, len(matches))}")
        elif query.strip():
            self._status("No clause like that")
        else:
            self._status("Type part of a clause: results appear as you type")

    @staticmethod
    def _prompt(query: str, m: Match) -> Content:
        head = Content.assemble((f"{m.score:>3.0f}  ", "bold"), (where(m), "$text-accent"))
        return Content.assemble(head, "\n     ", clause_content(query, m.text))

    def action_cursor(self, delta: int) -> None:
        results = self.results
        if delta > 0:
            results.action_cursor_down()
        else:
            results.action_cursor_up()

    def _highlighted(self) -> Match | None:
        index = self.results.highlighted
        if index is None or not (0 <= index < len(self.matches)):
            return None
        return self.matches[index]

    @on(Input.Submitted, "#filter")
    def _submitted(self) -> None:
        match = self._highlighted()
        if match is not None and self.shown_query == self.query_text:
            self.dismiss((match,))

    @on(OptionList.OptionSelected, "#results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = event.option_index
        if 0 <= index < len(self.matches):
            self.dismiss((self.matches[index],))

    def action_open_top(self) -> None:
        if self.matches and self.shown_query == self.query_text:
            self.dismiss(tuple(self.matches[:OPEN_AT_ONCE]))
