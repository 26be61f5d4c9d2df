"""The real program in a real terminal (tmux): keys typed at full speed, then the TOML on disk.

Skipped cleanly when tmux is not installed. Each test runs its own tmux server (``-L``), so it
inherits this test's isolated config folders and never touches the developer's sessions.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from reviewer.documents import load_document

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

ROOT = Path(__file__).resolve().parents[2]
DOC = "picker-top"
#: The app as a shell command: this checkout's code, whatever the venv's ``reviewer`` script imports.
REVIEWER = f"PYTHONPATH={ROOT} {sys.executable} -m reviewer"


class Tmux:
    def __init__(self, tmp: Path, seeds: Path, set_dir: Path) -> None:
        self.socket = f"reviewer-test-{os.getpid()}-{time.monotonic_ns()}"
        self.name = "app"
        env = " ".join(f"{k}={v}" for k, v in os.environ.items()
                       if k.startswith("XDG_") and " " not in v)
        # Two policies (with more than four the app opens on the coverage matrix).
        docs = f"{seeds / 'picker-top.txt'} {seeds / 'picky-assist.txt'}"
        # This checkout's code (python -m reviewer from ROOT), not whatever the venv's script imports.
        command = (f"cd {tmp} && exec env -u COLUMNS -u LINES {env} TERM=xterm-256color PYTHONPATH={ROOT} "
                   f"{sys.executable} -m reviewer {docs} --annotations {set_dir}")
        self.run("-f", "/dev/null", "start-server", ";", "set", "-g", "default-size", "120x40", ";",
                 "new-session", "-d", "-s", self.name, "-x", "120", "-y", "40", command)

    def run(self, *args: str) -> str:
        out = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=20)
        return out.stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.name)

    def wait_for(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; screen:\n{screen}")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", self.name, *keys)

    def pid(self) -> int:
        return int(self.run("display-message", "-p", "-t", self.name, "#{pane_pid}").strip())

    def alive(self) -> bool:
        return subprocess.run(["tmux", "-L", self.socket, "has-session", "-t", self.name],
                              capture_output=True, timeout=20).returncode == 0

    def wait_exit(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                return
            time.sleep(0.1)
        raise AssertionError(f"the app did not exit; screen:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=20)


def _annotations(set_dir: Path) -> list[dict]:
    path = set_dir / f"{DOC}.toml"
    return tomllib.loads(path.read_text(encoding="utf-8")).get("annotation", []) if path.exists() else []


@pytest.fixture
def tmux(tmp_path: Path, seeds: Path, demo_set: Path):
    session = Tmux(tmp_path, seeds, demo_set)
    try:
        yield session
    finally:
        session.close()


def test_keys_typed_at_full_speed_reach_the_disk(tmux: Tmux, seeds: Path, demo_set: Path) -> None:
    before = {a["id"] for a in _annotations(demo_set)}
    tmux.wait_for("clause 1/")
    tmux.keys("j", "j", "5", "C-s", "q")  # one burst: no pause between the keys
    tmux.wait_exit()
    new = [a for a in _annotations(demo_set) if a["id"] not in before]
    doc = load_document(seeds / f"{DOC}.txt")
    clause = doc.clauses[2]
    assert len(new) == 1
    assert (new[0]["start"], new[0]["end"]) == (clause.start, clause.end)
    assert new[0]["categories"] == ["data-retention"]
    assert new[0]["quote"] == doc.text[new[0]["start"]:new[0]["end"]]


def test_sigkill_after_three_tags_loses_nothing(tmux: Tmux, seeds: Path, demo_set: Path) -> None:
    before = {a["id"] for a in _annotations(demo_set)}
    tmux.wait_for("clause 1/")
    tmux.keys("j", "1", "j", "2", "j", "3")
    screen = tmux.wait_for("Tagged User Choice")  # the third tag is on screen (status line)
    assert "clause 4/" in screen
    os.kill(tmux.pid(), signal.SIGKILL)
    new = [a for a in _annotations(demo_set) if a["id"] not in before]
    doc = load_document(seeds / f"{DOC}.txt")
    assert sorted((a["start"], a["categories"][0]) for a in new) == [
        (doc.clauses[1].start, "first-party-collection"),
        (doc.clauses[2].start, "third-party-sharing"),
        (doc.clauses[3].start, "user-choice"),
    ]
    for a in new:
        assert a["quote"] == doc.text[a["start"]:a["end"]]
    # No temporary file was left half-written in the set.
    assert not [p for p in demo_set.iterdir() if p.name.startswith(".") and p.suffix == ".tmp"]


def test_a_query_typed_in_one_burst_after_the_search_key_lands_in_the_field(tmux: Tmux) -> None:
    """"/" and the query sent as one write: the field takes the focus before the next key is
    read, so no letter of the query reaches the pane (where d, e, n would move or act)."""
    tmux.wait_for("clause 1/")
    tmux.keys("-l", "/discontinue")
    screen = tmux.wait_for("match 1/1")
    assert "discontinue" in screen
    assert "clause 1/" in screen or "match 1/1" in screen


def test_search_then_v_e_tags_exactly_the_word_in_a_real_terminal(tmux: Tmux, seeds: Path, demo_set: Path) -> None:
    """The keyboard acceptance flow: / discontinue enter escape v e 5 gives one annotation, "discontinue"."""
    before = {a["id"] for a in _annotations(demo_set)}
    tmux.wait_for("clause 1/")
    tmux.keys("/")
    tmux.wait_for("Find (literal")           # the field is open, as a person sees before typing
    tmux.keys("-l", "discontinue")
    tmux.wait_for("match 1/1")
    tmux.keys("Enter")
    tmux.wait_for("match 1/1")
    tmux.keys("Escape")                      # clears the highlights; a lone escape, not alt+v
    deadline = time.monotonic() + 30
    while "match 1/1" in tmux.screen() and time.monotonic() < deadline:
        time.sleep(0.1)
    tmux.keys("v", "e", "5")
    tmux.wait_for("Tagged Data Retention")
    tmux.keys("q")
    tmux.wait_exit()
    new = [a for a in _annotations(demo_set) if a["id"] not in before]
    assert [a["quote"] for a in new] == ["discontinue"]
    assert new[0]["categories"] == ["data-retention"]


def test_a_bracketed_paste_holding_escapes_lands_in_the_note_whole(tmux: Tmux, demo_set: Path) -> None:
    """Pasted text with an escape sequence, a BEL (ctrl+g: the editor's Discard), a tab and a digit:
    all of it lands in the note as inert text after the draft typed, the editor stays open, and
    nothing of it runs as a key (Textual's parser sent the part after the escape as keys)."""
    before = {a["id"]: a for a in _annotations(demo_set)}
    tmux.wait_for("clause 1/")
    tmux.keys("j", "1")
    tmux.wait_for("Tagged")
    tmux.keys("Enter")
    tmux.wait_for("Keep")
    tmux.keys("-l", " draft1")
    tmux.wait_for("draft1")
    tmux.run("set-buffer", "-b", "paste", " Z\x1b[0m BEL\x07 W TAB\tEND D 9")
    tmux.run("paste-buffer", "-p", "-b", "paste", "-t", tmux.name)
    tmux.wait_for("END D 9")
    assert "Keep" in tmux.screen()                       # the editor is still open
    tmux.keys("C-s")
    tmux.wait_for("clause 2/")
    tmux.keys("q")
    tmux.wait_exit()
    new = [a for a in _annotations(demo_set) if a["id"] not in before]
    assert [a["note"] for a in new] == [" draft1 Z\u241b[0m BEL\u2407 W TAB\u2409END D 9"]
    assert all(a == before[a["id"]] for a in _annotations(demo_set) if a["id"] in before)   # no key ran
