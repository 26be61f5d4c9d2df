"""Two versions of one policy side by side (``d`` in the history): old on the left, new on the
right, one row per clause so that the two sides scroll together. Removed clauses are marked on the
left, added ones on the right, reworded ones with word-level highlights; each annotation is shown
on both sides with its fate. Runs of unchanged clauses are folded into one line. Computed in a
thread worker; read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.widget import Widget
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, Static
from textual.worker import get_current_worker

from reviewer.tui.widgets.key_footer import KeyFooter
from reviewer.anchoring import Resolution
from reviewer.safetext import one_line
from reviewer.store import Annotation
from reviewer.taxonomy import Taxonomy
from reviewer.versions.carry import follow
from reviewer.versions.diff import ADDED, CHANGED, MOVED, REMOVED, SAME, ClauseChange, VersionDiff, diff_texts

CLAUSE_LIMIT = 600


@dataclass
class DiffReady(Message):
    diff: VersionDiff
    before: list[Resolution]
    after: list[Resolution]


class VersionDiffScreen(ModalScreen[None]):
    """Returns nothing; never writes."""

    BINDINGS = [
        Binding("escape,q", "close", "Close", tooltip="Close the comparison", id="version_diff.close"),
        Binding("j,down", "scroll(1)", "Down", show=False, tooltip="Scroll down", id="version_diff.down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, tooltip="Scroll up", id="version_diff.up"),
    ]

    def __init__(self, title: str, old: tuple[str, str], new: tuple[str, str], annotations: list[Annotation],
                 taxonomy: Taxonomy, place: Callable[[], list[Annotation]] | None = None) -> None:
        """``old`` and ``new``: (version label, text); ``annotations`` are placed in the old text,
        or ``place`` places them there (run in the worker: it may carry them through versions)."""
        super().__init__()
        self.document_title = title
        self.old_label, self.old_text = old
        self.new_label, self.new_text = new
        self.annotations = list(annotations)
        self._place = place
        self.taxonomy = taxonomy
        self.diff: VersionDiff | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog") as dialog:
            dialog.border_title = Content.assemble(
                "Changes in ", (one_line(self.document_title, 50), "italic"), ": ",
                one_line(self.old_label), " \u2192 ", one_line(self.new_label))
            yield Label(Content("Comparing\u2026"), id="explanation", classes="dialog-status")
            with Horizontal(id="headings"):
                yield Label(Content(one_line(self.old_label)), classes="old")
                yield Label(Content(one_line(self.new_label)), classes="new")
            yield VerticalScroll(id="rows")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.compute()

    @work(thread=True, exclusive=True, group="version_diff", exit_on_error=False)
    def compute(self) -> None:
        worker = get_current_worker()
        annotations = self._place() if self._place is not None else self.annotations
        d = diff_texts(self.old_text, self.new_text)
        before, after = follow(annotations, self.old_text, self.new_text, d)
        if not worker.is_cancelled:
            self.post_message(DiffReady(d, before, after))

    @on(DiffReady)
    def _ready(self, message: DiffReady) -> None:
        self.diff = message.diff
        rows = self.query_one("#rows", VerticalScroll)
        widgets: list[Widget] = []
        folded = 0
        for change in message.diff.clauses:
            if change.status == SAME:
                folded += 1
                continue
            if folded:
                widgets.append(Static(Content(f"\u2026 {folded} unchanged clause{'s' if folded != 1 else ''} \u2026"),
                                      classes="folded"))
                folded = 0
            widgets.append(self._row(change, message.before, message.after))
        if folded:
            widgets.append(Static(Content(f"\u2026 {folded} unchanged clause{'s' if folded != 1 else ''} \u2026"),
                                  classes="folded"))
        rows.mount_all(widgets)
        c = message.diff.counts()
        fates: dict[str, int] = {}
        for r in message.after:
            fates[r.status] = fates.get(r.status, 0) + 1
        text = (f"{c[CHANGED]} changed, {c[ADDED]} added, {c[REMOVED]} removed, {c[MOVED]} moved, {c[SAME]} the same"
                + ("; annotations: " + ", ".join(f"{n} {k}" for k, n in sorted(fates.items())) if fates else ""))
        self.query_one("#explanation", Label).update(Content(text))
        rows.focus()

    def _row(self, change: ClauseChange, before: list[Resolution], after: list[Resolution]) -> Horizontal:
        left, right = self._sides(change)
        left = Content.assemble(left, *self._marks(change.old, before, after, old_side=True))
        right = Content.assemble(right, *self._marks(change.new, before, after, old_side=False))
        return Horizontal(Static(left, classes="old"), Static(right, classes="new"), classes=f"row {change.status}")

    def _sides(self, change: ClauseChange) -> tuple[Content, Content]:
        old = one_line(self.old_text[change.old[0]:change.old[1]], CLAUSE_LIMIT) if change.old else ""
        new = one_line(self.new_text[change.new[0]:change.new[1]], CLAUSE_LIMIT) if change.new else ""
        if change.status == REMOVED:
            return Content.assemble(("removed  ", "bold $error"), (old, "strike $error")), Content("")
        if change.status == ADDED:
            return Content(""), Content.assemble(("added  ", "bold $success"), (new, "$success"))
        if change.status == MOVED:
            return (Content.assemble(("moved  ", "$foreground-muted"), old),
                    Content.assemble(("moved  ", "$foreground-muted"), new))
        lparts: list[tuple[str, str] | str] = [("changed  ", "bold $warning")]
        rparts: list[tuple[str, str] | str] = [("changed  ", "bold $warning")]
        for op, words in change.words or ():
            words = one_line(words)
            if op == "same":
                lparts.append(words)
                rparts.append(words)
            elif op == "removed":
                lparts.append((words, "strike $error"))
            else:
                rparts.append((words, "underline $success"))
        return Content.assemble(*lparts), Content.assemble(*rparts)

    def _marks(self, span: tuple[int, int] | None, before: list[Resolution], after: list[Resolution],
               old_side: bool) -> list[tuple[str, str] | str]:
        if span is None:
            return []
        out: list[tuple[str, str] | str] = []
        for b, a in zip(before, after):
            r = b if old_side else a
            if r.start is None or r.end is None or not (r.start < span[1] and span[0] < r.end):
                continue
            names = ", ".join(self.taxonomy.name(s) for s in b.annotation.categories) or "no category"
            fate = a.status + (f" {a.score}" if a.status == "fuzzy" else "")
            style = "$error" if a.status == "orphaned" else ("$warning" if a.status == "fuzzy" else "$accent")
            out += ["\n", ("\u25a0 " + one_line(names, 60) + "  " + fate, style)]
        return out

    def action_scroll(self, step: int) -> None:
        rows = self.query_one("#rows", VerticalScroll)
        rows.scroll_relative(y=step * 3, animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
