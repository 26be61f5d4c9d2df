"""The concordance screen showing 10,000 annotations over the 115 policies of ../shared/corpus.

    .venv/bin/python bench/concordance.py                 # 5 runs, 10,000 annotations
    .venv/bin/python bench/concordance.py --runs 3 --annotations 10000

A set is written with ``--annotations`` annotations on the corpus's clauses (round robin over the
policies, a seeded choice of one or two categories each); a session over it has every document's
annotations loaded (as the workspace has them once the policies are open). Each run pushes a
``ConcordanceScreen`` of every category on a headless app (120x40) and is timed from the push to
the first paint after its rows are set (the entries collected, the rows set, the visible lines drawn);
then ``g`` (group near-identical clauses) is timed the same way. Also printed: the same with the
annotations not loaded yet (cold: the files read and re-anchored first).

Reference, this 2-core machine shared with two other helpers (noisy), 10,000 annotations over 115
policies, medians of 5 runs, each on a fresh app: shown 0.13-0.18 s (target: <= 0.3 s), of which
about 0.07 s is Textual mounting an empty screen; grouped 0.29-0.32 s; cold (the files read and
re-anchored first, in a worker) 0.53-0.59 s. Before the key line replaced a Footer (0.15 s to
mount its 14 keys) and entries stopped slicing their context up front: shown 0.33 s.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textual.app import App  # noqa: E402

from reviewer.inputs import load_documents  # noqa: E402
from reviewer.session import Session  # noqa: E402
from reviewer.store import Annotation, AnnotationFile, AnnotationStore  # noqa: E402
from reviewer.taxonomy import DEFAULT_TAXONOMY  # noqa: E402
from reviewer.tui.screens.concordance import ConcordanceScreen  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"


def write_set(root: Path, documents, n: int, seed: int) -> int:
    rng = random.Random(seed)
    store = AnnotationStore.open(root)
    files = {d.id: AnnotationFile(d.id, d.path.name, d.sha256) for d in documents}
    clauses = {d.id: list(d.clauses) for d in documents}
    made = 0
    while made < n and any(clauses.values()):
        for doc in documents:
            if made >= n:
                break
            if not clauses[doc.id]:
                continue
            c = clauses[doc.id].pop(0)
            cats = rng.sample(DEFAULT_TAXONOMY.slugs, rng.choice((1, 1, 2)))
            files[doc.id].annotations.append(Annotation.create(doc.text, c.start, c.end, cats, id=f"k{made}"))
            made += 1
    for af in files.values():
        if af.annotations:
            store.save(af)
    return made


class Bench(App[None]):
    pass


async def measure(session: Session, runs: int) -> tuple[list[float], list[float], int]:
    """Each run on a fresh app (started, not timed), as the analyst opens the concordance once."""
    shown, grouped = [], []
    count = 0
    for _ in range(runs):
        app = Bench()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = ConcordanceScreen(session, [])
            t = time.perf_counter()
            await app.push_screen(screen)
            await pilot.pause()
            while not screen.loaded:  # cold: the files are read in a worker first
                await pilot.pause(0.005)
            await pilot.pause()
            shown.append(time.perf_counter() - t)
            count = len(screen.grid.rows)
            t = time.perf_counter()
            await pilot.press("g")
            await pilot.pause()
            grouped.append(time.perf_counter() - t)
    return shown, grouped, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--annotations", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"{CORPUS} is not present: nothing to measure", file=sys.stderr)
        return 0
    documents, _ = load_documents(sorted(CORPUS.glob("*.txt")))  # the policies, not SOURCE.md
    with tempfile.TemporaryDirectory() as tmp:
        made = write_set(Path(tmp) / "set", documents, args.annotations, args.seed)
        cold_session = Session(AnnotationStore.open(Path(tmp) / "set"), documents, cache=False)
        cold, _, _ = asyncio.run(measure(cold_session, 1))
        session = Session(AnnotationStore.open(Path(tmp) / "set"), documents, cache=False)
        for doc in documents:
            session.annotations(doc.id)
        shown, grouped, count = asyncio.run(measure(session, args.runs))
    assert count == made, (count, made)
    print(f"concordance of {count} annotations over {len(documents)} policies ({args.runs} runs, 120x40):")
    print(f"  shown:   median {statistics.median(shown):.3f} s (min {min(shown):.3f}, max {max(shown):.3f}); "
          "target <= 0.3 s")
    print(f"  grouped: median {statistics.median(grouped):.3f} s (min {min(grouped):.3f}, max {max(grouped):.3f})")
    print(f"  cold (annotations read and re-anchored first): {cold[0]:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
