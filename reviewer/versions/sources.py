"""Finding versioned documents on disk and reading their versions.

A dataset release folder holds one file per version, named by the time it was recorded (UTC); a
versions repository holds one file per document and one commit per version. Git is read with the
``git`` command only (``log`` for the history, one ``cat-file --batch`` for the texts), never by
parsing ``.git``. A folder holding many documents (a whole dataset, a repository or part of one)
names all of them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from reviewer.documents import SUFFIXES, decode, normalise_newlines
from reviewer.versions.model import (TECHNICAL_SUBJECT, Version, VersionedDocument, VersionError, document_id,
                                     number_same_seconds)

DATASET_FILE = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d)-(\d\d)-(\d\d)Z\.(?:md|txt)$")
MAX_DEPTH = 3  # how deep a folder is searched for dataset folders


def dataset_files(folder: Path) -> list[Path] | None:
    """The version files of a dataset folder, oldest first; None when ``folder`` is not one (it
    must hold at least one dated file and no other document)."""
    try:
        entries = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
                   and p.suffix.lower() in SUFFIXES]
    except OSError:
        return None
    if not entries or not all(DATASET_FILE.match(p.name) for p in entries):
        return None
    return sorted(entries, key=lambda p: p.name)


def recorded_of(name: str) -> str:
    m = DATASET_FILE.match(name)
    assert m is not None
    return f"{m.group(1)}:{m.group(2)}:{m.group(3)}Z"


def open_dataset(folder: Path) -> VersionedDocument:
    files = dataset_files(folder)
    if files is None:
        raise VersionError(folder, "is not a dataset folder of dated versions (YYYY-MM-DDTHH-MM-SSZ.md)")
    versions = number_same_seconds([(recorded_of(p.name), p.name, False, "") for p in files])
    by_ref = {p.name: p for p in files}

    def read(vs: list[Version]) -> list[str]:
        out = []
        for v in vs:
            path = by_ref[v.ref]
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise VersionError(path, f"cannot read ({exc.strerror or exc})") from None
            out.append(normalise_newlines(decode(data, path)[0]))
        return out

    return VersionedDocument(document_id(folder.parent.name, folder.name), folder, "dataset", versions, read)


# -- git ---------------------------------------------------------------------------------------


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> bytes:
    if shutil.which("git") is None:
        raise VersionError(None, "git is not installed: it is needed to read versions from a git repository")
    env = dict(os.environ, TZ="UTC", LC_ALL="C", GIT_TERMINAL_PROMPT="0", GIT_PAGER="cat")
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, env=env, check=False)
    except OSError as exc:
        raise VersionError(cwd, f"cannot run git ({exc.strerror or exc})") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise VersionError(cwd, f"git {args[0]} failed: {message[-1] if message else done.returncode}")
    return done.stdout


def git_toplevel(path: Path) -> Path | None:
    """The repository ``path`` is in, or None when it is in none."""
    folder = path if path.is_dir() else path.parent
    try:
        out = _git(["rev-parse", "--show-toplevel"], folder)
    except VersionError as exc:
        if "git is not installed" in str(exc):
            raise
        return None
    return Path(out.decode("utf-8", "surrogateescape").strip())


def open_git_file(path: Path, top: Path | None = None) -> VersionedDocument:
    top = top or git_toplevel(path)
    if top is None:
        raise VersionError(path, "is not in a git repository")
    rel = path.resolve().relative_to(top.resolve()).as_posix()
    out = _git(["log", "--reverse", "--format=%H%x1f%ad%x1f%s%x1e", "--date=format-local:%Y-%m-%dT%H:%M:%SZ",
                "--", rel], top)
    entries = []
    for record in out.decode("utf-8", "replace").split("\x1e"):
        record = record.strip("\n")
        if not record:
            continue
        commit, date, subject = record.split("\x1f", 2)
        entries.append((date, commit, subject.startswith(TECHNICAL_SUBJECT), subject))
    if not entries:
        raise VersionError(path, "has no recorded versions in its git repository")
    versions = number_same_seconds(entries)

    def read(vs: list[Version]) -> list[str]:
        return [normalise_newlines(decode(data, path)[0]) if data is not None else "" for data in
                _cat_files(top, [f"{v.ref}:{rel}" for v in vs])]

    parent = Path(rel).parent.name
    return VersionedDocument(document_id(parent, Path(rel).stem), path, "git", versions, read)


def _cat_files(top: Path, specs: list[str]) -> list[bytes | None]:
    """The contents of ``commit:path`` objects, in one ``git cat-file --batch``."""
    out = _git(["cat-file", "--batch"], top, ("\n".join(specs) + "\n").encode("utf-8"))
    result: list[bytes | None] = []
    pos = 0
    for _ in specs:
        nl = out.index(b"\n", pos)
        header = out[pos:nl].split()
        pos = nl + 1
        if len(header) < 3 or header[1] == b"missing":
            result.append(None)
            continue
        size = int(header[2])
        result.append(out[pos:pos + size])
        pos += size + 1
    return result


# -- discovery ---------------------------------------------------------------------------------


def _dataset_folders(folder: Path, depth: int = 0) -> list[Path]:
    if dataset_files(folder) is not None:
        return [folder]
    if depth >= MAX_DEPTH:
        return []
    found: list[Path] = []
    try:
        children = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError:
        return []
    for child in children:
        found.extend(_dataset_folders(child, depth + 1))
    return found


def is_versioned_folder(path: Path) -> bool:
    return path.is_dir() and dataset_files(path) is not None


def discover(path: Path) -> list[VersionedDocument]:
    """Every versioned document ``path`` names: a dataset folder, a folder holding dataset folders,
    a file in a git repository, or a folder of files in one."""
    if not path.exists():
        raise VersionError(path, "no such file or folder")
    if path.is_dir():
        folders = _dataset_folders(path)
        if folders:
            return [open_dataset(f) for f in folders]
        top = git_toplevel(path)
        if top is None:
            raise VersionError(path, "holds no dataset folder of dated versions and is not in a git repository")
        rel = path.resolve().relative_to(top.resolve()).as_posix()
        listed = _git(["ls-files", "-z", "--", "." if rel == "." else rel], top)
        files = [top / name for name in listed.decode("utf-8", "surrogateescape").split("\0")
                 if name and Path(name).suffix.lower() in SUFFIXES]
        if not files:
            raise VersionError(path, "holds no policy files tracked by git")
        return [open_git_file(f, top) for f in sorted(files)]
    return [open_git_file(path)]


__all__ = ["discover", "open_dataset", "open_git_file", "git_toplevel", "dataset_files", "is_versioned_folder"]
