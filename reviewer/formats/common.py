"""What every format module shares: the exported and imported shapes, date-times, JSON reading.

A format module has ``NAME``, ``DESCRIPTION``, ``EXTENSION``, ``FOLDER`` (it writes a folder of
files rather than one file), ``export(bundle) -> str | dict[str, str]`` and, when it can be read
back, ``read(path) -> ImportedData`` and ``sniff(data) -> bool`` (is this parsed JSON / JSONL ours?).
"""

from __future__ import annotations

import codecs
import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any

from reviewer.errors import ReviewerError
from reviewer.safeio import NotRegular, describe, read_regular
from reviewer.store import Annotation
from reviewer.taxonomy import Taxonomy

Output = str | dict[str, str]  # one file's text, or a folder: relative file name -> text


class FormatError(ReviewerError):
    """An import file that is not what its format says it is (wrong format, truncated, bad offsets)."""


@dataclass
class ExportDocument:
    """One document as an export sees it: its current text and its placed annotations."""

    id: str
    source: str                  # file name of the document
    path: Path | None            # where it was read from (for file: IRIs)
    text: str
    sha256: str
    annotations: list[Annotation] = field(default_factory=list)


@dataclass
class ExportBundle:
    set_name: str
    annotator: str
    taxonomy: Taxonomy
    documents: list[ExportDocument] = field(default_factory=list)

    def categories_used(self) -> list[str]:
        """Taxonomy slugs first, then any other category an annotation carries, in first-seen order."""
        seen = dict.fromkeys(self.taxonomy.slugs)
        for doc in self.documents:
            for ann in doc.annotations:
                seen.update(dict.fromkeys(ann.categories))
        return list(seen)

    @property
    def count(self) -> int:
        return sum(len(d.annotations) for d in self.documents)


@dataclass
class ImportedDocument:
    """What an import file says about one document."""

    id: str
    source: str = ""
    sha256: str = ""
    text: str | None = None          # formats that carry the text (doccano, labelstudio, brat)
    annotations: list[Annotation] = field(default_factory=list)
    ids_given: bool = True           # False: the format has no annotation ids (doccano, brat)
    needs_document: list[str] = field(default_factory=list)  # ids that only --documents can place


@dataclass
class ImportedData:
    format: str
    path: Path
    documents: list[ImportedDocument] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    annotator: str = ""  # who made them, when the file says (a new set takes it as its annotator)
    _index: dict[str, ImportedDocument] = field(default_factory=dict, repr=False, compare=False)

    def document(self, doc_id: str, **defaults: Any) -> ImportedDocument:
        """The entry for ``doc_id``, created on first use (keeps file order)."""
        index = self._index
        if len(index) != len(self.documents):
            index.clear()
            index.update((d.id, d) for d in self.documents)
        doc = index.get(doc_id)
        if doc is None:
            doc = index[doc_id] = ImportedDocument(doc_id, **defaults)
            self.documents.append(doc)
        return doc

    @property
    def count(self) -> int:
        return sum(len(d.annotations) for d in self.documents)


# -- date-times ----------------------------------------------------------------------------------

def iso(dt: datetime | None) -> str | None:
    """xsd:dateTime in UTC with a ``Z``, e.g. ``2026-11-21T12:00:00Z`` (fractions kept when present)."""
    if dt is None:
        return None
    dt = dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)
    return dt.isoformat().replace("+00:00", "Z")


