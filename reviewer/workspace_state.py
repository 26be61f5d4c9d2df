"""What the analyst had open in a set, kept between runs: panes (document and caret), the active
pane and the theme.

One small JSON file per set in the user's data folder, named by a digest of the set's real path
(never inside the set: the set is shared, this is one person's view of it). Written atomically;
a missing, unreadable or stale file is simply not used (the app opens as it would the first time).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

import platformdirs

from reviewer.atomic import atomic_write
from reviewer.config import APP_NAME

VERSION = 1
MAX_PANES = 4


@dataclass(frozen=True)
class PaneState:
    document: str
    caret: int = 0


@dataclass(frozen=True)
class WorkspaceState:
    panes: tuple[PaneState, ...] = ()
    active: int = 0
    theme: str | None = None
    set: str = field(default="", compare=False)   # the set's real path, to tell a digest clash

    def only(self, known: Iterable[str]) -> "WorkspaceState | None":
        """The panes whose document is still there (a stale state keeps what it can), or None."""
        ids = set(known)
        panes = tuple(p for p in self.panes if p.document in ids)
        if not panes:
            return None
        active = self.panes[self.active].document if 0 <= self.active < len(self.panes) else ""
        index = next((n for n, p in enumerate(panes) if p.document == active), 0)
        return WorkspaceState(panes, index, self.theme, self.set)


def state_path(set_root: Path | str) -> Path:
    real = os.path.realpath(set_root)
    digest = hashlib.sha256(real.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return Path(platformdirs.user_data_dir(APP_NAME)) / "workspaces" / f"{digest}.json"


def _parse(data: Any, real: str) -> WorkspaceState | None:
    if not isinstance(data, dict) or data.get("version") != VERSION or data.get("set") != real:
        return None
    panes = []
    for item in data.get("panes", ())[:MAX_PANES] if isinstance(data.get("panes"), list) else ():
        if isinstance(item, dict) and isinstance(item.get("document"), str) and type(item.get("caret", 0)) is int:
            panes.append(PaneState(item["document"], max(0, item.get("caret", 0))))
    active = data.get("active", 0)
    theme = data.get("theme")
    return WorkspaceState(tuple(panes), active if type(active) is int else 0,
                          theme if isinstance(theme, str) and theme else None, real)


def load_state(set_root: Path | str) -> WorkspaceState | None:
    """The state kept for this set, or None (none kept, unreadable, another version, another set)."""
    real = os.path.realpath(set_root)
    try:
        data = json.loads(state_path(set_root).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeError):
        return None
    return _parse(data, real)


def save_state(set_root: Path | str, state: WorkspaceState) -> str | None:
    """Keep ``state`` for this set; returns a one-line reason when it could not be written."""
    real = os.path.realpath(set_root)
    path = state_path(set_root)
    data = {"version": VERSION, "set": real, "active": state.active, "theme": state.theme,
            "panes": [asdict(p) for p in state.panes[:MAX_PANES]]}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    except OSError as exc:
        return f"workspace not remembered ({path}: {exc.strerror or exc})"
    return None
