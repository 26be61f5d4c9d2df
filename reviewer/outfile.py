"""Where an export may write, and how, so that ``-o`` never destroys what is already at the path.

Rules, in order (``check_targets`` before anything is written, ``write_target`` for each file):

* never onto an input document, nor anywhere inside the annotation set (``ReviewerError`` saying so);
* an existing FIFO or character device (``/dev/stdout``, ``/dev/null``, a named pipe) is written
  through, never replaced;
* a symbolic link is written at its target (the link stays a link);
* a regular file (or nothing) is replaced atomically (``reviewer.atomic``);
* anything else at the path (a folder, a socket, a block device) is refused.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Iterable

from reviewer.atomic import atomic_write
from reviewer.errors import ReviewerError


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)  # follows links: what a write would reach
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise ReviewerError(path, f"cannot be examined ({exc.strerror or exc})") from None


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_targets(targets: Iterable[Path], inputs: Iterable[Path] = (), set_root: Path | None = None) -> None:
    """Refuse (ReviewerError, one line saying why) any target that is an input or inside the set."""
    ids = {}
    for p in inputs:
        st = _stat(Path(p))
        if st is not None:
            ids[(st.st_dev, st.st_ino)] = Path(p)
    real_set = Path(os.path.realpath(set_root)) if set_root is not None else None
    for target in targets:
        st = _stat(target)
        if st is not None and stat.S_ISREG(st.st_mode) and (st.st_dev, st.st_ino) in ids:
            raise ReviewerError(target, f"is the input document {ids[(st.st_dev, st.st_ino)]}; an export never "
                                        "writes over a document it reads (give another -o)")
        if real_set is not None and (st is None or stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
            if _inside(Path(os.path.realpath(target)), real_set):
                raise ReviewerError(target, f"is inside the annotation set {set_root}; an export never writes "
                                            "into the set (give a path outside it)")


def write_target(path: Path, text: str) -> None:
    """Write ``text`` at ``path`` by the rules above. ReviewerError naming the path on failure."""
    data = text.encode("utf-8")
    st = _stat(path)
    if st is not None and (stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode)):
        _write_through(path, data)
        return
    if st is not None and not stat.S_ISREG(st.st_mode):
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file, a pipe or a terminal"
        raise ReviewerError(path, f"is {kind}; nothing was written")
    real = Path(os.path.realpath(path))  # a link is written at its target, which stays where it is
    try:
        atomic_write(real, data)
    except OSError as exc:
        raise ReviewerError(path, f"cannot write ({exc.strerror or exc}); nothing was replaced") from None


def _write_through(path: Path, data: bytes) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise ReviewerError(path, f"cannot open for writing ({exc.strerror or exc})") from None
    try:
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
    except OSError as exc:
        raise ReviewerError(path, f"cannot write ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


__all__ = ["check_targets", "write_target"]
