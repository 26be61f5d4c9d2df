"""PaneFrame: a PolicyPane with its title, search field and status line."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label

from reviewer.documents import Document
from reviewer.safetext import one_line
from reviewer.taxonomy import Taxonomy
from reviewer.tui.widgets.policy_pane import PolicyPane
from reviewer.tui.widgets.search_bar import SearchBar
from reviewer.tui.widgets.status_line import StatusLine


class PaneFrame(Vertical):
    """Lays out one pane; keeps its status line and search field in step with it."""

    def __init__(self, document: Document, taxonomy: Taxonomy, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="pane-frame")
        self.pane = PolicyPane(document, taxonomy)
        self.title_label = Label(classes="pane-title")
        self.search_bar = SearchBar(placeholder="Find (literal, any case): enter next, shift+enter previous",
                                    classes="pane-search", compact=True)
        self.status = StatusLine(classes="pane-status")
        self.info: dict[str, Any] = {}
        self._search_origin: int | None = None

    def compose(self) -> ComposeResult:
        yield self.title_label
        yield self.pane
        yield self.search_bar
        yield self.status

    def on_mount(self) -> None:
        self.pane.moved_signal.subscribe(self, self._focused, immediate=True)
        self.pane.search_signal.subscribe(self, self._open_search, immediate=True)
        self.search_bar.display = False
        self.update_title()
        self.update_status()

    @property
    def document(self) -> Document:
        return self.pane.document

    def update_title(self) -> None:
        doc = self.pane.document
        # the id first: many policies are titled "Privacy Policy", so the title alone tells no pane apart
        self.title_label.update(Content.assemble((one_line(doc.id, 80), "bold"), " \u00b7 ", one_line(doc.title, 200)))
        self.title_label.tooltip = Content(f"{one_line(doc.id)} \u2014 {one_line(str(doc.path))}")

    def update_status(self, **info: object) -> None:
        """Redraw the status line; ``info`` (counts from the session) is kept for later redraws."""
        self.info.update(info)
        pane = self.pane
        span = pane.selection_span
        self.status.show(clause=max(0, pane.cursor), clauses=len(pane.clauses), column=pane.model.position()[0],
                         annotations=len(pane.annotations),
                         moved=sum(1 for s in pane.anchor_status.values() if s[0] == "moved"),
                         fuzzy=sum(1 for s in pane.anchor_status.values() if s[0] == "fuzzy"),
                         orphans=int(self.info.get("orphans", 0) or 0),
                         selected=(span[1] - span[0]) if span else 0,
                         matches=len(pane.matches) if pane.search_query else None, match=pane.match_index,
                         query=pane.search_query, pending=bool(self.info.get("pending")),
                         error=self.info.get("error") or None,
                         read_only=bool(self.info.get("read_only")))

    def _focused(self, pane: PolicyPane) -> None:
        self.update_status()

    def _open_search(self, pane: PolicyPane) -> None:
        self.search_bar.display = True
        self.search_bar.value = self.pane.search_query
        self._search_origin = self.pane.model.caret
        self.screen.set_focus(self.search_bar)   # now, not after the keys already queued

    @on(Input.Changed, ".pane-search")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.pane.search(event.value)
        self.update_status()

    @on(SearchBar.Step)
    def _search_step(self, event: SearchBar.Step) -> None:
        event.stop()
        if self.pane.search_query != self.search_bar.value:
            self.pane.search(self.search_bar.value)
        self.pane.action_match(event.delta)
        self.update_status()

    @on(SearchBar.Closed)
    def _search_closed(self, event: SearchBar.Closed) -> None:
        event.stop()
        self.search_bar.display = False
        if not self.pane.matches and self._search_origin is not None:
            self.pane.place_caret(self._search_origin)  # nothing found: back to where the search started
        self._search_origin = None
        self.pane.focus()
