"""Agreement between two analysts' annotation sets over the same documents.

Clause level: every clause of every document is an item; for each category each set says yes
(an annotation of that category overlaps the clause) or no. Per category we count the 2x2 table
(both, only A, only B, neither) and compute Cohen's kappa and Krippendorff's alpha (nominal, two
coders, no missing values). "Overall" pools the clause x category decisions of every category at
least one set used (categories nobody used would only add agreed "no"s). A statistic whose
chance term leaves nothing to explain (a category neither set used, or both say yes everywhere)
is undefined: ``None``, shown as ``null`` in JSON.

Span level: precision, recall and F1 of B against A over (document, category, span) triples,
exact (same start and end) and overlapping (B's span overlaps an A span of that category, and
vice versa for recall).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from reviewer.documents import Document
from reviewer.store import Annotation
from reviewer.taxonomy import Taxonomy


@dataclass(frozen=True)
class Counts:
    both: int = 0     # A yes, B yes
    only_a: int = 0   # A yes, B no
    only_b: int = 0   # A no, B yes
    neither: int = 0  # A no, B no

    @property
    def items(self) -> int:
        return self.both + self.only_a + self.only_b + self.neither

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(self.both + other.both, self.only_a + other.only_a, self.only_b + other.only_b,
                      self.neither + other.neither)

    def as_dict(self) -> dict[str, int]:
        return {"both": self.both, "only_a": self.only_a, "only_b": self.only_b, "neither": self.neither,
                "items": self.items}


def cohen_kappa(c: Counts) -> float | None:
    n = c.items
    if n == 0:
        return None
    po = (c.both + c.neither) / n
    a_yes, b_yes = (c.both + c.only_a) / n, (c.both + c.only_b) / n
    pe = a_yes * b_yes + (1 - a_yes) * (1 - b_yes)
    if pe >= 1.0:
        return None
    return (po - pe) / (1 - pe)


def krippendorff_alpha(c: Counts) -> float | None:
    """Nominal alpha for two coders, no missing values: 1 - (n - 1) * D / (n_yes * n_no),
    with n = 2 * items pairable values and D the disagreeing items."""
    n = 2 * c.items
    n_yes = 2 * c.both + c.only_a + c.only_b
    n_no = 2 * c.neither + c.only_a + c.only_b
    if n < 2 or n_yes == 0 or n_no == 0:
        return None
    return 1.0 - (n - 1) * (c.only_a + c.only_b) / (n_yes * n_no)


@dataclass(frozen=True)
class PRF:
    a: int            # spans in A
    b: int            # spans in B
    matched_a: int    # A spans found by B (recall numerator)
    matched_b: int    # B spans found in A (precision numerator)

    @property
    def precision(self) -> float | None:
        return self.matched_b / self.b if self.b else None

    @property
    def recall(self) -> float | None:
        return self.matched_a / self.a if self.a else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None if p is None or r is None else 0.0
        return 2 * p * r / (p + r)

    def as_dict(self) -> dict[str, float | int | None]:
        return {"precision": _r(self.precision), "recall": _r(self.recall), "f1": _r(self.f1),
                "a": self.a, "b": self.b, "matched_a": self.matched_a, "matched_b": self.matched_b}


@dataclass
class CategoryAgreement:
    slug: str
    name: str
    counts: Counts
    kappa: float | None
    alpha: float | None
    exact: PRF
    overlap: PRF
    disagreements: list[tuple[str, int, bool, bool]] = field(default_factory=list)  # (doc, clause, a, b)

    @property
    def used(self) -> bool:
        return self.counts.both + self.counts.only_a + self.counts.only_b > 0 or self.exact.a + self.exact.b > 0


@dataclass
class Agreement:
    categories: dict[str, CategoryAgreement]
    counts: Counts
    kappa: float | None
    alpha: float | None
    exact: PRF
    overlap: PRF
    documents: int
    clauses: int

    def as_dict(self) -> dict:
        return {
            "kappa": _r(self.kappa), "alpha": _r(self.alpha),
            "documents": self.documents, "clauses": self.clauses,
            "counts": self.counts.as_dict(),
            "spans": {"exact": self.exact.as_dict(), "overlap": self.overlap.as_dict()},
            "categories": {
                slug: {"name": c.name, "kappa": _r(c.kappa), "alpha": _r(c.alpha), "counts": c.counts.as_dict(),
                       "spans": {"exact": c.exact.as_dict(), "overlap": c.overlap.as_dict()},
                       "disagreements": [{"document": d, "clause": i, "a": a, "b": b}
                                         for d, i, a, b in c.disagreements]}
                for slug, c in self.categories.items()
            },
        }


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


def _overlaps(a: Annotation, start: int, end: int) -> bool:
    return a.overlaps(start, end)


def clause_labels(doc: Document, annotations: Sequence[Annotation], category: str) -> list[bool]:
    """Per clause of ``doc``: does an annotation of ``category`` overlap it?"""
    labels = [False] * len(doc.clauses)
    for ann in annotations:
        if category not in ann.categories:
            continue
        point = [doc.clause_index_at(ann.start)]
        spanned = doc.clauses_overlapping(ann.start, ann.end) if ann.end > ann.start else point
        for i in spanned:
            if 0 <= i < len(labels) and _overlaps(ann, doc.clauses[i].start, doc.clauses[i].end):
                labels[i] = True
    return labels


def _spans(anns_by_doc: Mapping[str, Sequence[Annotation]], category: str) -> set[tuple[str, int, int]]:
    return {(d, a.start, a.end) for d, anns in anns_by_doc.items() for a in anns if category in a.categories}


class _SpanIndex:
    """Spans of one side, per document, for "does any span overlap [s, e)?" in O(log n)."""

    def __init__(self, spans: set[tuple[str, int, int]]) -> None:
        by_doc: dict[str, list[tuple[int, int]]] = {}
        for d, s, e in spans:
            by_doc.setdefault(d, []).append((s, e))
        self.starts: dict[str, list[int]] = {}
        self.max_end: dict[str, list[int]] = {}   # running maximum of ends, in start order
        for d, items in by_doc.items():
            items.sort()
            self.starts[d] = [s for s, _ in items]
            running, best = [], -1
            for _, e in items:
                best = max(best, e)
                running.append(best)
            self.max_end[d] = running
        self.points = {(d, s) for d, s, e in spans if s == e}

    def overlaps(self, d: str, s: int, e: int) -> bool:
        if s == e and (d, s) in self.points:
            return True
        starts = self.starts.get(d)
        if not starts:
            return False
        k = bisect_left(starts, e)  # spans starting before e
        return k > 0 and self.max_end[d][k - 1] > s


def _prf(a_spans: set[tuple[str, int, int]], b_spans: set[tuple[str, int, int]], overlap: bool) -> PRF:
    if not overlap:
        hit = a_spans & b_spans
        return PRF(len(a_spans), len(b_spans), len(hit), len(hit))
    in_a, in_b = _SpanIndex(a_spans), _SpanIndex(b_spans)
    return PRF(len(a_spans), len(b_spans), sum(in_b.overlaps(*x) for x in a_spans),
               sum(in_a.overlaps(*x) for x in b_spans))


def agreement(documents: Iterable[Document], a_by_doc: Mapping[str, Sequence[Annotation]],
              b_by_doc: Mapping[str, Sequence[Annotation]], taxonomy: Taxonomy,
              other_taxonomy: Taxonomy | None = None) -> Agreement:
    docs = list(documents)
    slugs = dict.fromkeys(taxonomy.slugs)
    if other_taxonomy is not None:
        slugs.update(dict.fromkeys(other_taxonomy.slugs))
    for source in (a_by_doc, b_by_doc):
        for doc in docs:
            for ann in source.get(doc.id, ()):
                slugs.update(dict.fromkeys(ann.categories))
    doc_ids = {d.id for d in docs}
    a_in = {k: v for k, v in a_by_doc.items() if k in doc_ids}
    b_in = {k: v for k, v in b_by_doc.items() if k in doc_ids}
    categories: dict[str, CategoryAgreement] = {}
    pooled = Counts()
    all_a: set[tuple[str, int, int, str]] = set()
    all_b: set[tuple[str, int, int, str]] = set()
    for slug in slugs:
        counts = Counts()
        disagreements: list[tuple[str, int, bool, bool]] = []
        for doc in docs:
            la = clause_labels(doc, a_in.get(doc.id, ()), slug)
            lb = clause_labels(doc, b_in.get(doc.id, ()), slug)
            both = sum(1 for x, y in zip(la, lb) if x and y)
            oa = sum(1 for x, y in zip(la, lb) if x and not y)
            ob = sum(1 for x, y in zip(la, lb) if y and not x)
            counts = counts + Counts(both, oa, ob, len(la) - both - oa - ob)
            disagreements.extend((doc.id, i, x, y) for i, (x, y) in enumerate(zip(la, lb)) if x != y)
        sa, sb = _spans(a_in, slug), _spans(b_in, slug)
        all_a.update((d, s, e, slug) for d, s, e in sa)
        all_b.update((d, s, e, slug) for d, s, e in sb)
        if slug in taxonomy:
            name = taxonomy.name(slug)
        else:
            name = other_taxonomy.name(slug) if other_taxonomy is not None and slug in other_taxonomy else slug
        cat = CategoryAgreement(slug, name, counts, cohen_kappa(counts), krippendorff_alpha(counts),
                                _prf(sa, sb, False), _prf(sa, sb, True), disagreements)
        categories[slug] = cat
        if cat.used:
            pooled = pooled + counts
    exact = PRF(sum(c.exact.a for c in categories.values()), sum(c.exact.b for c in categories.values()),
                sum(c.exact.matched_a for c in categories.values()),
                sum(c.exact.matched_b for c in categories.values()))
    overlap = PRF(sum(c.overlap.a for c in categories.values()), sum(c.overlap.b for c in categories.values()),
                  sum(c.overlap.matched_a for c in categories.values()),
                  sum(c.overlap.matched_b for c in categories.values()))
    return Agreement(categories, pooled, cohen_kappa(pooled), krippendorff_alpha(pooled), exact, overlap,
                     len(docs), sum(len(d.clauses) for d in docs))


__all__ = ["Agreement", "CategoryAgreement", "Counts", "PRF", "agreement", "cohen_kappa", "krippendorff_alpha",
           "clause_labels"]
