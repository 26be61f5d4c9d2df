"""ReviewerApp: the switchboard. Themes, keymap, the workspace screen; quit, help and palette."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from textual.app import App
from textual.binding import Binding

from reviewer.session import Session
from reviewer.tui.commands import ActionCommands, help_rows
from reviewer.tui.screens.export_dialog import IOCommands
from reviewer.tui.screens.team import TeamCommands
from reviewer.tui.screens.workspace import WorkspaceScreen

STYLES = Path(__file__).parent / "styles"
DEFAULT_THEME = "reviewer-dark"
FALLBACK_THEME = "textual-dark"


@dataclass
class Workspace:
    """Everything the app is started with (built by launch.py, or by tests)."""

    session: Session
    open_ids: list[str] = field(default_factory=list)
    theme: str | None = None
    keys: dict[str, str] | None = None              # binding id -> keys, already resolved
    warnings: list[str] = field(default_factory=list)  # shown once as a toast at start-up
    read_only_reason: str | None = None
    check_every: float = 2.0
    suggestions: bool = True            # Settings.suggestions: category suggestions in the panes
    start_with_coverage: bool = False   # open on the coverage matrix (more than four policies)


def all_binding_ids() -> list[str]:
    """Every binding id of the app, its screens and widgets (for resolving the [keys] table)."""
    from reviewer.tui.widgets.document_list import DocumentList
    from reviewer.tui.widgets.policy_pane import PolicyPane
    from reviewer.tui.widgets.search_bar import SearchBar

    from reviewer.tui.compare import CompareHost

    classes: list[type] = [ReviewerApp, WorkspaceScreen, PolicyPane, SearchBar, DocumentList, CompareHost]
    for module, name in (("tag_picker", "TagPicker"), ("note_editor", "NoteEditor"), ("help", "HelpScreen"),
                         ("orphans", "OrphansScreen"), ("document_picker", "DocumentPicker"),
                         ("export_dialog", "ExportDialog"), ("agreement", "SetPathDialog"), ("agreement", "AgreementScreen"),
                         ("sync_chooser", "SyncChooser"), ("coverage_matrix", "CoverageMatrixScreen")):
        try:
            mod = __import__(f"reviewer.tui.screens.{module}", fromlist=[name])
            classes.append(getattr(mod, name))
        except (ImportError, AttributeError):
            continue
    return [b.id for cls in classes for b in getattr(cls, "BINDINGS", ()) if isinstance(b, Binding) and b.id]


MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}


def key_problem(value: str) -> str | None:
    """Why a ``[keys]`` value is not a usable Textual key list, or None when it is."""
    import unicodedata

    from textual.keys import Keys

    names = {k.value for k in Keys}
    for part in value.split(","):
        part = part.strip()
        *mods, key = part.split("+") if part != "+" else ["+"]
        if not key:
            return f"{part!r} has no key after the modifier"
        bad = [m for m in mods if m not in MODIFIERS]
        if bad:
            return f"unknown modifier {bad[0]!r} in {part!r}"
        if len(key) == 1 or key in names or f"ctrl+{key}" in names:
            continue
        if key.startswith("f") and key[1:].isdigit():
            continue
        try:
            unicodedata.lookup(key.replace("_", " "))  # "question_mark", "vertical_line"
        except KeyError:
            return f"unknown key {key!r}"
    return None


class ReviewerApp(App[None]):
    """Receives a Workspace, registers themes, applies the keymap and pushes WorkspaceScreen."""

    CSS_PATH = [str(STYLES / name) for name in ("base.tcss", "workspace.tcss", "pane.tcss", "dialogs.tcss", "io.tcss",
                                                       "lookup.tcss", "compare.tcss")
                if (STYLES / name).exists()]
    COMMANDS = App.COMMANDS | {ActionCommands, IOCommands, TeamCommands}  # IOCommands: export, agreement
    TITLE = "reviewer"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit (every change is already on disk)"),
        Binding("question_mark,f1", "help", "Help", id="app.help", tooltip="Show every key"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.session = workspace.session
        self.taxonomy = workspace.session.taxonomy
        self._quit_armed = 0.0

    def on_mount(self) -> None:
        warnings = list(self.workspace.warnings)
        try:
            from reviewer.tui.themes import register_themes
        except ImportError:
            pass
        else:
            warnings.extend(register_themes(self))
        self._apply_theme(self.workspace.theme, warnings)
        if self.workspace.keys:
            self._apply_keymap(self.workspace.keys, warnings)
        self.push_screen(WorkspaceScreen(self.session, self.workspace.open_ids,
                                         check_every=self.workspace.check_every))
        if warnings:
            self.notify("\n".join(warnings[:8]) + (f"\n(+{len(warnings) - 8} more)" if len(warnings) > 8 else ""),
                        title="Warnings", severity="warning", timeout=10, markup=False)
        if self.workspace.read_only_reason:
            self.notify(self.workspace.read_only_reason, title="Read-only", severity="warning", timeout=15,
                        markup=False)

    def _apply_theme(self, name: str | None, warnings: list[str]) -> None:
        default = DEFAULT_THEME if DEFAULT_THEME in self.available_themes else FALLBACK_THEME
        if name and name not in self.available_themes:
            names = ", ".join(sorted(self.available_themes))
            warnings.append(f"unknown theme {name!r}; using {default} (themes: {names})")
            name = None
        self.theme = name or default

    def _apply_keymap(self, keys: dict[str, str], warnings: list[str]) -> None:
        good: dict[str, str] = {}
        for binding_id, value in keys.items():
            problem = key_problem(value)
            if problem:
                warnings.append(f"bad key in the [keys] settings: {binding_id} = {value!r} ({problem}); "
                                "using its default")
            else:
                good[binding_id] = value
        try:
            self.set_keymap(good)
        except Exception as exc:  # noqa: BLE001 - a bad key must not stop the app
            warnings.append(f"bad key in the [keys] settings ({exc}); using the default keys")
            self.set_keymap({})

    def handle_bindings_clash(self, clashed_bindings, node) -> None:
        names = ", ".join(sorted(b.id or b.action for b in clashed_bindings))
        self.notify(f"Key clash in the [keys] settings: {names} (the default keys win)", severity="warning",
                    markup=False)

    def action_help(self) -> None:
        from reviewer.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(help_rows(self.screen)))

    async def action_quit(self) -> None:
        pending = self.session.pending
        if pending and time.monotonic() - self._quit_armed > 5:
            self._quit_armed = time.monotonic()
            self.notify(f"{len(pending)} document(s) not written yet ({', '.join(sorted(pending))}): "
                        "ctrl+s retries; press q again to quit anyway", severity="error", timeout=8, markup=False)
            return
        self.exit()


def run(workspace: Workspace) -> None:
    ReviewerApp(workspace).run()


__all__ = ["ReviewerApp", "Workspace", "all_binding_ids", "run"]


