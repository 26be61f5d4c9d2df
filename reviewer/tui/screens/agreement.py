"""The Agreement screen: the session's set against a second set, opened read-only.

Left, every category with its kappa, alpha and the number of clauses where the two sets
disagree; right, those clauses for the highlighted category (document, clause, which set said
yes, the clause text). ``enter`` on a clause closes the screen and jumps there in the workspace.
The figures come from ``reviewer.agreement`` (the same core as ``reviewer agree``), computed in a
thread worker over private stores, so neither set is written and the session's stamps are
untouched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from reviewer.tui.widgets.key_footer import KeyFooter
from reviewer.agreement import Agreement, agreement
from reviewer.annotated import load_annotated
from reviewer.documents import Document
from reviewer.errors import ReviewerError, StoreError
from reviewer.safetext import one_line
from reviewer.store import Annotation, AnnotationStore, SET_FILE, SetMeta
from reviewer.taxonomy import taxonomy_for_set


def _fmt(x: float | None) -> str:
    return "  —  " if x is None else f"{x:5.2f}"


def open_read_only(root: Path | str) -> AnnotationStore:
    """A set folder as a store that writes nothing (no set.toml creation, no temp clean-up)."""
    root = Path(root).expanduser()
    if not root.is_dir():
        raise StoreError(root, "no such annotation set folder")
    if not (root / SET_FILE).exists() and not any(root.glob("*.toml")):
        raise StoreError(root, "is not an annotation set (no set.toml, no annotation files)")
    return AnnotationStore(root, SetMeta(root.name, "", None), taxonomy_for_set(root))


def annotations_of_both(documents: Sequence[Document], store_a: AnnotationStore, store_b: AnnotationStore
                        ) -> tuple[dict[str, list[Annotation]], dict[str, list[Annotation]]]:
    """Each document's placed annotations in the two sets; a refused file raises its error."""
    a: dict[str, list[Annotation]] = {}
    b: dict[str, list[Annotation]] = {}
    for doc in documents:
        for store, into in ((store_a, a), (store_b, b)):
            ad = load_annotated(store, doc)
            if ad.error is not None:
                raise ad.error
            into[doc.id] = ad.annotations
    return a, b


def compare(documents: Sequence[Document], store_a: AnnotationStore, store_b: AnnotationStore) -> Agreement:
    a, b = annotations_of_both(documents, store_a, store_b)
    return agreement(documents, a, b, store_a.taxonomy, store_b.taxonomy)


