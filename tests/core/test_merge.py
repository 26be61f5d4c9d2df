"""Three-way merge by annotation id: the rules, and properties that hold for any three states."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from reviewer.merge import OURS, THEIRS, merge3

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class V:
    text: str
    updated: datetime | None = T0


def at(minutes: int, text: str) -> V:
    return V(text, T0 + timedelta(minutes=minutes))


def test_one_sided_changes_are_all_taken() -> None:
    base = {"a": V("a"), "b": V("b"), "c": V("c")}
    ours = {"a": V("a*"), "b": V("b"), "c": V("c"), "n1": V("ours new")}
    theirs = {"a": V("a"), "b": V("b*"), "n2": V("their new")}   # c deleted there
    r = merge3(base, ours, theirs)
    assert r.merged == {"a": V("a*"), "b": V("b*"), "n1": V("ours new"), "n2": V("their new")}
    assert (r.added, r.changed, r.removed, r.conflicts) == (["n2"], ["b"], ["c"], [])
    assert r.summary() == "1 added, 1 changed, 1 removed by the other program"


def test_a_nan_read_twice_is_no_change() -> None:
    """nan equals nothing, not even itself: two reads of the same file must still agree."""
    from reviewer.merge import same_value

    def read() -> dict[str, V]:
        return {"a": V({"score": float("nan"), "by": ["jane"]})}  # type: ignore[arg-type]  # any value
    r = merge3(read(), read(), read())
    assert not r.took_theirs and list(r.merged) == ["a"]
    assert same_value(read(), read()) and not same_value(read(), {"a": V({"score": 1.0, "by": ["jane"]})})  # type: ignore[arg-type]  # any value


def test_same_change_on_both_sides_is_no_conflict() -> None:
    r = merge3({"a": V("a")}, {"a": V("x")}, {"a": V("x")})
    assert r.merged == {"a": V("x")} and not r.took_theirs
    r = merge3({"a": V("a")}, {}, {})
    assert r.merged == {} and not r.took_theirs


def test_conflict_keeps_the_later_edit() -> None:
    base = {"a": at(0, "base")}
    r = merge3(base, {"a": at(5, "ours")}, {"a": at(9, "theirs")})
    assert r.merged == {"a": at(9, "theirs")}
    assert r.conflicts[0].kept == THEIRS and "later" in r.conflicts[0].reason
    r = merge3(base, {"a": at(9, "ours")}, {"a": at(5, "theirs")})
    assert r.merged == {"a": at(9, "ours")} and r.conflicts[0].kept == OURS
    r = merge3(base, {"a": at(5, "ours")}, {"a": at(5, "theirs")})
    assert r.merged == {"a": at(5, "ours")} and "same time" in r.conflicts[0].reason
    assert "'a' changed on both sides: kept this session's version" in r.summary()


def test_edit_beats_delete_on_either_side() -> None:
    base = {"a": V("a")}
    r = merge3(base, {}, {"a": V("edited there")})
    assert r.merged == {"a": V("edited there")} and r.conflicts[0].kept == THEIRS
    r = merge3(base, {"a": V("edited here")}, {})
    assert r.merged == {"a": V("edited here")} and r.conflicts[0].kept == OURS


def test_both_added_the_same_id_differently() -> None:
    r = merge3({}, {"n": at(1, "ours")}, {"n": at(2, "theirs")})
    assert r.merged == {"n": at(2, "theirs")} and r.conflicts


def test_missing_updated_counts_as_oldest() -> None:
    r = merge3({"a": V("a", None)}, {"a": V("ours", None)}, {"a": at(0, "theirs")})
    assert r.merged["a"].text == "theirs"


states = st.dictionaries(st.sampled_from("abcdef"), st.builds(at, st.integers(0, 3), st.sampled_from(["x", "y", "z"])),
                         max_size=6)


@given(states, states)
def test_unchanged_side_yields_the_other(base, other) -> None:
    assert merge3(base, base, other).merged == other
    assert merge3(base, other, base).merged == other


@given(states, states, states)
def test_merge_never_loses_a_one_sided_change(base, ours, theirs) -> None:
    r = merge3(base, ours, theirs)
    for ident in set(base) | set(ours) | set(theirs):
        b, o, t = base.get(ident), ours.get(ident), theirs.get(ident)
        m = r.merged.get(ident)
        if o == t:
            assert m == o
        elif o == b:
            assert m == t
        elif t == b:
            assert m == o
        else:
            assert m is not None and m in (o, t)   # a conflict never ends in a deletion
            assert any(c.id == ident for c in r.conflicts)


@given(states, states, states)
def test_merge_is_symmetric_except_for_ties(base, ours, theirs) -> None:
    a = merge3(base, ours, theirs).merged
    b = merge3(base, theirs, ours).merged
    for ident in set(a) | set(b):
        if a.get(ident) != b.get(ident):
            o, t = ours.get(ident), theirs.get(ident)
            assert o is not None and t is not None and o.updated == t.updated


@dataclass(frozen=True)
class Ann:
    start: int = 0
    end: int = 5
    quote: str = "hello"
    note: str = ""
    tags: tuple[str, ...] = ()
    updated: datetime | None = T0


def test_edits_to_different_fields_are_combined() -> None:
    from reviewer.merge import merge_fields

    base = Ann()
    ours = Ann(tags=("a",), updated=T0 + timedelta(minutes=2))
    theirs = Ann(note="theirs", updated=T0 + timedelta(minutes=1))
    assert merge_fields(base, ours, theirs) == Ann(tags=("a",), note="theirs", updated=T0 + timedelta(minutes=2))


def test_a_field_both_changed_differently_is_not_combined() -> None:
    from reviewer.merge import merge_fields

    assert merge_fields(Ann(), Ann(note="x"), Ann(note="y")) is None
    assert merge_fields(Ann(), Ann(note="x"), Ann(note="x", tags=("t",))) == Ann(note="x", tags=("t",))


def test_fields_kept_together_move_as_one() -> None:
    """An anchor is its offsets and quote at once: one side's re-placing is never half mixed in."""
    from reviewer.merge import merge_fields

    group = [("start", "end", "quote")]
    moved = Ann(start=10, end=15)               # same quote, new place
    requoted = Ann(quote="HELLO")               # same place, new quote
    assert merge_fields(Ann(), moved, requoted, together=group) is None
    assert merge_fields(Ann(), moved, Ann(note="n"), together=group) == Ann(start=10, end=15, note="n")


def test_merge3_combines_and_reports_it() -> None:
    from reviewer.merge import merge_fields

    base = {"a": Ann()}
    r = merge3(base, {"a": Ann(tags=("t",))}, {"a": Ann(note="n")}, combine=merge_fields)
    assert r.merged == {"a": Ann(tags=("t",), note="n")} and r.combined == ["a"] and not r.conflicts
    assert r.summary() == "'a' edited on both sides in different fields: both edits kept"
    r = merge3(base, {"a": Ann(note="x")}, {"a": Ann(note="y")}, combine=merge_fields)
    assert r.conflicts and r.summary().startswith("'a' changed on both sides")
