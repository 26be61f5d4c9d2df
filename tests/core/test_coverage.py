"""The coverage matrix: one core function for the command and the app's screen."""

from __future__ import annotations

import csv
import io

from reviewer.coverage import coverage
from reviewer.store import Annotation
from reviewer.taxonomy import Category, Taxonomy
from tests.core.golden_helpers import golden_documents, golden_store

TAX = Taxonomy((Category("x", "Ex", "1"), Category("y", "Why", "2")))


def _a(ident: str, *cats: str, at: int | None = None, length: int = 1) -> Annotation:
    start = int(ident) * 10 if at is None else at   # each its own place unless told
    return Annotation(ident, start, start + length, "a" * length, categories=cats)


def test_counts_per_cell_with_multi_category_annotations_and_unknown_categories() -> None:
    m = coverage(["p1", "p2", "p3"], {"p1": [_a("1", "x"), _a("2", "x", "y")], "p2": [_a("3", "odd")]}, TAX)
    assert m.rows == ("p1", "p2", "p3")
    assert m.columns == ("x", "y", "odd")
    assert m.row("p1") == [2, 1, 0] and m.row("p2") == [0, 0, 1] and m.row("p3") == [0, 0, 0]
    assert m.column_total("x") == 2 and m.row_total("p1") == 3 and m.total == 4
    assert m.missing("y") == ["p2", "p3"]
    assert m.names == {"x": "Ex", "y": "Why", "odd": "odd (unknown)"}
    data = m.as_dict()
    assert data["documents"][0] == {"document": "p1", "counts": {"x": 2, "y": 1, "odd": 0}, "total": 3}
    assert data["categories"][1] == {"slug": "y", "name": "Why", "total": 1}
    rows = list(csv.reader(io.StringIO(m.to_csv(), newline="")))
    assert rows[0] == ["document", "x", "y", "odd", "total"]
    assert rows[1] == ["p1", "2", "1", "0", "3"] and rows[-1] == ["total", "2", "1", "1", "4"]


def test_golden_set_matrix() -> None:
    docs = golden_documents()
    store = golden_store()
    by_doc = {d.id: (store.load(d.id).annotations if store.load(d.id) else []) for d in docs}
    m = coverage(docs, by_doc, store.taxonomy)
    assert m.rows == ("alpha", "beta", "gamma")
    assert m.columns[:10] == tuple(store.taxonomy.slugs)
    # a4optout lies inside a5write, both user-choice: one place; a1collect and a2share are two places
    assert m.count("alpha", "user-choice") == 1 and m.count("alpha", "first-party-collection") == 2
    assert m.annotations == 8
    assert m.count("beta", "data-retention") == 1 and m.row_total("gamma") == 0
    assert m.missing("data-retention") == ["gamma"]
    assert m.titles["alpha"] == "Alpha Privacy Policy"


def test_one_place_tagged_twice_counts_once_and_the_annotations_are_counted_not_the_tags() -> None:
    anns = [_a("1", "x", "y", at=0, length=10), _a("2", "x", at=5, length=10),   # overlap: one place for x
            _a("3", "x", at=15, length=5),                                      # touching: a place of its own
            _a("4", "y", at=40)]
    m = coverage(["p1"], {"p1": anns}, TAX)
    assert m.count("p1", "x") == 2 and m.count("p1", "y") == 2
    assert m.annotations == 4 and m.total == 4 and m.as_dict()["annotations"] == 4


def test_orphans_are_counted_apart_and_an_unreadable_document_is_not_a_gap() -> None:
    m = coverage(["p1", "p2", "p3"], {"p1": [_a("1", "x")]}, TAX,
                 orphans_by_doc={"p1": [_a("2", "y"), _a("3", "y", "x")]}, unreadable={"p3": "p3.toml: bad TOML"})
    assert m.count("p1", "y") == 0 and m.orphaned("p1", "y") == 2 and m.orphaned("p1", "x") == 1
    assert m.count("p1", "x") == 1 and m.orphan_total() == 3 and m.annotations == 1
    assert m.missing("y") == ["p1", "p2"]                  # p3 is unknown, not missing
    data = m.as_dict()
    assert data["documents"][0]["orphans"] == {"x": 1, "y": 2} and data["orphans"] == 3
    assert data["documents"][2]["unreadable"] == "p3.toml: bad TOML" and "orphans" not in data["documents"][1]
