"""A versioned document (one policy across its recorded versions) and its versions, as plain data.

Two Open Terms Archive layouts are read (``reviewer.versions.sources``): a dataset release folder
``<Service>/<Terms type>/<YYYY-MM-DDTHH-MM-SSZ>.md`` and a file ``<Service>/<Terms type>.md`` in a
git repository whose commits are its versions. Either way the document keeps one id, derived from
``<Service>/<Terms type>``, so one annotation file follows the policy through its versions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from reviewer.errors import ReviewerError

TECHNICAL_SUBJECT = "Apply technical or declaration upgrade"


class VersionError(ReviewerError):
    """A versioned document or version reference that cannot be used."""


@dataclass(frozen=True)
class Version:
    """One recorded version. ``version`` is ``recorded`` plus ``#2``, ``#3``... for further versions
    recorded in the same second; ``ref`` the dataset file name or the full commit id."""

    version: str
    recorded: str
    ref: str
    technical: bool = False
    subject: str = ""


@dataclass(eq=False)
class VersionedDocument:
    """A policy's versions, oldest first, and how to read the text of one."""

    id: str
    path: Path
    kind: str                       # "dataset" or "git"
    versions: list[Version]
    reader: Callable[[list[Version]], list[str]] = field(repr=False, default=lambda vs: [])
    _texts: dict[str, str] = field(default_factory=dict, repr=False)

    def texts(self, versions: list[Version]) -> list[str]:
        """The normalised text of each version (read once, then kept)."""
        missing = [v for v in versions if v.version not in self._texts]
        if missing:
            for v, text in zip(missing, self.reader(missing)):
                self._texts[v.version] = text
        return [self._texts[v.version] for v in versions]

    def text(self, version: Version) -> str:
        return self.texts([version])[0]

    def index(self, version: Version) -> int:
        return next(i for i, v in enumerate(self.versions) if v.version == version.version)

    @property
    def policy(self) -> list[Version]:
        """The versions that are changes of the policy (technical re-extractions stepped over)."""
        return [v for v in self.versions if not v.technical] or list(self.versions)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def document_id(service: str, terms_type: str) -> str:
    """``Bluesky`` + ``Privacy Policy`` -> ``bluesky--privacy-policy``."""
    parts = [slug(p) for p in (service, terms_type) if slug(p)]
    return "--".join(parts) or "document"


def number_same_seconds(entries: list[tuple[str, str, bool, str]]) -> list[Version]:
    """(recorded, ref, technical, subject) oldest first -> Versions, with ``#2``, ``#3`` appended
    to versions recorded in the same second as the one before."""
    out: list[Version] = []
    seen: dict[str, int] = {}
    for recorded, ref, technical, subject in entries:
        n = seen.get(recorded, 0) + 1
        seen[recorded] = n
        label = recorded if n == 1 else f"{recorded}#{n}"
        out.append(Version(label, recorded, ref, technical, subject))
    return out
