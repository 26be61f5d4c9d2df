"""Command palette: every bound action of the current screen, so each key has a palette entry.

``bound_actions`` is also what the help screen is built from (never a hand-written list).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import Screen

GROUPS = {"pane": "Move and select", "workspace": "Tag, edit and panes", "search": "Search",
          "doclist": "Document list", "app": "App"}


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
        ident = binding.id or f"{type(active.node).__name__.lower()}.{binding.action}"
        area = ident.split(".", 1)[0]
        row_key = (id(active.node), ident)
        row = rows.get(row_key)
        if row is None:
            row = rows[row_key] = BoundAction(ident, _describe(app, binding), binding.tooltip,
                                              GROUPS.get(area, area.title()), active.node, binding.action,
                                              active.enabled)
        display = app.get_key_display(replace(binding, key=key, key_display=None))
        if display not in row.keys:
            row.keys.append(display)
    return list(rows.values())


def help_rows(screen: Screen) -> list[tuple[str, str, str]]:
    """(keys shown, description, group) for HelpScreen, from the screen's active bindings."""
    rows = bound_actions(screen)
    order = list(GROUPS.values())
    rows.sort(key=lambda r: (order.index(r.group) if r.group in order else len(order), r.group))
    return [(" ".join(r.keys), r.description + ("" if r.enabled else " (not available here)"), r.group)
            for r in rows]


class ActionCommands(Provider):
    """Every action bound on the screen the palette was opened over, with its keys."""

    def _rows(self) -> list[BoundAction]:
        return [r for r in bound_actions(self.screen) if r.action not in ("command_palette",)]

    def _run(self, row: BoundAction) -> None:
        self.app.call_later(self.app.run_action, row.action, row.node)

    async def discover(self) -> Hits:
        for row in self._rows():
            if row.enabled:
                yield DiscoveryHit(Content(row.description), partial(self._run, row),
                                   help=Content(f"{' '.join(row.keys)}  {row.tooltip}"))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for row in self._rows():
            if not row.enabled:
                continue
            text = f"{row.description} ({' '.join(row.keys)})"
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(self._run, row), help=Content(row.tooltip))
