"""``same_value``: ``==`` made exact for TOML values a person keeps."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from reviewer.store import Annotation
from reviewer.values import same_value

PLUS2 = timezone(timedelta(hours=2))


def test_nan_is_the_same_as_nan_inside_anything() -> None:
    nan = float("nan")
    assert same_value(nan, float("nan"))
    assert same_value({"a": [nan, {"b": nan}]}, {"a": [float("nan"), {"b": float("nan")}]})
    a = Annotation.create("hello", 0, 5, ["other"], id="a")
    assert same_value(a.__class__(**{**a.__dict__, "extra": {"s": nan}}),
                      a.__class__(**{**a.__dict__, "extra": {"s": float("nan")}}))


def test_types_and_offsets_count() -> None:
    assert not same_value(1, True) and not same_value(1, 1.0) and not same_value([1], (1,))
    noon_utc = datetime(2026, 1, 1, 12, tzinfo=timezone.utc)
    assert noon_utc == noon_utc.astimezone(PLUS2) and not same_value(noon_utc, noon_utc.astimezone(PLUS2))
    assert not same_value(datetime(2026, 1, 1, 12), noon_utc)
    assert time(12, tzinfo=timezone.utc) == time(14, tzinfo=PLUS2)
    assert not same_value(time(12, tzinfo=timezone.utc), time(14, tzinfo=PLUS2))
    assert same_value({"when": noon_utc, "n": 1}, {"n": 1, "when": datetime(2026, 1, 1, 12, tzinfo=timezone.utc)})


values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=4),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner,
                                                                                 max_size=3), max_leaves=8)


@given(values)
def test_a_value_is_the_same_as_itself_and_as_its_copy(v: object) -> None:
    import copy

    assert same_value(v, v) and same_value(v, copy.deepcopy(v))


@given(values, values)
def test_same_values_are_equal_unless_nan(a: object, b: object) -> None:
    if same_value(a, b) and "nan" not in repr(a):
        assert a == b
