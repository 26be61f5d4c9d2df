"""Helpers the subcommands share: loading inputs and reporting errors as one line each."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer.documents import Document
from reviewer.inputs import load_documents
from reviewer.errors import ReviewerError
from reviewer.safetext import one_line
from reviewer.transaction import pending

if TYPE_CHECKING:
    from reviewer.store import AnnotationStore

EXIT_OK, EXIT_SOFT, EXIT_BAD = 0, 1, 2


def error(message: str | ReviewerError) -> None:
    """One line on stderr, with terminal controls made inert."""
    print(f"reviewer: {one_line(str(message))}", file=sys.stderr)


def warn(message: str) -> None:
    print(f"reviewer: warning: {one_line(message)}", file=sys.stderr)


def open_set(root: str | Path) -> "AnnotationStore | None":
    """Open an existing annotation set for a command: its warnings on stderr, None (after one
    error line) when it cannot be used."""
    from reviewer.store import AnnotationStore

    try:
        store = AnnotationStore.open(root, create=False)
    except ReviewerError as exc:
        error(exc)
        return None
    if store.meta_error is not None:
        error(store.meta_error)
    for w in store.warnings:
        warn(w)
    if pending(store.root):
        warn(f"{store.root}: an import or suggest --into was interrupted there; some files may not be "
             "updated yet: run it again to complete it")
    return store


def load_inputs(paths: list[str]) -> tuple[list[Document], int]:
    """Load documents, printing an error line for each that cannot be read.
    Returns the documents and EXIT_BAD if any failed (else EXIT_OK)."""
    documents, errors = load_documents([Path(p) for p in paths])
    for exc in errors:
        error(exc)
    for doc in documents:
        for w in doc.warnings:
            warn(w)
    if not documents and not errors:
        error("no documents found in " + ", ".join(paths))
        return documents, EXIT_BAD
    return documents, EXIT_BAD if errors else EXIT_OK


def inputs_and_set(paths: list[str], annotations: str) -> "tuple[list[Document], AnnotationStore] | None":
    """The policies and the existing set a command reads, or None once the error lines are printed."""
    documents, status = load_inputs(paths)
    if status == EXIT_BAD:
        return None
    store = open_set(annotations)
    return None if store is None else (documents, store)
