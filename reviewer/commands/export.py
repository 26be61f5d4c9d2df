"""``reviewer export PATHS... --annotations SET --format FMT [-o OUT]``: hand a set to another tool."""

from __future__ import annotations

import argparse
import sys

from reviewer import formats
from reviewer.commands.common import EXIT_BAD, EXIT_OK, EXIT_SOFT, error, inputs_and_set, warn
from reviewer.errors import ReviewerError
from reviewer.export import export_set
from reviewer.safetext import one_line, visible


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATHS", help="policy files or folders")
    parser.add_argument("--annotations", metavar="SET", required=True, help="annotation set folder")
    parser.add_argument("--format", required=True, choices=formats.EXPORTS, metavar="FMT",
                        help="one of: " + ", ".join(f"{n} ({m.DESCRIPTION})" for n, m in formats.FORMATS.items()))
    parser.add_argument("-o", "--output", metavar="OUT",
                        help="file to write (a folder for brat); default: standard output")


def run(args: argparse.Namespace) -> int:
    module = formats.get(args.format)
    if module.FOLDER and not args.output:
        error(f"the {args.format} format is a folder of files: give -o FOLDER")
        return EXIT_BAD
    opened = inputs_and_set(args.paths, args.annotations)
    if opened is None:
        return EXIT_BAD
    documents, store = opened
    result = export_set(documents, store, args.format)
    if result.errors:
        for exc in result.errors:
            error(exc)
        return EXIT_BAD
    for w in result.warnings:
        warn(w)
    if args.output:
        try:
            written = result.write(args.output)
        except ReviewerError as exc:
            error(exc)
            return EXIT_BAD
        print("reviewer: " + one_line(f"wrote {result.count} annotation{'s' if result.count != 1 else ''} from "
              f"{len(result.bundle.documents)} document{'s' if len(result.bundle.documents) != 1 else ''} "
              f"to {args.output} ({args.format})"), file=sys.stderr)
        for path in written[1:] if isinstance(result.output, str) else []:
            print("reviewer: " + one_line(f"wrote the labelling config the tasks need to {path} "
                                          "(import both into Label Studio: see docs/formats.md)"), file=sys.stderr)
    else:
        text = result.output
        assert isinstance(text, str)  # folder formats need -o (checked above)
        if sys.stdout.isatty():  # a person reads it: escape sequences in a document stay inert
            text = visible(text.replace("\r\n", "\n"))
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))  # bytes: no newline or encoding translation
        sys.stdout.buffer.flush()
    return EXIT_SOFT if result.left_out or result.not_written else EXIT_OK
