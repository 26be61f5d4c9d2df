"""Pick a document by typing part of its title: a fuzzy-filtered list (rapidfuzz); enter opens it.

Also home of :func:`rank`, the small fuzzy ranking the dialogs share (tag picker, help).
"""

from __future__ import annotations

from typing import Sequence

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, OptionList
from textual.widgets.option_list import Option

from reviewer.safetext import one_line

CUTOFF = 75.0


def _initials(text: str) -> str:
    return "".join(word[0] for word in text.split() if word)


def score(query: str, fields: Sequence[str], weights: Sequence[float] = ()) -> float:
    """How well ``query`` matches the best of ``fields`` (0..100). The first field is the name:
    a prefix of it or of its initials ("dnt" -> "Do Not Track") is a strong match; every field
    is also scored with rapidfuzz's ``partial_ratio`` (typos, infixes) times its weight."""
    q = default_process(query)
    if not q:
        return 100.0
    best = 0.0
    for n, field in enumerate(fields):
        text = default_process(field)
        if not text:
            continue
        weight = weights[n] if n < len(weights) else (1.0 if n == 0 else 0.85)
        if n == 0:
            if text.startswith(q):
                best = max(best, 100.0)
            elif len(q) > 1 and _initials(text).startswith(q.replace(" ", "")):
                best = max(best, 98.0)
        if len(q) <= len(text):
            best = max(best, fuzz.partial_ratio(q, text, processor=None) * weight)
        else:
            best = max(best, fuzz.ratio(q, text, processor=None) * weight)
    return best


def rank(query: str, rows: Sequence[Sequence[str]], weights: Sequence[float] = (),
         cutoff: float = CUTOFF) -> list[int]:
    """Indexes of ``rows`` matching ``query``, best first (ties keep the original order).
    An empty query keeps every row in order."""
    if not default_process(query):
        return list(range(len(rows)))
    scored = [(score(query, fields, weights), i) for i, fields in enumerate(rows)]
    return [i for s, i in sorted(scored, key=lambda pair: (-pair[0], pair[1])) if s >= cutoff]


class DocumentPicker(ModalScreen[str | None]):
    """Returns the chosen document's id, or None on escape."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without opening a document",
                id="documents.cancel"),
        Binding("enter", "open", "Open", priority=True,
                tooltip="Open the highlighted document", id="documents.open"),
        Binding("down", "cursor(1)", "Next", show=False, priority=True, id="documents.next"),
        Binding("up", "cursor(-1)", "Previous", show=False, priority=True, id="documents.previous"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="documents.page-down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="documents.page-up"),
    ]

    def __init__(self, documents: Sequence[tuple[str, str]], title: str = "Open document") -> None:
        super().__init__()
        self.documents = list(documents)
        self.dialog_title = title
        self._rows = [(title_, doc_id) for doc_id, title_ in self.documents]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog") as dialog:
            dialog.border_title = Content(one_line(self.dialog_title, 60))
            yield Input(placeholder="Type to filter documents", id="filter", compact=True)
            yield OptionList(id="documents", compact=True)
            yield Label(id="count", classes="dialog-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#documents", OptionList).can_focus = False
        self._refilter("")
        self.query_one("#filter", Input).focus()

    def _prompt(self, doc_id: str, title: str) -> Content:
        shown = one_line(title, 200)
        if doc_id == title:
            return Content(shown)
        return Content.assemble(shown, ("  " + one_line(doc_id, 80), "$foreground-muted"))

    def _refilter(self, query: str) -> None:
        options = self.query_one("#documents", OptionList)
        order = rank(query, self._rows, weights=(1.0, 0.9))
        options.set_options(Option(self._prompt(*self.documents[i]), id=f"d{i}") for i in order)
        if order:
            options.highlighted = 0
        self.query_one("#count", Label).update(
            Content(f"{len(order)} of {len(self.documents)} documents"))

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._refilter(event.value)

    @on(OptionList.OptionSelected, "#documents")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option)

    def _choose(self, option: Option | None) -> None:
        if option is not None and option.id:
            self.dismiss(self.documents[int(option.id[1:])][0])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("open", "cursor"):
            return isinstance(self.focused, Input)
        return True

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_open(self) -> None:
        self._choose(self.query_one("#documents", OptionList).highlighted_option)

    def action_cursor(self, step: int) -> None:
        options = self.query_one("#documents", OptionList)
        options.action_cursor_down() if step > 0 else options.action_cursor_up()

    def action_page(self, step: int) -> None:
        options = self.query_one("#documents", OptionList)
        options.action_page_down() if step > 0 else options.action_page_up()
