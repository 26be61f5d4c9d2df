"""ReviewerApp: the switchboard. Themes, keymap, the workspace screen; quit, help and palette."""

from __future__ import annotations

import time
from functools import partial
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from textual import events, on
from textual.app import App
from textual.notifications import SeverityLevel
from textual.binding import Binding
from textual.worker import Worker

from reviewer.safetext import visible
from reviewer.session import Session
from reviewer.tui import startgc, stylesheets, unavailable
from reviewer.tui.commands import ActionCommands, help_rows
from reviewer.tui.keyclash import checked_keymap, real_clashes
from reviewer.tui.themes import register_themes
from reviewer.tui.screens.workspace import WorkspaceScreen
from reviewer.tui.workers import WorkerFailed, describe, forward_failure
from reviewer.workspace_state import WorkspaceState, save_state

if TYPE_CHECKING:
    from textual.actions import ActionParseResult
    from textual.dom import DOMNode
    from textual.driver import Driver

DEFAULT_THEME = "reviewer-dark"
FALLBACK_THEME = "textual-dark"


def _io_commands():
    """The export and agreement palette commands, imported when the palette first opens (Textual
    takes a callable returning the provider class): the first screen does not wait for them."""
    from reviewer.tui.screens.export_dialog import IOCommands

    return IOCommands


def _team_commands():
    """The concordance and adjudication palette commands, imported when the palette first opens."""
    from reviewer.tui.screens.team import TeamCommands

    return TeamCommands


@dataclass
class Workspace:
    """Everything the app is started with (built by launch.py, or by tests)."""

    session: Session
    open_ids: list[str] = field(default_factory=list)
    theme: str | None = None
    keys: dict[str, str] | None = None              # binding id -> keys, already resolved
    keys_source: Path | None = None     # the settings file ``keys`` came from (None: config_path())
    warnings: list[str] = field(default_factory=list)  # shown once as a toast at start-up
    read_only_reason: str | None = None
    check_every: float = 2.0
    suggestions: bool = True            # Settings.suggestions: category suggestions in the panes
    start_with_coverage: bool = False   # open on the coverage matrix (more than four policies)
    remember: Path | None = None        # the set whose workspace is kept between runs (None: not kept)
    restore: WorkspaceState | None = None  # the workspace kept from the last run, to reopen


def _settings_file() -> Path | None:
    from reviewer.config import config_path

    try:
        return config_path()
    except Exception:  # noqa: BLE001 - no config folder on this platform: the warning names none
        return None


