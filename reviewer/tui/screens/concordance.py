"""ConcordanceScreen: every annotation of some categories, across the open policies, in context.

One line per annotation (keyword in context: the text before, the quote, the text after), with its
document, anchoring status and categories, drawn with the line API (``KwicGrid``, a focusable
``MatrixGrid``): only the visible lines are built, so 10,000 annotations show at once. The rows
come from ``reviewer.concordance`` (the same core as ``reviewer query``) over the session's
annotations. ``g`` switches between document order and groups of near-identical clauses; ``/``
filters by text as it is typed; ``c`` chooses the categories. ``space`` marks rows, and ``=`` / ``+`` / ``-`` set,
add or remove a category on the marked rows (or the one under the cursor) in ONE undoable step
(``Session.recategorise``); ``u`` undoes it. ``enter`` returns ``(document, start)`` of the row so
the caller can jump there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from rich.style import Style
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static

from reviewer.concordance import Entry, entries, grouped_order
from reviewer.safetext import one_line
from reviewer.session import Outcome, Session
from reviewer.tui.screens.category_chooser import CategoryChooser
from reviewer.tui.widgets.matrix_grid import Cell, Column, MatrixGrid

MARK = "\u25cf"   # a marked row
DOC_WIDTH, STATUS_WIDTH, GROUP_WIDTH, CATS_WIDTH = 16, 7, 5, 26


class KwicGrid(MatrixGrid, can_focus=True):
    """The concordance's lines: a MatrixGrid that takes the keyboard focus."""


