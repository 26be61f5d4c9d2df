"""Text layout for the policy pane: grapheme boundaries, word steps and soft wrapping by cells.

Pure functions over a string (no widgets), so they can be tested with hypothesis. Offsets are
code points into the document text, as everywhere in reviewer. Grapheme clusters follow the
parts of UAX #29 that matter in policies: combining marks, variation selectors, zero-width
joiner sequences, emoji modifiers, tag sequences and regional-indicator pairs stay whole.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

from rich.cells import cell_len

ZWJ = "\u200d"
_TOKEN = re.compile(r"\S+[^\S\n]*|[^\S\n]+")
_WORD = re.compile(r"\w+|[^\w\s]+")


def _extends(ch: str) -> bool:
    """Does ``ch`` attach to the character before it (no grapheme boundary before it)?"""
    o = ord(ch)
    if o < 0x300:
        return False
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Mc"):
        return True
    return (ch == ZWJ or 0xFE00 <= o <= 0xFE0F or 0x1F3FB <= o <= 0x1F3FF
            or 0xE0020 <= o <= 0xE007F or 0xE0100 <= o <= 0xE01EF)


def _regional(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def is_boundary(text: str, i: int) -> bool:
    """Is offset ``i`` between two grapheme clusters (or at either end)?"""
    if i <= 0 or i >= len(text):
        return True
    ch, before = text[i], text[i - 1]
    if _extends(ch) or before == ZWJ:
        return False
    if _regional(ch) and _regional(before):
        # Pair regional indicators from the start of the run: a boundary after an even count.
        run = 0
        j = i - 1
        while j >= 0 and _regional(text[j]):
            run += 1
            j -= 1
        return run % 2 == 0
    return True


def next_boundary(text: str, i: int) -> int:
    """The first grapheme boundary after ``i`` (len(text) at the end)."""
    n = len(text)
    if i >= n:
        return n
    j = max(0, i) + 1
    while j < n and not is_boundary(text, j):
        j += 1
    return j


def prev_boundary(text: str, i: int) -> int:
    """The last grapheme boundary before ``i`` (0 at the start)."""
    if i <= 0:
        return 0
    j = min(i, len(text)) - 1
    while j > 0 and not is_boundary(text, j):
        j -= 1
    return j


def snap(text: str, i: int) -> int:
    """``i`` moved back to the nearest grapheme boundary."""
    i = max(0, min(i, len(text)))
    while i > 0 and not is_boundary(text, i):
        i -= 1
    return i


def next_word_end(text: str, i: int) -> int:
    """End of the next word (or run of punctuation) at or after ``i``."""
    m = _WORD.search(text, i)
    if m is None:
        return len(text)
    end = m.end()
    if end == i:  # already at a word end: take the next word
        m = _WORD.search(text, i + 1)
        end = m.end() if m else len(text)
    return end


def prev_word_start(text: str, i: int) -> int:
    """Start of the word before ``i``."""
    j = i
    while j > 0 and text[j - 1].isspace():
        j -= 1
    if j == 0:
        return 0
    word = text[j - 1].isalnum() or text[j - 1] == "_"
    while j > 0 and not text[j - 1].isspace() and (text[j - 1].isalnum() or text[j - 1] == "_") == word:
        j -= 1
    return j


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
