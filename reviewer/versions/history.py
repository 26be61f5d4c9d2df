"""A versioned policy's timeline as the app shows it: each version's date, technical mark, clause
changes against the version before, and what happened to the annotations at that step (carried
from the version they are anchored to onwards), so an analyst can ask "in which versions did the
Data Retention clauses change?"."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from reviewer.anchoring import FUZZY, ORPHANED
from reviewer.clauses import Clause, segment
from reviewer.store import Annotation
from reviewer.versions.carry import carry
from reviewer.versions.diff import diff_texts
from reviewer.versions.model import Version, VersionedDocument


@dataclass(frozen=True)
class HistoryStep:
    version: Version
    changes: dict[str, int] | None                     # clause counts against the version before (None: first)
    fates: dict[str, int] = field(default_factory=dict)  # annotation statuses at this step (after the anchored one)
    changed_categories: frozenset[str] = frozenset()     # categories of annotations reworded or lost here
    anchored: bool = False                               # the version the annotations refer to

    def touches(self, category: str | None) -> bool:
        """Does this step matter for ``category`` (None: any change at all)?"""
        if category is None:
            return True
        return category in self.changed_categories


def history(doc: VersionedDocument, annotations: list[Annotation], anchored: Version,
            should_stop: Callable[[], bool] = lambda: False) -> list[HistoryStep]:
    """Every version, oldest first. Slow for long histories: run it in a worker."""
    texts = doc.texts(doc.versions)
    clauses: list[list[Clause]] = []
    changes: list[dict[str, int] | None] = []
    for k, text in enumerate(texts):
        if should_stop():
            return []
        clauses.append(segment(text))
        changes.append(None if k == 0 else diff_texts(texts[k - 1], text, words=False, old_clauses=clauses[k - 1],
                                                      new_clauses=clauses[k]).changes())
    fates: dict[str, Counter[str]] = {}
    changed: dict[str, set[str]] = {}
    latest = doc.versions[-1]
    if annotations and doc.index(anchored) < doc.index(latest):
        by_id = {a.id: a for a in annotations}
        result = carry(doc, annotations, anchored, latest)
        for step in result.steps:
            fates[step.new.version] = step.statuses
            cats: set[str] = set()
            for ident in [i for i, _ in step.fuzzy] + step.orphaned:
                cats.update(by_id[ident].categories)
            changed[step.new.version] = cats
    return [HistoryStep(v, changes[k], dict(fates.get(v.version, {})), frozenset(changed.get(v.version, ())),
                        v.version == anchored.version) for k, v in enumerate(doc.versions)]


def describe_fates(fates: dict[str, int]) -> str:
    parts = [f"{fates[k]} {k}" for k in ("moved", FUZZY, ORPHANED) if fates.get(k)]
    return ", ".join(parts)


__all__ = ["HistoryStep", "history", "describe_fates"]
