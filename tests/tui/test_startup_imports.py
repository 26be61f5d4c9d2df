"""The first screen first: importing the app loads nothing that only a later command, dialog or
the suggestion model needs (each of these cost start-up time measured with ``python -X importtime``)."""

from __future__ import annotations

import subprocess
import sys

DEFERRED = ("reviewer.tui.screens.export_dialog", "reviewer.versions.carry", "reviewer.versions.diff",
            "reviewer.tui.screens.review_queue", "reviewer.suggestions.training", "concurrent.futures.process",
            "sklearn", "numpy")


def test_importing_the_app_defers_what_the_first_screen_does_not_need() -> None:
    code = ("import sys, reviewer.tui.app\n"
            f"print(' '.join(m for m in {DEFERRED!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == []
