"""StatusLine: clause n/N, annotation count, selection and re-anchoring warnings of one pane."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget


class StatusLine(Widget):
    """One line under a pane. Built from numbers and fixed words; never from document text.

    A plain Widget whose ``render`` returns the line: updating it repaints one row without a
    layout pass (a ``Static.update`` would re-layout the screen on every cursor move).
    """

    _content: Content = Content("")

    def render(self) -> Content:
        return self._content

    _message: tuple[str, bool] | None = None
    _last: dict = {}

    def set_message(self, message: str, saved: bool) -> None:
        """The last thing the session did (``Tagged Data Retention``), with whether it is on disk."""
        self._message = (message, saved)
        self.show(**self._last)

    @property
    def message(self) -> str | None:
        """The message shown after the counts, or None."""
        return self._message[0] if self._message is not None else None

    def clear_message(self) -> None:
        """Take the message away (the counts stay)."""
        if self._message is not None:
            self._message = None
            if self._last:
                self.show(**self._last)

    def show(self, *, clause: int, clauses: int, annotations: int, moved: int = 0, fuzzy: int = 0,
             orphans: int = 0, selected: int = 0, matches: int | None = None, match: int = -1,
             query: str = "", pending: bool = False, error: str | None = None,
             read_only: bool = False, column: int = 0) -> None:
        self._last = dict(clause=clause, clauses=clauses, annotations=annotations, moved=moved, fuzzy=fuzzy,
                          orphans=orphans, selected=selected, matches=matches, match=match, query=query,
                          pending=pending, error=error, read_only=read_only, column=column)
        parts: list[Content | str] = []
        where = f"clause {clause + 1}/{clauses}" + (f":{column}" if column else "")  # :n is the caret's character
        parts.append(where if clauses else "no clauses")
        parts.append(f"{annotations} annotation{'s' if annotations != 1 else ''}")
        if selected:
            parts.append(Content.styled(f"{selected} selected", "bold"))
        if moved:
            parts.append(Content.styled(f"\u00bb {moved} moved", "$warning"))
        if fuzzy:
            parts.append(Content.styled(f"~ {fuzzy} fuzzy", "$warning"))
        if orphans:
            parts.append(Content.styled(f"{orphans} orphan{'s' if orphans != 1 else ''} (O)", "$error"))
        if matches is not None and query:
            if matches:
                parts.append(Content(f"match {match + 1}/{matches}" if match >= 0 else f"{matches} matches"))
            else:
                parts.append(Content.styled("no match", "$error"))
        if pending:
            parts.append(Content.styled("unsaved (ctrl+s)", "$error bold"))
        if read_only:
            parts.append(Content.styled("read-only", "$error"))
        if error:
            parts.append(Content.styled("annotation file unreadable", "$error bold"))
        if self._message is not None:
            message, saved = self._message
            parts.append(Content(message).stylize("dim") if saved else Content.styled(message, "$error"))
        content = Content(" \u00b7 ").join(Content(p) if isinstance(p, str) else p for p in parts)
        if content != self._content:
            self._content = content
            self.refresh()
