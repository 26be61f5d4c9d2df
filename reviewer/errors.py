"""Errors the core raises; each names the file it is about, so a caller can print one clear line."""

from __future__ import annotations

from pathlib import Path


class ReviewerError(Exception):
    """A problem with user input that the command line reports as one line (exit 2)."""

    def __init__(self, path: Path | str | None, message: str) -> None:
        self.path = Path(path) if path is not None else None
        self.message = message
        super().__init__(f"{path}: {message}" if path is not None else message)


class DocumentError(ReviewerError):
    """A document that cannot be read as text (missing, unreadable, binary)."""


class StoreError(ReviewerError):
    """An annotation file or set that cannot be read or written."""


class TaxonomyError(ReviewerError):
    """A taxonomy.toml that cannot be used."""
