"""MatrixGrid: the coverage matrix's rows drawn with the line API (only the visible rows are built).

A DataTable measured every one of the 12,000 cells of a 1,000-policy matrix on each rebuild
(~1.5 s per filter keystroke, bench/compare.py); here filtering or sorting only replaces the list
of row keys, and each visible row is built by the owner's ``row_cells(key)`` on demand and cached.
The header (one line, or more when the owner's labels hold line breaks) stays put while the rows
scroll; the first ``fixed`` columns stay put while the others scroll sideways, and a sideways move
scrolls just enough to keep the cursor cell in view (an 80-column terminal shows a few categories).
With no rows, the body says ``empty_text``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

Cell = tuple[str, Style]   # text (already padded to its column's width) and its style


@dataclass(frozen=True)
class Column:
    key: str
    label: str           # one header line per "\n"-separated part
    width: int
    gap: bool = False    # the last cell column stays blank (unstyled), between coloured cells


class MatrixGrid(ScrollView, can_focus=False):
    """Rows of cells with a cell cursor. The owner sets ``columns``, ``set_rows(keys)`` and the
    ``row_cells`` callback, and moves the cursor with ``move_cursor``; clicks post messages."""

    COMPONENT_CLASSES = {"matrix-grid--header", "matrix-grid--header-cursor", "matrix-grid--row-cursor"}

    @dataclass
    class CursorMoved(Message):
        grid: "MatrixGrid"

    @dataclass
    class CellClicked(Message):
        grid: "MatrixGrid"
        row: int
        column: int

    @dataclass
    class HeaderClicked(Message):
        grid: "MatrixGrid"
        column: int

    def __init__(self, row_cells: Callable[[str], Sequence[Cell]], *, fixed: int = 0, id: str | None = None) -> None:
        super().__init__(id=id)
        self.row_cells = row_cells
        self.fixed = fixed
        self.empty_text = ""
        self.header_height = 1
        self.columns: list[Column] = []
        self.rows: list[str] = []
        self.cursor_row = 0
        self.cursor_column = 0
        self._cache: LRUCache[tuple, Strip] = LRUCache(512)
        self._version = 0

    # -- what the owner calls -------------------------------------------------------------------
    def set_columns(self, columns: Sequence[Column]) -> None:
        self.columns = list(columns)
        self.header_height = max((c.label.count("\n") + 1 for c in self.columns), default=1)
        self.cursor_column = max(0, min(self.cursor_column, len(self.columns) - 1))
        self._resize_virtual()
        self.invalidate()
        self._keep_visible()

    def set_rows(self, rows: Sequence[str]) -> None:
        self.rows = list(rows)
        self.cursor_row = max(0, min(self.cursor_row, len(self.rows) - 1))
        self._resize_virtual()
        self.invalidate()
        self._keep_visible()

    def _resize_virtual(self) -> None:
        self.virtual_size = Size(sum(c.width for c in self.columns), len(self.rows) + self.header_height)

    def invalidate(self) -> None:
        """Rebuild every row on the next paint (cell contents or styles changed)."""
        self._version += 1
        self._cache.clear()
        self.refresh()

    def move_cursor(self, row: int | None = None, column: int | None = None) -> None:
        old = (self.cursor_row, self.cursor_column)
        if row is not None:
            self.cursor_row = max(0, min(row, len(self.rows) - 1))
        if column is not None:
            self.cursor_column = max(0, min(column, len(self.columns) - 1))
        if (self.cursor_row, self.cursor_column) != old:
            self._keep_visible()
            self.refresh()
            self.post_message(self.CursorMoved(self))

    @property
    def page(self) -> int:
        return max(1, self.scrollable_content_region.height - self.header_height)

    @property
    def fixed_width(self) -> int:
        return sum(c.width for c in self.columns[:self.fixed])

    def column_span(self, column: int) -> tuple[int, int]:
        """Where a column lies in the whole (unscrolled) row: (left, right) in cells."""
        left = sum(c.width for c in self.columns[:column])
        return left, left + self.columns[column].width

    def on_resize(self, event: events.Resize) -> None:
        self._keep_visible()

    # -- drawing ----------------------------------------------------------------------------------
    def _keep_visible(self) -> None:
        region = self.scrollable_content_region
        height = region.height - self.header_height
        if height > 0:
            top = round(self.scroll_y)
            if self.cursor_row < top:
                self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
            elif self.cursor_row >= top + height:
                self.scroll_to(y=self.cursor_row - height + 1, animate=False, immediate=True)
        if not self.columns or region.width <= 0:
            return
        if self.cursor_column < self.fixed:
            return
        fixed = self.fixed_width
        view = region.width - fixed               # the cells the scrolling columns get
        left, right = self.column_span(self.cursor_column)
        x = round(self.scroll_x)
        if left - fixed < x:
            self.scroll_to(x=left - fixed, animate=False, immediate=True)
        elif right - fixed > x + view:
            self.scroll_to(x=right - fixed - view, animate=False, immediate=True)

    def _component(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        x0 = round(self.scroll_x)
        if y < self.header_height:
            strip = self._header(base, y)
        else:
            index = round(self.scroll_y) + y - self.header_height
            if index >= len(self.rows):
                if index == 0 and self.empty_text:
                    return Strip([Segment(" " + self.empty_text, base + Style(italic=True))]).adjust_cell_length(
                        width, base)
                return Strip.blank(width, base)
            cursor = self.cursor_column if index == self.cursor_row else -1
            key = (self.rows[index], cursor, self._version)
            cached = self._cache.get(key)
            if cached is None:
                cached = self._cache[key] = self._row(self.rows[index], cursor, base)
            strip = cached
        if not x0:
            return strip.adjust_cell_length(width, base)
        fixed = self.fixed_width
        if not fixed:
            return strip.crop(x0, x0 + width).adjust_cell_length(width, base)
        return Strip.join([strip.crop(0, fixed), strip.crop(fixed + x0, x0 + width)]).adjust_cell_length(width, base)

    def _header(self, base: Style, line: int) -> Strip:
        header = base + self._component("matrix-grid--header")
        lit = base + self._component("matrix-grid--header-cursor")
        segments = []
        for n, c in enumerate(self.columns):
            parts = c.label.split("\n")
            text = parts[line] if line < len(parts) else ""
            segments.append(Segment(text[:c.width].ljust(c.width), lit if n == self.cursor_column else header))
        return Strip(segments)

    def _row(self, key: str, cursor: int, base: Style) -> Strip:
        cells = self.row_cells(key)
        segments: list[Segment] = []
        row_lit = self._component("matrix-grid--row-cursor") if cursor >= 0 else None
        for n, (column, (text, style)) in enumerate(zip(self.columns, cells)):
            text = text[:column.width].ljust(column.width)
            body, tail = (text[:-1], text[-1:]) if column.gap else (text, "")
            style = base + style
            if n == cursor:
                style = style + Style(reverse=True, bold=True)
            elif row_lit is not None and not column.gap:
                style = style + row_lit
            segments.append(Segment(body, style))
            if tail:
                segments.append(Segment(tail, base))
        return Strip(segments)

    # -- mouse ---------------------------------------------------------------------------------------
    def _column_at(self, x: int) -> int | None:
        if x >= self.fixed_width:
            x += round(self.scroll_x)
        edge = 0
        for n, c in enumerate(self.columns):
            edge += c.width
            if x < edge:
                return n
        return None

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        column = self._column_at(offset.x)
        if column is None:
            return
        if offset.y < self.header_height:
            self.post_message(self.HeaderClicked(self, column))
            return
        row = round(self.scroll_y) + offset.y - self.header_height
        if 0 <= row < len(self.rows):
            if (row, column) == (self.cursor_row, self.cursor_column):
                self.post_message(self.CellClicked(self, row, column))
            else:
                self.move_cursor(row, column)


__all__ = ["Cell", "Column", "MatrixGrid"]
