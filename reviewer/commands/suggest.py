"""``reviewer suggest PATHS... --annotations SET [--min-confidence X] [--json] [--into SET2]``:
categories for the clauses no annotation covers, learned from the set's own annotations."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import tomllib
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from reviewer.annotated import load_annotated
from reviewer.commands.common import EXIT_BAD, EXIT_OK, EXIT_SOFT, error, load_inputs, open_set, warn
from reviewer.documents import Document
from reviewer.errors import ReviewerError, StoreError
from reviewer.safeio import describe, read_regular
from reviewer.safetext import one_line
from reviewer.lock import acquire
from reviewer.store import (SET_FILE, TAXONOMY_FILE, Annotation, AnnotationFile, AnnotationStore,
                            dump_annotation_file, dumps_toml, utcnow)
from reviewer.transaction import commit, recover, set_guard
from reviewer.suggestions import (DEFAULT_MIN_CONFIDENCE, Rejections, Suggestion, SuggestionModel, suggest,
                                  training_examples, why_not_ready)

GENERATOR = "reviewer suggest"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATHS", help="policy files or folders")
    parser.add_argument("--annotations", metavar="SET", required=True,
                        help="the analyst's annotation set: the model learns from its annotations")
    parser.add_argument("--min-confidence", metavar="X", type=float, default=DEFAULT_MIN_CONFIDENCE,
                        help="suggest a category only from this probability up, 0..1 (default "
                             f"{DEFAULT_MIN_CONFIDENCE})")
    parser.add_argument("--json", action="store_true",
                        help='print {"suggestions": [{"document", "start", "end", "categories", "confidence"}, ...]}')
    parser.add_argument("--into", metavar="SET2",
                        help="also write the suggestions as a separate annotation set for review (never SET itself)")


def run(args: argparse.Namespace) -> int:
    if not 0.0 <= args.min_confidence <= 1.0:
        error(f"--min-confidence must be between 0 and 1 (got {args.min_confidence})")
        return EXIT_BAD
    set_root = Path(args.annotations)
    store = open_set(set_root)
    if store is None:
        return EXIT_BAD
    into = Path(args.into) if args.into else None
    if into is not None:
        problem = _into_problem(set_root, into)
        if problem:
            error(f"{into}: {problem}")
            return EXIT_BAD
    documents, status = load_inputs(args.paths)
    if not documents:
        return EXIT_BAD
    try:
        rejections = Rejections.load(set_root)
    except StoreError as exc:
        error(exc)
        return EXIT_BAD

    items: list[tuple[Document, list[Annotation]]] = []
    placed: dict[str, list[Annotation]] = {}
    bad_files: set[str] = set()
    for doc in documents:
        ad = load_annotated(store, doc)
        if ad.error is not None:
            error(f"{ad.error} (no suggestions for {doc.id})")
            bad_files.add(str(ad.error.path))
            status = EXIT_BAD
            continue
        anns = ad.annotations
        placed[doc.id] = anns
        items.append((doc, anns))
    examples, errors = training_examples(store, annotations=placed)
    for failure in errors:
        if str(failure.path) not in bad_files:
            error(f"{failure} (left out of training)")
            status = EXIT_BAD

    reason = why_not_ready(examples)
    if reason is not None:
        if args.json:
            print(json.dumps({"suggestions": []}))
        error(f"nothing to suggest: {reason} in {set_root}")
        return EXIT_BAD if status == EXIT_BAD else EXIT_SOFT
    model = SuggestionModel.train(examples)
    suggestions = suggest(model, items, min_confidence=args.min_confidence, rejections=rejections)

    if args.json:
        print(json.dumps({"suggestions": [s.to_json() for s in suggestions]}, ensure_ascii=False))
    else:
        _print_table(suggestions, {d.id: d for d, _ in items})
        print(f"{len(suggestions)} suggestion{'' if len(suggestions) == 1 else 's'} in "
              f"{len({s.document for s in suggestions})} of {len(items)} documents, learned from "
              f"{model.n_examples} tagged clauses ({', '.join(model.categories)})")
    if into is not None:
        try:
            tally = _write_set(into, set_root, store, items, suggestions)
        except ReviewerError as exc:
            error(exc)
            return EXIT_BAD
        if not args.json:
            print(one_line(f"wrote {tally.written} suggestions for {tally.documents} documents to {into}"
                           + (f", left {tally.unchanged} unchanged" if tally.unchanged else "")
                           + (f", kept {tally.kept} annotations changed or added there" if tally.kept else "")
                           + (f", {tally.declined} deleted there not offered again" if tally.declined else "")
                           + f" (check it with: reviewer check PATHS --annotations {into})"))
    if status == EXIT_BAD:
        return EXIT_BAD
    if not suggestions:
        error(f"nothing to suggest: no uncovered clause reaches confidence {args.min_confidence}")
        return EXIT_SOFT
    return EXIT_OK


def _same_folder(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def _into_problem(set_root: Path, into: Path) -> str | None:
    """Why SET2 cannot receive suggestions, or None. It must not be the analyst's set, and may only
    be a new or empty folder or a set an earlier ``reviewer suggest`` wrote."""
    if _same_folder(set_root, into):
        return f"is the analyst's own set ({set_root}); suggestions go into a separate set"
    if into.exists() and not into.is_dir():
        return "is a file, not a folder"
    if into.is_dir() and any(into.iterdir()):
        meta = into / SET_FILE
        try:   # read like any set file: bounded, never blocking, a BOM accepted
            data = tomllib.loads(read_regular(meta).decode("utf-8-sig"))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError):   # TOMLDecodeError is a ValueError
            data = {}
        if data.get("generated_by") != GENERATOR:
            return "is a folder that an earlier reviewer suggest did not write; give a new or empty folder"
    return None


def _suggestion_id(document: str, start: int, end: int) -> str:
    return hashlib.sha1(f"{document}\0{start}\0{end}".encode()).hexdigest()[:12]


def _note(confidence: dict[str, float]) -> str:
    return "suggested: " + ", ".join(f"{c} {p:.2f}" for c, p in confidence.items())


def _as_written(doc: Document, s: Suggestion, now: datetime) -> Annotation:
    """The annotation ``suggest`` writes for a suggestion: everything in it follows from its span
    and confidences, so ``_untouched`` can tell it from one the analyst changed."""
    confidence = {c: round(s.confidence[c], 4) for c in s.categories}
    ann = Annotation.create(doc.text, s.start, s.end, s.categories, _note(confidence),
                            id=_suggestion_id(s.document, s.start, s.end), now=now)
    return replace(ann, extra={"confidence": confidence})


def _untouched(doc_id: str, ann: Annotation) -> bool:
    """Is this annotation exactly as ``suggest`` wrote it (no edit, note, category or move since)?"""
    confidence = ann.extra.get("confidence")
    return (set(ann.extra) == {"confidence"} and isinstance(confidence, dict) and not ann.attributes
            and ann.id == _suggestion_id(doc_id, ann.start, ann.end)
            and ann.categories == tuple(confidence) and ann.note == _note(confidence)
            and ann.created is not None and ann.created == ann.updated)


RECORD = "suggested"   # top-level key of a SET2 file: the ids of the suggestions offered there
DRIFT = 0.01   # a confidence moving less than this is the same suggestion (the note shows two decimals)


@dataclass
class _Tally:
    """What a write did, for the line ``suggest`` prints."""

    written: int = 0     # suggestions added or changed
    documents: int = 0   # documents with one of those
    kept: int = 0        # annotations the analyst changed or added there, left as they are
    unchanged: int = 0   # suggestions left byte for byte (suggested again, the same)
    declined: int = 0    # suggestions the analyst deleted there, not offered again


def _same(old: Annotation, new: Annotation) -> bool:
    """Is ``new`` the suggestion ``old`` already is (span, categories, confidences within DRIFT)?"""
    a, b = old.extra.get("confidence", {}), new.extra.get("confidence", {})
    same_place = replace(old, note=new.note, created=new.created, updated=new.updated, extra=new.extra) == new
    return same_place and a.keys() == b.keys() and all(abs(a[c] - b[c]) < DRIFT for c in a)


def _offered(existing: AnnotationFile | None) -> set[str]:
    record = existing.extra.get(RECORD) if existing else None
    return {x for x in record if isinstance(x, str)} if isinstance(record, list) else set()


def _merge(doc: Document, existing: AnnotationFile | None, wanted: list[Annotation],
           tally: _Tally) -> AnnotationFile | None:
    """SET2's file for ``doc`` after this run; None when nothing is left to keep in it.

    An annotation the analyst changed or added stays as it is; an untouched suggestion offered again
    unchanged is left as it is (same bytes), one offered with other values is replaced, one not
    offered any more is withdrawn. A suggestion recorded as offered that is gone from the file was
    deleted by the analyst: it is not offered again, and its id stays in the record."""
    before = list(existing.annotations) if existing else []
    offered, present = _offered(existing), {a.id for a in before}
    by_id = {a.id: a for a in wanted}
    declined = (offered - present) & by_id.keys()
    out: list[Annotation] = []
    withdrawn: set[str] = set()
    written = 0
    for ann in before:
        new = by_id.get(ann.id)
        if not _untouched(doc.id, ann):
            out.append(ann)
            tally.kept += 1
        elif new is not None and _same(ann, new):
            out.append(ann)
            tally.unchanged += 1
        elif new is not None:
            out.append(new)
            written += 1
        else:
            withdrawn.add(ann.id)
    fresh = [a for a in wanted if a.id not in present and a.id not in offered]
    out += fresh
    written += len(fresh)
    tally.written += written
    tally.documents += bool(written)
    tally.declined += len(declined)
    record = sorted((offered | {a.id for a in out if a.id in by_id}) - withdrawn)
    if not out and not (offered - present):
        return None   # only an earlier run's untouched suggestions were here, all withdrawn
    extra = {**(existing.extra if existing else {}), RECORD: record}
    return AnnotationFile(doc.id, doc.path.name, doc.sha256, out, extra, version=existing.version if existing else "")


def _write_set(into: Path, set_root: Path, source: AnnotationStore, items: list[tuple[Document, list[Annotation]]],
               suggestions: list[Suggestion]) -> _Tally:
    """Write the suggestions into SET2, all files or none, holding its lock and write guard, each
    file through the store's splice (only the blocks that change are written).

    A re-run replaces only the suggestions nobody touched and that changed (``_merge``); a file SET2
    holds that cannot be read is never overwritten (the run stops, writing nothing).
    """
    by_doc: dict[str, list[Suggestion]] = {}
    for s in suggestions:
        by_doc.setdefault(s.document, []).append(s)
    now = utcnow()
    tally = _Tally()
    with set_guard(into):
        with acquire(into):
            for warning in recover(into):
                error(warning)
            target = AnnotationStore.open(into, create=False)
            files: dict[str, bytes | None] = {}
            if not (into / SET_FILE).exists():
                files[SET_FILE] = dumps_toml({"schema": 1, "name": f"{source.meta.name} suggestions",
                                              "annotator": GENERATOR, "created": now, "generated_by": GENERATOR,
                                              "suggested_from": str(set_root)}).encode("utf-8")
            taxonomy = set_root / TAXONOMY_FILE
            if taxonomy.is_file():
                try:
                    wanted_taxonomy = read_regular(taxonomy)
                except OSError as exc:
                    raise StoreError(taxonomy, describe(exc)) from None
                if not os.path.lexists(into / TAXONOMY_FILE):
                    files[TAXONOMY_FILE] = wanted_taxonomy
                elif _read_or_none(into / TAXONOMY_FILE) != wanted_taxonomy:   # a person's edit: kept
                    warn(f"{into / TAXONOMY_FILE}: differs from {taxonomy}; left as it is (a suggested category "
                         "it lacks shows as unknown there, kept)")
            for doc, _ in items:
                existing = target.load(doc.id)  # StoreError when unreadable: nothing is written
                wanted = [_as_written(doc, s, now) for s in by_doc.get(doc.id, [])]
                af = _merge(doc, existing, wanted, tally)
                name = target.path_for(doc.id).name
                if af is None:
                    if existing is not None:
                        files[name] = None
                elif existing is None or not _same_file(af, existing):
                    files[name] = (target.render(af) if existing is not None
                                   else dump_annotation_file(af)).encode("utf-8")
            commit(into, files)
    return tally


def _read_or_none(path: Path) -> bytes | None:
    try:
        return read_regular(path)
    except OSError:
        return None


def _same_file(a: AnnotationFile, b: AnnotationFile) -> bool:
    return ((a.document, a.source, a.sha256, a.extra) == (b.document, b.source, b.sha256, b.extra)
            and sorted(a.annotations, key=lambda x: x.id) == sorted(b.annotations, key=lambda x: x.id))


def _print_table(suggestions: list[Suggestion], documents: dict[str, Document]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False, soft_wrap=False)
    table = Table(box=None, pad_edge=False)
    for name in ("document", "clause", "categories", "text"):
        table.add_column(name, no_wrap=name != "text", overflow="ellipsis")
    for s in suggestions:
        text = documents[s.document].text[s.start:s.end]
        table.add_row(Text(one_line(s.document)), f"{s.start}-{s.end}",
                      Text(", ".join(f"{c} {s.confidence[c]:.2f}" for c in s.categories)),
                      Text(one_line(text, 100)))
    if suggestions:
        console.print(table)
