"""``reviewer query PATHS... --annotations SET [--category SLUG]... [--text QUERY] [--json]``: the concordance.

Every annotation of the set on those documents that carries one of the categories (any, without
``--category``) and holds the text (case and spacing aside, in its quote or note), re-anchored
against the documents' current text. ``--json``: one JSON object per line, ``{"document", "id",
"start", "end", "quote", "categories", "note"}``. Exit 0 when something matched, 1 when nothing
did, 2 for bad input.
"""

from __future__ import annotations

import argparse
import json
import sys

from reviewer.annotated import load_annotated
from reviewer.commands.common import EXIT_BAD, EXIT_OK, EXIT_SOFT, error, inputs_and_set, warn
from reviewer.concordance import Entry, entries
from reviewer.safetext import one_line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATHS", help="policy files or folders")
    parser.add_argument("--annotations", metavar="SET", required=True, help="the annotation set")
    parser.add_argument("--category", action="append", default=[], metavar="SLUG",
                        help="only annotations carrying this category (repeat for any of several)")
    parser.add_argument("--text", default="", metavar="QUERY",
                        help="only annotations whose quote or note holds this text (case and spacing aside)")
    parser.add_argument("--json", action="store_true", help="one JSON object per annotation, one per line")


def run(args: argparse.Namespace) -> int:
    opened = inputs_and_set(args.paths, args.annotations)
    if opened is None:
        return EXIT_BAD
    documents, store = opened
    loaded = []
    used: set[str] = set()
    for doc in documents:
        ad = load_annotated(store, doc)
        if ad.error is not None:
            error(ad.error)
            return EXIT_BAD
        placed = ad.annotations
        for ann in placed:
            used.update(ann.categories)
        if ad.orphans:
            warn(f"{store.path_for(doc.id)}: {len(ad.orphans)} orphaned annotation(s) left out (see reviewer check)")
        status_by_id = {r.annotation.id: (r.status, r.score) for r in ad.resolutions}
        loaded.append((doc.id, doc.text, placed, status_by_id))
    unknown = [c for c in args.category if c not in store.taxonomy and c not in used]
    if unknown:
        error(f"--category {unknown[0]!r} is no category of {args.annotations} "
              f"(one of {', '.join(store.taxonomy.slugs)})")
        return EXIT_BAD
    found = entries(loaded, args.category, args.text)
    if args.json:
        out = sys.stdout
        for entry in found:
            out.write(json.dumps(entry.as_dict(), ensure_ascii=False) + "\n")
    else:
        _print(found)
    return EXIT_OK if found else EXIT_SOFT


def _print(found: list[Entry]) -> None:
    """Two lines per annotation: where and what it is, then the quote in its context."""
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False)
    for e in found:
        a = e.annotation
        head = Text(one_line(f"{e.document}  {a.start}-{a.end}  "), style="bold")
        head.append(one_line(", ".join(a.categories) or "(no category)"))
        if a.note:
            head.append(one_line(f"  note: {a.note}", 80), style="italic")
        console.print(head, no_wrap=True, overflow="ellipsis")
        kwic = Text("  …" + one_line(e.left[-30:]), style="dim")
        kwic.append(one_line(a.quote, 200), style="reverse")
        kwic.append(one_line(e.right[:30]) + "…", style="dim")
        console.print(kwic)
    console.print(Text(f"{len(found)} annotation{'s' if len(found) != 1 else ''}"))
