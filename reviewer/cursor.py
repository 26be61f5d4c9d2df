"""The pane's cursor as plain data: the caret, its clause, the selection and the search matches.

A key's meaning lives here, tested without a terminal; the pane only turns keys into these calls
and repaints the lines that changed. Offsets are code points into the text the pane shows (the
document text with control characters made visible, which keeps every offset).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Callable, Iterable, Protocol, Sequence

from reviewer.clauses import Clause
from reviewer.graphemes import next_boundary, next_word_start, prev_boundary, snap, word_end, word_start_before


class Spanned(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


@dataclass
class Search:
    """A literal, case-insensitive search and where its current match is."""

    query: str = ""
    matches: list[tuple[int, int]] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    index: int = -1
    landed: int = -1     # where going to match ``index`` put the caret (snapped to a grapheme)

    @property
    def current(self) -> tuple[int, int] | None:
        return self.matches[self.index] if 0 <= self.index < len(self.matches) else None


@dataclass
class Cursor:
    """Where the analyst is in one document: a caret, its clause, a selection, a search.

    ``caret`` is a character offset (on a grapheme boundary) and ``index`` the clause that holds
    it (-1 for a document without clauses). A selection has a ``mode``: ``"char"`` (``v``: from
    the character at ``anchor`` to the one under the caret, both included, as in vim's visual
    mode), ``"clause"`` (``V``: whole clauses from clause ``anchor`` to the current one) or
    ``"span"`` (a mouse drag: ``anchor`` to ``caret``, end excluded).
    """

    text: str
    clauses: Sequence[Clause]
    clause_index_at: Callable[[int], int]
    index: int = -1
    caret: int = 0
    mode: str | None = None
    anchor: int = 0
    search: Search = field(default_factory=Search)
    last_find: tuple[str, bool] | None = None   # f / F: the character and whether forward

    def __post_init__(self) -> None:
        if self.index < 0 and self.clauses:
            self.index = 0
            self.caret = self.clauses[0].start

    # -- what is under the cursor ----------------------------------------------------------
    @property
    def clause(self) -> Clause | None:
        return self.clauses[self.index] if 0 <= self.index < len(self.clauses) else None

    def _char_end(self, offset: int) -> int:
        """The end of the character at ``offset`` (the next grapheme boundary)."""
        return min(len(self.text), next_boundary(self.text, offset))

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selection as (anchor side, caret side) offsets, or None."""
        if self.mode == "char":
            if self.caret >= self.anchor:
                return (self.anchor, self._char_end(self.caret))
            return (self._char_end(self.anchor), self.caret)
        if self.mode == "clause" and self.clauses:
            first, last = self.clauses[self.anchor], self.clauses[self.index]
            ends = (first.start, last.end) if self.index >= self.anchor else (first.end, last.start)
            # a clause can begin with a lone combining mark (after a line's leading spaces): a
            # selection end never splits a character
            return (snap(self.text, ends[0]), snap(self.text, ends[1]))
        if self.mode == "span":
            return (self.anchor, self.caret)
        return None

    @property
    def selection_span(self) -> tuple[int, int] | None:
        """The selection as (start, end), or None when nothing (or nothing wide) is selected."""
        sel = self.selection
        if sel is None:
            return None
        s, e = min(sel), max(sel)
        return (s, e) if e > s else None

    def target_span(self) -> tuple[int, int] | None:
        """The selection, or the current clause when nothing is selected: what a tag applies to."""
        span = self.selection_span
        if span:
            return span
        clause = self.clause
        return (clause.start, clause.end) if clause else None

    def position(self) -> tuple[int, int]:
        """(1-based character of the caret within its clause, the clause's length)."""
        clause = self.clause
        if clause is None:
            return (0, 0)
        return (max(0, self.caret - clause.start) + 1, clause.end - clause.start)

    # -- the caret --------------------------------------------------------------------------
    def _last(self) -> int:
        """The last place a caret may rest (on the last character)."""
        return max(0, prev_boundary(self.text, len(self.text))) if self.text else 0

    def set_caret(self, offset: int) -> bool:
        """Put the caret at ``offset`` (snapped, kept in the text); its clause follows. A selection
        being made follows the caret."""
        if not self.text:
            return False
        limit = len(self.text) if self.mode == "span" else self._last()
        self.caret = snap(self.text, max(0, min(offset, limit)))
        if self.clauses:
            self.index = max(0, self.clause_index_at(self.caret))
        return True

    def word(self, delta: int) -> bool:
        """``w`` / ``b``: the start of the next or previous word."""
        return self.set_caret(next_word_start(self.text, self.caret) if delta > 0
                              else word_start_before(self.text, self.caret))

    def word_end(self) -> bool:
        """``e``: the end of this word, or of the next."""
        return self.set_caret(word_end(self.text, self.caret))

    def char(self, delta: int) -> bool:
        """``h`` / ``l``: one character (grapheme) left or right."""
        return self.set_caret(next_boundary(self.text, self.caret) if delta > 0
                              else prev_boundary(self.text, self.caret))

    def clause_edge(self, end: bool) -> bool:
        """``^`` / ``$``: the first or the last character of the clause."""
        clause = self.clause
        if clause is None:
            return False
        if not end:
            return self.set_caret(clause.start)
        last = clause.end
        while last > clause.start and self.text[last - 1].isspace():
            last -= 1
        return self.set_caret(prev_boundary(self.text, last))

    def find_char(self, char: str, forward: bool) -> bool:
        """``f`` / ``F``: the next (or previous) ``char`` within the clause; remembered for ``;``."""
        self.last_find = (char, forward)
        return self._find(char, forward)

    def repeat_find(self, reverse: bool = False) -> bool:
        """``;`` repeats the last ``f``/``F``; ``,`` repeats it the other way."""
        if self.last_find is None:
            return False
        char, forward = self.last_find
        return self._find(char, forward != reverse)

    def _find(self, char: str, forward: bool) -> bool:
        clause = self.clause
        if clause is None or not char:
            return False
        if forward:
            at = self.text.find(char, self.caret + 1, clause.end)
        else:
            at = self.text.rfind(char, clause.start, self.caret)
        return self.set_caret(at) if at >= 0 else False

    # -- clause moves -----------------------------------------------------------------------
    def go_to_clause(self, index: int, *, keep_selection: bool = False) -> bool:
        """Move to clause ``index`` (clamped), the caret to its start. A selection being made
        follows; a plain move drops it."""
        if not self.clauses:
            return False
        self.index = max(0, min(index, len(self.clauses) - 1))
        self.caret = self.clauses[self.index].start
        if not keep_selection:
            self.mode = None
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
    def toggle_char_selection(self) -> bool:
        """``v``: select from the character under the caret (``v`` again cancels)."""
        if not self.text:
            return False
        if self.mode == "char":
            self.mode = None
        else:
            self.mode, self.anchor = "char", self.caret
        return True

    def toggle_clause_selection(self) -> bool:
        """``V``: select whole clauses from the current one (``V`` again cancels)."""
        if self.clause is None:
            return False
        if self.mode == "clause":
            self.mode = None
        else:
            self.mode, self.anchor = "clause", self.index
        return True

    def extend(self, move: Callable[[], bool]) -> bool:
        """shift+arrows, as in other editors: the selection runs from where the caret was to where
        it goes, end excluded (started when there is none; a ``v`` selection just follows)."""
        if self.mode is None and self.text:
            self.mode, self.anchor = "span", self.caret
        return move()

    def set_selection(self, anchor: int, head: int) -> None:
        """A selection made by the mouse: from ``anchor`` to ``head``, end excluded."""
        anchor, head = snap(self.text, anchor), snap(self.text, head)
        self.mode, self.anchor, self.caret = "span", anchor, head
        self.index = max(0, self.clause_index_at(min(anchor, head)))

    def clear_selection(self) -> None:
        self.mode = None

    def place_at(self, offset: int) -> None:
        """A click: no selection, the caret at ``offset``."""
        self.clear_selection()
        self.set_caret(offset)

    def select_match(self) -> bool:
        """Select the current search match (vim's ``gn``)."""
        current = self.search.current
        if current is None or current[1] <= current[0]:
            return False
        self.mode, self.anchor = "char", current[0]
        self.set_caret(prev_boundary(self.text, current[1]))
        return True

    # -- search -----------------------------------------------------------------------------
    def find(self, query: str, source: str) -> int:
        """Search ``source`` (the document text) for ``query``; the caret goes to the first match
        at or after it. Returns the number of matches."""
        matches = find_all(source, query)
        self.search = Search(query, matches, [s for s, _ in matches], -1)
        if matches:
            self.go_to_match(bisect_left(self.search.starts, self.caret) % len(matches))
        return len(matches)

    def go_to_match(self, index: int) -> None:
        self.search.index = index
        self.clear_selection()
        self.set_caret(self.search.matches[index][0])
        self.search.landed = self.caret

    def match(self, delta: int) -> bool:
        """``n`` / ``N``: the first match after the caret, or the last one before it, wrapping
        around, as in vim and less: from wherever the caret is now (``G``, ``j``, a click), not from
        the last match gone to. On a match it went to, the next or previous one in order (a match
        whose start is inside a grapheme puts the caret before it, and two may share a start)."""
        search = self.search
        if not search.matches:
            return False
        if 0 <= search.index < len(search.matches) and self.caret == search.landed:
            i = search.index + delta
        elif delta > 0:
            i = bisect_right(search.starts, self.caret)
        else:
            i = bisect_left(search.starts, self.caret) - 1
        self.go_to_match(i % len(search.matches))
        return True

    def reset(self, text: str, clauses: Sequence[Clause], clause_index_at: Callable[[int], int]) -> None:
        """Another document: caret to the top, selection and matches cleared (the query is kept)."""
        self.text, self.clauses, self.clause_index_at = text, clauses, clause_index_at
        self.index = 0 if clauses else -1
        self.caret = clauses[0].start if clauses else 0
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
