"""The annotation store: one TOML file per document in a set folder, read leniently, written atomically.

The file format is a contract other tools rely on (see docs/file-format.md). Loading never
rewrites a file; a malformed file is reported (naming file, line and column) and left untouched."""

from __future__ import annotations

import getpass
import hashlib
import os
import re
try:  # the same parser as the standard library's tomllib, compiled: about 3x faster on big sets
    import tomli as tomllib
except ImportError:  # pragma: no cover
    import tomllib  # type: ignore[no-redef]  # stdlib fallback, same API
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

import tomli_w

from reviewer.atomic import TEMP_PREFIX, atomic_write, clean_temporaries
from reviewer import fasttoml
from reviewer.errors import StoreError
from reviewer.safeio import describe, read_regular, read_regular_stat
from reviewer.taxonomy import Taxonomy, taxonomy_for_set
from reviewer.tomlsplice import Layout, Spliced, cut, splice
from reviewer.values import same_value

SCHEMA = 1
CONTEXT = 32
SET_FILE = "set.toml"
TAXONOMY_FILE = "taxonomy.toml"
RESERVED_IDS = {"set", "taxonomy", "suggestions"}  # suggestions.toml: rejected suggestions (reviewer.suggestions)
LAYOUTS_KEPT = 1024   # files whose cut is kept between saves (about their text size each)
NAME_MAX = 255   # bytes in one file name on Linux, macOS and Windows file systems
KNOWN_FIELDS = ("id", "start", "end", "quote", "prefix", "suffix", "categories", "note",
                "created", "updated", "attributes", "provenance")
PROVENANCES = ("agreed", "a", "b", "both", "edited")  # where an adjudicated (gold) annotation came from


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def new_id() -> str:
    return uuid.uuid4().hex[:12]


@dataclass(frozen=True)
class Annotation:
    """One highlighted span with its categories. Offsets are code points, end exclusive."""

    id: str
    start: int
    end: int
    quote: str
    prefix: str = ""
    suffix: str = ""
    categories: tuple[str, ...] = ()
    note: str = ""
    created: datetime | None = None
    updated: datetime | None = None
    attributes: dict[str, Any] = field(default_factory=dict, compare=True)
    extra: dict[str, Any] = field(default_factory=dict, compare=True)  # unknown keys, kept verbatim
    provenance: str = ""  # in a gold set: one of PROVENANCES ("" elsewhere, and not written)

    @classmethod
    def create(cls, text: str, start: int, end: int, categories: Iterable[str] = (), note: str = "",
               *, id: str | None = None, now: datetime | None = None) -> "Annotation":
        now = now or utcnow()
        quote, prefix, suffix = context(text, start, end)
        return cls(id or new_id(), start, end, quote, prefix, suffix, tuple(categories), note, now, now)

    def moved_to(self, text: str, start: int, end: int) -> "Annotation":
        """The same annotation anchored at a new place in ``text`` (quote and context refreshed)."""
        quote, prefix, suffix = context(text, start, end)
        return replace(self, start=start, end=end, quote=quote, prefix=prefix, suffix=suffix)

    def edited(self, **changes: Any) -> "Annotation":
        """A copy with ``changes`` applied and ``updated`` set to now."""
        return replace(self, updated=utcnow(), **changes)

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end or (self.start == self.end == start)


def context(text: str, start: int, end: int) -> tuple[str, str, str]:
    """(quote, prefix, suffix) for a span: the W3C TextQuoteSelector triple, 32 characters each side."""
    return text[start:end], text[max(0, start - CONTEXT):start], text[end:end + CONTEXT]


@dataclass
class AnnotationFile:
    """The contents of ``<document-id>.toml``."""

    document: str
    source: str = ""
    sha256: str = ""
    annotations: list[Annotation] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    version: str = ""  # of a versioned document: the recorded version the offsets refer to


