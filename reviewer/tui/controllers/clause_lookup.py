"""Finding clauses from the workspace: ``ctrl+f`` opens the LookupScreen, ``s`` the Similar panel
for the current clause or selection; chosen matches open in panes beside the current one
(scrolled to the clause and flashed), and the panel's requests become Session calls (each written
at once and undoable like any other change)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Callable, Sequence

from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.worker import get_current_worker

from reviewer.session import Outcome, Session
from reviewer.tui import stylesheets
from reviewer.tui.clause_search import index_for
from reviewer.tui.widgets.pane_deck import MAX_PANES, PaneDeck
from reviewer.tui.widgets.pane_frame import PaneFrame
from reviewer.tui.widgets.similar_panel import SimilarPanel

if TYPE_CHECKING:  # the index (numpy) loads on first use, not at start-up
    from reviewer.fuzzy import Hit, Match
    from reviewer.index_cache import SharedIndex

SIMILAR = 30  # rows in the Similar panel
FLASH = 0.8  # seconds a revealed pane is tinted
WARM_AFTER = 0.5  # seconds after the workspace appears before the index is built in the background

BINDINGS = [
    Binding("ctrl+f", "lookup", "Lookup", show=False, id="workspace.lookup",
            tooltip="Find a clause in every policy (fuzzy: typos and missing words are fine)"),
    Binding("s", "similar", "Similar", show=False, id="workspace.similar",
            tooltip="List the clauses of the other policies most like the current clause or selection"),
]


@dataclass
class SimilarFound(Message):
    """The Similar panel's matches for the clause ``span`` of ``document`` (from the worker)."""

    document: str
    span: tuple[int, int]
    matches: list[Match]


