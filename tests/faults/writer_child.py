"""Child process for the SIGKILL test: rewrites annotation files in a tight loop until killed.

``python writer_child.py SET_DIR`` opens the set (which cleans temporaries a killed writer left),
then for ever: for each of the documents, writes generation g+1 of its file (g read from the file
on disk) through AnnotationStore.save, and prints ``<doc> <g+1>`` once the save has returned.
Every generation's content is a pure function of (doc, generation): see ``expected``.
"""

from __future__ import annotations

import random
import sys
from datetime import datetime, timezone
from pathlib import Path

from reviewer.store import Annotation, AnnotationFile, AnnotationStore, dump_annotation_file

DOCS = ("doc-a", "doc-b", "doc-c")
WORDS = ("data", "privacy", "cookies", "partners", "retention", "consent", "security", "Überprüfung",
         "données", "个人信息", "😀", "\"quoted\"", "back\\slash", "tab\there", "line\nbreak")


def expected(doc: str, generation: int) -> AnnotationFile:
    rng = random.Random(f"{doc}-{generation}")
    count = 150 + generation % 50   # sizes differ, so a torn write cannot look like a whole file
    anns = []
    when = datetime(2026, 1, 1, tzinfo=timezone.utc)
    for i in range(count):
        quote = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 20)))
        start = i * 400
        anns.append(Annotation(f"{generation:06d}{i:06d}", start, start + len(quote), quote, "prefix ", " suffix",
                               ("data-retention",), rng.choice(("", "note ✓", "multi\nline")), when, when))
    return AnnotationFile(doc, f"{doc}.txt", f"{generation:064d}", anns, {"generation": generation})


def generation_on_disk(store: AnnotationStore, doc: str) -> int:
    af = store.load(doc)
    return 0 if af is None else int(af.extra["generation"])


def main() -> int:
    store = AnnotationStore.open(Path(sys.argv[1]))
    generations = {doc: generation_on_disk(store, doc) for doc in DOCS}
    while True:
        for doc in DOCS:
            generations[doc] += 1
            store.save(expected(doc, generations[doc]))
            sys.stdout.write(f"{doc} {generations[doc]}\n")
            sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["expected", "dump_annotation_file", "DOCS"]
