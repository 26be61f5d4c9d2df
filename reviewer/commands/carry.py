"""``reviewer carry PATH --annotations SET [--to REF] [--dry-run] [--json]``: move a set's
annotations of a versioned document to another version (default the latest), one version at a
time, and write the file once at the end, atomically. Exit 0 without orphans, 1 with, 2 on bad input."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from reviewer.commands.common import EXIT_BAD, EXIT_OK, EXIT_SOFT, error, open_set, warn
from reviewer.errors import ReviewerError
from reviewer.safetext import one_line
from reviewer.store import AnnotationStore
from reviewer.versions.carry import CarryResult, carry_file, file_id
from reviewer.versions.model import VersionedDocument
from reviewer.versions.refs import select, split_ref


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH",
                        help="a versioned document (dataset folder or file in a git repository)")
    parser.add_argument("--annotations", metavar="SET", required=True, help="annotation set folder")
    parser.add_argument("--to", metavar="REF", help="the version to move to (default: the latest)")
    parser.add_argument("--dry-run", action="store_true", help="report what would happen; write nothing")
    parser.add_argument("--json", action="store_true", help="print a JSON report")


def carry_one(store: AnnotationStore, doc: VersionedDocument, ref: str | None, dry_run: bool) -> dict | None:
    """Carry one document's annotations; None when the set has none for it."""
    ident = file_id(store, doc)
    done = carry_file(store, doc, select(doc, ref), dry_run=dry_run, ident=ident)
    return None if done is None else to_json(*done, ident=ident)


def to_json(result: CarryResult, written: bool, ident: str | None = None) -> dict:
    return {
        "document": ident or result.document.id, "from": result.start.version, "to": result.target.version,
        "written": written,
        "steps": [{"from": s.old.version, "to": s.new.version, "exact": s.statuses.get("exact", 0),
                   "moved": len(s.moved), "fuzzy": [{"id": i, "score": sc} for i, sc in s.fuzzy],
                   "orphaned": s.orphaned, "recovered": s.recovered} for s in result.steps],
        "annotations": [{"id": f.annotation.id, "categories": list(f.annotation.categories), "status": f.status,
                         "score": f.score, "old": [f.annotation.start, f.annotation.end],
                         "new": [f.start, f.end] if f.start is not None else None,
                         "last_version": f.last_version} for f in result.fates],
        "summary": result.summary(),
    }


def run(args: argparse.Namespace) -> int:
    from reviewer.versions.sources import discover

    path, ref = split_ref(args.path)
    to = args.to[1:] if args.to and args.to.startswith("@") else args.to  # "@first" as in PATH@first
    if ref is not None:
        error(f"{args.path}: give the version to move to with --to, not in PATH")
        return EXIT_BAD
    store = open_set(args.annotations)
    if store is None:
        return EXIT_BAD
    reports = []
    try:
        docs = discover(Path(path))
        for doc in docs:
            select(doc, to)  # a bad --to is refused before anything is written
        for doc in docs:
            entry = carry_one(store, doc, to, args.dry_run)
            if entry is not None:
                reports.append(entry)
    except ReviewerError as exc:
        error(exc)
        return EXIT_BAD
    if args.json:
        print(json.dumps({"documents": reports, "dry_run": bool(args.dry_run)}, ensure_ascii=False))
    else:
        _print(reports, args.dry_run)
    if not reports:  # nothing carried: say under which ids the set was searched
        ids = ", ".join(one_line(doc.id) for doc in docs[:5]) + (", ..." if len(docs) > 5 else "")
        warn(f"{path}: the set {args.annotations} has no annotations of {ids}; nothing carried" + _why(store, docs))
        return EXIT_OK
    return EXIT_SOFT if any(r["summary"]["orphaned"] for r in reports) else EXIT_OK


def _why(store: AnnotationStore, docs: list[VersionedDocument]) -> str:
    """Why the set's file of a git-tracked file on disk (the app's id, its stem) was not carried."""
    for d in docs:
        try:
            plain = store.path_for(d.path.stem)
        except ReviewerError:   # a stem no set file can have (set, taxonomy): nothing to explain
            continue
        if d.kind == "git" and d.path.stem != d.id and plain.exists():
            return (f"; its file {plain.name} is not of a committed version of "
                    f"{d.path.name} (commit the file, or name another source)")
    return ""


def _print(reports: list[dict], dry_run: bool) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    for r in reports:
        verb = "would carry" if dry_run else ("carried" if r["written"] else "left")
        s = r["summary"]
        n = len(r["annotations"])
        console.print(Text(f"{one_line(r['document'])}: {verb} {n} annotation{'' if n == 1 else 's'} "
                           f"from {r['from']} to {r['to']} in {len(r['steps'])} steps "
                           f"(exact {s['exact']}, moved {s['moved']}, fuzzy {s['fuzzy']}, orphaned {s['orphaned']})",
                           style="bold"))
        table = Table(box=None, pad_edge=False)
        for col in ("to version", "exact", "moved", "fuzzy", "orphaned", "recovered"):
            table.add_column(col, justify="left" if col == "to version" else "right")
        for st in r["steps"]:
            fuzzy = ", ".join(f"{one_line(f['id'])} {f['score']}" for f in st["fuzzy"][:4])
            orphaned = ", ".join(one_line(i) for i in st["orphaned"][:4])
            more_fuzzy = ", ..." if len(st["fuzzy"]) > 4 else ""
            more_orphaned = ", ..." if len(st["orphaned"]) > 4 else ""
            table.add_row(st["to"], str(st["exact"]), str(st["moved"]),
                          Text(f"{len(st['fuzzy'])}" + (f" ({fuzzy}{more_fuzzy})" if fuzzy else "")),
                          Text(f"{len(st['orphaned'])}" + (f" ({orphaned}{more_orphaned})" if orphaned else ""),
                               style="red" if st["orphaned"] else ""),
                          str(len(st["recovered"])))
        console.print(table)
