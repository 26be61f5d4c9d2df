"""Atomic file replacement: a reader sees the old file or the new one, never a mix or nothing."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import BinaryIO, Callable

TEMP_PREFIX = ".reviewer-tmp-"


def atomic_write(path: Path | str, data: str | bytes) -> os.stat_result:
    """Write ``data`` to ``path`` via a temporary file in the same folder, fsync, ``os.replace``,
    then fsync the folder. On any failure the previous file is intact and the error propagates.
    Returns the written file's ``fstat``."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    return atomic_write_with(path, lambda handle: handle.write(payload))


def atomic_write_with(path: Path | str, write: Callable[[BinaryIO], object]) -> os.stat_result:
    """``atomic_write`` for content too large to hold twice: ``write`` streams it into the
    temporary file's handle. Returns the written file's ``fstat`` (its size and time, kept by the
    rename)."""
    path = Path(path)
    # The writer's pid is in the name, so clean_temporaries never removes a live writer's file.
    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
            written = os.fstat(handle.fileno())
        try:
            os.chmod(tmp, 0o644)
        except OSError:
            pass
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    fsync_dir(path.parent)
    return written


def fsync_dir(folder: Path) -> None:
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def clean_temporaries(folder: Path | str) -> list[Path]:
    """Remove temporary files a killed writer left behind; returns what was removed."""
    removed = []
    try:
        for entry in Path(folder).glob(TEMP_PREFIX + "*"):
            if _writer_alive(entry):
                continue  # another process (a second reviewer, a command) is writing it right now
            try:
                entry.unlink()
                removed.append(entry)
            except OSError:
                pass
    except OSError:
        pass
    return removed


def _writer_alive(entry: Path) -> bool:
    """Is the temporary file's writer (pid in its name) still running, and the file recent?"""
    pid = entry.name[len(TEMP_PREFIX):].split("-", 1)[0]
    if not pid.isdigit() or int(pid) <= 0:
        return False
    try:
        if time.time() - entry.stat().st_mtime > 3600:
            return False  # an hour-old temporary is left over even if the pid was reused
        os.kill(int(pid), 0)
    except PermissionError:
        return True
    except (OSError, OverflowError):
        return False
    return True
