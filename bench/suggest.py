"""Measure the suggestion model on the real OPP-115 labels and on a large corpus.

Prints, as medians of several runs (the machine is shared, so timings are noisy):

- micro/macro-F1 on the 3,792 labelled segments, split by policy (no policy in both train and test):
  grouped 5-fold cross-validation (three shuffles) and leave-one-policy-out (all other policies train);
- the learning curve: the analyst has tagged every segment of 5, 10 and 20 random policies, tested on
  all the others (median of --runs draws), and the same by number of tagged clauses (the readiness
  threshold in reviewer/suggestions/model.py comes from it);
- clause-level behaviour: the app suggests per clause (sentence) while labels are per segment
  (paragraph); a model trained on segment text vs one trained on clauses inheriting their segment's
  labels, scored on clauses (union of a segment's clause suggestions vs the segment's labels, and the
  share of clause suggestions that are among the segment's labels);
- retraining time on 1,000 annotated clauses, and suggestion time for a 1,000-policy corpus
  (bench/corpus.py generate), plus `reviewer suggest` end to end on the 115 policies with a
  3,000-annotation set;
- the two references from the issue, measured here the same way: nearest neighbour by rapidfuzz
  token_set_ratio, and a plain TF-IDF (1-2 grams) one-vs-rest logistic regression (library defaults).

    .venv/bin/python bench/suggest.py            # everything (several minutes on a busy machine)
    .venv/bin/python bench/suggest.py --quick    # fewer runs, no leave-one-policy-out
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

from reviewer.clauses import segment  # noqa: E402
from reviewer.store import Annotation, AnnotationFile, AnnotationStore  # noqa: E402
from reviewer.suggestions import (MIN_PER_CATEGORY, DEFAULT_MIN_CONFIDENCE, Example,  # noqa: E402
                                  SuggestionModel, suggest)
from reviewer.taxonomy import DEFAULT_TAXONOMY  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
SLUG = {c.name: c.slug for c in DEFAULT_TAXONOMY}
SLUGS = [c.slug for c in DEFAULT_TAXONOMY]
NN_SAMPLE = 4  # the nearest-neighbour reference scores every 4th test segment: ~2.8M token_set_ratio calls


# ---------------------------------------------------------------------------------------------
# data

def load_labels(corpus: Path = CORPUS) -> list[dict]:
    rows = []
    with open(corpus / "labels.jsonl", encoding="utf-8") as handle:
        for line in handle:
            r = json.loads(line)
            rows.append({"policy": r["policy"], "segment": r["segment"], "text": r["text"],
                         "categories": tuple(SLUG[c] for c in r["categories"])})
    return rows


def f1(gold: list[set[str]], pred: list[set[str]], cats: list[str] = SLUGS) -> tuple[float, float, float]:
    """(micro-F1, macro-F1 over ``cats``, micro precision)."""
    tp = {c: 0 for c in cats}
    fp = dict(tp)
    fn = dict(tp)
    for g, p in zip(gold, pred):
        for c in cats:
            if c in p and c in g:
                tp[c] += 1
            elif c in p:
                fp[c] += 1
            elif c in g:
                fn[c] += 1
    TP, FP, FN = sum(tp.values()), sum(fp.values()), sum(fn.values())
    micro = 2 * TP / max(1, 2 * TP + FP + FN)
    macro = statistics.fmean(2 * tp[c] / max(1, 2 * tp[c] + fp[c] + fn[c]) for c in cats)
    return micro, macro, TP / max(1, TP + FP)


def decide(probs: dict[str, float], threshold: float = DEFAULT_MIN_CONFIDENCE) -> set[str]:
    return {c for c, p in probs.items() if p >= threshold}


def examples(rows: list[dict], idx) -> list[Example]:
    """What an analyst's set holds: the tagged segments (a segment without a majority label is
    left untagged, as an analyst would leave a clause no category fits)."""
    return [Example(rows[i]["text"], rows[i]["categories"]) for i in idx if rows[i]["categories"]]


def grouped_folds(rows: list[dict], k: int, seed: int) -> list[tuple[list[int], list[int]]]:
    policies = sorted({r["policy"] for r in rows})
    random.Random(seed).shuffle(policies)
    fold_of = {p: i % k for i, p in enumerate(policies)}
    folds = []
    for f in range(k):
        test = [i for i, r in enumerate(rows) if fold_of[r["policy"]] == f]
        train = [i for i, r in enumerate(rows) if fold_of[r["policy"]] != f]
        folds.append((train, test))
    return folds


def run_folds(rows, folds, min_per_category: int = 1) -> tuple[float, float, float]:
    gold, pred = [], []
    for train, test in folds:
        model = SuggestionModel.fit(examples(rows, train), min_per_category=min_per_category)
        for i, probs in zip(test, model.predict([rows[i]["text"] for i in test])):
            gold.append(set(rows[i]["categories"]))
            pred.append(decide(probs))
    return f1(gold, pred)


# ---------------------------------------------------------------------------------------------
# measurements

def cross_validation(rows, runs: int) -> tuple[float, float]:
    res = [run_folds(rows, grouped_folds(rows, 5, seed)) for seed in range(runs)]
    return statistics.median(r[0] for r in res), statistics.median(r[1] for r in res)


def leave_one_policy_out(rows) -> tuple[float, float]:
    policies = sorted({r["policy"] for r in rows})
    folds = [([i for i, r in enumerate(rows) if r["policy"] != p], [i for i, r in enumerate(rows) if r["policy"] == p])
             for p in policies]
    micro, macro, _ = run_folds(rows, folds)
    return micro, macro


def learning_curve(rows, sizes=(5, 10, 20), runs: int = 10) -> dict[int, tuple[float, float, float]]:
    policies = sorted({r["policy"] for r in rows})
    out = {}
    for k in sizes:
        res = []
        for seed in range(runs):
            chosen = set(random.Random(1000 * k + seed).sample(policies, k))
            train = [i for i, r in enumerate(rows) if r["policy"] in chosen]
            test = [i for i, r in enumerate(rows) if r["policy"] not in chosen]
            res.append(run_folds(rows, [(train, test)], min_per_category=MIN_PER_CATEGORY))
        out[k] = tuple(statistics.median(r[j] for r in res) for j in range(3))
    return out


def clause_curve(rows, sizes=(10, 20, 30, 50, 80, 120), runs: int = 10) -> dict[int, tuple[float, float, float]]:
    """By number of tagged segments: the analyst tags policies in a random order, segment by segment."""
    policies = sorted({r["policy"] for r in rows})
    by_policy: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        by_policy.setdefault(r["policy"], []).append(i)
    out = {}
    for n in sizes:
        res = []
        for seed in range(runs):
            order = policies[:]
            random.Random(seed).shuffle(order)
            train, used = [], set()
            for p in order:
                for i in by_policy[p]:
                    if len(train) < n and rows[i]["categories"]:
                        train.append(i)
                        used.add(p)
                if len(train) >= n:
                    break
            test = [i for i, r in enumerate(rows) if r["policy"] not in used]
            try:
                res.append(run_folds(rows, [(train, test)], min_per_category=MIN_PER_CATEGORY))
            except ValueError:
                res.append((0.0, 0.0, 0.0))
        out[n] = tuple(statistics.median(r[j] for r in res) for j in range(3))
    return out


def clause_level(rows, seed: int = 0) -> dict[str, tuple[float, float, float, float]]:
    """Segment-trained vs clause-trained models, predicting per clause (5 grouped folds)."""
    clauses = []  # (row index, clause text)
    for i, r in enumerate(rows):
        for c in segment(r["text"]):
            clauses.append((i, r["text"][c.start:c.end]))
    out = {}
    for mode in ("segment text", "clause text"):
        gold, union, c_hit, c_all, covered = [], [], 0, 0, 0
        for train, test in grouped_folds(rows, 5, seed):
            if mode == "segment text":
                exs = examples(rows, train)
            else:
                tr = set(train)
                exs = [Example(t, rows[i]["categories"]) for i, t in clauses if i in tr and rows[i]["categories"]]
            model = SuggestionModel.fit(exs)
            te = set(test)
            mine = [(i, t) for i, t in clauses if i in te]
            per_seg: dict[int, set[str]] = {i: set() for i in test}
            for (i, _), probs in zip(mine, model.predict([t for _, t in mine])):
                got = decide(probs)
                per_seg[i] |= got
                c_all += len(got)
                c_hit += len(got & set(rows[i]["categories"]))
                covered += bool(got)
            for i in test:
                gold.append(set(rows[i]["categories"]))
                union.append(per_seg[i])
        micro, macro, _ = f1(gold, union)
        out[mode] = (micro, macro, c_hit / max(1, c_all), covered / len(clauses))
    return out


def references(rows, runs: int) -> dict[str, tuple[float, float]]:
    from rapidfuzz import fuzz, process
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.preprocessing import MultiLabelBinarizer

    nn, plain = [], []
    for seed in range(runs):
        gold, gold_nn, pred_nn, pred_lr = [], [], [], []
        for train, test in grouped_folds(rows, 5, seed):
            train = [i for i in train if rows[i]["categories"]]
            choices = [rows[i]["text"] for i in train]
            sample = test[::NN_SAMPLE]
            scores = process.cdist([rows[i]["text"] for i in sample], choices, scorer=fuzz.token_set_ratio, workers=1)
            nearest = dict(zip(sample, scores.argmax(axis=1).tolist()))
            vec = TfidfVectorizer(ngram_range=(1, 2))
            X = vec.fit_transform(choices)
            mlb = MultiLabelBinarizer(classes=SLUGS)
            clf = OneVsRestClassifier(LogisticRegression(max_iter=1000)).fit(X, mlb.fit_transform([rows[i]["categories"] for i in train]))
            P = clf.predict(vec.transform([rows[i]["text"] for i in test]))
            for k, i in enumerate(test):
                gold.append(set(rows[i]["categories"]))
                pred_lr.append({SLUGS[j] for j in range(len(SLUGS)) if P[k, j]})
                if i in nearest:
                    gold_nn.append(gold[-1])
                    pred_nn.append(set(rows[train[nearest[i]]]["categories"]))
        nn.append(f1(gold_nn, pred_nn)[:2])
        plain.append(f1(gold, pred_lr)[:2])
    med = lambda xs: (statistics.median(x[0] for x in xs), statistics.median(x[1] for x in xs))  # noqa: E731
    return {f"nearest neighbour (rapidfuzz token_set_ratio; every {NN_SAMPLE}th test segment)": med(nn),
            "plain TF-IDF 1-2 grams + one-vs-rest LR (defaults)": med(plain)}


def retrain_time(rows, runs: int, n: int = 1000) -> tuple[float, float, int]:
    """Median (wall, CPU) seconds to train on ``n`` annotated clauses (clauses of tagged segments, with
    their labels). CPU time is what the machine would take unshared; wall time includes the wait."""
    exs = []
    for r in rows:
        if r["categories"]:
            for c in segment(r["text"]):
                exs.append(Example(r["text"][c.start:c.end], r["categories"]))
    random.Random(0).shuffle(exs)
    exs = exs[:n]
    SuggestionModel.train(exs)  # warm the imports
    wall, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        SuggestionModel.train(exs)
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu), len(exs)


def corpus_time(rows, runs: int, n: int, dest: Path) -> dict[str, float]:
    sys.path.insert(0, str(ROOT / "bench"))
    from corpus import generate  # bench/corpus.py

    from reviewer.documents import load_document

    paths = generate(n, dest)
    t = time.perf_counter()
    docs = [load_document(p) for p in paths]
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    texts = [d.text[c.start:c.end] for d in docs for c in d.clauses]
    seg_s = time.perf_counter() - t
    model = SuggestionModel.train(examples(rows, range(len(rows))))
    predict, total, predict_cpu, total_cpu = [], [], [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        model.scores(texts)
        predict.append(time.perf_counter() - t)
        predict_cpu.append(time.process_time() - c)
        t, c = time.perf_counter(), time.process_time()
        found = suggest(model, [(d, []) for d in docs])
        total.append(time.perf_counter() - t)
        total_cpu.append(time.process_time() - c)
    return {"policies": len(docs), "clauses": len(texts), "unique clauses": len(set(texts)),
            "load s": load_s, "segment s": seg_s, "predict s": statistics.median(predict),
            "suggest s": statistics.median(total), "suggestions": len(found),
            "predict cpu": statistics.median(predict_cpu), "suggest cpu": statistics.median(total_cpu)}


def make_set(rows, dest: Path, n: int, seed: int = 0) -> int:
    """A set of ``n`` annotations on the 115 policies: random tagged segments with their labels."""
    store = AnnotationStore.open(dest, create=True, annotator="bench")
    tagged = [i for i, r in enumerate(rows) if r["categories"]]
    chosen = sorted(random.Random(seed).sample(tagged, min(n, len(tagged))))
    by_policy: dict[str, list[int]] = {}
    for i in chosen:
        by_policy.setdefault(rows[i]["policy"], []).append(i)
    from reviewer.documents import load_document

    count = 0
    for policy, idx in by_policy.items():
        doc = load_document(CORPUS / f"{policy}.txt")
        anns, pos = [], 0
        for i in sorted(idx, key=lambda i: rows[i]["segment"]):
            start = doc.text.find(rows[i]["text"], pos)
            if start < 0:
                start = doc.text.find(rows[i]["text"])
            if start < 0:
                continue
            end = start + len(rows[i]["text"])
            anns.append(Annotation.create(doc.text, start, end, rows[i]["categories"]))
            pos = end
        store.save(AnnotationFile(doc.id, doc.path.name, doc.sha256, anns))
        count += len(anns)
    return count


def cli_time(rows, tmp: Path, runs: int) -> tuple[float, int, int]:
    set_dir = tmp / "set-3000"
    n = make_set(rows, set_dir, 3000)
    times, code, count = [], 0, 0
    for _ in range(runs):
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "reviewer", "suggest", str(CORPUS), "--annotations", str(set_dir),
                               "--json"], capture_output=True, text=True, cwd=ROOT)
        times.append(time.perf_counter() - t)
        code = proc.returncode
        count = len(json.loads(proc.stdout)["suggestions"]) if proc.stdout else 0
    assert code == 0, proc.stderr
    return statistics.median(times), n, count


# ---------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, skip leave-one-policy-out")
    parser.add_argument("--runs", type=int, default=None, help="runs per median (default 3, --quick 1)")
    parser.add_argument("--only", default="cv,lopo,refs,curve,clauses,timing",
                        help="comma-separated sections to run (default: all): cv,lopo,refs,curve,clauses,timing")
    parser.add_argument("--corpus-size", type=int, default=1000, help="policies in the generated corpus")
    parser.add_argument("--corpus-dir", type=Path, default=Path(tempfile.gettempdir()) / "reviewer-bench" / "suggest-corpus",
                        help="where to generate (cached) the corpus")
    args = parser.parse_args(argv)
    if not (CORPUS / "labels.jsonl").is_file():
        print(f"bench/suggest.py: {CORPUS}/labels.jsonl not found", file=sys.stderr)
        return 2
    runs = args.runs or (1 if args.quick else 3)
    rows = load_labels()
    print(f"OPP-115: {len(rows)} segments, {len({r['policy'] for r in rows})} policies; "
          f"model: TF-IDF 1-2 grams + one-vs-rest logistic regression (balanced, C=10); "
          f"decision at confidence {DEFAULT_MIN_CONFIDENCE}; medians of {runs} run(s); shared, noisy machine")

    only = set(args.only.split(","))
    if "cv" in only:
        micro, macro = cross_validation(rows, runs)
        print(f"grouped 5-fold CV (by policy):          micro-F1 {micro:.3f}  macro-F1 {macro:.3f}", flush=True)
    if "lopo" in only and not args.quick:
        micro, macro = leave_one_policy_out(rows)
        print(f"leave-one-policy-out (114 train):       micro-F1 {micro:.3f}  macro-F1 {macro:.3f}", flush=True)
    if "refs" in only:
        # one split: the nearest-neighbour reference costs ~11M token_set_ratio calls per run
        for name, (mi, ma) in references(rows, 1).items():
            print(f"reference, {name}: micro-F1 {mi:.3f}  macro-F1 {ma:.3f} (5-fold grouped)", flush=True)
        print("reference figures (earlier model): nearest neighbour 0.40 / 0.30; TF-IDF LR 0.79 / 0.77")
    if "curve" in only:
        _curves(rows, 3 if args.quick else 10)
    if "clauses" in only:
        print("per-clause suggestions (5 grouped folds; union of a segment's clause suggestions vs its labels):")
        for mode, (mi, ma, prec, cov) in clause_level(rows).items():
            print(f"  trained on {mode:<13}: micro-F1 {mi:.3f}  macro-F1 {ma:.3f}  clause suggestions within the "
                  f"segment's labels {prec:.3f}  clauses with a suggestion {cov:.2f}", flush=True)
    if "timing" in only:
        _timings(rows, runs, args)
    return 0


def _curves(rows, lc_runs: int) -> None:
    print(f"learning curve (analyst tagged every segment of k random policies; test: all others; median of {lc_runs}):")
    for k, (mi, ma, pr) in learning_curve(rows, runs=lc_runs).items():
        print(f"  {k:>3} policies: micro-F1 {mi:.3f}  macro-F1 {ma:.3f}  precision {pr:.3f}", flush=True)
    print(f"by tagged segments (categories need {MIN_PER_CATEGORY} examples; readiness threshold comes from this):")
    for n, (mi, ma, pr) in clause_curve(rows, runs=lc_runs).items():
        print(f"  {n:>4} tagged: micro-F1 {mi:.3f}  macro-F1 {ma:.3f}  precision {pr:.3f}", flush=True)


def _timings(rows, runs: int, args: argparse.Namespace) -> None:
    seconds, cpu, n = retrain_time(rows, max(5, runs))
    print(f"retraining on {n} annotated clauses: {seconds:.3f} s wall, {cpu:.3f} s CPU (median of {max(5, runs)})",
          flush=True)
    c = corpus_time(rows, runs, args.corpus_size, args.corpus_dir)
    print(f"suggesting for a {c['policies']}-policy corpus ({c['clauses']} clauses, {c['unique clauses']} distinct): "
          f"predict {c['predict s']:.2f} s wall / {c['predict cpu']:.2f} s CPU, suggest() with coverage and "
          f"thresholds {c['suggest s']:.2f} s wall / {c['suggest cpu']:.2f} s CPU "
          f"(loading {c['load s']:.1f} s and segmenting {c['segment s']:.1f} s not included)", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        seconds, n, count = cli_time(rows, Path(tmp), runs)
    print(f"reviewer suggest on the 115 policies with a {n}-annotation set: {seconds:.1f} s end to end "
          f"({count} suggestions)")


if __name__ == "__main__":
    sys.exit(main())
