"""Text layout for the policy pane: soft wrapping by terminal cells, and columns <-> offsets.

Pure functions over a string (no widgets), so they can be tested with hypothesis. Grapheme and
word steps live in the core (``reviewer.graphemes``) and are re-exported here for the pane.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from rich.cells import cell_len

from reviewer.graphemes import (ZWJ, is_boundary, next_boundary, next_word_end, prev_boundary,  # noqa: F401
                                prev_word_start, snap)

_TOKEN = re.compile(r"\S+[^\S\n]*|[^\S\n]+")


def width(s: str) -> int:
    return len(s) if s.isascii() else cell_len(s)


@dataclass
class Layout:
    """Visual lines of a text soft-wrapped at ``width`` cells: line y covers [starts[y], ends[y])."""

    width: int
    starts: list[int]
    ends: list[int]

    def __len__(self) -> int:
        return len(self.starts)

    def line_of(self, offset: int) -> int:
        return max(0, bisect_right(self.starts, offset) - 1)


def wrap(text: str, cells: int) -> Layout:
    """Soft-wrap ``text`` (newlines are hard breaks) into lines of at most ``cells`` cells.

    Words move whole to the next line; a word wider than a line is cut at grapheme boundaries.
    Trailing spaces stay on their line (they may overflow and are cropped when drawn) so every
    code point belongs to exactly one line and a line never starts inside a grapheme.
    """
    cells = max(1, cells)
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for raw in text.split("\n"):
        line_end = pos + len(raw)
        if len(raw) <= cells and raw.isascii():
            starts.append(pos)
            ends.append(line_end)
        else:
            cur, used = pos, 0
            for m in _TOKEN.finditer(raw):
                tok = m.group()
                word = tok.rstrip()
                w = width(word)
                t0 = pos + m.start()
                if used and used + w > cells:
                    starts.append(cur)
                    ends.append(t0)
                    cur, used = t0, 0
                if w > cells:  # a very long word: cut it
                    i = t0
                    stop = t0 + len(word)
                    while i < stop:
                        j = next_boundary(text, i)
                        cw = width(text[i:j])
                        if used and used + cw > cells:
                            starts.append(cur)
                            ends.append(i)
                            cur, used = i, 0
                        used += cw
                        i = j
                    used += width(tok) - w
                else:
                    used += width(tok)
            starts.append(cur)
            ends.append(line_end)
        pos = line_end + 1
    return Layout(cells, starts, ends)


def column_to_offset(text: str, start: int, end: int, column: int) -> int:
    """Offset of the grapheme drawn at ``column`` cells into the line [start, end)."""
    used = 0
    i = start
    while i < end:
        j = next_boundary(text, i)
        used += width(text[i:j])
        if used > column:
            return i
        i = j
    return end


def offset_to_column(text: str, start: int, offset: int) -> int:
    return width(text[start:offset])
