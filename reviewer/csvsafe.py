"""The one rule for every CSV the tool writes: no cell reaches a spreadsheet as a formula.

A spreadsheet runs a cell as a formula when it starts with ``=``, ``+``, ``-`` or ``@`` (OWASP "CSV
injection"), and several skip what comes first: spaces of any kind (no-break, ideographic, ...),
tabs, line breaks, other invisible characters. Some also read the fullwidth forms ``＝ ＋ － ＠`` as
the ASCII ones. ``neutralise`` puts a ``'`` before any such cell (and before a cell that starts with
a control character at all), so it shows as text; the data is otherwise unchanged. ``csv_text``
writes rows (RFC 4180, CRLF) with every cell passed through it; nothing writes CSV another way.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Iterable

TRIGGERS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20\u2212\ufe62\ufe63\ufe66")
# Invisible characters: zero-width, direction marks and overrides, word joiners, the BOM.
INVISIBLE = frozenset([*map(chr, range(0x200B, 0x2010)), *map(chr, range(0x202A, 0x202F)),
                       *map(chr, range(0x2060, 0x206A)), "\ufeff"])


def _control(ch: str) -> bool:
    return ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or ch in "\u2028\u2029" or ch in INVISIBLE


def is_formula(cell: str) -> bool:
    """Could a spreadsheet take this cell for a formula (or a control sequence)?"""
    if not cell:
        return False
    if _control(cell[0]):
        return True  # a leading tab, CR, line break or invisible character
    for ch in cell:
        if ch.isspace() or _control(ch):
            continue  # spaces of every kind (no-break, ideographic, ...) and controls are skipped
        return ch in TRIGGERS
    return False


def neutralise(cell: Any) -> str:
    """The cell as text, with a leading ``'`` when a spreadsheet would run it as a formula."""
    text = cell if isinstance(cell, str) else str(cell)
    return "'" + text if is_formula(text) else text


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    """RFC 4180 CSV (CRLF, minimal quoting) of ``rows``, every cell neutralised."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, dialect="excel", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()


__all__ = ["TRIGGERS", "csv_text", "is_formula", "neutralise"]
