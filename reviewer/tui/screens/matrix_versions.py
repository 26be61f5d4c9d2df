"""The coverage matrix by version: the chooser of the version counted (``v``) and what a cell, the
legend and the cell line say when the matrix shows the change between two versions (``d``).

The counting itself is core (``reviewer.versions.coverage``): these are words and marks only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from reviewer.safetext import one_line, visible
from reviewer.tui.widgets.key_footer import KeyFooter
from reviewer.versions.coverage import ANNOTATED, LATEST, PICKED, VersionCoverage, VersionView

MINUS = "\u2212"
CHANGED_MARK = "~"     # the count is the same, but annotated clauses of the category changed
UNCHANGED = "\u00b7"   # nothing happened to the cell between the two versions
ARROW = "\u2192"


@dataclass(frozen=True)
class VersionChoice:
    """What the chooser lists: one versioned policy's versions, and which one is annotated."""
    document: str
    versions: Sequence[tuple[str, bool]]   # (version, technical), oldest first
    annotated: str


class VersionChooser(ModalScreen[VersionView | None]):
    """Pick the version the matrix counts: as annotated, the latest of every versioned policy,
    or one version of the policy under the cursor."""

    BINDINGS = [Binding("escape", "close", "Close", tooltip="Keep the version shown", id="matrix_version.close")]

    def __init__(self, choice: VersionChoice, current: VersionView) -> None:
        super().__init__()
        self.choice = choice
        self.current = current
        self.views = [VersionView(ANNOTATED, change=current.change), VersionView(LATEST, change=current.change)]
        self.views += [VersionView(PICKED, choice.document, v, change=current.change)
                       for v, _technical in reversed(choice.versions)]

    def compose(self) -> ComposeResult:
        name = one_line(visible(self.choice.document), 60)
        prompts: list[Content] = [Content("As annotated: each versioned policy at the version its annotations are "
                                          "anchored to"),
                                  Content("Latest: each versioned policy at its latest version")]
        for v, technical in reversed(self.choice.versions):
            marks = [m for m, on_ in (("annotated here", v == self.choice.annotated),
                                      ("technical", technical)) if on_]
            prompts.append(Content.assemble(f"{name} @ ", (visible(v), "bold"),
                                            (f"  ({', '.join(marks)})" if marks else "", "$foreground-muted")))
        with Vertical(id="dialog", classes="dialog") as dialog:
            dialog.border_title = "Count the annotations at"
            yield Label(Content("enter counts the annotations re-anchored to that version (nothing is written); "
                                "escape keeps the one shown. In the matrix, d shows the change from the annotated "
                                "version to the one chosen."), id="explanation", classes="dialog-status")
            yield OptionList(*[Option(p, id=f"v{n}") for n, p in enumerate(prompts)], id="choices", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        options = self.query_one("#choices", OptionList)
        options.highlighted = next((n for n, v in enumerate(self.views)
                                    if (v.kind, v.document, v.version) == (self.current.kind, self.current.document,
                                                                           self.current.version)), 0)
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.views[event.option_index])

    def action_close(self) -> None:
        self.dismiss(None)


def describe_view(vc: VersionCoverage) -> str:
    """The head of the summary line: which versions are counted."""
    moved = vc.moved_versions()
    if not moved:
        return "As annotated"
    if len(moved) == 1:
        ((doc, (_old, new)),) = moved.items()
        return f"At {new} ({visible(doc)})"
    return f"{len(moved)} versioned policies at their {'latest' if vc.view.kind == LATEST else 'chosen'} version"


def change_summary(vc: VersionCoverage) -> str:
    """The summary line of the change view: how much changed, over how many policies."""
    m = vc.matrix
    cells = [(d, c) for d in m.rows for c in m.columns]
    touched = sum(1 for d, c in cells if vc.touched(d, c))
    gained = sum(max(0, vc.delta(d, c)) for d, c in cells)
    lost = sum(max(0, -vc.delta(d, c)) for d, c in cells)
    changed = sum(vc.changed_in(d, c) for d, c in cells)
    n = len(m.rows)
    return (f"Change of {n} versioned polic{'y' if n == 1 else 'ies'} \u00b7 {touched} "
            f"cell{'s' if touched != 1 else ''} touched \u00b7 {gained} places gained, {lost} lost \u00b7 "
            f"{changed} annotated clauses changed")


def change_legend(vc: VersionCoverage) -> Content:
    """Which two versions are compared, and what the marks mean."""
    moved = vc.moved_versions()
    if len(moved) == 1:
        ((_doc, (old, new)),) = moved.items()
        compared = f"{old} {ARROW} {new}"
    elif moved:
        to = "latest" if vc.view.kind == LATEST else "chosen"
        compared = f"annotated version {ARROW} {to} ({len(moved)} policies)"
    else:
        compared = "none: no versioned policy is counted at another version"
    return Content.assemble(("Change ", "bold"), compared, "   ", ("+2", "bold $success"), " gained  ",
                            (f"{MINUS}1", "bold $error"), " lost  ", (f"{CHANGED_MARK}2", "bold $warning"),
                            " clauses changed  ", UNCHANGED, " same   (d: counts)")


def change_cell(vc: VersionCoverage, doc: str, slug: str, inner: int) -> tuple[str, str]:
    """(text, kind) of one cell in the change view; kind: gain, loss, changed or same."""
    delta, changed = vc.delta(doc, slug), vc.changed_in(doc, slug)
    if not delta and not changed:
        return UNCHANGED.center(inner) + " ", "same"
    sign = f"+{delta}" if delta > 0 else f"{MINUS}{-delta}" if delta < 0 else ""
    mark = f"{CHANGED_MARK}{changed}" if changed else ""
    text = " ".join(p for p in (sign, mark) if p)
    if len(text) > inner:
        text = sign or mark
    kind = "gain" if delta > 0 else "loss" if delta < 0 else "changed"
    return text.center(inner) + " ", kind


def change_total(vc: VersionCoverage, doc: str) -> str:
    delta = vc.row_delta(doc)
    return (f"+{delta}" if delta > 0 else f"{MINUS}{-delta}" if delta < 0 else UNCHANGED) + " "


def change_line(vc: VersionCoverage, doc: str, slug: str | None, title: str, name: str) -> str:
    """The cell line in the change view."""
    old, new = vc.versions.get(doc, ("", ""))
    where = f"{title} ({old} {ARROW} {new})" if old != new else f"{title} (one version only)"
    if slug is None:
        d = vc.row_delta(doc)
        return f"{where}: {vc.before.row_total(doc)} {ARROW} {vc.matrix.row_total(doc)} places ({d:+d})"
    before, after = vc.before.count(doc, slug), vc.matrix.count(doc, slug)
    parts = [f"{before} {ARROW} {after} place{'s' if after != 1 else ''}"]
    lost = vc.orphan_delta(doc, slug)
    if lost > 0:
        parts.append(f"{lost} annotation{'s' if lost != 1 else ''} orphaned")
    changed = vc.changed_in(doc, slug)
    if changed:
        parts.append(f"{changed} annotated clause{'s' if changed != 1 else ''} changed "
                     "(carrying them puts them in the review queue)")
    return f"{where} \u00b7 {name}: " + "; ".join(parts)


__all__ = ["VersionChooser", "VersionChoice", "change_cell", "change_legend", "change_line", "change_summary",
           "change_total", "describe_view"]
