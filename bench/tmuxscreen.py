"""A program in a real terminal (a detached tmux session), read back as text: the way an analyst
sees it. Used by bench/tui.py to time first paint and keys from the outside (a key is sent with
``tmux send-keys`` and timed until the screen shows its effect), for the app and for an empty
Textual app alike, so that their ratio holds on a shared, noisy machine."""

from __future__ import annotations

import itertools
import os
import shlex
import subprocess
import time
from typing import Callable

_names = itertools.count()


class Screen:
    """One tmux session running ``argv`` in a ``size`` terminal. Use as a context manager."""

    def __init__(self, argv: list[str], size: tuple[int, int] = (120, 40), env: dict[str, str] | None = None) -> None:
        self.argv = argv
        self.size = size
        self.env = env or {}
        self.name = f"reviewer-bench-{os.getpid()}-{next(_names)}"
        self.started = 0.0
        self._tmux = ["tmux", "-L", self.name]  # a server of its own: other tmux users are left alone

    def __enter__(self) -> "Screen":
        command = " ".join(shlex.quote(a) for a in self.argv)
        env = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.env.items())
        self.started = time.perf_counter()
        subprocess.run([*self._tmux, "new-session", "-d", "-s", self.name, "-x", str(self.size[0]),
                        "-y", str(self.size[1]), f"env TERM=xterm-256color {env} {command}"], check=True)
        return self

    def __exit__(self, *exc: object) -> None:
        subprocess.run([*self._tmux, "kill-server"], capture_output=True)

    def text(self) -> str:
        out = subprocess.run([*self._tmux, "capture-pane", "-p", "-t", self.name], capture_output=True, text=True)
        return out.stdout

    def wait(self, seen: Callable[[str], bool], timeout: float = 60.0) -> float:
        """Seconds until ``seen(screen text)`` holds (polling as fast as tmux answers)."""
        t0 = time.perf_counter()
        while True:
            if seen(self.text()):
                return time.perf_counter() - t0
            if time.perf_counter() - t0 > timeout:
                raise TimeoutError(f"screen never showed what was awaited; last screen:\n{self.text()}")

    def key(self, key: str, seen: Callable[[str], bool], timeout: float = 30.0) -> float:
        """Send ``key`` and return the seconds until the screen shows its effect."""
        t0 = time.perf_counter()
        subprocess.run([*self._tmux, "send-keys", "-t", self.name, key], check=True)
        while True:
            if seen(self.text()):
                return time.perf_counter() - t0
            if time.perf_counter() - t0 > timeout:
                raise TimeoutError(f"key {key!r} had no visible effect; last screen:\n{self.text()}")


def available() -> bool:
    try:
        return subprocess.run(["tmux", "-V"], capture_output=True).returncode == 0
    except OSError:
        return False


#: An empty Textual app: a label counting keys. First paint is "keys 0" on screen; a key's
#: effect is the count going up. The reference every figure is divided by.
EMPTY_APP = r"""
from textual.app import App
from textual.widgets import Label

class Empty(App):
    def compose(self):
        self.n = 0
        yield Label("keys 0", id="n")
    def on_key(self, event):
        self.n += 1
        self.query_one("#n", Label).update(f"keys {self.n}")

Empty().run()
"""
