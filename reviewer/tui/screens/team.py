"""Palette entries for team work (``TeamCommands``): the concordance and adjudication, and their openers.

``open_concordance`` asks for the categories, then shows every annotation of them across the open
policies; choosing a row jumps there in the workspace. ``open_adjudication`` asks for set A, set B
and the gold set, compares A and B over the open policies in a thread worker (private read-only
stores: neither is written), writes their agreements to gold (as ``reviewer adjudicate`` does),
and shows the queue of disagreements.
"""

from __future__ import annotations

from typing import Any, Callable

from pathlib import Path

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from reviewer.tui.commands import ListedCommands
from reviewer.tui.widgets.key_footer import KeyFooter
from reviewer import gold
from reviewer.adjudication import agreed_to_add, compare, side_labels
from reviewer.errors import ReviewerError
from reviewer.safetext import one_line


def workspace_screen(app: App):
    from reviewer.tui.screens.workspace import WorkspaceScreen

    return next((s for s in reversed(app.screen_stack) if isinstance(s, WorkspaceScreen)), None)


def jump_to_offset(app: App, doc_id: str, offset: int) -> None:
    """Show ``doc_id`` at ``offset`` (see agreement.pane_showing)."""
    from reviewer.tui.screens.agreement import pane_showing

    pane = pane_showing(app, doc_id)
    if pane is not None:
        pane.go_to_offset(offset)


def refresh_documents(app: App, doc_ids: set[str]) -> None:
    """Let the workspace show what the concordance changed."""
    screen = workspace_screen(app)
    refresh = getattr(screen, "refresh_document", None)
    if refresh is None:
        return
    for doc_id in doc_ids:
        refresh(doc_id)


def open_concordance(app: App) -> None:
    from reviewer.tui.screens.category_chooser import CategoryChooser
    from reviewer.tui.screens.concordance import ConcordanceScreen

    session = getattr(app, "session", None)
    if session is None:
        return

    def jump(target: tuple[str, int] | None) -> None:
        if target is not None:
            jump_to_offset(app, *target)

    def chosen(slugs: list[str] | None) -> None:
        if slugs is not None:
            app.push_screen(ConcordanceScreen(session, slugs, changed=lambda docs: refresh_documents(app, docs)), jump)

    app.push_screen(CategoryChooser(session.taxonomy, "Concordance of which categories? (space ticks)"), chosen)


class AdjudicateDialog(ModalScreen[tuple[str, str, str] | None]):
    """Asks for set A, set B and the gold set; returns the three paths or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="adjudicate.cancel_paths", tooltip="Close")]

    def __init__(self, set_a: str = "", set_b: str = "", gold_set: str = "") -> None:
        super().__init__()
        self.values = (set_a, set_b, gold_set)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog") as dialog:
            dialog.border_title = Content("Adjudicate two sets into a gold set")
            for n, (label, value) in enumerate(zip(("Set A", "Set B", "Gold set (created when missing)"),
                                                   self.values)):
                yield Label(Content(label), classes="export-heading")
                # a folder to complete, not to replace: typing goes on after it
                yield Input(value, id=f"adj-path-{n}", select_on_focus=False)
            yield Label(Content(""), id="adj-path-status", classes="dialog-status")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("Adjudicate"), id="adjudicate", variant="primary", compact=True)
                yield Button(Content("Cancel"), id="cancel", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#adj-path-1", Input))

    @on(Input.Submitted)
    @on(Button.Pressed, "#adjudicate")
    def _go(self) -> None:
        values = tuple(self.query_one(f"#adj-path-{n}", Input).value.strip() for n in range(3))
        if not all(values):
            self.query_one("#adj-path-status", Label).update(Content("Give all three folders."))
            return
        resolved = [Path(v).expanduser().resolve() for v in values]
        if resolved[2] in resolved[:2]:
            self.query_one("#adj-path-status", Label).update(Content("The gold set must be a set of its own."))
            return
        self.dismiss(values)  # type: ignore[arg-type]  # the dialog's result type is a tuple of paths

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def prepare_adjudication(documents, path_a: str, path_b: str, gold_path: str):
    """Compare A and B over ``documents``, write the agreements to gold; (comparison, gold state,
    taxonomy, layers: document -> (A's annotations, B's annotations))."""
    from reviewer.tui.screens.agreement import annotations_of_both, open_read_only

    store_a, store_b = open_read_only(path_a), open_read_only(path_b)
    a, b = annotations_of_both(documents, store_a, store_b)
    ids = [d.id for d in documents]
    result = compare(a, b, ids)
    state = gold.read(gold_path, ids)
    labels = side_labels((store_a.meta.annotator, path_a), (store_b.meta.annotator, path_b))
    to_add = agreed_to_add(result.agreed, state.annotations, labels)
    gold.update(gold_path, gold.Change(add=to_add), {d.id: (d.path.name, d.sha256) for d in documents},
                template=store_a.root)
    for doc, anns in to_add.items():
        state.annotations.setdefault(doc, []).extend(anns)
    return result, state, store_a.taxonomy, {d: (a[d], b[d]) for d in ids}


def open_adjudication(app: App) -> None:
    from reviewer.tui.screens.adjudication import AdjudicationScreen

    session = getattr(app, "session", None)
    if session is None:
        return
    documents = list(session.documents)
    root = session.store.root

    def compute(paths: tuple[str, str, str]) -> None:
        try:
            result, state, taxonomy, layers = prepare_adjudication(documents, *paths)
        except (ReviewerError, OSError) as exc:
            app.call_from_thread(app.notify, one_line(str(exc)), title="Adjudication", severity="error",
                                 markup=False, timeout=10)
            return
        names = (Path(paths[0]).name or paths[0], Path(paths[1]).name or paths[1])
        screen = AdjudicationScreen({d.id: d for d in documents}, result, state, paths[2], taxonomy,
                                    names=names, template=paths[0], layers=layers)
        app.call_from_thread(app.push_screen, screen)

    def chosen(paths: tuple[str, str, str] | None) -> None:
        if paths:
            app.notify("Comparing the two sets\u2026", title="Adjudication", timeout=3)
            app.run_worker(lambda: compute(paths), name="adjudication", group="adjudication", thread=True,
                           exclusive=True)

    app.push_screen(AdjudicateDialog(str(root), str(root.parent) + "/", str(root.parent / "gold")), chosen)


class TeamCommands(ListedCommands):
    """Palette entries: the concordance of the open policies, and adjudication of two sets."""

    def commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        if getattr(self.app, "session", None) is None:
            return []
        return [("Concordance…", "Every annotation of some categories across the open policies, in context",
                 lambda: self.app.call_later(open_concordance, self.app)),
                ("Adjudicate two sets…", "What two analysts disagree on, decided one by one into a gold set",
                 lambda: self.app.call_later(open_adjudication, self.app))]


__all__ = ["AdjudicateDialog", "TeamCommands", "jump_to_offset", "open_adjudication", "open_concordance",
           "prepare_adjudication"]
