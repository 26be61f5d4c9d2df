"""Adjudication of two analysts' sets into a gold set: what they agree on, and what is left to decide.

Two annotations of one document *agree* when both boundaries are within ``TOLERANCE`` code points of
each other (a trailing full stop or space one analyst took and the other did not) and they carry the
same categories. Everything else is a disagreement, one of (worst first):

* ``only_a`` / ``only_b``: an annotation the other set has nothing overlapping (nothing left to pair);
* ``category``: the two overlap (or share the span within the tolerance) but carry other categories;
* ``span``: the same categories, but boundaries further apart than the tolerance.

Pairing is greedy on the best pair first (agreement, then the same span with other categories, then
overlap with the same categories, then overlap only; nearer boundaries first), so each annotation is
in at most one pair. An agreed annotation goes to gold as A's span with ``provenance = "agreed"``,
carrying both analysts' notes (``merged_note``).

Gold is an ordinary set. A disagreement counts as *decided* once gold holds an annotation overlapping
either side (whatever its provenance), or once it was dismissed ("take neither", recorded in gold's
``set.toml``, ``[adjudication] neither``); an agreement whose place gold already covers is not written
again. So a re-run never overwrites what was decided.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from reviewer.store import Annotation, new_id

TOLERANCE = 3  # code points each boundary may differ by and still be "the same span"
KINDS = ("only_a", "only_b", "category", "span")
_RANK = {"only_a": 0, "only_b": 0, "category": 1, "span": 2}


@dataclass(frozen=True)
class Disagreement:
    document: str
    kind: str                   # one of KINDS
    a: Annotation | None
    b: Annotation | None

    @property
    def key(self) -> tuple[str, str, str]:
        """Names this disagreement across runs: the document and the two annotation ids."""
        return (self.document, self.a.id if self.a else "", self.b.id if self.b else "")

    @property
    def start(self) -> int:
        return min(x.start for x in (self.a, self.b) if x is not None)

    @property
    def end(self) -> int:
        return max(x.end for x in (self.a, self.b) if x is not None)

    @property
    def severity(self) -> int:
        """Within a kind, how far apart: categories differing, or boundary distance."""
        if self.a is None or self.b is None:
            return 0
        if self.kind == "category":
            return len(set(self.a.categories) ^ set(self.b.categories))
        return abs(self.a.start - self.b.start) + abs(self.a.end - self.b.end)

    def as_dict(self) -> dict[str, Any]:
        return {"document": self.document, "kind": self.kind, "a": annotation_dict(self.a),
                "b": annotation_dict(self.b)}


@dataclass(frozen=True)
class Agreed:
    document: str
    a: Annotation
    b: Annotation


@dataclass
class Comparison:
    """The pairs two sets agree on and their disagreements, worst first."""

    agreed: list[Agreed] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)


def annotation_dict(ann: Annotation | None) -> dict[str, Any] | None:
    if ann is None:
        return None
    return {"id": ann.id, "start": ann.start, "end": ann.end, "quote": ann.quote,
            "categories": list(ann.categories), "note": ann.note}


def near(a: Annotation, b: Annotation, tolerance: int = TOLERANCE) -> bool:
    return abs(a.start - b.start) <= tolerance and abs(a.end - b.end) <= tolerance


def _overlap(a: Annotation, b: Annotation) -> bool:
    return a.start < b.end and b.start < a.end or (a.start == a.end == b.start == b.end)


def compare_document(document: str, a_list: Sequence[Annotation], b_list: Sequence[Annotation],
                     tolerance: int = TOLERANCE) -> Comparison:
    """Pair one document's annotations of A and B (see the module docstring)."""
    bs = sorted(b_list, key=lambda x: (x.start, x.end, x.id))
    starts = [b.start for b in bs]
    longest = max((b.end - b.start for b in bs), default=0)
    candidates: list[tuple[int, int, int, int]] = []  # (rank, distance, a index, b index)
    for i, a in enumerate(a_list):
        j = bisect_left(starts, a.start - max(longest, tolerance))
        while j < len(bs) and bs[j].start <= a.end + tolerance:
            b = bs[j]
            close = near(a, b, tolerance)
            if close or _overlap(a, b):
                same = set(a.categories) == set(b.categories)
                rank = (0 if same else 1) if close else (2 if same else 3)
                candidates.append((rank, abs(a.start - b.start) + abs(a.end - b.end), i, j))
            j += 1
    candidates.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = Comparison()
    for rank, _, i, j in candidates:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        a, b = a_list[i], bs[j]
        if rank == 0:
            out.agreed.append(Agreed(document, a, b))
        else:
            out.disagreements.append(Disagreement(document, "span" if rank == 2 else "category", a, b))
    out.disagreements.extend(Disagreement(document, "only_a", a, None)
                             for i, a in enumerate(a_list) if i not in used_a)
    out.disagreements.extend(Disagreement(document, "only_b", None, b)
                             for j, b in enumerate(bs) if j not in used_b)
    return out


