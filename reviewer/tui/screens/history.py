"""The focused policy's version timeline (``H``): dates, technical marks, clause change counts and
the annotation fates of each step; ``]`` / ``[`` filter it to the versions where one category's
annotated clauses changed. ``d`` compares two versions side by side: the anchored one (or the one
marked with ``space``) and the highlighted one (or the latest). Computed in a thread worker; the
screen returns the version to carry to, or nothing, and never writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from reviewer.tui.widgets.key_footer import KeyFooter
from reviewer.safetext import one_line
from reviewer.store import Annotation
from reviewer.taxonomy import Taxonomy
from reviewer.versions.history import HistoryStep, describe_fates, history
from reviewer.versions.model import Version, VersionedDocument


@dataclass
class HistoryReady(Message):
    steps: list[HistoryStep]


class HistoryScreen(ModalScreen[Version | None]):
    """One versioned document's timeline; returns the version to carry the annotations to, or None."""

    BINDINGS = [
        Binding("escape,H", "close", "Close", tooltip="Close the timeline", id="history.close"),
        Binding("right_square_bracket", "category(1)", "Next category",
                tooltip="Only the versions where the next category's annotated clauses changed",
                id="history.next_category"),
        Binding("left_square_bracket", "category(-1)", "Previous category",
                tooltip="Only the versions where the previous category's annotated clauses changed",
                id="history.previous_category"),
        Binding("c", "carry", "Carry here",
                tooltip="Move the annotations to the highlighted version (or the latest), one version at a time",
                id="history.carry"),
        Binding("d", "compare", "Compare",
                tooltip="The anchored (or marked) version and the highlighted one (or the latest) side by side",
                id="history.compare"),
        Binding("space", "mark", "Mark",
                tooltip="Compare from the highlighted version instead of the anchored one (again: unmark)",
                id="history.mark"),
    ]

    def __init__(self, title: str, document: VersionedDocument, annotations: list[Annotation],
                 anchored: Version, taxonomy: Taxonomy, can_carry: bool = False) -> None:
        super().__init__()
        self.can_carry = can_carry
        self.document_title = title
        self.document = document
        self.annotations = list(annotations)
        self.anchored = anchored
        self.taxonomy = taxonomy
        self.steps: list[HistoryStep] | None = None
        cats = {c for a in self.annotations for c in a.categories}
        self.categories: list[str | None] = [None] + [c.slug for c in taxonomy.categories if c.slug in cats]
        self.filter_index = 0
        self.shown: list[HistoryStep] = []
        self.marked: Version | None = None   # the old side of a comparison, when not the anchored version

    @property
    def category(self) -> str | None:
        return self.categories[self.filter_index]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog") as dialog:
            dialog.border_title = Content.assemble("History of ", (one_line(self.document_title, 60), "italic"),
                                                   f" ({len(self.document.versions)} versions)")
            yield Label(Content("Reading the versions\u2026"), id="explanation", classes="dialog-status")
            yield OptionList(id="versions", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.compute()

    @work(thread=True, exclusive=True, group="history", exit_on_error=False)
    def compute(self) -> None:
        worker = get_current_worker()
        steps = history(self.document, self.annotations, self.anchored, should_stop=lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.post_message(HistoryReady(steps))

    @on(HistoryReady)
    def _ready(self, message: HistoryReady) -> None:
        self.steps = message.steps
        self._fill()

    def _fill(self) -> None:
        options = self.query_one("#versions", OptionList)
        at = options.highlighted
        steps = [s for s in (self.steps or []) if s.touches(self.category)]
        self.shown = steps
        options.set_options([Option(self._prompt(s), id=f"v{n}") for n, s in enumerate(steps)])
        if at is not None and steps:
            options.highlighted = min(at, len(steps) - 1)
        elif steps:  # opened: on the version the annotations are anchored to, else the latest
            options.highlighted = next((n for n, s in enumerate(steps) if s.anchored), len(steps) - 1)
        options.focus()
        label = self.query_one("#explanation", Label)
        if self.category is None:
            text = ("Every recorded version, oldest first; annotations are followed from the version they are "
                    "anchored to. ] / [ show only the versions where one category's clauses changed; space marks "
                    "the version d compares from.")
        else:
            text = (f"Versions where {one_line(self.taxonomy.name(self.category), 60)} clauses changed: "
                    f"{len(steps)}. ] / [ for another category.")
        label.update(Content(text))

    def _prompt(self, step: HistoryStep) -> Content:
        v = step.version
        parts: list[Content | str | tuple[str, str]] = [(one_line(v.version), "bold" if step.anchored else "")]
        if v.technical:
            parts += ["  ", ("technical", "$foreground-muted")]
        c = step.changes
        if c is None:
            parts += ["  ", ("first version", "$foreground-muted")]
        else:
            parts += ["  ", (f"+{c['added']} \u2212{c['removed']} ~{c['changed']} \u21c4{c['moved']}", "")]
        fates = describe_fates(step.fates)
        if fates:
            parts += ["  annotations: ", (fates, "$warning" if step.fates.get("orphaned") else "")]
        if step.changed_categories:
            names = ", ".join(self.taxonomy.name(s) for s in sorted(step.changed_categories))
            parts += ["  ", ("[" + one_line(names, 80) + "]", "italic")]
        if step.anchored:
            parts += ["  ", ("\u25c0 annotations anchored here", "$accent")]
        if self.marked is not None and v.version == self.marked.version:
            parts += ["  ", ("\u25c6 compared from here", "$accent")]
        return Content.assemble(*parts)

    def action_category(self, step: int) -> None:
        self.filter_index = (self.filter_index + step) % len(self.categories)
        if self.steps is not None:
            self._fill()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("compare", "mark"):
            return True if self.steps is not None else None
        if action == "carry":
            return True if self.steps is not None and self.can_carry else None
        return True

    def _highlighted(self) -> Version | None:
        option = self.query_one("#versions", OptionList).highlighted_option
        return self.shown[int(option.id[1:])].version if option is not None and option.id else None

    def _target(self, old: Version | None = None) -> Version:
        """The highlighted version, or the latest when that is ``old`` (default: the anchored one)."""
        old = old or self.anchored
        target = self._highlighted()
        if target is None or target.version == old.version:
            target = self.document.policy[-1]
        return target

    def action_mark(self) -> None:
        version = self._highlighted()
        if self.steps is None or version is None:
            return
        same = version.version in (self.anchored.version, self.marked.version if self.marked else None)
        self.marked = None if same else version
        self._fill()

    def action_carry(self) -> None:
        if self.steps is None or not self.can_carry:
            return
        target = self._target()
        if target.version != self.anchored.version:
            self.dismiss(target)

    def action_compare(self) -> None:
        from reviewer.tui.screens.version_diff import VersionDiffScreen

        if self.steps is None:
            return
        start = self.marked or self.anchored
        target = self._target(start)
        old = (start.version, self.document.text(start))
        new = (target.version, self.document.text(target))
        place = None
        if self.marked is not None:   # the annotations carried to the marked version first, in memory
            place = partial(_carried, self.document, self.anchored, self.marked, self.annotations)
        self.app.push_screen(VersionDiffScreen(self.document_title, old, new, self.annotations, self.taxonomy,
                                               place=place))

    def action_close(self) -> None:
        self.dismiss(None)


def _carried(document: VersionedDocument, anchored: Version, marked: Version,
             annotations: list[Annotation]) -> list[Annotation]:
    """The annotations as they would be in ``marked`` (placed ones only; nothing written)."""
    from reviewer.versions.coverage import at_version

    return at_version(document, anchored, marked, annotations, []).placed
