"""Rejected suggestions, remembered in the set so they are not suggested again.

They live in ``suggestions.toml`` in the set folder, next to the annotation files, in a form a
person can read and edit (see docs/file-format.md)::

    schema = 1

    [[rejected]]
    document = "amazon.com"
    start = 1204
    end = 1322
    category = "data-retention"
    quote = "We keep your information for as long as your account is active."
    created = 2026-11-21T12:00:00Z

A rejection matches a clause of the same document and category whose text equals the quote
(whitespace runs compared as one space), wherever the clause has moved to; offsets are kept to show
where it was and to match a rejection written without a quote. Undo is removing the rejection.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterator

from reviewer.errors import StoreError
from reviewer.setwrite import read_merge_write
from reviewer.store import SCHEMA, _datetime, _read_text, _toml, dumps_toml, utcnow

FILE = "suggestions.toml"


def _norm(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class Rejection:
    document: str
    start: int
    end: int
    category: str
    quote: str = ""
    created: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)  # unknown keys, kept

    def table(self) -> dict[str, Any]:
        out: dict[str, Any] = {"document": self.document, "start": self.start, "end": self.end,
                               "category": self.category, "quote": self.quote}
        if self.created is not None:
            out["created"] = self.created
        for key, value in self.extra.items():
            out.setdefault(key, value)
        return out


class Rejections:
    """The set's rejected suggestions. Safe to share between the UI thread and a worker."""

    def __init__(self, path: Path, items: list[Rejection] | None = None, extra: dict[str, Any] | None = None) -> None:
        self.path = Path(path)
        self._items: list[Rejection] = list(items or [])
        self._extra = dict(extra or {})
        self._lock = threading.Lock()
        self._index()

    def _index(self) -> None:
        by_quote: dict[tuple[str, str], set[str]] = {}
        by_span: dict[tuple[str, int, int], set[str]] = {}
        for r in self._items:
            if r.quote.strip():
                by_quote.setdefault((r.document, _norm(r.quote)), set()).add(r.category)
            else:
                by_span.setdefault((r.document, r.start, r.end), set()).add(r.category)
        self._by_quote, self._by_span = by_quote, by_span

    # -- reading and writing ----------------------------------------------------------------
    @classmethod
    def load(cls, set_root: Path | str) -> "Rejections":
        """The rejections of the set at ``set_root`` (none when it has no suggestions.toml).
        Raises StoreError naming the file when it is malformed."""
        path = Path(set_root) / FILE
        if not path.exists():
            return cls(path)
        data = _toml(_read_text(path), path)
        schema = data.get("schema", SCHEMA)
        if not isinstance(schema, int) or isinstance(schema, bool) or schema > SCHEMA:
            raise StoreError(path, f"unsupported schema {schema!r}")
        raw = data.get("rejected", [])
        if not isinstance(raw, list):
            raise StoreError(path, "rejected must be an array of tables ([[rejected]])")
        items = [_parse(item, path, n) for n, item in enumerate(raw, 1)]
        extra = {k: v for k, v in data.items() if k not in ("schema", "rejected")}
        return cls(path, items, extra)

    def items(self) -> list[Rejection]:
        """The rejections, as a new list."""
        with self._lock:
            return list(self._items)

    def extra_keys(self) -> dict[str, Any]:
        """Top-level keys of the file this tool does not know, kept as they were."""
        with self._lock:
            return dict(self._extra)

    def _dump(self, items: list[Rejection], extra: dict[str, Any]) -> str:
        ordered = sorted(items, key=lambda r: (r.document, r.start, r.end, r.category, r.quote))
        data: dict[str, Any] = {"schema": SCHEMA, **{k: v for k, v in extra.items() if k != "schema"}}
        data["rejected"] = [r.table() for r in ordered]
        return dumps_toml(data)

    def _commit(self, change: Callable[[list[Rejection]], list[Rejection] | None]) -> None:
        """Apply ``change`` to the file as it is now (another program's rejections kept), write it,
        and hold the result. Raises StoreError when the file cannot be read (it is then not
        overwritten) or written."""
        root = self.path.parent

        def merge(now: "Rejections") -> tuple["Rejections", str | None]:
            items = change(now.items())
            if items is None:
                return now, None
            extra = now.extra_keys()
            return Rejections(self.path, items, extra), self._dump(items, extra)

        fresh = read_merge_write(root, self.path, lambda: Rejections.load(root), merge)
        with self._lock:
            self._items, self._extra = fresh.items(), fresh.extra_keys()
            self._index()

    # -- the API the app and the command use -------------------------------------------------
    def reject(self, document: str, start: int, end: int, category: str, quote: str = "", *,
               save: bool = True) -> Rejection:
        """Remember that ``category`` is not to be suggested for this clause; returns the rejection
        (pass it to ``unreject`` to undo). Rejecting twice keeps one entry. With ``save``, the
        rejection is added to the file as it is on disk now (nothing else in it is lost)."""
        rejection = Rejection(document, start, end, category, quote, utcnow())
        with self._lock:
            for r in self._items:
                if _same(r, rejection):
                    rejection = r
                    break
            else:
                self._items.append(rejection)
                self._index()
        if save:
            self._commit(lambda items: None if any(_same(r, rejection) for r in items) else [*items, rejection])
        return rejection

    def unreject(self, rejection: Rejection, *, save: bool = True) -> bool:
        """Forget a rejection (undo). Returns False when it was not there."""
        with self._lock:
            kept = [r for r in self._items if not _same(r, rejection)]
            removed = len(kept) != len(self._items)
            self._items = kept
            self._index()
        if save:
            def drop(items: list[Rejection]) -> list[Rejection] | None:
                left = [r for r in items if not _same(r, rejection)]
                return None if len(left) == len(items) else left
            self._commit(drop)
        return removed

    def is_rejected(self, document: str, start: int, end: int, category: str, quote: str = "") -> bool:
        """Has ``category`` been rejected for this clause (by its quote, or its offsets)?"""
        return category in self.rejected_categories(document, start, end, quote)

    def rejected_categories(self, document: str, start: int, end: int, quote: str = "") -> set[str]:
        """The categories rejected for this clause."""
        by_quote, by_span = self._by_quote, self._by_span
        found = by_quote.get((document, _norm(quote)), set()) if quote.strip() and by_quote else set()
        span = by_span.get((document, start, end)) if by_span else None
        return found | span if span else found

    def __iter__(self) -> Iterator[Rejection]:
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)


