"""Find a clause across every policy from the app (issue 4).

``LookupScreen`` (ctrl+f): type what you remember; results (score, policy, the clause with the
matching words emphasised) update as you type, debounced, from an exclusive thread worker (a new
keystroke cancels the lookup under way). ``enter`` returns the highlighted match, ``ctrl+enter``
the top four; the screen never touches the workspace, it only returns matches.

``LookupHost`` is what the workspace screen inherits to host all of this: the ``ctrl+f`` and
``s`` keys, the Similar panel, opening matches in panes beside the current one (scrolled to the
clause and flashed), and turning the panel's requests into Session calls (each written at once
and undoable like any other change).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Sequence

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import Worker, get_current_worker

from reviewer.tui.workers import forward_failure
from reviewer.tui.clause_search import ClauseSearch, OpenMatches, clause_content, index_for, where
from reviewer.tui.widgets.similar_panel import SimilarPanel

if TYPE_CHECKING:  # the index (numpy) loads on first use, not at start-up
    from reviewer.fuzzy import Hit, Match
    from reviewer.index_cache import SharedIndex
    from reviewer.tui.widgets.pane_frame import PaneFrame

DEBOUNCE = 0.12  # seconds of quiet typing before a lookup starts
TOP = 20  # results listed
OPEN_AT_ONCE = 4  # ctrl+enter: one pane each, as many as the workspace holds
SIMILAR = 30  # rows in the Similar panel
FLASH = 0.8  # seconds a revealed pane is tinted
WARM_AFTER = 0.5  # seconds after the workspace appears before the index is built in the background


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
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()
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


class LookupHost(Screen):
    """Mixed into WorkspaceScreen: clause lookup, the Similar panel and opening matches in panes.

    Relies on the workspace's ``session``, ``taxonomy``, ``frames``, ``active``, ``pane``,
    ``open_pane``, ``refresh_frame`` and ``report``.
    """

    COMMANDS = {ClauseSearch}
    BINDINGS = [
        Binding("ctrl+f", "lookup", "Lookup", show=False, id="workspace.lookup",
                tooltip="Find a clause in every policy (fuzzy: typos and missing words are fine)"),
        Binding("s", "similar", "Similar", show=False, id="workspace.similar",
                tooltip="List the clauses of the other policies most like the current clause or selection"),
    ]

    @property
    def clause_index(self) -> SharedIndex:
        return index_for(self.session)  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        # Textual calls on_mount of every class in the MRO: this runs beside the workspace's own.
        self.set_timer(WARM_AFTER, self._warm_index, name="lookup-warm")

    def _warm_index(self) -> None:
        """Build (or load from the cache) the clause index in the background, so that the first
        ctrl+f or s answers at once."""
        def warm() -> None:  # the import (numpy) happens in the thread too, off the event loop
            shared = self.clause_index
            if not shared.ready:
                shared.get()

        self.run_worker(warm, thread=True, group="lookup-index", exit_on_error=False)

    # -- lookup ---------------------------------------------------------------------------------
    def action_lookup(self) -> None:
        pane = self.pane  # type: ignore[attr-defined]
        span = pane.selection_span if pane is not None else None
        seed = pane.document.text[span[0]:span[1]] if span and span[1] - span[0] <= 300 else ""
        self.app.push_screen(LookupScreen(self.clause_index, " ".join(seed.split())), self._looked_up)

    def _looked_up(self, matches: tuple[Match, ...] | None) -> None:
        if matches:
            self.open_matches(matches)

    @on(OpenMatches)
    def _open_requested(self, event: OpenMatches) -> None:
        self.open_matches(event.matches)

    def open_matches(self, matches: Sequence[Match | Hit]) -> list[PaneFrame]:
        """Show each match in a pane beside the current one (a pane already showing its policy is
        reused; with four panes, the others are reused), scrolled to the clause and flashed."""
        from reviewer.tui.screens.workspace import MAX_PANES

        used: list[PaneFrame] = []
        count = len(self.frames)  # type: ignore[attr-defined]
        for m in list(matches)[:MAX_PANES]:
            frame = next((f for f in self.frames if f.document.id == m.document and f not in used), None)  # type: ignore[attr-defined]
            if frame is None and count < MAX_PANES:
                frame = self.open_pane(m.document)  # type: ignore[attr-defined]
                count += 1
            elif frame is None:
                spare = [f for f in self.frames if f not in used and f is not self.active] or \
                        [f for f in self.frames if f not in used]  # type: ignore[attr-defined]
                if not spare:
                    break
                frame = spare[0]
                frame.pane.set_document(self.session.document(m.document))  # type: ignore[attr-defined]
                frame.update_title()
                self.refresh_frame(frame)  # type: ignore[attr-defined]
            used.append(frame)
            self.call_after_refresh(self._reveal, frame, m.start, m.end, focus=len(used) == 1)
        return used

    def _reveal(self, frame: PaneFrame, start: int, end: int, *, focus: bool) -> None:
        if not frame.is_attached:
            return
        frame.pane.go_to_offset(start)
        if focus:
            frame.pane.focus()
        frame.add_class("-flash")
        self.set_timer(FLASH, partial(frame.remove_class, "-flash"))

    # -- similar --------------------------------------------------------------------------------
    def action_similar(self) -> None:
        pane = self.pane  # type: ignore[attr-defined]
        span = pane.target_span() if pane is not None else None
        if pane is None or span is None:
            self.app.notify("No clause here to compare", timeout=3)
            return
        panel = self.similar_panel
        if panel is None:
            panel = SimilarPanel(self.taxonomy, self._categories_at, id="similar")  # type: ignore[attr-defined]
            self.mount(panel, after=self.query_one("#body"))
        panel.start(pane.document.id, span, pane.document.text[span[0]:span[1]], ready=self.clause_index.ready)
        self.find_similar(pane.document.id, span[0], span[1])

    @property
    def similar_panel(self) -> SimilarPanel | None:
        found = self.query(SimilarPanel)
        return found.first() if found else None

    @work(thread=True, exclusive=True, group="similar", exit_on_error=False)
    def find_similar(self, doc_id: str, start: int, end: int) -> None:
        worker = get_current_worker()
        index = self.clause_index.get()
        if worker.is_cancelled:
            return
        matches = index.similar(doc_id, start, end, SIMILAR, group=False, should_stop=lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.post_message(SimilarFound(doc_id, (start, end), matches))

    def on_similar_found(self, event: SimilarFound) -> None:
        panel = self.similar_panel
        if panel is None or panel.source != (event.document, event.span):
            return
        panel.show(event.matches, {m.ref: self._categories_at(m.ref) for m in event.matches})
        panel.focus_list()

    def _categories_at(self, place: Hit) -> tuple[str, ...]:
        seen: list[str] = []
        for ann in self.session.annotations_at(place.document, place.start, place.end):  # type: ignore[attr-defined]
            seen.extend(c for c in ann.categories if c not in seen)
        return tuple(seen)

    @on(SimilarPanel.JumpRequested)
    def _similar_jump(self, event: SimilarPanel.JumpRequested) -> None:
        self.open_matches([event.match])

    @on(SimilarPanel.TagRequested)
    def _similar_tag(self, event: SimilarPanel.TagRequested) -> None:
        category = self.taxonomy.by_key(event.key)  # type: ignore[attr-defined]
        if category is None:
            return
        place = event.match.ref
        outcome = self.session.toggle_category(place.document, place.start, place.end, category.slug)  # type: ignore[attr-defined]
        self.report(outcome)  # type: ignore[attr-defined]
        event.panel.set_categories(place, self._categories_at(place))

    @on(SimilarPanel.ApplyRequested)
    def _similar_apply(self, event: SimilarPanel.ApplyRequested) -> None:
        doc_id, (start, end) = event.panel.source  # type: ignore[misc]
        source = self._source_annotation(doc_id, start, end)
        if source is None or not source.categories:
            self.app.notify("The current clause has no annotation whose categories could be applied",
                            severity="warning", timeout=4)
            return
        changed = 0
        for match in event.matches:
            place = match.ref
            exact = [a for a in self.session.annotations_at(place.document, place.start, place.end)  # type: ignore[attr-defined]
                     if (a.start, a.end) == (place.start, place.end)]
            have = list(exact[0].categories) if exact else []
            wanted = have + [c for c in source.categories if c not in have]
            if wanted == have:
                continue
            outcome = self.session.set_categories(place.document, place.start, place.end, wanted)  # type: ignore[attr-defined]
            self.report(outcome)  # type: ignore[attr-defined]
            if not outcome.error:
                changed += 1
            event.panel.set_categories(place, self._categories_at(place))
        names = ", ".join(self.taxonomy.name(c) for c in source.categories)  # type: ignore[attr-defined]
        self.app.notify(f"Applied {names} to {changed} clause(s) (u undoes one at a time)", timeout=4, markup=False)

    def _source_annotation(self, doc_id: str, start: int, end: int):
        anns = self.session.annotations_at(doc_id, start, end)  # type: ignore[attr-defined]
        exact = [a for a in anns if (a.start, a.end) == (start, end)]
        if exact:
            return exact[0]
        around = [a for a in anns if a.start <= start and a.end >= end]
        pool = around or anns
        return min(pool, key=lambda a: (a.end - a.start, a.start)) if pool else None

    @on(SimilarPanel.CloseRequested)
    def _similar_close(self, event: SimilarPanel.CloseRequested) -> None:
        self.workers.cancel_group(self, "similar")
        event.panel.remove()
        pane = self.pane  # type: ignore[attr-defined]
        if pane is not None:
            pane.focus()


@dataclass
class SimilarFound(Message):
    """The Similar panel's matches for the clause ``span`` of ``document`` (from the worker)."""

    document: str
    span: tuple[int, int]
    matches: list[Match]
