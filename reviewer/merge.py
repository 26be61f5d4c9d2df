"""Three-way merge of one document's annotations by annotation id.

``base`` is what we last read from or wrote to the file, ``ours`` is what the session holds now,
``theirs`` is what another program left on disk. Per id:

- both sides agree, or only one side changed it: that side's version is taken (an addition, an
  edit or a deletion made by only one side is never lost);
- both changed it differently: the version with the later ``updated`` time is kept (ours on a
  tie, since it is what the analyst sees), and the conflict is reported;
- one side deleted it while the other edited it: the edit is kept (deleting is easy to redo,
  losing an edit is not), and the conflict is reported.

Pure functions over plain mappings, so the rules can be tested without files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Generic, Mapping, TypeVar

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
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def took_theirs(self) -> bool:
        """Did anything from the other side come in (or a conflict get decided)?"""
        return bool(self.added or self.changed or self.removed or self.conflicts)

    def summary(self) -> str:
        """One line for the analyst, e.g. ``1 added, 2 changed elsewhere; conflict on 'ab12': ...``."""
        parts = []
        for n, word in ((len(self.added), "added"), (len(self.changed), "changed"), (len(self.removed), "removed")):
            if n:
                parts.append(f"{n} {word}")
        text = (", ".join(parts) + " by the other program") if parts else "no changes from the other program"
        for c in self.conflicts[:3]:
            side = "this session's" if c.kept == OURS else "the other program's"
            text += f"; {c.id!r} changed on both sides: kept {side} version ({c.reason})"
        if len(self.conflicts) > 3:
            text += f"; {len(self.conflicts) - 3} more conflicts"
        return text


def _when(value: object, updated: Callable[[object], datetime | None]) -> datetime:
    stamp = updated(value)
    if stamp is None:
        return _EPOCH
    return stamp.replace(tzinfo=timezone.utc) if stamp.tzinfo is None else stamp


def merge3(base: Mapping[str, V], ours: Mapping[str, V], theirs: Mapping[str, V],
           updated: Callable[[V], datetime | None] = lambda v: getattr(v, "updated", None)) -> MergeResult[V]:
    """Merge ``ours`` and ``theirs`` against their common ``base``, id by id (see the module doc)."""
    result: MergeResult[V] = MergeResult({})
    merged = result.merged
    ids = list(ours) + [i for i in theirs if i not in ours] + [i for i in base if i not in ours and i not in theirs]
    for ident in ids:
        b, o, t = base.get(ident), ours.get(ident), theirs.get(ident)
        if o == t:
            if o is not None:
                merged[ident] = o
            continue
        if o == b:                       # only they changed it
            if t is None:
                result.removed.append(ident)
            else:
                merged[ident] = t
                (result.changed if b is not None else result.added).append(ident)
            continue
        if t == b:                       # only we changed it
            if o is not None:
                merged[ident] = o
            continue
        # Both changed it, differently.
        if o is None:
            merged[ident] = t  # type: ignore[assignment]  # None stands for deleted
            result.conflicts.append(Conflict(ident, THEIRS, "deleted here, edited there: the edit is kept"))
        elif t is None:
            merged[ident] = o
            result.conflicts.append(Conflict(ident, OURS, "edited here, deleted there: the edit is kept"))
        elif _when(t, updated) > _when(o, updated):  # type: ignore[arg-type]  # both sides exist on this branch
            merged[ident] = t
            result.conflicts.append(Conflict(ident, THEIRS, "its edit is later"))
        else:
            merged[ident] = o
            result.conflicts.append(Conflict(ident, OURS, "its edit is later" if _when(o, updated) > _when(t, updated)  # type: ignore[arg-type]  # both sides exist on this branch
                                             else "edited at the same time; this session's is kept"))
    return result


__all__ = ["Conflict", "MergeResult", "merge3", "OURS", "THEIRS"]
