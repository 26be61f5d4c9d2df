"""SIGTERM and SIGHUP (the terminal closed) while the note editor is open, in a real terminal
(tmux): the text typed is in the annotation file after the app exits, and the lock is released."""

from __future__ import annotations

import os
import shutil
import signal
import tomllib
from pathlib import Path

import pytest

from tests.tui.test_tmux import DOC, REVIEWER, Tmux

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_while_typing_a_note_saves_it(tmp_path: Path, seeds: Path, demo_set: Path, sig: int) -> None:
    if not REVIEWER.exists():
        pytest.skip(f"{REVIEWER} is not installed (pip install -e .)")
    note = f"typed then {sig.name}"
    tmux = Tmux(tmp_path, seeds, demo_set)
    try:
        tmux.wait_for("clause 1/")
        tmux.keys("j", "1", "a")
        tmux.wait_for("^s Keep")
        tmux.keys("-l", note)
        tmux.wait_for(note)
        os.kill(tmux.pid(), sig)                # at once: the draft timer may not have fired yet
        tmux.wait_exit()
    finally:
        tmux.close()
    data = tomllib.loads((demo_set / f"{DOC}.toml").read_text(encoding="utf-8"))
    assert note in [a.get("note") for a in data.get("annotation", [])]
    assert not (demo_set / ".reviewer.lock").exists()
