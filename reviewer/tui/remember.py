"""The workspace as the app leaves it (panes, carets, active pane, theme) and as it comes back;
the file itself is ``reviewer/workspace_state.py``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewer.workspace_state import PaneState, WorkspaceState

if TYPE_CHECKING:
    from reviewer.tui.screens.workspace import WorkspaceScreen


def snapshot(screen: "WorkspaceScreen", theme: str | None) -> WorkspaceState | None:
    frames = screen.frames
    if not frames:
        return None
    active = screen.active
    return WorkspaceState(tuple(PaneState(f.document.id, f.pane.model.caret) for f in frames),
                          frames.index(active) if active in frames else 0, theme)


def restore(screen: "WorkspaceScreen", state: WorkspaceState) -> None:
    """Carets back where they were (clamped to the text as it is now) and the active pane focused."""
    frames = screen.frames
    for frame, pane_state in zip(frames, state.panes):
        if frame.document.id == pane_state.document and frame.document.text:
            frame.pane.place_caret(min(pane_state.caret, len(frame.document.text) - 1))
    if 0 <= state.active < len(frames):
        screen.deck.activate(frames[state.active])
        frames[state.active].pane.focus()
