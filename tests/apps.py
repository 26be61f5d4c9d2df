"""One way for tests to build the app and read what it told the analyst.

``app_over(paths, set_dir)`` loads the documents and the set exactly as the launcher does (without
the lock) and returns a ``ReviewerApp``; ``notifications(app)`` is the text of every toast shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple, Sequence

from reviewer.inputs import load_documents
from reviewer.session import Session
from reviewer.store import AnnotationStore


def app_over(paths: Sequence[Path | str], set_dir: Path, open_ids: Sequence[str] | None = None, *,
             read_only: bool = False, check_every: float = 3600.0, **workspace: Any):
    """A ReviewerApp over ``paths`` with the set ``set_dir``; the first two documents open by default."""
    from reviewer.tui.app import ReviewerApp, Workspace

    documents, errors = load_documents(paths)
    assert not errors, errors
    session = Session(AnnotationStore.open(set_dir), documents)
    session.read_only = read_only
    ids = list(open_ids) if open_ids else [d.id for d in documents[:2]]
    if read_only:
        workspace.setdefault("read_only_reason", "held elsewhere (test)")
    return ReviewerApp(Workspace(session=session, open_ids=ids, check_every=check_every, **workspace))


class Notice(NamedTuple):
    title: str
    message: str
    severity: str


def notices(app) -> list[Notice]:
    """Every notification the app has shown (still listed or not)."""
    return [Notice(str(n.title), str(n.message), str(n.severity)) for n in app._notifications]


def notifications(app, *, severity: str | None = None, title: str | None = None) -> list[str]:
    """The text of the notifications shown, of one severity or title when given."""
    return [n.message for n in notices(app)
            if (severity is None or n.severity == severity) and (title is None or n.title == title)]
