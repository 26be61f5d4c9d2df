"""Child process for the two-writers test: a second session editing the same set at the same time.

``python -m tests.faults.session_child SET_DIR DOCS_DIR PARITY STEPS SEED`` tags clauses whose index has the
given parity in every document, writes notes and deletes some of its own annotations, then prints
one JSON line: {doc: {id: [categories, note]}} of the annotations it believes it owns.
"""

from __future__ import annotations

import json
import sys

from tests.faults.support import drive_session


def main() -> int:
    set_dir, docs_dir, parity, steps, seed = sys.argv[1:6]
    owned = drive_session(set_dir, docs_dir, int(parity), int(steps), int(seed))
    print(json.dumps(owned), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
