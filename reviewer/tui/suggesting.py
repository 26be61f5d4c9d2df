"""The app's suggestion state: the current model, the set's rejections, per-document
suggestions, and the per-category clause queries that category sync and ``]``/``[`` use.

No Textual here: ``SuggestionsController`` (reviewer/tui/controllers/suggestions.py) calls
``retrain()`` in a thread worker after each change and swaps the result in with ``install()`` on
the UI thread; everything else is cheap and runs on the UI thread. A trained model is read-only,
so a worker may score with it while the UI thread reads the previous one.
"""

from __future__ import annotations

import threading
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from reviewer.documents import Document
from reviewer.errors import StoreError
from reviewer.session import Outcome, Session, Step
from reviewer.store import Annotation
from reviewer.suggestions import (DEFAULT_MIN_CONFIDENCE, Rejections, Suggestion, SuggestionModel, best_for,
                                  next_after, training_examples)
from reviewer.suggestions.engine import from_scores, uncovered_clauses

#: ``ctrl+n`` jumps to suggestions at least this confident (ghosts below it are still drawn).
JUMP_CONFIDENCE = 0.7


@dataclass(frozen=True)
class Trained:
    """What a retrain produced: a model, or the reason there is none."""

    model: SuggestionModel | None
    reason: str | None
    examples: int
    seconds: float
    #: document id -> (its suggestions, the clauses uncovered when they were scored), scored with ``model``
    scored: dict[str, tuple[tuple[Suggestion, ...], frozenset[int]]] = field(default_factory=dict)
    #: the rejections' generation it was scored under (``Suggester.forget`` starts a new one)
    generation: int = 0


def category_clauses(document: Document, annotations: Iterable[Annotation], category: str) -> list[int]:
    """Indexes of the clauses where an annotation tagged ``category`` starts, in order."""
    found = {document.clause_index_at(a.start) for a in annotations if category in a.categories}
    return sorted(i for i in found if i >= 0)


def next_index(indexes: Sequence[int], cursor: int, delta: int = 1, *, wrap: bool = True) -> int | None:
    """The first of ``indexes`` (sorted) after ``cursor`` (before it when ``delta`` < 0), or None."""
    if not indexes:
        return None
    if delta > 0:
        k = bisect_right(indexes, cursor)
        return indexes[k] if k < len(indexes) else (indexes[0] if wrap else None)
    k = bisect_right(indexes, cursor - 1) - 1
    return indexes[k] if k >= 0 else (indexes[-1] if wrap else None)


def section_category(annotations: Sequence[Annotation], offset: int) -> str | None:
    """The category of the section ``offset`` is in: the first category of the last annotation
    starting at or before it (annotations sorted by start), or None before the first one."""
    best: Annotation | None = None
    for a in annotations:
        if a.start > offset:
            break
        if a.categories:
            best = a
    return best.categories[0] if best else None


