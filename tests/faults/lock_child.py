"""Child process for the lock tests: ``python lock_child.py SET_DIR [--go FILE] [--exit]``.

Waits until FILE exists (a start line for races), tries to take the lock and prints one line:
``won <pid>`` or ``held <holder pid> <host>``. A winner then holds the lock until stdin closes
(or, with --exit, exits at once, relying on the release at exit).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from reviewer.lock import LockHeld, acquire


def main() -> int:
    root = Path(sys.argv[1])
    if "--go" in sys.argv:
        go = Path(sys.argv[sys.argv.index("--go") + 1])
        while not go.exists():
            time.sleep(0.001)
    try:
        lock = acquire(root)
    except LockHeld as exc:
        print(f"held {exc.pid} {exc.host}", flush=True)
        return 3
    print(f"won {os.getpid()}", flush=True)
    if "--exit" in sys.argv:
        return 0
    sys.stdin.read()
    lock.release()
    return 0


if __name__ == "__main__":
    sys.exit(main())
