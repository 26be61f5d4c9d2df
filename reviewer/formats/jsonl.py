"""JSON Lines: one annotation per line, with its document and every field of the TOML.

``{"document": ..., "source": ..., "sha256": ..., "id": ..., "start": ..., "end": ..., "quote": ...,
"prefix": ..., "suffix": ..., "categories": [...], "note": ..., "created": "...Z", "updated": "...Z",
"attributes": {...}, <unknown TOML keys>}``; ``created`` and ``updated`` are ISO 8601 strings in UTC. Values of
attributes and unknown keys keep their TOML type: those JSON has no type for (date-times, dates, times, nan and
infinities) are ``{"$toml": kind, "value": text}`` (``reviewer.formats.common.jsonable``).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from reviewer.errors import StoreError
from reviewer.formats.common import (ExportBundle, FormatError, ImportedData, dumps, from_jsonable, iso, jsonable,
                                     load_jsonl)
from reviewer.store import annotation_table, parse_annotation

NAME = "jsonl"
DESCRIPTION = "JSON Lines, one annotation per line with every field of the TOML"
EXTENSION = ".jsonl"
FOLDER = False
DOCUMENT_KEYS = ("document", "source", "sha256")
TYPED_KEYS = ("id", "start", "end", "quote", "prefix", "suffix", "categories", "note", "created", "updated")


def record(doc_id: str, source: str, sha256: str, table: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {"document": doc_id, "source": source, "sha256": sha256}
    for key, value in table.items():  # created and updated are UTC strings; other values keep their type
        row[key] = iso(value) if key in ("created", "updated") and isinstance(value, datetime) else jsonable(value)
    return row


def export(bundle: ExportBundle) -> str:
    lines = []
    for doc in bundle.documents:
        for ann in doc.annotations:
            lines.append(dumps(record(doc.id, doc.source, doc.sha256, annotation_table(ann))))
    return "".join(line + "\n" for line in lines)


def sniff_row(row: Any) -> bool:
    return isinstance(row, dict) and "document" in row and "id" in row and "start" in row and "quote" in row


def read(path: Path) -> ImportedData:
    path = Path(path)
    result = ImportedData(NAME, path)
    for n, row in load_jsonl(path):
        where = f"line {n}"
        if not isinstance(row, dict):
            raise FormatError(path, f"{where}: expected a JSON object per line")
        if not sniff_row(row):
            raise FormatError(path, f"{where}: not a reviewer jsonl annotation (needs document, id, start, end, "
                                    "quote); is it doccano?")
        doc_id = row.get("document")
        if not isinstance(doc_id, str) or not doc_id:
            raise FormatError(path, f"{where}: document must be a non-empty string (is this reviewer's jsonl?)")
        for key in ("source", "sha256"):
            if key in row and not isinstance(row[key], str):
                raise FormatError(path, f"{where}: {key} must be a string")
        raw = {k: v if k in TYPED_KEYS else from_jsonable(v, path, f"{where}: {k}")
               for k, v in row.items() if k not in DOCUMENT_KEYS}
        try:
            ann = parse_annotation(raw, path, where)
        except StoreError as exc:
            raise FormatError(path, exc.message) from None
        doc = result.document(doc_id, source=row.get("source", ""), sha256=row.get("sha256", ""))
        doc.annotations.append(ann)
    return result
