"""A document together with its annotations from a set, re-anchored against the current text."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from reviewer.anchoring import EXACT, FUZZY, MOVED, ORPHANED, Resolution, resolve_all, set_aside
from reviewer.documents import Document
from reviewer.errors import StoreError
from reviewer.store import Annotation, AnnotationFile, AnnotationStore


@dataclass
class AnnotatedDocument:
    document: Document
    file: AnnotationFile | None            # as read from disk (None: no file yet, or unreadable)
    resolutions: list[Resolution] = field(default_factory=list)
    error: StoreError | None = None         # the annotation file could not be read; it is left alone
    warnings: list[str] = field(default_factory=list)

    @property
    def annotations(self) -> list[Annotation]:
        """Placed annotations at their current offsets, sorted by start."""
        text = self.document.text
        return sorted((r.anchored(text) for r in self.resolutions if r.placed), key=lambda a: (a.start, a.id))

    @property
    def orphans(self) -> list[Annotation]:
        return [r.annotation for r in self.resolutions if not r.placed]

    def counts(self) -> Counter[str]:
        return Counter(r.status for r in self.resolutions)


def load_annotated(store: AnnotationStore, document: Document) -> AnnotatedDocument:
    """Read and re-anchor one document's annotations. Never raises for a bad file; never writes."""
    warnings = list(document.warnings)
    try:
        af = store.load(document.id)
    except StoreError as exc:
        return AnnotatedDocument(document, None, [], exc, warnings)
    if af is None:
        return AnnotatedDocument(document, None, [], None, warnings)
    warnings.extend(af.warnings)
    resolutions = resolve_all(af.annotations, document.text)
    path = store.path_for(document.id)
    for r in resolutions:
        unknown = store.taxonomy.unknown(r.annotation.categories)
        if unknown:
            warnings.append(f"{path}: annotation {r.annotation.id!r} has unknown "
                            f"categor{'y' if len(unknown) == 1 else 'ies'} {', '.join(unknown)} (kept)")
        if r.status == ORPHANED and set_aside(r.annotation):
            warnings.append(f"{path}: annotation {r.annotation.id!r} is an orphan by a person's decision "
                            "(kept in the file until re-attached)")
        elif r.status == ORPHANED:
            warnings.append(f"{path}: annotation {r.annotation.id!r} is orphaned: its quote "
                            f"{_short(r.annotation.quote)!r} is no longer in the document (kept in the file)")
        elif r.status == FUZZY:
            warnings.append(f"{path}: annotation {r.annotation.id!r} re-anchored approximately (score {r.score})")
    return AnnotatedDocument(document, af, resolutions, None, warnings)


def _short(text: str, n: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[: n - 1] + "\u2026"


__all__ = ["AnnotatedDocument", "load_annotated", "EXACT", "MOVED", "FUZZY", "ORPHANED"]
