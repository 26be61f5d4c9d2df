"""Legend: the taxonomy's categories with their keys and colours."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from reviewer.safetext import one_line
from reviewer.taxonomy import Taxonomy


class Legend(Static):
    """``■ 1 First Party Collection/Use  ■ 2 ...``; redrawn when the theme changes."""

    def __init__(self, taxonomy: Taxonomy, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.taxonomy = taxonomy

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.redraw())
        self.redraw()

    def redraw(self) -> None:
        from reviewer.tui.themes import category_colour

        text = Text(no_wrap=False, overflow="fold")
        for n, cat in enumerate(self.taxonomy):
            if n:
                text.append("  ")
            colour = category_colour(self.app, self.taxonomy, cat.slug)
            text.append("\u25a0 ", Style(color=colour))
            if cat.key:
                text.append(cat.key, Style(bold=True))
                text.append(" ")
            text.append(one_line(cat.name, 40))
        self.update(text)
