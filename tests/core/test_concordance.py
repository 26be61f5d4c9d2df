"""Concordance entries and the grouping of near-identical clauses."""

from __future__ import annotations

from hypothesis import given, strategies as st

from reviewer.concordance import entries, grouped_order, groups, matches
from reviewer.store import Annotation


def ann(ident: str, quote: str, *cats: str, start: int = 0, note: str = "") -> Annotation:
    return Annotation(ident, start, start + len(quote), quote, categories=cats, note=note)


def test_matches_filters_by_category_and_text() -> None:
    a = ann("1", "We Share  your data", "third-party-sharing", note="Ads")
    assert matches(a, set(), "")
    assert matches(a, {"third-party-sharing", "other"}, "share your")
    assert matches(a, set(), "ads")
    assert not matches(a, {"other"}, "")
    assert not matches(a, set(), "sell")


def test_entries_carry_context_and_status() -> None:
    text = "x" * 100 + "We keep logs." + "y" * 100
    a = ann("1", "We keep logs.", "data-retention", start=100)
    [e] = entries([("d", text, [a], {"1": ("moved", 100.0)})], ["data-retention"])
    assert e.left == "x" * 60 and e.right == "y" * 60 and e.status == "moved"
    assert e.as_dict()["quote"] == "We keep logs."


def test_near_identical_quotes_group() -> None:
    quotes = ["We use cookies to remember your preferences.",
              "We may share data with partners.",
              "We use cookies to remember your preferences!",
              "we use Cookies to remember  your preference.",
              "Totally different text about retention."]
    items = entries([("d", " ".join(quotes), [ann(str(i), q, start=i) for i, q in enumerate(quotes)], {})])
    gs = [sorted(items[i].annotation.id for i in g) for g in groups(items)]
    assert ["0", "2", "3"] in gs and ["1"] in gs and ["4"] in gs
    first = grouped_order(items)[0]
    assert items[first[0]].annotation.id == "0" and first[2] == 3


@given(st.lists(st.text(alphabet="ab c", max_size=30), max_size=30))
def test_every_entry_is_in_one_group(quotes) -> None:
    items = entries([("d", "", [ann(str(i), q, start=i) for i, q in enumerate(quotes)], {})])
    flat = sorted(i for g in groups(items) for i in g)
    assert flat == list(range(len(items)))
    assert sorted(i for i, _, _ in grouped_order(items)) == list(range(len(items)))
