"""Carrying annotations through a policy's versions, one version at a time.

Each step re-anchors the annotations still placed against the next version, ranking candidates
by where the clause diff of the two versions says each one should be; so a clause reworded twice
is followed through both rewordings instead of being looked for in a text that no longer resembles
it. Technical re-extractions are stepped over. An annotation orphaned on the way is kept as it was
last placed, with that version (``version`` on the annotation), never dropped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Callable

from reviewer.anchoring import EXACT, FUZZY, MOVED, ORPHANED, Resolution, resolve, resolve_all, set_aside
from reviewer.documents import text_sha256
from reviewer.errors import ReviewerError
from reviewer.merge import same_value
from reviewer.store import Annotation, AnnotationFile
from reviewer.versions.clause_follow import follow_by_clause
from reviewer.versions.diff import VersionDiff, diff_texts, line_map
from reviewer.versions.model import Version, VersionedDocument, VersionError

ORDER = {EXACT: 0, MOVED: 1, FUZZY: 2, ORPHANED: 3}


@dataclass
class Step:
    old: Version
    new: Version
    statuses: Counter[str] = field(default_factory=Counter)
    fuzzy: list[tuple[str, float]] = field(default_factory=list)   # (id, score)
    orphaned: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)  # orphaned earlier, found again verbatim here


@dataclass
class Fate:
    """Where one annotation ended up: its worst status on the way, lowest score, both offsets."""
    annotation: Annotation          # as it was at the start
    status: str
    score: float
    start: int | None               # in the target (None: orphaned)
    end: int | None
    last_version: str               # the version it was last placed in
    before: str = EXACT             # its worst status before it was orphaned (if it comes back)


@dataclass
class CarryResult:
    document: VersionedDocument
    start: Version
    target: Version
    steps: list[Step]
    fates: list[Fate]
    annotations: list[Annotation]   # what the file holds afterwards: placed in target, plus orphans

    def summary(self) -> dict[str, int]:
        c = Counter(f.status for f in self.fates)
        return {k: c.get(k, 0) for k in (EXACT, MOVED, FUZZY, ORPHANED)}


def follow(annotations: list[Annotation], old_text: str, new_text: str,
           diff: VersionDiff) -> tuple[list[Resolution], list[Resolution]]:
    """One step, for a diff: the annotations placed in the old text first (``before``), then those
    placed followed into the new text (``after``; an orphan in the old text stays one)."""
    before = resolve_all(annotations, old_text)
    placed = [r.anchored(old_text) for r in before if r.placed]
    moved = iter(_followed(placed, old_text, new_text, diff.expected, lambda: diff))
    after = [next(moved) if r.placed else r for r in before]
    return before, after


def _followed(placed: list[Annotation], old_text: str, new_text: str, expected: Callable[[int], int],
              clauses: Callable[[], VersionDiff]) -> list[Resolution]:
    """``placed`` (anchored in ``old_text``) re-anchored in ``new_text``; one re-anchoring gives up
    is followed through its clause's rewording, if the clause diff (made only then) paired it."""
    results = resolve_all(placed, new_text, expected=expected)
    lost = [i for i, r in enumerate(results) if r.status == ORPHANED and not set_aside(placed[i])]
    if lost:
        diff = clauses()
        for i in lost:
            results[i] = follow_by_clause(placed[i], old_text, new_text, diff) or results[i]
    return results


def _recover(kept: dict[str, Annotation], live: dict[str, Annotation], state: dict[str, "Fate"], text: str,
             version: Version, step: Step) -> None:
    """An annotation orphaned by a version that lost its passage (a page that failed to load, a
    section taken out and put back) comes back when its passage does, verbatim with its context."""
    for ident in list(kept):
        ann = kept[ident]
        fate = state[ident]
        if fate.last_version == version.version and resolve(ann, text).status == EXACT:
            start = ann.start  # back in the version its offsets refer to, at those offsets
        else:
            full = ann.prefix + ann.quote + ann.suffix
            pos = text.find(full)
            if pos == -1 or len(full) < 24 or text.find(full, pos + 1) != -1:
                continue
            start = pos + len(ann.prefix)
        live[ident] = ann.moved_to(text, start, start + len(ann.quote))
        del kept[ident]
        fate.start, fate.end, fate.last_version = start, start + len(ann.quote), version.version
        fate.status = fate.before if ORDER[fate.before] >= ORDER[MOVED] else MOVED
        step.recovered.append(ident)


def path_between(doc: VersionedDocument, start: Version, target: Version) -> list[Version]:
    """The versions walked from ``start`` to ``target`` (either direction), technical ones
    stepped over (unless one is an end)."""
    i, j = doc.index(start), doc.index(target)
    step = 1 if j >= i else -1
    walk = [doc.versions[k] for k in range(i, j + step, step)]
    return [v for k, v in enumerate(walk) if k in (0, len(walk) - 1) or not v.technical]


