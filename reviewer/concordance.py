"""A concordance: every annotation of some categories, optionally filtered by text, across policies.

Each entry is one annotation with the text either side of it (keyword in context), its document
and its anchoring status. Entries sort by document and position, or are grouped so that
near-identical clauses (the similarity ``reviewer lookup`` groups at, ``fuzzy.GROUP_RATIO``) sit
together: boilerplate that forty policies share reads as one block.

Grouping compares a clause only with the groups whose first or last three words it shares (a
clause at 90% similarity almost always keeps one end intact), so it stays linear in practice
instead of comparing every pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from rapidfuzz import fuzz

from reviewer.fuzzy import GROUP_RATIO, tokenize
from reviewer.store import Annotation

CONTEXT = 60  # characters of context shown either side


@dataclass(frozen=True, slots=True)
class Entry:
    document: str
    annotation: Annotation
    text: str = ""          # the document's text, for the context (sliced only when shown)
    status: str = "exact"   # anchoring status: exact, moved, fuzzy

    @property
    def left(self) -> str:
        """The text before the quote (up to CONTEXT characters)."""
        start = self.annotation.start
        return self.text[max(0, start - CONTEXT):start]

    @property
    def right(self) -> str:
        """The text after the quote (up to CONTEXT characters)."""
        end = self.annotation.end
        return self.text[end:end + CONTEXT]

    @property
    def key(self) -> tuple[str, int, int, str]:
        a = self.annotation
        return (self.document, a.start, a.end, a.id)

    def as_dict(self) -> dict[str, Any]:
        a = self.annotation
        return {"document": self.document, "id": a.id, "start": a.start, "end": a.end, "quote": a.quote,
                "categories": list(a.categories), "note": a.note}


def normalise(text: str) -> str:
    return " ".join(text.casefold().split())


def matches(ann: Annotation, categories: set[str], needle: str) -> bool:
    """Does the annotation carry one of ``categories`` (all when empty) and contain ``needle``
    (case and spacing aside) in its quote or note?"""
    if categories and not categories.intersection(ann.categories):
        return False
    return not needle or needle in normalise(ann.quote) or needle in normalise(ann.note)


def entries(documents: Iterable[tuple[str, str, Sequence[Annotation], dict[str, tuple[str, float]]]],
            categories: Iterable[str] = (), text: str = "") -> list[Entry]:
    """``documents``: (document id, its text, its placed annotations, their anchoring statuses by id).
    The matching entries, in document order then position."""
    wanted = set(categories)
    needle = normalise(text)
    out: list[Entry] = []
    for doc_id, doc_text, anns, status in documents:
        ordered = anns if _sorted(anns) else sorted(anns, key=lambda a: (a.start, a.end, a.id))
        for ann in ordered:
            if (not wanted and not needle) or matches(ann, wanted, needle):
                out.append(Entry(doc_id, ann, doc_text, status[ann.id][0] if ann.id in status else "exact"))
    return out


def _sorted(annotations: Sequence[Annotation]) -> bool:
    return all((a.start, a.end) <= (b.start, b.end) for a, b in zip(annotations, annotations[1:]))


def groups(items: Sequence[Entry]) -> list[list[int]]:
    """Indices of ``items`` in groups of near-identical quotes, groups in order of first appearance."""
    leaders: list[str] = []           # normalised text of each group's first entry
    members: list[list[int]] = []
    exact: dict[str, int] = {}
    by_end: dict[tuple[str, ...], list[int]] = {}
    for i, entry in enumerate(items):
        words = tokenize(entry.annotation.quote)
        flat = " ".join(words)
        g = exact.get(flat)
        if g is None:
            heads = (("h",) + tuple(words[:3]), ("t",) + tuple(words[-3:]))
            for head in heads:
                for cand in by_end.get(head, ()):
                    if fuzz.ratio(leaders[cand], flat, score_cutoff=GROUP_RATIO):
                        g = cand
                        break
                if g is not None:
                    break
            if g is None:
                g = len(leaders)
                leaders.append(flat)
                members.append([])
                for head in heads:
                    by_end.setdefault(head, []).append(g)
            exact[flat] = g
        members[g].append(i)
    return members


def grouped_order(items: Sequence[Entry]) -> list[tuple[int, int, int]]:
    """(item index, group number, group size) for every item, groups of more than one first
    (largest first), then the rest in document order."""
    gs = groups(items)
    order = sorted(range(len(gs)), key=lambda g: (-len(gs[g]) if len(gs[g]) > 1 else 0, g))
    return [(i, rank, len(gs[g])) for rank, g in enumerate(order) for i in gs[g]]


__all__ = ["CONTEXT", "Entry", "entries", "groups", "grouped_order", "matches", "normalise"]
