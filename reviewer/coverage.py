"""The policy x category coverage matrix: how many annotations of each category each document has.

One function, ``coverage()``, serves both ``reviewer coverage`` and the app's coverage screen:

    matrix = coverage(documents, annotations_by_doc, taxonomy)
    matrix.rows            # document ids, in the order given
    matrix.columns         # category slugs: the taxonomy's, then any other category in use
    matrix.count(doc, cat) # annotations of ``cat`` in ``doc`` (one with two categories counts in both)
    matrix.missing(cat)    # documents that say nothing about ``cat``
    matrix.orphaned(doc, cat)  # orphans of ``cat`` in ``doc``: counted apart, never as a placed one
    matrix.annotations     # annotations (one with two categories is one), not tags

An annotation counts once per category it carries; annotations are the placed ones (re-anchored
against the current text). Overlapping annotations of one category in one document count once: the
same clause tagged twice is one place that says something about the category, not two. Orphans
(annotations whose quote is no longer in the text) are counted apart, and a document whose
annotation file could not be read is ``unreadable``: it is neither covered nor a gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from reviewer.documents import Document
from reviewer.store import Annotation
from reviewer.taxonomy import Taxonomy


@dataclass(frozen=True)
class CoverageMatrix:
    rows: tuple[str, ...]                       # document ids
    columns: tuple[str, ...]                    # category slugs
    names: dict[str, str] = field(default_factory=dict)  # slug -> display name
    cells: dict[tuple[str, str], int] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # document id -> title
    orphan_cells: dict[tuple[str, str], int] = field(default_factory=dict)
    annotation_counts: dict[str, int] = field(default_factory=dict)  # document id -> placed annotations
    unreadable: dict[str, str] = field(default_factory=dict)         # document id -> why its file was refused

    def orphaned(self, document: str, category: str) -> int:
        return self.orphan_cells.get((document, category), 0)

    def orphan_total(self, document: str | None = None) -> int:
        return sum(n for (d, _c), n in self.orphan_cells.items() if document is None or d == document)

    @property
    def annotations(self) -> int:
        """Placed annotations of every readable document (the number the files hold, not the tags)."""
        return sum(self.annotation_counts.values())

    def count(self, document: str, category: str) -> int:
        return self.cells.get((document, category), 0)

    def row(self, document: str) -> list[int]:
        return [self.count(document, c) for c in self.columns]

    def row_total(self, document: str) -> int:
        return sum(self.row(document))

    def column_total(self, category: str) -> int:
        return sum(self.count(d, category) for d in self.rows)

    @property
    def total(self) -> int:
        return sum(self.cells.values())

    def missing(self, category: str) -> list[str]:
        """Documents with no annotation of ``category`` (an unreadable one is not known to miss it)."""
        return [d for d in self.rows if self.count(d, category) == 0 and d not in self.unreadable]

    def as_dict(self) -> dict:
        return {
            "categories": [{"slug": c, "name": self.names.get(c, c), "total": self.column_total(c)}
                           for c in self.columns],
            "documents": [self._document_dict(d) for d in self.rows],
            "total": self.total,
            "annotations": self.annotations,
            "orphans": self.orphan_total(),
        }

    def _document_dict(self, d: str) -> dict:
        entry: dict = {"document": d, "counts": dict(zip(self.columns, self.row(d))), "total": self.row_total(d)}
        orphans = {c: self.orphaned(d, c) for c in self.columns if self.orphaned(d, c)}
        if orphans:
            entry["orphans"] = orphans
        if d in self.unreadable:
            entry["unreadable"] = self.unreadable[d]
        return entry

    def to_csv(self) -> str:
        """RFC 4180: header ``document,<slug>...,total``, a row per document, then a ``total`` row;
        every cell (slugs and document ids come from files) neutralised by ``reviewer.csvsafe``."""
        rows: list[list[object]] = [["document", *self.columns, "total"]]
        rows.extend([d, *self.row(d), self.row_total(d)] for d in self.rows)
        from reviewer.csvsafe import csv_text   # only for this export: the app's first screen does not load csv

        rows.append(["total", *(self.column_total(c) for c in self.columns), self.total])
        return csv_text(rows)


def coverage(documents: Iterable[Document | str], annotations_by_doc: Mapping[str, Sequence[Annotation]],
             taxonomy: Taxonomy, *, orphans_by_doc: Mapping[str, Sequence[Annotation]] | None = None,
             unreadable: Mapping[str, str] | None = None) -> CoverageMatrix:
    """Count annotations per (document, category). ``documents`` are Documents or ids (row order);
    ``orphans_by_doc`` are counted apart; ``unreadable`` names the documents whose file was refused."""
    rows: list[str] = []
    titles: dict[str, str] = {}
    for doc in documents:
        doc_id = doc if isinstance(doc, str) else doc.id
        if doc_id not in titles:
            rows.append(doc_id)
            titles[doc_id] = doc_id if isinstance(doc, str) else doc.title
    columns = dict.fromkeys(taxonomy.slugs)
    cells: dict[tuple[str, str], int] = {}
    orphan_cells: dict[tuple[str, str], int] = {}
    counts: dict[str, int] = {}
    refused = {d: why for d, why in (unreadable or {}).items() if d in titles}
    for doc_id in rows:
        if doc_id in refused:
            continue
        placed = annotations_by_doc.get(doc_id, ())
        counts[doc_id] = len(placed)
        spans: dict[str, list[tuple[int, int]]] = {}
        for ann in placed:
            for cat in dict.fromkeys(ann.categories):
                columns.setdefault(cat)
                spans.setdefault(cat, []).append((ann.start, ann.end))
        for cat, found in spans.items():
            cells[(doc_id, cat)] = distinct_places(found)
        for ann in (orphans_by_doc or {}).get(doc_id, ()):
            for cat in dict.fromkeys(ann.categories):
                columns.setdefault(cat)
                orphan_cells[(doc_id, cat)] = orphan_cells.get((doc_id, cat), 0) + 1
    names = {c: taxonomy.name(c) for c in columns}
    return CoverageMatrix(tuple(rows), tuple(columns), names, cells, titles, orphan_cells, counts, refused)


def distinct_places(spans: Iterable[tuple[int, int]]) -> int:
    """How many places the spans cover: overlapping spans are one place, touching ones two."""
    places = 0
    reach = -1
    for start, end in sorted(spans):
        if start >= reach:
            places += 1
        reach = max(reach, end)
    return places


__all__ = ["CoverageMatrix", "coverage", "distinct_places"]
