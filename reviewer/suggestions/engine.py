"""Suggestions for the clauses no annotation covers: the glue between documents, a set and the model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from reviewer.documents import Document
from reviewer.errors import StoreError
from reviewer.store import Annotation, AnnotationStore
from reviewer.suggestions.model import DEFAULT_MIN_CONFIDENCE, Example, SuggestionModel, examples_from_annotations
from reviewer.suggestions.rejections import Rejections


@dataclass(frozen=True)
class Suggestion:
    """Categories suggested for one clause, most confident first, with their probabilities."""

    document: str
    start: int
    end: int
    categories: tuple[str, ...]
    confidence: dict[str, float] = field(compare=False)

    @property
    def best(self) -> float:
        return self.confidence[self.categories[0]]

    def to_json(self) -> dict:
        return {"document": self.document, "start": self.start, "end": self.end,
                "categories": list(self.categories),
                "confidence": {c: round(self.confidence[c], 4) for c in self.categories}}


def training_examples(store: AnnotationStore, *, annotations: Mapping[str, Sequence[Annotation]] | None = None
                      ) -> tuple[list[Example], list[StoreError]]:
    """Examples from every annotation file in the set (their quotes and categories, limited to the
    set's taxonomy). ``annotations`` (document id -> annotations) overrides what is on disk for
    those documents (the app passes its in-memory state). Unreadable files come back as errors."""
    given = annotations or {}
    slugs = store.taxonomy.slugs
    examples: list[Example] = []
    errors: list[StoreError] = []
    for doc_id in sorted(set(store.document_ids()) | set(given)):
        if doc_id in given:
            anns: Sequence[Annotation] = given[doc_id]
        else:
            try:
                af = store.load(doc_id)
            except StoreError as exc:
                errors.append(exc)
                continue
            anns = af.annotations if af is not None else []
        examples.extend(examples_from_annotations(anns, slugs))
    return examples, errors


def uncovered_clauses(document: Document, annotations: Iterable[Annotation]) -> list[int]:
    """Indexes of the document's clauses that no annotation overlaps."""
    covered: set[int] = set()
    for ann in annotations:
        covered.update(document.clauses_overlapping(ann.start, ann.end))
    return [i for i in range(len(document.clauses)) if i not in covered]


def clause_spans(items: Iterable[tuple[Document, Sequence[Annotation]]]) -> list[tuple[Document, int, int]]:
    """(document, start, end) of every uncovered clause of every (document, its annotations)."""
    spans: list[tuple[Document, int, int]] = []
    for document, anns in items:
        for i in uncovered_clauses(document, anns):
            c = document.clauses[i]
            spans.append((document, c.start, c.end))
    return spans


def suggest(model: SuggestionModel, items: Iterable[tuple[Document, Sequence[Annotation]]], *,
            min_confidence: float = DEFAULT_MIN_CONFIDENCE, rejections: Rejections | None = None) -> list[Suggestion]:
    """Suggestions for every uncovered clause of every (document, its placed annotations), in
    document order then by offset. Categories below ``min_confidence`` or rejected for the clause
    are left out; a clause left with none gives no suggestion. One batched prediction for all."""
    spans = clause_spans(items)
    texts = [d.text[s:e] for d, s, e in spans]
    probs, known = model.scores(texts)
    return from_scores(spans, texts, probs, known, model.categories, min_confidence=min_confidence,
                       rejections=rejections)


def from_scores(spans: Sequence[tuple[Document, int, int]], texts: Sequence[str], probs: Any, known: Any,
                cats: Sequence[str], *, min_confidence: float = DEFAULT_MIN_CONFIDENCE,
                rejections: Rejections | None = None) -> list[Suggestion]:
    """The suggestions of ``spans`` from their scores (``SuggestionModel.scores`` of ``texts``,
    computed here or in another process)."""
    import numpy as np  # lazily: the app imports this module at start-up, numpy is needed only here

    if not spans:
        return []
    passed = (probs >= min_confidence) & known[:, None]
    hit = passed.any(axis=1).nonzero()[0]
    kept = passed[hit]
    sub = np.where(kept, probs[hit], -1.0)
    order = np.argsort(-sub, axis=1, kind="stable").tolist()  # most confident first; ties by name
    counts = kept.sum(axis=1).tolist()
    check = rejections is not None and len(rejections) > 0
    out: list[Suggestion] = []
    for k, row, ranked, n in zip(hit.tolist(), sub.tolist(), order, counts):
        document, start, end = spans[k]
        ranked = ranked[:n]
        if check:
            rejected = rejections.rejected_categories(document.id, start, end, texts[k])  # type: ignore[union-attr]  # checked not None above
            ranked = [j for j in ranked if cats[j] not in rejected]
            if not ranked:
                continue
        out.append(Suggestion(document.id, start, end, tuple(cats[j] for j in ranked),
                              {cats[j]: row[j] for j in ranked}))
    return out


def suggest_document(model: SuggestionModel, document: Document, annotations: Sequence[Annotation], *,
                     min_confidence: float = DEFAULT_MIN_CONFIDENCE, rejections: Rejections | None = None
                     ) -> list[Suggestion]:
    """``suggest`` for one document (a pane)."""
    return suggest(model, [(document, annotations)], min_confidence=min_confidence, rejections=rejections)


def best_for(suggestions: Iterable[Suggestion], category: str) -> Suggestion | None:
    """The suggestion most confident of ``category`` (first in the document on ties), or None:
    what a pane shows when its policy has no clause tagged with that category."""
    best: Suggestion | None = None
    for s in suggestions:
        if category in s.confidence and (best is None or s.confidence[category] > best.confidence[category]):
            best = s
    return best


def next_after(suggestions: Sequence[Suggestion], offset: int, min_confidence: float = DEFAULT_MIN_CONFIDENCE,
               *, wrap: bool = True) -> Suggestion | None:
    """The first suggestion starting after ``offset`` whose best category reaches ``min_confidence``
    (``suggestions`` of one document, in order); from the top again when ``wrap``."""
    good = [s for s in suggestions if s.best >= min_confidence]
    for s in good:
        if s.start > offset:
            return s
    return good[0] if wrap and good else None

