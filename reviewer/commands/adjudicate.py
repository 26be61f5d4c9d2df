"""``reviewer adjudicate SET_A SET_B PATHS... --into GOLD [--json]``: agreements to gold, disagreements listed.

What A and B agree on (``reviewer.adjudication``) is written to GOLD with ``provenance = "agreed"``
and both analysts' notes (labelled by annotator or set when they differ),
all or nothing, except where GOLD already decided (a re-run changes nothing it holds). The
disagreements still open are printed worst first. Exit 0; 2 for bad input (nothing written).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from reviewer import gold
from reviewer.adjudication import (Comparison, Disagreement, agreed_to_add, compare, covered, is_decided,
                                   side_labels)
from reviewer.commands.agree import load_two_sets
from reviewer.commands.common import EXIT_BAD, EXIT_OK, error, load_inputs, warn
from reviewer.errors import ReviewerError
from reviewer.safetext import one_line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("set_a", metavar="SET_A", help="the first analyst's annotation set")
    parser.add_argument("set_b", metavar="SET_B", help="the second analyst's annotation set")
    parser.add_argument("paths", nargs="+", metavar="PATHS", help="policy files or folders both sets annotate")
    parser.add_argument("--into", metavar="GOLD", required=True,
                        help="the gold set the agreements go to (created when missing)")
    parser.add_argument("--json", action="store_true", help="print a JSON report")


def open_disagreements(result: Comparison, state: gold.GoldState) -> list[Disagreement]:
    return [d for d in result.disagreements
            if not is_decided(d, state.annotations.get(d.document, ()), state.neither)]


def run(args: argparse.Namespace) -> int:
    documents, status = load_inputs(args.paths)
    if status == EXIT_BAD:
        return EXIT_BAD
    gold_root = Path(args.into)
    for other in (args.set_a, args.set_b):
        if Path(other).exists() and gold_root.exists() and gold_root.resolve() == Path(other).resolve():
            error(f"{args.into}: the gold set must be a set of its own, not {other}")
            return EXIT_BAD
    loaded = load_two_sets(args, documents)
    if loaded is None:
        return EXIT_BAD
    store_a, a, store_b, b = loaded
    ids = [d.id for d in documents]
    result = compare(a, b, ids)
    try:
        state = gold.read(gold_root, ids)
        labels = side_labels((store_a.meta.annotator, args.set_a), (store_b.meta.annotator, args.set_b))
        to_add = agreed_to_add(result.agreed, state.annotations, labels)
        sources = {d.id: (d.path.name, d.sha256) for d in documents}
        gold.update(gold_root, gold.Change(add=to_add), sources, template=store_a.root,
                    versions={d.id: d.version for d in documents if d.version})
    except ReviewerError as exc:
        error(exc)
        return EXIT_BAD
    except OSError as exc:
        error(f"{args.into}: cannot write ({exc.strerror or exc}); nothing was written")
        return EXIT_BAD
    for w in state.warnings:
        warn(w)
    already = sum(1 for pair in result.agreed if covered(pair.a, state.annotations.get(pair.document, ())))
    for doc, anns in to_add.items():
        state.annotations.setdefault(doc, []).extend(anns)
    left = open_disagreements(result, state)
    written = sum(len(v) for v in to_add.values())
    if args.json:
        print(json.dumps({"agreed": len(result.agreed), "written": written,
                          "already_in_gold": already,
                          "disagreements": [d.as_dict() for d in left]}, ensure_ascii=False))
    else:
        _print(result, left, written, args)
    return EXIT_OK


def _print(result: Comparison, left: list[Disagreement], written: int, args: argparse.Namespace) -> None:
    kinds = {k: sum(1 for d in left if d.kind == k) for k in ("only_a", "only_b", "category", "span")}
    print(one_line(f"{len(result.agreed)} agreed ({written} new in {args.into}), {len(left)} disagreements: "
                   f"{kinds['only_a']} only in A, {kinds['only_b']} only in B, {kinds['category']} category, "
                   f"{kinds['span']} boundary"))
    for d in left:
        a = d.a or d.b
        assert a is not None
        print(one_line(f"  {d.kind:<8} {d.document} {d.start}-{d.end}  "
                       f"A: {_cats(d.a)}  B: {_cats(d.b)}  \u201c{_short(a.quote)}\u201d"))


def _cats(ann) -> str:
    return "—" if ann is None else (",".join(ann.categories) or "(none)")


def _short(text: str, n: int = 50) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[: n - 1] + "\u2026"
