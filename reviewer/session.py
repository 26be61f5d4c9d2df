"""The editing session under the app: every change written at once, undo/redo, outside changes merged.

A ``Session`` holds the documents being reviewed and, per document, its annotations as they are
now (placed ones at their current offsets, orphans verbatim). Each mutation

1. refuses when the set is read-only (the lock is held elsewhere) or the document's annotation
   file is unreadable (that file is never overwritten);
2. merges first when another program changed the file since we last read or wrote it;
3. applies the change in memory and records its per-annotation inverse for undo;
4. writes the document's file atomically (merging again if the file changed meanwhile) before
   returning. A failed write (disk full, read-only folder) keeps the change in memory, marks the
   document pending and says why; ``save()`` retries.

Undo and redo are session-wide and stored per annotation as ``(document, id, before, after)``,
so they stay correct after a merge: an annotation that another program changed since is left
alone (and the outcome says so) rather than overwritten.

No Textual or Rich here: tests drive it directly, the app calls it.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timezone
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, Callable, Iterable, Iterator, Sequence

from reviewer.annotated import load_annotated
from reviewer.documents import Document
from reviewer.errors import StoreError
from reviewer.gcpause import paused_gc
from reviewer.loadcache import CachedStore, LoadCache
from reviewer.lock import write_guard
from reviewer.source_watch import reread, stamp_of
from reviewer.store import Annotation, AnnotationFile, AnnotationStore, FileStamp
from reviewer.session_state import (READ_ONLY, Action, Change, Entry, Outcome, Step, _Doc, _entries, combine_entries,
                                     _Unmergeable, bad_span, exact_annotation, join_same, orphaned, placed_again,
                                     recategorised, refers_to, replay_changes, replayed_annotation)
from reviewer.taxonomy import Taxonomy
from reviewer.undo_history import UndoHistory

class Session:
    """Documents under review and their annotations in one set; see the module docstring."""

    def __init__(self, store: AnnotationStore, documents: Sequence[Document], *, cache: bool = True) -> None:
        self.store = store
        self.load_cache = LoadCache(store.root, enabled=None if cache else False)   # cache: reuse parsed files
        self._loader: Any = CachedStore(store, self.load_cache)
        self.taxonomy: Taxonomy = store.taxonomy
        self.documents: list[Document] = []
        self.read_only: bool = False
        self._docs: dict[str, _Doc] = {}
        self._pending: set[str] = set()
        self.history = UndoHistory()
        self._lock = threading.RLock()
        for doc in documents:
            self.add_document(doc)

    # -- documents -----------------------------------------------------------------------------
    def add_document(self, doc: Document) -> None:
        """Add a document to the session (ignored when its id is already there)."""
        with self._lock:
            if doc.id not in self._docs:
                self._docs[doc.id] = _Doc(doc)
                self.documents.append(doc)

    def document(self, doc_id: str) -> Document:
        return self._doc(doc_id).doc

    def replace_document(self, doc: Document) -> None:
        """Show another version of a document already in the session (same id): its annotation
        file is read again and re-anchored against the new text on next use. Pending writes of the
        old version are flushed first, so nothing is lost."""
        with self._lock:
            old = self._doc(doc.id)
            if old.loaded:
                self.save(doc.id)
            self._docs[doc.id] = _Doc(doc)
            self.documents[:] = [doc if d.id == doc.id else d for d in self.documents]
            self.history.forget(doc.id)   # earlier steps hold offsets into the old text

    def _doc(self, doc_id: str) -> _Doc:
        try:
            return self._docs[doc_id]
        except KeyError:
            raise KeyError(f"no document {doc_id!r} in this session") from None

    def _state(self, doc_id: str) -> _Doc:
        ds = self._doc(doc_id)
        if not ds.loaded:
            with self._lock:
                if not ds.loaded:
                    self._load(ds)
        return ds

    def _load(self, ds: _Doc) -> None:
        ad = load_annotated(self._loader, ds.doc)
        ds.loaded = True
        ds.source = ds.source or stamp_of(ds.doc)
        ds.warnings = list(ad.warnings)
        ds.invalidate()
        if ad.error is not None:
            ds.error = f"{ad.error} (this document is read-only until the file is fixed; it is not overwritten)"
            try:
                ds.error_stamp = FileStamp.of(self.store.path_for(ds.doc.id))
            except (OSError, StoreError):
                ds.error_stamp = None
            ds.entries, ds.base, ds.status = {}, {}, {}
            return
        ds.error = None
        ds.entries, ds.status = _entries(ad.resolutions, ds.doc.text, refers_to(ad.file, ds.doc))
        ds.base = dict(ds.entries)
        ds.extra = dict(ad.file.extra) if ad.file else {}
        ds.base_extra = dict(ds.extra)

    def load_all(self, doc_ids: Iterable[str] | None = None, *, defer_cache: bool = False) -> None:
        """Load these documents (all by default) now, collection paused; ``defer_cache``: LoadCache.deferring."""
        with paused_gc(), self.load_cache.deferring(defer_cache):
            for doc_id in [d.id for d in self.documents] if doc_ids is None else list(doc_ids):
                self._state(doc_id)

    def is_loaded(self, doc_id: str) -> bool:
        return self._doc(doc_id).loaded

    # -- queries -------------------------------------------------------------------------------
    def annotations(self, doc_id: str) -> list[Annotation]:
        """Placed annotations at their current offsets, sorted by (start, id)."""
        with self._lock:
            return list(self._state(doc_id).placed())

    def orphans(self, doc_id: str) -> list[Annotation]:
        """Annotations whose text is no longer in the document; kept verbatim until deleted."""
        with self._lock:
            return list(self._state(doc_id).orphans())

    def annotation(self, doc_id: str, ann_id: str) -> Annotation | None:
        with self._lock:
            entry = self._state(doc_id).entries.get(ann_id)
            return entry.ann if entry else None

    def anchor_status(self, doc_id: str) -> dict[str, tuple[str, float]]:
        """Annotation id -> ("moved" | "fuzzy", score) for the ones re-anchored this session."""
        with self._lock:
            return dict(self._state(doc_id).status)

    def load_error(self, doc_id: str) -> str | None:
        return self._state(doc_id).error

    def warnings(self, doc_id: str) -> list[str]:
        with self._lock:
            return list(self._state(doc_id).warnings)

    def annotations_at(self, doc_id: str, start: int, end: int) -> list[Annotation]:
        """Placed annotations overlapping ``[start, end)``."""
        with self._lock:
            return [a for a in self._state(doc_id).placed() if a.overlaps(start, end)]

    def counts(self, doc_id: str) -> Counter[str]:
        """Category slug -> number of the document's annotations (orphans included) carrying it."""
        counter: Counter[str] = Counter()
        with self._lock:   # the app counts in a worker thread while the UI thread edits
            for entry in self._state(doc_id).entries.values():
                counter.update(entry.ann.categories)
        return counter

    @property
    def pending(self) -> set[str]:
        """Documents with changes not yet on disk."""
        return set(self._pending)

    @property
    def can_undo(self) -> bool:
        return bool(self.history.undo)

    @property
    def can_redo(self) -> bool:
        return bool(self.history.redo)

    # -- mutations -----------------------------------------------------------------------------
    def toggle_category(self, doc_id: str, start: int, end: int, slug: str) -> Outcome:
        """Toggle ``slug`` on the annotation spanning exactly ``[start, end)``, or create one.

        Removing the last category deletes the annotation, unless it has a note: then it stays, a
        highlight with its note and no category (the note is the analyst's own words; ``delete``
        removes it). Tagging where annotations of ``slug``
        already overlap or touch the span extends or merges them (``join_same``) instead of
        stacking a duplicate.
        """
        def change(ds: _Doc) -> tuple[str, list[Change]] | str:
            bad = bad_span(ds, start, end)
            if bad:
                return bad
            name = self.taxonomy.name(slug)
            target = exact_annotation(ds, start, end)
            if target is None:
                if slug not in self.taxonomy:
                    return f"unknown category {slug!r}"
                joined = join_same(ds, start, end, slug, name)
                if joined is not None:
                    return joined
                ann = Annotation.create(ds.doc.text, start, end, [slug])
                return f"Tagged {name}", [Change(ds.doc.id, ann.id, None, Entry(ann))]
            cats = list(target.categories)
            if slug in cats:
                cats.remove(slug)
                if not cats and target.note.strip():
                    return (f"Untagged {name}: the annotation keeps its note, with no category",
                            [Change(ds.doc.id, target.id, Entry(target), Entry(target.edited(categories=())))])
                if not cats:
                    return (f"Deleted the annotation: {name} was its last category",
                            [Change(ds.doc.id, target.id, Entry(target), None)])
                return f"Untagged {name}", [Change(ds.doc.id, target.id, Entry(target),
                                                   Entry(target.edited(categories=tuple(cats))))]
            if slug not in self.taxonomy:
                return f"unknown category {slug!r}"
            return f"Tagged {name}", [Change(ds.doc.id, target.id, Entry(target),
                                             Entry(target.edited(categories=(*cats, slug))))]
        return self._mutate(doc_id, change)

    def set_categories(self, doc_id: str, start: int, end: int, slugs: Iterable[str],
                       attributes: dict[str, Any] | None = None) -> Outcome:
        """Give the annotation spanning exactly ``[start, end)`` these categories (creating it, or
        deleting it when ``slugs`` is empty); ``attributes`` replaces its attributes when given."""
        wanted = tuple(dict.fromkeys(slugs))

        def change(ds: _Doc) -> tuple[str, list[Change]] | str:
            bad = bad_span(ds, start, end)
            if bad:
                return bad
            target = exact_annotation(ds, start, end)
            have = target.categories if target else ()
            unknown = [s for s in wanted if s not in self.taxonomy and s not in have]
            if unknown:
                return f"unknown categor{'y' if len(unknown) == 1 else 'ies'} {', '.join(map(repr, unknown))}"
            names = ", ".join(self.taxonomy.name(s) for s in wanted)
            if target is None:
                if not wanted:
                    return "Nothing to tag: no categories chosen", []
                if len(wanted) == 1 and not attributes:
                    joined = join_same(ds, start, end, wanted[0], self.taxonomy.name(wanted[0]))
                    if joined is not None:
                        return joined
                ann = Annotation.create(ds.doc.text, start, end, wanted)
                if attributes:
                    ann = replace(ann, attributes=dict(attributes))
                return f"Tagged {names}", [Change(ds.doc.id, ann.id, None, Entry(ann))]
            if not wanted and target.note.strip():
                return ("Untagged: the annotation keeps its note, with no category",
                        [Change(ds.doc.id, target.id, Entry(target), Entry(target.edited(categories=())))])
            if not wanted:
                return "Deleted the annotation: no category left", [Change(ds.doc.id, target.id, Entry(target), None)]
            new_attrs = target.attributes if attributes is None else dict(attributes)
            if wanted == target.categories and new_attrs == target.attributes:
                return "No change", []
            new = target.edited(categories=wanted, attributes=new_attrs)
            return f"Tagged {names}", [Change(ds.doc.id, target.id, Entry(target), Entry(new, False))]
        return self._mutate(doc_id, change)

    def set_note(self, doc_id: str, ann_id: str, note: str) -> Outcome:
        def change(ds: _Doc) -> tuple[str, list[Change]] | str:
            entry = ds.entries.get(ann_id)
            if entry is None:
                return f"no annotation {ann_id!r} in {doc_id}"
            if entry.ann.note == note:
                return "Note unchanged", []
            new = Entry(entry.ann.edited(note=note), entry.orphan)
            return ("Note saved" if note else "Note cleared"), [Change(ds.doc.id, ann_id, entry, new)]
        return self._mutate(doc_id, change)

    def delete(self, doc_id: str, ann_id: str) -> Outcome:
        def change(ds: _Doc) -> tuple[str, list[Change]] | str:
            entry = ds.entries.get(ann_id)
            if entry is None:
                return f"no annotation {ann_id!r} in {doc_id}"
            cats = ", ".join(self.taxonomy.name(s) for s in entry.ann.categories) or "no category"
            what = "orphan" if entry.orphan else "annotation"
            return f"Deleted {what} ({cats})", [Change(ds.doc.id, ann_id, entry, None)]
        return self._mutate(doc_id, change)

    def delete_orphan(self, doc_id: str, ann_id: str) -> Outcome:
        """Delete an orphan (undoable). Refused for a placed annotation, so a stale list cannot
        delete an annotation the analyst still sees in the text."""
        entry = self._state(doc_id).entries.get(ann_id) if not self._doc(doc_id).error else None
        if entry is not None and not entry.orphan:
            return self._refuse(doc_id, f"annotation {ann_id!r} is not an orphan (it is placed in the text)")
        return self.delete(doc_id, ann_id)

    def reattach(self, doc_id: str, ann_id: str, start: int, end: int) -> Outcome:
        """Place an annotation (normally an orphan) at ``[start, end)`` of the current text."""
        def change(ds: _Doc) -> tuple[str, list[Change]] | str:
            bad = bad_span(ds, start, end)
            if bad:
                return bad
            entry = ds.entries.get(ann_id)
            if entry is None:
                return f"no annotation {ann_id!r} in {doc_id}"
            new = Entry(placed_again(entry.ann).moved_to(ds.doc.text, start, end).edited())
            ds.status.pop(ann_id, None)
            return "Re-attached annotation", [Change(ds.doc.id, ann_id, entry, new)]
        return self._mutate(doc_id, change)

    def orphan(self, doc_id: str, ann_id: str) -> Outcome:
        """Make an annotation an orphan (its place is wrong): kept in the file, with the version
        it was last placed in, and never re-anchored until re-attached. Undoable."""
        return self._mutate(doc_id, lambda ds: orphaned(ds, ann_id))

    def recategorise(self, targets: Iterable[tuple[str, str]], categories: Callable[[Annotation], Iterable[str]],
                     message: str) -> Outcome:
        """Give each (document, annotation id) of ``targets`` the categories ``categories(annotation)``
        returns, across documents, as ONE undo step; an annotation left without any is deleted.
        Documents that are unreadable or read-only are skipped (named in the outcome's error)."""
        with self._lock:
            if self.read_only:
                return self._refuse("", READ_ONLY)
            by_doc: dict[str, list[str]] = {}
            for doc_id, ann_id in targets:
                by_doc.setdefault(doc_id, []).append(ann_id)
            changes: list[Change] = []
            refused: list[str] = []
            for doc_id, ids in by_doc.items():
                ds = self._state(doc_id)
                if ds.error is not None:
                    refused.append(doc_id)
                    continue
                self._sync(ds)
                changes.extend(recategorised(ds, ids, categories))
            if not changes:
                return Outcome("", "No change", None, True, "; ".join(refused) or None)
            for ch in changes:
                self._state(ch.document).set(ch.id, ch.after)
            self.history.push(Action(message, tuple(changes)))
            saved, errors = True, [f"{d}: unreadable, left alone" for d in refused]
            for doc_id in dict.fromkeys(c.document for c in changes):
                ok, error, _ = self._write(self._state(doc_id))
                saved = saved and ok
                if error:
                    errors.append(error)
            return Outcome(changes[0].document, f"{message} ({len(changes)} annotation"
                           f"{'s' if len(changes) != 1 else ''})", None, saved, "; ".join(errors) or None)

    # -- undo / redo ---------------------------------------------------------------------------
    def undo(self) -> Outcome | None:
        return self._replay(undo=True)

    def redo(self) -> Outcome | None:
        return self._replay(undo=False)

    def _replay(self, undo: bool) -> Outcome | None:
        with self._lock:
            h = self.history
            stack, other = (h.undo, h.redo) if undo else (h.redo, h.undo)
            if not stack:
                return None
            action = stack[-1]
            if isinstance(action, Step):
                return h.replay_step(undo, self.read_only)
            verb = "Undid" if undo else "Redid"
            if self.read_only:
                top = action.changes[0].document if action.changes else ""
                return Outcome(top, f"Not {'undone' if undo else 'redone'}: read-only", None,
                               top not in self._pending, READ_ONLY)
            stack.pop()
            doc_ids = list(dict.fromkeys(c.document for c in action.changes))
            applied, skipped, merged_notes = replay_changes(action, undo, [self._state(d) for d in doc_ids],
                                                            self._sync)
            if applied:
                other.append(Action(action.message, tuple(applied)))
            message = f"{verb}: {action.message}"
            if skipped:
                plural = "s" if len(skipped) > 1 else ""
                message += f" (left {len(skipped)} annotation{plural} alone: changed by another program since)"
            saved, errors = True, []
            for doc_id in doc_ids:
                ds = self._state(doc_id)
                if any(c.document == doc_id for c in applied) or doc_id in self._pending:
                    ok, error, note = self._write(ds)
                    saved = saved and ok
                    if error:
                        errors.append(error)
                    if note:
                        merged_notes.append(note)
            document, ann_id = replayed_annotation(action, undo, applied)
            return Outcome(document, message, ann_id, saved, "; ".join(errors) or None,
                           "; ".join(merged_notes) or None)

    @contextmanager
    def batch(self, message: str) -> Iterator[None]:
        """The changes made inside become one undo step named ``message`` (a bulk apply across
        documents: one key, one undo). Each change is still written as it is made."""
        with self._lock, self.history.merged(message):
            yield

    def record(self, step: Step) -> None:
        """Put an already applied outside step on the undo stack (clears redo, like any change)."""
        with self._lock:
            self.history.push(step)

    # -- saving and outside changes --------------------------------------------------------------
    def save(self, doc_id: str | None = None, *, force: bool = False) -> list[Outcome]:
        """Write pending documents (all, or just ``doc_id``): the retry after a failed write.

        With ``force``, also rewrite loaded documents that have nothing pending (their files then
        carry the current offsets of re-anchored annotations); unreadable ones are never written.
        """
        with self._lock:
            loaded = {i for i, d in self._docs.items() if d.loaded and d.error is None} if force else set()
            pool = loaded | self._pending
            targets = sorted(pool) if doc_id is None else [d for d in (doc_id,) if d in pool]
            outcomes = []
            for ident in targets:
                ds = self._state(ident)
                ok, error, note = self._write(ds)
                path = self.store.path_for(ident)
                message = f"Saved {path.name}" if ok else f"Not saved: {path.name}"
                outcomes.append(Outcome(ident, message, None, ok, error, note))
            return outcomes

    def check_external(self, doc_id: str) -> Outcome | None:
        """Reload, merge by id and report another program's change to the file (None: none, or not loaded yet)."""
        with self._lock:
            ds = self._doc(doc_id)
            if not ds.loaded:
                return None
            renewed = self._reread_source(ds)
            if renewed is not None:
                return renewed
            if ds.error is not None:
                try:
                    stamp = FileStamp.of(self.store.path_for(doc_id))
                except (OSError, StoreError):
                    return None
                if stamp == ds.error_stamp:
                    return None
                self._load(ds)
                if ds.error is None:
                    return Outcome(doc_id, f"{self.store.path_for(doc_id).name} is readable again", None, True,
                                   merged="reloaded: the annotation file was fixed by another program")
                return Outcome(doc_id, "Annotation file still unreadable", None, False, ds.error)
            try:
                note = self._merge_from_disk(ds)
            except _Unmergeable as exc:
                return Outcome(doc_id, "Not merged", None, False, str(exc))
            if note is None:
                return None
            saved, error = True, None
            if doc_id in self._pending:
                saved, error, again = self._write(ds)
                if again:
                    note += "; " + again
            return Outcome(doc_id, "Merged changes made by another program", None, saved, error, note)

    def _reread_source(self, ds: _Doc) -> Outcome | None:
        """The policy's text file changed on disk: read it again and re-anchor its annotations
        (as a new version is shown: pending writes flushed, its undo steps dropped)."""
        now = stamp_of(ds.doc)
        if now is None or ds.source is None or now == ds.source:
            ds.source = ds.source or now
            return None
        ds.source = now
        new = reread(ds.doc)
        if new is None:
            return None
        self.replace_document(new)
        fresh = self._state(new.id)
        fresh.source = now
        kinds = Counter(status for status, _ in fresh.status.values())
        return Outcome(new.id, f"{new.path.name} changed on disk: reloaded; {len(fresh.placed())} annotation(s) "
                       f"re-anchored ({kinds['moved']} moved, {kinds['fuzzy']} fuzzy), "
                       f"{len(fresh.orphans())} orphaned", None, new.id not in self._pending, fresh.error)

    def _refuse(self, doc_id: str, error: str, merged: str | None = None) -> Outcome:
        return Outcome(doc_id, "Not changed", None, doc_id not in self._pending, error, merged)

    def _mutate(self, doc_id: str, change: Callable[[_Doc], tuple[str, list[Change]] | str]) -> Outcome:
        with self._lock:
            self._doc(doc_id)
            if self.read_only:
                return self._refuse(doc_id, READ_ONLY)
            ds = self._state(doc_id)
            if ds.error is not None:
                return self._refuse(doc_id, ds.error)
            merged = self._sync(ds)
            result = change(ds)
            if isinstance(result, str):
                return self._refuse(doc_id, result, merged)
            message, changes = result
            if not changes:
                return Outcome(doc_id, message, None, doc_id not in self._pending, None, merged)
            for ch in changes:
                ds.set(ch.id, ch.after)
            self.history.push(Action(message, tuple(changes)))
            saved, error, again = self._write(ds)
            notes = "; ".join(n for n in (merged, again) if n) or None
            last = changes[-1]
            return Outcome(doc_id, message, last.id if last.after is not None else None, saved, error, notes)

    def _sync(self, ds: _Doc) -> str | None:
        """Merge in another program's change before acting, so the action sees it. Never raises."""
        try:
            return self._merge_from_disk(ds)
        except _Unmergeable:
            return None  # reported by the write that follows

    def _merge_from_disk(self, ds: _Doc) -> str | None:
        ident = ds.doc.id
        path = self.store.path_for(ident)
        try:
            changed = self.store.changed_on_disk(ident)
        except OSError:
            changed = True
        if not changed:
            return None
        ad = load_annotated(self._loader, ds.doc)
        if ad.error is not None:
            raise _Unmergeable(f"{ad.error}; another program changed it and it cannot be read, so it was not "
                               "overwritten: your change is kept in memory (save again once the file is fixed)")
        if ad.file is None:
            # The whole file vanished (rm, a sync tool, a checkout): far likelier an accident than
            # "delete every annotation", so nothing is dropped; the file is written back.
            ds.base, ds.base_extra = {}, {}
            if not self.read_only:   # a read-only session keeps what it shows, and writes nothing back
                self._pending.add(ident)
            return (f"{path.name} was deleted by another program; it is written back with the "
                    f"{len(ds.entries)} annotation{'' if len(ds.entries) == 1 else 's'} this session holds")
        from reviewer.merge import merge3   # only when another program changed the file

        theirs, status = _entries(ad.resolutions, ds.doc.text, refers_to(ad.file, ds.doc))
        their_extra = dict(ad.file.extra)
        stamp = self.store.stamps.get(ident)
        written = datetime.fromtimestamp(stamp.mtime_ns / 1e9, timezone.utc) if stamp is not None else None
        result = merge3(ds.base, ds.entries, theirs, updated=lambda e: e.ann.updated, combine=combine_entries,
                        their_time=written)
        ds.entries = result.merged
        for gone in [i for i in ds.status if i not in ds.entries]:
            del ds.status[gone]
        anchored_there = [i for i in result.combined if ds.entries[i].ann.start == theirs[i].ann.start
                          and ds.entries[i].ann.end == theirs[i].ann.end]
        for taken in result.added + result.changed + anchored_there:
            if taken in status:
                ds.status[taken] = status[taken]
        if their_extra != ds.base_extra:
            ds.extra = their_extra
        ds.base, ds.base_extra = theirs, their_extra
        ds.warnings.extend(w for w in ad.warnings if w not in ds.warnings)
        ds.invalidate()
        if (ds.entries != ds.base or ds.extra != ds.base_extra) and not self.read_only:
            self._pending.add(ident)
        else:
            self._pending.discard(ident)
        return f"{path.name} was changed by another program; merged by id: {result.summary()}"

    def _write(self, ds: _Doc) -> tuple[bool, str | None, str | None]:
        """Write the document's file now: (saved, error, merge note). Every write of the session
        comes through here, so read-only is enforced once, for every path that writes."""
        if self.read_only:
            return False, READ_ONLY, None
        with write_guard(self.store.root):
            return self._write_guarded(ds)

    def _write_guarded(self, ds: _Doc) -> tuple[bool, str | None, str | None]:
        ident = ds.doc.id
        try:
            note = self._merge_from_disk(ds)
        except _Unmergeable as exc:
            self._pending.add(ident)
            return False, str(exc), None
        af = AnnotationFile(document=ident, source=ds.doc.path.name, sha256=ds.doc.sha256,
                            annotations=[e.ann for e in ds.entries.values()], extra=dict(ds.extra),
                            version=ds.doc.version)
        try:
            self.store.save(af)
        except StoreError as exc:
            self._pending.add(ident)
            return False, str(exc), note
        except OSError as exc:  # the write went through but the file could not be stat'ed back
            self._pending.add(ident)
            return False, f"{self.store.path_for(ident)}: {exc.strerror or exc}", note
        ds.base, ds.base_extra = dict(ds.entries), dict(ds.extra)
        self._pending.discard(ident)
        return True, None, note


__all__ = ["Outcome", "Session", "Entry", "Change", "Action", "READ_ONLY"]
