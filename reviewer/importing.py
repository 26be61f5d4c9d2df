"""Import annotations from another tool's file into a set: guess the format, validate, merge, write.

Everything is read, merged, serialised and checked (each file must load back in the store)
before anything is written: a bad file (wrong format, truncated JSON, offsets beyond the document,
a value TOML or the store cannot hold) raises a ``ReviewerError`` naming the file and the set is
left exactly as it was. Then every file is written in one step (``reviewer.transaction``): all of
them or none. Identity is (document, id): merging is by id within a document and never
duplicates; an id the document already has is updated in place. Formats without ids (doccano,
brat) match an annotation the set already has on the same span of the same document, else get an
id derived from that span, so importing the same file twice changes nothing.

With ``documents`` every annotation is re-anchored against the document's current text by quote
and context (``reviewer.anchoring``, as on load); what cannot be placed is kept as it was in the
file (so the set shows it as orphaned) and reported in ``ImportPlan.unplaced``, never dropped.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

from reviewer import formats
from reviewer.anchoring import ORPHANED, resolve, resolve_all
from reviewer.documents import Document, text_sha256
from reviewer.errors import ReviewerError, StoreError
from reviewer.formats.common import (INT_MAX, INT_MIN, FormatError, ImportedData, ImportedDocument, load_json,
                                     read_text)
from reviewer.merge import same_value
from reviewer.labels import LabelMapper, LabelMapping, map_labels, read_map
from reviewer.store import (SET_FILE, Annotation, AnnotationFile, AnnotationStore, dump_annotation_file,
                            parse_annotation_file, utcnow)
from reviewer.transaction import commit, recover, set_guard


LOSSLESS = ("w3c", "jsonl")  # formats that carry every field of an annotation


@dataclass
class Unplaced:
    document: str
    annotation: Annotation
    reason: str


@dataclass
class ImportPlan:
    data: ImportedData
    files: list[AnnotationFile] = field(default_factory=list)   # the files to write (changed only)
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    statuses: Counter[str] = field(default_factory=Counter)     # exact/moved/fuzzy/orphaned with documents
    unplaced: list[Unplaced] = field(default_factory=list)
    unchecked: int = 0                                          # added or updated, no text to check against
    warnings: list[str] = field(default_factory=list)
    labels: LabelMapping = field(default_factory=LabelMapping)  # how the file's labels became slugs

    def summary(self) -> dict[str, Any]:
        return {"file": str(self.data.path), "format": self.data.format, "annotations": self.data.count,
                "added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "documents": len(self.files), "anchoring": dict(self.statuses), "unchecked": self.unchecked,
                "unplaced": [{"document": u.document, "id": u.annotation.id, "reason": u.reason}
                             for u in self.unplaced],
                "labels": self.labels.as_dict()}


# ---------------------------------------------------------------------------------------------
# Reading

def guess_format(path: Path | str) -> str:
    """Which import format a file (or folder) is in, from its content."""
    path = Path(path)
    if path.is_dir():
        if any(path.glob("*.ann")):
            return "brat"
        raise FormatError(path, "is a folder without .ann files; only brat exports are folders")
    text = read_text(path)
    stripped = text.lstrip()
    if not stripped:
        raise FormatError(path, "empty file: nothing tells its format (give --format to import it as empty)")
    if stripped[0] not in "[{":
        raise FormatError(path, "not JSON or JSON Lines, so not an importable format (w3c, jsonl, doccano, "
                                "labelstudio, brat folder)")
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if data is not None:
        if formats.w3c.sniff(data):
            return "w3c"
        if formats.labelstudio.sniff(data):
            return "labelstudio"
        if isinstance(data, dict):
            if formats.doccano.sniff_row(data):
                return "doccano"
            if formats.jsonl.sniff_row(data):
                return "jsonl"
        raise FormatError(path, "JSON of no known annotation format (w3c, labelstudio, jsonl, doccano); give --format")
    first = next(line for line in text.split("\n") if line.strip())
    try:
        row = json.loads(first)
    except ValueError:
        load_json(path, text)  # raises the precise "truncated/malformed JSON at line L column C"
        raise FormatError(path, "malformed JSON") from None
    if formats.doccano.sniff_row(row):
        return "doccano"
    if formats.jsonl.sniff_row(row):
        return "jsonl"
    raise FormatError(path, "JSON Lines of no known annotation format (jsonl, doccano); give --format")


def read_import(path: Path | str, fmt: str | None = None) -> ImportedData:
    path = Path(path)
    if not path.exists():
        raise FormatError(path, "no such file or folder")
    fmt = fmt or guess_format(path)
    if fmt not in formats.IMPORTS:
        raise FormatError(path, f"{fmt} cannot be imported (importable: {', '.join(formats.IMPORTS)})")
    return formats.get(fmt).read(path)


# ---------------------------------------------------------------------------------------------
# Planning

def span_id(doc_id: str, start: int, end: int) -> str:
    return hashlib.sha1(f"{doc_id}\x00{start}\x00{end}".encode("utf-8")).hexdigest()[:12]


def _existing(store: AnnotationStore, wanted: set[str], warnings: list[str]) -> dict[str, AnnotationFile]:
    files: dict[str, AnnotationFile] = {}
    for doc_id in store.document_ids() if store.root.is_dir() else []:
        try:
            af = store.load(doc_id)
        except StoreError:
            if doc_id in wanted:
                raise  # we would have to rewrite a file we cannot read: refuse, touch nothing
            warnings.append(f"{store.path_for(doc_id)}: unreadable, so ids in it were not checked for clashes")
            continue
        if af is not None:
            files[doc_id] = af
    return files


def plan_import(store: AnnotationStore, data: ImportedData, documents: Iterable[Document] | None = None,
                now: datetime | None = None) -> ImportPlan:
    """Validate and merge in memory. Raises ReviewerError (naming the file) and writes nothing."""
    now = now or utcnow()
    plan = ImportPlan(data, warnings=list(data.warnings))
    by_doc = {d.id: d for d in documents} if documents is not None else None
    for doc in data.documents:
        check_document_id(data, store, doc.id)
    for doc in data.documents:  # identity is (document, id): an id may repeat across documents
        if not doc.ids_given:
            continue
        seen: set[str] = set()
        for ann in doc.annotations:
            if ann.id in seen:
                raise FormatError(data.path, f"annotation id {ann.id!r} appears twice in document {doc.id!r}")
            seen.add(ann.id)
    existing = _existing(store, {d.id for d in data.documents}, plan.warnings)
    lossless = data.format in LOSSLESS
    unchecked: list[Annotation] = []

    for doc in data.documents:
        current = by_doc.get(doc.id) if by_doc is not None else None
        given = current
        if current is not None:
            current = _at_anchored_version(current, existing.get(doc.id), plan)
        if by_doc is not None and current is None:
            for ann in doc.annotations:
                plan.unplaced.append(Unplaced(doc.id, ann, "document not among --documents"))
        if current is None and doc.needs_document:
            hint = (f"its document {doc.id!r} is not among --documents" if by_doc is not None
                    else "give --documents to place it")
            raise FormatError(data.path, f"annotation {doc.needs_document[0]!r} has no text position or no quote; "
                                         f"{hint}")
        incoming = _anchor(doc, current, data.path, plan)
        if given is not current and given is not None and given.version:   # their offsets refer to the version given
            incoming = [replace(a, extra={**a.extra, "version": given.version})
                        if a.quote and current is not None and not current.text.startswith(a.quote, a.start) else a
                        for a in incoming]
        blind = current is None and doc.text is None  # no text to check the offsets against
        af = existing.get(doc.id)
        changed = af is None and bool(incoming)
        if af is None:
            af = AnnotationFile(doc.id, doc.source or (current.path.name if current else ""), "")
        # the set's annotations where they are in the text the file's offsets refer to
        here = _placed_in(af, current.text if current is not None else doc.text) if not doc.ids_given else {}
        af.sha256 = (current.sha256 if current is not None else
                     af.sha256 or doc.sha256 or (text_sha256(doc.text) if doc.text is not None else ""))
        if current is not None and current.history is not None and not af.annotations:
            af.version, af.source = current.version, current.path.name   # nothing anchored elsewhere
        elif current is not None:
            af.source = af.source or current.path.name
        elif not af.source:
            af.source = doc.source
        by_id = {a.id: i for i, a in enumerate(af.annotations)}
        by_span = {(a.start, a.end): af.annotations[by_id[a.id]] for a in here.values()}
        for ann in incoming:
            old = None
            if not doc.ids_given:
                old = by_span.get((ann.start, ann.end))
                if old is None:
                    ann = replace(ann, id=_fresh_id(doc.id, ann.start, ann.end, by_id), created=ann.created or now,
                                  updated=ann.updated or now)
            if old is None and ann.id in by_id:
                old = af.annotations[by_id[ann.id]]
            if old is not None and not lossless:
                # The format cannot carry everything (attributes, unknown keys, exact date-times):
                # keep what the set has, take the span, categories and note from the file.
                was = here.get(old.id, old)  # an edit is judged where the set's annotation is now
                same = (was.start, was.end, was.quote, old.categories, old.note) == \
                       (ann.start, ann.end, ann.quote, ann.categories, ann.note)
                ann = replace(old, start=ann.start, end=ann.end, quote=ann.quote, prefix=ann.prefix,
                              suffix=ann.suffix, categories=ann.categories, note=ann.note,
                              updated=old.updated if same else (ann.updated or now))
            if ann.id in by_id:
                old = af.annotations[by_id[ann.id]]
                if same_value(old, ann):
                    plan.unchanged += 1
                    continue
                af.annotations[by_id[ann.id]] = ann
                plan.updated += 1
            else:
                by_id[ann.id] = len(af.annotations)
                af.annotations.append(ann)
                plan.added += 1
            if blind:
                unchecked.append(ann)
            changed = True
        if changed:
            plan.files.append(af)
    _warn_unchecked(plan, unchecked)
    return plan


def _warn_unchecked(plan: ImportPlan, unchecked: list[Annotation]) -> None:
    """Offsets no text was given for cannot be refused like those beyond a known document: say
    so, and name the ones that cannot be right whatever the text (a quote longer or shorter than
    its span), rather than let an import that checked nothing look like one that checked all."""
    plan.unchecked = len(unchecked)
    if not unchecked:
        return
    bad = [a.id for a in unchecked if a.quote and a.end - a.start != len(a.quote)]
    text = (f"{plan.data.path}: the offsets of {len(unchecked)} annotation(s) were not checked against any "
            "document (the file holds no text; give --documents to check and re-anchor them); opening or "
            "checking the set re-anchors them by quote and context")
    if bad:
        text += (f"; {len(bad)} of them have a quote that does not fit their offsets ("
                 + ", ".join(repr(i) for i in bad[:3]) + (", ..." if len(bad) > 3 else "") + ")")
    plan.warnings.append(text)


def _at_anchored_version(doc: Document, af: AnnotationFile | None, plan: ImportPlan) -> Document:
    """The version of a versioned policy the set's file is anchored to (its ``version``, else the
    version whose text has its ``sha256``), where it is another than the one given: the import is
    placed there, as the app opens it there, so one file never mixes offsets of two versions
    (``reviewer carry`` moves a file to another version, on purpose)."""
    vdoc = doc.history
    if vdoc is None or af is None or not af.annotations:
        return doc
    if af.version:
        anchored = next((v for v in vdoc.versions if v.version == af.version), None)
    else:
        anchored = next((v for v in vdoc.versions if af.sha256 and text_sha256(vdoc.text(v)) == af.sha256), None)
    if anchored is None or anchored.version == doc.version:
        return doc
    from reviewer.versions.loading import as_document

    plan.warnings.append(f"{doc.id}: the set's annotations are anchored to version {anchored.version}, so the "
                         f"import was placed in that version, not {doc.version} (reviewer carry moves them to another)")
    return as_document(vdoc, anchored)


def _placed_in(af: AnnotationFile, text: str | None) -> dict[str, Annotation]:
    """The set's annotations by id, re-anchored in ``text`` (the text the import's offsets refer
    to) when the file's offsets refer to another one; orphans there are left out, being on no
    span of it. Without a text, as the file has them."""
    if text is None or not af.annotations or af.sha256 == text_sha256(text):
        return {a.id: a for a in af.annotations}
    return {r.annotation.id: r.anchored(text) for r in resolve_all(af.annotations, text) if r.placed}


def _fresh_id(doc_id: str, start: int, end: int, taken: dict[str, int]) -> str:
    """The id of a new annotation from a format without ids: from its span, and never the id of
    another annotation of the document (one imported at that span before the document changed)."""
    ident, n = span_id(doc_id, start, end), 1
    while ident in taken:
        n += 1
        ident = span_id(doc_id, start, end) + f"-{n}"
    return ident


def _anchor(doc: ImportedDocument, current: Document | None, path: Path, plan: ImportPlan) -> list[Annotation]:
    """The imported annotations, re-anchored against ``current`` when given."""
    if current is None:
        return list(doc.annotations)
    text = current.text
    same_text = bool(doc.sha256) and doc.sha256 == current.sha256 or (doc.text is not None and doc.text == text)
    out = []
    for ann in doc.annotations:
        if same_text and ann.end > len(text):
            where = f"annotation {ann.id or (ann.start, ann.end)!r} of document {doc.id!r}"
            raise FormatError(path, f"{where}: offsets {ann.start}-{ann.end} are beyond the end of the document "
                                    f"({len(text)} characters)")
        if ann.id in doc.needs_document and not ann.quote:  # a position without a quote
            if ann.end <= len(text):
                plan.statuses["exact"] += 1
                out.append(ann.moved_to(text, ann.start, ann.end))
            else:
                plan.statuses[ORPHANED] += 1
                plan.unplaced.append(Unplaced(doc.id, ann, "position beyond the end of the document"))
                out.append(ann)
            continue
        r = resolve(ann, text)
        plan.statuses[r.status] += 1
        if r.status == ORPHANED:
            plan.unplaced.append(Unplaced(doc.id, ann, "quote not found in the document"))
            out.append(ann)
        else:
            out.append(r.anchored(text))
    return out


# ---------------------------------------------------------------------------------------------
# Writing

NAME_MAX = 255  # bytes in one file name on Linux and macOS


def check_document_id(data: ImportedData, store: AnnotationStore, doc_id: str) -> None:
    """A document id the set can hold as a file name, or a FormatError naming the import file."""
    try:
        path = store.path_for(doc_id)
    except StoreError as exc:
        raise FormatError(data.path, f"document id {doc_id!r} cannot be stored in a set ({exc.message})") from None
    if "\x00" in doc_id:
        raise FormatError(data.path, f"document id {doc_id!r} holds a NUL character, which no file name can")
    if len(os.fsencode(path.name)) > NAME_MAX:
        raise FormatError(data.path, f"document id {doc_id[:40]!r}... is too long for a file name "
                                     f"({len(os.fsencode(path.name))} bytes with .toml; at most {NAME_MAX})")


def render(plan: ImportPlan, store: AnnotationStore) -> dict[str, bytes]:
    """Every file of the plan serialised, each checked by the store's own parser first.

    What import writes must load: a file the store would refuse (a ``created`` that is not a
    date-time, ``attributes`` that are not a table, ...) raises FormatError naming the import
    file, before anything is written. What the parser reads back must be what was meant (or,
    for values like nan that equal nothing, re-serialise to the same text), so nothing is
    written that would change at the next load and save.
    """
    out: dict[str, bytes] = {}
    for af in plan.files:
        path = store.path_for(af.document)
        for ann in af.annotations:
            if ann.end > INT_MAX or ann.attributes or ann.extra:
                _check_integers([ann.end, ann.attributes, ann.extra], plan.data.path,
                                f"document {af.document!r}, annotation {ann.id!r}")
        try:
            text = store.render(af)  # an existing file keeps every line the import does not change
        except (TypeError, ValueError) as exc:
            raise FormatError(plan.data.path, f"document {af.document!r} cannot be written as TOML ({exc}); "
                                              "nothing was imported") from None
        try:
            back = parse_annotation_file(text, path)
        except StoreError as exc:
            raise FormatError(plan.data.path, f"document {af.document!r} would be written as a file the set "
                                              f"cannot load ({exc.message}); nothing was imported") from None
        if not _same(back, af) and dump_annotation_file(back) != text:  # the text check: nan != nan
            raise FormatError(plan.data.path, f"document {af.document!r}: an annotation does not survive being "
                                              "written and read back (a key of reviewer:extra that is a field of "
                                              "its own?); nothing was imported")
        out[path.name] = text.encode("utf-8")
    return out


def _same(a: AnnotationFile, b: AnnotationFile) -> bool:
    key = lambda x: (x.start, x.id)  # noqa: E731 - the order the file is written in
    return ((a.document, a.source, a.sha256, a.extra) == (b.document, b.source, b.sha256, b.extra)
            and sorted(a.annotations, key=key) == sorted(b.annotations, key=key))


def _check_integers(value: Any, path: Path, where: str) -> None:
    """TOML integers are 64-bit: a bigger one would be written but other TOML readers refuse it."""
    if isinstance(value, int) and not isinstance(value, bool) and not INT_MIN <= value <= INT_MAX:
        raise FormatError(path, f"{where}: integer {value} is beyond TOML's 64-bit range; nothing was imported")
    if isinstance(value, dict):
        for v in value.values():
            _check_integers(v, path, where)
    elif isinstance(value, list):
        for v in value:
            _check_integers(v, path, where)


def apply_import(store: AnnotationStore, plan: ImportPlan) -> list[Path]:
    """Write every file of the plan, all or none (``reviewer.transaction``)."""
    return commit(store.root, render(plan, store)) if plan.files else []


def open_target_set(root: Path | str) -> tuple[AnnotationStore, bool]:
    """The set to import into, without creating anything yet: (store, exists)."""
    root = Path(root)
    if root.exists():
        return AnnotationStore.open(root, create=False), True
    from reviewer.store import SetMeta
    from reviewer.taxonomy import DEFAULT_TAXONOMY
    return AnnotationStore(root, SetMeta(root.name, "", None), DEFAULT_TAXONOMY), False


def import_file(set_root: Path | str, path: Path | str, fmt: str | None = None,
                documents: Iterable[Document] | None = None,
                label_map: Path | str | None = None) -> tuple[ImportPlan, list[Path]]:
    """Read, validate, merge and write, all or nothing. Raises ReviewerError with the set untouched.

    Every label is mapped to a slug of the set's taxonomy (``reviewer.labels``; ``label_map``: a
    TOML table of label = slug that settles the rest); ``plan.labels`` says what was not mapped.

    The set (created when missing) is read, merged and written under its write guard, so a
    session writing meanwhile is never overwritten, and two imports into a set that does not
    exist yet both land. An import another process left half done (killed) is finished first.
    """
    data = read_import(path, fmt)
    docs = list(documents) if documents is not None else None
    with set_guard(set_root):
        warnings = recover(set_root)
        store, _ = open_target_set(set_root)
        explicit = read_map(label_map, store.taxonomy) if label_map is not None else None
        labels = map_labels(data, LabelMapper(store.taxonomy, explicit))
        plan = plan_import(store, data, docs)
        plan.labels = labels
        plan.warnings[:0] = warnings
        files = render(plan, store) if plan.files else {}
        if not (Path(set_root) / SET_FILE).exists():
            store = AnnotationStore.open(set_root, create=True, annotator=data.annotator or None)
            if not (Path(set_root) / SET_FILE).exists():
                raise StoreError(Path(set_root) / SET_FILE, "cannot write " + "; ".join(store.warnings)
                                 + "; nothing was imported, the set is unchanged")
        return plan, commit(store.root, files) if files else []


__all__ = ["ImportPlan", "Unplaced", "guess_format", "read_import", "plan_import", "apply_import",
           "import_file", "open_target_set", "span_id", "ReviewerError"]
