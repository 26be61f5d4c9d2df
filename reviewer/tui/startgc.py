"""Garbage collection held off from the command's start to the app's first paint.

The start allocates ~80,000 long-lived objects; collecting as they came cost 50-70 ms of CPU before
the first paint. ``hold()`` (called by ``launch``) turns collection off; ``release()`` (called by the
app after its first refresh) freezes what the start built, so that later collections skip it and
none of them pauses a key for long, and turns collection back on. Only a hold is released: a pause
someone else made meanwhile (a bulk load in a worker, ``reviewer.gcpause``) is left to its owner.
"""

from __future__ import annotations

import gc

_held = False


def hold() -> None:
    global _held
    _held = True
    gc.disable()


def release() -> None:
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()


__all__ = ["hold", "release"]
