"""Version references: ``PATH@REF``.

REF is ``latest``, ``first``, ``~N`` (N versions before the latest), a date or date-time prefix
(``2025-04`` is the latest version recorded up to the end of April 2025; ``2025-04-26T00:30:13Z``,
the dataset spelling ``2025-04-26T00-30-13Z`` and a ``#2`` suffix for a further version of the same
second are accepted), a commit id (7 to 40 hex digits) or a dataset file name. ``PATH`` alone is the
latest. Technical re-extractions are stepped over by every REF but a commit id, a file name or an
exact version label.
"""

from __future__ import annotations

import re
from pathlib import Path

from reviewer.versions.model import Version, VersionedDocument, VersionError

DATE = re.compile(r"^(\d{4}(?:-\d\d(?:-\d\d(?:[T ]\d\d(?:[:-]\d\d(?:[:-]\d\d)?)?)?)?)?)Z?(?:#(\d+))?$")
COMMIT = re.compile(r"^[0-9a-f]{7,40}$")
BACK = re.compile(r"^~(\d+)$")
DATASET_NAME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.(?:md|txt)$")


def looks_like_ref(ref: str) -> bool:
    if "/" in ref or "\\" in ref:
        return False
    return bool(ref in ("latest", "first") or BACK.match(ref) or DATE.match(ref) or COMMIT.match(ref)
                or DATASET_NAME.match(ref))


def split_ref(raw: str) -> tuple[str, str | None]:
    """``PATH@REF`` -> (PATH, REF); a path without a reference (or whose ``@`` belongs to its
    name, because what follows is no reference) -> (path, None)."""
    head, at, tail = raw.rpartition("@")
    if at and head and looks_like_ref(tail) and not Path(raw).exists():
        return head, tail
    return raw, None


def _normalise_date(prefix: str) -> str:
    prefix = prefix.replace(" ", "T")
    if "T" in prefix:
        day, time = prefix.split("T", 1)
        prefix = day + "T" + time.replace("-", ":")
    return prefix


def select(doc: VersionedDocument, ref: str | None) -> Version:
    """The version ``ref`` names in ``doc``; VersionError with a one-line reason when none."""
    policy = doc.policy
    if ref is None or ref == "latest":
        return policy[-1]
    if ref == "first":
        return policy[0]
    m = BACK.match(ref)
    if m:
        n = int(m.group(1))
        if n >= len(policy):
            raise VersionError(doc.path, f"@{ref}: only {len(policy)} version(s) recorded")
        return policy[-1 - n]
    m = DATE.match(ref)
    if m:
        prefix, nth = _normalise_date(m.group(1)), m.group(2)
        if nth is not None or len(prefix) == 19:
            label = prefix + "Z" + (f"#{nth}" if nth and nth != "1" else "")
            exact = [v for v in doc.versions if v.version == label]
            if exact:
                return exact[0]
            if nth is not None:
                raise VersionError(doc.path, f"@{ref}: no such version")
        upto = [v for v in policy if v.recorded[:len(prefix)] <= prefix]
        if not upto:
            raise VersionError(doc.path, f"@{ref}: no version recorded up to {prefix} (the first is "
                                         f"{policy[0].version})")
        return upto[-1]
    if COMMIT.match(ref) and doc.kind == "git":
        hits = [v for v in doc.versions if v.ref.startswith(ref)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise VersionError(doc.path, f"@{ref}: ambiguous commit id ({len(hits)} versions)")
        raise VersionError(doc.path, f"@{ref}: no version of this document has that commit id")
    hits = [v for v in doc.versions if v.ref == ref or Path(v.ref).stem == ref]
    if hits:
        return hits[0]
    raise VersionError(doc.path, f"@{ref}: no such version")


__all__ = ["split_ref", "select", "looks_like_ref"]
