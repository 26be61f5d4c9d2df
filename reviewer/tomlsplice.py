"""Minimal-diff saves: rewrite only the blocks of a TOML file whose records changed.

A set's files are kept in git and edited by other tools. Reformatting a whole file at the first
save (another writer's date-time style, quoting, key order, comments) turns two analysts' unrelated
additions into a merge conflict. So a file is cut into pieces that keep their exact bytes:

- the *head*: top-level ``key = value`` statements before the first table header, each its own
  piece, with the blank and comment lines around them;
- one piece per ``[[<name>]]`` record (its sub-tables ``[<name>.x]`` included), carrying the
  blank and comment lines before its header;
- other tables (``[x]``), kept whole; and the blank/comment lines at the end.

A save compares each record and head value with what the file should hold, and rewrites only the
pieces that differ: a changed record's block keeps every line whose value is unchanged (and the
comments in and above it) and has the others replaced in place; a removed one is cut out with the
lines before it; a new one goes right after the record that precedes it in sort order, and one
whose sort order changed moves there with its comments. Every other byte stays. The cut is
checked when it is made (the pieces, parsed alone, must give what the whole file gives); a file
that cannot be cut safely (a record array written inline, a table header inside a multi-line
string) gets ``None``, and the caller writes it whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Iterable

from reviewer.values import same_value

try:
    import tomli as tomllib
except ImportError:  # pragma: no cover
    import tomllib  # type: ignore[no-redef]  # stdlib fallback, same API

_KEY = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')"""
_DOTTED = rf"{_KEY}(?:[ \t]*\.[ \t]*{_KEY})*"
_HEADER = re.compile(rf"[ \t]*\[\[?[ \t]*{_DOTTED}[ \t]*\]\]?[ \t]*(?:#[^\n]*)?\r?\n?\Z")
_STATEMENT = re.compile(rf"[ \t]*{_DOTTED}[ \t]*=")
_TRIVIA = re.compile(r"[ \t]*(?:#[^\n]*)?\r?\n?\Z")
_LINES = re.compile(r"[^\n]*\n|[^\n]+\Z")


def is_header(line: str) -> bool:
    """Is ``line`` a table header (``[x]``, ``[[x]]``, dotted or quoted keys)?"""
    return _HEADER.match(line) is not None


def lines_of(text: str) -> list[str]:
    """Lines with their endings, split on ``\\n`` only (TOML's line break, unlike ``splitlines``)."""
    return _LINES.findall(text)


@dataclass
class Piece:
    """Consecutive lines of the file: ``lead`` (blank/comment lines before) and ``body``."""

    kind: str                 # "statement" | "record" | "table" | "tail"
    lead: str
    body: str
    key: Hashable = None      # statement: its top-level key; record: the record's identity
    value: Any = None         # statement: its parsed value; record: the parsed record
    cut: bool = False         # record: found in the file (not written here): checked before it is changed

    @property
    def text(self) -> str:
        return self.lead + self.body


@dataclass
class Layout:
    """A file cut into pieces; ``render()`` is the file, byte for byte."""

    name: str
    pieces: list[Piece] = field(default_factory=list)
    bom: str = ""
    newline: str = "\n"

    def render(self) -> str:
        return self.bom + "".join(p.text for p in self.pieces)


def _is_record_header(line: str, name: str) -> bool:
    return re.match(rf"[ \t]*\[\[[ \t]*{re.escape(name)}[ \t]*\]\]", line) is not None


def _is_sub_header(line: str, name: str) -> bool:
    return re.match(rf"[ \t]*\[\[?[ \t]*{re.escape(name)}[ \t]*\.", line) is not None


