"""SIGTERM and SIGHUP (the terminal closed): while the note editor is open, in a real terminal
(tmux), the text typed is in the annotation file after the app exits, and the lock is released; a
terminal that closes while the app's output is stuck still ends the app (ExitGuard)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
import tomllib
from pathlib import Path

import pytest

from reviewer.tui.exit_guard import GRACE, ExitGuard

from tests.tui.test_tmux import DOC, Tmux

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


@needs_tmux
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_while_typing_a_note_saves_it(tmp_path: Path, seeds: Path, demo_set: Path, sig: int) -> None:
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


def test_the_terminal_closing_while_output_is_stuck_still_ends_the_app(tmp_path: Path) -> None:
    """A terminal that stops reading (a frozen window, a stalled ssh session) and then closes: the
    app's output thread blocks, its queue fills and the event loop waits on it, so a quit asked of
    the loop never runs. The app must still end and release the set lock (it hung forever)."""
    docs = tmp_path / "policies"
    docs.mkdir()
    for i in range(60):   # a coverage matrix taller than the screen
        (docs / f"policy-{i:02}.txt").write_text(f"Policy {i}\n\nWe collect your email address {i}.\n",
                                                   encoding="utf-8")
    set_dir = tmp_path / "set"
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", XDG_CONFIG_HOME=str(tmp_path / "config"))
    proc = subprocess.Popen([sys.executable, "-m", "reviewer", str(docs), "--annotations", str(set_dir)],
                            stdin=slave, stdout=slave, stderr=slave, env=env, cwd=tmp_path,
                            start_new_session=True)
    try:
        seen = b""
        while b"palette" not in seen:   # read until the first screen is drawn, then never again
            ready, _, _ = select.select([master], [], [], 60)
            assert ready and proc.poll() is None, f"the app did not start: {seen[-300:]!r}"
            seen += os.read(master, 65536)
        termios.tcflow(slave, termios.TCOOFF)   # the terminal stops taking output: every write blocks
        for _ in range(200):   # more repaints than Textual queues (30): its loop then waits on the queue
            os.write(master, b"\x0e")   # ctrl+n: the order reversed, every row repainted
            time.sleep(0.005)   # paces the keys (one repaint each); not a wait for anything
        os.close(master)
        os.close(slave)
        slave = -1
        master = -1
        proc.send_signal(signal.SIGHUP)
        assert proc.wait(timeout=GRACE + 30) == 0
    finally:
        for fd in (master, slave):
            if fd >= 0:
                os.close(fd)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not (set_dir / ".reviewer.lock").exists()


def test_exit_guard_ends_the_process_when_the_quit_does_not_finish() -> None:
    released, ended = threading.Event(), threading.Event()
    codes: list[int] = []

    def end(code: int) -> None:
        codes.append(code)
        ended.set()

    with ExitGuard(lambda: None, released.set, grace=0.05, end=end):
        os.kill(os.getpid(), signal.SIGTERM)   # handled: no loop runs here, so only the grace period ends it
        assert ended.wait(30)
    assert released.is_set() and codes == [0]


def test_exit_guard_leaves_a_quit_that_finished_alone() -> None:
    ended = threading.Event()
    guard = ExitGuard(lambda: None, lambda: None, grace=0.05, end=lambda code: ended.set())
    with guard:
        pass   # the app ended by itself
    guard._signalled.set()   # a signal after the app ended: the watchdog sees it finished
    guard._watchdog.join(30)
    assert not guard._watchdog.is_alive() and not ended.is_set()
    assert signal.getsignal(signal.SIGTERM) is not guard._handle   # the handlers before it are back
