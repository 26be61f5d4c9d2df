"""Every binding the app declares can be remapped from the ``[keys]`` settings, by one id style."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from reviewer.config import Settings
from reviewer.tui.keymap import all_binding_ids, binding_classes
from reviewer.tui.screens.lookup import LookupScreen

from .conftest import drive

TUI = Path(__file__).resolve().parents[2] / "reviewer" / "tui"
ID_STYLE = re.compile(r"^[a-z]+(_[a-z]+)*\.[a-z0-9]+(_[a-z0-9]+)*$")


def declared_ids() -> set[str]:
    """Binding ids written literally in the source (f-string ids are covered by the count below)."""
    found: set[str] = set()
    for path in TUI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Binding":
                for kw in node.keywords:
                    if kw.arg == "id" and isinstance(kw.value, ast.Constant):
                        found.add(kw.value.value)
    return found


def test_every_declared_binding_id_is_discovered() -> None:
    ids = set(all_binding_ids())
    assert declared_ids() <= ids, sorted(declared_ids() - ids)
    for prefix in ("lookup.", "similar.", "compare.", "matrix.", "sync."):
        assert any(i.startswith(prefix) for i in ids), prefix


def test_every_binding_id_has_one_style_and_is_unique_per_class() -> None:
    for cls in binding_classes():
        ids = [b.id for b in vars(cls)["BINDINGS"] if getattr(b, "id", None)]
        assert len(ids) == len(set(ids)), cls
    bad = [i for i in all_binding_ids() if not ID_STYLE.match(i)]
    assert not bad


def test_every_binding_id_resolves_from_the_settings() -> None:
    ids = all_binding_ids()
    keymap, warnings = Settings(keys={i: "f9" for i in ids}).keymap(ids)
    assert not warnings and set(keymap) == set(ids)
    # the older kebab-case spelling of an id still names it
    keymap, warnings = Settings(keys={"picker.page-down": "f8"}).keymap(ids)
    assert keymap == {"picker.page_down": "f8"} and not warnings


def test_a_lookup_screen_key_is_remapped_in_the_app(make_app) -> None:
    app = make_app(keys={"lookup.close": "f9"})

    async def scenario(pilot) -> None:
        await pilot.press("ctrl+f")
        assert isinstance(app.screen, LookupScreen)
        await pilot.press("escape")          # no longer bound: the screen stays
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)
        await pilot.press("f9")
        await pilot.pause()
        assert not isinstance(app.screen, LookupScreen)

    drive(app, scenario)
