"""The coverage matrix at another version of the versioned policies, and the change between two.

The annotations a session holds for a versioned policy refer to the version it shows (the one they
are anchored to). To count them at another version they are carried there in memory by the same
engine as ``reviewer carry`` (one version at a time; nothing is written), then counted by the one
coverage function, ``reviewer.coverage.coverage``. The change between the shown version and
another is the difference of the two matrices, cell by cell, with the annotations whose clause
changed on the way (placed approximately, orphaned, or placed verbatim in a clause reworded around
them) counted apart: a cell can keep its count while what it points to was rewritten.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from reviewer.anchoring import FUZZY, ORPHANED
from reviewer.coverage import CoverageMatrix, coverage
from reviewer.documents import Document
from reviewer.store import Annotation
from reviewer.taxonomy import Taxonomy
from reviewer.versions.model import Version, VersionedDocument

ANNOTATED, LATEST, PICKED = "annotated", "latest", "picked"


@dataclass(frozen=True)
class VersionView:
    """Which version of each versioned policy is counted: the one its annotations are anchored to
    (``annotated``), its latest (``latest``), or, for one document, a version picked from its list
    (``picked``; the others stay at their annotated version). ``change``: show the change from the
    annotated version to that one instead of the counts."""

    kind: str = ANNOTATED
    document: str | None = None
    version: str | None = None
    change: bool = False

    def target(self, doc_id: str, history: VersionedDocument, shown: Version) -> Version:
        if self.kind == LATEST:
            return history.policy[-1]
        if self.kind == PICKED and doc_id == self.document:
            return next((v for v in history.versions if v.version == self.version), shown)
        return shown


@dataclass(frozen=True)
class AtVersion:
    """One versioned policy's annotations carried to a version (nothing written)."""

    old: str                          # the version they are anchored to
    new: str                          # the version counted
    placed: list[Annotation]
    orphans: list[Annotation]
    changed: list[Annotation]         # their clause changed on the way: fuzzy, orphaned, or reworded around them


def at_version(history: VersionedDocument, shown: Version, target: Version, placed: Sequence[Annotation],
               orphans: Sequence[Annotation]) -> AtVersion:
    """``placed`` (anchored in ``shown``) carried to ``target``; ``orphans`` stay orphans."""
    from reviewer.versions.carry import carry   # the engine loads when a version is asked for, not at start-up
    from reviewer.versions.diff import CHANGED, diff_texts

    if target.version == shown.version:
        return AtVersion(shown.version, target.version, list(placed), list(orphans), [])
    result = carry(history, list(placed), shown, target)
    fates = {f.annotation.id: f for f in result.fates}
    now_placed = [a for a in result.annotations if fates[a.id].status != ORPHANED]
    lost = [a for a in result.annotations if fates[a.id].status == ORPHANED]
    reworded = [c.new for c in diff_texts(history.text(shown), history.text(target), words=False).clauses
                if c.status == CHANGED and c.new is not None]
    changed = [a for a in result.annotations if fates[a.id].status in (FUZZY, ORPHANED)
               or any(s < a.end and a.start < e for s, e in reworded)]
    return AtVersion(shown.version, target.version, now_placed, [*orphans, *lost], changed)


@dataclass(frozen=True)
class VersionCoverage:
    """The matrix as ``view`` asks for it. ``before`` is the matrix at the annotated versions (the
    same object as ``matrix`` unless a change is shown); ``versions``: document -> (annotated
    version, version counted) for each versioned policy; ``changed``: (document, category) ->
    annotations whose clause changed between the two."""

    view: VersionView
    matrix: CoverageMatrix
    before: CoverageMatrix
    versions: dict[str, tuple[str, str]] = field(default_factory=dict)
    changed: dict[tuple[str, str], int] = field(default_factory=dict)

    def delta(self, document: str, category: str) -> int:
        """Places gained (positive) or lost (negative) by the cell from the annotated version."""
        return self.matrix.count(document, category) - self.before.count(document, category)

    def orphan_delta(self, document: str, category: str) -> int:
        return self.matrix.orphaned(document, category) - self.before.orphaned(document, category)

    def changed_in(self, document: str, category: str) -> int:
        return self.changed.get((document, category), 0)

    def row_delta(self, document: str) -> int:
        return self.matrix.row_total(document) - self.before.row_total(document)

    def touched(self, document: str, category: str) -> bool:
        """Did anything happen to this cell between the two versions?"""
        return bool(self.delta(document, category) or self.orphan_delta(document, category)
                    or self.changed_in(document, category))

    def moved_versions(self) -> dict[str, tuple[str, str]]:
        """The versioned policies counted at a version other than their annotated one."""
        return {d: v for d, v in self.versions.items() if v[0] != v[1]}


def version_coverage(documents: Sequence[Document], placed: Mapping[str, Sequence[Annotation]],
                     orphans: Mapping[str, Sequence[Annotation]], taxonomy: Taxonomy, view: VersionView,
                     *, unreadable: Mapping[str, str] | None = None) -> VersionCoverage:
    """Count as ``view`` says. A change is shown over the versioned policies only (a plain policy
    has no second version to compare with)."""
    refused = dict(unreadable or {})
    before = coverage(documents, placed, taxonomy, orphans_by_doc=orphans, unreadable=refused)
    moved_placed: dict[str, Sequence[Annotation]] = dict(placed)
    moved_orphans: dict[str, Sequence[Annotation]] = dict(orphans)
    versions: dict[str, tuple[str, str]] = {}
    changed: Counter[tuple[str, str]] = Counter()
    for doc in documents:
        history = doc.history
        if history is None or doc.id in refused:
            continue
        shown = next((v for v in history.versions if v.version == doc.version), history.policy[-1])
        target = view.target(doc.id, history, shown)
        at = at_version(history, shown, target, placed.get(doc.id, ()), orphans.get(doc.id, ()))
        versions[doc.id] = (at.old, at.new)
        moved_placed[doc.id], moved_orphans[doc.id] = at.placed, at.orphans
        for ann in at.changed:
            changed.update((doc.id, c) for c in dict.fromkeys(ann.categories))
    rows: Sequence[Document] = [d for d in documents if d.id in versions] if view.change else documents
    after = coverage(rows, moved_placed, taxonomy, orphans_by_doc=moved_orphans, unreadable=refused)
    if view.change:
        before = coverage(rows, placed, taxonomy, orphans_by_doc=orphans, unreadable=refused)
    elif not versions or all(a == b for a, b in versions.values()):
        after = before
    return VersionCoverage(view, after, before if view.change else after, versions, dict(changed))


__all__ = ["VersionView", "AtVersion", "VersionCoverage", "at_version", "version_coverage",
           "ANNOTATED", "LATEST", "PICKED"]
