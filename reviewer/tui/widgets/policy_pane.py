"""PolicyPane: one policy, clause by clause, drawn with the line API.

The pane owns the cursor (the current clause), the selection and the search matches, and the
keys that move them. It never writes anything: the screen reads ``target_span`` /
``target_annotation`` for tagging and sets ``annotations`` after each change.

Only visible lines are rendered: the document is soft-wrapped into visual lines (re-wrapped on
resize) and each line is built into a ``Strip`` on demand, cached in an LRU keyed by everything
that can change how that line looks.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Callable, Iterable

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.color import Color
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reviewer.clauses import Clause
from reviewer.documents import Document
from reviewer.safetext import visible
from reviewer.store import Annotation
from reviewer.taxonomy import Taxonomy
from reviewer.tui import ghosts as gh  # issue 7: suggested categories drawn as ghost tags
from reviewer.tui import textlayout as tl

GUTTER = 5  # bar, two category badges, re-anchoring marker, space


def category_colour(app, taxonomy: Taxonomy, slug: str) -> str:
    """The theme-aware colour from reviewer.tui.themes when present, else the taxonomy's."""
    try:
        from reviewer.tui.themes import category_colour as themed
    except ImportError:
        return taxonomy.colour(slug)
    try:
        return themed(app, taxonomy, slug)
    except Exception:  # noqa: BLE001 - a colour problem must never stop drawing
        return taxonomy.colour(slug)


