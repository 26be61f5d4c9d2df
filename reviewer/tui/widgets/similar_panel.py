"""SimilarPanel: the closest clauses of the other policies to the clause under the cursor.

Each row: a mark, the score, the policy, the categories already on that clause, and the clause
(matching words emphasised). The panel never writes: ``enter`` asks to jump there, a category key
(``1``..``0``) asks to tag the highlighted clause, ``space`` marks a row and moves to the next (as
ranger and vifm do: marking a run of rows is one key each), ``A`` asks to apply the current
annotation's categories to every marked one; the workspace screen does the writing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from reviewer.safetext import one_line
from reviewer.taxonomy import Taxonomy
from reviewer.tui.clause_search import clause_content

if TYPE_CHECKING:
    from reviewer.fuzzy import Hit, Match


def _tag_bindings() -> list[Binding]:
    return [Binding(key, f"tag('{key}')", f"Tag {key}", show=False, id=f"similar.tag_{key}",
                    tooltip=f"Toggle the category with key {key} on the highlighted match")
            for key in "1234567890"]


class SimilarPanel(Vertical):
    """The clauses most like the current one, in the other policies, ready to tag."""

    BINDINGS = [
        *_tag_bindings(),
        Binding("space", "mark", "Mark and next", id="similar.mark",
                tooltip="Mark or unmark the highlighted match and go to the next one (as in ranger and vifm)"),
        Binding("A", "apply", "Apply to marked", id="similar.apply",
                tooltip="Give every marked match all the categories of the current clause's annotation"),
        Binding("escape", "close", "Close", id="similar.close", tooltip="Close the Similar panel"),
    ]

    @dataclass
    class JumpRequested(Message):
        panel: "SimilarPanel"
        match: Match

        @property
        def control(self) -> "SimilarPanel":
            return self.panel

    @dataclass
    class TagRequested(Message):
        panel: "SimilarPanel"
        match: Match
        key: str

        @property
        def control(self) -> "SimilarPanel":
            return self.panel

    @dataclass
    class ApplyRequested(Message):
        panel: "SimilarPanel"
        matches: tuple[Match, ...]

        @property
        def control(self) -> "SimilarPanel":
            return self.panel

    @dataclass
    class CloseRequested(Message):
        panel: "SimilarPanel"

        @property
        def control(self) -> "SimilarPanel":
            return self.panel

    REFRESH = 0.5  # seconds between checks that the categories shown are still those on disk

    def __init__(self, taxonomy: Taxonomy, categories_of: Callable[[Hit], tuple[str, ...]] | None = None, *,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.taxonomy = taxonomy
        self.categories_of = categories_of
        self.source: tuple[str, tuple[int, int]] | None = None
        self.source_text = ""
        self.matches: list[Match] = []
        self.categories: dict[Hit, tuple[str, ...]] = {}
        self.marked: set[int] = set()
        self.title = Label(classes="similar-title")
        self.list = OptionList(id="similar-list")

    def compose(self) -> ComposeResult:
        yield self.title
        yield self.list

    def on_mount(self) -> None:
        if self.categories_of is not None:
            self.set_interval(self.REFRESH, self.refresh_categories, name="similar-categories")

    def refresh_categories(self) -> None:
        """Show the categories each row has now (an undo, a tag from a pane or another program
        may have changed them since the rows were listed)."""
        if self.categories_of is None:
            return
        for m in self.matches:
            now = self.categories_of(m.ref)
            if now != self.categories.get(m.ref, ()):
                self.set_categories(m.ref, now)

    def start(self, document: str, span: tuple[int, int], text: str, *, ready: bool = True) -> None:
        """A new source clause: clear the rows until its matches arrive."""
        self.source = (document, span)
        self.source_text = text
        self.matches, self.categories, self.marked = [], {}, set()
        self.list.clear_options()
        waiting = "looking\u2026" if ready else "indexing the policies first\u2026"
        self.title.update(Content(f"Similar to {one_line(document, 40)} @{span[0]}: {waiting}"))

    def show(self, matches: list[Match], categories: dict[Hit, tuple[str, ...]]) -> None:
        self.matches = list(matches)
        self.categories = dict(categories)
        self.marked = set()
        self.list.clear_options()
        self.list.add_options(Option(self._prompt(n), id=str(n)) for n in range(len(self.matches)))
        if self.matches:
            self.list.highlighted = 0
        doc, span = self.source or ("", (0, 0))
        found = f"{len(self.matches)} in other policies" if self.matches else "nothing like it in the other policies"
        self.title.update(Content(f"Similar to {one_line(doc, 40)} @{span[0]}: {found} \u2014 "
                                  "enter jump, 1-0 tag, space mark and next, A apply to marked, escape close"))

    def set_categories(self, place: Hit, categories: tuple[str, ...]) -> None:
        self.categories[place] = categories
        for n, m in enumerate(self.matches):
            if m.ref == place:
                self.list.replace_option_prompt_at_index(n, self._prompt(n))

    def focus_list(self) -> None:
        self.list.focus()

    def _prompt(self, n: int) -> Content:
        m = self.matches[n]
        mark = "\u25cf" if n in self.marked else " "
        cats = self.categories.get(m.ref, ())
        names = ", ".join(self.taxonomy.name(c) for c in cats)
        head = Content.assemble((f"{mark} {m.score:>3.0f}  ", "bold"), (one_line(m.document, 50), "$text-accent"),
                                ("  " + one_line(names, 60) if names else "", "italic $text-muted"))
        return Content.assemble(head, "\n      ", clause_content(self.source_text, m.text, 240))

    @property
    def highlighted(self) -> Match | None:
        index = self.list.highlighted
        return self.matches[index] if index is not None and 0 <= index < len(self.matches) else None

    @on(OptionList.OptionSelected, "#similar-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.matches):
            self.post_message(self.JumpRequested(self, self.matches[event.option_index]))

    def action_tag(self, key: str) -> None:
        match = self.highlighted
        if match is not None and self.taxonomy.by_key(key) is not None:
            self.post_message(self.TagRequested(self, match, key))

    def action_mark(self) -> None:
        index = self.list.highlighted
        if index is None or not (0 <= index < len(self.matches)):
            return
        self.marked ^= {index}
        self.list.replace_option_prompt_at_index(index, self._prompt(index))
        if index + 1 < len(self.matches):
            self.list.highlighted = index + 1

    def action_apply(self) -> None:
        if not self.marked:
            self.app.notify("Mark matches with space first", timeout=3)
            return
        self.post_message(self.ApplyRequested(self, tuple(self.matches[i] for i in sorted(self.marked))))

    def action_close(self) -> None:
        self.post_message(self.CloseRequested(self))
