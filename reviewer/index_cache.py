"""The fuzzy index on disk, so that a second start loads it instead of rebuilding it.

One file per corpus, ``<user cache dir>/reviewer/index/index-<key>.npz``: numpy arrays written by
``numpy.savez`` and read back with ``allow_pickle=False`` (no code can come out of a cache file).
The key is a hash of the documents' ids and text hashes, in order, together with the index
format and the source of the segmenter and the index code, so that a change to any of them
yields another key.

When no file has the key (a document changed, was added or removed), the newest other file
still lends every document whose text hash it knows: only the new or changed documents are
segmented and tokenised again, then the index arrays are assembled and saved under the new key.

A cache file is never trusted: every array is checked (types, sizes, bounds, offsets inside the
texts) before use, and any error at all means the index is rebuilt from the documents.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Sequence

import numpy as np

from reviewer import __version__, clauses as _clauses_module, fuzzy as _fuzzy_module
from reviewer.atomic import atomic_write_with, clean_temporaries
from reviewer.documents import Document
from reviewer.fuzzy import FORMAT, DocumentPart, FuzzyIndex, IndexArrays, IndexBuilder, Vocabulary, segment_document

KEEP_FILES = 6  # index files kept in the cache folder (newest first)
_PREFIX, _SUFFIX = "index-", ".npz"

_ARRAY_DTYPES = {
    "doc_clause_ptr": np.int64, "starts": np.int32, "ends": np.int32, "paragraphs": np.int32,
    "kinds": np.uint8, "clause_doc": np.int32, "clause_entry": np.int32, "entry_clause": np.int32,
    "entry_tok_ptr": np.int64, "entry_tokens": np.int32, "member_ptr": np.int64, "members": np.int32,
    "post_ptr": np.int64, "post_entry": np.int32, "post_weight": np.float32,
}


class CacheError(Exception):
    """A cache file that cannot be used (missing, unreadable, corrupt or stale)."""


@dataclass
class Loaded:
    """What ``load`` did: ``status`` is "hit" (loaded), "incremental" (some documents reused),
    "built" (from scratch) or "rebuilt" (the file for this key was unusable: see ``problem``)."""

    index: FuzzyIndex
    status: str
    reused: int = 0
    path: Path | None = None
    problem: str | None = None
    seconds: float = 0.0


def default_folder() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("reviewer", appauthor=False) / "index"


_CODE_HASH: str | None = None


def code_hash() -> str:
    """Hash of the code whose output the cache holds: segmentation and indexing."""
    global _CODE_HASH
    if _CODE_HASH is None:
        h = hashlib.sha256(f"{FORMAT}\0{__version__}\0".encode())
        for module in (_clauses_module, _fuzzy_module):
            try:
                h.update(Path(module.__file__ or "").read_bytes())
            except OSError:
                h.update(module.__name__.encode())
        _CODE_HASH = h.hexdigest()
    return _CODE_HASH


def cache_key(documents: Sequence[Document]) -> str:
    h = hashlib.sha256(code_hash().encode())
    for d in documents:
        h.update(f"\n{d.id}\0{d.sha256}".encode())
    return h.hexdigest()[:40]


def path_for(key: str, folder: Path) -> Path:
    return folder / f"{_PREFIX}{key}{_SUFFIX}"


# -- reading and checking -------------------------------------------------------------------


def _read(path: Path) -> tuple[dict, IndexArrays]:
    """Read and structurally check one cache file (any failure: CacheError)."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            meta = json.loads(bytes(npz["meta"]).decode("utf-8"))
            data = {name: npz[name] for name in _ARRAY_DTYPES}
    except (FileNotFoundError, NotADirectoryError):
        raise CacheError("no cache file") from None
    except Exception as exc:  # noqa: BLE001 - zipfile, numpy, json, unicode: all mean "do not trust it"
        raise CacheError(f"unreadable cache file ({type(exc).__name__}: {exc})") from None
    if not isinstance(meta, dict) or meta.get("code") != code_hash():
        raise CacheError("cache file from other code")
    try:
        doc_ids, doc_shas, vocab = meta["doc_ids"], meta["doc_shas"], meta["vocab"]
        if not (isinstance(doc_ids, list) and isinstance(doc_shas, list) and isinstance(vocab, list)
                and all(isinstance(x, str) for x in doc_ids + doc_shas + vocab)):
            raise CacheError("bad metadata")
        arrays = IndexArrays(doc_ids=doc_ids, doc_shas=doc_shas, vocab=vocab, **data)
        _check(arrays)
    except CacheError:
        raise
    except Exception as exc:  # noqa: BLE001 - any inconsistency means the cache is not trusted
        raise CacheError(f"inconsistent cache file ({type(exc).__name__}: {exc})") from None
    return meta, arrays


