"""``reviewer adjudicate`` of two 2,000-annotation sets over the 115 policies of ../shared/corpus.

    .venv/bin/python bench/adjudicate.py              # 5 runs each: into a new gold set, and a re-run
    .venv/bin/python bench/adjudicate.py --runs 3 --annotations 2000

Set A is made from the corpus's own labels (``labels.jsonl``: OPP-115 segments and the categories
their annotators gave, display names mapped to slugs): one annotation per labelled segment, placed
where the segment's text is in the policy, in a seeded shuffle, until ``--annotations``. Set B is A
perturbed the way a second analyst differs: 70% the same (half with a boundary moved by 1-3
characters, inside the tolerance), 10% other categories, 8% boundaries moved by 8-30 characters,
6% left out, and as many new annotations on segments A did not take. Each run is the whole
command, from the shell, timed from start to exit (``python -m reviewer adjudicate A B corpus
--into GOLD --json``), so it includes start-up, loading the 115 documents and both sets, pairing,
and writing gold (all or nothing).

Reference, this 2-core machine shared with two other helpers (noisy), 2,000 + ~2,000 annotations,
115 documents (1,405 agreed, 845 disagreements), medians of 3-5 runs: into a new gold set
0.59-0.87 s, re-run over the existing gold 0.43-0.53 s (target: <= 2 s).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reviewer.documents import text_sha256  # noqa: E402
from reviewer.inputs import load_documents
from reviewer.labels import LabelMapper  # noqa: E402
from reviewer.store import Annotation, AnnotationFile, AnnotationStore  # noqa: E402
from reviewer.taxonomy import DEFAULT_TAXONOMY  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"


def segments(corpus: Path) -> tuple[dict[str, str], list[tuple[str, int, int, tuple[str, ...]]]]:
    """Document texts, and every labelled segment found in its policy: (document, start, end, slugs)."""
    docs, errors = load_documents([corpus])
    texts = {d.id: d.text for d in docs}
    mapper = LabelMapper(DEFAULT_TAXONOMY)
    out = []
    cursor: dict[str, int] = {}
    with open(corpus / "labels.jsonl", encoding="utf-8") as rows:
        for line in rows:
            row = json.loads(line)
            text = texts.get(row["policy"])
            seg = row["text"].strip()
            if text is None or not seg or not row["categories"]:
                continue
            start = text.find(seg, cursor.get(row["policy"], 0))
            if start < 0:
                start = text.find(seg)
            if start < 0:
                continue
            cursor[row["policy"]] = start + len(seg)
            cats = tuple(dict.fromkeys(mapper.resolve(c) or c for c in row["categories"]))
            out.append((row["policy"], start, start + len(seg), cats))
    return texts, out


def write(root: Path, texts: dict[str, str], items: list[tuple[str, str, int, int, tuple[str, ...]]]) -> None:
    store = AnnotationStore.open(root)
    files: dict[str, AnnotationFile] = {}
    for doc, ident, start, end, cats in items:
        af = files.setdefault(doc, AnnotationFile(doc, f"{doc}.txt", text_sha256(texts[doc])))
        af.annotations.append(Annotation.create(texts[doc], start, end, cats, id=ident))
    for af in files.values():
        store.save(af)


def make_sets(tmp: Path, n: int, seed: int) -> tuple[Path, Path, int]:
    texts, segs = segments(CORPUS)
    rng = random.Random(seed)
    rng.shuffle(segs)
    chosen, spare = segs[:n], segs[n:]
    slugs = DEFAULT_TAXONOMY.slugs
    a_items, b_items = [], []
    for k, (doc, s, e, cats) in enumerate(chosen):
        a_items.append((doc, f"a{k}", s, e, cats))
        roll = rng.random()
        size = len(texts[doc])
        if roll < 0.35:
            b_items.append((doc, f"b{k}", s, e, cats))
        elif roll < 0.70:
            d = rng.randint(1, 3)
            b_items.append((doc, f"b{k}", s, max(s, min(size, e - d)), cats))
        elif roll < 0.80:
            b_items.append((doc, f"b{k}", s, e, (rng.choice([x for x in slugs if x not in cats]),)))
        elif roll < 0.88:
            d = rng.randint(8, 30)
            b_items.append((doc, f"b{k}", s, max(s + 1, min(size, e - d if e - s > 40 else e + d)), cats))
        elif roll < 0.94:
            pass  # left out by B
        elif spare:
            doc2, s2, e2, cats2 = spare.pop()
            b_items.append((doc2, f"b{k}", s2, e2, cats2))
    for k, (doc, s, e, cats) in enumerate(spare[: n - len(b_items)]):
        b_items.append((doc, f"bx{k}", s, e, cats))
    write(tmp / "A", texts, a_items)
    write(tmp / "B", texts, b_items)
    return tmp / "A", tmp / "B", len(b_items)


def timed(args: list[str]) -> tuple[float, str]:
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "reviewer", *args], capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"adjudicate failed ({proc.returncode}): {proc.stderr.strip()}")
    return elapsed, proc.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--annotations", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"{CORPUS} is not present: nothing to measure", file=sys.stderr)
        return 0
    fresh, rerun = [], []
    with tempfile.TemporaryDirectory() as tmp:
        a, b, nb = make_sets(Path(tmp), args.annotations, args.seed)
        base = [str(a), str(b), str(CORPUS)]
        for run in range(args.runs):
            gold = Path(tmp) / f"gold-{run}"
            t, out = timed(["adjudicate", *base, "--into", str(gold), "--json"])
            fresh.append(t)
            t2, out2 = timed(["adjudicate", *base, "--into", str(gold), "--json"])
            rerun.append(t2)
            assert json.loads(out2)["agreed"] == json.loads(out)["agreed"]
        report = json.loads(out)
    print(f"adjudicate {args.annotations} (A) and {nb} (B) annotations over the corpus: "
          f"{report['agreed']} agreed, {len(report['disagreements'])} disagreements")
    print(f"  into a new gold set: median {statistics.median(fresh):.2f} s (min {min(fresh):.2f}, max {max(fresh):.2f})")
    print(f"  re-run, gold exists: median {statistics.median(rerun):.2f} s (min {min(rerun):.2f}, max {max(rerun):.2f})")
    print(f"  ({args.runs} runs each, whole command from the shell; target <= 2 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
