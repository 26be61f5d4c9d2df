"""The ``[keys]`` settings against the app: every binding id there is, and whether a key value is usable."""

from __future__ import annotations

import importlib
import pkgutil
import unicodedata

from textual.binding import Binding
from textual.dom import DOMNode

import reviewer.tui

MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}


def binding_classes() -> list[type[DOMNode]]:
    """Every app, screen and widget class of ``reviewer.tui`` that declares bindings.

    Found by importing each module of the package, so a new screen's keys are remappable without
    being listed anywhere.
    """
    for info in pkgutil.walk_packages(reviewer.tui.__path__, prefix="reviewer.tui."):
        importlib.import_module(info.name)
    found: dict[type[DOMNode], None] = {}
    pending: list[type[DOMNode]] = [DOMNode]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("reviewer.tui.") and "BINDINGS" in vars(sub):
                found[sub] = None
    return list(found)


def all_binding_ids() -> list[str]:
    """Every binding id of the app, its screens and widgets (for resolving the ``[keys]`` table)."""
    ids = [b.id for cls in binding_classes() for b in vars(cls)["BINDINGS"] if isinstance(b, Binding) and b.id]
    return sorted(set(ids))


def key_problem(value: str) -> str | None:
    """Why a ``[keys]`` value is not a usable Textual key list, or None when it is."""
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