def start_version(doc: VersionedDocument, af: AnnotationFile | None) -> Version:
    """The version an annotation file's offsets refer to: its ``version``, else the version whose
    text has its ``sha256``, else the latest."""
    if af is not None and af.version:
        for v in doc.versions:
            if v.version == af.version:
                return v
        raise VersionError(doc.path, f"the annotation file names version {af.version!r}, which is not recorded")
    if af is not None and af.sha256:
        texts = doc.texts(doc.versions)
        for v, text in zip(doc.versions, texts):
            if text_sha256(text) == af.sha256:
                return v
    return doc.policy[-1]


def carry(doc: VersionedDocument, annotations: list[Annotation], start: Version, target: Version) -> CarryResult:
    walk = path_between(doc, start, target)
    texts = doc.texts(walk)

    # offsets first checked against the start version itself
    first = resolve_all(annotations, texts[0])
    live: dict[str, Annotation] = {}
    state: dict[str, Fate] = {}
    kept: dict[str, Annotation] = {}
    for ann, r in zip(annotations, first):
        # an orphan without a version of its own has offsets that refer to the start version
        state[ann.id] = Fate(ann, r.status, r.score, r.start, r.end,
                             walk[0].version if r.placed else ann.extra.get("version") or walk[0].version)
        if r.placed:
            live[ann.id] = r.anchored(texts[0])
        elif not set_aside(ann):  # an orphan already: tried again in every version on the way
            kept[ann.id] = ann
    steps: list[Step] = []
    for k in range(1, len(walk)):
        d = line_map(texts[k - 1], texts[k])
        step = Step(walk[k - 1], walk[k])
        _recover(kept, live, state, texts[k], walk[k], step)
        ids = [i for i in live if i not in step.recovered]
        old, new = texts[k - 1], texts[k]
        results = _followed([live[i] for i in ids], old, new, d.expected, partial(diff_texts, old, new, words=False))
        for ident, r in zip(ids, results):
            step.statuses[r.status] += 1
            fate = state[ident]
            if r.status == ORPHANED:
                fate.before = fate.status
            if ORDER[r.status] > ORDER[fate.status]:
                fate.status = r.status
            fate.score = min(fate.score, r.score)
            if r.status == ORPHANED:
                step.orphaned.append(ident)
                fate.start = fate.end = None
                kept[ident] = live.pop(ident)  # as last placed, in fate.last_version
                continue
            if r.status == FUZZY:
                step.fuzzy.append((ident, r.score))
            elif r.status == MOVED:
                step.moved.append(ident)
            live[ident] = r.anchored(texts[k])
            fate.start, fate.end, fate.last_version = r.start, r.end, walk[k].version
        steps.append(step)
    out: list[Annotation] = []
    for ann in annotations:
        fate = state[ann.id]
        if ann.id in live:
            placed = live[ann.id]
            extra = {k: v for k, v in placed.extra.items() if k != "version"}
            out.append(replace(placed, extra=extra))
        elif ann.id in kept:  # kept as it was last placed, with the version its offsets refer to
            last = kept[ann.id]
            if "version" in last.extra or fate.last_version != target.version:
                last = replace(last, extra={**last.extra, "version": fate.last_version})
            out.append(last)
        else:  # set aside by a person: unchanged until they re-attach it
            out.append(ann)
    return CarryResult(doc, start, target, steps, list(state.values()), out)


def file_id(store, doc: VersionedDocument) -> str:
    """The id of the set's file of ``doc``: its versioned id; for a file in a git repository that
    has none under it, the file's stem (the id the app and ``check`` give the file on disk) when
    that file records this file and a text of its history, so annotating a file and then carrying
    it through its commits works without renaming anything."""
    plain = doc.path.stem
    if doc.kind != "git" or plain == doc.id or store.load(doc.id) is not None:
        return doc.id
    try:
        af = store.load(plain)
    except ReviewerError:   # a stem no set file can have (set, taxonomy), or an unreadable file
        return doc.id
    if af is None or af.source not in ("", doc.path.name):
        return doc.id
    return plain if af.sha256 in {text_sha256(t) for t in doc.texts(doc.versions)} else doc.id


def carry_file(store, doc: VersionedDocument, target: Version, *, dry_run: bool = False,
               ident: str | None = None) -> tuple[CarryResult, bool] | None:
    """Carry a set's annotation file of ``doc`` (``ident``: the one with that id, default the
    document's) to ``target`` and write it once, atomically, under the set's write guard
    (``dry_run``: compute only). None when the set has no annotations for it; else the result and
    whether the file was written."""
    from reviewer.lock import write_guard

    ident = ident or doc.id
    with write_guard(store.root):
        af = store.load(ident)
        if af is None or not af.annotations:
            return None
        start = start_version(doc, af)
        result = carry(doc, af.annotations, start, target)
        written = False
        if not dry_run and (target.version != start.version or not same_value(result.annotations, af.annotations)):
            source = (doc.path / target.ref).name if doc.kind == "dataset" else doc.path.name
            store.save(AnnotationFile(ident, source, text_sha256(doc.text(target)), result.annotations,
                                      dict(af.extra), version=target.version))
            written = True
    return result, written


__all__ = ["carry_file", "file_id", "follow", "carry", "CarryResult", "Step", "Fate", "path_between", "start_version"]
