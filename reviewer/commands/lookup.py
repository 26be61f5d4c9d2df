"""``reviewer lookup QUERY PATHS... [--top N] [--json]`` and ``reviewer lookup --batch FILE PATHS...``:
find a half-remembered clause, and every clause like it, across all policies."""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys

from reviewer.commands.common import EXIT_BAD, EXIT_OK, EXIT_SOFT, error, load_inputs, warn
from reviewer.documents import Document
from reviewer.fuzzy import FuzzyIndex, Match, match_spans, tokenize
from reviewer.safetext import one_line

DEFAULT_TOP = 5


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.usage = ("reviewer lookup QUERY PATHS... [--top N] [--json]\n"
                    "       reviewer lookup --batch FILE PATHS... [--top N]")
    parser.add_argument("words", nargs="+", metavar="QUERY PATHS",
                        help="the text to look for (quote it), then policy files or folders; with --batch only PATHS")
    parser.add_argument("--top", type=int, default=DEFAULT_TOP, metavar="N",
                        help=f"hits per query (default {DEFAULT_TOP}); near-identical clauses count once")
    parser.add_argument("--json", action="store_true",
                        help="one line per query: a JSON array of hits, best first")
    parser.add_argument("--batch", metavar="FILE",
                        help="read one query per line from FILE ('-' for stdin); print one JSON line per query")
    parser.add_argument("--no-cache", action="store_true", help="build the index without reading or writing the cache")


def run(args: argparse.Namespace) -> int:
    if args.top < 1:
        error(f"--top must be at least 1 (got {args.top})")
        return EXIT_BAD
    if args.batch is not None:
        queries = _read_batch(args.batch)
        if queries is None:
            return EXIT_BAD
        paths = args.words
    else:
        if len(args.words) < 2:
            error("give a QUERY and at least one policy file or folder (see reviewer lookup --help)")
            return EXIT_BAD
        queries = [args.words[0]]
        paths = args.words[1:]
        if not tokenize(queries[0]):
            error("the query has no words to look for")
            return EXIT_BAD
    documents, status = load_inputs(paths)
    if not documents:
        return EXIT_BAD
    index = _index(documents, use_cache=not args.no_cache)
    found = False
    if args.batch is not None or args.json:
        out = sys.stdout
        for query in queries:
            matches = index.lookup(query, args.top) if query.strip() else []
            found = found or bool(matches)
            out.write(json.dumps([_as_json(m, index) for m in matches]) + "\n")
        out.flush()
    else:
        matches = index.lookup(queries[0], args.top)
        found = bool(matches)
        _print_table(queries[0], matches, index)
    if status == EXIT_BAD:
        return EXIT_BAD
    return EXIT_OK if found else EXIT_SOFT


#: Far above any real batch (10,000 queries of a sentence each: ~2 MB); a device is refused anyway.
MAX_BATCH = 64 * 1024 * 1024


def _read_batch(name: str) -> list[str] | None:
    """One query per line, from a file, ``-`` (stdin) or a pipe (``<(...)``), never a device."""
    try:
        if name == "-":
            data = sys.stdin.buffer.read(MAX_BATCH + 1)
        else:
            mode = os.stat(name).st_mode
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
                error(f"{name}: is a device, not a batch file")
                return None
            with open(name, "rb") as handle:
                data = handle.read(MAX_BATCH + 1)
    except FileNotFoundError:
        error(f"{name}: no such batch file")
        return None
    except IsADirectoryError:
        error(f"{name}: is a folder, not a batch file")
        return None
    except OSError as exc:
        error(f"{name}: cannot read the batch file ({exc.strerror or exc})")
        return None
    if len(data) > MAX_BATCH:
        error(f"{name}: batch file too large (more than {MAX_BATCH} bytes); not read")
        return None
    if b"\x00" in data:
        error(f"{name}: binary file, not a batch of queries (one per line)")
        return None
    text = data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _index(documents: list[Document], use_cache: bool) -> FuzzyIndex:
    if not use_cache:
        return FuzzyIndex.build(documents)
    from reviewer import index_cache

    loaded = index_cache.load(documents)
    if loaded.problem and loaded.status != "rebuilt":
        warn(loaded.problem)
    return loaded.index


def _as_json(m: Match, index: FuzzyIndex) -> dict:
    return {
        "document": m.document,
        "path": str(index.documents[m.document].path),
        "start": m.start,
        "end": m.end,
        "score": m.score,
        "text": m.text,
        "also": [{"document": h.document, "start": h.start, "end": h.end} for h in m.also],
    }


def _print_table(query: str, matches: list[Match], index: FuzzyIndex) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    if not matches:
        console.print(Text("no clause like that", style="dim"))
        return
    table = Table(box=None, pad_edge=False, expand=True, show_header=True)
    table.add_column("score", justify="right", no_wrap=True, width=5)
    widest = max(len(m.document) for m in matches)
    table.add_column("document", overflow="fold", min_width=8, max_width=max(8, min(widest, 28)))
    table.add_column("clause", overflow="fold", ratio=1)
    for m in matches:
        clause = Text(one_line(m.text))  # same length as m.text: spans line up
        for start, end in match_spans(query, m.text):
            clause.stylize("bold underline", start, end)
        where = Text(one_line(m.document))
        where.append(f"\n@{m.start}", style="dim")
        others = len({h.document for h in m.also} - {m.document})
        if m.also:
            where.append(f"\nalso in {others} more" if others else f"\n{len(m.also)} more here", style="dim")
        table.add_row(f"{m.score:.0f}", where, clause)
    console.print(table)
