"""``reviewer diff OLD NEW [--annotations SET] [--json]``: what changed between two versions, and
what becomes of each annotation. Exit 0 without orphans, 1 with, 2 on bad input."""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass

from typing import TYPE_CHECKING

from reviewer.commands.common import EXIT_BAD, EXIT_OK, EXIT_SOFT, error, open_set, warn
from reviewer.documents import Document
from reviewer.inputs import load_documents
from reviewer.errors import ReviewerError
from reviewer.safetext import one_line
from reviewer.versions.diff import ADDED, CHANGED, REMOVED, VersionDiff, diff_texts

if TYPE_CHECKING:  # the engine is imported only when there are annotations to follow
    from reviewer.anchoring import Resolution


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", metavar="OLD", help="a version reference (PATH@REF) or a policy file")
    parser.add_argument("new", metavar="NEW", help="a version reference (PATH@REF) or a policy file")
    parser.add_argument("--annotations", metavar="SET", help="show what happens to this set's annotations")
    parser.add_argument("--json", action="store_true", help="print a JSON report")


@dataclass
class Fates:
    """The annotations of OLD (as placed in OLD) and their resolutions in NEW."""
    before: list["Resolution"]
    after: list["Resolution"]


def one_document(raw: str) -> Document:
    docs, errors = load_documents([raw])
    if errors:
        raise errors[0]
    if len(docs) != 1:
        raise ReviewerError(raw, f"names {len(docs)} documents; give one version of one document")
    return docs[0]


def annotation_fates(store, old: Document, new: Document, d: VersionDiff) -> Fates | None:
    """Place the set's annotations of OLD's document in OLD, then follow them into NEW."""
    from reviewer.versions.carry import follow

    af = store.load(old.id)
    if af is None:
        return Fates([], [])
    return Fates(*follow(af.annotations, old.text, new.text, d))


def report(old: Document, new: Document, d: VersionDiff, fates: Fates | None) -> dict:
    counts = d.counts()
    out: dict = {
        "old": {"document": old.id, "version": old.version or None, "sha256": old.sha256},
        "new": {"document": new.id, "version": new.version or None, "sha256": new.sha256},
        "clauses": [c.to_json() for c in d.clauses],
        "annotations": [],
        "summary": {**counts, "annotations": {"exact": 0, "moved": 0, "fuzzy": 0, "orphaned": 0}},
    }
    if fates is not None:
        for b, a in zip(fates.before, fates.after):
            ann = b.annotation
            old_span = [b.start, b.end] if b.placed else [ann.start, ann.end]
            out["annotations"].append({
                "id": ann.id, "categories": list(ann.categories), "status": a.status, "old": old_span,
                "new": [a.start, a.end] if a.placed else None, "score": a.score})
            out["summary"]["annotations"][a.status] += 1
    return out


def run(args: argparse.Namespace) -> int:
    try:
        old = one_document(args.old)
        new = one_document(args.new)
    except ReviewerError as exc:
        error(exc)
        return EXIT_BAD
    for doc in (old, new):
        for w in doc.warnings:
            warn(w)
    d = diff_texts(old.text, new.text)
    fates = None
    if args.annotations:
        store = open_set(args.annotations)
        if store is None:
            return EXIT_BAD
        try:
            fates = annotation_fates(store, old, new, d)
        except ReviewerError as exc:
            error(exc)
            return EXIT_BAD
    result = report(old, new, d, fates)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        _print(result, old, new)
    orphans = result["summary"]["annotations"]["orphaned"]
    return EXIT_SOFT if orphans else EXIT_OK


def _print(result: dict, old: Document, new: Document) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    s = result["summary"]
    console.print(Text(f"{one_line(old.id)}: {one_line(old.version or str(old.path))} -> "
                       f"{one_line(new.version or str(new.path))}", style="bold"))
    console.print(Text(f"same {s['same']}, moved {s['moved']}, changed {s['changed']}, "
                       f"added {s['added']}, removed {s['removed']}"))
    by_clause: dict[int, list[dict]] = {}
    anns = result["annotations"]
    for i, c in enumerate(result["clauses"]):
        for a in anns:
            side = c["old"] or c["new"]
            span = a["old"] if c["old"] else a["new"]
            if span and side and span[0] < side[1] and side[0] < span[1]:
                by_clause.setdefault(i, []).append(a)
    table = Table(box=None, pad_edge=False, show_lines=False)
    table.add_column("status")
    table.add_column("clause")
    table.add_column("annotations")
    for i, c in enumerate(result["clauses"]):
        if c["status"] not in (CHANGED, ADDED, REMOVED):
            continue
        if c["status"] == CHANGED:
            text = Text()
            for op, words in c["words"]:
                style = {"removed": "red strike", "added": "green"}.get(op, "")
                text.append(one_line(words), style=style)
        else:
            span = c["old"] if c["status"] == REMOVED else c["new"]
            source = old.text if c["status"] == REMOVED else new.text
            text = Text(one_line(source[span[0]:span[1]]), style="red" if c["status"] == REMOVED else "green")
        notes = Text(", ".join(f"{one_line(a['id'])} ({one_line(' '.join(a['categories']))}) {a['status']}"
                               + (f" {a['score']}" if a["status"] == "fuzzy" else "")
                               for a in by_clause.get(i, [])))
        table.add_row(c["status"], text, notes)
    console.print(table)
    a = s["annotations"]
    if anns:
        console.print(Text(f"annotations: exact {a['exact']}, moved {a['moved']}, fuzzy {a['fuzzy']}, "
                           f"orphaned {a['orphaned']}", style="bold red" if a["orphaned"] else ""))
