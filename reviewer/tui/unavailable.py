"""Why a key or palette command cannot apply now. A binding greyed out by ``check_action`` (None)
does nothing in Textual, and its key goes on to the next binding; here a key whose reason is known
says it instead (``ReviewerApp.run_action``), and a greyed palette entry always says something
(``ActionCommands``). Only the actions listed below speak up for a key: the others (``tab`` with one
pane, ``escape`` with nothing to cancel) still reach the next binding, as before.
"""

from __future__ import annotations

from typing import Any, Callable

from textual.dom import DOMNode

READ_ONLY_ACTIONS = {"tag", "tag_picker", "note", "delete", "accept_suggestion"}


def _read_only(app: Any, node: DOMNode) -> str | None:
    """Why nothing may be written now: the set is read-only, or this policy's file was refused."""
    session = getattr(app, "session", None)
    if session is None:
        return None
    if session.read_only:
        why = getattr(getattr(app, "workspace", None), "read_only_reason", None) or ""
        first = why.split(". Opened read-only", 1)[0].strip()
        return "Read-only: nothing can be tagged, noted or deleted" + (f" ({first})" if first else "")
    pane = getattr(node, "pane", None)
    if pane is not None and session.load_error(pane.document.id) is not None:
        return f"{pane.document.id} is read-only: its annotation file was refused (fix the file, then reopen)"
    return None


_NO_SEARCH = "No search matches: / finds text first"
WORKSPACE: dict[str, Callable[[Any], str]] = {
    "undo": lambda s: "Nothing to undo",
    "redo": lambda s: "Nothing to redo",
    "tag": lambda s: "No clause under the cursor to tag",
    "tag_picker": lambda s: "No clause under the cursor to tag",
    "note": lambda s: "No annotation under the cursor: tag the clause first (1\u20260 or t)",
    "delete": lambda s: "No annotation or suggestion under the cursor",
    "orphans": lambda s: "No orphaned annotations in this policy",
    "history": lambda s: "This policy has no other versions",
    "review": lambda s: "Nothing to review here: the queue comes after a carry (H, then c)",
    "split": lambda s: "Four panes are open already (Q closes this one)",
    "close_pane": lambda s: "This is the only pane",
    "accept_suggestion": lambda s: "No suggestion under the cursor",
    "next_suggestion": lambda s: "No suggestions to go to (they are off, or not ready yet)",
}
PANE: dict[str, Callable[[Any], str]] = {
    "match": lambda p: _NO_SEARCH,
    "select_match": lambda p: _NO_SEARCH,
    "annotation": lambda p: "No annotations in this policy",
    "repeat_find": lambda p: "No f/t find to repeat yet",
}
REVIEW: dict[str, str] = {
    "reattach": "Select text in the pane first (tab, then v), then R and r",
    "jump": "It has no place in this version: re-attach it (r) or leave it orphaned",
    "accept": "It has no place in this version to accept: re-attach it (r) or leave it orphaned",
}


def reason(app: Any, node: DOMNode, action: str, parameters: tuple[object, ...]) -> str | None:
    """What to tell the analyst about ``action`` on ``node`` being greyed out; None: nothing known."""
    kind = type(node).__name__
    if kind == "WorkspaceScreen":
        if action in READ_ONLY_ACTIONS:
            locked = _read_only(app, node)
            if locked:
                return locked
        said = WORKSPACE.get(action)
        return said(node) if said else None
    if kind == "PolicyPane":
        said = PANE.get(action)
        return said(node) if said else None
    if kind == "HistoryScreen" and action == "carry":
        if getattr(node, "steps", None) is None:
            return "The versions are still being read"
        return _read_only(app, app.screen) or "This policy's annotations cannot be written now"
    if kind == "HistoryScreen" and action in ("compare", "mark"):
        return "The versions are still being read"
    if kind == "ReviewPanel" and action == "act" and parameters:
        what = str(parameters[0])
        if what in ("reattach", "orphan"):
            locked = _read_only(app, app.screen)
            if locked:
                return locked
        return REVIEW.get(what)
    return None


def explain(app: Any, node: DOMNode, action: str, parameters: tuple[object, ...], *,
            fallback: str | None = None) -> bool:
    """Notify why ``action`` cannot apply, when it is greyed out (``check_action`` None). True when
    something was said (the key is then used up); ``fallback`` is said when no reason is known."""
    if node.check_action(action, parameters) is not None:
        return False
    said = reason(app, node, action, parameters) or fallback
    if said is None:
        return False
    app.notify(said, severity="warning", timeout=4, markup=False)
    return True


__all__ = ["explain", "reason"]
