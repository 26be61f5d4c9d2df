"""Has a policy's own text file changed on disk since it was read?

A cheap stamp (size and modification time, one ``stat``) tells; only then is the file read
again. Versioned documents (dataset folders, git histories) are not plain files and are never
re-read here. Nothing in this module writes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from reviewer.documents import Document, DocumentError, load_document


@dataclass(frozen=True)
class SourceStamp:
    size: int
    mtime_ns: int


def stamp_of(doc: Document) -> SourceStamp | None:
    """The stamp of ``doc``'s file now, or None (a versioned document, or the file is gone)."""
    if doc.history is not None:
        return None
    try:
        st = os.stat(doc.path)
    except (OSError, ValueError):
        return None
    return SourceStamp(st.st_size, st.st_mtime_ns)


def reread(doc: Document) -> Document | None:
    """``doc`` read again from its file (same id), or None when its text is unchanged or the file
    cannot be read now (the text on screen stays; the next check tries again)."""
    try:
        fresh = load_document(doc.path)
    except DocumentError:
        return None
    if fresh.text == doc.text:
        return None
    return replace(fresh, id=doc.id, version=doc.version)
