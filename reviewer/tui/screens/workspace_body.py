"""The workspace's body (panes, document list, inspector, legend, footer), composed with the screen
or, when the coverage matrix opens first, mounted under it once the matrix has drawn its counts.

Composed before the matrix, the body held the matrix's first paint back by about 35 ms; started
on timers from the screen's mount, the background work after it took the GIL the matrix needed on
1,000 policies (its first paint 1.7 s -> 0.9 s). So both wait for the matrix: ``wait_for_matrix``
polls it, then mounts the body and starts the work. Leaving the matrix earlier mounts it at once.
"""

from __future__ import annotations

import time
from functools import partial
from typing import Callable

from textual.screen import Screen
from textual.widget import Widget

from reviewer.tui import stylesheets

POLL = 0.05      # seconds between looks at the matrix
GIVE_UP = 10.0   # seconds after which the body is mounted whatever the matrix shows


class DeferredBody:
    """Owned by the workspace screen, which gives it the widgets to build."""

    def __init__(self, screen: Screen, widgets: Callable[[], list[Widget]], *, deferred: bool) -> None:
        self._screen = screen
        self._widgets = widgets
        self._waiting: list[Callable[[], object]] | None = [] if deferred else None   # None: mounted

    @property
    def ready(self) -> bool:
        """False only while the coverage matrix, opened first, hides a body not yet mounted."""
        return self._waiting is None

    def compose(self) -> list[Widget]:
        """What the screen composes: the body, or nothing when it is mounted later."""
        return self._widgets() if self.ready else []

    def mount(self) -> None:
        """Mount the body now (once; later calls do nothing)."""
        waiting = self._waiting
        if waiting is None:
            return
        self._waiting = None
        stylesheets.read_later(self._screen.app)   # the body's own, and the dialogs' (the first screen is drawn)
        self._screen.mount_all(self._widgets())
        for callback in waiting:
            self._screen.call_after_refresh(callback)

    def when_ready(self, callback: Callable[[], object]) -> None:
        """Call ``callback`` after the body's first refresh (at the next refresh when it is mounted)."""
        if self._waiting is None:
            self._screen.call_after_refresh(callback)
        else:
            self._waiting.append(callback)

    def wait_for_matrix(self, then: Callable[[], object], since: float | None = None) -> None:
        """Once the coverage matrix on top has drawn its counts (or GIVE_UP seconds passed): mount
        the body and call ``then`` (the background work)."""
        from reviewer.tui.screens.coverage_matrix import CoverageMatrixScreen

        since = time.monotonic() if since is None else since
        top = self._screen.app.screen
        if isinstance(top, CoverageMatrixScreen) and not top.counts_drawn and time.monotonic() - since < GIVE_UP:
            self._screen.set_timer(POLL, partial(self.wait_for_matrix, then, since), name="background-gate")
            return
        self.mount()
        then()


__all__ = ["DeferredBody"]
