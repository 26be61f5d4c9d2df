"""The note editor's life on the workspace: open it on an annotation, keep a draft on disk while
the analyst types, save the note when it closes, and commit an open editor's text when the app
must stop (ctrl+q, SIGTERM, SIGHUP) or a draft a killed app left behind (see reviewer/drafts.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from reviewer.drafts import Draft, Drafts, commit_waiting
from reviewer.session import Outcome, Session
from reviewer.store import Annotation

if TYPE_CHECKING:
    from textual.app import App

    from reviewer.tui.screens.note_editor import NoteEditor


@dataclass
class _Open:
    document: str
    annotation: str
    base: str
    editor: "NoteEditor"


class NoteDrafting:
    """Owned by the workspace screen; ``report`` shows a Session outcome there."""

    def __init__(self, app: "App", session: Session, report: Callable[..., None]) -> None:
        self.app = app
        self.session = session
        self.report = report
        self.drafts = Drafts(session.store.root)
        self.open: _Open | None = None

    def edit(self, doc_id: str, ann: Annotation, title: str) -> None:
        from reviewer.tui.screens.note_editor import NoteEditor

        editor = NoteEditor(ann.note, title=title,
                            on_change=lambda text: self._typed(doc_id, ann.id, ann.note, text))
        self.open = _Open(doc_id, ann.id, ann.note, editor)
        self.app.push_screen(editor, self._closed)

    def _typed(self, doc_id: str, ann_id: str, base: str, text: str) -> None:
        current = self.open
        if current is None or (current.document, current.annotation) != (doc_id, ann_id):
            return   # committed already (quit, signal): a late timer must not bring the draft back
        error = self.drafts.save(Draft(doc_id, ann_id, base, text))
        if error:
            self.app.notify(error, severity="warning", timeout=6)

    def _closed(self, note: str | None) -> None:
        current, self.open = self.open, None
        if current is None:
            return
        if note is None:
            self.drafts.discard(current.document, current.annotation)
            return
        self._save(current, note)

    def _save(self, current: _Open, note: str) -> Outcome:
        out = self.session.set_note(current.document, current.annotation, note)
        if out.error is None:
            self.drafts.discard(current.document, current.annotation)
        self.report(out)
        return out

    def commit(self) -> Outcome | None:
        """Save the open editor's text now (the app is about to stop); None when none is open."""
        current, self.open = self.open, None
        if current is None:
            return None
        return self._save(current, current.editor.text)

    def recover(self) -> None:
        """Commit drafts left by a killed app (each an undoable change), and say so."""
        for out in commit_waiting(self.session, self.drafts):
            self.report(out, quiet=False)


__all__ = ["NoteDrafting"]
