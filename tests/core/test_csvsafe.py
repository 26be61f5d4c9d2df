"""One rule neutralises every cell of every CSV the tool writes (export and coverage), headers
included: checked against an independent model of what a spreadsheet skips before a formula."""

from __future__ import annotations

import csv
import io
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.coverage import coverage
from reviewer.csvsafe import neutralise
from reviewer.formats import FORMATS
from reviewer.formats.common import ExportBundle, ExportDocument
from reviewer.store import Annotation
from reviewer.taxonomy import DEFAULT_TAXONOMY

# What a spreadsheet may skip before the first real character: every Unicode space, control and
# invisible format character (written out, not computed from the module under test).
SKIP = re.compile(r"^[\s\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f-\u2069\u3000\ufeff\x00-\x1f\x7f-\x9f]*")
LEADING = re.compile(r"^[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
FORMULA = "=+-@＝＋－＠\u2212\ufe62\ufe63\ufe66"  # ASCII, fullwidth, minus sign, small forms
DANGER = ["=1+1", " =1", "\u00a0=1", "\u3000=1", "\t=1", "\r=1", "\n=1", "\r\n@SUM(A1)", "＝1", "＋1", "＠x",
          "－1", " \u3000\u00a0+1", "\u200b=1", "\ufeff-2", "\t", "\n", "-", "@"]
cells = st.one_of(st.sampled_from(DANGER), st.text(max_size=12),
                  st.tuples(st.sampled_from(DANGER), st.text(max_size=6)).map("".join))


def dangerous(cell: str) -> bool:
    rest = cell[SKIP.match(cell).end():]  # type: ignore[union-attr]  # SKIP matches every string (it can match nothing)
    return bool(rest[:1]) and rest[0] in FORMULA or bool(LEADING.match(cell))


def safe(cell: str, original: str) -> bool:
    if dangerous(original):
        return cell == "'" + original
    return cell == original


@settings(max_examples=300, deadline=None)
@given(st.lists(cells, min_size=1, max_size=6))
def test_every_cell_of_an_export_is_neutralised_and_otherwise_kept(texts: list[str]) -> None:
    text = "".join(texts) or "x"
    anns = [Annotation.create(text, 0, len(text), (t,), t, id=f"a{i}") for i, t in enumerate(texts)]
    bundle = ExportBundle("set", texts[0], DEFAULT_TAXONOMY, [ExportDocument(texts[-1] or "d", "d.txt", None, text,
                                                                               "0" * 64, anns)])
    rows = list(csv.reader(io.StringIO(FORMATS["csv"].export(bundle), newline="")))
    for row, ann in zip(rows[1:], anns):
        original = [texts[-1] or "d", "0", str(len(text)), ann.categories[0], ann.quote, ann.note, texts[0]]
        assert all(safe(c, o) for c, o in zip(row, original)), (row, original)


@settings(max_examples=300, deadline=None)
@given(st.lists(cells.filter(bool), min_size=1, max_size=5, unique=True),
       st.lists(cells.filter(bool), min_size=1, max_size=4, unique=True))
def test_every_cell_of_coverage_csv_headers_included_is_neutralised(slugs: list[str], docs: list[str]) -> None:
    anns = {d: [Annotation("x", 0, 0, "", categories=(s,)) for s in slugs] for d in docs}
    matrix = coverage(docs, anns, DEFAULT_TAXONOMY)
    rows = list(csv.reader(io.StringIO(matrix.to_csv(), newline="")))
    header = rows[0]
    columns = matrix.columns
    assert all(safe(c, o) for c, o in zip(header, ["document", *columns, "total"])), header
    for row, d in zip(rows[1:], docs):
        assert safe(row[0], d), (row[0], d)


def test_neutralise_examples() -> None:
    for cell in DANGER:
        assert neutralise(cell) == "'" + cell
    for cell in ("plain", "a=b", "1-2", "", "'=already", "42"):
        assert neutralise(cell) == cell
