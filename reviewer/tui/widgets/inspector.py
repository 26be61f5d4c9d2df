"""Inspector: what the annotation under the caret is, on two lines under the panes.

Categories, the note's first line, attributes, how it was re-anchored (exact, moved or fuzzy, with
its score), who annotated it and when. Everything shown that comes from a file (names, notes,
attribute values, the annotator) goes through ``safetext``, so a file cannot style the screen.
A plain Widget whose ``render`` returns the lines: a caret move repaints it without a layout pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from textual.content import Content
from textual.widget import Widget

from reviewer.safetext import one_line, visible
from reviewer.store import Annotation
from reviewer.taxonomy import Taxonomy

from reviewer.tui.widgets.pane_painter import NOTE_MARK   # the gutter's mark for an annotation with a note
NOTHING = "No annotation under the caret"


@dataclass(frozen=True)
class Inspected:
    """What the inspector shows: an annotation with where it came from."""

    annotation: Annotation
    status: tuple[str, float] | None   # ("moved" | "fuzzy", score) when re-anchored; None: exact
    annotator: str                     # the set's annotator, unless the annotation names its own


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "unknown"


def _value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def describe(item: Inspected | None, taxonomy: Taxonomy, width: int = 200) -> tuple[str, str]:
    """The two lines, as plain safe text (tested without a terminal)."""
    if item is None:
        return NOTHING, ""
    ann = item.annotation
    names = ", ".join(taxonomy.name(c) for c in ann.categories) or "no category"
    first = ann.note.strip().splitlines()[0] if ann.note.strip() else ""
    note = f"note: {first}" if first else "no note"
    if ann.note.strip().count("\n"):
        note += " (\u2026)"
    parts = [names, note]
    if ann.attributes:
        parts.append("; ".join(f"{k}={_value(v)}" for k, v in sorted(ann.attributes.items())))
    status, score = item.status if item.status else ("exact", 100.0)
    anchoring = f"anchored {status} (score {score:g})"
    span = f"{ann.start}\u2013{ann.end}"
    second = [anchoring, f"at {span}", f"by {item.annotator or 'unknown'}",
              f"created {_when(ann.created)}", f"updated {_when(ann.updated)}"]
    return one_line(" \u00b7 ".join(parts), width), one_line(" \u00b7 ".join(second), width)


class Inspector(Widget):
    """Two lines about the annotation under the focused pane's caret; toggled by the workspace."""

    _lines: tuple[str, str] = (NOTHING, "")
    _item: Inspected | None = None

    def __init__(self, taxonomy: Taxonomy, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.taxonomy = taxonomy

    def show(self, item: Inspected | None) -> None:
        if item == self._item:
            return
        self._item = item
        self._lines = describe(item, self.taxonomy, max(20, self.size.width or 200))
        self.refresh()

    @property
    def text(self) -> str:
        return "\n".join(self._lines)

    def render(self) -> Content:
        first, second = self._lines
        if self._item is None:
            return Content.styled(visible(first), "italic $text-muted")
        return Content.assemble((first, "bold"), "\n", (second, "$text-muted"))

    def on_resize(self) -> None:
        if self._item is not None:
            self._lines = describe(self._item, self.taxonomy, max(20, self.size.width))


__all__ = ["Inspected", "Inspector", "NOTE_MARK", "describe"]
