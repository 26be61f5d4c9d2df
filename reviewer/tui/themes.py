"""Project themes (``themes/*.toml`` -> :class:`textual.theme.Theme`) and readable category colours.

A theme file maps onto ``Theme``'s fields, plus a ``[variables]`` table::

    name = "reviewer-dark"
    dark = true
    primary = "#5fa8d3"
    background = "#14171c"
    [variables]
    category-data-retention = "#e8c547"   # optional: this theme's colour for one category

A file that cannot be used is skipped with one warning naming it; the app then falls back to
the themes it has (Textual's built-ins always remain). Category colours come from the taxonomy
(or a theme's ``category-<slug>`` variable) and are nudged towards white or black until they
read clearly on the theme's background and surface (WCAG contrast >= :data:`MIN_CONTRAST`).
"""

from __future__ import annotations

import re
import sys
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from textual.color import Color, ColorParseError
from textual.design import (
    DEFAULT_DARK_BACKGROUND,
    DEFAULT_DARK_SURFACE,
    DEFAULT_LIGHT_BACKGROUND,
    DEFAULT_LIGHT_SURFACE,
)
from textual.theme import BUILTIN_THEMES, Theme

from reviewer.safeio import describe, read_regular
from reviewer.taxonomy import Taxonomy

__all__ = [
    "DEFAULT_DARK",
    "DEFAULT_LIGHT",
    "MIN_CONTRAST",
    "THEMES_DIR",
    "category_colour",
    "contrast_ratio",
    "load_theme",
    "load_themes",
    "readable",
    "register_themes",
]

DEFAULT_DARK = "reviewer-dark"
DEFAULT_LIGHT = "reviewer-light"
MIN_CONTRAST = 4.5  # WCAG AA for normal text
CATEGORY_VARIABLE = "category-{slug}"

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_COLOUR_FIELDS = ("primary", "secondary", "warning", "error", "success", "accent",
                  "foreground", "background", "surface", "panel", "boost")
_FLOAT_FIELDS = ("luminosity_spread", "text_alpha")
_BOOL_FIELDS = ("dark", "ansi")
_KNOWN = {"name", "variables", *_COLOUR_FIELDS, *_FLOAT_FIELDS, *_BOOL_FIELDS}
# Variables whose value must be a colour (optionally followed by an alpha such as "50%").
_COLOUR_VARIABLE = re.compile(r"^(category-.+|.+-(background|foreground|color|colour))$")


def _themes_dir() -> Path:
    """The bundled ``themes/`` folder: the source checkout's (editable installs, development),
    else a copy installed under ``<prefix>/share/reviewer/themes``."""
    candidates = [
        Path(__file__).resolve().parents[2] / "themes",
        Path(sys.prefix) / "share" / "reviewer" / "themes",
    ]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[0]


MAX_THEME = 1024 * 1024   # bytes: a theme file is a few dozen lines
THEMES_DIR: Path = _themes_dir()


class ThemeFileError(ValueError):
    """A theme file that cannot be used; the message names the file."""


def _parse_colour(path: Path, field: str, value: object) -> str:
    if not isinstance(value, str):
        raise ThemeFileError(f"{path}: {field} must be a string colour (got {type(value).__name__})")
    try:
        Color.parse(value.split()[0] if value.strip() else value)
    except (ColorParseError, IndexError):
        raise ThemeFileError(f"{path}: {field} is not a colour ({value!r})") from None
    return value


