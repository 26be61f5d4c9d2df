"""``reviewer import FILE --annotations SET [--format FMT] [--documents PATHS...] [--map FILE]``: bring a set back in.

Exit 0 when every annotation was placed and every label mapped to a category of the set; 1 when a
label is kept verbatim (each reported once, with its count) or an annotation could not be placed.
"""

from __future__ import annotations

import argparse
import json

from reviewer import formats
from reviewer.commands.common import EXIT_BAD, EXIT_OK, EXIT_SOFT, error, load_inputs, warn
from reviewer.errors import ReviewerError
from reviewer.importing import import_file
from reviewer.safetext import one_line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the file to import (a folder for brat)")
    parser.add_argument("--annotations", metavar="SET", required=True,
                        help="annotation set folder to merge into (created when missing)")
    parser.add_argument("--format", choices=formats.IMPORTS, metavar="FMT",
                        help="one of: " + ", ".join(formats.IMPORTS) + " (default: guessed from the content)")
    parser.add_argument("--documents", nargs="+", metavar="PATHS",
                        help="re-anchor every annotation against these documents by quote and context")
    parser.add_argument("--map", metavar="FILE", dest="label_map",
                        help="TOML table of label = category slug, for labels that are not a category's "
                             "slug or display name")
    parser.add_argument("--json", action="store_true", help="print a JSON report")


def run(args: argparse.Namespace) -> int:
    documents = None
    if args.documents:
        documents, status = load_inputs(args.documents)
        if status == EXIT_BAD:
            return EXIT_BAD
    try:
        plan, _ = import_file(args.annotations, args.file, args.format, documents, args.label_map)
        data = plan.data
    except ReviewerError as exc:
        error(exc)
        return EXIT_BAD
    for w in plan.warnings:
        warn(w)
    if plan.statuses.get("fuzzy"):
        n = plan.statuses["fuzzy"]
        warn(f"{args.file}: {n} annotation{'s' if n != 1 else ''} placed approximately (fuzzy): the quote in the "
             "file differs from the document's text, and the set now holds the document's wording there")
    for u in plan.unplaced:
        warn(f"{args.file}: annotation {u.annotation.id!r} of document {u.document!r} could not be placed "
             f"({u.reason}); kept as in the file, so the set lists it as orphaned")
    for label, count in sorted(plan.labels.unmapped.items(), key=lambda kv: (-kv[1], kv[0])):
        warn(f"{args.file}: label {label!r} ({count} annotation{'s' if count != 1 else ''}) is not a category "
             "of the set; kept verbatim (settle it with --map FILE: a TOML table of label = slug)")
    if args.json:
        print(json.dumps(plan.summary(), ensure_ascii=False))
    else:
        print(one_line(f"imported {args.file} ({data.format}): {data.count} annotations, {plan.added} added, "
                       f"{plan.updated} updated, {plan.unchanged} unchanged, {len(plan.files)} document file(s) "
                       f"written to {args.annotations}"
                       + (f", {len(plan.unplaced)} not placed" if plan.unplaced else "")
                       + (f", {len(plan.labels.unmapped)} label(s) not mapped" if plan.labels.unmapped else "")))
    return EXIT_SOFT if plan.unplaced or plan.labels.unmapped else EXIT_OK
