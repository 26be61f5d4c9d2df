"""The session's state as data: what a change did (``Outcome``), undo entries (``Change``,
``Action``, ``Step``), one document's placed annotations (``_Doc``), and the span rules a change
is checked against. ``reviewer.session.Session`` is the one writer of this state."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable

from reviewer.anchoring import FUZZY, MOVED, SET_ASIDE, Resolution, set_aside
from reviewer.documents import Document
from reviewer.source_watch import SourceStamp
from reviewer.store import Annotation, AnnotationFile, FileStamp

READ_ONLY = "the set is open in another reviewer: read-only, nothing was changed"
MAX_UNDO = 1000   # undo steps kept (like vim's undolevels); older ones are forgotten, never the edits


@dataclass(frozen=True)
class Outcome:
    """What a session call did, for the status line."""

    document: str              # document id affected
    message: str               # short human summary, e.g. "Tagged Data Retention", "Undid: note"
    annotation: str | None     # id of the annotation created/changed (None when deleted)
    saved: bool                # the change is on disk
    error: str | None = None   # one-line write error or refusal: nothing lost, the change (if any) is pending
    merged: str | None = None  # set when the file had changed on disk and was merged by id (what happened)


@dataclass(frozen=True)
class Entry:
    """One annotation as the session holds it: placed (current offsets) or an orphan (verbatim)."""

    ann: Annotation
    orphan: bool = False


#: An anchor's fields change together: a re-placed span comes with its own quote and context.
ANCHOR = ("start", "end", "quote", "prefix", "suffix")


def combine_entries(base: Entry, ours: Entry, theirs: Entry) -> Entry | None:
    """One entry with both sides' edits when they touched different fields (we tagged it, another
    program rewrote its note), else None: a real conflict. Being an orphan goes with the anchor."""
    from reviewer.merge import merge_fields

    def anchor(e: Entry) -> tuple:
        return (e.orphan, *(getattr(e.ann, n) for n in ANCHOR))

    if anchor(ours) != anchor(base) and anchor(theirs) != anchor(base) and anchor(ours) != anchor(theirs):
        return None
    ann = merge_fields(base.ann, ours.ann, theirs.ann, together=[ANCHOR])
    if ann is None:
        return None
    orphan = ours.orphan if anchor(ours) != anchor(base) else theirs.orphan
    return Entry(ann, orphan)


@dataclass(frozen=True)
class Change:
    """One annotation's state before and after an action (None: absent)."""

    document: str
    id: str
    before: Entry | None
    after: Entry | None


@dataclass(frozen=True)
class Action:
    message: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class Step:
    """An undo step outside the annotation files (a rejected suggestion in suggestions.toml, say),
    recorded with ``Session.record`` so that undo/redo keep one order for everything. ``undo`` and
    ``redo`` apply it and return an error message, or None when it worked."""

    document: str
    message: str
    undo: Callable[[], str | None]
    redo: Callable[[], str | None]


class _Unmergeable(Exception):
    """The file on disk changed and cannot be read: it must not be overwritten."""


