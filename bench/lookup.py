"""Benchmark the fuzzy clause index: recall and speed of ``FuzzyIndex.lookup``.

Evaluation queries are real sentences of ``../shared/corpus`` (OPP-115) perturbed the way people
remember clauses, one kind at a time:

    drop      about 20% of the words dropped
    swap      neighbouring words swapped (about one pair in five words)
    typo      typing errors in about one word in five (insert, delete, replace, transpose)
    rename    the company's name replaced ("Acme", "the Company", "ExampleCorp")
    fragment  a run of 7 to 12 consecutive words
    case      lower case, punctuation stripped

A hit is right when it (or a copy grouped into it, ``also``) overlaps the original sentence in the
policy it came from. Reported: recall@1 and recall@5 per kind and overall, the median query time,
and the same for the brute-force reference (rapidfuzz ``process.extract`` with ``WRatio`` over
every clause, on a subsample); then the 1,000-policy corpus (``bench/corpus.py``): build time
(reading and segmentation included), cache save and load times, recall@5, median query, RSS; then
``reviewer lookup --batch`` of 600 queries over the 115 policies, start-up included.

    .venv/bin/python bench/lookup.py                 # everything, 3 runs each (medians)
    .venv/bin/python bench/lookup.py --runs 5 --skip-scale --skip-batch
    .venv/bin/python bench/lookup.py --smoke         # tiny sizes, for a quick check
    .venv/bin/python bench/lookup.py --only-scale --scale 10000   # corpus scale: the index, then
                                                     # lookup --batch cold and warm (with targets)

The machine is shared and noisy: figures are medians of several runs; compare on one machine.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reviewer.documents import Document, load_document  # noqa: E402
from reviewer.fuzzy import FuzzyIndex  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
KINDS = ("drop", "swap", "typo", "rename", "fragment", "case")
WORD = re.compile(r"\S+")
RENAMES = ("Acme", "the Company", "ExampleCorp", "Globex Inc.")


def _corpus_module():
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]  # a file spec always has a loader
    return module


def company_of(stem: str) -> str:
    """``amazon.com`` -> ``amazon``; copies ``amazon.com--0003`` keep the same company word."""
    base = stem.split("--")[0].split(".")[0]
    return base[4:] if base.startswith("www.") else base


# -- queries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    document: str
    start: int
    end: int


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(4)
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    if op == 0:
        return word[:i] + letter + word[i:]
    if op == 1:
        return word[:i] + word[i + 1:]
    if op == 2:
        return word[:i] + letter + word[i + 1:]
    return word[:i - 1] + word[i] + word[i - 1] + word[i + 1:]


def perturb(kind: str, sentence: str, company: str | re.Pattern | None, rng: random.Random) -> str | None:
    words = WORD.findall(sentence)
    n = len(words)
    if kind == "drop":
        drop = set(rng.sample(range(n), max(1, round(n * 0.2))))
        return " ".join(w for i, w in enumerate(words) if i not in drop)
    if kind == "swap":
        for _ in range(max(1, n // 5)):
            i = rng.randrange(n - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
        return " ".join(words)
    if kind == "typo":
        for i in rng.sample(range(n), max(1, n // 5)):
            words[i] = _typo(words[i], rng)
        return " ".join(words)
    if kind == "rename":
        pattern = _company_pattern([company]) if isinstance(company, str) else company
        if pattern is None or not pattern.search(sentence):
            return None
        return pattern.sub(rng.choice(RENAMES), sentence)
    if kind == "fragment":
        size = rng.randint(7, min(12, n))
        i = rng.randrange(n - size + 1)
        return " ".join(words[i:i + size])
    if kind == "case":
        return " ".join(re.sub(r"[^\w\s]", " ", sentence.lower()).split())
    raise ValueError(kind)


def _company_pattern(names: list[str]) -> re.Pattern | None:
    names = [n for n in names if len(n) >= 3]
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(r"\b(?:" + alternatives + r")(?:\.com)?\b", re.IGNORECASE)


def make_queries(documents: list[Document], per_kind: int, seed: int = 7) -> list[Query]:
    """``per_kind`` queries of each kind from sentences of 12 to 60 words (rename: mentioning the company)."""
    rng = random.Random(seed)
    # Generated copies (bench/corpus.py) carry a made-up company name instead of the real one.
    made_up = list(getattr(_corpus_module(), "_COMPANY_HEADS", ()))
    patterns = {d.id: _company_pattern([company_of(d.id)] + (made_up if "--" in d.id else [])) for d in documents}
    pool = []
    for doc in documents:
        for c in doc.clauses:
            if c.kind != "sentence":
                continue
            text = doc.text[c.start:c.end]
            if 12 <= len(text.split()) <= 60:
                pool.append((doc, c.start, c.end, text))
    queries: list[Query] = []
    for kind in KINDS:
        candidates = list(pool)
        rng.shuffle(candidates)
        made = 0
        for doc, start, end, text in candidates:
            q = perturb(kind, text, patterns[doc.id], rng)
            if q is None:
                continue
            queries.append(Query(kind, q, doc.id, start, end))
            made += 1
            if made >= per_kind:
                break
    return queries


def is_right(match_places, q: Query) -> bool:
    return any(h.document == q.document and h.start < q.end and q.start < h.end for h in match_places)


# -- evaluation -----------------------------------------------------------------------------


def evaluate(search, queries: list[Query]) -> dict:
    """``search(text) -> list of place-lists, best first``; recall@1/@5 per kind, median ms."""
    per_kind: dict[str, list[tuple[bool, bool]]] = {k: [] for k in KINDS}
    times, cpu = [], []
    for q in queries:
        t, c = time.perf_counter(), time.process_time()
        results = search(q.text)
        cpu.append(time.process_time() - c)
        times.append(time.perf_counter() - t)
        right = [is_right(places, q) for places in results[:5]]
        per_kind[q.kind].append((bool(right[:1] and right[0]), any(right)))
    out = {"median_ms": statistics.median(times) * 1000, "p90_ms": _pct(times, 0.9) * 1000,
           "cpu_ms": statistics.median(cpu) * 1000, "kinds": {}}
    both = []
    for kind, rows in per_kind.items():
        if rows:
            out["kinds"][kind] = (sum(a for a, _ in rows) / len(rows), sum(b for _, b in rows) / len(rows), len(rows))
            both.extend(rows)
    out["r1"] = sum(a for a, _ in both) / len(both)
    out["r5"] = sum(b for _, b in both) / len(both)
    return out


def _pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(p * len(s)))]


def index_search(index: FuzzyIndex):
    def search(text: str) -> list:
        return [m.places for m in index.lookup(text, 5)]
    return search


def brute_force_search(index: FuzzyIndex):
    from rapidfuzz import fuzz, process
    from rapidfuzz.utils import default_process

    places = []
    choices = []
    for doc in index.documents.values():
        for c in doc.clauses:
            places.append(((_Place(doc.id, c.start, c.end)),))
            choices.append(default_process(doc.text[c.start:c.end]))

    def search(text: str) -> list:
        found = process.extract(default_process(text), choices, scorer=fuzz.WRatio, processor=None, limit=5)
        return [places[i] for _, _, i in found]
    return search


@dataclass(frozen=True)
class _Place:
    document: str
    start: int
    end: int


def print_eval(title: str, runs: list[dict]) -> None:
    first = runs[0]
    med = statistics.median(r["median_ms"] for r in runs)
    cpu = statistics.median(r["cpu_ms"] for r in runs)
    print(f"\n{title}\n  median query {med:.2f} ms wall, {cpu:.2f} ms CPU;"
          f" p90 {statistics.median(r['p90_ms'] for r in runs):.2f} ms;"
          f" per-run medians {', '.join(format(r['median_ms'], '.2f') for r in runs)} ms")
    print(f"  {'kind':<10} {'n':>4} {'recall@1':>9} {'recall@5':>9}")
    for kind, (r1, r5, n) in first["kinds"].items():
        print(f"  {kind:<10} {n:>4} {r1:>9.3f} {r5:>9.3f}")
    print(f"  {'overall':<10} {sum(v[2] for v in first['kinds'].values()):>4} {first['r1']:>9.3f} {first['r5']:>9.3f}")


def load_txt(folder: Path) -> list[Document]:
    return [load_document(p) for p in sorted(folder.glob("*.txt")) if not p.name.startswith(".")]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- sections -------------------------------------------------------------------------------


def bench_115(args) -> list[Query]:
    t = time.perf_counter()
    docs = load_txt(CORPUS)
    index = FuzzyIndex.build(docs)
    build = time.perf_counter() - t
    queries = make_queries(docs, args.per_kind)
    print(f"115 policies: {len(docs)} documents, {index.clause_count} clauses ({index.entry_count} distinct),"
          f" built in {build:.2f} s; {len(queries)} queries")
    runs = [evaluate(index_search(index), queries) for _ in range(args.runs)]
    print_eval("FuzzyIndex.lookup (BM25 candidates + rapidfuzz blend), 115 policies", runs)
    if args.brute:
        rng = random.Random(3)
        sample = [q for kind in KINDS for q in rng.sample([q for q in queries if q.kind == kind],
                                                          min(args.brute, sum(q.kind == kind for q in queries)))]
        brute = brute_force_search(index)
        print_eval(f"reference: rapidfuzz process.extract WRatio over every clause ({len(sample)} queries)",
                   [evaluate(brute, sample)])
    return queries


def bench_scale(args) -> None:
    """Runs in a child process so that its RSS is the index's own."""
    corpus = _corpus_module()
    dest = Path(args.scale_dir)
    paths = corpus.generate(args.scale, dest)
    builds, build_cpu = [], []
    index = None
    for _ in range(args.runs):
        index = None
        gc.collect()
        t, c = time.perf_counter(), time.process_time()
        docs = [load_document(p) for p in paths]
        index = FuzzyIndex.build(docs)
        builds.append(time.perf_counter() - t)
        build_cpu.append(time.process_time() - c)
    assert index is not None
    from reviewer import index_cache

    with tempfile.TemporaryDirectory() as cache_dir:
        t = time.perf_counter()
        index_cache.save(index, Path(cache_dir))
        save = time.perf_counter() - t
        loads, totals = [], []
        for _ in range(args.runs):
            fresh = [load_document(p) for p in paths]
            t = time.perf_counter()
            loaded = index_cache.load(fresh, Path(cache_dir))
            loads.append(time.perf_counter() - t)
            assert loaded.status == "hit", loaded.status
            t = time.perf_counter()
            fresh = [load_document(p) for p in paths]
            index_cache.load(fresh, Path(cache_dir))
            totals.append(time.perf_counter() - t)
    index = loaded.index
    queries = make_queries(list(index.documents.values()), args.scale_per_kind, seed=11)
    runs = [evaluate(index_search(index), queries) for _ in range(args.runs)]
    print(f"{len(paths)} policies: {index.clause_count} clauses ({index.entry_count} distinct)")
    print(f"  build (read + segment + index): median {statistics.median(builds):.2f} s wall,"
          f" {statistics.median(build_cpu):.2f} s CPU (runs {', '.join(f'{b:.2f}' for b in builds)})")
    print(f"  cache save {save:.2f} s; cache load median {statistics.median(loads):.2f} s"
          f" (read + hash documents + load: {statistics.median(totals):.2f} s)")
    print_eval(f"FuzzyIndex.lookup, {len(paths)} policies", runs)
    print(f"  median query {statistics.median(r['median_ms'] for r in runs):.2f} ms (target <= {TARGET_QUERY_MS:.0f} ms)")
    print(f"  peak RSS of this bench process: {rss_mb():.0f} MB (it reads the corpus {2 * args.runs + 1} times and"
          " keeps clause lists for the queries; a user's process: lookup --batch below)")


