"""The pane's cursor as plain data: the current clause, the selection and the search matches.

A key's meaning lives here, tested without a terminal; the pane only turns keys into these calls
and repaints the lines that changed. Offsets are code points into the text the pane shows (the
document text with control characters made visible, which keeps every offset).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Callable, Iterable, Protocol, Sequence

from reviewer.clauses import Clause
from reviewer.graphemes import next_boundary, next_word_end, prev_boundary, prev_word_start, snap


class Spanned(Protocol):
    start: int
    end: int


@dataclass
class Search:
    """A literal, case-insensitive search and where its current match is."""

    query: str = ""
    matches: list[tuple[int, int]] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    index: int = -1

    @property
    def current(self) -> tuple[int, int] | None:
        return self.matches[self.index] if 0 <= self.index < len(self.matches) else None


@dataclass
class Cursor:
    """Where the analyst is in one document.

    ``index`` is the current clause (-1 for a document without clauses); ``selection`` is
    (anchor, head) offsets; ``clause_anchor`` is the clause a clause-wise selection started on,
    so ``j``/``k`` extend it by whole clauses.
    """

    text: str
    clauses: Sequence[Clause]
    clause_index_at: Callable[[int], int]
    index: int = -1
    selection: tuple[int, int] | None = None
    clause_anchor: tuple[int, int] | None = None
    search: Search = field(default_factory=Search)

    def __post_init__(self) -> None:
        if self.index < 0 and self.clauses:
            self.index = 0

    # -- what is under the cursor ----------------------------------------------------------
    @property
    def clause(self) -> Clause | None:
        return self.clauses[self.index] if 0 <= self.index < len(self.clauses) else None

    @property
    def selection_span(self) -> tuple[int, int] | None:
        """The selection as (start, end), or None when nothing (or nothing wide) is selected."""
        if self.selection is None:
            return None
        a, h = self.selection
        s, e = min(a, h), max(a, h)
        return (s, e) if e > s else None

    def target_span(self) -> tuple[int, int] | None:
        """The selection, or the current clause when nothing is selected: what a tag applies to."""
        span = self.selection_span
        if span:
            return span
        clause = self.clause
        return (clause.start, clause.end) if clause else None

    # -- clause moves -----------------------------------------------------------------------
    def go_to_clause(self, index: int, *, keep_selection: bool = False) -> bool:
        """Move to clause ``index`` (clamped). A clause-wise selection follows; a plain move drops it."""
        if not self.clauses:
            return False
        index = max(0, min(index, len(self.clauses) - 1))
        self.index = index
        if self.selection is not None and keep_selection and self.clause_anchor is not None:
            a0, a1 = self.clause_anchor
            c = self.clauses[index]
            self.selection = (a0, c.end) if c.start >= a0 else (a1, c.start)
        elif not keep_selection:
            self.selection = None
            self.clause_anchor = None
        return True

    def go_to_offset(self, offset: int) -> bool:
        return self.go_to_clause(self.clause_index_at(offset))

    def paragraph_target(self, delta: int) -> int | None:
        """The first clause of the next paragraph, or of this / the previous one going back."""
        clause = self.clause
        if clause is None:
            return None
        clauses, index = self.clauses, self.index
        if delta > 0:
            while index < len(clauses) and clauses[index].paragraph == clause.paragraph:
                index += 1
            return min(index, len(clauses) - 1)
        para = clause.paragraph
        if index > 0 and clauses[index - 1].paragraph == para:
            while index > 0 and clauses[index - 1].paragraph == para:
                index -= 1
        elif index > 0:
            index -= 1
            para = clauses[index].paragraph
            while index > 0 and clauses[index - 1].paragraph == para:
                index -= 1
        return index

    def annotation_target(self, delta: int, annotations: Iterable[Spanned]) -> int | None:
        """The clause of the next (``delta`` > 0) or previous annotation, or None at the end."""
        if self.clause is None:
            return None
        starts = [self.clause_index_at(a.start) for a in annotations]
        if delta > 0:
            later = [i for i in starts if i > self.index]
            return min(later) if later else None
        earlier = [i for i in starts if i < self.index]
        return max(earlier) if earlier else None

    # -- selection --------------------------------------------------------------------------
    def toggle_clause_selection(self) -> bool:
        """``v``: select the current clause, or cancel the selection. False when nothing changed."""
        if self.selection is not None:
            self.clear_selection()
            return True
        clause = self.clause
        if clause is None:
            return False
        self.clause_anchor = (clause.start, clause.end)
        self.selection = (clause.start, clause.end)
        return True

    def _start_char_selection(self) -> None:
        if self.selection is None:
            clause = self.clause
            if clause is None:
                return
            self.clause_anchor = (clause.start, clause.end)
            self.selection = (clause.start, clause.start)

    def set_head(self, head: int) -> bool:
        """Move the selection's moving end to ``head`` (snapped to a grapheme boundary)."""
        if self.selection is None:
            return False
        head = snap(self.text, head)
        self.selection = (self.selection[0], head)
        self.index = max(0, self.clause_index_at(max(0, head - 1) if head > self.selection[0] else head))
        return True

    def step_head(self, step: Callable[[str, int], int]) -> bool:
        """Move the selection's moving end by one ``step``, starting a selection when there is none."""
        self._start_char_selection()
        if self.selection is None:
            return False
        return self.set_head(step(self.text, self.selection[1]))

    def word(self, delta: int) -> bool:
        return self.step_head(next_word_end if delta > 0 else prev_word_start)

    def char(self, delta: int) -> bool:
        return self.step_head(next_boundary if delta > 0 else prev_boundary)

    def head_for_line_move(self) -> int | None:
        """Where a line-wise selection move starts from (a selection is started when there is none)."""
        self._start_char_selection()
        return self.selection[1] if self.selection is not None else None

    def set_selection(self, anchor: int, head: int) -> None:
        """A selection made by the mouse: character-wise, from ``anchor`` to ``head``."""
        anchor, head = snap(self.text, anchor), snap(self.text, head)
        self.clause_anchor = None
        self.selection = (anchor, head)
        self.index = max(0, self.clause_index_at(min(anchor, head)))

    def clear_selection(self) -> None:
        self.selection = None
        self.clause_anchor = None

    def place_at(self, offset: int) -> None:
        """A click: no selection, the clause under ``offset`` current."""
        self.clear_selection()
        if self.clauses:
            self.index = max(0, self.clause_index_at(offset))

    # -- search -----------------------------------------------------------------------------
    def find(self, query: str, source: str) -> int:
        """Search ``source`` (the document text) for ``query``; go to the first match at or after
        the current clause. Returns the number of matches."""
        matches = find_all(source, query)
        self.search = Search(query, matches, [s for s, _ in matches], -1)
        if matches:
            clause = self.clause
            here = clause.start if clause else 0
            self.go_to_match(bisect_left(self.search.starts, here) % len(matches))
        return len(matches)

    def go_to_match(self, index: int) -> None:
        self.search.index = index
        s, _ = self.search.matches[index]
        self.index = max(0, self.clause_index_at(s))
        self.clear_selection()

    def match(self, delta: int) -> bool:
        """``n`` / ``N``: the next or previous match, wrapping around."""
        search = self.search
        if not search.matches:
            return False
        if search.index < 0:
            clause = self.clause
            here = clause.start if clause else 0
            i = bisect_left(search.starts, here) if delta > 0 else bisect_left(search.starts, here) - 1
        else:
            i = search.index + delta
        self.go_to_match(i % len(search.matches))
        return True

    def reset(self, text: str, clauses: Sequence[Clause], clause_index_at: Callable[[int], int]) -> None:
        """Another document: cursor to the top, selection and matches cleared (the query is kept)."""
        self.text, self.clauses, self.clause_index_at = text, clauses, clause_index_at
        self.index = 0 if clauses else -1
        self.clear_selection()
        self.search = Search(self.search.query)


def target_annotation(span: tuple[int, int] | None, annotations: Sequence[Spanned]) -> Spanned | None:
    """The annotation a key acts on: the exact span, else the tightest one around it, else the
    shortest one overlapping it."""
    if span is None:
        return None
    s, e = span
    found = [a for a in annotations if a.start < e and s < a.end]
    if not found:
        return None
    for a in found:
        if (a.start, a.end) == (s, e):
            return a
    around = [a for a in found if a.start <= s and a.end >= e]
    pool = around or found
    return min(pool, key=lambda a: (a.end - a.start, a.start))


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
