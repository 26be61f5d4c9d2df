"""What the command line and the app open: paths, folders and version references -> documents.

Above both ``reviewer.documents`` (one file) and ``reviewer.versions`` (a policy's history), so
neither imports the other back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from reviewer.documents import Document, DocumentError, load_document
from reviewer.versions.loading import expand


def load_documents(paths: Iterable[Path | str]) -> tuple[list[Document], list[DocumentError]]:
    """Load every document named by ``paths``; unreadable ones come back as errors, not exceptions.

    Two files with the same stem would share an id: the second is refused with a clear error.
    A versioned document (a dataset folder, or ``PATH@REF``: ``reviewer.versions``) is loaded at
    the version named, by default its latest.
    """
    documents: list[Document] = []
    errors: list[DocumentError] = []
    loaded: list[Document | Path] = []
    for raw in paths:
        files, versioned, errs = expand(raw)
        errors.extend(errs)
        loaded.extend(files)
        loaded.extend(versioned)
    seen: dict[str, Path] = {}
    for item in loaded:
        if isinstance(item, Document):
            doc, path = item, item.path
        else:
            path = item
            try:
                doc = load_document(path)
            except DocumentError as exc:
                errors.append(exc)
                continue
        if doc.id in seen:
            if seen[doc.id].resolve() != path.resolve():
                errors.append(DocumentError(path, f"has the same document id {doc.id!r} as {seen[doc.id]}"))
            continue
        seen[doc.id] = path
        documents.append(doc)
    return documents, errors
