"""Two app instances on one set, real processes in tmux: the second is told who holds the set (pid
and host) and runs read-only; quitting it leaves the holder's lock alone; once the holder is killed
with SIGKILL, its stale lock is taken over by the next instance, which writes normally."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
from pathlib import Path

import pytest

from reviewer.lock import read_lock
from tests.tui.test_tmux import DOC, Tmux, _annotations

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def _toast(screen: str) -> str:
    """The text of the toast (right of its ``▌`` edge on the right half), lines joined: it wraps."""
    parts = []
    for line in screen.splitlines():
        edge = line.rfind("▌")
        if edge > 40:
            parts.append(re.sub(r"[│╮╯─]", "", line[edge + 1:118]))   # column 119 belongs to the legend
    return "".join("".join(parts).split())     # a long path is cut mid-word: compare without spaces


def test_second_instance_is_told_pid_and_host_and_a_killed_holders_lock_is_taken_over(
        tmp_path: Path, seeds: Path, demo_set: Path) -> None:
    before = (demo_set / f"{DOC}.toml").read_bytes()
    first = Tmux(tmp_path, seeds, demo_set)
    second = third = None
    try:
        first.wait_for("clause 1/")
        holder = first.pid()
        assert read_lock(demo_set).pid == holder
        second = Tmux(tmp_path, seeds, demo_set)
        screen = second.wait_for("Read-only")                     # the toast's title
        text = _toast(screen)
        assert f"pid{holder}on{socket.gethostname()}" in text
        assert "openinanotherreviewer" in text and "nothingwillbewritten" in text
        assert "· read-only" in screen                            # the status line says so too
        second.keys("j", "1", "j", "x", "u", "C-s")               # changes are refused, nothing is written
        second.wait_for("clause 3/")
        assert (demo_set / f"{DOC}.toml").read_bytes() == before
        second.keys("q")
        second.wait_exit()
        assert read_lock(demo_set).pid == holder                  # the viewer never removes the holder's lock

        os.kill(holder, signal.SIGKILL)                           # the holder dies without releasing
        first.wait_exit()
        assert read_lock(demo_set).pid == holder                  # a stale lock is left behind
        third = Tmux(tmp_path, seeds, demo_set)
        screen = third.wait_for("clause 1/")
        assert "read-only" not in screen
        assert read_lock(demo_set).pid == third.pid()             # taken over
        third.keys("j", "4")
        third.wait_for("Tagged")
        tags = [a for a in _annotations(demo_set) if a["categories"] == ["user-access"]]
        assert len(tags) == 1
        third.keys("q")
        third.wait_exit()
        assert not (demo_set / ".reviewer.lock").exists()         # released at exit
    finally:
        for t in (first, second, third):
            if t is not None:
                t.close()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_a_killed_holder_not_yet_reaped_is_dead(tmp_path: Path) -> None:
    """Found by the test above: a holder killed in tmux stays a zombie until its parent reaps it (for
    ever under an init that does not reap); its lock was judged live and the next app went read-only."""
    import subprocess
    import sys
    import time

    from reviewer.lock import acquire, pid_alive

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert pid_alive(child.pid)
        os.kill(child.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while Path(f"/proc/{child.pid}/stat").read_text().split(")")[1].split()[0] != "Z":
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert not pid_alive(child.pid)          # a zombie: not reaped yet, yet dead
        (tmp_path / ".reviewer.lock").write_text(
            f'pid = {child.pid}\nhost = "{socket.gethostname()}"\nuser = "x"\n'
            'started = 2026-01-01T00:00:00Z\ntoken = "t"\n', encoding="utf-8")
        with acquire(tmp_path):
            assert read_lock(tmp_path).pid == os.getpid()
    finally:
        child.wait()
