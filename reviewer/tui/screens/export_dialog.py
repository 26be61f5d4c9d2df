"""Export from the app: a small dialog (format and path), the export run in a worker, progress as
notifications. Also the command-palette entries for export and agreement (``IOCommands``).

The dialog returns ``(format, path)`` or None and never writes; ``start_export`` does the work
with the same core as ``reviewer export`` (``reviewer.export``), reading a private
``AnnotationStore`` over the session's set so the session's own file stamps are never touched.
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
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from reviewer.tui.commands import ListedCommands
from reviewer.tui.widgets.key_footer import KeyFooter
from reviewer import formats
from reviewer.errors import ReviewerError
from reviewer.export import default_name, export_set
from reviewer.safetext import one_line
from reviewer.store import AnnotationStore


class ExportDialog(ModalScreen[tuple[str, str] | None]):
    """Returns (format name, output path) or None on escape."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without exporting", id="export.cancel"),
        Binding("ctrl+s", "export", "Export", priority=True, tooltip="Export with this format and path",
                id="export.run"),
    ]

    def __init__(self, set_name: str, folder: Path | str = ".", fmt: str = "w3c") -> None:
        super().__init__()
        self.set_name = set_name
        self.folder = Path(folder)
        self.fmt = fmt if fmt in formats.EXPORTS else formats.EXPORTS[0]
        self._confirmed: tuple[str, str] | None = None  # (format, path) the analyst agreed to replace

    def _suggested(self, fmt: str) -> str:
        return str(self.folder / default_name(self.set_name, fmt))

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog") as dialog:
            dialog.border_title = Content("Export annotations")
            yield Label(Content("Format"), classes="export-heading")
            yield OptionList(*[Option(Content(f"{name:<12} {m.DESCRIPTION}"), id=name)
                               for name, m in formats.FORMATS.items()], id="formats")
            yield Label(Content("Write to (a folder for brat)"), classes="export-heading")
            yield Input(self._suggested(self.fmt), id="path")
            yield Label(Content(""), id="export-status", classes="dialog-status")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("Export"), id="run", variant="primary", compact=True)
                yield Button(Content("Cancel"), id="cancel", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        options = self.query_one("#formats", OptionList)
        options.highlighted = list(formats.FORMATS).index(self.fmt)
        options.focus()

    @on(OptionList.OptionHighlighted, "#formats")
    def _format_changed(self, event: OptionList.OptionHighlighted) -> None:
        previous = self._suggested(self.fmt)
        self.fmt = event.option.id or self.fmt
        path = self.query_one("#path", Input)
        if path.value == previous:  # not edited by hand: follow the format
            path.value = self._suggested(self.fmt)

    @on(OptionList.OptionSelected, "#formats")
    @on(Input.Submitted, "#path")
    @on(Button.Pressed, "#run")
    def action_export(self) -> None:
        """Export with the format and path shown (enter on the format list too); an existing
        file or folder is replaced only when asked a second time."""
        path = self.query_one("#path", Input).value.strip()
        status = self.query_one("#export-status", Label)
        if not path:
            status.update(Content("Give a file name (or a folder for brat)."))
            return
        target = Path(path).expanduser()
        if target.exists() and self._confirmed != (self.fmt, path):
            self._confirmed = (self.fmt, path)
            status.update(Content.styled(one_line(f"{target.name} exists: enter again to replace it, "
                                                  "or change the path", 120), "$warning"))
            return
        self.dismiss((self.fmt, path))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def start_export(app: App, session, fmt: str, path: str) -> None:
    """Export the session's documents and set in a thread worker, with progress notifications."""
    documents = list(session.documents)
    store = AnnotationStore(session.store.root, session.store.meta, session.store.taxonomy)
    pending = sorted(session.pending)
    if pending:
        app.notify(f"Not yet written: {', '.join(pending)}; the export reads what is on disk.",
                   severity="warning", markup=False)
    app.notify(f"Exporting {len(documents)} document(s) as {fmt} to {one_line(path, 60)}…",
               title="Export", markup=False, timeout=4)

    def work() -> None:
        step = max(1, len(documents) // 4)

        def progress(done: int, total: int) -> None:
            if total > 8 and done % step == 0 and done < total:
                app.call_from_thread(app.notify, f"Exporting… {done}/{total} documents", title="Export",
                                     markup=False, timeout=2)

        try:
            result = export_set(documents, store, fmt, progress)
            if result.errors:
                raise result.errors[0]
            result.write(path)
        except ReviewerError as exc:
            app.call_from_thread(app.notify, one_line(str(exc)), title="Export failed", severity="error",
                                 markup=False, timeout=12)
            return
        message = f"Wrote {result.count} annotation(s) from {len(documents)} document(s) to {one_line(path, 60)}"
        if result.left_out:
            message += f"; {len(result.left_out)} orphaned annotation(s) left out"
        app.call_from_thread(app.notify, message, title="Export done",
                             severity="warning" if result.left_out else "information", markup=False, timeout=8)

    app.run_worker(work, name="export", group="export", thread=True, exclusive=True)


def open_export(app: App) -> None:
    """Ask for format and path, then export (what the palette entry runs)."""
    session = getattr(app, "session", None)
    if session is None:
        return

    def chosen(choice: tuple[str, str] | None) -> None:
        if choice is not None:
            start_export(app, session, *choice)

    app.push_screen(ExportDialog(session.store.meta.name, Path.cwd()), chosen)


class IOCommands(ListedCommands):
    """Palette entries: export the set, and compare it with another set (the Agreement screen)."""

    def commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        from reviewer.tui.screens.agreement import open_agreement

        if getattr(self.app, "session", None) is None:
            return []
        return [("Export annotations…", "Write the set as W3C, CSV, JSONL, brat, doccano or Label Studio",
                 lambda: self.app.call_later(open_export, self.app)),
                ("Agreement with another set…", "Kappa per category and the clauses where two sets disagree",
                 lambda: self.app.call_later(open_agreement, self.app))]


__all__ = ["ExportDialog", "IOCommands", "open_export", "start_export"]