def _same(a: Rejection, b: Rejection) -> bool:
    if a.document != b.document or a.category != b.category:
        return False
    if a.quote.strip() or b.quote.strip():
        return _norm(a.quote) == _norm(b.quote)
    return (a.start, a.end) == (b.start, b.end)


def _parse(raw: Any, path: Path, n: int) -> Rejection:
    where = f"rejected #{n}"
    if not isinstance(raw, dict):
        raise StoreError(path, f"{where} is not a table")
    document, category, quote = raw.get("document"), raw.get("category"), raw.get("quote", "")
    if not isinstance(document, str) or not document:
        raise StoreError(path, f"{where}: document must be a non-empty string")
    if not isinstance(category, str) or not category:
        raise StoreError(path, f"{where}: category must be a non-empty string")
    if not isinstance(quote, str):
        raise StoreError(path, f"{where}: quote must be a string")
    start, end = raw.get("start", 0), raw.get("end", 0)
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise StoreError(path, f"{where}: {name} must be a non-negative integer")
    if end < start:
        raise StoreError(path, f"{where}: end ({end}) is before start ({start})")
    created = _datetime(raw.get("created"), path, where, "created")
    extra = {k: v for k, v in raw.items() if k not in ("document", "start", "end", "category", "quote", "created")}
    return Rejection(document, start, end, category, quote, created, extra)
