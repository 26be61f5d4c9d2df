"""The policy x category coverage matrix: how many annotations of each category each document has.

One function, ``coverage()``, serves both ``reviewer coverage`` and the app's coverage screen:

    matrix = coverage(documents, annotations_by_doc, taxonomy)
    matrix.rows            # document ids, in the order given
    matrix.columns         # category slugs: the taxonomy's, then any other category in use
    matrix.count(doc, cat) # annotations of ``cat`` in ``doc`` (one with two categories counts in both)
    matrix.missing(cat)    # documents that say nothing about ``cat``

An annotation counts once per category it carries; annotations are the placed ones (re-anchored
against the current text), so orphans do not count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from reviewer.csvsafe import csv_text
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
        """Documents with no annotation of ``category``."""
        return [d for d in self.rows if self.count(d, category) == 0]

    def as_dict(self) -> dict:
        return {
            "categories": [{"slug": c, "name": self.names.get(c, c), "total": self.column_total(c)}
                           for c in self.columns],
            "documents": [{"document": d, "counts": dict(zip(self.columns, self.row(d))),
                           "total": self.row_total(d)} for d in self.rows],
            "total": self.total,
        }

    def to_csv(self) -> str:
        """RFC 4180: header ``document,<slug>...,total``, a row per document, then a ``total`` row;
        every cell (slugs and document ids come from files) neutralised by ``reviewer.csvsafe``."""
        rows: list[list[object]] = [["document", *self.columns, "total"]]
        rows.extend([d, *self.row(d), self.row_total(d)] for d in self.rows)
        rows.append(["total", *(self.column_total(c) for c in self.columns), self.total])
        return csv_text(rows)


def coverage(documents: Iterable[Document | str], annotations_by_doc: Mapping[str, Sequence[Annotation]],
             taxonomy: Taxonomy) -> CoverageMatrix:
    """Count annotations per (document, category). ``documents`` are Documents or ids (row order)."""
    rows: list[str] = []
    titles: dict[str, str] = {}
    for doc in documents:
        doc_id = doc if isinstance(doc, str) else doc.id
        if doc_id not in titles:
            rows.append(doc_id)
            titles[doc_id] = doc_id if isinstance(doc, str) else doc.title
    columns = dict.fromkeys(taxonomy.slugs)
    cells: dict[tuple[str, str], int] = {}
    for doc_id in rows:
        for ann in annotations_by_doc.get(doc_id, ()):
            for cat in ann.categories:
                columns.setdefault(cat)
                cells[(doc_id, cat)] = cells.get((doc_id, cat), 0) + 1
    names = {c: taxonomy.name(c) for c in columns}
    return CoverageMatrix(tuple(rows), tuple(columns), names, cells, titles)


__all__ = ["CoverageMatrix", "coverage"]
