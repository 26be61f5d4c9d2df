"""``reviewer agree SET_A SET_B PATHS... [--json]``: how far two analysts' sets agree."""

from __future__ import annotations

import argparse
import json

from reviewer.agreement import Agreement, agreement
from reviewer.annotated import load_annotated
from reviewer.commands.common import EXIT_BAD, EXIT_OK, error, load_inputs, warn
from reviewer.errors import ReviewerError
from reviewer.store import AnnotationStore


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("set_a", metavar="SET_A", help="the reference annotation set")
    parser.add_argument("set_b", metavar="SET_B", help="the set compared with it")
    parser.add_argument("paths", nargs="+", metavar="PATHS", help="policy files or folders both sets annotate")
    parser.add_argument("--json", action="store_true", help="print a JSON report")


def load_set(root: str, documents) -> tuple[AnnotationStore, dict[str, list]]:
    store = AnnotationStore.open(root, create=False)
    by_doc = {}
    for doc in documents:
        ad = load_annotated(store, doc)
        if ad.error is not None:
            raise ad.error
        by_doc[doc.id] = ad.annotations
    return store, by_doc


def load_two_sets(args: argparse.Namespace, documents):
    """``args.set_a`` and ``args.set_b`` over ``documents``: (store_a, a, store_b, b), their
    warnings printed; None once the error is printed."""
    try:
        store_a, a = load_set(args.set_a, documents)
        store_b, b = load_set(args.set_b, documents)
    except ReviewerError as exc:
        error(exc)
        return None
    for w in store_a.warnings + store_b.warnings:
        warn(w)
    return store_a, a, store_b, b


def run(args: argparse.Namespace) -> int:
    documents, status = load_inputs(args.paths)
    if status == EXIT_BAD:
        return EXIT_BAD
    loaded = load_two_sets(args, documents)
    if loaded is None:
        return EXIT_BAD
    store_a, a, store_b, b = loaded
    result = agreement(documents, a, b, store_a.taxonomy, store_b.taxonomy)
    if args.json:
        report = {"set_a": args.set_a, "set_b": args.set_b, **result.as_dict()}
        print(json.dumps(report, ensure_ascii=False))
    else:
        _print(result, args.set_a, args.set_b)
    return EXIT_OK


def _fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def _print(result: Agreement, set_a: str, set_b: str) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from reviewer.safetext import one_line

    console = Console(highlight=False)
    console.print(Text(one_line(f"A = {set_a}   B = {set_b}   {result.documents} documents, {result.clauses} clauses")))
    console.print(Text(f"overall: kappa {_fmt(result.kappa)}  alpha {_fmt(result.alpha)}   "
                       "spans exact P/R/F1 "
                       f"{_fmt(result.exact.precision)}/{_fmt(result.exact.recall)}/{_fmt(result.exact.f1)}"
                       "   overlap P/R/F1 "
                       f"{_fmt(result.overlap.precision)}/{_fmt(result.overlap.recall)}/{_fmt(result.overlap.f1)}",
                       style="bold"))
    table = Table(box=None, pad_edge=False)
    for col in ("category", "kappa", "alpha", "both", "only A", "only B", "neither", "exact F1", "overlap F1"):
        table.add_column(col, justify="left" if col == "category" else "right")
    for slug, c in result.categories.items():
        table.add_row(Text(one_line(slug)), _fmt(c.kappa), _fmt(c.alpha), str(c.counts.both), str(c.counts.only_a),
                      str(c.counts.only_b), str(c.counts.neither), _fmt(c.exact.f1), _fmt(c.overlap.f1),
                      style="" if c.used else "dim")
    console.print(table)
