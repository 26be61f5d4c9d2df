"""Start the app from the command line: documents, set, lock, session, settings -> ReviewerApp."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

from reviewer.config import DEFAULT_SET, load_settings
from reviewer.inputs import load_documents
from reviewer.errors import ReviewerError
from reviewer.lock import LockHeld, acquire
from reviewer.safetext import one_line
from reviewer.session import Session
from reviewer.store import AnnotationStore
from reviewer.tui import startgc
from reviewer.tui.exit_guard import ExitGuard
from reviewer.workspace_state import load_state


def prepare(paths: Sequence[str | Path], set_path: str | Path, theme: str | None = None, *,
            lock: bool = True):
    """Everything but running: returns (Workspace, lock or None), or raises ReviewerError."""
    from reviewer.tui.app import Workspace
    from reviewer.tui.keymap import all_binding_ids

    settings, warnings = load_settings()
    documents, errors = load_documents(paths)
    warnings.extend(str(e) for e in errors)
    if not documents:
        raise ReviewerError(None, "no policy could be opened" + (f" ({errors[0]})" if errors else ""))
    for doc in documents:
        warnings.extend(doc.warnings)
    if settings.annotations and str(set_path) == DEFAULT_SET:
        set_path = settings.annotations  # the settings' default set, unless --annotations named one
    store = AnnotationStore.open(set_path)
    warnings.extend(([store.meta_error] if store.meta_error else []) + store.warnings)
    from reviewer.versions.loading import at_anchored_versions

    documents, notices = at_anchored_versions(documents, store)
    warnings.extend(notices)
    held = None
    reason = None
    if lock:
        try:
            held = acquire(store.root)
        except LockHeld as exc:
            reason = f"{exc}. Opened read-only: nothing will be written."
        except ReviewerError as exc:  # e.g. a read-only folder: no lock file can be made
            reason = f"{exc}. Opened read-only: nothing will be written."
    session = Session(store, documents)
    session.read_only = reason is not None
    keymap, key_warnings = settings.keymap(all_binding_ids()) if settings.keys else ({}, [])
    warnings.extend(key_warnings)
    kept = load_state(store.root)  # the panes, carets and theme of the last run on this set
    kept = kept.only(d.id for d in documents) if kept is not None else None
    open_ids = [p.document for p in kept.panes] if kept is not None else [d.id for d in documents[:2]]
    workspace = Workspace(session=session, open_ids=open_ids,
                          theme=theme or (kept.theme if kept else None) or settings.theme, keys=keymap,
                          warnings=warnings, read_only_reason=reason, suggestions=settings.suggestions,
                          start_with_coverage=len(documents) > 4, remember=store.root, restore=kept,
                          keys_source=settings.source)
    return workspace, held


def launch(paths: Sequence[str | Path], set_path: str | Path, theme: str | None = None) -> int:
    """Open the app on ``paths`` with the annotation set ``set_path``; returns the exit status."""
    startgc.hold()   # no garbage collection until the first screen is drawn (see startgc)
    from reviewer.tui.app import ReviewerApp

    try:
        workspace, held = prepare(paths, set_path, theme)
    except ReviewerError as exc:
        print(f"reviewer: {one_line(str(exc))}", file=sys.stderr)   # names a file: made inert for the terminal
        return 2
    app = ReviewerApp(workspace)
    try:
        with ExitGuard(app.quit_on_signal, held.release if held is not None else (lambda: None)):
            app.run()
    finally:
        if held is not None:
            held.release()
    return 0