def _check(a: IndexArrays) -> None:
    def fail(what: str) -> None:
        raise CacheError(f"inconsistent cache file ({what})")

    for name, dtype in _ARRAY_DTYPES.items():
        arr = getattr(a, name)
        if not isinstance(arr, np.ndarray) or arr.dtype != dtype or arr.ndim != 1:
            fail(f"{name} type")
    D, C, T = len(a.doc_ids), len(a.starts), len(a.entry_tokens)
    E, V, P = len(a.entry_clause), len(a.vocab), len(a.post_entry)
    if len(a.doc_shas) != D:
        fail("document hashes")

    def ptr(arr: np.ndarray, n: int, last: int, name: str) -> None:
        if len(arr) != n + 1 or (n + 1 and (arr[0] != 0 or arr[-1] != last)) or np.any(np.diff(arr) < 0):
            fail(name)

    def bounded(arr: np.ndarray, n: int, limit: int, name: str) -> None:
        if len(arr) != n or (n and (arr.min() < 0 or arr.max() >= limit)):
            fail(name)

    ptr(a.doc_clause_ptr, D, C, "doc_clause_ptr")
    ptr(a.entry_tok_ptr, E, T, "entry_tok_ptr")
    ptr(a.member_ptr, E, C, "member_ptr")
    ptr(a.post_ptr, V, P, "post_ptr")
    for name in ("ends", "paragraphs", "kinds"):
        if len(getattr(a, name)) != C:
            fail(name)
    bounded(a.clause_doc, C, max(D, 1), "clause_doc")
    bounded(a.clause_entry, C, max(E, 1), "clause_entry")
    bounded(a.entry_clause, E, max(C, 1), "entry_clause")
    bounded(a.members, C, max(C, 1), "members")
    bounded(a.entry_tokens, T, max(V, 1), "entry_tokens")
    bounded(a.post_entry, P, max(E, 1), "post_entry")
    bounded(a.kinds, C, 3, "kinds")
    if len(a.post_weight) != P or not np.all(np.isfinite(a.post_weight)):
        fail("post_weight")
    if C and (a.starts.min() < 0 or np.any(a.ends < a.starts)):
        fail("clause offsets")
    if not np.array_equal(a.clause_doc, np.repeat(np.arange(D, dtype=np.int32), np.diff(a.doc_clause_ptr))):
        fail("clause_doc")


def _check_texts(a: IndexArrays, documents: Sequence[Document]) -> None:
    lengths = np.array([len(d.text) for d in documents], dtype=np.int64)
    if len(a.ends) and np.any(a.ends > lengths[a.clause_doc]):
        raise CacheError("inconsistent cache file (clause past the end of its document)")


# -- writing --------------------------------------------------------------------------------


def save(index: FuzzyIndex, folder: Path | None = None) -> Path:
    """Write ``index`` under its key (atomically); returns the file's path."""
    folder = Path(folder) if folder is not None else default_folder()
    folder.mkdir(parents=True, exist_ok=True)
    docs = list(index.documents.values())
    key = cache_key(docs)
    a = index.arrays
    meta = {"format": FORMAT, "code": code_hash(), "key": key, "doc_ids": a.doc_ids,
            "doc_shas": a.doc_shas, "vocab": a.vocab}
    path = path_for(key, folder)

    def write(handle: BinaryIO) -> None:  # straight into the file: no second copy in memory
        np.savez(handle, meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), np.uint8),
                 **{name: getattr(a, name) for name in _ARRAY_DTYPES})

    atomic_write_with(path, write)
    _evict(folder, keep=path)
    return path


def _index_files(folder: Path) -> list[Path]:
    try:
        files = [p for p in folder.iterdir() if p.name.startswith(_PREFIX) and p.name.endswith(_SUFFIX)]
    except OSError:
        return []
    stamped = []
    for p in files:
        try:
            stamped.append((p.stat().st_mtime_ns, p))
        except OSError:
            pass
    return [p for _, p in sorted(stamped, reverse=True)]


def _evict(folder: Path, keep: Path) -> None:
    clean_temporaries(folder)
    for old in [p for p in _index_files(folder) if p != keep][KEEP_FILES - 1:]:
        try:
            old.unlink()
        except OSError:
            pass


# -- loading --------------------------------------------------------------------------------


