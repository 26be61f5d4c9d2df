"""Garbage collection held off while a set's annotations are built in bulk.

Loading a large set creates hundreds of thousands of objects that all live on; the collector,
triggered by every few hundred allocations, would walk them again and again for nothing (~0.5 s
of a 100,000-annotation first open). Collection is paused around such a load and given back
afterwards, whatever happens inside, in the state it was found (nothing is frozen: the objects
are collected normally later).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused_gc() -> Iterator[None]:
    """Automatic collection off inside the block; back on afterwards only if it was on before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


__all__ = ["paused_gc"]
