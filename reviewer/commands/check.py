"""``reviewer check PATHS... [--annotations SET] [--json]``: is everything loadable and anchored?"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any
from collections import Counter

from reviewer.annotated import load_annotated
from reviewer.commands.common import EXIT_BAD, EXIT_OK, EXIT_SOFT, error, load_inputs, open_set
from reviewer.safetext import one_line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATHS", help="policy files or folders")
    parser.add_argument("--annotations", metavar="SET", help="annotation set folder to check against the documents")
    parser.add_argument("--json", action="store_true", help="print a JSON report")


def run(args: argparse.Namespace) -> int:
    documents, status = load_inputs(args.paths)
    store = None
    if args.annotations:
        store = open_set(args.annotations)
        if store is None:
            return EXIT_BAD
        if store.meta_error is not None:
            status = EXIT_BAD   # named on stderr by open_set; the annotations are still checked
    reports = []
    errors: set[str] = set()   # already on stderr as errors
    orphans = False
    for doc in documents:
        entry: dict[str, Any] = {
            "document": doc.id, "path": str(doc.path), "clauses": len(doc.clauses), "annotations": 0,
            "exact": 0, "moved": 0, "fuzzy": 0, "orphaned": 0, "unknown_categories": 0,
            "warnings": list(doc.warnings), "resolved": []}
        if store is not None:
            ad = load_annotated(store, doc)
            if ad.error is not None:
                error(ad.error)
                errors.add(str(ad.error))
                status = EXIT_BAD
            counts: Counter[str] = ad.counts()
            entry["annotations"] = len(ad.resolutions)
            for key in ("exact", "moved", "fuzzy", "orphaned"):
                entry[key] = counts.get(key, 0)
            unknown = store.taxonomy.unknown
            entry["unknown_categories"] = sum(1 for r in ad.resolutions if unknown(r.annotation.categories))
            entry["warnings"] = ad.warnings + ([str(ad.error)] if ad.error is not None else [])
            entry["resolved"] = [{"id": r.annotation.id, "status": r.status, "start": r.start, "end": r.end,
                                  "score": r.score} for r in ad.resolutions]
            orphans = orphans or entry["orphaned"] > 0
        reports.append(entry)
    if args.json:
        print(json.dumps({"documents": reports}, ensure_ascii=False))
    else:
        shown = {str(doc.path): set(doc.warnings) | errors for doc in documents}  # already on stderr
        _print_table([{**r, "_shown": shown.get(r["path"], errors)} for r in reports], store is not None)
    if status == EXIT_BAD:
        return EXIT_BAD
    return EXIT_SOFT if orphans else EXIT_OK


def _print_table(reports: list[dict], with_set: bool) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # Piped, nothing is cut to fit 80 columns: a script greps whole document names.
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 10_000)
    table = Table(box=None, pad_edge=False)
    counted = ["annotations", "exact", "moved", "fuzzy", "orphaned", "unknown"]
    cols = ["document", "clauses"] + (counted if with_set else [])
    for c in cols:
        table.add_column(c, justify="left" if c == "document" else "right")
    for r in reports:
        row: list[str | Text] = [Text(one_line(r["document"])), str(r["clauses"])]
        if with_set:
            row += [str(r["annotations"]), str(r["exact"]), str(r["moved"]), str(r["fuzzy"]),
                    Text(str(r["orphaned"]), style="bold red" if r["orphaned"] else ""),
                    str(r["unknown_categories"])]
        table.add_row(*row)
    console.print(table)
    for r in reports:
        for w in r["warnings"]:
            if w not in r["_shown"]:   # one line each, never wrapped: grep finds a whole warning
                console.print(Text(one_line(w), style="yellow"), soft_wrap=True)
