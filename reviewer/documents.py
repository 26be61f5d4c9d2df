"""Documents: reading policy files safely and giving them stable, normalised text.

Offsets everywhere in reviewer are Python code points into ``Document.text``: the file decoded
(UTF-8, BOM stripped; UTF-16 with a BOM; cp1252 as a fallback) with CRLF and lone CR turned into
LF. That is the W3C TextPositionSelector convention, and ``sha256`` is of that text as UTF-8.
"""

from __future__ import annotations

import codecs
import hashlib
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from reviewer.clauses import Clause, segment
from reviewer.errors import DocumentError
from reviewer.safeio import NotRegular, describe, read_regular

if TYPE_CHECKING:
    from reviewer.versions.model import VersionedDocument

SUFFIXES = (".txt", ".md")
MAX_DOCUMENT = 32 * 1024 * 1024   # bytes: ~650x the longest of the 115 OPP-115 policies (49 KB)

# Bytes cp1252 leaves undefined decode as their latin-1 code points instead of failing.
_CP1252_HOLES = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


def _latin1_holes(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(chr(b) for b in bad), error.end


codecs.register_error("reviewer-latin1", _latin1_holes)


@dataclass(eq=False)
class Document:
    """One policy: its id (the file stem), where it came from, and its normalised text."""

    id: str
    path: Path
    text: str
    warnings: list[str] = field(default_factory=list)
    version: str = ""                                   # which recorded version, for a versioned document
    history: "VersionedDocument | None" = field(default=None, repr=False)  # all of its versions

    @cached_property
    def sha256(self) -> str:
        return text_sha256(self.text)

    @cached_property
    def clauses(self) -> tuple[Clause, ...]:
        return tuple(segment(self.text))

    @cached_property
    def _clause_starts(self) -> list[int]:
        return [c.start for c in self.clauses]

    @property
    def title(self) -> str:
        """The first non-empty line, for lists and pane titles."""
        for line in self.text.splitlines():
            if line.strip():
                return line.strip()
        return self.id

    def clause_index_at(self, offset: int) -> int:
        """Index of the clause containing ``offset``, or the nearest clause before it (0 when the
        offset is before the first clause; -1 when the document has no clauses)."""
        if not self.clauses:
            return -1
        return max(0, bisect_right(self._clause_starts, offset) - 1)

    def clauses_overlapping(self, start: int, end: int) -> range:
        """Indexes of the clauses that overlap ``[start, end)``."""
        starts = self._clause_starts
        lo = max(0, bisect_right(starts, start) - 1)
        if lo < len(self.clauses) and self.clauses[lo].end <= start:
            lo += 1
        hi = bisect_right(starts, max(start, end - 1))
        return range(lo, max(lo, hi))


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalise_newlines(text: str) -> str:
    if "\r" not in text:  # the usual case: one fast scan instead of two copies
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in (0x09, 0x0A, 0x0C, 0x0D, 0x1B))


def looks_binary(data: bytes) -> bool:
    """NUL bytes, or mostly control bytes, mean this is not a text document."""
    if not data:
        return False
    if b"\x00" in data:
        return True
    sample = data[:8192]
    # Counted by deleting the control bytes (in C), not by a Python loop over every byte.
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls / len(sample) > 0.30


def decode(data: bytes, path: Path | str) -> tuple[str, list[str]]:
    """Decode bytes to text with the fallbacks a user expects, returning (text, warnings)."""
    # UTF-32 first: its little-endian mark (FF FE 00 00) starts with UTF-16's (FF FE).
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        try:
            return data.decode("utf-32"), []
        except UnicodeDecodeError as exc:
            raise DocumentError(path, "starts with a UTF-32 byte order mark but is not valid UTF-32 "
                                      f"(byte {exc.start})") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as exc:
            raise DocumentError(path, "starts with a UTF-16 byte order mark but is not valid UTF-16 "
                                      f"(byte {exc.start})") from None
    if looks_binary(data):
        raise DocumentError(path, "binary file (NUL or control bytes), not a text document")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        offset = exc.start
        text = data.decode("cp1252", errors="reviewer-latin1")
        return text, [f"{path}: not valid UTF-8 (first bad byte at offset {offset}); decoded as cp1252"]


def load_document(path: Path | str) -> Document:
    """Read one policy file. Raises DocumentError with a one-line reason when it cannot. Read
    without blocking and bounded (``safeio``): a FIFO, a device, or a file far larger than any
    policy (a log or a disk image passed by mistake) is refused, never read into memory."""
    path = Path(path)
    try:
        data = read_regular(path, MAX_DOCUMENT)
    except FileNotFoundError:
        raise DocumentError(path, "no such file") from None
    except NotRegular as exc:
        raise DocumentError(path, "is a folder, not a file" if exc.folder else str(exc)) from None
    except OSError as exc:
        raise DocumentError(path, describe(exc)) from None
    text, warnings = decode(data, path)
    return Document(id=path.stem, path=path, text=normalise_newlines(text), warnings=warnings)


def document_paths(paths: Iterable[Path | str]) -> tuple[list[Path], list[DocumentError]]:
    """Expand files and folders into document paths (folders: sorted .txt/.md, no hidden files)."""
    found: list[Path] = []
    errors: list[DocumentError] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            try:
                entries = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES
                                 and not p.name.startswith(".") and p.is_file())
            except OSError as exc:
                errors.append(DocumentError(path, f"cannot list folder ({exc.strerror or exc})"))
                continue
            found.extend(entries)
        elif path.exists():
            found.append(path)
        else:
            errors.append(DocumentError(path, "no such file or folder"))
    return found, errors


