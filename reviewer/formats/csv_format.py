"""CSV for spreadsheets (RFC 4180): a header row, then one row per annotation.

Columns: document, start, end, categories (``;``-joined), quote, note, annotator, created, updated.
Records end with CRLF and fields are quoted when they hold a comma, a double quote, CR or LF
(quotes doubled), as RFC 4180 says. A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a leading ``'`` so that spreadsheet software shows it as text and never runs
it as a formula (OWASP "CSV injection"). Export only: it is not read back.
"""

from __future__ import annotations

import csv
import io

from reviewer.formats.common import ExportBundle, iso

NAME = "csv"
DESCRIPTION = "CSV for spreadsheets (RFC 4180, formula cells neutralised)"
EXTENSION = ".csv"
FOLDER = False
HEADER = ("document", "start", "end", "categories", "quote", "note", "annotator", "created", "updated")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would read as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def export(bundle: ExportBundle) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, dialect="excel", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADER)
    for doc in bundle.documents:
        for ann in doc.annotations:
            row = (doc.id, str(ann.start), str(ann.end), ";".join(ann.categories), ann.quote, ann.note,
                   bundle.annotator, iso(ann.created) or "", iso(ann.updated) or "")
            writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()
