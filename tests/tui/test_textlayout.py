"""Soft wrapping, grapheme and word steps of the policy pane (no terminal needed)."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st
from rich.cells import cell_len

from reviewer.tui import textlayout as tl

ALPHABET = st.sampled_from(list("ab cd\n.,") + ["e\u0301", "\U0001F469\u200d\U0001F4BB", "\U0001F1EB\U0001F1F7",
                                                 "\u6f22", "\u2764\ufe0f", " ", "x"])
texts = st.lists(ALPHABET, max_size=80).map("".join)


@settings(max_examples=300, deadline=None)
@given(texts, st.integers(min_value=1, max_value=30))
def test_wrap_covers_every_offset_once_within_width(text: str, width: int) -> None:
    layout = tl.wrap(text, width)
    covered = []
    for s, e in zip(layout.starts, layout.ends):
        assert s <= e
        assert tl.is_boundary(text, s)  # a line never starts inside a grapheme
        body = text[s:e].rstrip(" ")
        # a line is within the width, unless it is a single grapheme wider than the width
        assert cell_len(body) <= width or tl.next_boundary(text, s) >= s + len(body)
        covered.extend(range(s, e))
    expected = [i for i, c in enumerate(text) if c != "\n"]
    assert covered == expected
    for i in range(len(text)):
        y = layout.line_of(i)
        assert layout.starts[y] <= i


@settings(max_examples=300, deadline=None)
@given(texts)
def test_grapheme_steps_never_split_a_cluster(text: str) -> None:
    i, seen = 0, [0]
    while i < len(text):
        j = tl.next_boundary(text, i)
        assert j > i and tl.is_boundary(text, j)
        seen.append(j)
        i = j
    back = [len(text)]
    i = len(text)
    while i > 0:
        i = tl.prev_boundary(text, i)
        back.append(i)
    assert sorted(back) == seen if text else True
    for k in range(len(text) + 1):
        assert tl.is_boundary(text, tl.snap(text, k))


def test_known_clusters() -> None:
    text = "e\u0301\U0001F469\u200d\U0001F4BB\U0001F1EB\U0001F1F7\U0001F1E9\U0001F1EAx"
    stops = [0]
    while stops[-1] < len(text):
        stops.append(tl.next_boundary(text, stops[-1]))
    assert stops == [0, 2, 5, 7, 9, 10]


def test_words() -> None:
    text = "We collect data, e.g. names."
    assert tl.next_word_end(text, 0) == 2
    assert tl.next_word_end(text, 2) == 10
    assert tl.prev_word_start(text, 10) == 3
    assert tl.prev_word_start(text, 3) == 0


def test_columns_round_trip() -> None:
    text = "\u6f22\u5b57 ab"
    assert tl.offset_to_column(text, 0, 2) == 4
    assert tl.column_to_offset(text, 0, len(text), 3) == 1
    assert tl.column_to_offset(text, 0, len(text), 99) == len(text)
