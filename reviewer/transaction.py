"""Write several files of a set as one step: all of them or none, even across a kill -9.

A command that writes more than one file (``reviewer import``, ``reviewer suggest --into``) must not
leave half of its work behind. ``commit(root, files)`` does it in three phases:

1. *Stage*: every new content goes to ``.reviewer-txn/<n>.new`` (fsynced), and every file it will
   replace is hard-linked (or copied) to ``.reviewer-txn/<n>.old``. Nothing in the set changes.
2. *Commit point*: ``.reviewer-txn/journal.json`` is written atomically. Before it exists the step
   has not happened; once it exists the step has.
3. *Apply*: each staged file is renamed over its target (or the target removed, for a file the
   step deletes); then the staging folder is removed.

A failure in phase 1 or 2 removes the staging folder (the set is as it was). A failure in phase 3
puts the ``.old`` links back and removes the files that were new (the set is as it was). A process
killed in phase 1 or 2 leaves an uncommitted staging folder, which ``recover()`` removes; killed in
phase 3, it leaves a journal, and ``recover()`` finishes the renames, except for a target that
another writer changed since (that one is left as that writer made it, and named in a warning).
Callers hold the set's write guard around ``recover()`` and ``commit()``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping

from reviewer.atomic import atomic_write, fsync_dir
from reviewer.errors import ReviewerError
from reviewer.lock import write_guard

STAGING = ".reviewer-txn"
JOURNAL = "journal.json"


class CommitError(ReviewerError):
    """The step could not be written; the set is as it was before it (the message says so)."""


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_digest(path: Path) -> str | None:
    try:
        return _digest(path.read_bytes())
    except FileNotFoundError:
        return None


def _write_new(path: Path, data: bytes) -> None:
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.chmod(path, 0o644)
    except OSError:
        pass


def _keep_old(target: Path, backup: Path) -> str | None:
    """Link (or copy) the file about to be replaced into the staging folder; its digest, or None."""
    try:
        data = target.read_bytes()
    except FileNotFoundError:
        return None
    try:
        os.link(target, backup)
    except OSError:  # a file system without hard links: a copy does as well
        _write_new(backup, data)
    return _digest(data)


def commit(root: Path | str, files: Mapping[str, bytes | None]) -> list[Path]:
    """Replace ``root/<name>`` with ``data`` for every item (``None``: remove it), all or none.
    ``name`` is a plain file name.

    Raises CommitError (the set unchanged) when it cannot be done. Returns the paths written.
    """
    root = Path(root)
    recover(root)
    staging = root / STAGING
    entries = []
    try:
        staging.mkdir()
        for n, (name, data) in enumerate(files.items()):
            if os.sep in name or name in ("", ".", "..") or name.startswith("."):
                raise ValueError(f"not a plain file name: {name!r}")
            if data is not None:
                _write_new(staging / f"{n}.new", data)
            old = _keep_old(root / name, staging / f"{n}.old")
            entries.append({"name": name, "new": f"{n}.new" if data is not None else None,
                            "old": f"{n}.old" if old else None, "old_sha256": old,
                            "new_sha256": _digest(data) if data is not None else None})
        fsync_dir(staging)
        atomic_write(staging / JOURNAL, json.dumps({"files": entries}, ensure_ascii=False))
    except OSError as exc:
        _remove_staging(root)
        raise CommitError(root / STAGING, f"cannot stage the files to write ({exc.strerror or exc}); "
                                          "nothing was written, the set is unchanged") from None
    except BaseException:
        _remove_staging(root)
        raise
    done: list[dict[str, str | None]] = []
    try:
        for entry in entries:
            if entry["new"] is not None:
                os.replace(staging / str(entry["new"]), root / str(entry["name"]))
            else:
                (root / str(entry["name"])).unlink(missing_ok=True)
            done.append(entry)
        fsync_dir(root)
    except OSError as exc:
        _undo(root, done)
        raise CommitError(root / str(entries[len(done)]["name"]) if len(done) < len(entries) else root,
                          f"cannot write ({exc.strerror or exc}); every file of this step was put back, "
                          "the set is unchanged") from None
    _remove_staging(root)
    return [root / str(e["name"]) for e in entries]


def _undo(root: Path, done: list[dict[str, str | None]]) -> None:
    staging = root / STAGING
    for entry in reversed(done):
        target = root / str(entry["name"])
        try:
            if entry["old"]:
                os.replace(staging / str(entry["old"]), target)
            else:
                target.unlink(missing_ok=True)
        except OSError:
            pass
    fsync_dir(root)
    _remove_staging(root)


def _remove_staging(root: Path) -> None:
    staging = root / STAGING
    journal = staging / JOURNAL
    try:
        journal.unlink(missing_ok=True)  # first: a half-removed folder is then an uncommitted one
        fsync_dir(staging)
    except OSError:
        pass
    shutil.rmtree(staging, ignore_errors=True)
    fsync_dir(root)


def pending(root: Path | str) -> bool:
    """Is there a staging folder left by a killed writer?"""
    return (Path(root) / STAGING).exists()


def recover(root: Path | str) -> list[str]:
    """Finish (journal present) or undo (no journal) a step a killed writer left. Warnings, one per
    target left alone because another writer changed it after the kill."""
    root = Path(root)
    staging = root / STAGING
    if not staging.exists():
        return []
    try:
        entries = json.loads((staging / JOURNAL).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        _remove_staging(root)  # never committed: nothing in the set was changed
        return []
    warnings = []
    for entry in entries:
        target = root / entry["name"]
        current = _file_digest(target)
        if entry["new"] is None:  # a removal
            if current is not None and current == entry["old_sha256"]:
                target.unlink()
            continue
        new = staging / entry["new"]
        if not new.exists():
            continue  # renamed before the kill
        if current in (entry["old_sha256"], entry["new_sha256"]):
            os.replace(new, target)
        else:
            warnings.append(f"{target}: changed by another program after an interrupted write; "
                            "left as that program wrote it")
    fsync_dir(root)
    _remove_staging(root)
    return warnings


@contextmanager
def set_guard(root: Path | str) -> Iterator[bool]:
    """The set's write guard, taken on a folder made first if missing. Yields whether this call made it.

    A set is created under the same guard that serialises writing to it, so two commands creating
    one set at once both land in the same folder, one after the other. A folder this call made is
    removed again (with its ``set.toml``) when the block fails and nothing else was put in it.
    """
    root = Path(root)
    while True:
        created = False
        missing = [f for f in (root, *root.parents) if not f.exists()]  # deepest first
        try:
            root.mkdir(parents=True)
            created = True
        except FileExistsError:
            if not root.is_dir():
                raise ReviewerError(root, "is a file, not an annotation set folder") from None
        except OSError as exc:
            raise ReviewerError(root, f"cannot create the set folder ({exc.strerror or exc})") from None
        try:
            inode = os.stat(root).st_ino
        except FileNotFoundError:
            continue  # removed by a writer whose creation failed: make it again
        with write_guard(root):
            try:
                same = os.stat(root).st_ino == inode
            except FileNotFoundError:
                same = False
            if not same:
                continue  # the folder we waited on was removed meanwhile
            try:
                yield created
            except BaseException:
                if created:
                    _remove_if_only_meta(root, missing[1:])
                raise
            return


def _remove_if_only_meta(root: Path, parents: list[Path]) -> None:
    """Remove a set folder this process made (and the parents it made), if nothing else is in it."""
    try:
        names = {p.name for p in root.iterdir()}
        if names <= {"set.toml"}:
            (root / "set.toml").unlink(missing_ok=True)
            root.rmdir()
        for parent in parents:
            parent.rmdir()  # fails, and stops, at the first one holding something else
    except OSError:
        pass


__all__ = ["CommitError", "commit", "recover", "pending", "set_guard", "STAGING", "JOURNAL"]
