"""CSV for spreadsheets (RFC 4180): a header row, then one row per annotation.

Columns: document, start, end, categories (``;``-joined), quote, note, annotator, created, updated.
Records end with CRLF and fields are quoted when they hold a comma, a double quote, CR or LF
(quotes doubled), as RFC 4180 says. Every cell goes through ``reviewer.csvsafe.neutralise``, the
one rule for all CSV the tool writes: a cell a spreadsheet would run as a formula (``=``, ``+``,
``-``, ``@`` after any spaces or invisible characters, their fullwidth forms, a leading tab or
line break) gets a leading ``'``. Export only: it is not read back.
"""

from __future__ import annotations

from reviewer.csvsafe import csv_text
from reviewer.formats.common import ExportBundle, iso

NAME = "csv"
DESCRIPTION = "CSV for spreadsheets (RFC 4180, formula cells neutralised)"
EXTENSION = ".csv"
FOLDER = False
HEADER = ("document", "start", "end", "categories", "quote", "note", "annotator", "created", "updated")


def export(bundle: ExportBundle) -> str:
    rows: list[tuple[str, ...]] = [HEADER]
    for doc in bundle.documents:
        for ann in doc.annotations:
            rows.append((doc.id, str(ann.start), str(ann.end), ";".join(ann.categories), ann.quote, ann.note,
                         bundle.annotator, iso(ann.created) or "", iso(ann.updated) or ""))
    return csv_text(rows)