def load_theme(path: Path) -> tuple[Theme, list[str]]:
    """One theme file -> (Theme, warnings about ignored fields). Raises ThemeFileError."""
    try:
        data = tomllib.loads(read_regular(path, MAX_THEME).decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ThemeFileError(f"{path}: malformed TOML ({exc})") from None
    except UnicodeDecodeError as exc:
        raise ThemeFileError(f"{path}: not valid UTF-8 (byte {exc.start})") from None
    except OSError as exc:
        raise ThemeFileError(f"{path}: {describe(exc)}") from None
    except (ValueError, RecursionError) as exc:  # an integer of over 4,300 digits; nesting too deep
        raise ThemeFileError(f"{path}: unreadable TOML ({str(exc).split(':')[0] or 'nested too deeply'})") from None
    warnings = [f"{path}: unknown field {key!r} ignored" for key in data if key not in _KNOWN]
    name = data.get("name", path.stem)
    if not isinstance(name, str) or not _NAME.match(name):
        raise ThemeFileError(f"{path}: name must be lowercase letters, digits, '-' or '_' (got {name!r})")
    if "primary" not in data:
        raise ThemeFileError(f"{path}: primary colour is required")
    fields: dict[str, Any] = {}
    for key in _COLOUR_FIELDS:
        if key in data:
            fields[key] = _parse_colour(path, key, data[key])
    for key in _FLOAT_FIELDS:
        if key in data:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise ThemeFileError(f"{path}: {key} must be a number between 0 and 1 (got {value!r})")
            fields[key] = float(value)
    for key in _BOOL_FIELDS:
        if key in data:
            if not isinstance(data[key], bool):
                raise ThemeFileError(f"{path}: {key} must be true or false (got {data[key]!r})")
            fields[key] = data[key]
    raw_variables = data.get("variables", {})
    if not isinstance(raw_variables, dict):
        raise ThemeFileError(f"{path}: [variables] must be a table")
    variables: dict[str, str] = {}
    for key, value in raw_variables.items():
        if not _NAME.match(key):
            raise ThemeFileError(f"{path}: variable name {key!r} must be lowercase letters, digits, '-' or '_'")
        if not isinstance(value, str) or not value.strip() or any(c in value for c in "\n;{}"):
            raise ThemeFileError(f"{path}: variable {key!r} must be a one-line string value")
        if _COLOUR_VARIABLE.match(key):
            _parse_colour(path, f"variable {key!r}", value)
        variables[key] = value.strip()
    theme = Theme(name=name, variables=variables, **fields)
    try:
        theme.to_color_system().generate()
    except Exception as exc:  # noqa: BLE001 - any failure here means the file is unusable
        raise ThemeFileError(f"{path}: Textual refused the theme ({exc})") from None
    return theme, warnings


def load_themes(folder: Path = THEMES_DIR) -> tuple[list[Theme], list[str]]:
    """Every ``*.toml`` in ``folder`` (sorted by name) -> (themes, warnings naming bad files).

    A missing folder gives no themes and one warning; a bad file is skipped with one warning;
    a name used twice, or one of Textual's built-in names, keeps the first and warns.
    """
    themes: list[Theme] = []
    warnings: list[str] = []
    folder = Path(folder)
    if not folder.is_dir():
        return [], [f"{folder}: theme folder not found; using Textual's built-in themes"]
    seen: dict[str, Path] = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            theme, notes = load_theme(path)
        except ThemeFileError as exc:
            warnings.append(f"{exc}; theme skipped")
            continue
        warnings.extend(notes)
        if theme.name in BUILTIN_THEMES:
            warnings.append(f"{path}: {theme.name!r} is a built-in Textual theme name; theme skipped")
            continue
        if theme.name in seen:
            warnings.append(f"{path}: theme {theme.name!r} is already defined in {seen[theme.name]}; skipped")
            continue
        seen[theme.name] = path
        themes.append(theme)
    return themes, warnings


def register_themes(app: Any, folder: Path = THEMES_DIR) -> list[str]:
    """Register the folder's themes with ``app``; returns the warnings (for one toast)."""
    themes, warnings = load_themes(folder)
    for theme in themes:
        app.register_theme(theme)
    return warnings


# --- readable category colours -------------------------------------------------------------------

def _luminance(colour: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = colour.rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: str | Color, b: str | Color) -> float:
    """WCAG 2 contrast ratio between two opaque colours (1.0 .. 21.0)."""
    la, lb = _luminance(Color.parse(a)), _luminance(Color.parse(b))
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


@lru_cache(maxsize=4096)
def readable(colour: str, backgrounds: tuple[str, ...], minimum: float = MIN_CONTRAST) -> str:
    """``colour`` (hex), blended towards white or black just enough to reach ``minimum`` contrast
    against every one of ``backgrounds``. Keeps the hue as far as it can."""
    base = Color.parse(colour).with_alpha(1.0)
    grounds = [Color.parse(b).with_alpha(1.0) for b in backgrounds] or [Color.parse("#000000")]

    def worst(c: Color) -> float:
        return min(contrast_ratio(c, g) for g in grounds)

    if worst(base) >= minimum:
        return base.hex6
    white, black = Color(255, 255, 255), Color(0, 0, 0)
    target = white if worst(white) >= worst(black) else black
    for step in range(1, 41):
        candidate = base.blend(target, step / 40, alpha=1.0)
        if worst(candidate) >= minimum:
            return candidate.hex6
    return target.hex6


def _theme_of(app_or_theme: Any) -> Theme:
    if isinstance(app_or_theme, Theme):
        return app_or_theme
    theme = getattr(app_or_theme, "current_theme", None)
    if isinstance(theme, Theme):
        return theme
    app = getattr(app_or_theme, "app", None)  # a widget or screen
    theme = getattr(app, "current_theme", None)
    if isinstance(theme, Theme):
        return theme
    return BUILTIN_THEMES["textual-dark"]


def _grounds(theme: Theme) -> tuple[str, ...]:
    """The colours text is drawn on in this theme: background and surface (ANSI -> black/white)."""
    out = []
    for value, dark_default, light_default in (
        (theme.background, DEFAULT_DARK_BACKGROUND, DEFAULT_LIGHT_BACKGROUND),
        (theme.surface, DEFAULT_DARK_SURFACE, DEFAULT_LIGHT_SURFACE),
    ):
        colour = None
        if value:
            try:
                parsed = Color.parse(value)
                colour = None if parsed.ansi is not None else parsed.hex6
            except ColorParseError:
                colour = None
        if colour is None:
            if theme.ansi:
                colour = "#000000" if theme.dark else "#ffffff"
            else:
                colour = dark_default if theme.dark else light_default
        out.append(colour)
    return tuple(out)


def category_colour(app_or_theme: Any, taxonomy: Taxonomy, slug: str) -> str:
    """A ``#rrggbb`` colour for category ``slug`` that reads clearly as text in the current theme.

    ``app_or_theme`` is an App, a widget/screen (its app is used) or a Theme. The theme's
    ``category-<slug>`` variable wins over the taxonomy's colour; either way the result is
    adjusted to reach :data:`MIN_CONTRAST` against the theme's background and surface.
    """
    theme = _theme_of(app_or_theme)
    colour = theme.variables.get(CATEGORY_VARIABLE.format(slug=slug)) or taxonomy.colour(slug)
    try:
        parsed = Color.parse(colour.split()[0])
    except (ColorParseError, IndexError):
        parsed = Color.parse(taxonomy.colour(slug))
    return readable(parsed.hex6, _grounds(theme))
