"""``reviewer coverage PATHS... --annotations SET [--format table|csv|json]``: the policy x category matrix."""

from __future__ import annotations

import argparse
import json
import sys

from reviewer.annotated import load_annotated
from reviewer.commands.common import EXIT_BAD, EXIT_OK, error, inputs_and_set
from reviewer.coverage import CoverageMatrix, coverage
from reviewer.safetext import visible


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATHS", help="policy files or folders")
    parser.add_argument("--annotations", metavar="SET", required=True, help="annotation set folder")
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table",
                        help="a table for the terminal (default), CSV or JSON")


def run(args: argparse.Namespace) -> int:
    opened = inputs_and_set(args.paths, args.annotations)
    if opened is None:
        return EXIT_BAD
    documents, store = opened
    by_doc, orphans = {}, {}
    for doc in documents:
        ad = load_annotated(store, doc)
        if ad.error is not None:
            error(ad.error)
            return EXIT_BAD
        by_doc[doc.id] = ad.annotations
        orphans[doc.id] = ad.orphans
    matrix = coverage(documents, by_doc, store.taxonomy, orphans_by_doc=orphans)
    if args.format == "json":
        print(json.dumps(matrix.as_dict(), ensure_ascii=False))
    elif args.format == "csv":
        text = matrix.to_csv()
        if sys.stdout.isatty():  # a person reads it: escape sequences in names and slugs stay inert
            text = visible(text.replace("\r\n", "\n"))
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
    else:
        _table(matrix, {c.slug: c.key for c in store.taxonomy if c.key})
    return EXIT_OK


def _table(matrix: CoverageMatrix, keys: dict[str, str]) -> None:
    """Rows are documents; zero cells in bold red, so a silent policy stands out. When the slugs do
    not fit the terminal, columns are headed by the category keys and a legend follows."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from reviewer.safetext import one_line

    console = Console(highlight=False)
    doc_width = max([len("document")] + [len(d) for d in matrix.rows])
    wide = doc_width + sum(len(c) + 2 for c in matrix.columns) + 8 <= console.width
    heads = {c: c if wide else (keys.get(c) or str(n + 1)) for n, c in enumerate(matrix.columns)}
    table = Table(box=None, pad_edge=False, title="annotations per policy and category")
    table.add_column("document", no_wrap=True, overflow="ellipsis", max_width=max(12, console.width // 3))
    for c in matrix.columns:
        table.add_column(Text(one_line(heads[c])), justify="right", no_wrap=True)
    table.add_column("total", justify="right", style="bold")
    for d in matrix.rows:
        cells = [Text(str(n), style="bold red" if n == 0 else "") for n in matrix.row(d)]
        table.add_row(Text(one_line(d)), *cells, str(matrix.row_total(d)))
    table.add_row(Text("total", style="bold"), *(str(matrix.column_total(c)) for c in matrix.columns),
                  str(matrix.total), style="bold")
    console.print(table)
    if not wide:
        console.print(Text("  ".join(one_line(f"{heads[c]} {c}") for c in matrix.columns), style="dim"))
