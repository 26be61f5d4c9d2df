"""A fast reader for the annotation files this tool writes, falling back to tomli for anything else.

tomli spends ~2 s on the 100,000 annotations of a large set's first open. The files reviewer writes
have one fixed layout (``dump_annotation_file``: the head keys, then one ``[[annotation]]`` block
per annotation, keys in a fixed order, basic strings, decimal integers, UTC date-times, arrays of
strings one item a line). ``loads`` reads exactly that layout with one regular expression per
block and returns what ``tomli.loads`` would; on anything else (a comment, another key, another
spacing, an escape or a value it does not know, an impossible date) it returns None, and the caller
parses with tomli, which then also gives its own error for a malformed file.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any

# A basic string's body: no raw control character but tab, no quote or backslash except in the
# escapes JSON decodes the same way (a \u escape of a surrogate is left to tomli, which refuses it);
# written unrolled (runs of plain characters between escapes), which keeps the match linear and fast.
_PLAIN = r'[^"\\\x00-\x08\x0a-\x1f\x7f]*'
_STR = rf'{_PLAIN}(?:\\(?:[btnfr"\\]|u(?![dD][89a-fA-F])[0-9A-Fa-f]{{4}}){_PLAIN})*'
_INT = r"0|[1-9][0-9]*"
_UTC = (r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
        r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?Z")

_HEAD = re.compile(
    rf'schema = ({_INT})\ndocument = "({_STR})"\nsource = "({_STR})"\nsha256 = "({_STR})"\n'
    rf'(?:version = "({_STR})"\n)?')
_BLOCK = re.compile(
    rf'\n\[\[annotation\]\]\nid = "({_STR})"\nstart = ({_INT})\nend = ({_INT})\nquote = "({_STR})"\n'
    rf'prefix = "({_STR})"\nsuffix = "({_STR})"\ncategories = (\[\]|\[\n(?:    "{_STR}",\n)*\])\n'
    rf'note = "({_STR})"\n(?:provenance = "({_STR})"\n)?(?:created = ({_UTC})\n)?(?:updated = ({_UTC})\n)?')
_ITEM = re.compile(rf'    "({_STR})",\n')
_STRING_KEYS = ("quote", "prefix", "suffix")


# JSON's own string decoder (in C; not in the type stubs): the escapes _STR admits mean the same there
_scan = json.decoder.scanstring  # type: ignore[attr-defined]  # scanstring is public in json.decoder but missing from typeshed


def _text(body: str) -> str:
    return _scan(f'"{body}"', 1, False)[0] if "\\" in body else body


def _utc(value: str, seen: dict[str, datetime]) -> datetime:
    """As tomli reads ``value`` (fractions of a second padded to microseconds, ``Z`` as
    ``timezone.utc``); raises ValueError for a date that does not exist (31 February), and tomli
    then says so. ``seen``: a created time is usually also the updated one, parsed once."""
    found = seen.get(value)
    if found is None:
        found = seen[value] = datetime.fromisoformat(value[:-1]).replace(tzinfo=timezone.utc)
    return found


def loads(text: str) -> dict[str, Any] | None:
    """What ``tomli.loads(text)`` returns, for a file in reviewer's own layout; None for any other text."""
    head = _HEAD.match(text)
    if head is None:
        return None
    schema, document, source, sha256, version = head.groups()
    annotations: list[dict[str, Any]] = []
    pos, end, match = head.end(), len(text), _BLOCK.match
    seen: dict[str, datetime] = {}
    try:   # a ValueError (an integer int() refuses, a date that does not exist): left to tomli, which says so
        data: dict[str, Any] = {"schema": int(schema), "document": _text(document), "source": _text(source),
                                "sha256": _text(sha256)}
        if version is not None:
            data["version"] = _text(version)
        while pos < end:
            block = match(text, pos)
            if block is None:
                return None
            ident, start, stop, quote, prefix, suffix, cats, note, provenance, created, updated = block.groups()
            table: dict[str, Any] = {"id": _text(ident), "start": int(start), "end": int(stop), "quote": _text(quote),
                                     "prefix": _text(prefix), "suffix": _text(suffix),
                                     "categories": [_text(c) for c in _ITEM.findall(cats)], "note": _text(note)}
            if provenance is not None:
                table["provenance"] = _text(provenance)
            if created is not None:
                table["created"] = _utc(created, seen)
            if updated is not None:
                table["updated"] = _utc(updated, seen)
            annotations.append(table)
            pos = block.end()
    except ValueError:
        return None
    if not annotations:
        return None   # a file without annotations is written as ``annotation = []``: tomli reads it
    data["annotation"] = annotations
    return data


__all__ = ["loads"]