def cut(text: str, name: str, parse_record: Callable[[dict[str, Any]], tuple[Hashable, Any]]) -> Layout | None:
    """Cut ``text`` into pieces, records being the ``[[name]]`` tables; None when it cannot be done
    safely. ``parse_record(table) -> (identity, record)`` may raise to refuse a record."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body_text = text[len(bom):]
    lines = lines_of(body_text)
    layout = Layout(name, bom=bom, newline="\r\n" if lines and lines[0].endswith("\r\n") else "\n")
    pending = ""            # trivia lines waiting for the next piece
    current: Piece | None = None
    for line in lines:
        if _HEADER.match(line):
            if current is not None and current.kind == "record" and _is_sub_header(line, name):
                current.body += pending + line
                pending = ""
                continue
            current = Piece("record" if _is_record_header(line, name) else "table", pending, line)
            layout.pieces.append(current)
            pending = ""
        elif _TRIVIA.match(line):
            pending += line
        elif current is None or current.kind == "statement" and _STATEMENT.match(line):
            if not _STATEMENT.match(line):
                return None
            current = Piece("statement", pending, line)
            layout.pieces.append(current)
            pending = ""
        else:   # a line of the current statement's value, or of the current table
            current.body += pending + line
            pending = ""
    layout.pieces.append(Piece("tail", pending, ""))
    try:
        whole = tomllib.loads(body_text)
        records = whole.get(name, [])
        pieces = [p for p in layout.pieces if p.kind == "record"]
        if not isinstance(records, list) or len(records) != len(pieces):
            return None   # a header inside a string, or records written inline: not cut here
        rest: dict[str, Any] = {}
        seen: set[Hashable] = set()
        for piece, raw in zip(pieces, records):
            # Each record piece is matched to the whole file's record at the same place; a piece is
            # parsed alone (and must give that record) only when a save replaces or removes it.
            piece.cut = True
            piece.key, piece.value = parse_record(raw)
            if piece.key in seen:
                return None
            seen.add(piece.key)
        for piece in layout.pieces:
            if piece.kind == "statement":
                parsed = tomllib.loads(piece.body)
                if len(parsed) != 1:
                    return None
                (piece.key, piece.value), = parsed.items()
                if piece.key in rest or piece.key == name and piece.value != []:
                    return None
                rest[piece.key] = piece.value
        tables = tomllib.loads("".join(p.body for p in layout.pieces if p.kind == "table"))
    except Exception:  # noqa: BLE001 - any doubt about the cut means: write the file whole
        return None
    if set(tables) & set(rest):
        return None
    rest.update(tables)
    if not same_value({k: v for k, v in whole.items() if k != name}, {k: v for k, v in rest.items() if k != name}):
        return None
    return layout


@dataclass(frozen=True)
class Spliced:
    text: str
    layout: Layout


def splice(layout: Layout, head: dict[str, Any], defaults: dict[str, Any], records: list[tuple[Hashable, Any]],
           order: Callable[[Any], Any], render_statement: Callable[[str, Any], str],
           render_record: Callable[[Any], str],
           parse_record: Callable[[dict[str, Any]], tuple[Hashable, Any]]) -> Spliced | None:
    """The file holding ``head`` (top-level values, in the order new ones are to be written) and
    ``records`` ((identity, record) pairs), changing only the pieces that differ. A key missing
    from the file counts as ``defaults[key]``. None when the change needs a whole rewrite (a table
    value changed, say)."""
    nl = layout.newline
    fix = (lambda s: s.replace("\n", nl)) if nl != "\n" else (lambda s: s)
    wanted = dict(records)
    moved: dict[Hashable, Piece] = {}
    out: list[Piece] = []
    present: set[Hashable] = set()
    name = layout.name
    for piece in layout.pieces:
        if piece.kind == "statement":
            present.add(piece.key)
            if piece.key == name:
                continue  # "name = []": dropped here, written again below when no record is left
            if piece.key not in head:
                continue
            if not same_value(head[piece.key], piece.value):
                piece = Piece("statement", piece.lead, fix(render_statement(piece.key, head[piece.key])),
                              piece.key, head[piece.key])
        elif piece.kind == "table":
            try:
                parsed = tomllib.loads(piece.body)
            except Exception:  # noqa: BLE001
                return None
            for key, value in parsed.items():
                present.add(key)
                if not same_value(head.get(key), value):
                    return None
        elif piece.kind == "record":
            new = wanted.get(piece.key, _MISSING)
            if same_value(new, piece.value):
                out.append(Piece("record", piece.lead, piece.body, piece.key, new, piece.cut))  # one copy kept
                continue
            if not _alone(piece, name, parse_record):
                return None
            if new is _MISSING:
                continue   # deleted: cut out with the lines before it
            rendered = fix(render_record(new))
            body = _respliced(piece.body, rendered, name, piece.key, new, parse_record) or rendered
            if order(new) != order(piece.value):   # moved: cut out here, inserted below with its comments
                moved[piece.key] = Piece("record", piece.lead, body, piece.key, new)
                continue
            piece = Piece("record", piece.lead, body, piece.key, new)
        out.append(piece)
    kept = {p.key for p in out if p.kind == "record"}
    for key, value in head.items():
        if key not in present and not same_value(value, defaults.get(key, _MISSING)):
            tables = isinstance(value, list) and value and all(isinstance(v, dict) for v in value)
            if isinstance(value, dict) or tables:
                return None
            at = max((i for i, p in enumerate(out) if p.kind == "statement"), default=-1) + 1
            out.insert(at, Piece("statement", "", fix(render_statement(key, value)), key, value))
    new_records = sorted(((k, v) for k, v in records if k not in kept), key=lambda kv: order(kv[1]))
    for ident, record in new_records:
        out = _insert(out, moved.get(ident) or Piece("record", nl, fix(render_record(record)), ident, record), order)
    had_records = any(p.kind == "record" for p in layout.pieces)
    if not any(p.kind == "record" for p in out) and (name in present or had_records):
        at = max((i for i, p in enumerate(out) if p.kind == "statement"), default=-1) + 1
        out.insert(at, Piece("statement", "", fix(render_statement(name, [])), name, []))
    _terminate(out, nl)
    result = Layout(name, out, layout.bom, nl)
    return Spliced(result.render(), result)


_MISSING = object()


def _alone(piece: Piece, name: str, parse_record: Callable[[dict[str, Any]], tuple[Hashable, Any]]) -> bool:
    """Is the piece exactly its record (parsed alone, it gives what the whole file gave)? Checked
    before a piece is replaced or removed, so only whole records are ever cut out."""
    if not piece.cut:
        return True   # written by this module
    try:
        parsed = tomllib.loads(piece.body)
        return list(parsed) == [name] and len(parsed[name]) == 1 and \
            same_value(parse_record(parsed[name][0]), (piece.key, piece.value))
    except Exception:  # noqa: BLE001
        return False


def _statements(body: str) -> tuple[str, list[tuple[str, str, Any]], str] | None:
    """A record's block cut into its header line, its statements ((key, lines with the comment
    lines above them, value)) and the blank/comment lines after the last one; None when it holds
    a sub-table or a statement that does not parse alone."""
    lines = lines_of(body)
    if not lines or not _HEADER.match(lines[0]):
        return None
    texts: list[str] = []
    parsed: list[dict[str, Any] | None] = []   # each statement parsed alone, once it is whole
    pending = ""
    for line in lines[1:]:
        if _HEADER.match(line):
            return None
        if _TRIVIA.match(line):
            pending += line
        elif _STATEMENT.match(line) and (not texts or _whole(texts, parsed)):
            texts.append(pending + line)
            parsed.append(None)
            pending = ""
        elif texts:
            texts[-1] += pending + line
            pending = ""
        else:
            return None
    if texts and not _whole(texts, parsed):
        return None
    out: list[tuple[str, str, Any]] = []
    for text, table in zip(texts, parsed):
        if table is None or len(table) != 1 or next(iter(table)) in {k for k, _, _ in out}:
            return None
        (key, value), = table.items()
        out.append((key, text, value))
    return lines[0], out, pending


def _whole(texts: list[str], parsed: list[dict[str, Any] | None]) -> bool:
    """Is the last statement whole (so a next line starting ``x =`` begins a new one)? Its parse
    is kept."""
    try:
        parsed[-1] = tomllib.loads(texts[-1])
    except Exception:  # noqa: BLE001 - a value still open over more lines
        return False
    return True


def _respliced(old: str, rendered: str, name: str, key: Hashable, record: Any,
               parse_record: Callable[[dict[str, Any]], tuple[Hashable, Any]]) -> str | None:
    """``rendered`` (the record's new block) written over its ``old`` block line by line: a
    statement whose value is unchanged keeps its exact lines and the comments around it (an inline
    table or a dotted key too); a changed one is replaced in place, keeping its trailing comment;
    new ones go where the renderer puts them. None when it cannot be done safely (a table value
    changed, say): the caller writes the block whole."""
    before = _statements(old)
    parts = lines_of(rendered)
    sub = next((i for i in range(1, len(parts)) if is_header(parts[i])), len(parts))
    after = _statements("".join(parts[:sub]))   # its statements; the tables after them have no line of their own
    if before is None or after is None:
        return None
    try:
        wanted = tomllib.loads(rendered)[name][0]
    except Exception:  # noqa: BLE001
        return None
    header, old_items, tail = before
    eol = "\r\n" if header.endswith("\r\n") else "\n"
    lines = {k: text for k, text, _ in after[1]}
    order = {k: i for i, k in enumerate(wanted)}   # the renderer's order of keys
    kept: list[tuple[str, str]] = []
    replaced: list[tuple[int, str]] = []
    for k, text, value in old_items:
        if k not in wanted:
            continue
        if not same_value(wanted[k], value):
            if k not in lines:
                return None   # a table's value changed: it has no line to put here
            replaced.append((len(kept), text if text.endswith("\n") else text + eol))
            text = _lead_of(text) + _with_comment(lines[k], text)
        kept.append((k, text if text.endswith("\n") else text + eol))
    had = {k for k, _, _ in old_items}
    added = {k: lines.get(k) for k in wanted if k not in had}

    def block(keys: Iterable[str]) -> str | None:
        items = list(kept)
        for k, text in added.items():
            if k in keys:   # before the first kept key the renderer writes after it
                if text is None:
                    return None   # a new table value: no line of its own
                at = next((i for i, (o, _) in enumerate(items) if order.get(o, 0) > order[k]), len(items))
                items.insert(at, (k, text))
        text = header + "".join(t for _, t in items) + tail
        try:
            parsed = tomllib.loads(text)
            same = list(parsed) == [name] and len(parsed[name]) == 1 and \
                same_value(parse_record(parsed[name][0]), (key, record))
        except Exception:  # noqa: BLE001
            return None
        return text if same else None

    needed = set(added)
    if block(needed) is None:
        return None
    for at, old_text in replaced:   # the old line reads the same (the renderer wrote its date-time in UTC)
        new = kept[at]
        kept[at] = (new[0], old_text)
        if block(needed) is None:
            kept[at] = new
    for k in list(added):   # a key the old block lacked and the record reads the same without
        if block(needed - {k}) is not None:
            needed.discard(k)
    return block(needed)


def _with_comment(new: str, old: str) -> str:
    """``new`` (one statement line) with the comment that ended ``old``'s last line, if any."""
    last = lines_of(old)[-1] if old else ""
    if "#" not in last or new.count("\n") > 1:
        return new
    body = last.rstrip("\r\n")
    for at in [i for i, c in enumerate(body) if c == "#"]:
        try:
            if tomllib.loads(body[:at]) == tomllib.loads(body):
                gap = body[:at][len(body[:at].rstrip()):] or "  "
                return new.rstrip("\r\n") + gap + body[at:] + new[len(new.rstrip("\r\n")):]
        except Exception:  # noqa: BLE001 - that # is inside a value: try the next
            continue
    return new


def _lead_of(text: str) -> str:
    """The blank and comment lines before a statement's first line."""
    lead = ""
    for line in lines_of(text):
        if not _TRIVIA.match(line):
            break
        lead += line
    return lead


def _insert(pieces: list[Piece], new: Piece, order: Callable[[Any], Any]) -> list[Piece]:
    """Put ``new`` right after the record that precedes it in sort order, else before the first
    record, else after the last statement or table (before the closing blank lines)."""
    key = order(new.value)
    best, best_key, first = -1, None, -1
    for i, p in enumerate(pieces):
        if p.kind != "record":
            continue
        if first < 0:
            first = i
        k = order(p.value)
        if k < key and (best_key is None or k >= best_key):
            best, best_key = i, k
    if best >= 0:
        at = best + 1
    elif first >= 0:
        at = first
    else:
        at = len(pieces) - 1 if pieces and pieces[-1].kind == "tail" else len(pieces)
        if not any(p.kind in ("statement", "table") for p in pieces[:at]) and "#" not in new.lead:
            new = Piece(new.kind, "", new.body, new.key, new.value)
    before = "".join(p.text for p in pieces[:at])
    if before and not before.endswith("\n"):
        new = Piece(new.kind, "\n" + new.lead, new.body, new.key, new.value)
    return pieces[:at] + [new] + pieces[at:]


def _terminate(pieces: list[Piece], nl: str) -> None:
    """A piece that no longer ends the file but lacks a line break (the old last line) gets one."""
    for i, p in enumerate(pieces[:-1]):
        if p.body and not p.body.endswith("\n") and any(q.text for q in pieces[i + 1:]):
            pieces[i] = Piece(p.kind, p.lead, p.body + nl, p.key, p.value)


__all__ = ["Layout", "Piece", "Spliced", "cut", "splice", "lines_of", "is_header"]
