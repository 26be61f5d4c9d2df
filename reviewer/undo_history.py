"""The session's undo and redo stacks: one order for every change, annotations and outside steps.

Entries are ``Action`` (per-annotation before/after, replayed by the session) or ``Step`` (a change
outside the annotation files, applied by its own callbacks). A Step is replayed here; an Action
needs the session's documents and files, so ``Session`` replays it.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Union

from reviewer.session_state import MAX_UNDO, READ_ONLY, Action, Outcome, Step

Entry = Union[Action, Step]


class UndoHistory:
    """Undo and redo stacks, newest last; the oldest undo steps beyond ``MAX_UNDO`` are forgotten."""

    def __init__(self) -> None:
        self.undo: list[Entry] = []
        self.redo: list[Entry] = []

    def push(self, entry: Entry) -> None:
        """A new change: it can be undone, and nothing can be redone any more (as in any editor)."""
        self.undo.append(entry)
        del self.undo[: max(0, len(self.undo) - MAX_UNDO)]
        self.redo.clear()

    @contextmanager
    def merged(self, message: str) -> Iterator[None]:
        """The Actions pushed inside become one undo step named ``message`` (one key, one undo)."""
        last = self.undo[-1] if self.undo else None
        try:
            yield
        finally:
            at = next((n for n in range(len(self.undo) - 1, -1, -1) if self.undo[n] is last), -1)
            made = self.undo[at + 1:]
            if len(made) > 1 and all(isinstance(a, Action) for a in made):
                del self.undo[at + 1:]
                self.undo.append(Action(message, tuple(c for a in made if isinstance(a, Action)
                                                       for c in a.changes)))

    def replay_step(self, undo: bool, read_only: bool) -> Outcome:
        """Undo (or redo) the newest entry, a ``Step``: it applies itself and says whether it worked."""
        stack, other = (self.undo, self.redo) if undo else (self.redo, self.undo)
        step = stack[-1]
        assert isinstance(step, Step)
        verb = "Undid" if undo else "Redid"
        if read_only:
            return Outcome(step.document, f"Not {'undone' if undo else 'redone'}: read-only", None, True, READ_ONLY)
        stack.pop()
        error = (step.undo if undo else step.redo)()
        if error is None:
            other.append(step)
        return Outcome(step.document, f"{verb}: {step.message}", None, error is None, error)

    def forget(self, doc_id: str) -> None:
        """Drop the steps that touch ``doc_id`` (its text changed: their offsets point into the old one)."""
        def elsewhere(entry: Entry) -> bool:
            if isinstance(entry, Step):
                return entry.document != doc_id
            return all(c.document != doc_id for c in entry.changes)
        self.undo = [e for e in self.undo if elsewhere(e)]
        self.redo = [e for e in self.redo if elsewhere(e)]


__all__ = ["UndoHistory"]
