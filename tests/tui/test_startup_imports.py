"""The first screen first: importing the app loads nothing that only a later command, dialog or
the suggestion model needs (each of these cost start-up time measured with ``python -X importtime``)."""

from __future__ import annotations

import subprocess
import sys

DEFERRED = ("reviewer.tui.screens.export_dialog", "reviewer.versions.carry", "reviewer.versions.diff",
            "reviewer.tui.widgets.review_panel", "reviewer.suggestions.training", "concurrent.futures.process",
            "sklearn", "numpy", "rapidfuzz", "reviewer.merge", "csv")


def test_importing_the_app_defers_what_the_first_screen_does_not_need() -> None:
    code = ("import sys, reviewer.tui.app\n"
            f"print(' '.join(m for m in {DEFERRED!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == []


def test_collection_is_off_until_the_first_screen_is_drawn_then_on_with_the_start_frozen() -> None:
    """``launch`` turns the garbage collector off; the app turns it on after its first refresh,
    with what the start built frozen. Run in a child: the collector's state is process-wide."""
    code = r"""
import gc, sys
from pathlib import Path
from reviewer.tui import startgc
startgc.hold()   # as launch() does
from reviewer.tui.launch import prepare
from reviewer.tui.app import ReviewerApp
ws, _ = prepare([sys.argv[1]], sys.argv[2], lock=False)
app = ReviewerApp(ws)
seen = []
draw = app._display
def display(screen, update):
    seen.append(gc.isenabled())
    draw(screen, update)
app._display = display
async def auto(pilot):
    await pilot.pause()
    for _ in range(50):
        if gc.isenabled():
            break
        await pilot.pause()
    seen.append(("after", gc.isenabled(), gc.get_freeze_count() > 1000))
    app.exit()
app.run(headless=True, size=(100, 30), auto_pilot=auto)
print(seen[0], seen[-1])
"""
    import tempfile
    from pathlib import Path

    seeds = Path(__file__).resolve().parents[2] / "seeds"
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([sys.executable, "-c", code, str(seeds), str(Path(tmp) / "set")],
                             capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[0] == "False ('after', True, True)"


def test_release_turns_on_only_what_hold_turned_off() -> None:
    """A pause someone else made (a bulk load in a worker) is theirs to end: release leaves it."""
    import gc

    from reviewer.tui import startgc

    frozen = gc.get_freeze_count()
    gc.disable()
    try:
        startgc.release()                      # no hold: nothing happens
        assert not gc.isenabled() and gc.get_freeze_count() == frozen
    finally:
        gc.enable()
    startgc.hold()
    assert not gc.isenabled()
    startgc.release()
    try:
        assert gc.isenabled() and gc.get_freeze_count() >= frozen
        startgc.release()                      # a second release is a no-op
        assert gc.isenabled()
    finally:
        gc.unfreeze()
