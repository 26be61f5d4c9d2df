"""The ``[keys]`` remaps checked against each other before Textual applies them.

Textual's keymap lets a remapped action take a key from another action silently (``tag_picker =
"x"`` left delete with no key at all). Here a remap onto a key that another action still holds
wherever the two can be reached together (the same screen, the widgets it hosts, and the app's own
keys unless the screen is modal) is refused: the remapped action keeps its default keys and a
warning names both actions and the settings file. Moving the other action too (a swap, ``tag_picker
= "x"`` with ``delete = "t"``) frees the key, so that is accepted.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Mapping

from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen

# The widgets (with bindings) each screen hosts: their keys are reached while the screen's are.
# tests/tui/test_keyclash.py fails when a widget with bindings is hosted nowhere.
HOSTS: dict[str, tuple[str, ...]] = {
    "WorkspaceScreen": ("PolicyPane", "SearchBar", "SimilarPanel", "ReviewPanel", "DocumentList"),
    "TagPicker": ("ChoiceField",),
}


def _normalize(keys: str) -> list[str]:
    """Keys as Textual stores them (``?`` -> ``question_mark``)."""
    from textual.keys import _normalize_key_list

    return [k for k in _normalize_key_list(keys).split(",") if k]


def _own_bindings(cls: type[DOMNode]) -> list[Binding]:
    """The bindings a node of ``cls`` has: its own and, as Textual merges them, its bases' (only the
    app's and the project's: a text field's editing keys are not actions of this app)."""
    found: list[Binding] = []
    for base in reversed(cls.__mro__):
        if not (base.__module__.startswith("reviewer.") or base.__module__ == "textual.app"):
            continue
        if "BINDINGS" not in vars(base):
            continue
        if base is not cls and not getattr(cls, "_inherit_bindings", True):
            continue
        found.extend(b for b in vars(base)["BINDINGS"] if isinstance(b, Binding))
    return found


def chains(classes: Iterable[type[DOMNode]]) -> list[tuple[str, list[Binding]]]:
    """(screen name, every binding reachable at once) for each place a key can be pressed."""
    classes = list(classes)
    by_name = {c.__name__: c for c in classes}
    app = [c for c in classes if not issubclass(c, Screen) and c.__module__ == "reviewer.tui.app"]
    app_bindings = [b for c in app for b in _own_bindings(c)]
    # Textual binds the command palette's key at run time, not in BINDINGS: it is taken all the same
    if not any(b.action.endswith("command_palette") for b in app_bindings):
        app_bindings += [Binding(getattr(c, "COMMAND_PALETTE_BINDING", "ctrl+p"), "command_palette",
                                 "Command palette") for c in app[:1] if getattr(c, "ENABLE_COMMAND_PALETTE", False)]
    found: list[tuple[str, list[Binding]]] = [("App", app_bindings)]
    for cls in classes:
        if not issubclass(cls, Screen):
            continue
        base = _own_bindings(cls) + ([] if issubclass(cls, ModalScreen) else app_bindings)
        found.append((cls.__name__, base))
        for hosted in HOSTS.get(cls.__name__, ()):
            if hosted in by_name:
                found.append((cls.__name__, _own_bindings(by_name[hosted]) + base))
    return found


def _place(name: str) -> str:
    """``WorkspaceScreen`` -> ``the workspace screen``."""
    if name == "App":
        return "every screen"
    words = " ".join(re.findall(r"[A-Z][a-z0-9]*", name)).lower() or name
    return words if words.startswith("the ") else f"the {words}" + ("" if words.endswith("screen") else " screen")


def _name(binding: Binding) -> str:
    what = binding.id or binding.action
    return f"{what} ({binding.description})" if binding.description else what


def refuse_clashes(keymap: dict[str, str], classes: Iterable[type[DOMNode]],
                   source: Path | str | None = None) -> tuple[dict[str, str], list[str]]:
    """``keymap`` without the remaps that would take a key another action still holds, and one
    warning per refused remap. Refusing one remap gives back its default keys, which may refuse
    another (a half-done swap), so this runs until nothing changes."""
    where = f"{source}: " if source else ""
    places = chains(classes)
    accepted = dict(keymap)
    refused: dict[str, str] = {}
    while True:
        newly: dict[str, str] = {}
        for place, bindings in places:
            holders: dict[str, list[Binding]] = {}
            for b in bindings:
                keys = _normalize(accepted[b.id]) if b.id in accepted else _normalize(b.key)
                for key in keys:
                    if all((h.id or h.action) != (b.id or b.action) for h in holders.get(key, [])):
                        holders.setdefault(key, []).append(b)
            for key, held in holders.items():
                if len(held) < 2:
                    continue
                for b in held:
                    if b.id in accepted and b.id not in newly:
                        others = ", ".join(_name(o) for o in held if o is not b)
                        newly[b.id] = (f"{where}[keys] {b.id} = {keymap[b.id]!r} refused: {key} is already "
                                       f"the key of {others} on {_place(place)}; {b.id} keeps {b.key!r} "
                                       "(move the other action too to swap them)")
        if not newly:
            return accepted, list(refused.values())
        for ident, warning in newly.items():
            accepted.pop(ident)
            refused[ident] = warning


def checked_keymap(keys: Mapping[str, str], source: Path | str | None) -> tuple[dict[str, str], list[str]]:
    """The ``[keys]`` settings without unusable keys and without remaps that would take another
    action's key, and a warning naming the settings file for each one refused."""
    from reviewer.tui.keymap import binding_classes, key_problem

    where = f"{source}: " if source else ""
    good: dict[str, str] = {}
    warnings: list[str] = []
    for binding_id, value in keys.items():
        problem = key_problem(value)
        if problem:
            warnings.append(f"{where}bad key in the [keys] settings: {binding_id} = {value!r} ({problem}); "
                            "using its default")
        else:
            good[binding_id] = value
    good, refused = refuse_clashes(good, binding_classes(), source)
    return good, warnings + refused


def real_clashes(clashed: Iterable[Binding], keymap: Mapping[str, str]) -> set[tuple[str, str, str]]:
    """(action that lost its key, the key, the remapped action(s) now on it) for each binding of a
    Textual clash report that really lost its key. Textual reports a remapped binding at one of its
    own new keys as clashing with itself (an action with several default keys is visited once per
    key); those are not clashes."""
    lost: set[tuple[str, str, str]] = set()
    for b in clashed:
        if b.id is not None and b.id in keymap and b.key in _normalize(keymap[b.id]):
            continue
        winners = sorted(i for i, keys in keymap.items() if b.key in _normalize(keys) and i != b.id)
        lost.add((b.id or b.action, b.key, ", ".join(winners) or "another action"))
    return lost


__all__ = ["HOSTS", "chains", "real_clashes", "refuse_clashes"]
