"""MatrixGrid: the coverage matrix's rows drawn with the line API (only the visible rows are built).

A DataTable measured every one of the 12,000 cells of a 1,000-policy matrix on each rebuild
(~1.5 s per filter keystroke, bench/compare.py); here filtering or sorting only replaces the list
of row keys, and each visible row is built by the owner's ``row_cells(key)`` on demand and cached.
The first line is the header; it stays put while the rows scroll.
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
    label: str
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

    def __init__(self, row_cells: Callable[[str], Sequence[Cell]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.row_cells = row_cells
        self.columns: list[Column] = []
        self.rows: list[str] = []
        self.cursor_row = 0
        self.cursor_column = 0
        self._cache: LRUCache[tuple, Strip] = LRUCache(512)
        self._version = 0

    # -- what the owner calls -------------------------------------------------------------------
    def set_columns(self, columns: Sequence[Column]) -> None:
        self.columns = list(columns)
        self.invalidate()

    def set_rows(self, rows: Sequence[str]) -> None:
        self.rows = list(rows)
        self.cursor_row = max(0, min(self.cursor_row, len(self.rows) - 1))
        self.virtual_size = Size(sum(c.width for c in self.columns), len(self.rows) + 1)
        self.invalidate()
        self._keep_visible()

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
        return max(1, self.scrollable_content_region.height - 1)

    # -- drawing ----------------------------------------------------------------------------------
    def _keep_visible(self) -> None:
        height = self.scrollable_content_region.height - 1  # the header takes a line
        if height <= 0:
            return
        top = round(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + height:
            self.scroll_to(y=self.cursor_row - height + 1, animate=False, immediate=True)

    def _component(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        x0 = round(self.scroll_x)
        if y == 0:
            strip = self._header(base)
        else:
            index = round(self.scroll_y) + y - 1
            if index >= len(self.rows):
                return Strip.blank(width, base)
            cursor = self.cursor_column if index == self.cursor_row else -1
            key = (self.rows[index], cursor, self._version)
            strip = self._cache.get(key)
            if strip is None:
                strip = self._cache[key] = self._row(self.rows[index], cursor, base)
        return strip.crop(x0, x0 + width).adjust_cell_length(width, base) if x0 else \
            strip.adjust_cell_length(width, base)

    def _header(self, base: Style) -> Strip:
        header = base + self._component("matrix-grid--header")
        lit = base + self._component("matrix-grid--header-cursor")
        segments = [Segment(c.label[:c.width].ljust(c.width), lit if n == self.cursor_column else header)
                    for n, c in enumerate(self.columns)]
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
        if offset.y == 0:
            self.post_message(self.HeaderClicked(self, column))
            return
        row = round(self.scroll_y) + offset.y - 1
        if 0 <= row < len(self.rows):
            if (row, column) == (self.cursor_row, self.cursor_column):
                self.post_message(self.CellClicked(self, row, column))
            else:
                self.move_cursor(row, column)


__all__ = ["Cell", "Column", "MatrixGrid"]
