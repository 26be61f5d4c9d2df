"""PolicyPane: one policy, clause by clause, drawn with the line API.

The pane turns keys into calls on its ``Cursor`` (``reviewer/cursor.py``: the current clause, the
selection and the search, as plain data) and repaints the lines that changed. It never writes
anything: the screen reads ``target_span`` / ``target_annotation`` for tagging and sets
``annotations`` after each change.

Only visible lines are rendered: the document is soft-wrapped into visual lines (re-wrapped on
resize) and each line is built into a ``Strip`` on demand by the ``PanePainter``, which caches it.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.signal import Signal
from textual.strip import Strip

from reviewer.clauses import Clause
from reviewer.cursor import Cursor, target_annotation
from reviewer.documents import Document
from reviewer.safetext import visible
from reviewer.store import Annotation
from reviewer.taxonomy import Taxonomy
from reviewer.tui import ghosts as gh
from reviewer.tui import textlayout as tl
from reviewer.tui.widgets.pane_keys import PANE_BINDINGS
from reviewer.tui.widgets.pane_painter import GUTTER, LineInputs, LineKey, PanePainter, clip

__all__ = ["GUTTER", "PolicyPane"]


def _ghost_look(ghost) -> tuple:
    """What a ghost's drawing depends on: its span, its categories, its best percentage."""
    best = ghost.categories[0] if ghost.categories else ""
    return (ghost.start, ghost.end, ghost.categories, gh.percent(ghost.confidence.get(best, 0.0)))


