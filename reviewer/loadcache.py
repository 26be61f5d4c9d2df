"""A cache of parsed annotation files, so reopening a big set does not parse all its TOML again.

Parsing TOML dominates loading a large set (100,000 annotations: seconds). A parsed file is kept
in the user's cache folder, keyed by the sha256 of the file's exact bytes and by the store code
that parsed it, so a cached entry is only ever used for a byte-identical file read by the same
parser: a file changed by anyone, or a new reviewer version, simply misses and is parsed again.
The cache is an accelerator only: any problem with it (unwritable folder, damaged entry) falls
back to the store's own ``load``.

An entry is a pickle of plain data: one tuple of fields per annotation, taken straight off the
dataclass. That is what the first open of a set pays for writing 1,000 entries (~0.2 s, against
~0.6 s to build and dump JSON with every time formatted), and it carries every TOML value exactly
(dates, times, non-finite floats). It is read back with an unpickler that builds nothing but
plain values and the ``datetime`` types, so a tampered entry cannot run code: it is only a miss.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import os
import pickle
from contextlib import contextmanager
from dataclasses import fields
from operator import attrgetter
from pathlib import Path
from typing import Any, Iterator

import platformdirs

import reviewer.store as store_module
from reviewer import fasttoml
from reviewer.store import Annotation, AnnotationFile, AnnotationStore, FileStamp

VERSION = 2
SUFFIX = ".pickle"
OLD_SUFFIXES = (".json",)   # entries of earlier versions, removed as their documents are cached again
ENV_DISABLE = "REVIEWER_NO_CACHE"

_code: str | None = None


def _code_key() -> str:
    """Changes whenever the parsing code changes, so old entries are never reused by new code."""
    global _code
    if _code is None:
        source = b""
        for module in (store_module, fasttoml):   # the code that parses a file
            try:
                source += Path(module.__file__ or "").read_bytes()
            except OSError:
                pass
        _code = hashlib.sha256(source + str(VERSION).encode()).hexdigest()[:16]
    return _code


_ROW = attrgetter(*(f.name for f in fields(Annotation)))
_TIME_TYPES = frozenset({"datetime", "date", "time", "timedelta", "timezone"})


class _PlainUnpickler(pickle.Unpickler):
    """Builds plain values and datetime types only: anything else in an entry makes it a miss."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "datetime" and name in _TIME_TYPES:
            return getattr(datetime, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cache entry")


def pack(af: AnnotationFile) -> tuple:
    """The file as plain data (tuples, lists, dicts, strings, numbers, datetime values)."""
    return (af.document, af.source, af.sha256, af.extra, list(af.warnings), af.version,
            list(map(_ROW, af.annotations)))


def unpack(data: tuple) -> AnnotationFile:
    document, source, sha256, extra, warnings, version, rows = data
    return AnnotationFile(document, source, sha256, [Annotation(*row) for row in rows], extra, list(warnings), version)


def dumps(doc_id: str, digest: str, af: AnnotationFile) -> bytes:
    return pickle.dumps((doc_id, digest, _code_key(), pack(af)), protocol=pickle.HIGHEST_PROTOCOL)


def loads(data: bytes) -> tuple[str, str, str, AnnotationFile]:
    """(document id, digest, code key, file) of an entry; raises for anything damaged or foreign."""
    doc_id, digest, code, packed = _PlainUnpickler(io.BytesIO(data)).load()
    return doc_id, digest, code, unpack(packed)


class LoadCache:
    """Parsed annotation files of one set, in ``<user cache>/reviewer/parsed/<set key>/``."""

    def __init__(self, root: Path | str, folder: Path | None = None, enabled: bool | None = None) -> None:
        self.root = Path(root)
        if enabled is None:
            enabled = not os.environ.get(ENV_DISABLE)
        self.enabled = enabled
        if folder is None:
            try:
                key = hashlib.sha256(str(self.root.resolve()).encode()).hexdigest()[:16]
                folder = Path(platformdirs.user_cache_dir("reviewer")) / "parsed" / key
            except Exception:  # noqa: BLE001 - no cache folder on this platform: no cache
                self.enabled = False
                folder = Path(".")
        self.folder = folder
        self.hits = self.misses = 0
        self._listing: dict[str, set[str]] | None = None   # entry names by document prefix, read once
        # While True, new entries are pickled at once (a snapshot of what was parsed) but only put on
        # disk by flush(): creating 1,000 files is the costly part, and a first open need not wait.
        self.defer_writes = False
        self._unwritten: list[tuple[Path, str, bytes]] = []

    @staticmethod
    def _prefix(doc_id: str) -> str:
        return hashlib.sha256(doc_id.encode()).hexdigest()[:20]

    def _entry(self, doc_id: str, digest: str) -> Path:
        # One file per (document, content): a new version is a new file, never a rewrite in place
        # (rewriting or renaming over a file makes ext4 flush it, ~5 ms each).
        return self.folder / f"{self._prefix(doc_id)}-{digest[:32]}-{_code_key()}{SUFFIX}"

    def load(self, store: AnnotationStore, doc_id: str) -> AnnotationFile | None:
        """Like ``store.load(doc_id)`` (same result, same stamps, same errors), from the cache when it can."""
        if not self.enabled:
            return store.load(doc_id)
        path = store.path_for(doc_id)
        try:
            stamp = FileStamp.of(path)
        except OSError:
            stamp = None
        if stamp is None:
            return store.load(doc_id)
        entry = self._entry(doc_id, stamp.digest)
        try:
            cached_id, digest, code, af = loads(entry.read_bytes())
            if (cached_id, digest, code) == (doc_id, stamp.digest, _code_key()):
                store.stamps[doc_id] = stamp
                self.hits += 1
                return af
        except FileNotFoundError:
            pass
        except Exception:  # noqa: BLE001 - damaged, truncated or foreign: whatever unpickling raised, a miss
            try:
                entry.unlink()   # damaged: make room for a good one
            except OSError:
                pass
        self.misses += 1
        loaded = store.load(doc_id)       # raises StoreError for a bad file: nothing is cached then
        if loaded is not None and store.stamps.get(doc_id) == stamp:
            try:
                unchanged = FileStamp.of(path) == stamp   # the bytes parsed are the ones stamped
            except OSError:
                unchanged = False
            if unchanged:
                self._store(entry, doc_id, stamp.digest, loaded)
        return loaded

    def _store(self, entry: Path, doc_id: str, digest: str, af: AnnotationFile) -> None:
        try:
            payload = dumps(doc_id, digest, af)
        except (pickle.PicklingError, TypeError, ValueError, RecursionError):
            return   # a value pickle cannot carry: not cached, parsed each time
        if self.defer_writes:
            self._unwritten.append((entry, doc_id, payload))
        else:
            self._write(entry, doc_id, payload)

    @contextmanager
    def deferring(self, defer: bool = True) -> Iterator[None]:
        """Inside, new entries wait for ``flush()`` (when ``defer``): a first open shows what it
        loaded before creating its 1,000 cache files."""
        was, self.defer_writes = self.defer_writes, defer or self.defer_writes
        try:
            yield
        finally:
            self.defer_writes = was

    def flush(self) -> int:
        """Put the entries deferred so far on disk; how many there were."""
        pending, self._unwritten = self._unwritten, []
        for entry, doc_id, payload in pending:
            self._write(entry, doc_id, payload)
        return len(pending)

    def _write(self, entry: Path, doc_id: str, payload: bytes) -> None:
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            # "x": never over an existing entry. A reader racing this write sees a truncated
            # pickle, which fails to load (no STOP) and is a miss.
            with open(entry, "xb") as handle:
                handle.write(payload)
        except OSError:
            return
        # Older versions of this file. The folder is listed once, not globbed per file: a glob per
        # file read the whole folder each time (quadratic: ~1 s of a cold 1,000-policy open).
        prefix = self._prefix(doc_id)
        names = self._entries_by_prefix().setdefault(prefix, set())
        for name in names - {entry.name}:
            try:
                (entry.parent / name).unlink()
            except OSError:
                pass
        names.clear()
        names.add(entry.name)

    def _entries_by_prefix(self) -> dict[str, set[str]]:
        if self._listing is None:
            self._listing = {}
            try:
                with os.scandir(self.folder) as found:
                    for item in found:
                        if item.name.endswith((SUFFIX, *OLD_SUFFIXES)) and "-" in item.name:
                            self._listing.setdefault(item.name.split("-", 1)[0], set()).add(item.name)
            except OSError:
                pass
        return self._listing


class CachedStore:
    """An AnnotationStore whose ``load`` goes through a LoadCache; everything else is the store's."""

    def __init__(self, store: AnnotationStore, cache: LoadCache) -> None:
        self._store = store
        self._cache = cache

    def load(self, doc_id: str) -> AnnotationFile | None:
        return self._cache.load(self._store, doc_id)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


__all__ = ["LoadCache", "CachedStore", "pack", "unpack", "dumps", "loads", "ENV_DISABLE"]
