"""Reading a file from a set: only a regular file, only up to a bound.

A set folder travels through git, which carries symlinks, and anyone can leave a FIFO in it.
Reading a FIFO blocks for ever and a symlink to ``/dev/zero`` never ends, so every read of a set
file opens without blocking, refuses what is not a regular file (after following symlinks: a
link to a regular file is fine) and stops at a size bound.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_SET_FILE = 256 * 1024 * 1024   # far above any real annotation file (100,000 annotations: ~40 MB)


class NotRegular(OSError):
    """The path is not a regular file, or is bigger than the bound: a one-line reason. ``folder``
    says it is a folder, for callers that word that case their own way."""

    folder: bool = False


def read_regular(path: Path | str, limit: int = MAX_SET_FILE) -> bytes:
    """The bytes of ``path``. Raises FileNotFoundError when absent, NotRegular for a FIFO, a device,
    a folder or a file over ``limit`` bytes, and OSError for the rest. Never blocks on a FIFO."""
    data, _ = read_regular_stat(path, limit)
    return data


def read_regular_stat(path: Path | str, limit: int = MAX_SET_FILE) -> tuple[bytes, os.stat_result]:
    """``read_regular`` with the ``fstat`` of the very file read (size, time of that version)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            refused = NotRegular(f"not a regular file ({_kind(st.st_mode)}); not read")
            refused.folder = stat.S_ISDIR(st.st_mode)
            raise refused
        if st.st_size > limit:
            raise NotRegular(f"too large ({st.st_size} bytes, more than {limit}); not read")
        chunks = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise NotRegular(f"too large (more than {limit} bytes); not read")
        return b"".join(chunks), st
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"


def describe(exc: OSError) -> str:
    """One line for a read failure."""
    if isinstance(exc, NotRegular):
        return str(exc)
    if isinstance(exc, PermissionError):
        return "permission denied"
    return f"cannot read ({exc.strerror or exc})"


__all__ = ["MAX_SET_FILE", "NotRegular", "read_regular", "read_regular_stat", "describe"]