class ConcordanceScreen(Screen[tuple[str, int] | None]):
    """Returns (document id, start offset) of the chosen row on enter, None on escape."""

    CSS_PATH = str(Path(__file__).parent.parent / "styles" / "team.tcss")

    BINDINGS = [
        Binding("escape", "close", "Close", id="kwic.close", tooltip="Back (from the filter: to the list)"),
        Binding("enter", "choose", "Jump", id="kwic.jump", tooltip="Go to this annotation in the workspace"),
        Binding("up,k", "move(-1)", "Up", show=False, id="kwic.up", tooltip="Previous annotation"),
        Binding("down,j", "move(1)", "Down", show=False, id="kwic.down", tooltip="Next annotation"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="kwic.page_up", tooltip="A page up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="kwic.page_down", tooltip="A page down"),
        Binding("home", "edge(0)", "First", show=False, id="kwic.first", tooltip="First annotation"),
        Binding("end", "edge(1)", "Last", show=False, id="kwic.last", tooltip="Last annotation"),
        Binding("space", "mark", "Mark", id="kwic.mark", tooltip="Mark or unmark this row (for re-tagging)"),
        Binding("asterisk", "mark_all", "Mark all", id="kwic.mark_all", tooltip="Mark every row shown (again: none)"),
        Binding("equals_sign", "retag('set')", "Set", id="kwic.set", tooltip="Marked rows: this category only"),
        Binding("plus", "retag('add')", "Add", id="kwic.add", tooltip="Marked rows: add a category"),
        Binding("minus", "retag('remove')", "Remove", id="kwic.remove", tooltip="Marked rows: remove a category"),
        Binding("u,ctrl+z", "undo", "Undo", id="kwic.undo", tooltip="Undo the last change"),
        Binding("g", "group", "Group/sort", id="kwic.group",
                tooltip="Group near-identical clauses, or back to document order"),
        Binding("slash", "filter", "Filter", id="kwic.filter", tooltip="Filter by text in the quote or note"),
        Binding("c", "categories", "Categories", id="kwic.categories", tooltip="Choose the categories listed"),
    ]

    def __init__(self, session: Session, categories: Iterable[str] = (), text: str = "", *,
                 changed: Callable[[set[str]], None] | None = None) -> None:
        super().__init__()
        self.session = session
        self.taxonomy = session.taxonomy
        self.categories = list(categories)
        self.text = text
        self.grouped = False
        self.items: list[Entry] = []
        self.order: list[tuple[int, int, int]] = []   # (item index, group number, group size) per row
        self.marked: set[tuple[str, int, int, str]] = set()
        self._changed = changed or (lambda docs: None)
        self._cells: dict[str, list[Cell]] = {}
        self.loaded = False   # every document's annotations are in the list (tests wait on it)

    # -- layout ----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(Content(""), id="kwic-summary")
        yield Input(self.text, placeholder="/ filter by text in the quote or note", id="kwic-filter", compact=True)
        yield KwicGrid(self._row, id="kwic")
        yield Static(Content(""), id="kwic-status")
        yield Static(self._legend(), id="kwic-keys")  # a Footer costs ~0.15 s to mount: the list comes first

    def _legend(self) -> Content:
        """The keys, from BINDINGS (so the line stays true to them)."""
        parts = []
        for b in self.BINDINGS:
            if isinstance(b, Binding) and b.show:
                key = b.key.split(",")[0]
                shown = {"escape": "esc", "enter": "⏎", "asterisk": "*", "equals_sign": "=", "plus": "+",
                         "minus": "-", "slash": "/"}.get(key, key)
                parts.append(Content.assemble((f" {shown} ", "bold $accent"), b.description))
        return Content(" ").join(parts)

    @property
    def grid(self) -> KwicGrid:
        return self.query_one(KwicGrid)

    def on_mount(self) -> None:
        variables = self.app.theme_variables
        self._accent = Style(bold=True, color=variables.get("warning", "#ffa62b"))
        self._columns()
        self.grid.focus()
        if all(self.session.is_loaded(d.id) for d in self.session.documents):
            self.reload()
        else:
            self._describe("Reading the annotations of every open policy\u2026")
            self._load()

    @work(thread=True, exclusive=True, group="concordance", exit_on_error=False)
    def _load(self) -> None:
        """Policies not shown in a pane yet have their files read and re-anchored off the UI thread."""
        for doc in list(self.session.documents):
            self.session.annotations(doc.id)
        self.app.call_from_thread(self._loaded)

    def _loaded(self) -> None:
        self.reload()

    def on_resize(self) -> None:
        self._columns()

    def _columns(self) -> None:
        width = max(80, self.size.width - 2)
        rest = width - 2 - DOC_WIDTH - STATUS_WIDTH - GROUP_WIDTH - CATS_WIDTH
        side = max(10, rest // 5)
        quote = max(20, rest - 2 * side)
        self._widths = (side, quote)
        self._cells.clear()
        self.grid.set_columns([Column("mark", " ", 2), Column("doc", "document", DOC_WIDTH),
                               Column("status", "status", STATUS_WIDTH), Column("group", "same", GROUP_WIDTH),
                               Column("left", "", side), Column("quote", "quote", quote),
                               Column("right", "", side), Column("cats", "categories", CATS_WIDTH)])
        self.grid.move_cursor(column=5)

    # -- rows ------------------------------------------------------------------------------------
    def reload(self) -> None:
        """Collect the entries again (after a change, a new filter or other categories)."""
        docs = []
        for doc in self.session.documents:
            if self.session.load_error(doc.id):
                continue
            docs.append((doc.id, doc.text, self.session.annotations(doc.id), self.session.anchor_status(doc.id)))
        at = self.current()
        self.items = entries(docs, self.categories, self.text)
        self.loaded = True
        self._arrange(at)

    def _arrange(self, at: Entry | None) -> None:
        """Rows in document order or grouped; the cursor stays on ``at`` when it is still shown."""
        if self.grouped:
            self.order = grouped_order(self.items)
        else:
            self.order = [(i, i, 1) for i in range(len(self.items))]
        self._cells.clear()
        self.grid.set_rows([str(n) for n in range(len(self.order))])
        keys = [self.items[i].key for i, _, _ in self.order]
        if at is not None and at.key in keys:
            self.grid.move_cursor(keys.index(at.key))
        self.grid.invalidate()
        self._summary()
        self._describe()

    def _row(self, key: str) -> list[Cell]:
        cells = self._cells.get(key)
        if cells is None:
            index, group, size = self.order[int(key)]
            e = self.items[index]
            a = e.annotation
            side, quote = self._widths
            left = one_line(e.left)[-(side - 1):].rjust(side - 1) + " "
            body = one_line(a.quote)
            body = body if len(body) <= quote - 1 else body[: quote - 2] + "\u2026"
            muted = Style(dim=True)
            cells = [
                ((MARK if e.key in self.marked else " ") + " ", self._accent),
                (one_line(e.document, DOC_WIDTH - 1).ljust(DOC_WIDTH), Style()),
                (e.status.ljust(STATUS_WIDTH), muted if e.status == "exact" else self._accent),
                ((f"\u00d7{size}" if size > 1 else "").ljust(GROUP_WIDTH), Style(bold=True)),
                (left, muted),
                (body.ljust(quote), Style(bold=True)),
                (one_line(e.right)[: side - 1].ljust(side), muted),
                (one_line(", ".join(a.categories) or "(none)", CATS_WIDTH), Style()),
            ]
            self._cells[key] = cells
        return cells

    def current(self) -> Entry | None:
        row = self.grid.cursor_row
        if not self.order or not 0 <= row < len(self.order):
            return None
        return self.items[self.order[row][0]]

    def _summary(self) -> None:
        cats = ", ".join(self.taxonomy.name(c) for c in self.categories) or "all categories"
        docs = len({e.document for e in self.items})
        text = (f"Concordance \u00b7 {cats} \u00b7 {len(self.items)} annotation{'s' if len(self.items) != 1 else ''} "
                f"in {docs} polic{'ies' if docs != 1 else 'y'}"
                + (f" \u00b7 holding \u201c{self.text}\u201d" if self.text else "")
                + (" \u00b7 grouped" if self.grouped else " \u00b7 by document")
                + (f" \u00b7 {len(self.marked)} marked" if self.marked else ""))
        self.query_one("#kwic-summary", Static).update(Content(one_line(text, 400)))

    def _describe(self, message: str = "") -> None:
        e = self.current()
        if message:
            text = message
        elif e is None:
            text = "No annotation matches." if not self.items else ""
        else:
            a = e.annotation
            text = f"{e.document} {a.start}-{a.end}: {a.quote}" + (f"  \u2014 note: {a.note}" if a.note else "")
        self.query_one("#kwic-status", Static).update(Content(one_line(text, 400)))

    @on(MatrixGrid.CursorMoved)
    def _moved(self) -> None:
        self._describe()

    @on(MatrixGrid.CellClicked)
    def _clicked(self) -> None:
        self.action_choose()

    # -- keys ------------------------------------------------------------------------------------
    def action_move(self, delta: int) -> None:
        self.grid.move_cursor(self.grid.cursor_row + delta)

    def action_page(self, delta: int) -> None:
        self.grid.move_cursor(self.grid.cursor_row + delta * self.grid.page)

    def action_edge(self, end: int) -> None:
        self.grid.move_cursor(len(self.order) - 1 if end else 0)

    def action_mark(self) -> None:
        e = self.current()
        if e is None:
            return
        self.marked.symmetric_difference_update({e.key})
        self._cells.pop(str(self.grid.cursor_row), None)
        self.grid.invalidate()
        self.action_move(1)
        self._summary()

    def action_mark_all(self) -> None:
        shown = {e.key for e in self.items}
        self.marked = set() if shown and shown <= self.marked else shown
        self._cells.clear()
        self.grid.invalidate()
        self._summary()

    def action_group(self) -> None:
        at = self.current()
        self.grouped = not self.grouped
        self._arrange(at)

    def action_filter(self) -> None:
        self.query_one("#kwic-filter", Input).focus()

    @on(Input.Changed, "#kwic-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        """Filter as you type (a list operation: about 20 ms for 10,000 annotations)."""
        if event.value.strip() != self.text and self.loaded:
            self.text = event.value.strip()
            self.reload()

    @on(Input.Submitted, "#kwic-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        self._filter_changed(Input.Changed(event.input, event.value))
        self.grid.focus()

    def action_categories(self) -> None:
        def chosen(slugs: list[str] | None) -> None:
            if slugs is not None:
                self.categories = slugs
                self.reload()
        self.app.push_screen(CategoryChooser(self.taxonomy, "Concordance of which categories?", self.categories),
                             chosen)

    def targets(self) -> list[Entry]:
        """The marked rows, or the one under the cursor when none is marked."""
        if self.marked:
            return [e for e in self.items if e.key in self.marked]
        e = self.current()
        return [e] if e is not None else []

    def action_retag(self, mode: str) -> None:
        rows = self.targets()
        if not rows:
            return
        verb = {"set": "Set", "add": "Add", "remove": "Remove"}[mode]

        def chosen(slugs: list[str] | None) -> None:
            if slugs:
                self.retag(rows, mode, slugs[0])
        title = f"{verb} which category on {len(rows)} annotation{'s' if len(rows) != 1 else ''}?"
        self.app.push_screen(CategoryChooser(self.taxonomy, title, single=True), chosen)

    def retag(self, rows: list[Entry], mode: str, slug: str) -> Outcome:
        """Set, add or remove ``slug`` on ``rows`` as one undoable step."""
        name = self.taxonomy.name(slug)
        if mode == "set":
            def categories(ann):
                return (slug,)
            message = f"Set {name}"
        elif mode == "add":
            def categories(ann):
                return (*ann.categories, slug)
            message = f"Added {name}"
        else:
            def categories(ann):
                return tuple(c for c in ann.categories if c != slug)
            message = f"Removed {name}"
        outcome = self.session.recategorise([(e.document, e.annotation.id) for e in rows], categories, message)
        self.marked.clear()
        self._after(outcome, {e.document for e in rows})
        return outcome

    def action_undo(self) -> None:
        outcome = self.session.undo()
        if outcome is None:
            self._describe("Nothing to undo.")
            return
        self._after(outcome, {d.id for d in self.session.documents})  # one step may span documents

    def _after(self, outcome: Outcome, docs: set[str]) -> None:
        self.reload()
        self._changed(docs)
        self._describe(outcome.message + (f" \u2014 {outcome.error}" if outcome.error else ""))
        if outcome.message and not outcome.error:
            self.app.notify(one_line(outcome.message, 200), title="Concordance", timeout=4, markup=False)
        if outcome.error:
            self.app.notify(one_line(outcome.error, 200), title="Concordance", severity="error", markup=False)

    def action_choose(self) -> None:
        e = self.current()
        if e is not None:
            self.dismiss((e.document, e.annotation.start))

    def action_close(self) -> None:
        if self.query_one("#kwic-filter", Input).has_focus:
            self.grid.focus()
            return
        self.dismiss(None)


__all__ = ["ConcordanceScreen", "KwicGrid"]
