"""The app's stylesheets: the first screen's are read before the first paint, the rest after it.

Parsing every stylesheet before the first paint held it back (about 10 of the 13 ms of parsing
went to dialogs, panels and the screen not shown first). ``read_later`` reads what is missing; the
new rules match only widgets mounted afterwards, so nothing already styled is styled again. It
must run before a widget those rules style is mounted: the app calls it for every screen it
pushes (but the first two), the workspace before its body and the similar-clauses panel.
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


def read_later(app: App) -> None:
    """Read every stylesheet the app has not read yet (parsed at the next use of the rules)."""
    for name in ALL:
        path = STYLES / name
        if not app.stylesheet.has_source(str(path), ""):
            app.stylesheet.read(path)


__all__ = ["ALL", "STYLES", "first", "read_later"]
