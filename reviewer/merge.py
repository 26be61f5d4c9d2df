"""Three-way merge of one document's annotations by annotation id.

``base`` is what we last read from or wrote to the file, ``ours`` is what the session holds now,
``theirs`` is what another program left on disk. Per id:

- both sides agree, or only one side changed it: that side's version is taken (an addition, an
  edit or a deletion made by only one side is never lost);
- both changed it, in different fields (we tagged it, they rewrote its note): both edits are
  kept, field by field (``combine``);
- both changed the same field differently: the version with the later edit is kept (ours on a
  tie, since it is what the analyst sees), and the conflict is reported. An edit made by hand
  that left ``updated`` as it was is dated by the file's time (``their_time``);
- one side deleted it while the other edited it: the edit is kept (deleting is easy to redo,
  losing an edit is not), and the conflict is reported.

Pure functions over plain mappings, so the rules can be tested without files.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timezone
from typing import Any, Callable, Generic, Iterable, Mapping, TypeVar

from reviewer.values import same_value

V = TypeVar("V")

OURS, THEIRS = "ours", "theirs"
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Conflict:
    """One id both sides changed differently, and which side was kept."""

    id: str
    kept: str          # OURS or THEIRS
    reason: str        # "later edit", "edited here, deleted there", ...


@dataclass
class MergeResult(Generic[V]):
    merged: dict[str, V]
    added: list[str] = field(default_factory=list)      # ids the other side added that we took
    changed: list[str] = field(default_factory=list)    # ids the other side edited that we took
    removed: list[str] = field(default_factory=list)    # ids the other side deleted that we dropped
    combined: list[str] = field(default_factory=list)   # ids both edited, in different fields: both kept
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def took_theirs(self) -> bool:
        """Did anything from the other side come in (or a conflict get decided)?"""
        return bool(self.added or self.changed or self.removed or self.combined or self.conflicts)

    def summary(self) -> str:
        """One line for the analyst, e.g. ``1 added, 2 changed elsewhere; conflict on 'ab12': ...``."""
        parts = []
        for n, word in ((len(self.added), "added"), (len(self.changed), "changed"), (len(self.removed), "removed")):
            if n:
                parts.append(f"{n} {word}")
        text = (", ".join(parts) + " by the other program") if parts else ""
        if self.combined:
            both = ", ".join(repr(i) for i in self.combined[:3]) + (" and more" if len(self.combined) > 3 else "")
            text += ("; " if text else "") + f"{both} edited on both sides in different fields: both edits kept"
        for c in self.conflicts[:3]:
            side = "this session's" if c.kept == OURS else "the other program's"
            text += ("; " if text else "") + f"{c.id!r} changed on both sides: kept {side} version ({c.reason})"
        if len(self.conflicts) > 3:
            text += f"; {len(self.conflicts) - 3} more conflicts"
        return text or "no changes from the other program"


def _utc(stamp: datetime | None) -> datetime:
    if stamp is None:
        return _EPOCH
    return stamp.replace(tzinfo=timezone.utc) if stamp.tzinfo is None else stamp


def merge_fields(base: Any, ours: Any, theirs: Any, *, together: Iterable[Iterable[str]] = (),
                 latest: str = "updated") -> Any | None:
    """A dataclass holding both sides' edits when they changed different fields, else None.

    Fields named in one group of ``together`` change as one (an anchor's offsets, quote and
    context): a group either side changed is taken whole from that side. ``latest`` (a time) is
    the later of the two, as the combined value was edited by both."""
    names = [f.name for f in fields(base) if f.name != latest]
    grouped = [tuple(g) for g in together]
    units = grouped + [(n,) for n in names if not any(n in g for g in grouped)]
    picked: dict[str, Any] = {}
    for unit in units:
        b, o, t = ([getattr(v, n) for n in unit] for v in (base, ours, theirs))
        if same_value(o, t) or same_value(t, b):
            chosen = ours
        elif same_value(o, b):
            chosen = theirs
        else:
            return None
        picked.update({n: getattr(chosen, n) for n in unit})
    stamps = [s for s in (getattr(ours, latest, None), getattr(theirs, latest, None)) if s is not None]
    if stamps:
        picked[latest] = max(stamps, key=_utc)
    return replace(ours, **picked)


def merge3(base: Mapping[str, V], ours: Mapping[str, V], theirs: Mapping[str, V],
           updated: Callable[[V], datetime | None] = lambda v: getattr(v, "updated", None),
           combine: Callable[[V, V, V], V | None] | None = None,
           their_time: datetime | None = None) -> MergeResult[V]:
    """Merge ``ours`` and ``theirs`` against their common ``base``, id by id (see the module doc).
    ``combine(base, ours, theirs)``: one value with both sides' edits, or None when they overlap.
    ``their_time``: when the other side's file was written, for its edits that kept ``updated``."""
    result: MergeResult[V] = MergeResult({})
    merged = result.merged
    ids = list(ours) + [i for i in theirs if i not in ours] + [i for i in base if i not in ours and i not in theirs]
    for ident in ids:
        b, o, t = base.get(ident), ours.get(ident), theirs.get(ident)
        if same_value(o, t):
            if o is not None:
                merged[ident] = o
            continue
        if same_value(o, b):             # only they changed it
            if t is None:
                result.removed.append(ident)
            else:
                merged[ident] = t
                (result.changed if b is not None else result.added).append(ident)
            continue
        if same_value(t, b):             # only we changed it
            if o is not None:
                merged[ident] = o
            continue
        # Both changed it, differently.
        both = combine(b, o, t) if combine is not None and b is not None and o is not None and t is not None else None
        if both is not None:
            merged[ident] = both
            result.combined.append(ident)
            continue
        if o is None:
            merged[ident] = t  # type: ignore[assignment]  # None stands for deleted
            result.conflicts.append(Conflict(ident, THEIRS, "deleted here, edited there: the edit is kept"))
        elif t is None:
            merged[ident] = o
            result.conflicts.append(Conflict(ident, OURS, "edited here, deleted there: the edit is kept"))
        else:
            theirs_at = _utc(updated(t))
            if their_time is not None and b is not None and updated(t) == updated(b):
                theirs_at = max(theirs_at, _utc(their_time))  # edited by hand, ``updated`` left as it was
            ours_at = _utc(updated(o))
            if theirs_at > ours_at:
                merged[ident] = t
                result.conflicts.append(Conflict(ident, THEIRS, "its edit is later"))
            else:
                merged[ident] = o
                result.conflicts.append(Conflict(ident, OURS, "its edit is later" if ours_at > theirs_at
                                                 else "edited at the same time; this session's is kept"))
    return result


__all__ = ["Conflict", "MergeResult", "merge3", "merge_fields", "same_value", "OURS", "THEIRS"]
