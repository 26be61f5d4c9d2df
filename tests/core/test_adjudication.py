"""Pairing two sets' annotations: agreement within the tolerance, disagreement kinds, worst first, gold."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, strategies as st

from reviewer.adjudication import (TOLERANCE, Agreed, Progress, agreed_to_add, compare, compare_document,
                                   is_decided, worst_first)
from reviewer.gold import Change
from reviewer.store import Annotation

CATS = ("a", "b", "c")


def ann(ident: str, start: int, end: int, *cats: str) -> Annotation:
    return Annotation(ident, start, end, "x" * (end - start), categories=cats)


spans = st.lists(st.tuples(st.integers(0, 300), st.integers(0, 60), st.sets(st.sampled_from(CATS), max_size=2)),
                 max_size=25)


def build(prefix: str, raw) -> list[Annotation]:
    return [ann(f"{prefix}{n}", s, s + length, *sorted(c)) for n, (s, length, c) in enumerate(raw)]


@given(spans)
def test_a_set_agrees_with_itself(raw) -> None:
    a = build("a", raw)
    result = compare_document("d", a, [Annotation(x.id.replace("a", "b"), x.start, x.end, x.quote,
                                                  categories=x.categories) for x in a])
    assert result.disagreements == [] and len(result.agreed) == len(a)


@given(spans, spans)
def test_every_annotation_is_in_exactly_one_outcome(raw_a, raw_b) -> None:
    a, b = build("a", raw_a), build("b", raw_b)
    result = compare_document("d", a, b)
    seen_a = [p.a.id for p in result.agreed] + [d.a.id for d in result.disagreements if d.a]
    seen_b = [p.b.id for p in result.agreed] + [d.b.id for d in result.disagreements if d.b]
    assert sorted(seen_a) == sorted(x.id for x in a) and sorted(seen_b) == sorted(x.id for x in b)
    for p in result.agreed:
        assert abs(p.a.start - p.b.start) <= TOLERANCE and abs(p.a.end - p.b.end) <= TOLERANCE
        assert set(p.a.categories) == set(p.b.categories)
    for d in result.disagreements:
        if d.kind == "span":
            assert set(d.a.categories) == set(d.b.categories)
        if d.kind == "category":
            assert set(d.a.categories) != set(d.b.categories)


@given(st.integers(-TOLERANCE, TOLERANCE), st.integers(-TOLERANCE, TOLERANCE))
def test_boundaries_within_the_tolerance_agree(ds: int, de: int) -> None:
    result = compare_document("d", [ann("a", 50, 90, "a")], [ann("b", 50 + ds, 90 + de, "a")])
    assert len(result.agreed) == 1


def test_kinds_and_order() -> None:
    a = [ann("a1", 0, 10, "a"), ann("a2", 20, 30, "a"), ann("a3", 40, 50, "a"), ann("a4", 100, 110, "c")]
    b = [ann("b1", 0, 10, "a"), ann("b2", 20, 30, "b"), ann("b3", 40, 60, "a"), ann("b5", 200, 210, "a")]
    result = compare({"d": a}, {"d": b}, ["d"])
    assert [p.a.id for p in result.agreed] == ["a1"]
    assert [(d.kind, d.key) for d in result.disagreements] == [
        ("only_a", ("d", "a4", "")), ("only_b", ("d", "", "b5")), ("category", ("d", "a2", "b2")),
        ("span", ("d", "a3", "b3"))]


def test_worse_boundary_differences_come_first() -> None:
    result = compare_document("d", [ann("a1", 0, 10, "a"), ann("a2", 20, 30, "a")],
                              [ann("b1", 0, 15, "a"), ann("b2", 20, 50, "a")])
    assert [d.a.id for d in worst_first(result.disagreements)] == ["a2", "a1"]


def test_the_best_pair_wins() -> None:
    # b1 overlaps both; it agrees with a2, so a1 is left alone rather than paired as a span difference.
    result = compare_document("d", [ann("a1", 0, 30, "a"), ann("a2", 10, 20, "a")], [ann("b1", 10, 21, "a")])
    assert [(p.a.id, p.b.id) for p in result.agreed] == [("a2", "b1")]
    assert [d.kind for d in result.disagreements] == ["only_a"]


def test_agreed_to_add_skips_what_gold_covers_and_keeps_ids_unique() -> None:
    pairs = [Agreed("d", ann("x", 0, 10, "a"), ann("y", 0, 10, "a")),
             Agreed("d", ann("g", 20, 30, "a"), ann("z", 20, 30, "a")),
             Agreed("e", ann("q", 0, 5, "a"), ann("r", 0, 5, "a"))]
    gold = {"d": [ann("g", 5, 8, "b")]}
    out = agreed_to_add(pairs, gold)
    assert list(out) == ["d", "e"]
    assert len(out["d"]) == 1 and out["d"][0].id != "g" and out["d"][0].provenance == "agreed"
    assert out["e"][0].id == "q"


def test_two_overlapping_agreements_with_other_categories_both_reach_gold() -> None:
    """A and B both tagged 0-40 collection and 20-76 sharing: two agreements, overlapping. Gold
    gets both (a person's gold annotation there would decide it; a new one of this run does not)."""
    a = [ann("c", 0, 40, "a"), ann("s", 20, 76, "b")]
    b = [ann("c2", 0, 40, "a"), ann("s2", 20, 76, "b")]
    result = compare({"d": a}, {"d": b}, ["d"])
    assert len(result.agreed) == 2 and not result.disagreements
    out = agreed_to_add(result.agreed, {})
    assert sorted(x.categories for x in out["d"]) == [("a",), ("b",)]


def test_agreed_notes_keep_both_analysts_words() -> None:
    def noted(ident: str, note: str) -> Annotation:
        return replace(ann(ident, 0, 10, "a"), note=note)

    cases = [("A's reason", "", "A's reason"), ("", "B: misleading", "B: misleading"),
             ("same", " same ", "same"), ("", "", ""),
             ("A's reason", "misleading, check with legal",
              "A (alice): A's reason\nB (bob): misleading, check with legal")]
    for a_note, b_note, expected in cases:
        out = agreed_to_add([Agreed("d", noted("x", a_note), noted("y", b_note))], {},
                            labels=("A (alice)", "B (bob)"))
        assert out["d"][0].note == expected, (a_note, b_note)


def test_decided_and_progress() -> None:
    result = compare_document("d", [ann("a1", 0, 10, "a")], [ann("b1", 50, 60, "a")])
    only_a, only_b = result.disagreements
    assert is_decided(only_a, [ann("g", 5, 6)], set()) and not is_decided(only_b, [ann("g", 5, 6)], set())
    assert is_decided(only_b, [], {("d", "", "b1")})
    p = Progress(agreed=3, decided=1, open=4)
    assert p.total == 8 and p.agreement == 0.5 and Progress(0, 0, 0).agreement is None


def test_change_inverse_undoes() -> None:
    c = Change(add={"d": [ann("n", 0, 1)]}, dismiss={("d", "a", "")})
    inv = c.inverse()
    assert inv.remove == {"d": {"n"}} and inv.undismiss == {("d", "a", "")} and not inv.add
    assert not Change()
