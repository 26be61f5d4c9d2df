"""Figures for export, import, agreement and coverage over the 115 real policies.

    .venv/bin/python bench/io.py                 # 3 runs
    .venv/bin/python bench/io.py --runs 1 --per-doc 5

A synthetic set is built once per run in a temporary folder: ``--per-doc`` annotations per
policy on random clauses (seeded), one or two categories each, some with notes. A second set for
the agreement figure is the same with a fifth of the annotations given another category. Then:

  export FMT   reviewer.export.export_set + write_output for each of the six formats
  import FMT   read + plan + write into an empty set, for each importable format
  agree        reviewer.agreement over both sets (clause x category, kappa, alpha, spans)
  coverage     reviewer.coverage matrix

Figures are medians over runs, in milliseconds. The machine is shared with other helpers'
tests and benchmarks, so expect noise.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reviewer import formats  # noqa: E402
from reviewer.agreement import agreement  # noqa: E402
from reviewer.annotated import load_annotated  # noqa: E402
from reviewer.coverage import coverage  # noqa: E402
from reviewer.inputs import load_documents  # noqa: E402
from reviewer.export import default_name, export_set, write_output  # noqa: E402
from reviewer.importing import apply_import, open_target_set, plan_import, read_import  # noqa: E402
from reviewer.store import Annotation, AnnotationFile, AnnotationStore  # noqa: E402
from reviewer.taxonomy import DEFAULT_TAXONOMY  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def build_sets(docs, root: Path, per_doc: int, seed: int) -> tuple[AnnotationStore, AnnotationStore]:
    rng = random.Random(seed)
    slugs = DEFAULT_TAXONOMY.slugs
    a = AnnotationStore.open(root / "a")
    b = AnnotationStore.open(root / "b")
    for doc in docs:
        anns_a, anns_b = [], []
        for n in range(min(per_doc, len(doc.clauses))):
            c = rng.choice(doc.clauses)
            cats = rng.sample(slugs, rng.choice((1, 1, 2)))
            note = rng.choice(["", "", "check, \"quoted\"", "=1+1"])
            ann = Annotation.create(doc.text, c.start, c.end, cats, note, id=f"{doc.id[:20]}-{n}")
            anns_a.append(ann)
            anns_b.append(ann if rng.random() > 0.2 else ann.edited(categories=(rng.choice(slugs),)))
        a.save(AnnotationFile(doc.id, doc.path.name, doc.sha256, anns_a))
        b.save(AnnotationFile(doc.id, doc.path.name, doc.sha256, anns_b))
    return a, b


def one_run(docs, per_doc: int, seed: int) -> dict[str, float]:
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        a, b = build_sets(docs, root, per_doc, seed)
        files = {}
        for fmt in formats.EXPORTS:
            t = time.perf_counter()
            result = export_set(docs, AnnotationStore.open(a.root, create=False), fmt)
            target = root / "out" / default_name("bench", fmt)
            write_output(result.output, target)
            out[f"export {fmt}"] = (time.perf_counter() - t) * 1000
            files[fmt] = target
        for fmt in formats.IMPORTS:
            t = time.perf_counter()
            data = read_import(files[fmt], fmt)
            store, _ = open_target_set(root / f"imported-{fmt}")
            plan = plan_import(store, data)
            apply_import(AnnotationStore.open(root / f"imported-{fmt}"), plan)
            out[f"import {fmt}"] = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        by_a = {d.id: load_annotated(a, d).annotations for d in docs}
        by_b = {d.id: load_annotated(b, d).annotations for d in docs}
        out["load both sets"] = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        r = agreement(docs, by_a, by_b, a.taxonomy)
        out["agree"] = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        coverage(docs, by_a, a.taxonomy)
        out["coverage"] = (time.perf_counter() - t) * 1000
        out["_kappa"] = r.kappa or 0.0
        out["_annotations"] = sum(len(v) for v in by_a.values())
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--per-doc", type=int, default=20)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"no corpus at {CORPUS}", file=sys.stderr)
        return 2
    docs, errors = load_documents(sorted(CORPUS.glob("*.txt")))
    runs = [one_run(docs, args.per_doc, args.seed) for _ in range(args.runs)]
    clauses = sum(len(d.clauses) for d in docs)
    print(f"{len(docs)} policies, {clauses} clauses, {int(runs[0]['_annotations'])} annotations per set, "
          f"{args.runs} run(s); kappa between the two sets {runs[0]['_kappa']:.3f}")
    for key in runs[0]:
        if not key.startswith("_"):
            print(f"  {key:<20} {statistics.median(r[key] for r in runs):8.1f} ms")
    print("(median of runs; shared, noisy machine)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