class PolicyPane(ScrollView, can_focus=True, inherit_bindings=False):
    """One policy, clause by clause. Owns the keys that act on its cursor and selection."""

    ALLOW_SELECT = False
    ALLOW_MAXIMIZE = False

    BINDINGS = PANE_BINDINGS

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
    class PaneStepRequested(Message):
        """``ctrl+w`` then ``h``/``l``/``w``: focus another pane (``delta`` panes along)."""

        pane: "PolicyPane"
        delta: int

    def __init__(self, document: Document, taxonomy: Taxonomy, *, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.taxonomy = taxonomy
        self.document = document
        self.text = visible(document.text)
        self.model = Cursor(self.text, document.clauses, document.clause_index_at)
        self.painter = PanePainter(self, taxonomy)
        self._text_layout: tl.Layout | None = None
        self._version = 0
        self._line_versions: dict[int, int] = {}
        self._cover_points: list[int] = []
        self._covering: list[tuple[int, ...]] = []
        self._drag_anchor: int | None = None
        self._pending: str | None = None   # f, F or ctrl+w waiting for their next key
        self._lit: tuple[int, int] | None = None
        # Set by the suggestions controller: ]/[ walk one category; suggestions drawn as ghosts.
        self.category_filter: str | None = None
        self.ghosts: tuple = ()
        self._ghost_starts: list[int] = []
        self._ghost_looks: frozenset = frozenset()   # _ghost_look of each ghost, to compare the next ones with
        # Published as the cursor moves, before the frame is drawn: what shows the position (the
        # status line) subscribes immediately, so one frame carries both (ClauseFocused arrives later).
        self.moved_signal: Signal[PolicyPane] = Signal(self, "moved")
        # The search key: the frame opens its field and moves the focus there before the next key
        # is read, so a query typed right after "/" lands in the field, never in the pane.
        self.search_signal: Signal[PolicyPane] = Signal(self, "search")

    # -- the model, as the rest of the app reads it --------------------------------------------
    @property
    def cursor(self) -> int:
        """Index of the current clause (-1 when the document has none)."""
        return self.model.index

    @property
    def selection(self) -> tuple[int, int] | None:
        """(anchor, head) offsets of the selection, or None."""
        return self.model.selection

    @property
    def search_query(self) -> str:
        return self.model.search.query

    @property
    def matches(self) -> list[tuple[int, int]]:
        return self.model.search.matches

    @property
    def match_index(self) -> int:
        return self.model.search.index

    # -- document and annotations -----------------------------------------------------------
    def set_document(self, document: Document) -> None:
        """Show another document in this pane (cursor to the top, selection and search cleared)."""
        self.document = document
        self.text = visible(document.text)
        self.model.reset(self.text, document.clauses, document.clause_index_at)
        self.category_filter, self.ghosts, self._ghost_starts, self._ghost_looks = None, (), [], frozenset()
        self._text_layout = None
        self._invalidate()
        self._relayout()
        self.scroll_to(y=0, animate=False, immediate=True)
        if self.search_query:
            self.search(self.search_query)
        self._moved()

    def watch_annotations(self, old: tuple[Annotation, ...], annotations: tuple[Annotation, ...]) -> None:
        changed = {(a.id, a.start, a.end, a.categories) for a in old} ^ {
            (a.id, a.start, a.end, a.categories) for a in annotations}
        self._set_cover(annotations)
        self._repaint_spans([(start, end) for _, start, end, _ in changed])

    def _repaint_spans(self, spans: list[tuple[int, int]]) -> None:
        """Repaint only the lines of ``spans`` (a tag redraws a clause, not the pane); many spans
        or no layout yet: the whole pane."""
        if not spans:
            return
        if self._text_layout is None or len(spans) > 40:
            self._invalidate()
            return
        for start, end in spans:
            y0, y1 = self._text_layout.line_of(start), self._text_layout.line_of(max(start, end - 1))
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
        self._cover_points, self._covering = points, cover

    def set_ghosts(self, ghosts: tuple) -> None:
        """Suggestions to draw as ghost tags (sorted by start); see reviewer/tui/ghosts.py. Only the
        lines of ghosts that look different are repainted (a retrain moves a few percentages)."""
        if ghosts is self.ghosts:
            return  # the suggester's cache answered: nothing moved
        ghosts = tuple(ghosts)
        looks = frozenset(_ghost_look(g) for g in ghosts)
        changed = self._ghost_looks ^ looks
        self.ghosts, self._ghost_starts, self._ghost_looks = ghosts, [g.start for g in ghosts], looks
        self._repaint_spans([(start, end) for start, end, *_ in changed])

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
        self.painter.lines.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.painter.restyle()
        self._invalidate()

    # -- geometry -------------------------------------------------------------------------------
    @property
    def clauses(self) -> tuple[Clause, ...]:
        return self.document.clauses

    @property
    def current_clause(self) -> Clause | None:
        return self.model.clause

    @property
    def text_layout(self) -> tl.Layout:
        """The document soft-wrapped to the pane's width (visual lines)."""
        if self._text_layout is None:
            self._relayout()
        assert self._text_layout is not None
        return self._text_layout

    def _text_width(self) -> int:
        return max(8, self.scrollable_content_region.width - GUTTER)

    def _relayout(self) -> None:
        width = self._text_width()
        if self._text_layout is not None and self._text_layout.width == width:
            return
        self._text_layout = tl.wrap(self.text, width)
        self.painter.lines.clear()
        self._line_versions = {}
        self._lit = self._lit_lines()  # lit lines of the new layout, so the next move unlights them
        self.virtual_size = Size(width + GUTTER, len(self._text_layout))
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        if self._text_layout is None or self._text_layout.width != self._text_width():
            self._relayout()
            self.call_after_refresh(self.scroll_cursor_visible)
        else:
            self.refresh()  # a taller or shorter pane: every line drawn afresh, none left from before

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
        return self.model.selection_span

    def target_span(self) -> tuple[int, int] | None:
        """The selection, or the current clause when nothing is selected."""
        return self.model.target_span()

    def annotations_in(self, start: int, end: int) -> list[Annotation]:
        return [a for a in self.annotations if a.start < end and start < a.end]

    def target_annotation(self) -> Annotation | None:
        """The annotation under the cursor: the exact span, else the tightest one around it."""
        found = target_annotation(self.target_span(), self.annotations)
        return found if isinstance(found, Annotation) else None

    # -- cursor movement --------------------------------------------------------------------
    def _moved(self, scroll: bool = True) -> None:
        self._refresh_lines()
        if scroll:
            self.scroll_cursor_visible()
        self._focused()

    def _focused(self) -> None:
        self.moved_signal.publish(self)
        self.post_message(self.ClauseFocused(self))

    def _lit_lines(self) -> tuple[int, int] | None:
        """Visual lines whose look depends on the cursor: the current clause, selection, caret."""
        if self._text_layout is None:
            return None
        spans = []
        clause = self.current_clause
        if clause is not None:
            spans.append((clause.start, clause.end))
        if self.selection is not None:
            spans.append((min(self.selection), max(self.selection)))
        spans.append((self.model.caret, self.model.caret))
        if self.model.search.current is not None:
            spans.append(self.model.search.current)
        if not spans:
            return None
        lo = min(s for s, _ in spans)
        hi = max(e for _, e in spans)
        # a clause starting where a line ends also lights that line's gutter bar (see render_line)
        return self._text_layout.line_of(max(0, lo - 1)), self._text_layout.line_of(hi)

    def _refresh_lines(self) -> None:
        """Repaint only the lines that were or are now lit (a whole-pane refresh costs a frame)."""
        lit = self._lit_lines()
        for span in (self._lit, lit):
            if span is not None:
                self.refresh_lines(span[0], span[1] - span[0] + 1)
        self._lit = lit

    def go_to_clause(self, index: int, *, keep_selection: bool = False) -> None:
        if self.model.go_to_clause(index, keep_selection=keep_selection):
            self._moved()

    def place_caret(self, offset: int) -> None:
        """The caret to ``offset`` (its clause follows), without a selection."""
        self.model.place_at(offset)
        self._moved()

    def go_to_offset(self, offset: int) -> None:
        self.go_to_clause(self.document.clause_index_at(offset))

    def scroll_cursor_visible(self) -> None:
        if self._text_layout is None or not self.size.height:
            return
        if self.selection is not None:
            y0 = y1 = self.text_layout.line_of(self.model.caret)
        else:
            clause = self.current_clause
            if clause is None:
                return
            y0 = self.text_layout.line_of(clause.start)
            y1 = self.text_layout.line_of(max(clause.start, clause.end - 1))
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
        target = self.model.paragraph_target(delta)
        if target is not None:
            self.go_to_clause(target, keep_selection=True)

    def action_top(self) -> None:
        self.go_to_clause(0, keep_selection=True)

    def action_bottom(self) -> None:
        self.go_to_clause(len(self.clauses) - 1, keep_selection=True)

    def action_half_page(self, delta: int) -> None:
        clause = self.current_clause
        if clause is None:
            return
        half = max(1, self.scrollable_content_region.height // 2)
        layout = self.text_layout
        y = max(0, min(layout.line_of(clause.start) + delta * half, len(layout) - 1))
        target = self.document.clause_index_at(layout.starts[y])
        if target == self.cursor:
            target = self.cursor + delta
        self.scroll_to(y=max(0, round(self.scroll_y) + delta * half), animate=False, immediate=True)
        self.go_to_clause(target, keep_selection=True)

    def action_annotation(self, delta: int) -> None:
        walked = [a for a in self.annotations if self.category_filter is None or self.category_filter in a.categories]
        target = self.model.annotation_target(delta, walked)
        if target is not None:
            self.go_to_clause(target)

    # -- caret and selection -----------------------------------------------------------------
    def _caret_moved(self, moved: bool) -> None:
        if moved:
            self._moved()

    def action_select(self) -> None:
        self._caret_moved(self.model.toggle_char_selection())

    def action_select_clauses(self) -> None:
        self._caret_moved(self.model.toggle_clause_selection())

    def action_word(self, delta: int) -> None:
        self._caret_moved(self.model.word(delta))

    def action_word_end(self) -> None:
        self._caret_moved(self.model.word_end())

    def action_char(self, delta: int) -> None:
        self._caret_moved(self.model.char(delta))

    def action_edge(self, end: int) -> None:
        self._caret_moved(self.model.clause_edge(bool(end)))

    def action_extend(self, unit: str, delta: int) -> None:
        self._caret_moved(self.model.extend(lambda: self.model.char(delta)))

    def action_find_char(self, forward: int) -> None:
        self._pending = "f" if forward else "F"

    def action_repeat_find(self, reverse: int) -> None:
        self._caret_moved(self.model.repeat_find(bool(reverse)))

    def action_select_match(self) -> None:
        self._caret_moved(self.model.select_match())

    def action_window(self) -> None:
        self._pending = "window"

    async def on_key(self, event: events.Key) -> None:
        """The second key of ``f``/``F`` and ``ctrl+w``: taken here, before any binding sees it."""
        pending, self._pending = self._pending, None
        if pending is None or event.key in ("shift", "ctrl", "alt"):
            return
        event.stop()
        event.prevent_default()
        if pending in ("f", "F") and event.character and event.is_printable:
            self._caret_moved(self.model.find_char(event.character, pending == "f"))
        elif pending == "window" and event.key in ("h", "l", "w", "W", "left", "right"):
            delta = -1 if event.key in ("h", "W", "left") else 1
            self.post_message(self.PaneStepRequested(self, delta))

    def action_char_line(self, delta: int) -> None:
        def line_move() -> bool:
            head = self.model.caret
            layout = self.text_layout
            y = layout.line_of(head)
            col = tl.offset_to_column(self.text, layout.starts[y], head)
            y2 = y + delta
            if not 0 <= y2 < len(layout):
                return self.model.set_caret(0 if delta < 0 else len(self.text))
            return self.model.set_caret(tl.column_to_offset(self.text, layout.starts[y2], layout.ends[y2], col))

        self._caret_moved(self.model.extend(line_move))

    def set_selection(self, anchor: int, head: int) -> None:
        self.model.set_selection(anchor, head)
        self._moved()

    def clear_selection(self) -> None:
        self.model.clear_selection()
        self._moved(scroll=False)

    def action_cancel(self) -> None:
        if self.selection is not None:
            self.clear_selection()
        elif self.matches or self.search_query:
            self.search("")

    # -- search ------------------------------------------------------------------------------
    def action_search(self) -> None:
        self.search_signal.publish(self)

    def search(self, query: str) -> int:
        """Highlight every literal, case-insensitive occurrence of ``query``; go to the first
        at or after the cursor. Returns the number of matches."""
        count = self.model.find(query, self.document.text)
        self._invalidate()
        if count:
            self._shown_match()
        else:
            self._focused()
        return count

    def _shown_match(self) -> None:
        """After the model went to a match: repaint, and scroll it into view (a third down)."""
        self._moved(scroll=False)
        current = self.model.search.current
        if current is None:
            return
        y = self.text_layout.line_of(current[0])
        height = self.scrollable_content_region.height
        top = round(self.scroll_y)
        if not top <= y < top + height:
            self.scroll_to(y=max(0, y - height // 3), animate=False, immediate=True)

    def action_match(self, delta: int) -> None:
        if self.model.match(delta):
            self._shown_match()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "search" and self._pending is not None:
            return False  # "f/" finds a slash: the key goes to on_key, not to the (priority) search
        if action == "match":
            return True if self.matches else None
        if action == "cancel":
            return True if (self.selection is not None or self.search_query) else None
        if action == "annotation":
            return True if self.annotations else None
        if action == "select_match":
            return True if self.model.search.current is not None else None
        if action == "repeat_find":
            return True if self.model.last_find is not None else None
        if action in ("move", "paragraph", "top", "bottom", "half_page", "select", "select_clauses", "word",
                      "word_end", "char", "char_line", "edge", "extend", "find_char"):
            return True if self.clauses else None
        return True

    # -- mouse -------------------------------------------------------------------------------
    def _offset_at(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset_capture(self)
        if self._text_layout is None:
            return None
        layout = self.text_layout
        y = offset.y + round(self.scroll_y)
        if y < 0:
            return 0
        if y >= len(layout):
            return len(self.text)
        start, end = layout.starts[y], layout.ends[y]
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
        self.model.place_at(offset)
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
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        line = round(self.scroll_y) + y
        layout = self.text_layout
        if line >= len(layout):
            return Strip.blank(width, self.painter.base)
        ls, le = layout.starts[line], layout.ends[line]
        clause = self.current_clause
        span = self.selection_span
        current_match = self.model.search.current
        key = LineKey(
            line=line, width=width, version=self._version, line_version=self._line_versions.get(line, 0),
            current=clip((clause.start, clause.end) if clause else None, ls, le),
            # The current clause also owns the newline gap lines inside it (for the gutter bar).
            in_clause=clause is not None and clause.start <= le and ls < clause.end,
            selection=clip(span, ls, le),
            in_selection=span is not None and span[0] <= le and ls < span[1],
            caret=self.model.caret if self.text and ls <= self.model.caret <= le else None,
            current_match=clip(current_match, ls, le),
        )
        return self.painter.line(key, ls, le, layout, self._line_inputs(current_match))

    def _line_inputs(self, current_match: tuple[int, int] | None) -> LineInputs:
        search = self.model.search
        return LineInputs(text=self.text, annotations=self.annotations, cover_points=self._cover_points,
                          covering=self._covering, matches=search.matches, match_starts=search.starts,
                          current_match=current_match, ghosts=self.ghosts, ghost_starts=self._ghost_starts,
                          anchor_status=self.anchor_status)
