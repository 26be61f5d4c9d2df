"""``[keys]`` remaps that would take another action's key: refused once, truthfully, naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.screen import Screen
from textual.widget import Widget

from reviewer.config import ENV_CONFIG, load_settings
from reviewer.tui.commands import help_entries
from reviewer.tui.keyclash import HOSTS, refuse_clashes
from reviewer.tui.keymap import all_binding_ids, binding_classes
from tests.apps import notifications

from .conftest import drive, until


def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keys: str) -> tuple[dict[str, str], Path]:
    """The resolved keymap of a config.toml holding ``keys``, as the launcher builds it."""
    path = tmp_path / "config.toml"
    path.write_text(f"[keys]\n{keys}\n", encoding="utf-8")
    monkeypatch.setenv(ENV_CONFIG, str(path))
    settings, warnings = load_settings()
    assert not warnings
    keymap, warnings = settings.keymap(all_binding_ids())
    assert not warnings
    return keymap, path


def _bound(app) -> dict[str, str]:
    """key -> action of what the analyst can press now."""
    return {key: active.binding.action for key, active in app.screen.active_bindings.items()}


def _help(app) -> dict[str, str]:
    return {e.description: e.keys for e in help_entries(app.screen)}


def test_a_remap_onto_another_actions_key_is_refused_and_the_file_named(make_app, tmp_path, monkeypatch) -> None:
    keymap, path = _settings(tmp_path, monkeypatch, 'tag_picker = "x"')
    app = make_app(keys=keymap)

    async def scenario(pilot) -> None:
        bound = _bound(app)
        assert bound["x"] == "delete" and bound["t"] == "tag_picker"
        assert "x" in _help(app)["Delete"].split()
        warned = [m for m in notifications(app) if "refused" in m]
        assert len(warned) == 1
        assert str(path) in warned[0] and "workspace.tag_picker" in warned[0] and "workspace.delete" in warned[0]

    drive(app, scenario)


def test_a_swap_of_two_keys_is_accepted(make_app, tmp_path, monkeypatch) -> None:
    keymap, _ = _settings(tmp_path, monkeypatch, 'tag_picker = "x"\ndelete = "t"')
    app = make_app(keys=keymap)

    async def scenario(pilot) -> None:
        bound = _bound(app)
        assert bound["x"] == "tag_picker" and bound["t"] == "delete"
        assert not [m for m in notifications(app) if "refused" in m or "clash" in m.lower()]

    drive(app, scenario)


def test_a_remap_onto_a_key_of_a_hosted_widget_or_the_app_is_refused() -> None:
    classes = binding_classes()
    for keymap, other in (({"workspace.tag_picker": "j"}, "pane.next"),      # the focused pane's key
                          ({"pane.search": "q"}, "app.quit"),                 # the app's key, under the pane
                          ({"workspace.save": "ctrl+q"}, "quit"),             # Textual's own quit
                          ({"workspace.tag_picker": "ctrl+p"}, "command_palette")):   # bound at run time
        accepted, warnings = refuse_clashes(keymap, classes, "/cfg/config.toml")
        assert accepted == {} and len(warnings) == 1, (keymap, warnings)
        assert other in warnings[0] and "/cfg/config.toml" in warnings[0]
    # a modal screen does not reach the app's keys: q is free there
    assert refuse_clashes({"picker.confirm": "q"}, classes)[0] == {"picker.confirm": "q"}
    # two remaps onto one key: both refused; a half-done swap refuses the other half too
    accepted, warnings = refuse_clashes({"workspace.tag_picker": "z", "workspace.delete": "z"}, classes)
    assert accepted == {} and len(warnings) == 2
    accepted, warnings = refuse_clashes({"workspace.tag_picker": "x", "workspace.delete": "t",
                                         "workspace.undo": "t"}, classes)
    assert accepted == {} and len(warnings) == 3


def test_every_widget_with_keys_is_hosted_by_a_screen() -> None:
    hosted = {name for names in HOSTS.values() for name in names}
    widgets = {c.__name__ for c in binding_classes() if issubclass(c, Widget) and not issubclass(c, Screen)}
    assert widgets <= hosted, widgets - hosted


def test_a_remap_of_an_action_with_two_default_keys_is_no_clash(make_app) -> None:
    app = make_app(keys={"workspace.undo": "U"})

    async def scenario(pilot) -> None:
        await pilot.press(*"jjjjj")
        assert not [m for m in notifications(app) if "clash" in m.lower()]
        bound = _bound(app)
        assert bound["U"] == "undo" and "u" not in bound and bound.get("ctrl+z") is None

    drive(app, scenario)


def test_a_real_clash_is_told_once_and_truthfully(make_app) -> None:
    from textual.binding import Binding

    app = make_app(keys={"workspace.undo": "U"})

    async def scenario(pilot) -> None:
        app.set_keymap({"workspace.undo": "U", "workspace.tag_picker": "x"})   # as if the check had missed it
        lost = Binding("x", "delete", "Delete", id="workspace.delete")
        self_clash = Binding("U", "undo", "Undo", id="workspace.undo")
        for _ in range(3):
            app.handle_bindings_clash({lost, self_clash}, app.screen)
        await pilot.press("j")            # and Textual re-applies the keymap on a key press
        await until(pilot, lambda: any("clash" in m.lower() for m in notifications(app)), "the clash told")
        await pilot.pause()
        told = [m for m in notifications(app) if "clash" in m.lower()]
        assert len(told) == 1, told
        assert "x now runs workspace.tag_picker and no longer workspace.delete" in told[0]
        assert "workspace.undo" not in told[0]

    drive(app, scenario)