def bench_batch(args, queries: list[Query]) -> None:
    lines = [" ".join(q.text.split()) for q in queries][:600]
    exe = Path(sys.executable).with_name("reviewer")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "reviewer"]
    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp) / "queries.txt"
        batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
        env = dict(os.environ, XDG_CACHE_HOME=str(Path(tmp) / "cache"))
        times = []
        for _ in range(args.runs + 1):
            t = time.perf_counter()
            proc = subprocess.run([*cmd, "lookup", "--batch", str(batch), *map(str, sorted(CORPUS.glob("*.txt")))],
                                  capture_output=True, text=True, env=env)
            times.append(time.perf_counter() - t)
            if proc.returncode not in (0, 1):
                print(f"  lookup --batch failed ({proc.returncode}): {proc.stderr.strip()[:300]}")
                return
            out = proc.stdout.splitlines()
            assert len(out) == len(lines), (len(out), len(lines))
            json.loads(out[0])
    print(f"\nreviewer lookup --batch, {len(lines)} queries over 115 policies (start-up included; {' '.join(cmd)}):")
    print(f"  cold cache {times[0]:.2f} s; warm cache median {statistics.median(times[1:]):.2f} s"
          f" (runs {', '.join(f'{t:.2f}' for t in times[1:])})")


#: issue targets for the corpus-scale command: cold build, its peak RSS, warm first answer, warm median query.
TARGET_COLD_S, TARGET_COLD_MB, TARGET_FIRST_S, TARGET_QUERY_MS = 20.0, 700.0, 1.5, 10.0