def parse_iso(value: Any, path: Path, where: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise FormatError(path, f"{where}: date-time must be a string (got {type(value).__name__})")
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise FormatError(path, f"{where}: {value!r} is not an ISO 8601 date-time") from None
    try:
        return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+01:00: the same instant in UTC is before year 1
        raise FormatError(path, f"{where}: {value!r} is out of range once converted to UTC") from None


TAG = "$toml"  # {"$toml": kind, "value": text}: a TOML value JSON has no type for
INT_MIN, INT_MAX = -(2**63), 2**63 - 1  # TOML integers are 64-bit


def jsonable(value: Any) -> Any:
    """TOML values (of unknown keys and attributes) as JSON, every type carried.

    Date-times, dates, times and non-finite floats have no JSON type: each becomes
    ``{"$toml": "offset-date-time" | "local-date-time" | "local-date" | "local-time" | "float",
    "value": "<its TOML text>"}``, which ``from_jsonable`` turns back into the same value.
    """
    if isinstance(value, datetime):
        return {TAG: "offset-date-time" if value.tzinfo is not None else "local-date-time",
                "value": value.isoformat()}
    if isinstance(value, date):
        return {TAG: "local-date", "value": value.isoformat()}
    if isinstance(value, time):
        return {TAG: "local-time", "value": value.isoformat()}
    if isinstance(value, float) and not math.isfinite(value):
        return {TAG: "float", "value": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


_DECODE = {
    "offset-date-time": lambda t: _aware(datetime.fromisoformat(t)),
    "local-date-time": lambda t: _naive(datetime.fromisoformat(t)),
    "local-date": date.fromisoformat,
    "local-time": time.fromisoformat,
    "float": lambda t: float(t) if t in ("nan", "inf", "-inf", "+inf") else _bad(t),
}


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo is not None else _bad(dt.isoformat())


def _naive(dt: datetime) -> datetime:
    return dt if dt.tzinfo is None else _bad(dt.isoformat())


def _bad(text: Any) -> Any:
    raise ValueError(text)


def from_jsonable(value: Any, path: Path, where: str) -> Any:
    """A JSON value (of an unknown key or an attribute) as the TOML value it stands for.

    Raises FormatError for what TOML cannot hold: null, an integer beyond 64 bits, a malformed
    ``$toml`` value.
    """
    if value is None:
        raise FormatError(path, f"{where}: null has no TOML equivalent")
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if not INT_MIN <= value <= INT_MAX:
            raise FormatError(path, f"{where}: integer {value} is beyond TOML's 64-bit range")
        return value
    if isinstance(value, list):
        return [from_jsonable(v, path, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        if set(value) == {TAG, "value"} and isinstance(value[TAG], str):
            decode = _DECODE.get(value[TAG])
            if decode is None or not isinstance(value["value"], str):
                raise FormatError(path, f"{where}: {TAG} {value[TAG]!r} is not a TOML type reviewer writes")
            try:
                return decode(value["value"])
            except ValueError:
                raise FormatError(path, f"{where}: {value['value']!r} is not a TOML {value[TAG]}") from None
        return {k: from_jsonable(v, path, f"{where}.{k}") for k, v in value.items()}
    return value


def dumps(value: Any, *, indent: int | None = None) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent, allow_nan=False)


# -- reading -------------------------------------------------------------------------------------

def read_text(path: Path) -> str:
    """An import file's text; a one-line FormatError when it cannot be read.

    Encodings as for documents: UTF-8 (BOM allowed), UTF-16 and UTF-32 with a byte order mark,
    and, since JSON text starts with an ASCII character, UTF-16/32 without one (the pattern of its
    NUL bytes tells which, as RFC 4627 describes). Any other NUL byte means a binary file.
    """
    try:
        data = read_regular(path)   # a FIFO or a link to /dev/zero is refused, never read for ever
    except FileNotFoundError:
        raise FormatError(path, "no such file") from None
    except NotRegular as exc:
        if exc.folder:
            raise FormatError(path, "is a folder (only the brat format is a folder)") from None
        raise FormatError(path, describe(exc)) from None
    except OSError as exc:
        raise FormatError(path, describe(exc)) from None
    return decode_text(data, path)


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),  # UTF-32 first: FF FE 00 00
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"), (codecs.BOM_UTF8, "utf-8-sig"))


def decode_text(data: bytes, path: Path, *, json_text: bool = True) -> str:
    """``json_text``: the file is JSON (BOM-less UTF-16/32 recognised, other NULs refused)."""
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    if encoding is None and json_text and b"\x00" in data[:4]:
        encoding = json.detect_encoding(data[:4])  # BOM-less UTF-16/32 JSON: NULs around ASCII
        if encoding == "utf-8":
            encoding = None
    if encoding is None:
        if json_text and b"\x00" in data:
            raise FormatError(path, "binary file (NUL bytes), not an annotation export")
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise FormatError(path, f"not valid {encoding.upper().replace('-SIG', '')} (first bad byte at offset "
                                f"{exc.start})") from None
    return text.lstrip("\ufeff") if encoding != "utf-8-sig" else text


def load_json(path: Path, text: str | None = None) -> Any:
    text = read_text(path) if text is None else text
    if not text.strip():
        raise FormatError(path, "empty file")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and exc.lineno > 1:
            raise FormatError(path, "is JSON Lines (one JSON value per line), not a single JSON document: "
                                    "is it jsonl or doccano?") from None
        truncated = exc.pos >= len(text.rstrip()) or _ends_open(text)
        what = "truncated JSON (the file ends before the JSON does)" if truncated else "malformed JSON"
        raise FormatError(path, f"{what}: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise FormatError(path, "malformed JSON: nested too deeply") from None


def _ends_open(text: str) -> bool:
    """Does the text end inside a string or with brackets still open (a cut-off file)?"""
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
    return in_string or depth > 0


def load_jsonl(path: Path, text: str | None = None) -> list[tuple[int, Any]]:
    """(line number, parsed value) for every non-blank line."""
    text = read_text(path) if text is None else text
    rows: list[tuple[int, Any]] = []
    lines = text.split("\n")
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rows.append((n, json.loads(line)))
        except json.JSONDecodeError as exc:
            last = all(not rest.strip() for rest in lines[n:])
            what = "truncated JSON" if last and exc.pos >= len(line.rstrip()) else "malformed JSON"
            raise FormatError(path, f"line {n}: {what}: {exc.msg} at column {exc.colno}") from None
        except RecursionError:
            raise FormatError(path, f"line {n}: malformed JSON: nested too deeply") from None
    return rows  # an empty JSON Lines file is zero records (guess_format refuses to guess it)


def check_span(path: Path, where: str, start: Any, end: Any, length: int | None = None) -> tuple[int, int]:
    """Integers, 0 <= start <= end (<= length when the text is known)."""
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise FormatError(path, f"{where}: {name} must be an integer (got {value!r})")
        if value < 0:
            raise FormatError(path, f"{where}: {name} is negative ({value})")
    if end < start:
        raise FormatError(path, f"{where}: end ({end}) is before start ({start})")
    if length is not None and end > length:
        raise FormatError(path, f"{where}: offsets {start}-{end} are beyond the end of the document text ({length} "
                                "characters)")
    return start, end


def document_id_from(name: str) -> str:
    """A store-safe document id from a file name or IRI path segment."""
    stem = name.rsplit("/", 1)[-1]
    if "." in stem[1:]:
        stem = stem[: stem.rfind(".")] if stem.rfind(".") > 0 else stem
    return stem or "document"
