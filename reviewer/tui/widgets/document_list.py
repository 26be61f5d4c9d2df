"""DocumentList: every open policy with its annotation counts by category."""

from __future__ import annotations

from collections import Counter
from typing import Sequence

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reviewer.documents import Document
from reviewer.safetext import one_line
from reviewer.taxonomy import Taxonomy


BULLET = "\u25a0"


class DocumentList(OptionList):
    """A list of documents; selecting one (enter) asks the screen to show it in the active pane."""

    BINDINGS = [
        Binding("escape", "leave", "Back to the panes", id="doclist.leave",
                tooltip="Return the focus to the panes"),
    ]

    def __init__(self, documents: Sequence[Document], taxonomy: Taxonomy, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.taxonomy = taxonomy
        self._documents = {d.id: d for d in documents}
        self._counts: dict[str, Counter[str]] = {}
        self._colours: dict[str, str] = {}
        self._built = False
        self._wanted: str | None = None

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.rebuild() if self._built else None)

    def on_show(self) -> None:
        # Built the first time it is shown: a folder of 1,000 policies costs nothing until then.
        if not self._built:
            self._built = True
            self.rebuild()
            if self._wanted:
                self.select_document(self._wanted)

    def _colour(self, slug: str) -> str:
        if slug not in self._colours:
            from reviewer.tui.themes import category_colour

            self._colours[slug] = category_colour(self.app, self.taxonomy, slug)
        return self._colours[slug]

    def _prompt(self, doc: Document) -> Text:
        text = Text(one_line(doc.title, 30), no_wrap=True, overflow="ellipsis")
        counts = self._counts.get(doc.id)
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(one_line(doc.id, 24), Style(dim=True))
        if counts is None:
            line.append("  \u2026", Style(dim=True))
        else:
            total = sum(counts.values())
            if total:
                line.append(" ")
            for cat in self.taxonomy:
                if counts.get(cat.slug):
                    # The colour on a square only: digits stay readable on the highlighted row.
                    line.append(" ")
                    line.append(BULLET, Style(color=self._colour(cat.slug)))
                    line.append(f"{cat.key}:{counts[cat.slug]}" if cat.key else str(counts[cat.slug]))
            unknown = sum(v for k, v in counts.items() if k not in self.taxonomy)
            if unknown:
                line.append(f" ?:{unknown}", Style(dim=True))
        return Text("\n").join([text, line])

    def rebuild(self) -> None:
        self._colours = {}
        highlighted = self.highlighted
        self.clear_options()
        self.add_options([Option(self._prompt(doc), id=doc.id) for doc in self._documents.values()])
        if highlighted is not None and self.option_count:
            self.highlighted = min(highlighted, self.option_count - 1)

    def update_counts(self, doc_id: str, counts: Counter[str]) -> None:
        self._counts[doc_id] = Counter(counts)
        if doc_id in self._documents and self.is_mounted and self._built:
            try:
                self.replace_option_prompt(doc_id, self._prompt(self._documents[doc_id]))
            except Exception:  # noqa: BLE001 - the option may not be built yet
                pass

    def select_document(self, doc_id: str) -> None:
        self._wanted = doc_id
        if not self._built:
            return
        try:
            self.highlighted = self.get_option_index(doc_id)
        except Exception:  # noqa: BLE001
            pass

    class LeaveRequested(Message):
        """Escape in the list: the screen gives the focus back to the panes."""

    def action_leave(self) -> None:
        self.post_message(self.LeaveRequested())
