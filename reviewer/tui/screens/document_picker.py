"""Pick a document by typing part of its title: a fuzzy-filtered list (rapidfuzz); enter opens it.

Also home of :func:`rank`, the small fuzzy ranking the dialogs share (tag picker, help).
"""

from __future__ import annotations

from typing import Sequence

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from reviewer.tui.widgets.key_footer import KeyFooter
from reviewer.safetext import one_line

CUTOFF = 75.0
LIMIT = 200  # rows shown at once: enough to scroll, few enough to redraw per keystroke


def _initials(text: str) -> str:
    return "".join(word[0] for word in text.split() if word)


class FuzzyRows:
    """Rows of text fields, pre-processed once, ranked against each query.

    The first field is the name: a prefix of it or of its initials ("dnt" -> "Do Not Track") is a
    strong match (100, 98). Every field is also scored with rapidfuzz (``partial_ratio`` for typos
    and infixes, plain ``ratio`` when the query is longer than the field) times its weight; a row
    scores its best field. Scoring runs in rapidfuzz's C loops (``cdist``), so a thousand rows
    rank in a few milliseconds per keystroke.
    """

    def __init__(self, rows: Sequence[Sequence[str]], weights: Sequence[float] = ()) -> None:
        self.count = len(rows)
        width = max((len(r) for r in rows), default=0)
        self.columns = [[default_process(r[n]) if n < len(r) else "" for r in rows] for n in range(width)]
        self.lengths = [[len(t) for t in column] for column in self.columns]
        self.initials = [_initials(t) for t in self.columns[0]] if self.columns else []
        self.weights = [weights[n] if n < len(weights) else (1.0 if n == 0 else 0.85) for n in range(width)]

    def scores(self, query: str) -> list[float]:
        q = default_process(query)
        if not q:
            return [100.0] * self.count
        best = [0.0] * self.count
        compact = q.replace(" ", "")
        for n, column in enumerate(self.columns):
            weight = self.weights[n]
            partial = process.cdist([q], column, scorer=fuzz.partial_ratio, processor=None)[0]
            whole = process.cdist([q], column, scorer=fuzz.ratio, processor=None)[0]
            lengths = self.lengths[n]
            for i in range(self.count):
                if not lengths[i]:
                    continue
                value = (partial[i] if len(q) <= lengths[i] else whole[i]) * weight
                if n == 0:
                    if column[i].startswith(q):
                        value = 100.0
                    elif len(q) > 1 and self.initials[i].startswith(compact):
                        value = max(value, 98.0)
                if value > best[i]:
                    best[i] = float(value)
        return best

    def rank(self, query: str, cutoff: float = CUTOFF) -> list[int]:
        """Indexes of matching rows, best first (ties keep the original order); an empty query
        keeps every row in order."""
        if not default_process(query):
            return list(range(self.count))
        scored = self.scores(query)
        order = sorted(range(self.count), key=lambda i: (-scored[i], i))
        return [i for i in order if scored[i] >= cutoff]


def score(query: str, fields: Sequence[str], weights: Sequence[float] = ()) -> float:
    """How well ``query`` matches the best of ``fields`` (0..100); see :class:`FuzzyRows`."""
    return FuzzyRows([fields], weights).scores(query)[0]


def rank(query: str, rows: Sequence[Sequence[str]], weights: Sequence[float] = (),
         cutoff: float = CUTOFF) -> list[int]:
    """Indexes of ``rows`` matching ``query``, best first; see :class:`FuzzyRows`."""
    return FuzzyRows(rows, weights).rank(query, cutoff)


class DocumentPicker(ModalScreen[str | None]):
    """Returns the chosen document's id, or None on escape."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without opening a document",
                id="documents.cancel"),
        Binding("enter", "open", "Open", priority=True,
                tooltip="Open the highlighted document", id="documents.open"),
        Binding("down", "cursor(1)", "Next", show=False, priority=True,
                tooltip="Highlight the next document", id="documents.next"),
        Binding("up", "cursor(-1)", "Previous", show=False, priority=True,
                tooltip="Highlight the previous document", id="documents.previous"),
        Binding("pagedown", "page(1)", "Page down", show=False,
                tooltip="Highlight a page further down", id="documents.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False,
                tooltip="Highlight a page further up", id="documents.page_up"),
    ]

    def __init__(self, documents: Sequence[tuple[str, str]], title: str = "Open document") -> None:
        super().__init__()
        self.documents = list(documents)
        self.dialog_title = title
        self._rows = FuzzyRows([(title_, doc_id) for doc_id, title_ in self.documents], (1.0, 0.9))

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog") as dialog:
            dialog.border_title = Content(one_line(self.dialog_title, 60))
            yield Input(placeholder="Type to filter documents", id="filter", compact=True)
            yield OptionList(id="documents", compact=True)
            yield Label(id="count", classes="dialog-status")
        yield KeyFooter()

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
        order = self._rows.rank(query)
        shown = order[:LIMIT]
        options.set_options(Option(self._prompt(*self.documents[i]), id=f"d{i}") for i in shown)
        if shown:
            options.highlighted = 0
        more = f" (best {len(shown)} shown: type to narrow)" if len(shown) < len(order) else ""
        self.query_one("#count", Label).update(
            Content(f"{len(order)} of {len(self.documents)} documents{more}"))

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
