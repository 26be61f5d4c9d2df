"""Note drafts: the text in the note editor, on disk while it is typed.

"Nothing shown is lost" holds for the editor too: a draft is written (atomically, at each change,
before the next key is read) while the editor is open, removed once the note is saved or
discarded, and a draft left by a killed app is committed to its annotation at the next start of
the set (undoable).

Drafts live in the user's data folder (``<data>/reviewer/drafts/<set key>/``), not in the set:
they are one person's unfinished typing, not part of the shared, git-tracked set, and a
read-only instance can keep one too. The set key is a hash of the set folder's real path.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from reviewer.atomic import atomic_write
from reviewer.safeio import read_regular

if TYPE_CHECKING:
    from reviewer.session import Outcome, Session

MAX_DRAFT = 4 * 1024 * 1024


@dataclass(frozen=True)
class Draft:
    document: str
    annotation: str
    base: str      # the note when editing began
    text: str      # the note as typed so far


class Drafts:
    """The drafts of one set. Failures to write a draft are returned, never raised: a draft is a
    safety net, and the editor goes on working without one."""

    def __init__(self, set_root: Path | str, folder: Path | None = None) -> None:
        if folder is None:
            key = hashlib.sha256(str(Path(set_root).resolve()).encode()).hexdigest()[:16]
            folder = Path(platformdirs.user_data_dir("reviewer")) / "drafts" / key
        self.folder = folder

    def path(self, document: str, annotation: str) -> Path:
        name = hashlib.sha256(f"{document}\0{annotation}".encode()).hexdigest()[:24]
        return self.folder / f"{name}.json"

    def save(self, draft: Draft) -> str | None:
        """Write the draft now; an error line, or None."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path(draft.document, draft.annotation), json.dumps(asdict(draft), ensure_ascii=False))
        except OSError as exc:
            return f"{self.folder}: the note draft could not be kept ({exc.strerror or exc})"
        return None

    def discard(self, document: str, annotation: str) -> None:
        try:
            self.path(document, annotation).unlink()
        except OSError:
            pass

    def waiting(self) -> list[Draft]:
        """Drafts left behind (by a killed app), oldest first; damaged ones are skipped."""
        found: list[tuple[float, Draft]] = []
        try:
            entries = list(self.folder.glob("*.json"))
        except OSError:
            return []
        for entry in entries:
            try:
                data = json.loads(read_regular(entry, MAX_DRAFT).decode("utf-8"))
                draft = Draft(**{k: data[k] for k in ("document", "annotation", "base", "text")})
                if not all(isinstance(v, str) for v in asdict(draft).values()):
                    continue
                found.append((entry.stat().st_mtime, draft))
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return [d for _, d in sorted(found, key=lambda x: x[0])]


def commit_waiting(session: "Session", drafts: Drafts) -> list["Outcome"]:
    """Put every draft left behind into its annotation's note (a normal, undoable change). A draft
    whose annotation is gone, whose document is not open, or that cannot be written now (read-only,
    disk full) is kept for a later start."""
    from reviewer.session import Outcome

    outcomes: list[Outcome] = []
    for draft in drafts.waiting():
        ids = {d.id for d in session.documents}
        if draft.document not in ids or session.read_only:
            continue
        if session.annotation(draft.document, draft.annotation) is None:
            outcomes.append(Outcome(draft.document, "Note draft kept", None, True,
                                    f"a note draft for an annotation that is gone is kept in "
                                    f"{drafts.path(draft.document, draft.annotation)}"))
            continue
        out = session.set_note(draft.document, draft.annotation, draft.text)
        if out.error is None:
            drafts.discard(draft.document, draft.annotation)
            message = "Restored an unsaved note draft (u undoes)" if out.message != "Note unchanged" else out.message
            outcomes.append(Outcome(out.document, message, out.annotation, out.saved, None, out.merged))
        else:
            outcomes.append(out)
    return outcomes


__all__ = ["Draft", "Drafts", "commit_waiting"]