def _timed_run(cmd: list[str], env: dict) -> dict:
    """Run ``cmd``; wall time, time to its first output line, CPU and peak RSS of that process alone."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    assert proc.stdout is not None
    first = proc.stdout.readline()
    first_at = time.perf_counter() - t
    rest = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"wall": wall, "first": first_at, "cpu": usage.ru_utime + usage.ru_stime,
            "rss_mb": usage.ru_maxrss / 1024, "lines": (first + rest).decode().splitlines(),
            "code": proc.returncode}


def bench_batch_scale(args) -> None:
    """``reviewer lookup --batch`` over the generated corpus, as a user runs it: cold (empty cache:
    the index is built and saved) and warm (loaded), each in a fresh process."""
    corpus = _corpus_module()
    paths = corpus.generate(args.scale, Path(args.scale_dir))
    docs = [load_document(p) for p in paths[: min(len(paths), 300)]]
    lines = [" ".join(q.text.split()) for q in make_queries(docs, max(2, args.scale_per_kind // 5), seed=5)]
    exe = Path(sys.executable).with_name("reviewer")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "reviewer"]
    print(f"\nreviewer lookup --batch, {len(lines)} queries over {len(paths)} policies ({' '.join(cmd)}):")
    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp) / "queries.txt"
        batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
        run = [*cmd, "lookup", "--batch", str(batch), args.scale_dir]
        reference = [_timed_run([*cmd, "--version"], dict(os.environ)) for _ in range(args.runs)]
        colds, warms = [], []
        for n in range(args.runs):
            env = dict(os.environ, XDG_CACHE_HOME=str(Path(tmp) / f"cache{n}"))
            colds.append(_timed_run(run, env))
            warms.append(_timed_run(run, env))
        for r in colds + warms:
            if r["code"] not in (0, 1) or len(r["lines"]) != len(lines):
                print(f"  lookup --batch failed (exit {r['code']}, {len(r['lines'])} lines)")
                return
    med = lambda runs, key: statistics.median(r[key] for r in runs)  # noqa: E731
    each = lambda runs, key: ", ".join(f"{r[key]:.2f}" for r in runs)  # noqa: E731
    print(f"  reference: reviewer --version start-up {med(reference, 'wall'):.2f} s")
    print(f"  cold (index built and saved): {med(colds, 'wall'):.2f} s wall (target <= {TARGET_COLD_S:.0f} s),"
          f" {med(colds, 'cpu'):.2f} s CPU, peak RSS {med(colds, 'rss_mb'):.0f} MB (target <= {TARGET_COLD_MB:.0f} MB);"
          f" runs {each(colds, 'wall')} s")
    per_query = (med(warms, "wall") - med(warms, "first")) / max(1, len(lines) - 1) * 1000
    print(f"  warm (index loaded): first answer {med(warms, 'first'):.2f} s after start (target <= {TARGET_FIRST_S} s),"
          f" all {len(lines)} in {med(warms, 'wall'):.2f} s ({per_query:.1f} ms per later query),"
          f" peak RSS {med(warms, 'rss_mb'):.0f} MB; runs {each(warms, 'first')} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (medians reported)")
    parser.add_argument("--per-kind", type=int, default=100, help="queries per perturbation kind (115 policies)")
    parser.add_argument("--brute", type=int, default=10, help="brute-force reference queries per kind (0: skip)")
    parser.add_argument("--scale", type=int, default=1000, help="policies in the generated corpus")
    parser.add_argument("--scale-per-kind", type=int, default=50)
    parser.add_argument("--scale-dir", help="where the generated corpus lives (default: a temporary folder per size)")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-batch", action="store_true")
    parser.add_argument("--only-scale", action="store_true",
                        help="only the generated corpus: the index in process, then lookup --batch cold and warm")
    parser.add_argument("--scale-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: a quick check that it all runs")
    args = parser.parse_args(argv)
    if args.smoke:
        args.runs, args.per_kind, args.brute, args.scale, args.scale_per_kind = 1, 5, 1, 20, 3
        args.scale_dir = str(Path(tempfile.gettempdir()) / "reviewer-bench-corpus-smoke")
    if args.scale_dir is None:
        args.scale_dir = str(Path(tempfile.gettempdir()) / f"reviewer-bench-corpus-{args.scale}")
    if not CORPUS.is_dir():
        print(f"lookup bench: {CORPUS} is absent; nothing to measure")
        return 0
    if args.scale_child:
        bench_scale(args)
        return 0
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
          " (shared with other work: wall-clock figures are noisy; CPU time is the steadier measure)")
    if args.only_scale:
        args.skip_batch = True
    else:
        queries = bench_115(args)
    if not args.skip_scale:
        print()
        child = [sys.executable, __file__, "--scale-child", "--runs", str(args.runs), "--scale", str(args.scale),
                 "--scale-per-kind", str(args.scale_per_kind), "--scale-dir", args.scale_dir]
        subprocess.run(child, check=False)
        bench_batch_scale(args)
    if not args.skip_batch:
        bench_batch(args, queries)
    return 0


if __name__ == "__main__":
    sys.exit(main())