class ReviewerApp(App[None]):
    """Receives a Workspace, registers themes, applies the keymap and pushes WorkspaceScreen."""

    CSS_PATH = [str(stylesheets.STYLES / name) for name in stylesheets.ALL]   # __init__ reads the first screen's
    COMMANDS = App.COMMANDS | {ActionCommands, _io_commands, _team_commands}  # export, agreement; team work
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
        self._clashes_told: set[tuple[str, str, str]] = set()   # see handle_bindings_clash
        self._styled = False              # see refresh_css
        self.css_path = stylesheets.first(workspace.start_with_coverage)   # the others: see push_screen
        # The theme is chosen before the stylesheet is first read: set in on_mount it made Textual
        # parse and apply every rule a second time before the first paint.
        self._theme_warnings = register_themes(self)
        self._apply_theme(self.workspace.theme, self._theme_warnings)

    def get_driver_class(self) -> type[Driver]:
        """Textual's, but on Linux/macOS ours: a bracketed paste stays one Paste event whatever it
        holds (reviewer/tui/paste_input.py: Textual's parser turned text after an escape into keys)."""
        driver = super().get_driver_class()
        if f"{driver.__module__}.{driver.__qualname__}" == "textual.drivers.linux_driver.LinuxDriver":
            from reviewer.tui.paste_input import PasteSafeDriver

            return PasteSafeDriver
        return driver

    def refresh_css(self, animate: bool = True) -> None:
        """Before anything is styled (the theme set in ``__init__``), only the theme's variables are
        set: the first parse uses them. Textual's own call parsed every rule twice before the first
        paint (once in a throwaway stylesheet)."""
        if not self._styled:
            self.stylesheet.set_variables(self.get_css_variables())
            return
        super().refresh_css(animate)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Paste):
            from reviewer.tui.paste_input import fold_for_one_line

            fold_for_one_line(event, self.focused)
        await super().on_event(event)

    def on_mount(self) -> None:
        self._styled = True
        warnings = list(self.workspace.warnings)
        warnings.extend(self._theme_warnings)
        if self.workspace.keys:
            self._apply_keymap(self.workspace.keys, warnings)
        ws = self.workspace
        self.workspace_screen = WorkspaceScreen(self.session, ws.open_ids, check_every=ws.check_every,
                                                suggestions_on=ws.suggestions,
                                                start_with_coverage=ws.start_with_coverage)
        self.push_screen(self.workspace_screen)
        if ws.restore is not None:
            self._restore(ws.restore)
        if warnings:
            self.notify("\n".join(warnings[:8]) + (f"\n(+{len(warnings) - 8} more)" if len(warnings) > 8 else ""),
                        title="Warnings", severity="warning", timeout=10, markup=False)
        if self.workspace.read_only_reason:
            self.notify(self.workspace.read_only_reason, title="Read-only", severity="warning", timeout=15,
                        markup=False)

    def on_ready(self) -> None:
        startgc.release()   # the first frame is drawn

    def push_screen(self, screen, *args, **kwargs):
        """Stylesheets read after the first paint are read before the screen that needs them."""
        stylesheets.read_before_push(self, screen)
        return super().push_screen(screen, *args, **kwargs)

    def _apply_theme(self, name: str | None, warnings: list[str]) -> None:
        default = DEFAULT_THEME if DEFAULT_THEME in self.available_themes else FALLBACK_THEME
        if name and name not in self.available_themes:
            names = ", ".join(sorted(self.available_themes))
            warnings.append(f"unknown theme {name!r}; using {default} (themes: {names})")
            name = None
        self.theme = name or default

    def _apply_keymap(self, keys: dict[str, str], warnings: list[str]) -> None:
        """Unusable keys and remaps that would take another action's key are refused, each with a
        warning naming the settings file; the rest is Textual's keymap."""
        source = self.workspace.keys_source or _settings_file()
        where = f"{source}: " if source else ""
        good, refused = checked_keymap(keys, source)
        warnings.extend(refused)
        try:
            self.set_keymap(good)
        except Exception as exc:  # noqa: BLE001 - a bad key must not stop the app
            warnings.append(f"{where}bad key in the [keys] settings ({exc}); using the default keys")
            self.set_keymap({})

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every toast of the app passes here: its text is data (file names, ids, errors quoting
        them), so controls and escape sequences are made visible and markup is never parsed."""
        super().notify(visible(str(message)), title=visible(str(title)), severity=severity, timeout=timeout,
                       markup=False)

    async def run_action(self, action: str | ActionParseResult, default_namespace: DOMNode | None = None,
                         namespaces: Mapping[str, DOMNode] | None = None) -> bool:
        """As Textual's, but a key whose action is greyed out says why (reviewer/tui/unavailable.py)
        instead of doing nothing, when the reason is known."""
        if await super().run_action(action, default_namespace, namespaces):
            return True
        target, name, parameters = self._parse_action(action, self if default_namespace is None else default_namespace,
                                                      namespaces)
        return unavailable.explain(self, target, name, parameters)

    def handle_bindings_clash(self, clashed_bindings, node) -> None:
        """Textual calls this each time it re-applies the keymap (on every key press), and counts a
        remapped action with several default keys (undo: u, ctrl+z) as clashing with itself. Only a
        binding that lost its key to another action is told about, once."""
        lost = real_clashes(clashed_bindings, self._keymap)
        new = lost - self._clashes_told
        self._clashes_told |= new
        for loser, key, winners in sorted(new):
            source = self.workspace.keys_source or _settings_file()
            self.notify(f"Key clash in the [keys] settings{f' of {source}' if source else ''}: {key} now runs "
                        f"{winners} and no longer {loser}; give one of them another key", severity="warning",
                        timeout=10, markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        forward_failure(self, event)  # workers the app runs itself (export, agreement)

    @on(WorkerFailed)
    def _worker_failed(self, event: WorkerFailed) -> None:
        self.notify(describe(event.worker), title="Error", severity="error", timeout=10, markup=False)

    def action_help(self) -> None:
        from reviewer.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(help_rows(self.screen)))

    def quit_on_signal(self) -> None:
        """SIGTERM or SIGHUP (the terminal closed), from launch's ExitGuard: quit like ctrl+q, the
        note being typed saved first."""
        self.commit_open_note()
        self.exit()

    def commit_open_note(self) -> None:
        screen = getattr(self, "workspace_screen", None)
        if screen is not None:
            screen.notes.commit()

    def _restore(self, state: WorkspaceState) -> None:
        from reviewer.tui.remember import restore

        self.workspace_screen.body.when_ready(partial(restore, self.workspace_screen, state))

    def exit(self, *args, **kwargs) -> None:
        """Every way out (q, ctrl+q, a signal) keeps the workspace for the next run first."""
        if self.workspace.remember is not None and getattr(self, "workspace_screen", None) is not None:
            from reviewer.tui.remember import snapshot

            state = snapshot(self.workspace_screen, self.theme)
            if state is not None:  # a convenience: a failed write (a full disk) only loses the layout
                save_state(self.workspace.remember, state)
        super().exit(*args, **kwargs)

    async def action_quit(self) -> None:
        self.commit_open_note()
        pending = self.session.pending
        if pending and time.monotonic() - self._quit_armed > 5:
            self._quit_armed = time.monotonic()
            self.notify(f"{len(pending)} document(s) not written yet ({', '.join(sorted(pending))}): "
                        "ctrl+s retries; press q again to quit anyway", severity="error", timeout=8, markup=False)
            return
        self.exit()


__all__ = ["ReviewerApp", "Workspace"]


