"""Turning command-line paths into documents when some name versions.

``PATH@REF`` loads that version; a dataset folder (or a folder holding some) loads each document's
latest version; everything else is a plain file or folder, as before. Every command that takes
policy paths goes through ``reviewer.inputs.load_documents`` and so through here.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from reviewer.documents import Document, DocumentError, document_paths
from reviewer.errors import ReviewerError
from reviewer.versions.model import Version, VersionedDocument, VersionError
from reviewer.versions.refs import select, split_ref
from reviewer.versions.sources import _dataset_folders, dataset_files, discover, open_dataset


def as_document(vdoc: VersionedDocument, version: Version) -> Document:
    """One version of a versioned document, with the document's one id."""
    path = vdoc.path / version.ref if vdoc.kind == "dataset" else vdoc.path
    return Document(id=vdoc.id, path=path, text=vdoc.text(version), version=version.version, history=vdoc)


def _error(exc: VersionError, raw: str) -> DocumentError:
    return DocumentError(exc.path if exc.path is not None else raw, exc.message)


def resolve_reference(raw: str | Path) -> list[tuple[VersionedDocument, Version]]:
    """The (document, version) pairs ``raw`` names (``PATH@REF`` or a versioned path)."""
    path, ref = split_ref(str(raw))
    return [(vdoc, select(vdoc, ref)) for vdoc in discover(Path(path))]


def expand(raw: str | Path) -> tuple[list[Path], list[Document], list[DocumentError]]:
    """(plain files, versioned documents, errors) for one path given to a command."""
    text = str(raw)
    path, ref = split_ref(text)
    if ref is not None:
        try:
            return [], [as_document(v, ver) for v, ver in resolve_reference(text)], []
        except VersionError as exc:
            return [], [], [_error(exc, text)]
    p = Path(text)
    if not p.is_dir():
        files, errors = document_paths([p])
        return files, [], errors
    if dataset_files(p) is not None:
        try:
            vdoc = open_dataset(p)
            return [], [as_document(vdoc, vdoc.policy[-1])], []
        except VersionError as exc:
            return [], [], [_error(exc, text)]
    files, errors = document_paths([p])
    documents = []
    for folder in _dataset_folders(p):
        try:
            vdoc = open_dataset(folder)
            documents.append(as_document(vdoc, vdoc.policy[-1]))
        except VersionError as exc:
            errors.append(_error(exc, str(folder)))
    return files, documents, errors


def at_anchored_versions(documents: list[Document], store) -> tuple[list[Document], list[str]]:
    """The app opens a versioned document at the version its annotations are anchored to (the
    file's ``version``) rather than the latest, saying so when newer versions exist; one without
    annotations, or named at an older version (``PATH@REF``), stays as asked. Returns the
    documents and the notices."""
    out, notices = [], []
    for doc in documents:
        vdoc = doc.history
        if vdoc is None:
            out.append(doc)
            continue
        try:
            af = store.load(doc.id)
        except ReviewerError:
            af = None
        anchored = next((v for v in vdoc.versions if af is not None and v.version == af.version), None)
        asked_for = doc.version != vdoc.policy[-1].version  # PATH@REF named an older one: keep it
        if anchored is not None and anchored.version != doc.version and not asked_for:
            doc = as_document(vdoc, anchored)
        newer = [v for v in vdoc.policy if v.recorded > doc.version[:20]]
        if newer:
            why = ("which its annotations are anchored to" if anchored is not None and anchored.version == doc.version
                   else "as asked")
            notices.append(f"{doc.id}: opened at version {doc.version}, {why}; "
                           f"{len(newer)} newer version{'s' if len(newer) != 1 else ''} (latest "
                           f"{vdoc.policy[-1].version}): "
                           f"H shows its history and c there carries the annotations (or: reviewer carry "
                           f"{shlex.quote(str(vdoc.path))} --annotations {shlex.quote(str(store.root))})")
        out.append(doc)
    return out, notices


__all__ = ["expand", "as_document", "resolve_reference", "at_anchored_versions"]