def worst_first(disagreements: Iterable[Disagreement]) -> list[Disagreement]:
    return sorted(disagreements, key=lambda d: (_RANK[d.kind], -d.severity, d.document, d.start, d.end, d.key))


def compare(a: Mapping[str, Sequence[Annotation]], b: Mapping[str, Sequence[Annotation]],
            documents: Iterable[str], tolerance: int = TOLERANCE) -> Comparison:
    """Compare two sets over ``documents`` (ids; a document missing from a set has no annotations)."""
    out = Comparison()
    for doc in documents:
        part = compare_document(doc, a.get(doc, ()), b.get(doc, ()), tolerance)
        out.agreed.extend(part.agreed)
        out.disagreements.extend(part.disagreements)
    out.disagreements = worst_first(out.disagreements)
    return out


# ---------------------------------------------------------------------------------------------
# Gold

NeitherKey = tuple[str, str, str]


def covered(ann: Annotation, gold: Sequence[Annotation]) -> bool:
    return any(_overlap(ann, g) for g in gold)


def _same_tag(a: Annotation, b: Annotation) -> bool:
    return (a.start, a.end, tuple(sorted(a.categories))) == (b.start, b.end, tuple(sorted(b.categories)))


def is_decided(d: Disagreement, gold: Sequence[Annotation], neither: set[NeitherKey]) -> bool:
    return d.key in neither or any(x is not None and covered(x, gold) for x in (d.a, d.b))


def gold_annotation(source: Annotation, provenance: str, taken: set[str], **changes: Any) -> Annotation:
    """A gold copy of ``source`` (its id when free in gold, else a new one), stamped with ``provenance``."""
    ident = source.id if source.id not in taken else new_id()
    taken.add(ident)
    return replace(source, id=ident, provenance=provenance, **changes)


def merged_note(a: str, b: str, labels: tuple[str, str] = ("A", "B")) -> str:
    """The note of A's and B's annotations taken as one, so that neither analyst's words are lost:
    the one note when only one side wrote one (or both wrote the same), else both, one a line,
    each after its side's label (``"A (alice): ..."``)."""
    if not b.strip() or a.strip() == b.strip():
        return a
    if not a.strip():
        return b
    return f"{labels[0]}: {a}\n{labels[1]}: {b}"


def side_labels(a: tuple[str, str], b: tuple[str, str]) -> tuple[str, str]:
    """Labels for A and B in a merged note, from (annotator, set path) of each: the annotators when
    both are named and differ, else the set folders' names (their paths when the names are equal)."""
    (who_a, path_a), (who_b, path_b) = a, b
    if who_a.strip() and who_b.strip() and who_a != who_b:
        return f"A ({who_a})", f"B ({who_b})"
    name_a, name_b = Path(path_a).resolve().name, Path(path_b).resolve().name
    if not name_a or not name_b or name_a == name_b:
        name_a, name_b = path_a, path_b
    return f"A ({name_a})", f"B ({name_b})"


def agreed_to_add(agreed: Iterable[Agreed], gold: Mapping[str, Sequence[Annotation]],
                  labels: tuple[str, str] = ("A", "B")) -> dict[str, list[Annotation]]:
    """The agreed annotations gold does not cover yet, per document, stamped ``agreed``: A's span
    and fields, with B's note too (``merged_note``, ``labels`` naming the sides)."""
    out: dict[str, list[Annotation]] = {}
    taken: dict[str, set[str]] = {}
    for pair in agreed:
        have = gold.get(pair.document, ())
        new = out.setdefault(pair.document, [])
        # gold's own annotation there is a decision a person made; in this run only the very same
        # annotation twice is one (two agreements may overlap with other categories: both are kept)
        if covered(pair.a, have) or any(_same_tag(pair.a, n) for n in new):
            continue
        ids = taken.setdefault(pair.document, {g.id for g in have})
        new.append(gold_annotation(pair.a, "agreed", ids, note=merged_note(pair.a.note, pair.b.note, labels)))
    return {doc: anns for doc, anns in out.items() if anns}


@dataclass
class Progress:
    """How far adjudication has come: A and B's agreements plus what gold decided, of everything."""

    agreed: int
    decided: int
    open: int

    @property
    def total(self) -> int:
        return self.agreed + self.decided + self.open

    @property
    def agreement(self) -> float | None:
        """The share settled (agreed or decided); None when there is nothing at all."""
        return (self.agreed + self.decided) / self.total if self.total else None


__all__ = ["TOLERANCE", "KINDS", "Agreed", "Comparison", "Disagreement", "Progress", "agreed_to_add",
           "annotation_dict", "compare", "compare_document", "covered", "gold_annotation", "is_decided",
           "merged_note", "near", "side_labels", "worst_first"]
