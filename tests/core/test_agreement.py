"""Agreement against small examples computed by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.agreement import Counts, agreement, cohen_kappa, krippendorff_alpha
from reviewer.documents import Document
from reviewer.store import Annotation
from reviewer.taxonomy import Category, Taxonomy

TEXT = "Alpha clause here.\n\nBeta clause here.\n\nGamma clause here.\n\nDelta clause here.\n"
TAX = Taxonomy((Category("x", "X", "1"), Category("y", "Y", "2"), Category("z", "Z", "3")))


def _doc() -> Document:
    doc = Document("d", Path("d.txt"), TEXT)
    assert len(doc.clauses) == 4
    return doc


def _ann(doc: Document, ident: str, clause: int, cats: tuple[str, ...], part: str | None = None) -> Annotation:
    c = doc.clauses[clause]
    start, end = c.start, c.end
    if part is not None:
        start = TEXT.index(part, c.start)
        end = start + len(part)
    return Annotation.create(doc.text, start, end, cats, id=ident)


def test_formulas_by_hand() -> None:
    # 10 clauses: A yes on 5, B yes on 5, 4 shared: po = .8, pe = .5, kappa = .6
    c = Counts(both=4, only_a=1, only_b=1, neither=4)
    assert cohen_kappa(c) == pytest.approx(0.6)
    # alpha = 1 - (n - 1) * D / (n_yes * n_no) = 1 - 19 * 2 / (10 * 10)
    assert krippendorff_alpha(c) == pytest.approx(0.62)
    assert cohen_kappa(Counts(neither=7)) is None and krippendorff_alpha(Counts(neither=7)) is None
    assert cohen_kappa(Counts(both=3)) is None
    assert cohen_kappa(Counts()) is None
    # perfect disagreement on a balanced table: kappa -1
    assert cohen_kappa(Counts(only_a=2, only_b=2)) == pytest.approx(-1.0)


def test_hand_computed_example_with_kappa_zero_and_an_unused_category() -> None:
    doc = _doc()
    a = [_ann(doc, "a1", 0, ("x",)), _ann(doc, "a2", 1, ("x",)), _ann(doc, "a3", 3, ("y",))]
    b = [_ann(doc, "b1", 0, ("x",), part="Alpha clause"), _ann(doc, "b2", 2, ("x",)), _ann(doc, "b3", 3, ("y",))]
    r = agreement([doc], {"d": a}, {"d": b}, TAX)
    x, y, z = r.categories["x"], r.categories["y"], r.categories["z"]
    # x: clause 0 both, 1 only A, 2 only B, 3 neither -> po .5 = pe .5 -> kappa 0; alpha 1 - 7*2/(4*4)
    assert x.counts == Counts(1, 1, 1, 1)
    assert x.kappa == pytest.approx(0.0)
    assert x.alpha == pytest.approx(0.125)
    # y: clause 3 both -> kappa 1, alpha 1
    assert y.counts == Counts(1, 0, 0, 3) and y.kappa == pytest.approx(1.0) and y.alpha == pytest.approx(1.0)
    # z: neither set used it -> undefined, not an error
    assert z.counts == Counts(0, 0, 0, 4) and z.kappa is None and z.alpha is None and not z.used
    # overall pools x and y: both 2, only_a 1, only_b 1, neither 4
    # po = 6/8, pe = (3/8)^2 + (5/8)^2 = 34/64 -> kappa = (48/64 - 34/64) / (30/64) = 14/30
    assert r.counts == Counts(2, 1, 1, 4)
    assert r.kappa == pytest.approx(14 / 30)
    assert r.alpha == pytest.approx(1 - 15 * 2 / (6 * 10))
    # spans, B against A: x exact 0 of 2 (b1 is part of a1), overlap 1 of 2; y exact 1 of 1
    assert (x.exact.precision, x.exact.recall, x.exact.f1) == (0.0, 0.0, 0.0)
    assert (x.overlap.precision, x.overlap.recall) == (0.5, 0.5) and x.overlap.f1 == pytest.approx(0.5)
    assert (y.exact.precision, y.exact.recall, y.exact.f1) == (1.0, 1.0, 1.0)
    assert r.exact.precision == pytest.approx(1 / 3) and r.exact.recall == pytest.approx(1 / 3)
    assert r.overlap.precision == pytest.approx(2 / 3) and r.overlap.f1 == pytest.approx(2 / 3)
    assert z.exact.precision is None and z.exact.f1 is None
    assert [(d, i) for d, i, _, _ in x.disagreements] == [("d", 1), ("d", 2)]
    data = r.as_dict()
    assert data["categories"]["z"]["kappa"] is None and data["kappa"] == pytest.approx(14 / 30, abs=1e-6)


def test_a_set_compared_with_itself_has_kappa_one() -> None:
    doc = _doc()
    a = [_ann(doc, "a1", 0, ("x", "y")), _ann(doc, "a2", 2, ("x",))]
    r = agreement([doc], {"d": a}, {"d": a}, TAX)
    assert r.kappa == 1.0 and r.alpha == 1.0
    assert r.categories["x"].kappa == 1.0 and r.categories["z"].kappa is None
    assert r.exact.f1 == 1.0 and r.overlap.f1 == 1.0


def test_an_annotation_spanning_clauses_says_yes_to_each() -> None:
    doc = _doc()
    span = Annotation.create(doc.text, doc.clauses[0].start + 3, doc.clauses[2].start + 2, ("x",), id="s")
    r = agreement([doc], {"d": [span]}, {"d": []}, TAX)
    assert r.categories["x"].counts == Counts(0, 3, 0, 1)
    assert r.categories["x"].kappa == pytest.approx(0.0)


def test_empty_sets_are_undefined_not_errors() -> None:
    r = agreement([_doc()], {}, {}, TAX)
    assert r.kappa is None and r.alpha is None and r.exact.precision is None


def test_overlap_matching_equals_the_pairwise_definition() -> None:
    import random

    from reviewer.agreement import _prf

    rng = random.Random(7)
    for _ in range(300):
        def spans() -> set[tuple[str, int, int]]:
            out = set()
            for _ in range(rng.randint(0, 8)):
                s = rng.randint(0, 30)
                out.add((rng.choice("dD"), s, s + rng.choice((0, 1, 2, 5, 12))))
            return out
        a, b = spans(), spans()

        def found(x, others) -> bool:
            d, s, e = x
            return any(od == d and (os < e and s < oe or s == e == os == oe) for od, os, oe in others)
        got = _prf(a, b, True)
        assert got.matched_a == sum(found(x, b) for x in a)
        assert got.matched_b == sum(found(x, a) for x in b)
