"""doccano sequence-labelling JSONL (https://doccano.github.io/doccano/): one line per document.

``{"text": ..., "label": [[start, end, "category"], ...], "document": ..., "notes": [[start, end, "note"], ...]}``

doccano's offsets are those of its JavaScript front end: UTF-16 code units, not code points (see
doccano issue #2290), so a span after an emoji is shifted by one per astral character. Export
converts reviewer's code-point offsets to UTF-16 units and import converts back (an offset inside
a surrogate pair is refused). A span with several categories is one ``label`` entry per category.
``document`` and ``notes`` are extra keys, which doccano keeps as the example's metadata.
Import also accepts doccano's newer ``"entities": [{"start_offset", "end_offset", "label"}]``.
"""

from __future__ import annotations

from bisect import bisect_left
from pathlib import Path
from typing import Any

from reviewer.formats.common import ExportBundle, FormatError, ImportedData, check_span, dumps, load_jsonl
from reviewer.store import Annotation

NAME = "doccano"
DESCRIPTION = "doccano sequence-labelling JSONL (one line per document, UTF-16 offsets)"
EXTENSION = ".jsonl"
FOLDER = False


class Utf16Map:
    """Code point offsets <-> UTF-16 code unit offsets for one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]  # code point indexes
        self.units = len(text) + len(self.astral)
        # UTF-16 index at which each astral character starts
        self.astral_units = [i + k for k, i in enumerate(self.astral)]

    def to_units(self, offset: int) -> int:
        return offset + bisect_left(self.astral, offset)

    def to_points(self, units: int) -> int | None:
        """The code point offset, or None when ``units`` falls inside a surrogate pair."""
        k = bisect_left(self.astral_units, units)
        if k > 0 and self.astral_units[k - 1] + 1 == units:
            return None
        return units - k


def left_out(bundle: ExportBundle) -> list[tuple[str, str, str]]:
    """(document, annotation id, why) for each annotation doccano cannot hold, so not written: a
    highlight with neither a category (doccano's label) nor a note."""
    return [(doc.id, ann.id, "has no category and no note; doccano has no label for it")
            for doc in bundle.documents for ann in doc.annotations if not ann.categories and not ann.note]


def export(bundle: ExportBundle) -> str:
    lines = []
    for doc in bundle.documents:
        m = Utf16Map(doc.text)
        labels: list[list[Any]] = []
        notes: list[list[Any]] = []
        for ann in sorted(doc.annotations, key=lambda a: (a.start, a.end, a.id)):
            s, e = m.to_units(ann.start), m.to_units(ann.end)
            labels.extend([s, e, cat] for cat in ann.categories)
            if ann.note:
                notes.append([s, e, ann.note])
        row: dict[str, Any] = {"text": doc.text, "label": labels, "document": doc.id}
        if notes:
            row["notes"] = notes
        lines.append(dumps(row))
    return "".join(line + "\n" for line in lines)


def sniff_row(row: Any) -> bool:
    return isinstance(row, dict) and isinstance(row.get("text"), str) and ("label" in row or "entities" in row)


def _spans(row: dict[str, Any], path: Path, where: str) -> list[tuple[Any, Any, Any]]:
    if "label" in row:
        raw = row["label"]
        if not isinstance(raw, list):
            raise FormatError(path, f"{where}: label must be an array of [start, end, label]")
        out = []
        for item in raw:
            if not isinstance(item, list) or len(item) != 3:
                raise FormatError(path, f"{where}: each label must be [start, end, \"category\"] (got {item!r})")
            out.append((item[0], item[1], item[2]))
        return out
    raw = row.get("entities")
    if not isinstance(raw, list):
        raise FormatError(path, f"{where}: entities must be an array")
    out = []
    for item in raw:
        if not isinstance(item, dict):
            raise FormatError(path, f"{where}: each entity must be an object")
        out.append((item.get("start_offset"), item.get("end_offset"), item.get("label")))
    return out


def read(path: Path) -> ImportedData:
    path = Path(path)
    result = ImportedData(NAME, path)
    for n, row in load_jsonl(path):
        where = f"line {n}"
        if not sniff_row(row):
            raise FormatError(path, f"{where}: not a doccano sequence-labelling line (needs \"text\" and \"label\")")
        text = row["text"]
        doc_id = row.get("document")
        if not isinstance(doc_id, str) or not doc_id:
            doc_id = f"{path.stem}-{row['id']}" if isinstance(row.get("id"), (int, str)) else f"{path.stem}-{n}"
        if any(d.id == doc_id for d in result.documents):
            raise FormatError(path, f"{where}: document {doc_id!r} appears on two lines")
        m = Utf16Map(text)

        def points(s: Any, e: Any, what: str, where: str = where, m: Utf16Map = m) -> tuple[int, int]:
            s, e = check_span(path, f"{where} ({what})", s, e, m.units)
            ps, pe = m.to_points(s), m.to_points(e)
            if ps is None or pe is None:
                raise FormatError(path, f"{where} ({what}): offsets {s}-{e} split a character (doccano offsets are "
                                        "UTF-16 units)")
            return ps, pe

        grouped: dict[tuple[int, int], list[str]] = {}
        for s, e, label in _spans(row, path, where):
            if not isinstance(label, str) or not label:
                raise FormatError(path, f"{where}: label must be a non-empty string (got {label!r})")
            span = points(s, e, repr(label))
            cats = grouped.setdefault(span, [])
            if label not in cats:
                cats.append(label)
        notes: dict[tuple[int, int], str] = {}
        raw_notes = row.get("notes", [])
        if isinstance(raw_notes, list):
            for item in raw_notes:
                if isinstance(item, list) and len(item) == 3 and isinstance(item[2], str):
                    span = points(item[0], item[1], "note")
                    grouped.setdefault(span, [])
                    notes[span] = item[2]
        doc = result.document(doc_id, text=text, ids_given=False)
        for (s, e), cats in sorted(grouped.items()):
            doc.annotations.append(Annotation.create(text, s, e, cats, notes.get((s, e), ""), id=""))
    return result