@dataclass
class _Doc:
    doc: Document
    loaded: bool = False
    error: str | None = None
    error_stamp: FileStamp | None = None
    entries: dict[str, Entry] = field(default_factory=dict)   # now, in memory
    base: dict[str, Entry] = field(default_factory=dict)      # as last read from / written to the file
    extra: dict[str, Any] = field(default_factory=dict)       # unknown top-level keys of the file
    base_extra: dict[str, Any] = field(default_factory=dict)
    status: dict[str, tuple[str, float]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    source: SourceStamp | None = None                         # the policy's own file when it was read
    _placed: list[Annotation] | None = None
    _orphans: list[Annotation] | None = None

    def invalidate(self) -> None:
        self._placed = self._orphans = None

    def placed(self) -> list[Annotation]:
        if self._placed is None:
            self._placed = sorted((e.ann for e in self.entries.values() if not e.orphan), key=lambda a: (a.start, a.id))
        return self._placed

    def orphans(self) -> list[Annotation]:
        if self._orphans is None:
            self._orphans = sorted((e.ann for e in self.entries.values() if e.orphan), key=lambda a: (a.start, a.id))
        return self._orphans

    def set(self, ident: str, entry: Entry | None) -> None:
        if entry is None:
            self.entries.pop(ident, None)
            self.status.pop(ident, None)
        else:
            self.entries[ident] = entry
        self.invalidate()


def _entries(resolutions: Iterable[Resolution], text: str,
             refers_to: str = "") -> tuple[dict[str, Entry], dict[str, tuple[str, float]]]:
    """The session's entries for a file's annotations re-anchored in ``text``. ``refers_to``: the
    version the file's offsets refer to, when another version is shown: an orphan keeps it on
    itself (its offsets still refer there), and a placed annotation drops one it carried."""
    entries: dict[str, Entry] = {}
    status: dict[str, tuple[str, float]] = {}
    for r in resolutions:
        ident = r.annotation.id
        if r.placed:
            ann = r.anchored(text)
            if "version" in ann.extra:
                ann = replace(ann, extra={k: v for k, v in ann.extra.items() if k != "version"})
            entries[ident] = Entry(ann)
            if r.status in (MOVED, FUZZY):
                status[ident] = (r.status, r.score)
        else:
            ann = r.annotation
            if refers_to and "version" not in ann.extra:
                ann = replace(ann, extra={**ann.extra, "version": refers_to})
            entries[ident] = Entry(ann, orphan=True)
    return entries, status


def refers_to(af: AnnotationFile | None, doc: Document) -> str:
    """The version a file's offsets refer to, when the document shows another one ("": the same)."""
    return af.version if af is not None and af.version and doc.version and af.version != doc.version else ""


def bad_span(ds: _Doc, start: int, end: int) -> str | None:
    if not (isinstance(start, int) and isinstance(end, int)) or not 0 <= start < end <= len(ds.doc.text):
        return f"span {start}..{end} is empty or outside the document"
    return None


def exact_annotation(ds: _Doc, start: int, end: int) -> Annotation | None:
    for ann in ds.placed():
        if ann.start == start and ann.end == end:
            return ann
        if ann.start > start:
            break
    return None


def join_same(ds: _Doc, start: int, end: int, slug: str, name: str) -> tuple[str, list[Change]] | None:
    """Tagging ``[start, end)`` with ``slug`` next to annotations of ``slug``: one span, not two.

    An annotation of ``slug`` covering the span already says it: no change. Annotations that
    carry ``slug`` alone and overlap or touch the span become one annotation over the union (the
    first keeps its id; notes are joined, attributes kept, the first's winning), recorded as one
    undo step that restores each of them. None: nothing to join, create as usual."""
    near = [a for a in ds.placed() if slug in a.categories and a.start <= end and start <= a.end]
    if not near:
        return None
    if any(a.start <= start and end <= a.end for a in near):
        return f"Already tagged {name} here (no duplicate made)", []
    alone = [a for a in near if tuple(a.categories) == (slug,)]
    if not alone:
        return None
    keep, *rest = alone
    lo, hi = min(start, *(a.start for a in alone)), max(end, *(a.end for a in alone))
    notes = list(dict.fromkeys(a.note for a in alone if a.note))
    attributes: dict[str, Any] = {}
    for a in alone:
        for key, value in a.attributes.items():
            attributes.setdefault(key, value)
    joined = keep.moved_to(ds.doc.text, lo, hi).edited(note="\n\n".join(notes), attributes=attributes)
    ds.status.pop(keep.id, None)   # placed by hand now: exact
    changes = [Change(ds.doc.id, a.id, Entry(a), None) for a in rest]
    changes.append(Change(ds.doc.id, keep.id, Entry(keep), Entry(joined)))
    what = f"merged {len(alone)} annotations into one" if rest else "extended its annotation"
    return f"Tagged {name}: {what}", changes


def replay_changes(action: Action, undo: bool, docs: list[_Doc],
                   sync: Callable[[_Doc], str | None]) -> tuple[list[Change], list[str], list[str]]:
    """Undo (or redo) ``action`` on ``docs`` (each first brought up to date by ``sync``): a change
    applies only where the annotation is still as the action left it. Returns (applied changes,
    ids left alone, merge notes)."""
    applied: list[Change] = []
    skipped: list[str] = []
    notes: list[str] = []
    for ds in docs:
        note = sync(ds)
        if note:
            notes.append(note)
        for ch in action.changes:
            if ch.document != ds.doc.id:
                continue
            expect, target = (ch.after, ch.before) if undo else (ch.before, ch.after)
            if ds.entries.get(ch.id) == expect:
                ds.set(ch.id, target)
                applied.append(ch)
            else:
                skipped.append(ch.id)
    return applied, skipped, notes


def replayed_annotation(action: Action, undo: bool, applied: list[Change]) -> tuple[str, str | None]:
    """(document, annotation id) an undo or redo leaves to show: the first change's, if it still exists."""
    first = action.changes[0] if action.changes else None
    if first is None:
        return "", None
    target = first.before if undo else first.after
    return first.document, (first.id if target is not None and first in applied else None)


def recategorised(ds: _Doc, ids: Iterable[str], categories: Callable[[Annotation], Iterable[str]]) -> list[Change]:
    """The changes that give each annotation of ``ids`` the categories ``categories(annotation)``
    returns (none left: the annotation goes); annotations already so, or gone, make none."""
    changes: list[Change] = []
    for ann_id in ids:
        entry = ds.entries.get(ann_id)
        if entry is None:
            continue
        wanted = tuple(dict.fromkeys(categories(entry.ann)))
        if wanted == entry.ann.categories:
            continue
        after = Entry(entry.ann.edited(categories=wanted), entry.orphan) if wanted else None
        changes.append(Change(ds.doc.id, ann_id, entry, after))
    return changes


def orphaned(ds: _Doc, ann_id: str) -> tuple[str, list[Change]] | str:
    """The change that makes an annotation an orphan by a person's decision (the place a carry
    found for it is wrong): kept in the file, marked so that no re-anchoring places it again, with
    the version its offsets refer to: the one shown when it was placed, or, for an orphan already,
    the one it was last placed in."""
    entry = ds.entries.get(ann_id)
    if entry is None:
        return f"no annotation {ann_id!r} in {ds.doc.id}"
    if entry.orphan and set_aside(entry.ann):
        return "Already an orphan", []
    extra = {**entry.ann.extra, SET_ASIDE: True}
    if not entry.orphan and ds.doc.version:
        extra["version"] = ds.doc.version
    ds.status.pop(ann_id, None)
    return "Orphaned annotation (kept in the file)", [
        Change(ds.doc.id, ann_id, entry, Entry(replace(entry.ann.edited(), extra=extra), orphan=True))]


def placed_again(ann: Annotation) -> Annotation:
    """An orphan re-attached by hand: no longer set aside, and its offsets refer to the version
    shown, as the file's do."""
    if SET_ASIDE not in ann.extra and "version" not in ann.extra:
        return ann
    return replace(ann, extra={k: v for k, v in ann.extra.items() if k not in (SET_ASIDE, "version")})
