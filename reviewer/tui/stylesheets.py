"""The app's stylesheets: the first screen's are read before the first paint, the rest after it.

Parsing every stylesheet before the first paint held it back (about 10 of the 13 ms of parsing
went to dialogs, panels and the screen not shown first). ``read_later`` reads what is missing; the
new rules match only widgets mounted afterwards, so nothing already styled is styled again. It
must run before a widget those rules style is mounted: the app calls it before every screen it
pushes (``read_before_push``: all but a first screen whose stylesheet is read), the workspace
before its body, and the similar-clauses panel before it is mounted.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App

STYLES = Path(__file__).parent / "styles"
ALL = ("base.tcss", "workspace.tcss", "pane.tcss", "inspector.tcss", "compare.tcss", "dialogs.tcss", "io.tcss",
       "lookup.tcss")
WORKSPACE_FIRST = ("base.tcss", "workspace.tcss", "pane.tcss", "inspector.tcss")
MATRIX_FIRST = ("base.tcss", "compare.tcss")


def first(start_with_coverage: bool) -> list[Path]:
    """The stylesheets read before the first paint, for the screen the app opens on."""
    return [STYLES / name for name in (MATRIX_FIRST if start_with_coverage else WORKSPACE_FIRST)]


def read_before_push(app: App, screen: object) -> None:
    """Before ``screen`` is pushed: read the rest unless the screen names its stylesheet
    (``STYLESHEET``) and that one is read already (the first screens, at start-up)."""
    own = getattr(screen, "STYLESHEET", None)
    if own is None or not app.stylesheet.has_source(str(STYLES / own), ""):
        read_later(app)


def read_later(app: App) -> None:
    """Read every stylesheet the app has not read yet (parsed at the next use of the rules)."""
    for name in ALL:
        path = STYLES / name
        if not app.stylesheet.has_source(str(path), ""):
            app.stylesheet.read(path)


__all__ = ["ALL", "STYLES", "first", "read_before_push", "read_later"]
