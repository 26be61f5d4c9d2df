"""The one way the tool writes a file in a set: read what is there now, merge, write, all under
the set's write guard.

Writing a set file from what was loaded earlier deletes whatever another program (git pull, an
editor, a script, a second reviewer) put there since. So a writer hands over a *change*, not a
file: ``read_merge_write`` reads the file as it is at that moment (under the guard, so no
cooperating writer slips in between), applies the change to it and replaces it atomically. A
file that exists but cannot be read is never overwritten: the read's error propagates and nothing
is written. Annotation files take the same path inside ``Session._write`` (merge by id there).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, TypeVar

from reviewer.atomic import atomic_write
from reviewer.errors import StoreError
from reviewer.lock import write_guard

T = TypeVar("T")


def read_merge_write(root: Path, path: Path, read: Callable[[], T], merge: Callable[[T], tuple[T, str | None]]) -> T:
    """Under the guard of set ``root``: ``read()`` the file now (it raises StoreError when the file
    is there but unreadable: then nothing is written), ``merge(current) -> (new, text)`` and write
    ``text`` atomically (``None``: nothing to write). Returns the new state. Raises StoreError
    naming the file when reading or writing fails; the previous file is then intact."""
    with write_guard(root):
        current = read()
        new, text = merge(current)
        if text is not None:
            try:
                atomic_write(path, text)
            except OSError as exc:
                raise StoreError(path, f"cannot write ({exc.strerror or exc}); "
                                       "the previous file is unchanged") from None
        return new


__all__ = ["read_merge_write"]
