"""Escape sequences in a document never reach a real terminal (tmux): the app's raw output, taken
with ``pipe-pane`` from the first byte, holds none of the document's sequences (colour, title, cursor
movement, screen clear, OSC 8 hyperlink, 8-bit CSI, BEL); the pane title is unchanged; the screen
shows them as visible stand-ins; markup in the text is shown literally."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from tests.tui.test_tmux import REVIEWER, Tmux

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

HOSTILE = ("\x1b]0;PWNED-TITLE\x07Policy \x1b[31mRED-TEXT\x1b[0m title\n\n"
           "We collect data. \x1b]2;PWNED-TWO\x1b\\Set the title again.\n\n"
           "Clear \x1b[2J\x1b[HHOME-CURSOR and \x1b[10;10HMOVED-CURSOR and \x1b[?1049hALT-SCREEN here.\n\n"
           "A \x1b]8;;https://evil.example/\x1b\\HYPERLINK-TEXT\x1b]8;;\x1b\\ to click.\n\n"
           "Eight-bit \x9b31mC1-CSI\x9b0m and a bell \x07 and DCS \x1bPq#0\x1b\\ done.\n\n"
           "Markup [bold red]NOT-BOLD[/bold red] and [@click=app.quit]NOT-A-LINK[/] and [link=x]y[/link].\n")


class _Piped(Tmux):
    """Tmux running the app on given documents, its raw output piped to a file from the start."""

    def __init__(self, tmp: Path, docs: list[Path], set_dir: Path, raw: Path) -> None:
        self.socket = f"reviewer-esc-{os.getpid()}-{time.monotonic_ns()}"
        self.name = "app"
        gate = tmp / "gate"
        env = " ".join(f"{k}={v}" for k, v in os.environ.items() if k.startswith("XDG_") and " " not in v)
        command = (f"while [ ! -e {gate} ]; do sleep 0.05; done; cd {tmp} && exec env -u COLUMNS -u LINES {env} "
                   f"TERM=xterm-256color {REVIEWER} {' '.join(map(str, docs))} --annotations {set_dir}")
        self.run("-f", "/dev/null", "start-server", ";", "set", "-g", "default-size", "120x40", ";",
                 "new-session", "-d", "-s", self.name, "-x", "120", "-y", "40", command)
        self.run("pipe-pane", "-o", "-t", self.name, f"cat >> {raw}")
        gate.touch()


def test_document_escape_sequences_never_reach_the_terminal(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    raw = tmp_path / "raw.bin"
    tmux = _Piped(tmp_path, [docs / "hostile.txt"], tmp_path / "set", raw)
    try:
        title_before = tmux.run("display-message", "-p", "-t", tmux.name, "#{pane_title}")
        screen = tmux.wait_for("clause 1/")
        tmux.keys("J", "J", "J", "J", "J", "G", "g")          # every paragraph drawn, scrolled, redrawn
        tmux.wait_for("clause 1/")
        time.sleep(0.5)
        screen = tmux.screen()
        coloured = tmux.run("capture-pane", "-p", "-e", "-t", tmux.name)
        title_after = tmux.run("display-message", "-p", "-t", tmux.name, "#{pane_title}")
        tmux.keys("q")
        tmux.wait_exit()
    finally:
        tmux.close()
    output = raw.read_bytes()
    assert b"RED-TEXT" in output and b"HYPERLINK-TEXT" in output      # the text itself was drawn
    # None of the document's sequences, as it spelled them, is in what the app wrote to the terminal.
    for sequence in (b"\x1b]0;PWNED", b"\x1b]2;PWNED", b"\x1b[31mRED-TEXT", b"\x1b[2J\x1b[HHOME",
                     b"\x1b[10;10HMOVED", b"\x1b[?1049hALT-SCREEN", b"\x1b]8;;https://evil", b"\x1bPq#0",
                     b"\xc2\x9b31m", b"\x9b31m", b"\x07 and DCS"):
        assert sequence not in output, sequence
    oscs = [chunk[:60] for chunk in output.split(b"\x1b]")[1:]]        # whatever OSC the app itself sends
    assert not [o for o in oscs if b"PWNED" in o or b"evil.example" in o], oscs
    assert "PWNED" not in title_after and title_after == title_before
    # What the analyst sees: inert stand-ins and literal markup; tmux drew no hyperlink.
    assert "\u241b]0;PWNED-TITLE" in screen and "\u241b[31mRED-TEXT" in screen
    assert "[bold red]NOT-BOLD[/bold red]" in screen and "[@click=app.quit]NOT-A-LINK[/]" in screen
    assert "\x1b]8" not in coloured and "evil.example" in coloured  # shown as text, not as a link
