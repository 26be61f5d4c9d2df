"""StatusLine: clause n/N, annotation count, selection, search and re-anchoring feedback of one pane."""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.widget import Widget

SEPARATOR = Content(" \u00b7 ")
NARROW_SEPARATOR = Content("\u00b7")
NARROW = 32  # cells: below this the status line takes two rows


@dataclass(frozen=True)
class Part:
    """One piece of the line: its full and its short wording, and how much it matters (0 most)."""

    full: Content
    short: Content
    rank: int
    shrinks: bool = False   # the session's message: cut to the room left rather than dropped


def _part(full: str, short: str, rank: int, style: str = "") -> Part:
    return Part(Content.styled(full, style) if style else Content(full),
                Content.styled(short, style) if style else Content(short), rank)


def _cut(content: Content, width: int) -> Content:
    return content if content.cell_length <= width else content[:max(0, width - 1)] + Content("\u2026")


def fit(parts: list[Part], width: int, rows: int = 1) -> Content:
    """The line for ``width`` cells: full wording when it fits, else short wording, then the least
    important parts dropped; the message is cut to the room that is left. With two rows (a
    narrow pane) the message gets the second row to itself."""
    full = SEPARATOR.join(p.full for p in parts)
    if width <= 0 or full.cell_length <= width:
        return full
    kept = list(parts)
    message = next((p for p in kept if p.shrinks), None)
    if message is not None and rows == 1:  # the counts in full, the message cut, while it says enough
        counts = SEPARATOR.join(p.full for p in kept if p is not message)
        room = width - counts.cell_length - SEPARATOR.cell_length
        if room >= 16:
            return SEPARATOR.join([*(p.full for p in kept if p is not message), _cut(message.full, room)])
    if rows > 1 and message is not None:
        kept.remove(message)
        return Content("\n").join([fit(kept, width), _cut(message.short, width)])
    while True:
        fixed = [p for p in kept if not p.shrinks]
        line = NARROW_SEPARATOR.join(p.short for p in fixed)
        message = next((p for p in kept if p.shrinks), None)
        if message is not None:
            room = width - line.cell_length - (NARROW_SEPARATOR.cell_length if fixed else 0)
            if room >= 4:
                cut = _cut(message.short, room)
                return NARROW_SEPARATOR.join([*(p.short for p in fixed), cut]) if fixed else cut
            lesser = [p for p in fixed if p.rank > message.rank]
            kept.remove(max(lesser, key=lambda p: (p.rank, kept.index(p))) if lesser else message)
            continue
        droppable = [p for p in kept if p.rank > 0]
        if line.cell_length <= width or not droppable:
            return line
        kept.remove(max(droppable, key=lambda p: (p.rank, kept.index(p))))


class StatusLine(Widget):
    """One line under a pane. Built from numbers and fixed words; never from document text.

    A plain Widget whose ``render`` returns the line: updating it repaints one row without a
    layout pass (a ``Static.update`` would re-layout the screen on every cursor move). The line is
    fitted to the width at render time, so four panes on 80 columns keep what matters.
    """

    _parts: list[Part] = []

    def render(self) -> Content:
        return fit(self._parts, self.size.width, self.size.height)

    def on_resize(self) -> None:
        # a narrow pane (four on 80 columns) gives the message a second row rather than drop it
        height = 2 if 0 < self.size.width < NARROW else 1
        if self.styles.height is None or self.styles.height.value != height:
            self.styles.height = height

    _message: tuple[str, bool, str] | None = None
    _last: dict = {}

    def set_message(self, message: str, saved: bool, short: str | None = None, *, draw: bool = True) -> None:
        """The last thing the session did (``Tagged Data Retention``), with whether it is on disk;
        ``short`` is its wording for a narrow pane (else the message is cut). ``draw=False``: kept
        for the ``show`` the caller is about to make (one fit per key, not two)."""
        self._message = (message, saved, short or message)
        self.tooltip = message  # the whole message, where a narrow pane cuts it
        if draw:
            self.show(**self._last)

    @property
    def message(self) -> str | None:
        """The message shown after the counts, or None."""
        return self._message[0] if self._message is not None else None

    def clear_message(self) -> None:
        """Take the message away (the counts stay)."""
        if self._message is not None:
            self._message = None
            self.tooltip = None
            if self._last:
                self.show(**self._last)

    def show(self, *, clause: int = 0, clauses: int = 0, annotations: int = 0, moved: int = 0, fuzzy: int = 0,
             orphans: int = 0, selected: int = 0, matches: int | None = None, match: int = -1,
             query: str = "", pending: bool = False, error: str | None = None,
             read_only: bool = False, column: int = 0) -> None:
        self._last = dict(clause=clause, clauses=clauses, annotations=annotations, moved=moved, fuzzy=fuzzy,
                          orphans=orphans, selected=selected, matches=matches, match=match, query=query,
                          pending=pending, error=error, read_only=read_only, column=column)
        parts: list[Part] = []
        if clauses:  # :n is the caret's character
            parts.append(_part(f"clause {clause + 1}/{clauses}" + (f":{column}" if column else ""),
                               f"{clause + 1}/{clauses}", 0))
        else:
            parts.append(_part("no clauses", "0/0", 0))
        parts.append(_part(f"{annotations} annotation{'s' if annotations != 1 else ''}", f"{annotations} ann", 1))
        if selected:
            parts.append(_part(f"{selected} selected", f"{selected} sel", 3, "bold"))
        if moved:
            parts.append(_part(f"\u00bb {moved} moved", f"\u00bb{moved}", 5, "$warning"))
        if fuzzy:
            parts.append(_part(f"~ {fuzzy} fuzzy", f"~{fuzzy}", 5, "$warning"))
        if orphans:
            parts.append(_part(f"{orphans} orphan{'s' if orphans != 1 else ''} (O)", f"{orphans} orph", 4, "$error"))
        if matches is not None and query:
            if matches:
                found = f"match {match + 1}/{matches}" if match >= 0 else f"{matches} matches"
                parts.append(_part(found, f"/{match + 1}/{matches}" if match >= 0 else f"/{matches}", 1))
            else:
                parts.append(_part("no match", "no match", 1, "$error"))
        if pending:
            parts.append(_part("unsaved (ctrl+s)", "unsaved (ctrl+s)", 1, "$error bold"))  # the one thing to act on
        if read_only:
            parts.append(_part("read-only", "RO", 2, "$error"))
        if error:
            parts.append(_part("annotation file unreadable", "unreadable", 1, "$error bold"))
        if self._message is not None:
            message, saved, short = self._message
            style = "dim" if saved else "$error"
            parts.append(Part(Content.styled(message, style), Content.styled(short, style), 2, shrinks=True))
        if parts != self._parts:
            self._parts = parts
            self.refresh()
