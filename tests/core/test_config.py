"""Settings: config.toml under the platform config folder, read leniently with clear warnings."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewer.config import ENV_CONFIG, Settings, config_path, load_settings


def write(text: str | bytes) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_path_is_under_the_isolated_config_home() -> None:
    assert config_path() == Path(os.environ["XDG_CONFIG_HOME"]) / "reviewer" / "config.toml"
    assert config_path() == Path(platformdirs.user_config_dir("reviewer")) / "config.toml"


def test_missing_file_is_the_defaults_silently() -> None:
    settings, warnings = load_settings()
    assert settings == Settings() and warnings == []
    assert settings.theme is None and settings.suggestions is True and settings.keys == {}


def test_a_good_file() -> None:
    path = write('theme = "reviewer-light"\nsuggestions = false\nannotator = "ana"\n'
                 'annotations = "sets/main"\n\n[keys]\ntag_picker = "t"\n"pane.next" = "j,down"\n'
                 'undo = ["u", "ctrl+z"]\n[keys.picker]\ncancel = "escape"\n')
    settings, warnings = load_settings()
    assert warnings == []
    assert settings.theme == "reviewer-light" and settings.suggestions is False
    assert settings.annotator == "ana" and settings.annotations == "sets/main" and settings.source == path
    assert settings.keys == {"tag_picker": "t", "pane.next": "j,down", "undo": "u,ctrl+z", "picker.cancel": "escape"}


def test_keys_by_id_or_short_name() -> None:
    write('[keys]\ntag-picker = "T"\n"pane.next" = "n"\nnext = "x"\nnot_a_binding = "z"\n')
    settings, _ = load_settings()
    assert settings.key("pane.tag_picker", "t") == "T"
    assert settings.key("pane.next", "j") == "n"          # the full id wins over the short name
    assert settings.key("list.next", "j") == "x"
    assert settings.key("pane.quit", "q") == "q"
    keymap, warnings = settings.keymap(["pane.tag_picker", "pane.next", "list.next", "pane.quit"])
    assert keymap == {"pane.tag_picker": "T", "pane.next": "n", "list.next": "x"}
    assert len(warnings) == 1 and "'not_a_binding'" in warnings[0] and str(config_path()) in warnings[0]


def test_malformed_toml_gives_the_defaults_and_names_the_file() -> None:
    path = write('theme = "x\n[keys\n')
    settings, warnings = load_settings()
    assert settings == Settings()
    assert len(warnings) == 1 and warnings[0].startswith(f"{path}: malformed TOML") and "line" in warnings[0]


@pytest.mark.parametrize("content, fragment", [
    (b"\xff\xfe theme", "not valid UTF-8"),
    ("[keys]\na = 1\n[keys]\nb = 2\n", "malformed TOML"),
    ("x = " + "7" * 5000 + "\n", "unreadable TOML value"),   # int() refuses over 4,300 digits
])
def test_undecodable_or_duplicate_tables(content, fragment) -> None:
    write(content)
    settings, warnings = load_settings()
    assert settings == Settings() and fragment in warnings[0] and str(config_path()) in warnings[0]


def test_wrong_types_and_unknown_fields_fall_back_field_by_field() -> None:
    path = write('theme = 3\nsuggestions = "yes"\ncolour = "red"\nannotator = "ana"\n'
                 '[keys]\ntag = 5\nsave = ""\nquit = "q"\nspaced = "ctrl s"\n')
    settings, warnings = load_settings()
    assert settings.theme is None and settings.suggestions is True and settings.annotator == "ana"
    assert settings.keys == {"quit": "q"}
    assert all(w.startswith(f"{path}: ") for w in warnings)
    text = "\n".join(warnings)
    for fragment in ("theme must be a string, not an integer (3)", "suggestions must be true or false",
                     "unknown setting 'colour'", "[keys] tag must be a key", "[keys] save = ''",
                     "[keys] spaced = 'ctrl s'"):
        assert fragment in text
    assert len(warnings) == 6


def test_keys_not_a_table() -> None:
    write('keys = "t"\n')
    settings, warnings = load_settings()
    assert settings.keys == {} and "keys must be a table" in warnings[0]


def test_a_folder_or_unreadable_path_and_explicit_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings, warnings = load_settings(tmp_path)
    assert settings == Settings() and "is a folder" in warnings[0]
    explicit = tmp_path / "mine.toml"
    explicit.write_text('theme = "nord"\n')
    monkeypatch.setenv(ENV_CONFIG, str(explicit))
    assert load_settings()[0].theme == "nord"


def test_deeply_nested_tables_do_not_crash() -> None:
    write("[keys]\n" + "x = " + "[" * 5000 + "]" * 5000 + "\n")
    settings, warnings = load_settings()
    assert settings == Settings() and warnings


@given(st.binary(max_size=200))
def test_never_raises_on_any_bytes(data: bytes) -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    settings, warnings = load_settings()
    assert isinstance(settings, Settings) and all(isinstance(w, str) for w in warnings)