class SetPathDialog(ModalScreen[str | None]):
    """Asks for the folder of the set to compare with; returns the path or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without comparing", id="agree.cancel_path")]

    def __init__(self, suggestion: str = "") -> None:
        super().__init__()
        self.suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog") as dialog:
            dialog.border_title = Content("Compare with another set (opened read-only)")
            yield Label(Content("Annotation set folder"), classes="export-heading")
            # not selected: the suggestion is a folder to type on from, not text to replace
            yield Input(self.suggestion, id="set-path", select_on_focus=False)
            yield Label(Content(""), id="set-status", classes="dialog-status")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("Compare"), id="compare", variant="primary", compact=True)
                yield Button(Content("Cancel"), id="cancel", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        box = self.query_one("#set-path", Input)
        self.set_focus(box)
        box.cursor_position = len(box.value)

    @on(Input.Submitted, "#set-path")
    @on(Button.Pressed, "#compare")
    def _compare(self) -> None:
        value = self.query_one("#set-path", Input).value.strip()
        if not value:
            self.query_one("#set-status", Label).update(Content("Give the folder of the other set."))
            return
        self.dismiss(value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class AgreementScreen(ModalScreen[tuple[str, int] | None]):
    """Returns (document id, clause index) to jump to, or None on escape."""

    BINDINGS = [
        Binding("escape", "close", "Close", tooltip="Back to the workspace", id="agree.close"),
        Binding("tab", "switch", "Switch list", show=False, tooltip="Move between categories and clauses",
                id="agree.switch"),
        Binding("enter", "jump", "Jump", priority=True, tooltip="Go to the highlighted clause in the workspace",
                id="agree.jump"),
    ]

    def __init__(self, result: Agreement, documents: Sequence[Document], name_a: str, name_b: str) -> None:
        super().__init__()
        self.result = result
        self.documents = {d.id: d for d in documents}
        self.name_a, self.name_b = name_a, name_b
        self.slugs = list(result.categories)
        self.current: str | None = None

    def compose(self) -> ComposeResult:
        r = self.result
        with Vertical(id="dialog", classes="dialog agreement") as dialog:
            dialog.border_title = Content(one_line(f"Agreement: A = {self.name_a}, B = {self.name_b} (read-only)", 90))
            yield Label(Content(f"overall  kappa {_fmt(r.kappa).strip()}  alpha {_fmt(r.alpha).strip()}   "
                                f"spans F1 exact {_fmt(r.exact.f1).strip()}  overlap {_fmt(r.overlap.f1).strip()}   "
                                f"{r.documents} documents, {r.clauses} clauses"), id="agreement-summary")
            with Horizontal(id="agreement-body"):
                yield OptionList(*[self._category_option(s) for s in self.slugs], id="agree-categories")
                yield OptionList(id="agree-clauses")
        yield KeyFooter()

    def _category_option(self, slug: str) -> Option:
        c = self.result.categories[slug]
        text = f"{one_line(slug, 24):<24} κ {_fmt(c.kappa)}  α {_fmt(c.alpha)}  {len(c.disagreements):>4} differ"
        return Option(Content(text), id=slug)

    def on_mount(self) -> None:
        cats = self.query_one("#agree-categories", OptionList)
        if self.slugs:
            first = next((i for i, s in enumerate(self.slugs) if self.result.categories[s].disagreements), 0)
            cats.highlighted = first
            self._show(self.slugs[first])
        cats.focus()

    def _show(self, slug: str) -> None:
        self.current = slug
        clauses = self.query_one("#agree-clauses", OptionList)
        clauses.clear_options()
        rows = []
        for doc_id, index, a, b in self.result.categories[slug].disagreements:
            doc = self.documents.get(doc_id)
            text = ""
            if doc is not None and 0 <= index < len(doc.clauses):
                c = doc.clauses[index]
                text = doc.text[c.start:c.end]
            who = "A only" if a and not b else "B only"
            rows.append(Option(Content(f"{one_line(doc_id, 20):<20} #{index + 1:<4} {who}  {one_line(text, 70)}"),
                               id=f"{doc_id}\x00{index}"))
        if rows:
            clauses.add_options(rows)
            clauses.highlighted = 0
        else:
            clauses.add_option(Option(Content("The two sets agree on every clause for this category."),
                                      disabled=True))

    @on(OptionList.OptionHighlighted, "#agree-categories")
    def _category_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and event.option.id != self.current:
            self._show(event.option.id)

    @on(OptionList.OptionSelected, "#agree-categories")
    def _category_selected(self) -> None:
        self.query_one("#agree-clauses", OptionList).focus()

    def action_switch(self) -> None:
        cats, clauses = self.query_one("#agree-categories", OptionList), self.query_one("#agree-clauses", OptionList)
        (clauses if cats.has_focus else cats).focus()

    def action_jump(self) -> None:
        cats = self.query_one("#agree-categories", OptionList)
        clauses = self.query_one("#agree-clauses", OptionList)
        if cats.has_focus:
            clauses.focus()
            return
        index = clauses.highlighted
        if index is None:
            return
        option = clauses.get_option_at_index(index)
        if not option.id:
            return
        doc_id, clause = option.id.split("\x00")
        self.dismiss((doc_id, int(clause)))

    def action_close(self) -> None:
        self.dismiss(None)


def pane_showing(app: App, doc_id: str):
    """The workspace's pane showing ``doc_id`` (one already showing it, else the active pane,
    which is turned to it), focused; None without a workspace or a pane."""
    from reviewer.tui.screens.workspace import WorkspaceScreen

    screen = next((s for s in reversed(app.screen_stack) if isinstance(s, WorkspaceScreen)), None)
    if screen is None:
        return None
    frame = next((f for f in screen.frames if f.document.id == doc_id), None) or screen.active
    if frame is None:
        return None
    if frame.document.id != doc_id:
        frame.pane.set_document(screen.session.document(doc_id))
        frame.update_title()
        screen.refresh_frame(frame)
    frame.pane.focus()
    return frame.pane


def jump_to(app: App, doc_id: str, clause: int) -> None:
    """Show ``doc_id`` at clause ``clause`` (see pane_showing)."""
    pane = pane_showing(app, doc_id)
    if pane is not None:
        pane.go_to_clause(clause)


def open_agreement(app: App) -> None:
    """Ask for the other set, compute in a worker, then show the Agreement screen."""
    session = getattr(app, "session", None)
    if session is None:
        return
    documents = list(session.documents)
    root = session.store.root

    def compute(path: str) -> None:
        try:
            other = open_read_only(path)
            mine = AnnotationStore(root, session.store.meta, session.store.taxonomy)
            result = compare(documents, mine, other)
        except ReviewerError as exc:
            app.call_from_thread(app.notify, one_line(str(exc)), title="Agreement", severity="error",
                                 markup=False, timeout=10)
            return

        def show() -> None:
            def chosen(target: tuple[str, int] | None) -> None:
                if target is not None:
                    jump_to(app, *target)
            app.push_screen(AgreementScreen(result, documents, root.name, Path(path).name or path), chosen)
        app.call_from_thread(show)

    def chosen_path(path: str | None) -> None:
        if path:
            app.notify(f"Comparing with {one_line(path, 60)}…", title="Agreement", markup=False, timeout=3)
            app.run_worker(lambda: compute(path), name="agreement", group="agreement", thread=True, exclusive=True)

    app.push_screen(SetPathDialog(str(root.parent) + "/"), chosen_path)


__all__ = ["AgreementScreen", "SetPathDialog", "annotations_of_both", "compare", "jump_to", "open_agreement",
           "open_read_only", "pane_showing"]
