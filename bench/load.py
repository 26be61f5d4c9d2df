"""Load, segment and re-anchor: on the 115 real policies and on a generated 1,000-policy corpus.

    .venv/bin/python bench/load.py                 # 5 runs each, medians
    .venv/bin/python bench/load.py --runs 9 --policies 1000 --annotations 10000
    .venv/bin/python bench/load.py --quick         # a tiny smoke run (what the test suite does)

Targets: segmenting 1,000 policies <= 2 s; re-anchoring 10,000 annotations on changed
documents <= 1 s. The annotations are made on the original documents (a clause or part of one,
about 10 per policy); the documents are then changed the way a new policy version changes: the
corpus generator's perturbation (company renamed, words dropped and swapped, numbers changed,
sentences dropped and swapped, paragraphs moved), plus a new paragraph at the top of most documents,
a word edited inside a fifth of the annotated passages and a tenth of them deleted. So most
annotations are moved, many fuzzy, some orphaned, a few still exact.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus import CORPUS, company_of, generate, perturb  # noqa: E402

from reviewer.anchoring import resolve_all  # noqa: E402
from reviewer.clauses import segment  # noqa: E402
from reviewer.documents import Document  # noqa: E402
from reviewer.inputs import load_documents  # noqa: E402
from reviewer.store import Annotation  # noqa: E402



class Timing:
    """Wall-clock and CPU (this process) seconds of several runs."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    @property
    def median_wall(self) -> float:
        return statistics.median(self.wall)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu)


def median_time(fn: Callable[[], object], runs: int) -> tuple[Timing, object]:
    timing = Timing()
    result = None
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        timing.cpu.append(time.process_time() - c0)
        timing.wall.append(time.perf_counter() - w0)
    return timing, result


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:7.0f} ms" if seconds < 1 else f"{seconds:7.2f} s "


def report(label: str, t: Timing, target: float | None = None) -> None:
    """One line: median wall-clock and median CPU time, and the verdict against the target.
    The machine is shared, so wall-clock time includes waiting for a CPU; CPU time does not."""
    verdict = ""
    if target is not None:
        ok_cpu, ok_wall = t.median_cpu <= target, t.median_wall <= target
        verdict = f"   target <= {target:g} s: cpu {'OK' if ok_cpu else 'OVER'}, wall {'OK' if ok_wall else 'OVER'}"
    print(f"  {label:<50} wall {fmt(t.median_wall)}  cpu {fmt(t.median_cpu)}"
          f"  (wall min {min(t.wall) * 1000:.0f} ms, {len(t.wall)} runs){verdict}")


def make_annotations(docs: list[Document], total: int, rng: random.Random) -> dict[str, list[Annotation]]:
    """About total/len(docs) annotations per document on distinct clauses (sometimes part of one)."""
    per_doc: dict[str, list[Annotation]] = {d.id: [] for d in docs}
    pools = {d.id: rng.sample(range(len(d.clauses)), len(d.clauses)) for d in docs}
    made = 0
    while made < total:
        progress = False
        for d in docs:
            if made >= total:
                break
            if not pools[d.id]:
                continue
            c = d.clauses[pools[d.id].pop()]
            start, end = c.start, c.end
            if end - start > 80 and rng.random() < 0.3:  # part of a clause: a phrase
                a = rng.randrange(start, end - 40)
                start, end = a, min(end, a + rng.randint(30, 120))
            per_doc[d.id].append(Annotation.create(d.text, start, end, ["other"], id=f"{d.id}-{made}"))
            made += 1
            progress = True
        if not progress:
            break
    return per_doc


def change(doc: Document, anns: list[Annotation], rng: random.Random) -> str:
    """A new version of the document (see the module docstring)."""
    text = doc.text
    # edits inside annotated passages, from the end so earlier offsets stay valid
    for a in sorted(anns, key=lambda a: a.start, reverse=True):
        roll = rng.random()
        if roll < 0.10:
            text = text[:a.start] + text[a.end:]  # deleted: orphaned
        elif roll < 0.30 and a.end - a.start > 20:
            k = text.find(" ", a.start + (a.end - a.start) // 2, a.end)
            if k != -1:
                text = text[:k] + " certainly" + text[k:]  # a word inserted: fuzzy
    text = perturb(text, rng, company_of(doc.id.split("--")[0]))
    if rng.random() < 0.8:
        text = "This policy was updated. Please read the changes below carefully.\n\n" + text
    return text


def bench_set(title: str, folder: Path, runs: int, n_annotations: int | None, seed: int = 0) -> None:
    print(f"\n{title}: {folder}")
    paths = sorted(folder.glob("*.txt"))  # policies only (the corpus folder also has SOURCE.md)
    t, (docs, errors) = median_time(lambda: load_documents(paths), runs)
    size = sum(len(d.text) for d in docs)
    print(f"  {len(docs)} documents, {size / 1e6:.1f} M characters, {len(errors)} unreadable")
    report(f"load {len(docs)} documents (read, decode, normalise)", t)
    texts = [d.text for d in docs]
    t, clauses = median_time(lambda: sum(len(segment(x)) for x in texts), runs)
    report(f"segment {len(docs)} policies ({clauses} clauses)", t,
           2.0 * len(docs) / 1000 if len(docs) >= 1000 else None)
    if not n_annotations:
        return
    rng = random.Random(seed)
    per_doc = make_annotations(docs, n_annotations, rng)
    changed = {d.id: change(d, per_doc[d.id], rng) for d in docs}
    total = sum(len(v) for v in per_doc.values())

    def reanchor() -> Counter[str]:
        counts: Counter[str] = Counter()
        for d in docs:
            for r in resolve_all(per_doc[d.id], changed[d.id]):
                counts[r.status] += 1
        return counts

    t, counts = median_time(reanchor, runs)
    shares = ", ".join(f"{k} {counts.get(k, 0)}" for k in ("exact", "moved", "fuzzy", "orphaned"))
    report(f"re-anchor {total} annotations on changed documents", t,
           1.0 * total / 10000 if total >= 10000 else None)
    print(f"    statuses: {shares}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--policies", type=int, default=1000)
    parser.add_argument("--annotations", type=int, default=10000)
    parser.add_argument("--source", type=Path, default=CORPUS, help="the real policies (../shared/corpus)")
    parser.add_argument("--dest", type=Path, help="where to generate the large corpus (cached)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one run: a smoke test")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.policies, args.annotations = 1, 30, 200
    if not args.source.is_dir() or not any(args.source.glob("*.txt")):
        print(f"bench/load.py: {args.source} is not present; nothing to measure (skipped)")
        return 0
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"reviewer load benchmark - python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"load average {load:.1f}; medians of {args.runs} runs. On a shared machine wall-clock time "
          "includes waiting for a CPU; CPU time (this process) does not.")
    real_annotations = min(args.annotations, 1150)
    bench_set("Real policies", args.source, args.runs, real_annotations)
    dest = args.dest or Path(tempfile.gettempdir()) / f"reviewer-bench-corpus-{args.policies}"
    t0 = time.perf_counter()
    generate(args.policies, dest)
    print(f"\n(generated or reused the {args.policies}-policy corpus in {time.perf_counter() - t0:.1f} s)")
    bench_set(f"Generated corpus of {args.policies} policies", dest, args.runs, args.annotations)
    return 0


if __name__ == "__main__":
    sys.exit(main())
