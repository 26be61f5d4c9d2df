"""User settings: ``config.toml`` in the platform's config folder (platformdirs), read leniently.

```toml
theme = "reviewer-dark"          # a Textual theme or one of themes/
suggestions = true               # suggest categories learned from the set's own tags
annotator = "ana"                # name written into new sets
annotations = "annotations/default"   # the set opened when --annotations is not given

[keys]                           # binding id (or its short name) -> key(s), Textual syntax
tag_picker = "t"
"pane.next" = "j,down"
```

A bad file never stops the app: ``load_settings`` returns the defaults for whatever is wrong
together with one warning per problem, each naming the file.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Iterable

import platformdirs

from reviewer.safeio import NotRegular, describe, read_regular

APP_NAME = "reviewer"
CONFIG_FILE = "config.toml"
DEFAULT_SET = "annotations/default"  # the set opened when --annotations names none
ENV_CONFIG = "REVIEWER_CONFIG"   # an explicit config file path, for scripts and tests
MAX_SETTINGS = 1024 * 1024       # bytes: a settings file is a few lines


@dataclass
class Settings:
    theme: str | None = None
    keys: dict[str, str] = field(default_factory=dict)   # as written: binding id or short name -> keys
    suggestions: bool = True
    annotator: str | None = None
    annotations: str | None = None
    source: Path | None = None                           # the file these came from (None: defaults)

    def key(self, binding_id: str, default: str) -> str:
        """The key(s) for a binding: configured by full id, else by short name, else ``default``."""
        if binding_id in self.keys:
            return self.keys[binding_id]
        short = _short(binding_id)
        for name, value in self.keys.items():
            if "." not in name and _norm(name) == short:
                return value
        return default

    def keymap(self, binding_ids: Iterable[str]) -> tuple[dict[str, str], list[str]]:
        """Resolve ``keys`` against the app's binding ids, for ``App.set_keymap``.

        Short names (``tag_picker``) apply to every id ending in that name (``pane.tag_picker``);
        ``-`` and ``_`` are interchangeable. Names matching no binding are reported.
        """
        ids = list(dict.fromkeys(binding_ids))
        keymap: dict[str, str] = {}
        warnings: list[str] = []
        where = f"{self.source}: " if self.source else ""
        by_norm = {_norm(i): i for i in ids}
        for name, value in self.keys.items():
            if name in ids:
                keymap[name] = value
                continue
            if "." in name:  # a full id; "picker.page-down" still names "picker.page_down"
                matches = [by_norm[_norm(name)]] if _norm(name) in by_norm else []
            else:
                matches = [i for i in ids if _short(i) == _norm(name)]
            if not matches:
                warnings.append(f"{where}[keys] {name!r} is not a binding of this app (ignored)")
                continue
            for ident in matches:
                keymap.setdefault(ident, value)
        # A full id written explicitly wins over a short name.
        keymap.update({k: v for k, v in self.keys.items() if k in ids})
        return keymap, warnings


def _norm(name: str) -> str:
    return name.strip().lower().replace("-", "_")


def _short(binding_id: str) -> str:
    return _norm(binding_id.rsplit(".", 1)[-1])


def config_path() -> Path:
    """Where the settings live: $REVIEWER_CONFIG, else ``<user config dir>/reviewer/config.toml``."""
    explicit = os.environ.get(ENV_CONFIG)
    if explicit:
        return Path(explicit)
    return Path(platformdirs.user_config_dir(APP_NAME)) / CONFIG_FILE


_TYPES: dict[str, tuple[type, ...]] = {
    "theme": (str,), "suggestions": (bool,), "annotator": (str,), "annotations": (str,),
}
_TYPE_NAMES = {str: "a string", bool: "true or false"}


def load_settings(path: Path | str | None = None) -> tuple[Settings, list[str]]:
    """Read the settings file (default: ``config_path()``); never raises.

    Returns the settings and warnings. A missing file is simply the defaults; an unreadable or
    malformed one gives the defaults and a warning; a field with the wrong type, an unknown
    field or a bad key gives a warning and the default for that field only.
    """
    try:
        path = Path(path) if path is not None else config_path()
    except Exception as exc:  # noqa: BLE001 - no config folder on this platform: defaults
        return Settings(), [f"cannot locate the config folder ({exc}); using the default settings"]
    try:
        data_bytes = read_regular(path, MAX_SETTINGS)   # a FIFO here must not stop the app starting
    except FileNotFoundError:
        return Settings(), []
    except NotRegular as exc:
        if exc.folder:
            return Settings(), [f"{path}: is a folder, not a settings file; using the default settings"]
        return Settings(), [f"{path}: {describe(exc)}; using the default settings"]
    except OSError as exc:
        return Settings(), [f"{path}: {describe(exc)}; using the default settings"]
    try:
        text = data_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Settings(), [f"{path}: not valid UTF-8 (byte {exc.start}); using the default settings"]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return Settings(), [f"{path}: malformed TOML ({exc}); using the default settings"]
    except RecursionError:
        return Settings(), [f"{path}: malformed TOML (nested too deeply); using the default settings"]
    except ValueError as exc:  # e.g. an integer of over 4,300 digits, refused by int() itself
        return Settings(), [f"{path}: unreadable TOML value ({str(exc).split(':')[0]}); using the default settings"]
    return parse_settings(data, path)


def parse_settings(data: dict[str, Any], path: Path | None = None) -> tuple[Settings, list[str]]:
    """Validate a parsed settings table field by field (see ``load_settings``)."""
    where = f"{path}: " if path is not None else ""
    settings = Settings(source=path)
    warnings: list[str] = []
    known = {f.name for f in fields(Settings)} - {"source"}
    for name, value in data.items():
        if name not in known:
            warnings.append(f"{where}unknown setting {name!r} ignored (known: {', '.join(sorted(known))})")
            continue
        if name == "keys":
            settings.keys = _keys(value, where, warnings)
            continue
        types = _TYPES[name]
        if not isinstance(value, types) or (bool not in types and isinstance(value, bool)):
            warnings.append(f"{where}{name} must be {_TYPE_NAMES[types[0]]}, not {_describe(value)}; "
                            f"using the default ({getattr(Settings(), name)!r})")
            continue
        if isinstance(value, str) and not value.strip():
            warnings.append(f"{where}{name} is empty; using the default")
            continue
        setattr(settings, name, value.strip() if isinstance(value, str) else value)
    return settings, warnings


def _keys(value: Any, where: str, warnings: list[str]) -> dict[str, str]:
    if not isinstance(value, dict):
        warnings.append(f"{where}keys must be a table ([keys] with name = \"key\" lines), not {_describe(value)}; "
                        "using the default keys")
        return {}
    keys: dict[str, str] = {}
    for name, raw in value.items():
        if isinstance(raw, dict):
            # [keys.pane] next = "j"  ->  "pane.next"
            for sub, inner in raw.items():
                keys.update(_keys({f"{name}.{sub}": inner}, where, warnings))
            continue
        if isinstance(raw, list) and raw and all(isinstance(k, str) for k in raw):
            raw = ",".join(raw)
        if not isinstance(raw, str):
            warnings.append(f"{where}[keys] {name} must be a key such as \"t\" or \"ctrl+s\", not {_describe(raw)}; "
                            "using its default")
            continue
        parts = [p.strip() for p in raw.split(",")]
        if not raw.strip() or any(not p or any(c.isspace() for c in p) for p in parts):
            warnings.append(f"{where}[keys] {name} = {raw!r} is not a valid key list "
                            "(comma-separated keys like \"j,down\"); using its default")
            continue
        keys[name] = ",".join(parts)
    return keys


def _describe(value: Any) -> str:
    kind = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "an array",
            dict: "a table"}.get(type(value), type(value).__name__)
    text = repr(value)
    return f"{kind} ({text if len(text) <= 30 else text[:29] + '…'})"


__all__ = ["Settings", "load_settings", "parse_settings", "config_path", "ENV_CONFIG"]
