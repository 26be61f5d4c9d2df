"""A cache of parsed annotation files, so reopening a big set does not parse all its TOML again.

Parsing TOML dominates loading a large set (100,000 annotations: seconds). A parsed file is kept
as JSON in the user's cache folder, keyed by the sha256 of the file's exact bytes and by the
store code that parsed it, so a cached entry is only ever used for a byte-identical file read by
the same parser: a file changed by anyone, or a new reviewer version, simply misses and is parsed
again. Files whose values JSON cannot carry exactly (TOML dates and times inside unknown keys or
attributes, non-finite floats) are not cached. The cache is an accelerator only: any problem with
it (unwritable folder, damaged entry) falls back to the store's own ``load``.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import platformdirs

import reviewer.store as store_module
from reviewer.store import Annotation, AnnotationFile, AnnotationStore, FileStamp

VERSION = 1
ENV_DISABLE = "REVIEWER_NO_CACHE"

_code: str | None = None


def _code_key() -> str:
    """Changes whenever the parsing code changes, so old entries are never reused by new code."""
    global _code
    if _code is None:
        try:
            source = Path(store_module.__file__).read_bytes()
        except OSError:
            source = b""
        _code = hashlib.sha256(source + str(VERSION).encode()).hexdigest()[:16]
    return _code


def _jsonable(value: Any) -> bool:
    if isinstance(value, (str, bool, int)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_jsonable(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _jsonable(v) for k, v in value.items())
    return False


def _when(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def to_json(af: AnnotationFile) -> dict[str, Any] | None:
    """A JSON-safe form of the file, or None when some value would not come back identical."""
    if not _jsonable(af.extra):
        return None
    anns = []
    for a in af.annotations:
        if (a.attributes and not _jsonable(a.attributes)) or (a.extra and not _jsonable(a.extra)):
            return None
        anns.append([a.id, a.start, a.end, a.quote, a.prefix, a.suffix, list(a.categories), a.note,
                     _when(a.created), _when(a.updated), a.attributes, a.extra, a.provenance])
    return {"document": af.document, "source": af.source, "sha256": af.sha256, "extra": af.extra,
            "warnings": list(af.warnings), "annotations": anns, "version": af.version}


def from_json(data: dict[str, Any]) -> AnnotationFile:
    iso = datetime.fromisoformat
    anns = [Annotation(i, s, e, q, p, x, tuple(c), n, iso(cr) if cr else None, iso(up) if up else None, at, ex,
                       *rest)  # rest: the provenance
            for i, s, e, q, p, x, c, n, cr, up, at, ex, *rest in data["annotations"]]
    return AnnotationFile(data["document"], data["source"], data["sha256"], anns, data["extra"], list(data["warnings"]),
                          data.get("version", ""))


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

    @staticmethod
    def _prefix(doc_id: str) -> str:
        return hashlib.sha256(doc_id.encode()).hexdigest()[:20]

    def _entry(self, doc_id: str, digest: str) -> Path:
        # One file per (document, content): a new version is a new file, never a rewrite in place
        # (rewriting or renaming over a file makes ext4 flush it, ~5 ms each).
        return self.folder / f"{self._prefix(doc_id)}-{digest[:32]}-{_code_key()}.json"

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
            cached = json.loads(entry.read_bytes())
            same = (cached.get("digest"), cached.get("code"), cached.get("id")) == (stamp.digest, _code_key(), doc_id)
            if same:
                af = from_json(cached["file"])
                store.stamps[doc_id] = stamp
                self.hits += 1
                return af
        except FileNotFoundError:
            pass
        except (OSError, ValueError, KeyError, TypeError):
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
        data = to_json(af)
        if data is None:
            return
        payload = json.dumps({"id": doc_id, "digest": digest, "code": _code_key(), "file": data},
                             ensure_ascii=False, separators=(",", ":"))
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            # "x": never over an existing entry. A reader racing this write sees truncated JSON,
            # which fails to parse and is a miss.
            with open(entry, "x", encoding="utf-8") as handle:
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
                        if item.name.endswith(".json") and "-" in item.name:
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


__all__ = ["LoadCache", "CachedStore", "to_json", "from_json", "ENV_DISABLE"]
