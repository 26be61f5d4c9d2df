"""Issue 7 in the app, on 1,000 policies: coverage matrix open/filter/sort, retraining, ghosts, keys
while a retrain runs.

    .venv/bin/python bench/compare.py            # 1,000 generated policies, medians of 3 runs
    .venv/bin/python bench/compare.py --n 200 --runs 5
    .venv/bin/python bench/compare.py --smoke    # 30 policies, one run

The policies come from bench/corpus.py (perturbed copies of ../shared/corpus); the set is made by
keyword rules tagging about three thousand clauses (cached next to the corpus). Everything runs the
real app headless at 120x40 in this process. "Open" is from posting ``m`` until the table is filled
(the core ``coverage()`` runs in a thread worker, then a DataTable of 1,000 x 12 cells is built);
"warm" means the session had loaded every annotation file first (as the background count worker
does soon after start-up), "cold" right after the first paint. Keys are timed from posting the key
to the frame reaching the driver. The machine is shared with other jobs: figures are noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RULES = [("secur", "data-security"), ("third part", "third-party-sharing"), ("retain", "data-retention"),
         ("cookie", "first-party-collection"), ("opt out", "user-choice"), ("children", "specific-audiences"),
         ("changes to this", "policy-change"), ("do not track", "do-not-track")]


def make_set(paths_dir: Path, set_dir: Path, every: int = 3) -> int:
    """Tag clauses by keyword in every ``every``-th policy (the rest stay untagged: gaps)."""
    from reviewer.inputs import load_documents
    from reviewer.store import Annotation, AnnotationFile, AnnotationStore

    marker = set_dir / ".bench-made"
    if marker.exists():
        return int(marker.read_text())
    documents, _ = load_documents([paths_dir])
    store = AnnotationStore.open(set_dir)
    total = 0
    for n, doc in enumerate(documents):
        if n % every:
            continue
        anns = []
        for c in doc.clauses:
            text = doc.text[c.start:c.end].lower()
            cats = list(dict.fromkeys(cat for key, cat in RULES if key in text))
            if cats:
                anns.append(Annotation.create(doc.text, c.start, c.end, cats))
        if anns:
            store.save(AnnotationFile(doc.id, source=doc.path.name, sha256=doc.sha256, annotations=anns))
            total += len(anns)
    marker.write_text(str(total))
    return total


async def _until(predicate, timeout: float = 120.0) -> None:
    t0 = time.perf_counter()
    while not predicate():
        if time.perf_counter() - t0 > timeout:
            raise TimeoutError
        await asyncio.sleep(0.002)


async def _key_to_frame(app, key: str) -> float:
    from textual import events

    painted = asyncio.Event()
    original = app._display

    def display(screen, renderable):
        original(screen, renderable)
        painted.set()

    app._display = display
    await asyncio.sleep(0.02)
    painted.clear()
    t = time.perf_counter()
    app.post_message(events.Key(key, key if len(key) == 1 else None))
    await asyncio.wait_for(painted.wait(), 30)
    app._display = original
    return time.perf_counter() - t


def one_run(paths_dir: Path, set_dir: Path) -> dict[str, float]:
    import reviewer.tui.controllers.suggestions as compare
    from reviewer.inputs import load_documents
    from reviewer.session import Session
    from reviewer.store import AnnotationStore
    from reviewer.tui.app import ReviewerApp, Workspace

    compare.RETRAIN_AFTER = 3600.0  # trained when the bench says so
    documents, _ = load_documents([paths_dir])
    session = Session(AnnotationStore.open(set_dir), documents, cache=False)
    app = ReviewerApp(Workspace(session=session, open_ids=[documents[0].id, documents[3].id], check_every=3600))
    out: dict[str, float] = {"documents": len(documents)}

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            ws = app.screen
            ws.workers.cancel_group(ws, "counts")  # cold: nothing loaded in the background yet

            async def open_matrix(label: str) -> None:
                t0 = time.perf_counter()
                app.post_message(__import__("textual.events", fromlist=["Key"]).Key("m", "m"))
                await _until(lambda: type(app.screen).__name__ == "CoverageMatrixScreen"
                             and app.screen.matrix is not None and app.screen.order)
                await pilot.pause()
                out[f"matrix open {label} (key to filled table) s"] = time.perf_counter() - t0

            await open_matrix("cold")
            matrix = app.screen
            out["matrix filter keystroke ms"] = await _key_to_frame(app, "a") * 1000
            out["matrix filter second keystroke ms"] = await _key_to_frame(app, "c") * 1000
            out["matrix sort by total ms"] = await _key_to_frame(app, "ctrl+t") * 1000
            out["matrix cursor move ms"] = await _key_to_frame(app, "down") * 1000
            await pilot.press("escape", "escape")
            await pilot.pause()
            assert type(app.screen).__name__ == "WorkspaceScreen", app.screen
            t0 = time.perf_counter()
            m = ws.coverage_matrix()
            out["core coverage() over the session, warm, s"] = time.perf_counter() - t0
            assert m.rows and matrix.matrix is not None
            await open_matrix("warm")
            await pilot.press("escape")
            await pilot.pause()

            s = ws.suggester
            times = []
            for _ in range(2):
                t0 = time.perf_counter()
                trained = s.retrain()
                times.append(time.perf_counter() - t0)
            out["retrain (whole set, incl. gathering) s"] = min(times)
            out["training examples"] = trained.examples
            s.install(trained)
            t0 = time.perf_counter()
            ghosts = s.for_document(documents[0].id)
            out["suggestions for one pane ms"] = (time.perf_counter() - t0) * 1000
            out["ghosts in that pane"] = len(ghosts)
            s.forget()
            t0 = time.perf_counter()
            found = s.for_documents([d.id for d in documents])
            out["suggestions for every policy (matrix marks) s"] = time.perf_counter() - t0
            out["suggested clauses, all policies"] = sum(len(v) for v in found.values())
            for frame in ws.frames:
                ws.suggestions.refresh(frame)
            await pilot.pause()
            # keys while a retrain runs in its worker
            ws.retrain_suggestions()
            await asyncio.sleep(0.05)
            lat = [await _key_to_frame(app, "j") for _ in range(10)]
            out["j during retrain, median ms"] = statistics.median(lat) * 1000
            out["j during retrain, max ms"] = max(lat) * 1000
            await app.workers.wait_for_complete()
            lat = [await _key_to_frame(app, "j") for _ in range(10)]
            out["j with ghosts, median ms"] = statistics.median(lat) * 1000
            await _key_to_frame(app, "c")
            out["c 5 (sync two panes) ms"] = await _key_to_frame(app, "5") * 1000

    asyncio.run(main())
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    from bench.corpus import CORPUS, generate

    if not CORPUS.exists():
        print(json.dumps({"skipped": f"{CORPUS} not found"}))
        return 0
    n, runs = (30, 1) if args.smoke else (args.n, args.runs)
    dest = Path(tempfile.gettempdir()) / f"reviewer-bench-corpus-{n}"
    generate(n, dest)
    set_dir = Path(tempfile.gettempdir()) / f"reviewer-bench-compare-set-{n}"
    annotations = make_set(dest, set_dir)
    rows = [one_run(dest, set_dir) for _ in range(runs)]
    result = {"policies": n, "annotations in the set": annotations, "runs": runs}
    for key in rows[0]:
        values = [r[key] for r in rows]
        result[key] = round(statistics.median(values), 3)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
