"""Command palette: every bound action of the current screen, so each key has a palette entry.

``bound_actions`` is also what the help screen is built from (never a hand-written list).
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, Callable

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import Screen

GROUPS = {"pane": "Move and select", "workspace": "Tag, edit and panes", "search": "Search",
          "doclist": "Document list", "compare": "Compare policies", "app": "App",
          "sync": "Category sync (after c)", "similar": "Similar panel", "lookup": "Clause lookup",
          "matrix": "Coverage matrix", "history": "Version history (H)", "review": "Review queue (R, after a carry)"}
# Bindings without an id are grouped by the class that declares them (Textual's own: quit, palette, copy).
# The modes a screen opens, whose keys its help lists too (imported only when help is asked for).
MODES = {"WorkspaceScreen": ("reviewer.tui.screens.sync_chooser:SyncChooser",
                             "reviewer.tui.widgets.similar_panel:SimilarPanel",
                             "reviewer.tui.screens.lookup:LookupScreen",
                             "reviewer.tui.screens.coverage_matrix:CoverageMatrixScreen",
                             "reviewer.tui.screens.history:HistoryScreen",
                             "reviewer.tui.widgets.review_panel:ReviewPanel")}
UNAVAILABLE = "(not available here)"   # how help and the palette mark a key that cannot apply now
DIGIT_ID = re.compile(r"[._](tag|key)_\d$")
CLASS_AREAS = {"ReviewerApp": "app", "App": "app", "WorkspaceScreen": "workspace", "PolicyPane": "pane"}


def _area_of(node: DOMNode | type) -> str:
    kind = node if isinstance(node, type) else type(node)
    for cls in kind.__mro__:
        if cls.__name__ in CLASS_AREAS:
            return CLASS_AREAS[cls.__name__]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", kind.__name__).lower()


@dataclass
class BoundAction:
    ident: str
    description: str
    tooltip: str
    group: str
    node: DOMNode
    action: str
    enabled: bool
    keys: list[str] = field(default_factory=list)


def _describe(app, binding: Binding) -> str:
    taxonomy = getattr(app, "taxonomy", None)
    if taxonomy is not None and binding.id and binding.id.startswith("workspace.tag_") and binding.id[-1:].isdigit():
        category = taxonomy.by_key(binding.id[-1])
        if category is not None:
            return f"Toggle {category.name}"
    return binding.description


def bound_actions(screen: Screen) -> list[BoundAction]:
    """The active bindings of ``screen`` merged by binding (all keys of one binding together)."""
    app = screen.app
    rows: dict[tuple[int, str], BoundAction] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description:
            continue
        area = binding.id.split(".", 1)[0] if binding.id else _area_of(active.node)
        ident = binding.id or f"{area}.{binding.action}"
        row_key = (id(active.node), ident)
        row = rows.get(row_key)
        if row is None:
            described = _describe(app, binding)
            row = rows[row_key] = BoundAction(ident, described[:1].upper() + described[1:], binding.tooltip,
                                              GROUPS.get(area, area.title()), active.node, binding.action,
                                              active.enabled)
        display = app.get_key_display(replace(binding, key=key, key_display=None))
        if display not in row.keys:
            row.keys.append(display)
    return list(rows.values())


@dataclass(frozen=True)
class HelpEntry:
    keys: str          # as shown: "j ↓"
    description: str
    group: str
    tooltip: str = ""
    enabled: bool = True


def mode_entries(screen: Screen) -> list[HelpEntry]:
    """The keys of the modes a screen opens (``MODES``: after ``c``, in the Similar panel, in the
    lookup and the matrix), with the keymap applied. Their classes are imported here, when help
    is asked for, never at start-up."""
    app = screen.app
    keymap = getattr(app, "_keymap", {}) or {}
    rows: list[HelpEntry] = []
    for path in MODES.get(type(screen).__name__, ()):
        module, _, name = path.partition(":")
        cls = getattr(importlib.import_module(module), name)
        digits: list[Binding] = []
        for binding in cls.BINDINGS:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            if binding.id and DIGIT_ID.search(binding.id):
                digits.append(binding)  # ten keys, one per category: one row
                if len(digits) > 1:
                    continue
            keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
            shown = [app.get_key_display(replace(binding, key=k.strip(), key_display=None))
                     for k in keys.split(",") if k.strip()]
            area = binding.id.split(".", 1)[0] if binding.id else _area_of(cls)
            described, tooltip = _describe(app, binding), binding.tooltip
            if digits and binding is digits[0]:
                shown = ["1\u20260"]
                described = re.sub(r" \d$", " by key", described)
                tooltip = re.sub(r"key \d\b", "that key", tooltip)
            rows.append(HelpEntry(" ".join(dict.fromkeys(shown)), described, GROUPS.get(area, area.title()),
                                  tooltip))
    return rows


def help_entries(screen: Screen) -> list[HelpEntry]:
    """Every key of ``screen``: its active bindings, grouped, then the keys of the modes it opens."""
    rows = bound_actions(screen)
    order = list(GROUPS.values())
    rows.sort(key=lambda r: (order.index(r.group) if r.group in order else len(order), r.group))
    live = [HelpEntry(" ".join(r.keys), r.description, r.group, r.tooltip, r.enabled) for r in rows]
    seen = {(e.keys, e.description, e.group) for e in live}
    return live + [e for e in mode_entries(screen) if (e.keys, e.description, e.group) not in seen]


def help_rows(screen: Screen) -> list[tuple[str, str, str]]:
    """(keys shown, description, group) for HelpScreen."""
    return [(e.keys, e.description + ("" if e.enabled else f" {UNAVAILABLE}"), e.group)
            for e in help_entries(screen)]


class ListedCommands(Provider):
    """Palette entries from a fixed list: ``commands()`` gives (name, help, run) for each."""

    def commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        raise NotImplementedError

    async def discover(self) -> Hits:
        for name, help_text, run in self.commands():
            yield DiscoveryHit(Content(name), run, help=Content(help_text))  # type: ignore[arg-type]  # Content is inert

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, run in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run,
                          help=Content(help_text))  # type: ignore[arg-type]  # Content renders inert; Textual types it str


class ActionCommands(Provider):
    """Every action bound on the screen the palette was opened over, with its keys."""

    def _rows(self) -> list[BoundAction]:
        return [r for r in bound_actions(self.screen) if r.action not in ("command_palette",)]

    def _run(self, row: BoundAction) -> None:
        if row.enabled:
            self.app.call_later(self.app.run_action, row.action, row.node)
            return
        from reviewer.tui.unavailable import explain

        _target, name, parameters = self.app._parse_action(row.action, row.node)  # noqa: SLF001 - Textual's own parse of "name(args)"
        explain(self.app, row.node, name, parameters, fallback=f"{row.description} cannot apply here")

    @staticmethod
    def _name(row: BoundAction, text: Content) -> Content:
        """A greyed-out command is listed, dimmed and marked, as the help marks it."""
        return text if row.enabled else Content.assemble(text.stylize("$text-disabled"),
                                                         (f" {UNAVAILABLE}", "italic $text-disabled"))

    async def discover(self) -> Hits:
        for row in sorted(self._rows(), key=lambda r: not r.enabled):
            yield DiscoveryHit(self._name(row, Content(row.description)), partial(self._run, row),
                               help=Content(f"{' '.join(row.keys)}  {row.tooltip}"))  # type: ignore[arg-type]  # Content renders inert; Textual types it str

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for row in self._rows():
            text = f"{row.description} ({' '.join(row.keys)})"
            score = matcher.match(text)
            if score > 0:
                yield Hit(score if row.enabled else score * 0.5, self._name(row, matcher.highlight(text)),
                          partial(self._run, row), help=Content(row.tooltip))  # type: ignore[arg-type]  # Content renders inert