def load(documents: Sequence[Document], folder: Path | None = None, *, write: bool = True) -> Loaded:
    """The index of ``documents``: from the cache when it has them, else built (reusing what an
    older cache file knows) and, with ``write``, saved. Never raises for a bad cache file."""
    started = time.perf_counter()
    folder = Path(folder) if folder is not None else default_folder()
    documents = list(documents)
    key = cache_key(documents)
    path = path_for(key, folder)
    problem = None
    try:
        meta, arrays = _read(path)
        if meta.get("key") != key or arrays.doc_ids != [d.id for d in documents] \
                or arrays.doc_shas != [d.sha256 for d in documents]:
            raise CacheError("cache file holds other documents")
        _check_texts(arrays, documents)
        try:
            os.utime(path)  # most recently used: kept longest
        except OSError:
            pass
        return Loaded(FuzzyIndex(documents, arrays), "hit", len(documents), path, None,
                      time.perf_counter() - started)
    except CacheError as exc:
        if str(exc) != "no cache file":
            problem = f"{path}: {exc}"

    lender, lent, vocab = _reusable(documents, folder, exclude=path)
    reused = len(lent)
    builder = IndexBuilder(vocab)
    for i, d in enumerate(documents):  # one document at a time: only the index's arrays grow
        known = lent.get(i)
        if lender is not None and known is not None:
            builder.add(_lent_part(lender, known, d))
        else:
            builder.add(segment_document(d, vocab))
    del lender
    index = FuzzyIndex(documents, builder.finish())
    status = "rebuilt" if problem else ("incremental" if reused else "built")
    saved = None
    if write:
        try:
            saved = save(index, folder)
        except OSError as exc:
            unwritable = f"cannot write the index cache in {folder} ({exc.strerror or exc})"
            problem = (problem + "; " if problem else "") + unwritable
    return Loaded(index, status, reused, saved, problem, time.perf_counter() - started)


def _reusable(documents: Sequence[Document], folder: Path,
              exclude: Path) -> tuple[IndexArrays | None, dict[int, int], Vocabulary]:
    """The newest usable cache file, and for each document whose text it knows (by position in
    ``documents``) that document's number in it. Parts are taken from it one at a time, when
    the build reaches them, so lending never holds every document's tokens at once."""
    for candidate in _index_files(folder)[:3]:
        if candidate == exclude:
            continue
        try:
            _, arrays = _read(candidate)
        except CacheError:
            continue
        by_sha: dict[str, int] = {}
        for n, sha in enumerate(arrays.doc_shas):
            by_sha.setdefault(sha, n)
        ptr = arrays.doc_clause_ptr
        lent: dict[int, int] = {}
        for i, doc in enumerate(documents):
            known = by_sha.get(doc.sha256)
            if known is None:
                continue
            ends = arrays.ends[ptr[known]:ptr[known + 1]]
            if len(ends) and int(ends.max()) > len(doc.text):
                continue
            lent[i] = known
        if lent:
            return arrays, lent, Vocabulary(arrays.vocab)
    return None, {}, Vocabulary()


def _lent_part(arrays: IndexArrays, known: int, doc: Document) -> DocumentPart:
    part = arrays.part(known)
    part.id = doc.id
    return part


class SharedIndex:
    """The index of a changing list of documents, built (or loaded from the cache) on first use by
    whichever thread asks, and again when the documents change. ``get`` is thread-safe; callers
    wanting results at once check ``ready`` and run ``get`` in a worker otherwise."""

    def __init__(self, documents: Callable[[], Sequence[Document]], folder: Path | None = None, *,
                 use_cache: bool = True) -> None:
        self._documents = documents
        self._folder = folder
        self._use_cache = use_cache
        self._lock = threading.Lock()
        self._key: tuple[tuple[str, str], ...] | None = None
        self._index: FuzzyIndex | None = None
        self.last: Loaded | None = None

    def _current_key(self) -> tuple[list[Document], tuple[tuple[str, str], ...]]:
        docs = list(self._documents())
        return docs, tuple((d.id, d.sha256) for d in docs)

    @property
    def ready(self) -> bool:
        index, key = self._index, self._key
        return index is not None and key == self._current_key()[1]

    def get(self) -> FuzzyIndex:
        with self._lock:
            docs, key = self._current_key()
            if self._index is None or key != self._key:
                if self._use_cache:
                    self.last = load(docs, self._folder)
                    self._index = self.last.index
                else:
                    self._index = FuzzyIndex.build(docs)
                self._key = key
            return self._index


__all__ = ["CacheError", "Loaded", "SharedIndex", "cache_key", "default_folder", "load", "path_for", "save"]
