"""Ghost tags: how a PolicyPane draws suggested categories, kept out of the pane's module.

A ghost is anything with ``start``, ``end``, ``categories`` (best first) and ``confidence``
({category: probability}), i.e. a ``reviewer.suggestions.Suggestion``. The pane tints a ghost's
text faintly in its best category's colour (italic), puts a hollow badge in the gutter, and writes
``◌ Data Retention 82%`` after the clause's last line when there is room for it and no other
clause follows on that line.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any, Sequence

from rich.cells import cell_len

GHOST_BADGE = "\u25cc"   # ◌ dotted circle: suggested, not tagged
GHOST_TINT = 0.16        # how much of the category colour goes into a ghost's background


def ghosts_on_line(ghosts: Sequence[Any], starts: Sequence[int], ls: int, le: int) -> list[Any]:
    """The ghosts (sorted by start; ``starts`` their starts) overlapping the line ``[ls, le)``."""
    if not ghosts:
        return []
    k = max(0, bisect_left(starts, ls) - 1)
    out = []
    while k < len(ghosts) and ghosts[k].start < le:
        g = ghosts[k]
        if g.end > ls:
            out.append(g)
        k += 1
    return out


def ghost_at(line_ghosts: Sequence[Any], offset: int) -> Any | None:
    for g in line_ghosts:
        if g.start <= offset < g.end:
            return g
    return None


def percent(confidence: float) -> str:
    return f"{min(99, int(confidence * 100 + 0.5))}%"


def ghost_label(name: str, confidence: float, room: int) -> str | None:
    """The label after a ghost's last line, fitted to ``room`` cells: the whole name, else the name
    cut to the room there is, else the percentage alone, or None."""
    pct = percent(confidence)
    whole = f" {GHOST_BADGE} {name} {pct}"
    if cell_len(whole) <= room:
        return whole
    keep = room - cell_len(f" {GHOST_BADGE} \u2026 {pct}")
    if keep >= 4:
        cut = name
        while cut and cell_len(cut) > keep:
            cut = cut[:-1]
        return f" {GHOST_BADGE} {cut.rstrip()}\u2026 {pct}"
    short = f" {GHOST_BADGE} {pct}"
    return short if cell_len(short) <= room else None


def label_fits_after(text: str, end: int, line_end: int) -> bool:
    """A label may follow a ghost only where nothing but blanks follows it on its screen line:
    drawn after the next clause has started, it would name the wrong text."""
    return not text[end:line_end].strip()


__all__ = ["GHOST_BADGE", "GHOST_TINT", "ghost_at", "ghost_label", "ghosts_on_line", "label_fits_after", "percent"]