class ClauseLookup:
    """Lookup, the Similar panel and opening matches, for one workspace."""

    def __init__(self, host: Screen, session: Session, deck: PaneDeck, *,
                 report: Callable[[Outcome], None], panel_after: str) -> None:
        self.host = host
        self.session = session
        self.taxonomy = session.taxonomy
        self.deck = deck
        self._report = report
        self._panel_after = panel_after  # the selector of the widget the Similar panel goes after

    @property
    def index(self) -> SharedIndex:
        return index_for(self.session)

    def start(self) -> None:
        self.host.set_timer(WARM_AFTER, self._warm, name="lookup-warm")

    def _warm(self) -> None:
        """Build (or load from the cache) the clause index in the background, so that the first
        ctrl+f or s answers at once."""
        def warm() -> None:  # the import (numpy) happens in the thread too, off the event loop
            shared = self.index
            if not shared.ready:
                shared.get()

        self.host.run_worker(warm, name="lookup-index", thread=True, group="lookup-index", exit_on_error=False)

    # -- lookup -----------------------------------------------------------------------------
    def lookup(self) -> None:
        from reviewer.tui.screens.lookup import LookupScreen

        pane = self.deck.pane
        span = pane.selection_span if pane is not None else None
        seed = pane.document.text[span[0]:span[1]] if pane is not None and span and span[1] - span[0] <= 300 else ""
        self.host.app.push_screen(LookupScreen(self.index, " ".join(seed.split())), self._looked_up)

    def _looked_up(self, matches: tuple[Match, ...] | None) -> None:
        if matches:
            self.open_matches(matches)

    def open_matches(self, matches: Sequence[Match | Hit], *, focus: bool = True) -> list[PaneFrame]:
        """Show each match in a pane beside the current one (a pane already showing its policy is
        reused; with four panes, the others are reused), scrolled to the clause and flashed. The
        first gets the focus, or with ``focus=False`` only becomes the active pane (the Similar
        panel keeps the keys: the next row, escape)."""
        wanted = list(matches)[:MAX_PANES]
        frames = self.deck.reveal([self.session.document(m.document) for m in wanted])
        for n, (frame, m) in enumerate(zip(frames, wanted)):
            self.host.call_after_refresh(self._reveal, frame, m.start, focus=n == 0 and focus, first=n == 0)
        return frames

    def _reveal(self, frame: PaneFrame, start: int, *, focus: bool, first: bool = False) -> None:
        if not frame.is_attached:
            return
        frame.pane.go_to_offset(start)
        if focus:
            frame.pane.focus()
        elif first:
            self.deck.activate(frame)
        frame.add_class("-flash")
        self.host.set_timer(FLASH, partial(frame.remove_class, "-flash"))

    # -- the Similar panel ------------------------------------------------------------------
    @property
    def panel(self) -> SimilarPanel | None:
        found = self.host.query(SimilarPanel)
        return found.first() if found else None

    def similar(self) -> None:
        pane = self.deck.pane
        span = pane.target_span() if pane is not None else None
        if pane is None or span is None:
            self.host.app.notify("No clause here to compare", timeout=3)
            return
        panel = self.panel
        if panel is None:
            stylesheets.read_later(self.host.app)
            panel = SimilarPanel(self.taxonomy, self.categories_at, id="similar")
            self.host.mount(panel, after=self.host.query_one(self._panel_after))
        panel.start(pane.document.id, span, pane.document.text[span[0]:span[1]], ready=self.index.ready)
        self.host.run_worker(partial(self._find_similar, pane.document.id, span[0], span[1]), name="similar",
                             group="similar", thread=True, exclusive=True, exit_on_error=False)

    def _find_similar(self, doc_id: str, start: int, end: int) -> None:
        worker = get_current_worker()
        index = self.index.get()
        if worker.is_cancelled:
            return
        matches = index.similar(doc_id, start, end, SIMILAR, group=False, should_stop=lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.host.post_message(SimilarFound(doc_id, (start, end), matches))

    def similar_found(self, event: SimilarFound) -> None:
        panel = self.panel
        if panel is None or panel.source != (event.document, event.span):
            return
        panel.show(event.matches, {m.ref: self.categories_at(m.ref) for m in event.matches})
        panel.focus_list()

    def categories_at(self, place: Hit) -> tuple[str, ...]:
        seen: list[str] = []
        for ann in self.session.annotations_at(place.document, place.start, place.end):
            seen.extend(c for c in ann.categories if c not in seen)
        return tuple(seen)

    def tag(self, event: SimilarPanel.TagRequested) -> None:
        category = self.taxonomy.by_key(event.key)
        if category is None:
            return
        place = event.match.ref
        self._report(self.session.toggle_category(place.document, place.start, place.end, category.slug))
        event.panel.set_categories(place, self.categories_at(place))

    def apply(self, event: SimilarPanel.ApplyRequested) -> None:
        """``A``: the current annotation's categories added to every marked clause."""
        if event.panel.source is None:
            return
        doc_id, (start, end) = event.panel.source
        if self.session.read_only:
            self.host.app.notify("Read-only: nothing can be tagged in this set", severity="warning", timeout=4)
            return
        source = self._source_annotation(doc_id, start, end)
        if source is None or not source.categories:
            why = ("its annotation has no category (only a note)" if source is not None
                   else "it has no annotation")
            self.host.app.notify(f"Nothing to apply from the current clause: {why}", severity="warning", timeout=4)
            return
        changed = 0
        names = ", ".join(self.taxonomy.name(c) for c in source.categories)
        with self.session.batch(f"Applied {names} to {len(event.matches)} clause(s)"):  # one u undoes it all
            for match in event.matches:
                place = match.ref
                exact = [a for a in self.session.annotations_at(place.document, place.start, place.end)
                         if (a.start, a.end) == (place.start, place.end)]
                have = list(exact[0].categories) if exact else []
                wanted = have + [c for c in source.categories if c not in have]
                if wanted == have:
                    continue
                outcome = self.session.set_categories(place.document, place.start, place.end, wanted)
                self._report(outcome)
                if not outcome.error:
                    changed += 1
                event.panel.set_categories(place, self.categories_at(place))
        self.host.app.notify(f"Applied {names} to {changed} clause(s) (u undoes them together)", timeout=4,
                             markup=False)

    def _source_annotation(self, doc_id: str, start: int, end: int):
        anns = self.session.annotations_at(doc_id, start, end)
        exact = [a for a in anns if (a.start, a.end) == (start, end)]
        if exact:
            return exact[0]
        around = [a for a in anns if a.start <= start and a.end >= end]
        pool = around or anns
        return min(pool, key=lambda a: (a.end - a.start, a.start)) if pool else None

    def close_panel(self, panel: SimilarPanel) -> None:
        self.host.workers.cancel_group(self.host, "similar")
        panel.remove()
        pane = self.deck.pane
        if pane is not None:
            pane.focus()
