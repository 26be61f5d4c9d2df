"""CoverageMatrixScreen: one row per policy, one column per category, the count of annotations in
each cell. Cells are coloured by count, gaps (no annotation) are red with a dash, and a
cell with no annotation but suggested clauses shows ``◌n`` in the warning colour.

Counts come from the one core function, ``reviewer.coverage.coverage`` (the same as
``reviewer coverage``), computed by the caller's ``build`` in a thread worker; suggestion counts
follow from ``suggested`` when given. Orphans (annotations whose text is gone) show as ``⊘n``, apart
from placed ones; a policy whose annotation file was refused says so across its row.

Keys as everywhere in the app: j/k/h/l and the arrows move, g/G go to the first/last policy, ``/``
starts a filter (enter keeps it, escape drops it), q quits and ? shows help. Enter returns the cell
as a ``CellChoice`` (the caller opens that policy at the first clause of that category); ctrl+n /
ctrl+t / ctrl+k sort by name, total, or the category under the cursor (again: reverse). Wide
terminals give the category columns room for their full names (wrapped on up to three lines).

With versioned policies (and a ``by_version`` source), ``v`` chooses the version counted (as
annotated, the latest, or one version of the policy under the cursor: the annotations re-anchored
there, nothing written) and ``d`` shows the change from the annotated version to that one: each
cell's places gained or lost and its annotated clauses that changed (screens/matrix_versions.py).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

from rich.style import Style
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static
from textual.worker import Worker, get_current_worker

from reviewer.tui.workers import forward_failure
from reviewer.coverage import CoverageMatrix, coverage
from reviewer.safetext import one_line, visible
from reviewer.taxonomy import Taxonomy
from reviewer.tui.ghosts import GHOST_BADGE
from reviewer.tui.widgets.key_footer import KeyFooter
from reviewer.tui.widgets.matrix_grid import Cell, Column, MatrixGrid
from reviewer.tui.wording import counted
from reviewer.versions.coverage import ANNOTATED, LATEST, VersionCoverage, VersionView

if TYPE_CHECKING:
    from reviewer.tui.screens.matrix_versions import VersionChoice

TITLE_WIDTH = 28
CELL_WIDTH = 8
TOTAL = "\x00total"     # column keys that are not category slugs
TITLE = "\x00title"
GAP = "\u2013"          # en dash in a red cell: no annotation of this category
ORPHAN = "\u2298"       # circled slash: annotations of this category whose text is no longer there
HEADER_LINES = 3        # at most this many header lines for full category names
MAX_CELL_WIDTH = 24


@dataclass(frozen=True)
class CellChoice:
    """The cell the analyst opened: a policy and a category (None: the policy's name or total)."""

    document: str
    category: str | None


SuggestedCounts = Mapping[str, Mapping[str, int]]   # document -> category -> suggested clauses


def wrap_label(text: str, width: int) -> list[str]:
    """A header label on lines of at most ``width`` cells, broken at spaces and after "/"; a word
    longer than ``width`` is cut (the caller then falls back to one short line)."""
    lines: list[str] = []
    line = ""
    for word in re.findall(r"[^\s/]+/?|/", text):
        glue = "" if not line or line.endswith("/") else " "
        if len(line) + len(glue) + len(word) <= width:
            line += glue + word
        else:
            if line:
                lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def header_layout(labels: Sequence[str], room: int) -> tuple[int, list[str]]:
    """(cell width, header label per column): full labels, wrapped, when the room allows them on
    at most three lines; else one line each, cut."""
    if not labels:
        return CELL_WIDTH, []
    width = max(CELL_WIDTH, min(MAX_CELL_WIDTH, room // len(labels)))
    inner = width - 1
    if width > CELL_WIDTH:
        wrapped = [wrap_label(label, inner) for label in labels]
        if all(len(w) <= HEADER_LINES and all(len(line) <= inner for line in w) for w in wrapped):
            return width, ["\n".join(line.center(inner) + " " for line in w) for w in wrapped]
    return width, [one_line(label, inner).center(inner) + " " for label in labels]


class CoverageMatrixScreen(Screen[CellChoice | None]):
    """Policies x categories. Returns a CellChoice on enter, None on escape."""

    AUTO_FOCUS = ""     # no widget has focus until / opens the filter: the keys below reach the screen
    STYLESHEET = "compare.tcss"   # read before the first paint when it opens first (stylesheets.py)
    BINDINGS = [
        Binding("escape", "close", "Close", id="matrix.close",
                tooltip="Drop the filter, or back to the panes"),
        Binding("slash", "filter", "Filter", id="matrix.filter", tooltip="Filter policies by name (enter keeps it)"),
        Binding("j", "move(1, 0)", "Down", show=False, id="matrix.down_vim", tooltip="Next policy"),
        Binding("k", "move(-1, 0)", "Up", show=False, id="matrix.up_vim", tooltip="Previous policy"),
        Binding("h", "move(0, -1)", "Left", show=False, id="matrix.left_vim", tooltip="Previous column"),
        Binding("l", "move(0, 1)", "Right", show=False, id="matrix.right_vim", tooltip="Next column"),
        Binding("g,home", "edge(-1)", "First policy", show=False, id="matrix.top", tooltip="First policy"),
        Binding("G,end", "edge(1)", "Last policy", show=False, id="matrix.bottom", tooltip="Last policy"),
        Binding("enter", "open", "Open", priority=True, id="matrix.open",
                tooltip="Open this policy in a pane at its first clause of this category"),
        Binding("up", "move(-1, 0)", "Up", show=False, priority=True, id="matrix.up", tooltip="Previous policy"),
        Binding("down", "move(1, 0)", "Down", show=False, priority=True, id="matrix.down", tooltip="Next policy"),
        Binding("left", "move(0, -1)", "Left", show=False, priority=True, id="matrix.left", tooltip="Previous column"),
        Binding("right", "move(0, 1)", "Right", show=False, priority=True, id="matrix.right", tooltip="Next column"),
        Binding("pageup", "move(-20, 0)", "Page up", show=False, priority=True, id="matrix.page_up",
                tooltip="A page of policies up"),
        Binding("pagedown", "move(20, 0)", "Page down", show=False, priority=True, id="matrix.page_down",
                tooltip="A page of policies down"),
        Binding("ctrl+n", "sort('name')", "Sort: name", priority=True, id="matrix.sort_name",
                tooltip="Sort policies by name"),
        Binding("ctrl+t", "sort('total')", "Sort: total", priority=True, id="matrix.sort_total",
                tooltip="Sort policies by their number of annotations (fewest first; again: most first)"),
        Binding("ctrl+k", "sort('column')", "Sort: category", priority=True, id="matrix.sort_column",
                tooltip="Sort policies by the category under the cursor (gaps first; again: most first)"),
        Binding("v", "version", "Version", id="matrix.version",
                tooltip="Count the versioned policies at another version: as annotated, the latest, or one picked"),
        Binding("d", "changes", "Changes", show=False, id="matrix.changes",
                tooltip="The change from the annotated version: places gained or lost, annotated clauses changed"),
    ]

    @dataclass
    class MatrixReady(Message):
        matrix: CoverageMatrix
        versions: VersionCoverage | None = None

    @dataclass
    class SuggestedReady(Message):
        counts: dict[str, Counter[str]]

    def __init__(self, taxonomy: Taxonomy, build: Callable[[], CoverageMatrix],
                 suggested: Callable[[Sequence[str]], SuggestedCounts] | None = None,
                 *, suggestions_note: str = "", by_version: Callable[[VersionView], VersionCoverage] | None = None,
                 choices: Callable[[], list[VersionChoice]] | None = None, policies: Sequence[str] = ()) -> None:
        """``by_version`` counts at the versions a view asks for; ``choices``: each versioned
        policy's versions (without them, ``v`` and ``d`` are off); ``policies``: the rows, shown
        by name at once while their counts are made."""
        super().__init__()
        self.taxonomy = taxonomy
        self._build = build
        self._suggested_source = suggested
        self._note = suggestions_note
        self.matrix: CoverageMatrix | None = None
        self._outline = coverage(policies, {}, taxonomy) if policies else None   # rows and columns, no counts
        self.counts_drawn = False   # a frame with the counts was drawn (the workspace's background waits)
        self._by_version = by_version
        self._choices = choices
        self.view = VersionView()
        self.versions: VersionCoverage | None = None   # what by_version counted (None: as annotated)
        self.suggested: dict[str, Counter[str]] = {}
        self.sort_key: tuple[str, bool] = ("name", False)   # (name | total | slug, descending)
        self.order: list[str] = []                           # document ids shown, in order
        self._styles: dict[tuple, Style] = {}
        self._all: list[str] = []
        self._row_cache: dict[str, list[Cell]] = {}
        self._top = 0
        self._cell_width = CELL_WIDTH
        self._room = 0

    # -- layout -------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(Content("Counting annotations\u2026"), id="matrix-summary")
        search = Input(placeholder="Filter policies by name (enter keeps it, escape drops it)", id="matrix-filter",
                       compact=True)
        search.display = False   # shown by /
        yield search
        yield MatrixGrid(self._cells, fixed=2, id="matrix")  # not focusable: the screen owns the keys
        yield Static(Content(""), id="matrix-cell")
        yield Static(self._legend(), id="matrix-legend")
        yield KeyFooter()

    def _legend(self) -> Content:
        if self.versions is not None and self.view.change:
            from reviewer.tui.screens.matrix_versions import change_legend
            return change_legend(self.versions)
        return Content.assemble(("12", "bold"), " annotations (stronger: more)  ", (GAP, "bold $error"),
                                " none: a gap  ", (f"{ORPHAN}2", "bold $secondary"), " none placed, 2 orphaned  ",
                                (f"{GHOST_BADGE}3", "bold $warning"), " none, 3 clauses suggested  ", self._note)

    def reload(self, suggestions_note: str = "") -> None:
        """Count again (e.g. suggestions just became ready); the cursor and filter stay."""
        self._note = suggestions_note
        self.query_one("#matrix-legend", Static).update(self._legend())
        self.load()

    def on_mount(self) -> None:
        if self._outline is not None:   # the names in the first frame; counts fill in when made
            self._layout_columns()
            self._sort_rows()
            self.grid.set_rows(self._all)
        self.load()
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def on_unmount(self) -> None:
        self.app.theme_changed_signal.unsubscribe(self)

    def _theme_changed(self, _theme) -> None:
        self._styles.clear()
        self._row_cache.clear()
        self.grid.invalidate()

    @property
    def grid(self) -> MatrixGrid:
        return self.query_one(MatrixGrid)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        forward_failure(self, event)

    @work(thread=True, exclusive=True, group="matrix", exit_on_error=False)
    def load(self) -> None:
        """Counts (and then suggestion counts) off the UI thread: 1,000 policies stay responsive."""
        worker = get_current_worker()
        view = self.view
        versions = None if self._by_version is None or view == VersionView() else self._by_version(view)
        matrix = self._build() if versions is None else versions.matrix
        if worker.is_cancelled:
            return
        self.post_message(self.MatrixReady(matrix, versions))
        if self._suggested_source is not None:
            counts = self._suggested_source(matrix.rows)
            if not worker.is_cancelled and counts:
                self.post_message(self.SuggestedReady({d: Counter(c) for d, c in counts.items()}))

    @on(MatrixReady)
    def _matrix_ready(self, event: MatrixReady) -> None:
        first = self.matrix is None
        self.matrix = event.matrix
        self.versions = event.versions
        self.query_one("#matrix-legend", Static).update(self._legend())
        self._row_cache.clear()
        self._top = max(event.matrix.cells.values(), default=0)  # one scale: same count, same colour
        self._layout_columns()
        self._sort_rows()
        self._fill()
        if first and event.matrix.columns:
            self.grid.move_cursor(0, 2)
        self._summary()

    def _layout_columns(self) -> None:
        """Columns for the current width: wider cells with full names when the terminal has room."""
        m = self.matrix or self._outline
        if m is None:
            return
        self._room = self.size.width
        room = self._room - 4 - TITLE_WIDTH - 7          # margins and a vertical scrollbar; title, total
        labels = []
        for slug in m.columns:
            cat = self.taxonomy.get(slug)
            key = getattr(cat, "key", "") or ""
            labels.append(visible(f"{key} {m.names.get(slug, slug)}".strip()))
        width, heads = header_layout(labels, room)
        if width != self._cell_width:
            self._cell_width = width
            self._row_cache.clear()
        columns = [Column(TITLE, " Policy (document)", TITLE_WIDTH), Column(TOTAL, "total".rjust(6) + " ", 7)]
        columns.extend(Column(slug, head, width, gap=True) for slug, head in zip(m.columns, heads))
        self.grid.set_columns(columns)

    def on_resize(self, event) -> None:
        if (self.matrix or self._outline) is not None and self.size.width != self._room:
            self._layout_columns()

    @on(SuggestedReady)
    def _suggested_ready(self, event: SuggestedReady) -> None:
        self.suggested = event.counts
        self._row_cache.clear()
        self.grid.invalidate()
        self._describe()
        self._summary()

    # -- rows ------------------------------------------------------------------------------------------
    def _title(self, doc_id: str) -> str:
        assert self.matrix is not None
        return self.matrix.titles.get(doc_id, doc_id)

    def _sort_rows(self) -> None:
        m = self.matrix or self._outline
        if m is None:
            return
        key, descending = self.sort_key
        rows = list(m.rows)
        rows.sort(key=lambda d: (d.casefold(), d))  # by the name the row shows: the document id
        if key == "total":
            rows.sort(key=m.row_total, reverse=descending)
        elif key != "name":
            rows.sort(key=lambda d: m.count(d, key), reverse=descending)
        elif descending:
            rows.reverse()
        self._all = rows

    def _matches(self, doc_id: str, words: list[str]) -> bool:
        hay = f"{self._title(doc_id)} {doc_id}".casefold()
        return all(w in hay for w in words)

    def _fill(self) -> None:
        """The rows shown: sorted, then filtered; the cursor stays on its policy and column. Only
        the list of keys changes: the grid builds the visible rows when it paints."""
        if self.matrix is None:
            return
        words = self.query_one(Input).value.casefold().split()
        at_doc, _col = self.cursor_cell()
        self.order = [d for d in self._all if self._matches(d, words)] if words else list(self._all)
        grid = self.grid
        grid.empty_text = "no policy matches" if words else "no policy"
        grid.set_rows(self.order)
        if self.order:
            grid.move_cursor(self.order.index(at_doc) if at_doc in self.order else 0)
        self._describe()

    def _cells(self, doc_id: str) -> list[Cell]:
        """The cells of one row (cached until the counts, suggestions or theme change)."""
        cells = self._row_cache.get(doc_id)
        if cells is None:
            title = (" " + one_line(doc_id, TITLE_WIDTH - 2), Style())
            m = self.matrix
            if m is None:   # still counting: the name, and blank cells
                return [title, *(("", Style()) for _ in self.grid.columns[1:])]
            self.counts_drawn = True   # the grid asks for rows as it draws them
            counts = m.row(doc_id)
            suggested: Mapping[str, int] = self.suggested.get(doc_id, Counter())
            if doc_id in m.unreadable:
                cells = [title, ("? ".rjust(7), Style(bold=True)), *self._unreadable_cells(len(m.columns))]
            elif self.versions is not None and self.view.change:
                cells = [title, *self._change_cells(doc_id)]
            else:
                cells = [title, (f"{sum(counts)} ".rjust(7), Style(bold=True))]
                cells.extend(self._cell(n, m.orphaned(doc_id, slug), suggested.get(slug, 0))
                             for slug, n in zip(m.columns, counts))
            self._row_cache[doc_id] = cells
        return cells

    def _change_cells(self, doc_id: str) -> list[Cell]:
        """The total and category cells of the change view: what each cell gained or lost."""
        from reviewer.tui.screens.matrix_versions import change_cell, change_total

        vc, m = self.versions, self.matrix
        assert vc is not None and m is not None
        cells: list[Cell] = [(change_total(vc, doc_id).rjust(7), Style(bold=True))]
        for slug in m.columns:
            text, kind = change_cell(vc, doc_id, slug, self._cell_width - 1)
            cells.append((text, self._style(kind, 0)))
        return cells

    def _unreadable_cells(self, n: int) -> list[Cell]:
        """The row says it, across its category cells: its counts are unknown, not zero."""
        text = " unreadable annotation file: not counted (see the cell line below)".ljust(n * self._cell_width)
        style = self._style("unreadable", 0)
        w = self._cell_width
        return [(text[i * w:(i + 1) * w], style) for i in range(n)]

    def _cell(self, n: int, orphans: int, suggested: int) -> Cell:
        inner = self._cell_width - 1  # one blank column between cells
        if n > 0:
            level = math.log1p(n) / math.log1p(max(self._top, 1))
            text = f"{n} {ORPHAN}{orphans}" if orphans and len(f"{n} {ORPHAN}{orphans}") <= inner else f"{n}"
            return text.center(inner) + " ", self._style("count", round(level * 4))
        if orphans:
            return f"{ORPHAN}{orphans}".center(inner) + " ", self._style("orphan", 0)
        if suggested:
            return f"{GHOST_BADGE}{suggested}".center(inner) + " ", self._style("suggested", 0)
        return GAP.center(inner) + " ", self._style("gap", 0)

    def _style(self, kind: str, level: int) -> Style:
        """A style from the current theme's colours (cached per theme)."""
        key = (kind, level)
        style = self._styles.get(key)
        if style is None:
            variables = self.app.theme_variables
            ground = Color.parse(variables.get("surface", "#202020"))
            if kind == "count":
                bg = ground.blend(Color.parse(variables.get("primary", "#0178d4")), 0.2 + 0.2 * level)
            elif kind == "suggested":
                bg = ground.blend(Color.parse(variables.get("warning", "#ffa62b")), 0.35)
            elif kind == "orphan":
                bg = ground.blend(Color.parse(variables.get("secondary", "#004578")), 0.45)
            elif kind == "unreadable" or kind == "same":
                bg = ground.blend(Color.parse(variables.get("foreground", "#e0e0e0")), 0.15)
            elif kind in ("gain", "changed"):
                colour = variables.get("success", "#4EBF71") if kind == "gain" else variables.get("warning", "#ffa62b")
                bg = ground.blend(Color.parse(colour), 0.45)
            else:
                bg = ground.blend(Color.parse(variables.get("error", "#ba3c5b")), 0.55)
            fg = bg.get_contrast_text(1.0)
            style = self._styles[key] = Style(color=fg.rich_color, bgcolor=bg.rich_color, bold=True)
        return style

    # -- cursor and what it shows ---------------------------------------------------------------------------
    def cursor_cell(self) -> tuple[str | None, str | None]:
        """(document id, column key) under the cursor; column is a slug, TITLE or TOTAL."""
        grid = self.grid
        ids = grid.rows
        if not ids or self.matrix is None or not grid.columns:
            return None, None
        row, col = grid.cursor_row, grid.cursor_column
        doc = ids[row] if 0 <= row < len(ids) else None
        keys = [TITLE, TOTAL, *self.matrix.columns]
        return doc, keys[col] if 0 <= col < len(keys) else None

    def _summary(self) -> None:
        m = self.matrix
        if m is None:
            return
        holes = [(d, c) for d in m.rows if d not in m.unreadable for c in m.columns
                 if m.count(d, c) == 0 and not m.orphaned(d, c)]
        only = sum(1 for d, c in holes if self.suggested.get(d, Counter())[c])
        text = " \u00b7 ".join([counted(len(m.rows), "policy", "policies"),
                                 counted(len(m.columns), "category", "categories"),
                                 counted(m.annotations, "annotation"), counted(len(holes), "gap")])
        text += f" ({only} with suggestions)" if only else ""
        if self.versions is not None:
            from reviewer.tui.screens.matrix_versions import change_summary, describe_view
            text = (change_summary(self.versions) if self.view.change
                    else f"{describe_view(self.versions)} \u00b7 {text}")
        if m.orphan_total() and not self.view.change:
            text += f" \u00b7 {m.orphan_total()} orphaned"
        if m.unreadable:
            text += f" \u00b7 {len(m.unreadable)} unreadable"
        key, descending = self.sort_key
        name = {"name": "name", "total": "total"}.get(key) or self.taxonomy.name(key)
        text += f" \u00b7 sorted by {name}{' (descending)' if descending else ''}"
        self.query_one("#matrix-summary", Static).update(Content(one_line(text, 400)))

    def _describe(self) -> None:
        doc, col = self.cursor_cell()
        m = self.matrix
        label = self.query_one("#matrix-cell", Static)
        if m is None or doc is None:
            label.update(Content("No policy matches the filter" if m is not None else ""))
            return
        title = one_line(self._title(doc), 60)
        if doc in m.unreadable:
            label.update(Content(one_line(f"{title}: annotation file unreadable, not counted: {m.unreadable[doc]}",
                                          300)))
            return
        if self.versions is not None and self.view.change:
            from reviewer.tui.screens.matrix_versions import change_line
            slug = None if col in (TITLE, TOTAL, None) else col
            text = change_line(self.versions, doc, slug, title, one_line(self.taxonomy.name(slug or ""), 60))
            label.update(Content(one_line(text, 300)))
            return
        if col in (TITLE, TOTAL, None):
            n = m.annotation_counts.get(doc, 0)
            label.update(Content(f"{title}: {n} annotation{'s' if n != 1 else ''} (enter opens it)"))
            return
        name = one_line(self.taxonomy.name(col), 60)
        n = m.count(doc, col)
        s = self.suggested.get(doc, Counter())[col]
        o = m.orphaned(doc, col)
        lost = f"; {o} orphaned (its text is gone: O in the pane lists them)" if o else ""
        if n:
            what = f"{n} place{'s' if n != 1 else ''} annotated (enter opens the first; ] and [ walk them){lost}"
        elif o:
            what = f"no placed annotation{lost}"
        elif s:
            what = f"no annotation; {s} clause{'s' if s != 1 else ''} suggested (enter shows the best)"
        else:
            missing = len(m.missing(col))
            what = (f"nothing \u2014 a gap ({missing} of {counted(len(m.rows), 'policy', 'policies')} "
                    f"say{'s' if missing == 1 else ''} nothing about it)")
        label.update(Content(one_line(f"{title} \u00b7 {name}: {what}", 300)))

    @on(MatrixGrid.CursorMoved)
    def _highlighted(self, event: MatrixGrid.CursorMoved) -> None:
        self._describe()

    @on(Input.Changed, "#matrix-filter")
    def _filtered(self, event: Input.Changed) -> None:
        self._fill()

    @on(Input.Submitted, "#matrix-filter")
    def _submitted(self, event: Input.Submitted) -> None:
        self._end_filter(keep=True)

    def _end_filter(self, keep: bool) -> None:
        """Back to moving in the grid: the filter stays shown while it filters."""
        field = self.query_one(Input)
        if not keep and field.value:
            field.value = ""
            self._fill()
        field.display = bool(field.value)
        self.set_focus(None)

    @on(MatrixGrid.CellClicked)
    def _clicked(self, event: MatrixGrid.CellClicked) -> None:
        self.action_open()

    @on(MatrixGrid.HeaderClicked)
    def _header(self, event: MatrixGrid.HeaderClicked) -> None:
        key = self.grid.columns[event.column].key
        self._sort({TITLE: "name", TOTAL: "total"}.get(key, key))

    # -- actions ---------------------------------------------------------------------------------------------
    def action_move(self, rows: int, columns: int) -> None:
        grid = self.grid
        if not self.order:
            return
        if abs(rows) > 1:
            rows = grid.page if rows > 0 else -grid.page
        grid.move_cursor(grid.cursor_row + rows, grid.cursor_column + columns)

    def action_edge(self, direction: int) -> None:
        if self.order:
            self.grid.move_cursor(0 if direction < 0 else len(self.order) - 1)

    def action_filter(self) -> None:
        field = self.query_one(Input)
        field.display = True
        field.focus()

    def action_open(self) -> None:
        if self.query_one(Input).has_focus:   # enter while typing a filter keeps it
            self._end_filter(keep=True)
            return
        doc, col = self.cursor_cell()
        if doc is None:
            return
        self.dismiss(CellChoice(doc, None if col in (TITLE, TOTAL, None) else col))

    def action_close(self) -> None:
        field = self.query_one(Input)
        if field.value or field.has_focus:
            self._end_filter(keep=False)
            return
        self.dismiss(None)

    # -- versions ------------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("version", "changes"):   # without versioned policies the keys mean nothing: hidden
            return self._by_version is not None and self._version_choice() is not None
        return True

    def _version_choice(self) -> VersionChoice | None:
        """The versioned policy under the cursor, else the first one (None: there is none)."""
        choices = self._choices() if self._choices is not None else []
        doc, _col = self.cursor_cell()
        return next((c for c in choices if c.document == doc), choices[0] if choices else None)

    def action_version(self) -> None:
        from reviewer.tui.screens.matrix_versions import VersionChooser

        choice = self._version_choice()
        if choice is not None:
            self.app.push_screen(VersionChooser(choice, self.view), self._show_view)

    def action_changes(self) -> None:
        """Toggle the change view; from the annotated version there is nothing to compare: the latest."""
        view = self.view
        kind = LATEST if view.kind == ANNOTATED else view.kind
        self._show_view(VersionView(kind, view.document, view.version, change=not view.change))

    def _show_view(self, view: VersionView | None) -> None:
        if view is None or view == self.view:
            return
        self.view = view
        self.query_one("#matrix-summary", Static).update(Content("Re-anchoring at the version asked for\u2026"))
        self.load()

    def action_sort(self, what: str) -> None:
        if what == "column":
            _doc, col = self.cursor_cell()
            col = col or TITLE
            what = {TITLE: "name", TOTAL: "total"}.get(col, col)
        self._sort(what)

    def _sort(self, key: str) -> None:
        old, descending = self.sort_key
        self.sort_key = (key, not descending if key == old else False)
        self._sort_rows()
        self._fill()
        self._summary()


__all__ = ["CellChoice", "CoverageMatrixScreen", "SuggestedCounts"]