class PolicyPane(ScrollView, can_focus=True, inherit_bindings=False):
    """One policy, clause by clause. Owns the keys that act on its cursor and selection."""

    ALLOW_SELECT = False
    ALLOW_MAXIMIZE = False

    BINDINGS = [
        Binding("j,down", "move(1)", "Next clause", show=False, id="pane.next",
                tooltip="Move to the next clause (extends the selection when selecting)"),
        Binding("k,up", "move(-1)", "Previous clause", show=False, id="pane.previous",
                tooltip="Move to the previous clause (extends the selection when selecting)"),
        Binding("J", "paragraph(1)", "Next paragraph", show=False, id="pane.next_paragraph",
                tooltip="Move to the first clause of the next paragraph"),
        Binding("K", "paragraph(-1)", "Previous paragraph", show=False, id="pane.previous_paragraph",
                tooltip="Move to the first clause of this or the previous paragraph"),
        Binding("g,home", "top", "Top", show=False, id="pane.top", tooltip="Go to the first clause"),
        Binding("G,end", "bottom", "Bottom", show=False, id="pane.bottom", tooltip="Go to the last clause"),
        Binding("ctrl+d,pagedown", "half_page(1)", "Half page down", show=False, id="pane.half_page_down",
                tooltip="Move half a screen down"),
        Binding("ctrl+u,pageup", "half_page(-1)", "Half page up", show=False, id="pane.half_page_up",
                tooltip="Move half a screen up"),
        Binding("right_square_bracket", "annotation(1)", "Next annotation", show=False,
                id="pane.next_annotation", tooltip="Jump to the next annotated clause"),
        Binding("left_square_bracket", "annotation(-1)", "Previous annotation", show=False,
                id="pane.previous_annotation", tooltip="Jump to the previous annotated clause"),
        Binding("v", "select", "Select", id="pane.select",
                tooltip="Start a selection at the current clause (v again or escape cancels)"),
        Binding("w", "word(1)", "Selection: next word", show=False, id="pane.word_next",
                tooltip="Extend the selection to the end of the next word"),
        Binding("b", "word(-1)", "Selection: previous word", show=False, id="pane.word_previous",
                tooltip="Move the selection end back to the start of the previous word"),
        Binding("shift+right", "char(1)", "Selection: next character", show=False, id="pane.char_next",
                tooltip="Move the selection end one character right"),
        Binding("shift+left", "char(-1)", "Selection: previous character", show=False, id="pane.char_previous",
                tooltip="Move the selection end one character left"),
        Binding("shift+down", "char_line(1)", "Selection: line down", show=False, id="pane.line_next",
                tooltip="Move the selection end one line down"),
        Binding("shift+up", "char_line(-1)", "Selection: line up", show=False, id="pane.line_previous",
                tooltip="Move the selection end one line up"),
        Binding("escape", "cancel", "Cancel", show=False, id="pane.cancel",
                tooltip="Cancel the selection and clear search highlights"),
        Binding("slash", "search", "Find", id="pane.search", tooltip="Search this document (literal, any case)"),
        Binding("n", "match(1)", "Next match", show=False, id="pane.next_match", tooltip="Go to the next search match"),
        Binding("N", "match(-1)", "Previous match", show=False, id="pane.previous_match",
                tooltip="Go to the previous search match"),
    ]

    COMPONENT_CLASSES = {
        "policy-pane--current",
        "policy-pane--selection",
        "policy-pane--caret",
        "policy-pane--match",
        "policy-pane--match-current",
        "policy-pane--bar",
        "policy-pane--bar-selection",
        "policy-pane--marker",
    }

    annotations: var[tuple[Annotation, ...]] = var((), always_update=True)
    """Placed annotations, sorted by start; set by the screen, never read from the store."""
    anchor_status: var[dict[str, tuple[str, float]]] = var({}, always_update=True)
    """Annotation id -> ("moved" | "fuzzy", score), for the gutter markers."""

    # -- messages ----------------------------------------------------------------------------
    @dataclass
    class ClauseFocused(Message):
        """The cursor or the selection moved (high rate: a newer one replaces an older one)."""

        pane: "PolicyPane"

        @property
        def control(self) -> "PolicyPane":
            return self.pane

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, PolicyPane.ClauseFocused) and message.pane is self.pane

    @dataclass
    class SearchRequested(Message):
        """The analyst pressed the search key in this pane."""

        pane: "PolicyPane"

        @property
        def control(self) -> "PolicyPane":
            return self.pane

    def __init__(self, document: Document, taxonomy: Taxonomy, *, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.taxonomy = taxonomy
        self.document = document
        self.text = visible(document.text)
        self.cursor = 0 if document.clauses else -1
        self.selection: tuple[int, int] | None = None  # (anchor, head) offsets
        self._clause_anchor: tuple[int, int] | None = None
        self.query = ""
        self.matches: list[tuple[int, int]] = []
        self._match_starts: list[int] = []
        self.match_index = -1
        self._layout: tl.Layout | None = None
        self._cache: LRUCache[tuple, Strip] = LRUCache(1024)
        self._version = 0
        self._cover_points: list[int] = []
        self._cover: list[tuple[int, ...]] = []
        self._cat_colours: dict[str, tuple[Color, Color]] = {}
        self._comp_cache: dict[str, tuple[Color | None, Color | None, Style]] | None = None
        self._style_cache: dict[tuple, Style] = {}
        self._base_style: Style | None = None
        self._drag_anchor: int | None = None
        self._lit: tuple[int, int] | None = None
        self._line_versions: dict[int, int] = {}
        # issue 7 (reviewer/tui/compare.py sets these): ]/[ walk one category; suggestions as ghosts
        self.category_filter: str | None = None
        self.ghosts: tuple = ()
        self._ghost_starts: list[int] = []

    # -- document and annotations -----------------------------------------------------------
    def set_document(self, document: Document) -> None:
        """Show another document in this pane (cursor to the top, selection and search cleared)."""
        self.document = document
        self.text = visible(document.text)
        self.cursor = 0 if document.clauses else -1
        self.selection = None
        self._clause_anchor = None
        self.matches, self._match_starts, self.match_index = [], [], -1
        self.category_filter, self.ghosts, self._ghost_starts = None, (), []  # issue 7
        self._layout = None
        self._invalidate()
        self._relayout()
        self.scroll_to(y=0, animate=False, immediate=True)
        if self.query:
            self.search(self.query)
        self._moved()

    def watch_annotations(self, old: tuple[Annotation, ...], annotations: tuple[Annotation, ...]) -> None:
        changed = {(a.id, a.start, a.end, a.categories) for a in old} ^ {
            (a.id, a.start, a.end, a.categories) for a in annotations}
        self._set_cover(annotations)
        if self._layout is None or len(changed) > 20:
            self._invalidate()
            return
        # Repaint only the lines of the annotations that changed (a tag redraws a clause).
        for _, start, end, _ in changed:
            y0, y1 = self._layout.line_of(start), self._layout.line_of(max(start, end - 1))
            for y in range(y0, y1 + 1):
                self._line_versions[y] = self._line_versions.get(y, 0) + 1
            self.refresh_lines(y0, y1 - y0 + 1)

    def _set_cover(self, annotations: tuple[Annotation, ...]) -> None:
        points = sorted({p for a in annotations for p in (a.start, a.end)})
        by_start = sorted(range(len(annotations)), key=lambda i: annotations[i].start)
        cover: list[tuple[int, ...]] = []
        active: list[int] = []
        n = 0
        for a0 in points:  # sweep: what covers [a0, next point)
            while n < len(by_start) and annotations[by_start[n]].start <= a0:
                active.append(by_start[n])
                n += 1
            active = [i for i in active if annotations[i].end > a0]
            cover.append(tuple(active))
        self._cover_points, self._cover = points, cover

    def set_ghosts(self, ghosts: tuple) -> None:
        """Suggestions to draw as ghost tags (sorted by start); issue 7, see reviewer/tui/ghosts.py."""
        if ghosts != self.ghosts:
            self.ghosts, self._ghost_starts = tuple(ghosts), [g.start for g in ghosts]
            self._invalidate()

    def ghost_at_cursor(self):
        """The ghost (suggestion) on the current clause, or None."""
        clause = self.current_clause
        if clause is None or not self.ghosts:
            return None
        return next((g for g in gh.ghosts_on_line(self.ghosts, self._ghost_starts, clause.start, clause.end)
                     if (g.start, g.end) == (clause.start, clause.end)), None)

    def watch_anchor_status(self, old: dict[str, tuple[str, float]], status: dict[str, tuple[str, float]]) -> None:
        if old != status:
            self._invalidate()

    def _invalidate(self) -> None:
        self._version += 1
        self._line_versions = {}
        self._cache.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cat_colours = {}
        self._base_style = None
        self._comp_cache = None
        self._style_cache = {}
        self._invalidate()

    # -- geometry -------------------------------------------------------------------------------
    @property
    def clauses(self) -> tuple[Clause, ...]:
        return self.document.clauses

    @property
    def current_clause(self) -> Clause | None:
        return self.clauses[self.cursor] if 0 <= self.cursor < len(self.clauses) else None

    @property
    def layout(self) -> tl.Layout:
        if self._layout is None:
            self._relayout()
        assert self._layout is not None
        return self._layout

    def _text_width(self) -> int:
        return max(8, self.scrollable_content_region.width - GUTTER)

    def _relayout(self) -> None:
        width = self._text_width()
        if self._layout is not None and self._layout.width == width:
            return
        self._layout = tl.wrap(self.text, width)
        self._cache.clear()
        self._line_versions = {}
        self._lit = self._lit_lines()  # lit lines of the new layout, so the next move unlights them
        self.virtual_size = Size(width + GUTTER, len(self._layout))
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        if self._layout is None or self._layout.width != self._text_width():
            self._relayout()
            self.call_after_refresh(self.scroll_cursor_visible)

    def on_mount(self) -> None:
        self._relayout()
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        self.notify_style_update()

    def on_unmount(self) -> None:
        # A Signal keeps its subscribers until it next publishes: a closed pane would stay in memory.
        self.app.theme_changed_signal.unsubscribe(self)

    # -- what the screen asks -----------------------------------------------------------------
    @property
    def selection_span(self) -> tuple[int, int] | None:
        if self.selection is None:
            return None
        a, h = self.selection
        s, e = min(a, h), max(a, h)
        return (s, e) if e > s else None

    def target_span(self) -> tuple[int, int] | None:
        """The selection, or the current clause when nothing is selected."""
        span = self.selection_span
        if span:
            return span
        clause = self.current_clause
        return (clause.start, clause.end) if clause else None

    def annotations_in(self, start: int, end: int) -> list[Annotation]:
        return [a for a in self.annotations if a.start < end and start < a.end]

    def target_annotation(self) -> Annotation | None:
        """The annotation under the cursor: the exact span, else the tightest one around it."""
        span = self.target_span()
        if span is None:
            return None
        s, e = span
        found = self.annotations_in(s, e)
        if not found:
            return None
        for a in found:
            if (a.start, a.end) == (s, e):
                return a
        around = [a for a in found if a.start <= s and a.end >= e]
        pool = around or found
        return min(pool, key=lambda a: (a.end - a.start, a.start))

    # -- cursor movement --------------------------------------------------------------------
    def _moved(self, scroll: bool = True) -> None:
        self._refresh_lines()
        if scroll:
            self.scroll_cursor_visible()
        self.post_message(self.ClauseFocused(self))

    def _lit_lines(self) -> tuple[int, int] | None:
        """Visual lines whose look depends on the cursor: the current clause, selection, caret."""
        if self._layout is None:
            return None
        spans = []
        clause = self.current_clause
        if clause is not None:
            spans.append((clause.start, clause.end))
        if self.selection is not None:
            spans.append((min(self.selection), max(self.selection)))
        if 0 <= self.match_index < len(self.matches):
            spans.append(self.matches[self.match_index])
        if not spans:
            return None
        lo = min(s for s, _ in spans)
        hi = max(e for _, e in spans)
        return self._layout.line_of(lo), self._layout.line_of(hi)

    def _refresh_lines(self) -> None:
        """Repaint only the lines that were or are now lit (a whole-pane refresh costs a frame)."""
        lit = self._lit_lines()
        for span in (self._lit, lit):
            if span is not None:
                self.refresh_lines(span[0], span[1] - span[0] + 1)
        self._lit = lit

    def go_to_clause(self, index: int, *, keep_selection: bool = False) -> None:
        if not self.clauses:
            return
        index = max(0, min(index, len(self.clauses) - 1))
        self.cursor = index
        if self.selection is not None and keep_selection and self._clause_anchor is not None:
            a0, a1 = self._clause_anchor
            c = self.clauses[index]
            self.selection = (a0, c.end) if c.start >= a0 else (a1, c.start)
        elif not keep_selection:
            self.selection = None
            self._clause_anchor = None
        self._moved()

    def go_to_offset(self, offset: int) -> None:
        self.go_to_clause(self.document.clause_index_at(offset))

    def scroll_cursor_visible(self) -> None:
        if self._layout is None or not self.size.height:
            return
        if self.selection is not None:
            head = self.selection[1]
            y0 = y1 = self.layout.line_of(head)
        else:
            clause = self.current_clause
            if clause is None:
                return
            y0 = self.layout.line_of(clause.start)
            y1 = self.layout.line_of(max(clause.start, clause.end - 1))
        height = self.scrollable_content_region.height
        top = round(self.scroll_y)
        # Jump scrolling (vim's 'scrolljump'): when the cursor leaves the view, bring it to a
        # third of the way in, so the next moves repaint a few lines instead of the whole pane.
        jump = height // 3
        if y0 < top:
            new = min(y0, y1 - height + 1 + jump)
        elif y1 >= top + height:
            new = y0 - jump if y1 - (y0 - jump) < height else min(y0, y1 - height + 1)
        else:
            return
        self.scroll_to(y=max(0, new), animate=False, immediate=True)

    def action_move(self, delta: int) -> None:
        self.go_to_clause(self.cursor + delta, keep_selection=True)

    def action_paragraph(self, delta: int) -> None:
        clause = self.current_clause
        if clause is None:
            return
        index = self.cursor
        if delta > 0:
            while index < len(self.clauses) and self.clauses[index].paragraph == clause.paragraph:
                index += 1
            index = min(index, len(self.clauses) - 1)
        else:
            para = clause.paragraph
            if index > 0 and self.clauses[index - 1].paragraph == para:
                while index > 0 and self.clauses[index - 1].paragraph == para:
                    index -= 1
            elif index > 0:
                index -= 1
                para = self.clauses[index].paragraph
                while index > 0 and self.clauses[index - 1].paragraph == para:
                    index -= 1
        self.go_to_clause(index, keep_selection=True)

    def action_top(self) -> None:
        self.go_to_clause(0, keep_selection=True)

    def action_bottom(self) -> None:
        self.go_to_clause(len(self.clauses) - 1, keep_selection=True)

    def action_half_page(self, delta: int) -> None:
        clause = self.current_clause
        if clause is None:
            return
        half = max(1, self.scrollable_content_region.height // 2)
        y = self.layout.line_of(clause.start) + delta * half
        y = max(0, min(y, len(self.layout) - 1))
        target = self.document.clause_index_at(self.layout.starts[y])
        if target == self.cursor:
            target = self.cursor + delta
        self.scroll_to(y=max(0, round(self.scroll_y) + delta * half), animate=False, immediate=True)
        self.go_to_clause(target, keep_selection=True)

    def action_annotation(self, delta: int) -> None:
        clause = self.current_clause
        if clause is None or not self.annotations:
            return
        starts = [self.document.clause_index_at(a.start) for a in self.annotations
                  if self.category_filter is None or self.category_filter in a.categories]
        if delta > 0:
            later = [i for i in starts if i > self.cursor]
            if later:
                self.go_to_clause(min(later))
        else:
            earlier = [i for i in starts if i < self.cursor]
            if earlier:
                self.go_to_clause(max(earlier))

    # -- selection ---------------------------------------------------------------------------
    def action_select(self) -> None:
        if self.selection is not None:
            self.clear_selection()
            return
        clause = self.current_clause
        if clause is None:
            return
        self._clause_anchor = (clause.start, clause.end)
        self.selection = (clause.start, clause.end)
        self._moved()

    def _start_char_selection(self) -> None:
        if self.selection is None:
            clause = self.current_clause
            if clause is None:
                return
            self._clause_anchor = (clause.start, clause.end)
            self.selection = (clause.start, clause.start)

    def _set_head(self, head: int) -> None:
        if self.selection is None:
            return
        head = tl.snap(self.text, head)
        self.selection = (self.selection[0], head)
        self.cursor = max(0, self.document.clause_index_at(max(0, head - 1) if head > self.selection[0] else head))
        self._moved()

    def action_word(self, delta: int) -> None:
        self._step_head(tl.next_word_end if delta > 0 else tl.prev_word_start)

    def action_char(self, delta: int) -> None:
        self._step_head(tl.next_boundary if delta > 0 else tl.prev_boundary)

    def _step_head(self, step: Callable[[str, int], int]) -> None:
        """Move the selection's moving end by one ``step`` (a word or a grapheme)."""
        self._start_char_selection()
        if self.selection is None:
            return
        self._set_head(step(self.text, self.selection[1]))

    def action_char_line(self, delta: int) -> None:
        self._start_char_selection()
        if self.selection is None:
            return
        head = self.selection[1]
        layout = self.layout
        y = layout.line_of(head)
        col = tl.offset_to_column(self.text, layout.starts[y], head)
        y2 = y + delta
        if not 0 <= y2 < len(layout):
            new = 0 if delta < 0 else len(self.text)
        else:
            new = tl.column_to_offset(self.text, layout.starts[y2], layout.ends[y2], col)
        self._set_head(new)

    def set_selection(self, anchor: int, head: int) -> None:
        anchor, head = tl.snap(self.text, anchor), tl.snap(self.text, head)
        self._clause_anchor = None
        self.selection = (anchor, head)
        self.cursor = max(0, self.document.clause_index_at(min(anchor, head)))
        self._moved()

    def clear_selection(self) -> None:
        self.selection = None
        self._clause_anchor = None
        self._moved(scroll=False)

    def action_cancel(self) -> None:
        if self.selection is not None:
            self.clear_selection()
        elif self.matches or self.query:
            self.search("")

    # -- search ------------------------------------------------------------------------------
    def action_search(self) -> None:
        self.post_message(self.SearchRequested(self))

    def search(self, query: str) -> int:
        """Highlight every literal, case-insensitive occurrence of ``query``; go to the first
        at or after the cursor. Returns the number of matches."""
        self.query = query
        self.matches = find_all(self.document.text, query)
        self._match_starts = [s for s, _ in self.matches]
        self.match_index = -1
        self._invalidate()
        if self.matches:
            clause = self.current_clause
            here = clause.start if clause else 0
            i = bisect_left(self._match_starts, here)
            self._go_to_match(i % len(self.matches))
        else:
            self.post_message(self.ClauseFocused(self))
        return len(self.matches)

    def _go_to_match(self, index: int) -> None:
        self.match_index = index
        s, e = self.matches[index]
        self.cursor = max(0, self.document.clause_index_at(s))
        if self.selection is not None:
            self.selection = None
            self._clause_anchor = None
        self._moved(scroll=False)
        y = self.layout.line_of(s)
        height = self.scrollable_content_region.height
        top = round(self.scroll_y)
        if not top <= y < top + height:
            self.scroll_to(y=max(0, y - height // 3), animate=False, immediate=True)

    def action_match(self, delta: int) -> None:
        if not self.matches:
            return
        if self.match_index < 0:
            clause = self.current_clause
            here = clause.start if clause else 0
            i = bisect_left(self._match_starts, here) if delta > 0 else bisect_left(self._match_starts, here) - 1
        else:
            i = self.match_index + delta
        self._go_to_match(i % len(self.matches))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "match":
            return True if self.matches else None
        if action == "cancel":
            return True if (self.selection is not None or self.query) else None
        if action == "annotation":
            return True if self.annotations else None
        if action in ("move", "paragraph", "top", "bottom", "half_page", "select", "word", "char", "char_line"):
            return True if self.clauses else None
        return True

    # -- mouse -------------------------------------------------------------------------------
    def _offset_at(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset_capture(self)
        if self._layout is None:
            return None
        y = offset.y + round(self.scroll_y)
        if y < 0:
            return 0
        if y >= len(self.layout):
            return len(self.text)
        start, end = self.layout.starts[y], self.layout.ends[y]
        return tl.column_to_offset(self.text, start, end, max(0, offset.x - GUTTER))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button != 1:
            return
        offset = self._offset_at(event)
        if offset is None:
            return
        self.focus()
        self._drag_anchor = offset
        self.capture_mouse()
        self.selection = None
        self._clause_anchor = None
        if self.clauses:
            self.cursor = max(0, self.document.clause_index_at(offset))
        self._moved(scroll=False)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._drag_anchor is None:
            return
        offset = self._offset_at(event)
        if offset is not None and offset != self._drag_anchor:
            self.set_selection(self._drag_anchor, offset)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._drag_anchor is not None:
            self._drag_anchor = None
            self.release_mouse()

    # -- drawing -----------------------------------------------------------------------------
    def _category_colours(self, slug: str) -> tuple[Color, Color]:
        """(background, foreground) for text highlighted with this category, in this theme."""
        colours = self._cat_colours.get(slug)
        if colours is None:
            base = self.base_style
            base_bg = Color.from_rich_color(base.bgcolor) if base.bgcolor else Color(0, 0, 0)
            colour = Color.parse(category_colour(self.app, self.taxonomy, slug))
            dark = base_bg.brightness < 0.5
            bg = base_bg.blend(colour, 0.50 if dark else 0.40)
            fg = Color.parse("#f4f4f4") if bg.brightness < 0.5 else Color.parse("#101010")
            colours = self._cat_colours[slug] = (bg, fg)
        return colours

    def _badge_style(self, slug: str) -> Style:
        key = ("badge", slug)
        style = self._style_cache.get(key)
        if style is None:
            colour = Color.parse(category_colour(self.app, self.taxonomy, slug))
            style = self._style_cache[key] = Style(color=colour.rich_color, bold=True)
        return style

    def _clip(self, span: tuple[int, int] | None, ls: int, le: int) -> tuple[int, int] | None:
        if span is None:
            return None
        s, e = span
        if s < le and e > ls or (s == e and ls <= s <= le):
            return (max(s, ls), min(e, le))
        return None

    @property
    def base_style(self) -> Style:
        """The pane's own style (cached: ``rich_style`` walks the ancestors on every call)."""
        if self._base_style is None:
            self._base_style = self.rich_style
        return self._base_style

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        line = round(self.scroll_y) + y
        layout = self.layout
        base = self.base_style
        if line >= len(layout):
            return Strip.blank(width, base)
        ls, le = layout.starts[line], layout.ends[line]
        clause = self.current_clause
        cur = self._clip((clause.start, clause.end) if clause else None, ls, le)
        # The current clause also owns the newline gap lines inside it (for the gutter bar).
        in_clause = clause is not None and clause.start <= le and ls < clause.end
        sel = self._clip(self.selection_span, ls, le)
        in_sel = self.selection_span is not None and self.selection_span[0] <= le and ls < self.selection_span[1]
        caret = None
        if self.selection is not None and ls <= self.selection[1] <= le:
            caret = self.selection[1]
        current_match = self.matches[self.match_index] if 0 <= self.match_index < len(self.matches) else None
        key = (line, width, self._version, self._line_versions.get(line, 0), cur, in_clause, sel, in_sel, caret,
               self._clip(current_match, ls, le))
        strip = self._cache.get(key)
        if strip is None:
            strip = self._build_line(ls, le, width, base, cur, in_clause, sel, in_sel, caret, current_match)
            self._cache[key] = strip
        return strip

    def _components(self) -> dict[str, tuple[Color | None, Color | None, Style]]:
        """name -> (background, foreground, text style) of each component class, from the theme."""
        comps = self._comp_cache
        if comps is None:
            comps = {}
            for name in ("current", "selection", "caret", "match", "match-current", "bar",
                         "bar-selection", "marker"):
                styles = self.get_component_styles(f"policy-pane--{name}")
                bg = styles.background if styles.has_rule("background") else None
                fg = styles.color if styles.has_rule("color") else None
                partial = self.get_component_rich_style(f"policy-pane--{name}", partial=True)
                comps[name] = (bg, fg, Style(bold=partial.bold, underline=partial.underline,
                                             reverse=partial.reverse, italic=partial.italic))
            self._comp_cache = comps
        return comps

    def _style(self, bg: Color, fg: Color, attrs: tuple[bool, bool, bool, bool]) -> Style:
        key = (bg, fg, attrs)
        style = self._style_cache.get(key)
        if style is None:
            bold, underline, reverse, italic = attrs
            style = Style(bgcolor=bg.rich_color, color=fg.rich_color, bold=bold or None,
                          underline=underline or None, reverse=reverse or None, italic=italic or None)
            self._style_cache[key] = style
        return style

    def _build_line(self, ls: int, le: int, width: int, base: Style, cur, in_clause: bool, sel, in_sel: bool,
                    caret: int | None, current_match) -> Strip:
        comps = self._components()
        text = self.text
        anns = self.annotations
        base_bg = Color.from_rich_color(base.bgcolor) if base.bgcolor else Color(0, 0, 0)
        base_fg = Color.from_rich_color(base.color) if base.color else Color(255, 255, 255)
        # Which annotations cover which parts of this line.
        points, cover = self._cover_points, self._cover
        i = max(0, bisect_right(points, ls) - 1)
        cuts = {ls, le}
        line_anns: list[int] = []
        j = i
        while j < len(points) and points[j] < le:
            if points[j] > ls:
                cuts.add(points[j])
            for k in cover[j]:
                if k not in line_anns and anns[k].start < le and anns[k].end > ls:
                    line_anns.append(k)
            j += 1
        for span in (cur, sel):
            if span:
                cuts.update(span)
        if caret is not None:
            cuts.update((caret, min(le, tl.next_boundary(text, caret))))
        m_lo = max(0, bisect_right(self._match_starts, ls) - 1)
        line_matches = []
        for ms, me in self.matches[m_lo:]:
            if ms >= le:
                break
            if me > ls:
                line_matches.append((ms, me))
                cuts.update((ms, me))
        line_ghosts = gh.ghosts_on_line(self.ghosts, self._ghost_starts, ls, le)  # issue 7
        for g in line_ghosts:
            cuts.update((max(g.start, ls), min(g.end, le)))
        order = sorted(c for c in cuts if ls <= c <= le)

        def layer(name: str, bg: Color, fg: Color, attrs: list[bool]) -> tuple[Color, Color]:
            cbg, cfg, cst = comps[name]
            if cbg is not None:
                bg = bg + cbg  # alpha-blends a translucent theme colour over what is below
            if cfg is not None:
                fg = cfg
            attrs[0] = attrs[0] or bool(cst.bold)
            attrs[1] = attrs[1] or bool(cst.underline)
            attrs[2] = attrs[2] or bool(cst.reverse)
            attrs[3] = attrs[3] or bool(cst.italic)
            return bg, fg

        segments: list[Segment] = []
        for a, b in zip(order, order[1:]):
            if b <= a:
                continue
            bg, fg = base_bg, base_fg
            attrs = [False, False, False, False]
            k = bisect_right(points, a) - 1
            covering = cover[k] if 0 <= k < len(cover) else ()
            covering = tuple(x for x in covering if anns[x].start <= a < anns[x].end)
            if covering:
                inner = max(covering, key=lambda x: (anns[x].start, -anns[x].end))
                cats = anns[inner].categories or ("",)
                bg, fg = self._category_colours(cats[0])
                if len(covering) > 1 or len(cats) > 1:
                    attrs[1] = True
            elif line_ghosts and (ghost := gh.ghost_at(line_ghosts, a)) is not None:
                bg, fg = self._ghost_colours(ghost.categories[0], base_bg, base_fg)
                attrs[3] = True
            if cur and cur[0] <= a < cur[1]:
                if covering:
                    attrs[0] = True  # keep the category colour visible: bold only
                else:
                    bg, fg = layer("current", bg, fg, attrs)
            for ms, me in line_matches:
                if ms <= a < me:
                    bg, fg = layer("match-current" if (ms, me) == current_match else "match", bg, fg, attrs)
                    break
            if sel and sel[0] <= a < sel[1]:
                bg, fg = layer("selection", bg, fg, attrs)
            if caret is not None and a == caret:
                bg, fg = layer("caret", bg, fg, attrs)
            segments.append(Segment(text[a:b], self._style(bg, fg, tuple(attrs))))
        if caret is not None and caret == le:
            attrs = [False, False, False, False]
            bg, fg = layer("caret", base_bg, base_fg, attrs)
            segments.append(Segment(" ", self._style(bg, fg, tuple(attrs))))
        body = Strip(segments)
        for g in line_ghosts:  # issue 7: "◌ Data Retention 82%" after a ghost's last line, when it fits
            if self.layout.line_of(max(g.start, g.end - 1)) == self.layout.line_of(ls) and g.end <= le + 1:
                label = gh.ghost_label(self.taxonomy.name(g.categories[0]), g.confidence[g.categories[0]],
                                       width - GUTTER - body.cell_length)
                if label:
                    colour = Color.parse(category_colour(self.app, self.taxonomy, g.categories[0]))
                    body = Strip([*body, Segment(label, base + Style(color=colour.rich_color, italic=True,
                                                                     dim=True))])
        body = body.adjust_cell_length(width - GUTTER, base)
        return Strip.join([self._gutter(base, base_bg, comps, in_clause, in_sel,
                                        [anns[k] for k in line_anns],
                                        [g.categories[0] for g in line_ghosts]), body])

    def _ghost_colours(self, slug: str, base_bg: Color, base_fg: Color) -> tuple[Color, Color]:
        """(background, foreground) of a ghost's text: a faint tint of its category (issue 7)."""
        key = ("ghost", slug)
        colours = self._cat_colours.get(key)  # type: ignore[call-overload]
        if colours is None:
            colour = Color.parse(category_colour(self.app, self.taxonomy, slug))
            colours = (base_bg.blend(colour, gh.GHOST_TINT), base_fg.blend(base_bg, 0.15))
            self._cat_colours[key] = colours  # type: ignore[index]
        return colours

    def _gutter(self, base: Style, base_bg: Color, comps, in_clause: bool, in_sel: bool,
                line_anns: Iterable[Annotation], ghost_slugs: Iterable[str] = ()) -> Strip:
        def fg_style(name: str) -> Style:
            fg = comps[name][1]
            return base + Style(color=fg.rich_color, bold=True) if fg is not None else base

        if in_sel:
            bar = Segment("\u258c", fg_style("bar-selection"))
        elif in_clause:
            bar = Segment("\u258c", fg_style("bar"))
        else:
            bar = Segment(" ", base)
        slugs: list[str] = []
        marker = " "
        for a in line_anns:
            for slug in a.categories:
                if slug not in slugs:
                    slugs.append(slug)
            status = self.anchor_status.get(a.id)
            if status:
                marker = "~" if status[0] == "fuzzy" or marker == "~" else "\u00bb"
        badges = []
        for n, slug in enumerate(slugs[:2]):
            if n == 1 and len(slugs) > 2:
                badges.append(Segment("+", base + Style(bold=True)))
            else:
                badges.append(Segment("\u25cf", base + self._badge_style(slug)))
        for slug in ghost_slugs:  # issue 7: a hollow badge for a suggested category
            if len(badges) < 2:
                badges.append(Segment(gh.GHOST_BADGE, base + self._badge_style(slug) + Style(bold=False)))
        while len(badges) < 2:
            badges.append(Segment(" ", base))
        mark = Segment(marker, fg_style("marker")) if marker != " " else Segment(" ", base)
        return Strip([bar, *badges, mark, Segment(" ", base)], GUTTER)


def find_all(text: str, query: str) -> list[tuple[int, int]]:
    """Every literal, case-insensitive, non-overlapping occurrence of ``query`` in ``text``.

    Case folding that changes lengths (e.g. "ß" -> "ss") is avoided by comparing ``lower()``
    only when it keeps the length, so offsets stay exact.
    """
    if not query:
        return []
    hay, needle = text.lower(), query.lower()
    if len(hay) != len(text) or len(needle) != len(query):
        hay, needle = text.casefold(), query.casefold()
        if len(hay) != len(text):
            hay, needle = text, query
    out = []
    i = hay.find(needle)
    while i >= 0 and needle:
        out.append((i, i + len(needle)))
        i = hay.find(needle, i + len(needle))
    return out
