"""Load figures for the store and the session: a set of 100,000 annotations over 1,000
policies loads, re-anchors and saves; one annotation's save stays fast whatever the set's size.

    .venv/bin/python bench/store_load.py                      # 1,000 policies x 100, 3 runs
    .venv/bin/python bench/store_load.py --policies 50 --runs 1   # quick look

The policies come from bench/corpus.py (perturbed copies of ../shared/corpus). The set is built
once (cached next to the corpus) with annotations on clause spans; one policy in ten has its
offsets shifted (as if text had been inserted above: "moved") and one annotation in fifty has its
quote altered slightly ("fuzzy" or orphaned), so re-anchoring does real work. Each run works on a
fresh copy of the set, in a fresh process, and reports:

  documents   read and decode the 1,000 policies
  load        open the set and load + re-anchor every document's annotations (Session.load_all);
              the first --cold-runs runs (3) are cold (the parsed-file cache emptied: every TOML
              file parsed), the --runs - 1 after them reuse the parsed-file cache
              (reviewer/loadcache.py, keyed by each file's sha256) like a second start of the app;
              a first open defers writing the cache (LoadCache.defer_writes) and the CPU of writing
              it afterwards (flush) is reported on its own line
  save all    write every document's file (new offsets for the moved ones)
  one save    toggle a category on one clause: the full path an analyst's key takes
              (outside-change check, merge check, TOML dump, atomic write with fsync), 40 times
  one save (small set)   the same on a set holding a single policy, for comparison
  RSS         peak resident memory of the run

Figures are medians over runs (and over the 40 saves within a run). The machine is shared with
other work, so expect noise.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import generate  # noqa: E402
from reviewer.documents import Document  # noqa: E402
from reviewer.inputs import load_documents  # noqa: E402
from reviewer.session import Session  # noqa: E402
from reviewer.store import Annotation, AnnotationFile, AnnotationStore  # noqa: E402

SLUGS = ("first-party-collection", "third-party-sharing", "user-choice", "data-retention", "data-security", "other")
READY = ".bench-set.json"


def spans(doc: Document, k: int) -> list[tuple[int, int]]:
    """k distinct spans over the document: whole clauses, then halves of clauses when short of clauses."""
    clauses = [c for c in doc.clauses if c.end - c.start >= 8]
    found: list[tuple[int, int]] = []
    seen: set[tuple[int, int]] = set()
    step = max(1, len(clauses) // k) if clauses else 1
    for c in clauses[::step]:
        if (c.start, c.end) not in seen:
            seen.add((c.start, c.end))
            found.append((c.start, c.end))
    level = 2
    while len(found) < k and clauses and level < 64:
        for c in clauses:
            width = (c.end - c.start) // level
            for j in range(level):
                s, e = c.start + j * width, c.start + (j + 1) * width
                if e - s >= 4 and (s, e) not in seen:
                    seen.add((s, e))
                    found.append((s, e))
                if len(found) >= k:
                    break
            if len(found) >= k:
                break
        level += 1
    return found[:k]


def build_set(docs: list[Document], set_dir: Path, per_doc: int, seed: int) -> int:
    marker = set_dir / READY
    wanted = {"documents": len(docs), "per_doc": per_doc, "seed": seed}
    if marker.exists():
        made = json.loads(marker.read_text())
        if {k: made.get(k) for k in wanted} == wanted:
            return int(made.get("annotations", 0))
    if set_dir.exists():
        shutil.rmtree(set_dir)
    store = AnnotationStore.open(set_dir, annotator="bench")
    rng = random.Random(seed)
    total = 0
    for n, doc in enumerate(docs):
        anns = []
        for i, (s, e) in enumerate(spans(doc, per_doc)):
            ann = Annotation.create(doc.text, s, e, [rng.choice(SLUGS)], id=f"b{n:04d}{i:04d}")
            if n % 10 == 0:                      # text inserted above since: every offset is off
                ann = replace(ann, start=ann.start + 37, end=ann.end + 37)
            elif i % 50 == 7 and len(ann.quote) > 20:  # a word changed inside the clause since
                q = ann.quote
                mid = len(q) // 2
                ann = replace(ann, quote=q[:mid] + "x" + q[mid + 1:])
            anns.append(ann)
        total += len(anns)
        store.save(AnnotationFile(doc.id, doc.path.name, doc.sha256, anns))
    marker.write_text(json.dumps({**wanted, "annotations": total}))
    return total


def child(corpus: Path, set_dir: Path, saves: int, seed: int) -> dict:
    t0 = time.perf_counter()
    docs, errors = load_documents([corpus])
    t1 = time.perf_counter()
    c1 = time.process_time()
    store = AnnotationStore.open(set_dir)
    session = Session(store, docs)
    session.load_all(defer_cache=True)   # as the app's first open on the matrix: in bulk, collection
                                         # paused, the parsed-file cache written after (below)
    statuses = {"exact": 0, "moved": 0, "fuzzy": 0, "orphaned": 0}
    total = 0
    for doc in docs:
        placed = session.annotations(doc.id)
        orphans = session.orphans(doc.id)
        total += len(placed) + len(orphans)
        marks = session.anchor_status(doc.id)
        statuses["orphaned"] += len(orphans)
        for status, _ in marks.values():
            statuses[status] += 1
        statuses["exact"] += len(placed) - len(marks)
    t2 = time.perf_counter()
    c2 = time.process_time()
    written = session.load_cache.flush()
    cache_cpu = time.process_time() - c2
    results = session.save(force=True)
    t3 = time.perf_counter()
    assert all(r.saved for r in results), [r.error for r in results if not r.saved][:3]
    rng = random.Random(seed)
    one = []
    for _ in range(saves):
        doc = rng.choice(docs)
        c = rng.choice(doc.clauses)
        s0 = time.perf_counter()
        out = session.toggle_category(doc.id, c.start, c.end, "data-retention")
        one.append(time.perf_counter() - s0)
        assert out.saved, out.error
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"documents": t1 - t0, "load": t2 - t1, "load_cpu": c2 - c1, "cache_cpu": cache_cpu, "cache_written": written, "save_all": t3 - t2, "one_save": statistics.median(one),
            "one_save_p95": sorted(one)[int(0.95 * (len(one) - 1))], "rss_mb": rss_mb, "annotations": total,
            "policies": len(docs), "statuses": statuses, "errors": len(errors)}


def small_set_one_save(corpus: Path, work: Path, per_doc: int, saves: int, seed: int) -> float:
    docs, _ = load_documents([sorted(corpus.glob("*.txt"))[0]])
    set_dir = work / "small-set"
    if set_dir.exists():
        shutil.rmtree(set_dir)
    build_set(docs, set_dir, per_doc, seed)
    session = Session(AnnotationStore.open(set_dir), docs)
    doc = docs[0]
    session.annotations(doc.id)
    rng = random.Random(seed)
    times = []
    for _ in range(saves):
        c = rng.choice(doc.clauses)
        s0 = time.perf_counter()
        session.toggle_category(doc.id, c.start, c.end, "data-retention")
        times.append(time.perf_counter() - s0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--policies", type=int, default=1000)
    parser.add_argument("--per-doc", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3, help="warm runs + 1")
    parser.add_argument("--cold-runs", type=int, default=3, help="first opens, each with the parsed-file cache emptied")
    parser.add_argument("--saves", type=int, default=40)
    parser.add_argument("--work", type=Path, default=Path("/tmp/reviewer-bench"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1], args.saves, args.seed)))
        return 0

    corpus = args.work / f"corpus-{args.policies}"
    t0 = time.perf_counter()
    generate(args.policies, corpus, seed=args.seed)
    docs, _ = load_documents([corpus])
    master = args.work / f"set-{args.policies}x{args.per_doc}"
    total = build_set(docs, master, args.per_doc, args.seed)
    print(f"setup: {len(docs)} policies, {total} annotations ({time.perf_counter() - t0:.1f} s, cached after the first time)")
    del docs
    runs = []
    cache_home = args.work / "cache"            # the parsed-file cache (reviewer/loadcache.py)
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    env.pop("REVIEWER_NO_CACHE", None)
    cold_runs = max(1, args.cold_runs)
    for run in range(cold_runs + args.runs - 1):
        if run < cold_runs:
            shutil.rmtree(cache_home, ignore_errors=True)   # a cold open: no parsed file cached
        copy = args.work / "run-set"
        if copy.exists():
            shutil.rmtree(copy)
        shutil.copytree(master, copy)
        proc = subprocess.run([sys.executable, __file__, "--child", str(corpus), str(copy), "--saves", str(args.saves),
                               "--seed", str(args.seed + run)], capture_output=True, text=True, cwd=ROOT,
                              env=env)
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return 1
        result = json.loads(proc.stdout)
        runs.append(result)
        print(f"run {run + 1} ({'cold: no cache' if run < cold_runs else 'warm: parsed-file cache'}): documents {result['documents']:.2f} s, load+re-anchor {result['load']:.2f} s "
              f"({result['load_cpu']:.2f} s CPU; then {result['cache_written']} cache entries written, {result['cache_cpu']:.2f} s CPU), "
              f"save all {result['save_all']:.2f} s, one save {result['one_save'] * 1000:.1f} ms "
              f"(p95 {result['one_save_p95'] * 1000:.1f} ms), RSS {result['rss_mb']:.0f} MB")
    small = small_set_one_save(corpus, args.work, args.per_doc, args.saves, args.seed)

    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    first = runs[0]
    cold, warm = runs[:cold_runs], runs[cold_runs:] or runs
    print()
    print(f"set: {first['policies']} policies, {first['annotations']} annotations; re-anchoring: "
          + ", ".join(f"{k} {v}" for k, v in first["statuses"].items()))
    print(f"median of {len(runs)} runs (machine shared with other work: noisy)")
    print(f"  documents read            {med('documents'):6.2f} s    ({first['policies']:,} policies read and decoded)")
    print(f"  load + re-anchor, cold    {statistics.median(r['load'] for r in cold):6.2f} s    "
          f"({statistics.median(r['load_cpu'] for r in cold):.2f} s CPU, target <= 3 s CPU; first open: every file "
          f"parsed; median of runs 1..{cold_runs}: {', '.join(format(r['load_cpu'], '.2f') for r in cold)} s CPU)")
    print(f"  parsed-file cache write   {statistics.median(r['cache_cpu'] for r in cold):6.2f} s CPU (after a first open, "
          f"not counted in it: {first['cache_written']} entries)")
    print(f"  load + re-anchor, warm    {statistics.median(r['load'] for r in warm):6.2f} s    "
          f"({statistics.median(r['load_cpu'] for r in warm):.2f} s CPU; later opens: parsed-file cache; "
          f"median of runs {cold_runs + 1}..{len(runs)})")
    print(f"  save all files            {med('save_all'):6.2f} s")
    print(f"  one annotation's save     {med('one_save') * 1000:6.1f} ms   (target <= 20 ms; p95 {med('one_save_p95') * 1000:.1f} ms)")
    print(f"  one save, 1-policy set    {small * 1000:6.1f} ms")
    print(f"  peak RSS                  {med('rss_mb'):6.0f} MB   (target <= 300 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
