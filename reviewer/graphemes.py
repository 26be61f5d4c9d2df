"""Grapheme boundaries and word steps over document text: what a caret or a selection end may rest on.

Pure functions over a string, so the cursor model (``reviewer.cursor``) and the pane share them.
Offsets are code points into the document text, as everywhere in reviewer. Grapheme clusters follow
the parts of UAX #29 that matter in policies: combining marks, variation selectors, zero-width
joiner sequences, emoji modifiers, tag sequences and regional-indicator pairs stay whole.
"""

from __future__ import annotations

import re
import unicodedata

ZWJ = "\u200d"
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


def _word_class(ch: str) -> int:
    """0 for white space, 1 for word characters, 2 for punctuation: vim's word classes."""
    if ch.isspace():
        return 0
    return 1 if ch.isalnum() or ch == "_" else 2


def next_word_start(text: str, i: int) -> int:
    """vim's ``w``: the start of the next word (a run of word characters or of punctuation);
    ``len(text)`` when there is none."""
    n = len(text)
    if i >= n:
        return n
    cls = _word_class(text[i])
    j = i
    if cls:
        while j < n and _word_class(text[j]) == cls:
            j += 1
    while j < n and _word_class(text[j]) == 0:
        j += 1
    return j


def word_end(text: str, i: int) -> int:
    """vim's ``e``: the last character of this word, or of the next one when already there."""
    n = len(text)
    j = i + 1
    while j < n and _word_class(text[j]) == 0:
        j += 1
    if j >= n:
        return max(0, n - 1)
    cls = _word_class(text[j])
    while j + 1 < n and _word_class(text[j + 1]) == cls:
        j += 1
    return j


def word_start_before(text: str, i: int) -> int:
    """vim's ``b``: the start of this word when inside it past its start, else of the previous one."""
    j = i
    while j > 0 and _word_class(text[j - 1]) == 0:
        j -= 1
    if j == 0:
        return 0
    cls = _word_class(text[j - 1])
    while j > 0 and _word_class(text[j - 1]) == cls:
        j -= 1
    return j
