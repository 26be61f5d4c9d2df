"""The pane's cursor model without a terminal: clause moves, selections, search."""

from __future__ import annotations

from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from reviewer.cursor import Cursor, find_all, target_annotation
from reviewer.documents import Document
from reviewer.store import Annotation

TEXT = ("Privacy Policy\n\nWe collect your e-mail address. We share it with partners.\n\n"
        "You may delete your account. Contact us at privacy@example.com.\n")


def cursor(text: str = TEXT) -> tuple[Cursor, Document]:
    doc = Document("doc", Path("doc.txt"), text)
    return Cursor(text, doc.clauses, doc.clause_index_at), doc


def test_starts_on_the_first_clause_and_clamps_moves() -> None:
    c, doc = cursor()
    assert c.index == 0 and c.clause == doc.clauses[0]
    c.go_to_clause(99)
    assert c.index == len(doc.clauses) - 1
    c.go_to_clause(-5)
    assert c.index == 0
    empty, _ = cursor("")
    assert empty.index == -1 and empty.target_span() is None and not empty.go_to_clause(1)


def test_clause_selection_extends_by_whole_clauses_and_a_plain_move_drops_it() -> None:
    c, doc = cursor()
    c.go_to_clause(1)
    assert c.toggle_clause_selection()
    c.go_to_clause(2, keep_selection=True)
    assert c.selection_span == (doc.clauses[1].start, doc.clauses[2].end)
    c.go_to_clause(0, keep_selection=True)  # back past the anchor: from the anchor clause's end
    assert c.selection_span == (doc.clauses[0].start, doc.clauses[1].end)
    c.go_to_clause(3)
    assert c.selection is None


def test_caret_moves_as_in_vim() -> None:
    c, doc = cursor()
    c.go_to_clause(1)  # "We collect your e-mail address."
    start = doc.clauses[1].start
    assert c.caret == start
    c.word(1)
    assert TEXT[c.caret:].startswith("collect")
    c.word_end()
    assert TEXT[c.caret] == "t" and TEXT[c.caret - 6:c.caret + 1] == "collect"
    c.word(-1)
    assert TEXT[c.caret:].startswith("collect")
    c.char(1)
    assert TEXT[c.caret:].startswith("ollect")
    c.clause_edge(True)
    assert TEXT[c.caret] == "." and c.index == 1
    c.clause_edge(False)
    assert c.caret == start
    first_e = TEXT.index("e", start + 1)
    second_e = TEXT.index("e", first_e + 1)
    assert c.find_char("e", True) and c.caret == first_e
    assert c.repeat_find() and c.caret == second_e
    assert c.repeat_find(reverse=True) and c.caret == first_e
    assert not c.find_char("Z", True)


def test_v_selects_from_the_caret_character_to_the_caret_character() -> None:
    c, doc = cursor()
    c.go_to_clause(1)
    c.word(1)
    c.toggle_char_selection()
    c.word_end()
    assert TEXT[slice(*c.target_span())] == "collect"
    c.toggle_char_selection()
    assert c.selection is None and c.target_span() == (doc.clauses[1].start, doc.clauses[1].end)


def test_shift_arrows_select_like_other_editors() -> None:
    c, _ = cursor()
    c.go_to_clause(1)
    for _ in range(3):
        c.extend(lambda: c.char(1))
    assert TEXT[slice(*c.target_span())] == "We "


def test_search_then_select_match_gives_the_match() -> None:
    c, _ = cursor()
    assert c.find("partners", TEXT) == 1
    assert c.select_match()
    assert TEXT[slice(*c.target_span())] == "partners"


def test_search_goes_to_the_first_match_at_or_after_the_clause_and_wraps() -> None:
    c, doc = cursor()
    c.go_to_clause(3)
    assert c.find("YOUR", TEXT) == 2
    assert c.search.current == (TEXT.index("your account"), TEXT.index("your account") + 4)
    assert c.match(1)
    assert c.search.current == (TEXT.index("your e-mail"), TEXT.index("your e-mail") + 4)
    assert c.index == doc.clause_index_at(TEXT.index("your e-mail"))
    assert c.find("nowhere", TEXT) == 0 and not c.match(1)


def test_target_annotation_prefers_the_exact_span_then_the_tightest_around() -> None:
    wide = Annotation(id="a", start=0, end=60, quote="")
    tight = Annotation(id="b", start=16, end=47, quote="")
    assert target_annotation((16, 47), [wide, tight]) is tight
    assert target_annotation((20, 30), [wide, tight]) is tight
    assert target_annotation((70, 80), [wide, tight]) is None


@settings(max_examples=200, deadline=None)
@example(" \u0301\na", [2, 0, -3])   # a clause that begins with a lone combining mark, selected backwards
@given(st.text(alphabet="ab \n.\u0301\U0001F1E6\U0001F1E8", max_size=60), st.lists(st.integers(-3, 3), max_size=20))
def test_selection_ends_always_rest_on_grapheme_boundaries(text: str, steps: list[int]) -> None:
    from reviewer.graphemes import is_boundary

    c, doc = cursor(text)
    for step in steps:
        if step == 0:
            c.toggle_clause_selection()
        elif abs(step) == 1:
            c.char(step)
        elif abs(step) == 2:
            c.word(step // 2)
        else:
            c.go_to_clause(c.index + step // 3, keep_selection=True)
        if c.selection is not None:
            assert 0 <= c.selection[1] <= len(text) and is_boundary(text, c.selection[1])
        assert -1 <= c.index < max(1, len(doc.clauses))


def test_find_all_is_literal_and_case_insensitive() -> None:
    assert find_all("a.b a+b A.B", "a.b") == [(0, 3), (8, 11)]
    assert find_all("Straße STRASSE", "straße") == [(0, 6)]