class Suggester:
    """Suggestions for the session's documents. ``enabled`` is the analyst's switch; ``model`` is
    None until the set has enough annotations (``reason`` says why)."""

    def __init__(self, session: Session, *, enabled: bool = True,
                 min_confidence: float = DEFAULT_MIN_CONFIDENCE, jump_confidence: float = JUMP_CONFIDENCE) -> None:
        self.session = session
        self.enabled = enabled
        self.min_confidence = min_confidence
        self.jump_confidence = jump_confidence
        self.model: SuggestionModel | None = None
        self.reason: str | None = "not trained yet"
        self.last: Trained | None = None
        self._rejections: Rejections | None = None
        self._rejections_error: str | None = None
        self._cache: dict[str, tuple[tuple[Suggestion, ...], frozenset[int]]] = {}
        self._lock = threading.Lock()
        self._generation = 0   # bumped when rejections change: scores made before are stale

    # -- state ------------------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        """Suggestions are on and a model is ready."""
        return self.enabled and self.model is not None

    @property
    def rejections(self) -> Rejections | None:
        if self._rejections is None and self._rejections_error is None:
            try:
                self._rejections = Rejections.load(self.session.store.root)
            except StoreError as exc:
                self._rejections_error = str(exc)
        return self._rejections

    @property
    def rejections_error(self) -> str | None:
        self.rejections  # noqa: B018 - loads on first use
        return self._rejections_error

    def status(self) -> str:
        """One line for a notification: on/off, and why off."""
        if not self.enabled:
            return "Suggestions are off"
        if self.model is None:
            return f"No suggestions yet: {self.reason}"
        return f"Suggestions on: learned from {self.model.n_examples} tagged clauses"

    # -- training (worker thread) --------------------------------------------------------------------
    def retrain(self, should_stop: Callable[[], bool] = lambda: False, score: Sequence[str] = ()) -> Trained | None:
        """Train on the set as the session holds it now, and score the documents ``score`` with the
        new model. The fit runs in another process (reviewer/suggestions/training.py): the worker
        thread calling this only gathers the examples and waits. Returns None when stopped."""
        t0 = time.perf_counter()
        generation = self._generation
        given: dict[str, list[Annotation]] = {}
        for doc in list(self.session.documents):
            if should_stop():
                return None
            given[doc.id] = self.session.annotations(doc.id)
        examples, _errors = training_examples(self.session.store, annotations=given)
        if should_stop():
            return None
        wanted = [d for d in dict.fromkeys(score)] if self.enabled else []
        uncovered = {d: frozenset(uncovered_clauses(self.session.document(d), given.get(d, ()))) for d in wanted}
        spans = [(self.session.document(d), i) for d in wanted for i in sorted(uncovered[d])]
        texts = [doc.text[doc.clauses[i].start:doc.clauses[i].end] for doc, i in spans]
        from reviewer.suggestions import training  # lazily: starts a process pool on first use

        fitted = training.shared.fit(examples, texts, should_stop)
        if fitted is None:
            return None
        scored: dict[str, tuple[tuple[Suggestion, ...], frozenset[int]]] = {}
        if fitted.model is not None:
            found: dict[str, list[Suggestion]] = {d: [] for d in wanted}
            placed = [(doc, doc.clauses[i].start, doc.clauses[i].end) for doc, i in spans]
            for s in from_scores(placed, texts, fitted.probs, fitted.known, fitted.model.categories,
                                 min_confidence=self.min_confidence, rejections=self.rejections):
                found[s.document].append(s)
            scored = {d: (tuple(found[d]), uncovered[d]) for d in wanted}
        return Trained(fitted.model, fitted.reason, len(examples), time.perf_counter() - t0, scored, generation)

    def install(self, trained: Trained) -> None:
        """Swap a freshly trained model in (UI thread) with the suggestions scored along with it;
        other cached suggestions are dropped."""
        with self._lock:
            self.model, self.reason, self.last = trained.model, trained.reason, trained
            self._cache.clear()
            if trained.model is not None and trained.generation == self._generation:
                self._cache.update(trained.scored)   # else scored before a rejection changed: rescored on use

    def forget(self, doc_id: str | None = None) -> None:
        """Drop cached suggestions (of one document, or all): after rejections changed. (A change of
        annotations needs no forgetting: ``for_document`` notices it and scores only the clauses
        it uncovered.)"""
        with self._lock:
            self._generation += 1
            if doc_id is None:
                self._cache.clear()
            else:
                self._cache.pop(doc_id, None)

    # -- queries --------------------------------------------------------------------------------------
    def for_document(self, doc_id: str) -> tuple[Suggestion, ...]:
        """The document's suggestions (uncovered clauses, rejections left out), in text order; ()
        when suggestions are off or not ready. After a tag only what changed is scored: cached
        suggestions of clauses now covered are dropped, clauses newly uncovered scored alone."""
        model = self.model
        if not self.enabled or model is None:
            return ()
        doc = self.session.document(doc_id)
        now = frozenset(uncovered_clauses(doc, self.session.annotations(doc_id)))
        with self._lock:
            cached = self._cache.get(doc_id)
        if cached is not None and cached[1] == now:
            return cached[0]
        if cached is None:
            found = tuple(self._score(model, doc, sorted(now)))
        else:
            kept = [g for g in cached[0] if doc.clause_index_at(g.start) in now]
            fresh = self._score(model, doc, sorted(now - cached[1])) if now - cached[1] else []
            found = tuple(sorted(kept + fresh, key=lambda g: (g.start, g.end))) if fresh else tuple(kept)
        with self._lock:
            if self.model is model:
                self._cache[doc_id] = (found, now)
        return found

    def _score(self, model: SuggestionModel, doc: Document, indexes: Sequence[int]) -> list[Suggestion]:
        if not indexes:
            return []
        spans = [(doc, doc.clauses[i].start, doc.clauses[i].end) for i in indexes]
        texts = [doc.text[s:e] for _, s, e in spans]
        probs, known = model.scores(texts)
        return from_scores(spans, texts, probs, known, model.categories, min_confidence=self.min_confidence,
                           rejections=self.rejections)

    def for_documents(self, doc_ids: Sequence[str], should_stop: Callable[[], bool] = lambda: False, *,
                      model: SuggestionModel | None = None) -> dict[str, tuple[Suggestion, ...]]:
        """``for_document`` for many documents (the coverage matrix), one batched prediction per
        hundred documents not cached. Safe in a worker. ``model``: score with this one instead of
        the installed one (nothing is cached then)."""
        fresh = model is not None
        model = model or self.model
        if not self.enabled or model is None:
            return {}
        out: dict[str, tuple[Suggestion, ...]] = {}
        missing: list[str] = []
        with self._lock:
            for d in doc_ids:
                if d in self._cache and not fresh:
                    out[d] = self._cache[d][0]
                else:
                    missing.append(d)
        for k in range(0, len(missing), 100):
            if should_stop():
                return out
            chunk = missing[k:k + 100]
            uncovered = {d: frozenset(uncovered_clauses(self.session.document(d), self.session.annotations(d)))
                         for d in chunk}
            spans = [(doc, c.start, c.end) for d in chunk for doc in (self.session.document(d),)
                     for c in (doc.clauses[i] for i in sorted(uncovered[d]))]
            texts = [doc.text[s:e] for doc, s, e in spans]
            probs, known = model.scores(texts)
            found: dict[str, list[Suggestion]] = {d: [] for d in chunk}
            for g in from_scores(spans, texts, probs, known, model.categories, min_confidence=self.min_confidence,
                                 rejections=self.rejections):
                found[g.document].append(g)
            with self._lock:
                for d in chunk:
                    out[d] = tuple(found[d])
                    if self.model is model:
                        self._cache[d] = (out[d], uncovered[d])
        return out

    def at(self, doc_id: str, start: int, end: int) -> Suggestion | None:
        """The suggestion for the clause ``[start, end)`` (exactly), or None."""
        for s in self.for_document(doc_id):
            if (s.start, s.end) == (start, end):
                return s
            if s.start > start:
                break
        return None

    def best_for(self, doc_id: str, category: str) -> Suggestion | None:
        return best_for(self.for_document(doc_id), category)

    def next_after(self, doc_id: str, offset: int) -> Suggestion | None:
        return next_after(self.for_document(doc_id), offset, self.jump_confidence)

    # -- accepting and rejecting ----------------------------------------------------------------------
    def accept(self, suggestion: Suggestion) -> Outcome:
        """The suggestion's best category becomes a normal annotation (a Session change: undoable)."""
        outcome = self.session.set_categories(suggestion.document, suggestion.start, suggestion.end,
                                              suggestion.categories[:1])
        return outcome  # the clause is covered now: for_document drops its suggestion

    def reject(self, suggestion: Suggestion) -> Outcome:
        """Remember in the set that this clause is not ``suggestion``'s best category; undoable
        through the Session's undo stack (a ``Step``)."""
        doc_id, category = suggestion.document, suggestion.categories[0]
        name = self.session.taxonomy.name(category)
        if self.session.read_only:
            return Outcome(doc_id, "Not rejected: read-only", None, True,
                           "the set is open in another reviewer: read-only, nothing was changed")
        rejections = self.rejections
        if rejections is None:
            return Outcome(doc_id, "Not rejected", None, False, self._rejections_error)
        quote = self.session.document(doc_id).text[suggestion.start:suggestion.end]
        try:
            rejection = rejections.reject(doc_id, suggestion.start, suggestion.end, category, quote)
        except StoreError as exc:
            rejections.unreject(rejection_for(doc_id, suggestion, category, quote), save=False)
            return Outcome(doc_id, f"Not rejected: {name}", None, False, str(exc))

        def undo() -> str | None:
            return self._write(lambda: rejections.unreject(rejection), lambda: rejections.reject(
                rejection.document, rejection.start, rejection.end, rejection.category, rejection.quote, save=False))

        def redo() -> str | None:
            return self._write(lambda: rejections.reject(rejection.document, rejection.start, rejection.end,
                                                         rejection.category, rejection.quote),
                               lambda: rejections.unreject(rejection, save=False))

        self.session.record(Step(doc_id, f"rejected suggestion {name}", undo, redo))
        self.forget(doc_id)
        return Outcome(doc_id, f"Rejected suggestion {name}", None, True)

    def _write(self, apply: Callable[[], object], revert: Callable[[], object]) -> str | None:
        try:
            apply()
        except StoreError as exc:
            revert()
            return str(exc)
        finally:
            self.forget()
        return None


def rejection_for(doc_id: str, suggestion: Suggestion, category: str, quote: str):
    """The rejection ``reject`` would have made (to take it back when its write failed)."""
    from reviewer.suggestions import Rejection

    return Rejection(doc_id, suggestion.start, suggestion.end, category, quote)


__all__ = ["JUMP_CONFIDENCE", "Suggester", "Trained", "category_clauses", "next_index", "section_category"]
