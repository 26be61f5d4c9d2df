"""Child process for the import kill test: ``python import_child.py SET FILE K`` imports FILE into SET
and kills itself with SIGKILL at its K-th file write (K-th ``os.replace`` or staged-file fsync),
the way a crash or ``kill -9`` would stop it there."""

from __future__ import annotations

import os
import signal
import sys

from reviewer.importing import import_file

calls = 0
limit = int(sys.argv[3])


def _counting(real):  # type: ignore[no-untyped-def]  # wraps any callable
    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]  # wraps any callable
        global calls
        calls += 1
        if calls >= limit:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return wrapper


os.replace = _counting(os.replace)
os.fsync = _counting(os.fsync)
import_file(sys.argv[1], sys.argv[2])
print("finished", calls, flush=True)
