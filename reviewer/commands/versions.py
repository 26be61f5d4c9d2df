"""``reviewer versions PATH... [--json]``: each versioned document's versions, oldest first."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from reviewer.clauses import segment
from reviewer.commands.common import EXIT_BAD, EXIT_OK, error
from reviewer.documents import text_sha256
from reviewer.errors import ReviewerError
from reviewer.safetext import one_line
from reviewer.versions.diff import diff_texts
from reviewer.versions.model import VersionedDocument


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="a dataset folder of dated versions, a file in a git repository, or a folder of either")
    parser.add_argument("--json", action="store_true", help="print a JSON report")


def listing(doc: VersionedDocument) -> dict:
    """The JSON entry of one document: each version with its clause count and its changes
    against the version before it."""
    texts = doc.texts(doc.versions)
    versions = []
    previous = None
    for v, text in zip(doc.versions, texts):
        clauses = segment(text)
        changes = None
        if previous is not None:
            changes = diff_texts(previous[0], text, words=False, old_clauses=previous[1], new_clauses=clauses).changes()
        versions.append({"version": v.version, "recorded": v.recorded, "ref": v.ref, "technical": v.technical,
                         "sha256": text_sha256(text), "clauses": len(clauses), "changes": changes})
        previous = (text, clauses)
    return {"document": doc.id, "path": str(doc.path), "versions": versions}


def run(args: argparse.Namespace) -> int:
    from reviewer.versions.sources import discover

    status = EXIT_OK
    entries = []
    seen: set[str] = set()
    for raw in args.paths:
        try:
            docs = discover(Path(raw))
            for doc in docs:
                if doc.id in seen:
                    continue
                seen.add(doc.id)
                entries.append(listing(doc))
        except ReviewerError as exc:
            error(exc)
            status = EXIT_BAD
    if args.json:
        print(json.dumps({"documents": entries}, ensure_ascii=False))
    else:
        _print(entries)
    return status


def _print(entries: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    for entry in entries:
        console.print(Text(f"{one_line(entry['document'])}  ({one_line(entry['path'])}, "
                           f"{len(entry['versions'])} versions)", style="bold"))
        table = Table(box=None, pad_edge=False)
        commits = any(len(v["ref"]) == 40 for v in entry["versions"])  # a dataset's file name says nothing more
        table.add_column("version", no_wrap=True, min_width=23)
        if commits:
            table.add_column("commit", no_wrap=True)
        for col in ("clauses", "added", "removed", "changed", "moved"):
            table.add_column(col, justify="right")
        table.add_column("")
        for v in entry["versions"]:
            c = v["changes"] or {}
            cells = [Text(one_line(v["version"]))] + ([Text(one_line(v["ref"][:12]))] if commits else [])
            counts = (str(c.get(k, "")) for k in ("added", "removed", "changed", "moved"))
            table.add_row(*cells, str(v["clauses"]), *counts,
                          Text("technical" if v["technical"] else "", style="dim"))
        console.print(table)