@dataclass(frozen=True)
class FileStamp:
    """What a file on disk looked like when we read it, to notice another program's change."""

    size: int
    mtime_ns: int
    digest: str

    @classmethod
    def of(cls, path: Path) -> "FileStamp | None":
        try:
            data, st = read_regular_stat(path)   # one open file: size, time and digest of the same version
        except FileNotFoundError:
            return None
        return cls(st.st_size, st.st_mtime_ns, hashlib.sha256(data).hexdigest())


@dataclass
class SetMeta:
    name: str
    annotator: str
    created: datetime | None
    schema: int = SCHEMA
    extra: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Parsing


def _toml(text: str, path: Path) -> dict[str, Any]:
    text = text.removeprefix("\ufeff")   # a BOM an editor added is kept by the splice, not parsed
    if (fast := fasttoml.loads(text)) is not None:   # this tool's own layout, read without tomli
        return fast
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StoreError(path, f"malformed TOML: {exc}") from None
    except RecursionError:
        raise StoreError(path, "malformed TOML: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of over 4,300 digits, refused by int() itself
        raise StoreError(path, f"unreadable TOML value: {str(exc).split(':')[0]}") from None


def _read_text(path: Path) -> str:
    try:
        data = read_regular(path)
    except OSError as exc:
        raise StoreError(path, describe(exc)) from None
    if b"\x00" in data:
        raise StoreError(path, "binary file, not TOML")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StoreError(path, f"not valid UTF-8 (first bad byte at offset {exc.start})") from None


def _datetime(value: Any, path: Path, where: str, name: str) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        try:
            return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
        except (OverflowError, ValueError):   # 0001-01-01T00:00:00+01:00 is before year 1 in UTC
            raise StoreError(path, f"{where}: {name} is out of range in UTC ({value.isoformat()})") from None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise StoreError(path, f"{where}: {name} is not a date-time ({value!r})") from None
        return _datetime(parsed, path, where, name)
    raise StoreError(path, f"{where}: {name} must be a TOML date-time")


_KNOWN = frozenset(KNOWN_FIELDS)


def _plain_annotation(raw: Any) -> Annotation | None:
    """The annotation of a table that is plainly valid (the usual case: what this tool writes),
    else None, and ``parse_annotation``'s checks then name what is wrong. For every table it
    accepts, the result equals ``parse_annotation``'s; it only avoids building error context for
    each of 100,000 annotations."""
    if type(raw) is not dict or not raw.keys() <= _KNOWN:
        return None
    get = raw.get
    ident, start, end, quote = get("id"), get("start"), get("end"), get("quote")
    if (type(ident) is not str or type(start) is not int or type(end) is not int or type(quote) is not str
            or not 0 <= start <= end or not ident.strip()):
        return None
    prefix, suffix, note, provenance = get("prefix", ""), get("suffix", ""), get("note", ""), get("provenance", "")
    if type(prefix) is not str or type(suffix) is not str or type(note) is not str or type(provenance) is not str:
        return None
    cats = get("categories", [])
    if type(cats) is str:
        cats = [cats]
    elif type(cats) is not list or not all(type(c) is str for c in cats):
        return None
    attributes = get("attributes", {})
    created, updated = get("created"), get("updated")
    if (type(attributes) is not dict
            or not (created is None or type(created) is datetime and created.tzinfo is timezone.utc)
            or not (updated is None or type(updated) is datetime and updated.tzinfo is timezone.utc)):
        return None
    return Annotation(ident, start, end, quote, prefix, suffix, tuple(dict.fromkeys(cats)), note, created, updated,
                      attributes, {}, provenance)


def parse_annotation(raw: Any, path: Path, where: str) -> Annotation:
    """Validate one ``[[annotation]]`` table. A violation raises StoreError naming the field."""
    plain = _plain_annotation(raw)
    return plain if plain is not None else _checked_annotation(raw, path, where)


def _checked_annotation(raw: Any, path: Path, where: str) -> Annotation:
    if not isinstance(raw, dict):
        raise StoreError(path, f"{where} is not a table")
    ident = raw.get("id")
    if not isinstance(ident, str) or not ident.strip():
        raise StoreError(path, f"{where}: id must be a non-empty string")
    where = f"{where} (id {ident!r})"
    offsets: dict[str, int] = {}
    for name in ("start", "end"):
        value = raw.get(name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise StoreError(path, f"{where}: {name} must be an integer")
        if value < 0:
            raise StoreError(path, f"{where}: {name} is negative ({value})")
        offsets[name] = value
    start, end = offsets["start"], offsets["end"]
    if end < start:
        raise StoreError(path, f"{where}: end ({end}) is before start ({start})")
    strings = {}
    for name in ("quote", "prefix", "suffix", "note", "provenance"):
        value = raw.get(name, "")
        if not isinstance(value, str):
            raise StoreError(path, f"{where}: {name} must be a string")
        strings[name] = value
    if "quote" not in raw:
        raise StoreError(path, f"{where}: quote is missing")
    cats = raw.get("categories", [])
    if isinstance(cats, str):
        cats = [cats]
    if not isinstance(cats, list) or not all(isinstance(c, str) for c in cats):
        raise StoreError(path, f"{where}: categories must be an array of strings")
    attributes = raw.get("attributes", {})
    if not isinstance(attributes, dict):
        raise StoreError(path, f"{where}: attributes must be a table")
    extra = {k: v for k, v in raw.items() if k not in KNOWN_FIELDS}
    return Annotation(
        id=ident, start=start, end=end, quote=strings["quote"], prefix=strings["prefix"],
        suffix=strings["suffix"], categories=tuple(dict.fromkeys(cats)), note=strings["note"],
        created=_datetime(raw.get("created"), path, where, "created"),
        updated=_datetime(raw.get("updated"), path, where, "updated"),
        attributes=attributes, extra=extra, provenance=strings["provenance"],
    )


def parse_annotation_file(text: str, path: Path) -> AnnotationFile:
    data = _toml(text, path)
    schema = data.get("schema", SCHEMA)
    if not isinstance(schema, int) or isinstance(schema, bool):
        raise StoreError(path, "schema must be an integer")
    if schema > SCHEMA:
        raise StoreError(path, f"schema {schema} is newer than this reviewer understands ({SCHEMA})")
    warnings: list[str] = []
    document = data.get("document", path.stem)
    if not isinstance(document, str) or not document:
        raise StoreError(path, "document must be a non-empty string")
    for name in ("source", "sha256", "version"):
        if name in data and not isinstance(data[name], str):
            raise StoreError(path, f"{name} must be a string")
    raw = data.get("annotation", [])
    if not isinstance(raw, list):
        raise StoreError(path, "annotation must be an array of tables ([[annotation]])")
    annotations: list[Annotation] = []
    seen: dict[str, int] = {}
    for n, item in enumerate(raw, 1):
        ann = parse_annotation(item, path, f"annotation #{n}")
        if ann.id in seen:
            # Ids are the contract other tools and undo rely on: never invent one on load.
            raise StoreError(path, f"annotation #{n}: id {ann.id!r} is already used by annotation #{seen[ann.id]}")
        seen[ann.id] = n
        annotations.append(ann)
    known = ("schema", "document", "source", "sha256", "version", "annotation")
    extra = {k: v for k, v in data.items() if k not in known}
    return AnnotationFile(document, data.get("source", ""), data.get("sha256", ""), annotations, extra, warnings,
                          data.get("version", ""))


# ---------------------------------------------------------------------------------------------
# Writing

_UTC_LINE = re.compile(r"^([A-Za-z0-9_-]+ = \d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d(?:\.\d+)?)\+00:00$", re.M)


def _utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


def annotation_table(ann: Annotation) -> dict[str, Any]:
    table: dict[str, Any] = {
        "id": ann.id, "start": ann.start, "end": ann.end, "quote": ann.quote,
        "prefix": ann.prefix, "suffix": ann.suffix, "categories": list(ann.categories), "note": ann.note,
    }
    if ann.provenance:
        table["provenance"] = ann.provenance
    if ann.created is not None:
        table["created"] = _utc(ann.created)
    if ann.updated is not None:
        table["updated"] = _utc(ann.updated)
    for key, value in ann.extra.items():
        table.setdefault(key, value)
    if ann.attributes:
        table["attributes"] = dict(ann.attributes)
    return table


def dumps_toml(data: dict[str, Any]) -> str:
    """tomli_w, with UTC date-times written the way people write them (``...Z``)."""
    return _UTC_LINE.sub(r"\1T\2Z", tomli_w.dumps(data))


def file_head(af: AnnotationFile) -> dict[str, Any]:
    """The file's top-level keys, in their order (``version`` only for a versioned document)."""
    head: dict[str, Any] = {"schema": SCHEMA, "document": af.document, "source": af.source, "sha256": af.sha256}
    if af.version:
        head["version"] = af.version
    return head


def _head(af: AnnotationFile) -> dict[str, Any]:
    data = file_head(af)
    data.update({k: v for k, v in af.extra.items() if k not in data and k != "annotation"})
    return data


def _order(ann: Annotation) -> tuple[int, str]:
    return ann.start, ann.id


def render_annotation(ann: Annotation) -> str:
    """One ``[[annotation]]`` block, always in that form (never an inline table), so that each
    annotation owns its own lines. Raises ValueError when it cannot be written as a block."""
    table = annotation_table(ann)
    literals = {k: v for k, v in table.items() if not isinstance(v, dict)}
    text = "[[annotation]]\n" + dumps_toml(literals)
    for key, value in table.items():
        if isinstance(value, dict):
            text += "\n" + dumps_toml({"annotation": {key: value}})
    try:
        back = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        raise ValueError("not a block") from None
    if not same_value(back, {"annotation": [table]}):   # nan != nan: == would refuse every nan
        raise ValueError("not a block")
    return text


def dump_annotation_file(af: AnnotationFile) -> str:
    """Serialise; annotations sorted by start, then id, one block each, so changes diff and merge cleanly."""
    head = _head(af)
    ordered = sorted(af.annotations, key=_order)
    if ordered:
        try:
            return dumps_toml(head) + "\n" + "\n".join(render_annotation(a) for a in ordered)
        except ValueError:
            pass   # a value only the whole-file writer can place: let it lay the file out
    head["annotation"] = [annotation_table(a) for a in ordered]
    return dumps_toml(head)


def _render_statement(key: str, value: Any) -> str:
    text = dumps_toml({key: value})
    if text.lstrip().startswith("["):
        raise ValueError("a table, not a statement")
    return text


def splice_annotation_file(layout: Layout, af: AnnotationFile, path: Path) -> Spliced | None:
    """``af`` written over the file cut as ``layout``, changing only what differs (see tomlsplice)."""
    defaults = {"schema": SCHEMA, "document": path.stem, "source": "", "sha256": ""}
    try:
        return splice(layout, _head(af), defaults, [(a.id, a) for a in af.annotations], _order,
                      _render_statement, render_annotation, _record_parser(path))
    except ValueError:
        return None


def cut_annotation_file(text: str, path: Path) -> Layout | None:
    return cut(text, "annotation", _record_parser(path))


def _record_parser(path: Path):
    return lambda raw: _keyed(parse_annotation(raw, path, "annotation"))


def _keyed(ann: Annotation) -> tuple[str, Annotation]:
    return ann.id, ann


# ---------------------------------------------------------------------------------------------
# The set folder


class AnnotationStore:
    """An annotation set on disk: ``set.toml``, optional ``taxonomy.toml``, ``<document-id>.toml``."""

    def __init__(self, root: Path, meta: SetMeta, taxonomy: Taxonomy, warnings: list[str] | None = None) -> None:
        self.root = root
        self.meta = meta
        self.taxonomy = taxonomy
        self.warnings = warnings or []
        self.stamps: dict[str, FileStamp | None] = {}
        self.meta_error: str | None = None   # set.toml could not be read (the rest of the set is usable): one line
        # document -> (sha256 of the file, its cut), for the files saved last: a later save of one of
        # them skips cutting it again; bounded, so a save-everything pass does not hold every file
        self._layouts: OrderedDict[str, tuple[str, Layout]] = OrderedDict()

    # -- opening -------------------------------------------------------------------------------
    @classmethod
    def open(cls, root: Path | str, *, create: bool = True, annotator: str | None = None) -> "AnnotationStore":
        """Open a set folder; when ``create``, make the folder and its set.toml if missing. Raises
        StoreError (or TaxonomyError) when the set cannot be used at all."""
        root = Path(root)
        if root.exists() and not root.is_dir():
            raise StoreError(root, "is a file, not an annotation set folder")
        if not root.exists():
            if not create:
                raise StoreError(root, "no such annotation set")
            try:
                root.mkdir(parents=True)
            except OSError as exc:
                raise StoreError(root, f"cannot create the set folder ({exc.strerror or exc})") from None
        warnings = [f"{root / p.name}: removed a temporary file left by an interrupted write"
                    for p in clean_temporaries(root)]
        meta_path = root / SET_FILE
        meta_error = None
        if os.path.lexists(meta_path):
            try:
                meta = cls._read_meta(meta_path)
            except _NewerSchema:
                raise   # a set made by a newer reviewer: refused whole, not half understood
            except StoreError as exc:
                # The set's description only: its annotations still load; the file is never rewritten.
                meta_error = f"{exc} (the set's name and annotator were not read; the file is left as it is)"
                meta = SetMeta(name=root.name, annotator=annotator or _default_annotator(), created=None)
        else:
            meta = SetMeta(name=root.name, annotator=annotator or _default_annotator(), created=utcnow())
            if create:
                try:
                    meta = _create_meta(root, meta_path, meta)
                except StoreError as exc:
                    warnings.append(str(exc))
        taxonomy = taxonomy_for_set(root)
        warnings.extend(taxonomy.warnings)
        store = cls(root, meta, taxonomy, warnings)
        store.meta_error = meta_error
        return store

    @staticmethod
    def _read_meta(path: Path) -> SetMeta:
        data = _toml(_read_text(path), path)
        schema = data.get("schema", SCHEMA)
        if not isinstance(schema, int) or schema > SCHEMA:
            raise _NewerSchema(path, f"unsupported schema {schema!r}")
        name, annotator = data.get("name", path.parent.name), data.get("annotator", "")
        if not isinstance(name, str) or not isinstance(annotator, str):
            raise StoreError(path, "name and annotator must be strings")
        created = _datetime(data.get("created"), path, "set", "created")
        extra = {k: v for k, v in data.items() if k not in ("schema", "name", "annotator", "created")}
        return SetMeta(name, annotator, created, schema, extra)

    # -- files ---------------------------------------------------------------------------------
    def path_for(self, document_id: str) -> Path:
        if document_id in RESERVED_IDS or document_id.startswith(".") or "/" in document_id or "\\" in document_id:
            raise StoreError(self.root / f"{document_id}.toml",
                             f"document id {document_id!r} cannot be stored in a set (reserved or unsafe name); rename "
                             "the document")
        name = f"{document_id}.toml"
        if len(os.fsencode(name)) > NAME_MAX:
            raise StoreError(self.root / name,
                             f"the annotation file name would be {len(os.fsencode(name))} bytes, more than a file "
                             f"name can hold ({NAME_MAX}); rename the document")
        return self.root / name

    def document_ids(self) -> list[str]:
        """Ids of the documents that have an annotation file in this set."""
        return sorted(p.stem for p in self.root.glob("*.toml")
                      if p.stem not in RESERVED_IDS and not p.name.startswith("."))

    def load(self, document_id: str) -> AnnotationFile | None:
        """The document's annotation file, or None when it has none. Raises StoreError when bad."""
        path = self.path_for(document_id)
        if not path.exists():
            self.stamps[document_id] = None
            return None
        # Stamp before reading: a write landing in between then shows as a change on the next
        # check (and is merged), instead of being taken as already seen and overwritten.
        try:
            stamp = FileStamp.of(path)
        except OSError:
            stamp = None
        text = _read_text(path)
        af = parse_annotation_file(text, path)
        self.stamps[document_id] = stamp
        if af.document != document_id:
            af.warnings.append(f"{path}: names document {af.document!r}, expected {document_id!r}")
        return af

    def changed_on_disk(self, document_id: str) -> bool:
        """Has another program written this document's file since we last read or wrote it?"""
        path = self.path_for(document_id)
        return FileStamp.of(path) != self.stamps.get(document_id)

    def save(self, af: AnnotationFile, *, text: str | None = None) -> Path:
        """Write a document's annotations atomically (a file with no annotations is kept, empty).
        ``text``: the file already serialised (equal to ``dump_annotation_file(af)``), for callers
        that cache per-annotation output. Raises StoreError naming the file when the write fails;
        the previous file is then intact."""
        path = self.path_for(af.document)
        layout = None
        if text is None:
            text, layout = self._minimal_change(path, af)
        payload = text.encode("utf-8")
        try:
            written = atomic_write(path, payload)
        except OSError as exc:
            raise StoreError(path, f"cannot write ({exc.strerror or exc}); the previous file is unchanged") from None
        digest = hashlib.sha256(payload).hexdigest()
        self._layouts.pop(af.document, None)
        if layout is not None:
            self._layouts[af.document] = (digest, layout)
            while len(self._layouts) > LAYOUTS_KEPT:
                self._layouts.popitem(last=False)
        self.stamps[af.document] = FileStamp(written.st_size, written.st_mtime_ns, digest)  # as written, not re-read
        return path

    def render(self, af: AnnotationFile) -> str:
        """The text ``save(af)`` would write: only the lines of what changed, where it can."""
        return self._minimal_change(self.path_for(af.document), af)[0]

    def _minimal_change(self, path: Path, af: AnnotationFile) -> tuple[str, Layout | None]:
        """The file's new text, changing only the lines of what changed when the file on disk can
        be cut into blocks (tomlsplice), else the whole file in this tool's layout."""
        try:
            data = read_regular(path)
            old = data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return dump_annotation_file(af), None
        digest = hashlib.sha256(data).hexdigest()
        cached = self._layouts.get(af.document)
        layout = cached[1] if cached is not None and cached[0] == digest else cut_annotation_file(old, path)
        spliced = splice_annotation_file(layout, af, path) if layout is not None else None
        if spliced is None:
            return dump_annotation_file(af), None
        return spliced.text, spliced.layout


def _meta_table(meta: SetMeta) -> dict[str, Any]:
    table: dict[str, Any] = {"schema": meta.schema, "name": meta.name, "annotator": meta.annotator}
    if meta.created is not None:
        table["created"] = _utc(meta.created)
    table.update({k: v for k, v in meta.extra.items() if k not in table})
    return table


class _NewerSchema(StoreError):
    """set.toml declares a schema this reviewer does not know."""


def _create_meta(root: Path, path: Path, meta: SetMeta) -> SetMeta:
    """Write ``set.toml`` unless another writer made one meanwhile (then that one is read, kept)."""
    from reviewer.setwrite import read_merge_write

    def read() -> SetMeta | None:
        return AnnotationStore._read_meta(path) if os.path.lexists(path) else None  # noqa: SLF001 - its own reader

    def merge(now: SetMeta | None) -> tuple[SetMeta | None, str | None]:
        return (now, None) if now is not None else (meta, dumps_toml(_meta_table(meta)))

    return read_merge_write(root, path, read, merge) or meta


def _default_annotator() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is not an error worth stopping for
        return "analyst"


__all__ = ["Annotation", "AnnotationFile", "AnnotationStore", "FileStamp", "SetMeta", "context",
           "dump_annotation_file", "parse_annotation_file", "TEMP_PREFIX", "utcnow", "new_id"]
