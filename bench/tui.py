"""Workspace figures: start-up to first paint, keypress to repaint, tag + atomic write, 1,000 policies.

    .venv/bin/python bench/tui.py                 # all four, medians of several runs
    .venv/bin/python bench/tui.py --runs 3 --only keys
    .venv/bin/python bench/tui.py --smoke         # tiny sizes, for a quick check

Each figure runs the real app headless at 120x40 (Textual's headless driver draws every frame
exactly as in a terminal, minus the terminal itself). "Repaint" is measured from posting the key
event to the moment the app hands the updated screen to the driver. Start-up and the 1,000-policy
figures run in a fresh Python process each time (imports included, interpreter start excluded),
so RSS is that process's peak. The machine is shared with other jobs: figures are noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DEMO = ROOT / "annotations" / "default"
CORPUS = ROOT.parent / "shared" / "corpus"
LONGEST = CORPUS / "barnesandnoble.com.txt"
SIZE = (120, 40)

CHILD = r"""
import time
t0 = time.perf_counter()
import json, resource, sys
sys.path.insert(0, {root!r})
from reviewer.tui.launch import prepare
from reviewer.tui.app import ReviewerApp
ws, lock = prepare({paths!r}, {set_path!r}, lock=False)
if {workspace_only!r} and hasattr(ws, "start_with_coverage"):
    ws.start_with_coverage = False  # measure the workspace itself, not the coverage home view
loaded = time.perf_counter() - t0
result = {{}}

async def auto(pilot):
    app = pilot.app
    await pilot.pause()
    result["first_paint"] = time.perf_counter() - t0
    result["first_paint_cpu"] = time.process_time()
    # interactive: a key posted now is handled and drawn (not pilot.press: it waits for idle)
    import asyncio
    from textual import events
    painted = asyncio.Event()
    original = app._display
    def display(screen, renderable):
        original(screen, renderable)
        painted.set()
    app._display = display
    t_key = time.perf_counter()
    app.post_message(events.Key("j", "j"))
    await asyncio.wait_for(painted.wait(), 30)
    app._display = original
    result["interactive"] = time.perf_counter() - t0
    result["j_after_first_paint_ms"] = (time.perf_counter() - t_key) * 1000
    await app.workers.wait_for_complete()
    result["counts_done"] = time.perf_counter() - t0
    result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    app.exit()

app = ReviewerApp(ws)
app.run(headless=True, size={size!r}, auto_pilot=auto)
result["load"] = loaded
result["documents"] = len(ws.session.documents)
print(json.dumps(result))
"""


def child(paths: list[str], set_path: str, workspace_only: bool = False) -> dict:
    code = CHILD.format(root=str(ROOT), paths=paths, set_path=set_path, size=SIZE, workspace_only=workspace_only)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


BASELINE = r"""
import time
t0 = time.perf_counter()
from textual.app import App
from textual.widgets import Footer, Label

class Hello(App):
    BINDINGS = [("q", "quit", "Quit")]
    def compose(self):
        yield Label("hello")
        yield Footer()

async def auto(pilot):
    await pilot.pause()
    print(time.perf_counter() - t0, time.process_time())
    pilot.app.exit()

Hello().run(headless=True, size=(120, 40), auto_pilot=auto)
"""


def startup(runs: int) -> dict:
    """First paint of the app on the seeds, next to a two-widget Textual app in the same
    conditions (the floor this machine allows right now)."""
    times, floor, cpu, floor_cpu = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        set_path = Path(tmp) / "set"
        shutil.copytree(DEMO, set_path)
        for _ in range(runs):
            row = child([str(SEEDS)], str(set_path))
            times.append(row["first_paint"])
            cpu.append(row["first_paint_cpu"])
            out = subprocess.run([sys.executable, "-c", BASELINE], capture_output=True, text=True, check=True)
            wall, used = map(float, out.stdout.strip().splitlines()[-1].split())
            floor.append(wall)
            floor_cpu.append(used)
    return {"startup_first_paint_s": statistics.median(times),
            "startup_cpu_s (process CPU time to first paint)": statistics.median(cpu),
            "hello_world_textual_first_paint_s": statistics.median(floor),
            "hello_world_textual_cpu_s": statistics.median(floor_cpu), "runs": runs}


async def _repaint_times(app, keys: list[str]) -> list[float]:
    """Post each key as a real Key event; time until the next frame reaches the driver."""
    from textual import events

    painted = asyncio.Event()
    original = app._display

    def display(screen, renderable):
        original(screen, renderable)
        painted.set()

    app._display = display
    times = []
    for key in keys:
        await asyncio.sleep(0.02)  # let the previous frame settle
        painted.clear()
        t = time.perf_counter()
        app.post_message(events.Key(key, key if len(key) == 1 else None))
        await asyncio.wait_for(painted.wait(), 5)
        times.append(time.perf_counter() - t)
    app._display = original
    return times


def keys_and_tags(runs: int, moves: int = 40) -> dict:
    from reviewer.inputs import load_documents
    from reviewer.session import Session
    from reviewer.store import AnnotationStore
    from reviewer.tui.app import ReviewerApp, Workspace

    if not LONGEST.exists():
        return {"skipped": f"{LONGEST} not found"}
    result: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        docs, _ = load_documents([LONGEST])
        store = AnnotationStore.open(Path(tmp) / "set")
        session = Session(store, docs)
        app = ReviewerApp(Workspace(session, [docs[0].id], check_every=3600))
        j_times: list[float] = []
        tag_times: list[float] = []
        write_times: list[float] = []

        async def main() -> None:
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                for _ in range(runs):
                    j_times.extend(await _repaint_times(app, ["j"] * moves))
                    # tag: "1" on the current clause, then "1" again to untag (both write the file)
                    tag_times.extend(await _repaint_times(app, ["1", "1", "j"] * 5))
                pane = app.screen.pane
                for _ in range(runs * 10):
                    clause = pane.current_clause
                    t = time.perf_counter()
                    session.toggle_category(docs[0].id, clause.start, clause.end, "other")
                    write_times.append(time.perf_counter() - t)
                    pane.action_move(1)

        asyncio.run(main())
    tags = tag_times[0::3] + tag_times[1::3]
    result["j_repaint_ms"] = statistics.median(j_times) * 1000
    result["j_repaint_p95_ms"] = sorted(j_times)[int(len(j_times) * 0.95)] * 1000
    result["tag_key_to_repaint_ms"] = statistics.median(tags) * 1000
    result["session_toggle_with_atomic_write_ms"] = statistics.median(write_times) * 1000
    result["document_chars"] = len(docs[0].text)
    return result


def thousand(runs: int, n: int = 1000) -> dict:
    sys.path.insert(0, str(ROOT))
    from bench.corpus import generate

    if not CORPUS.exists():
        return {"skipped": f"{CORPUS} not found"}
    dest = Path(tempfile.gettempdir()) / f"reviewer-bench-corpus-{n}"
    generate(n, dest)
    out: dict[str, float | int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, workspace_only in (("workspace", True), ("as opened (coverage home view)", False)):
            rows = [child([str(dest)], str(Path(tmp) / f"set-{workspace_only}-{i}"), workspace_only)
                    for i in range(runs)]
            out["documents"] = rows[0]["documents"]
            for key, name in (("load", "load_s"), ("first_paint", "first_paint_s"),
                              ("first_paint_cpu", "first_paint_cpu_s"), ("interactive", "interactive_s"),
                              ("j_after_first_paint_ms", "j_right_after_first_paint_ms"),
                              ("counts_done", "background_work_done_s"), ("rss_mb", "peak_rss_mb")):
                out[f"{label}: {name}"] = statistics.median(r[key] for r in rows)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", choices=["startup", "keys", "thousand"])
    parser.add_argument("--smoke", action="store_true", help="one run, small sizes")
    args = parser.parse_args(argv)
    runs = 1 if args.smoke else args.runs
    out: dict[str, dict] = {}
    if args.only in (None, "startup"):
        out["startup (seeds)"] = startup(runs)
    if args.only in (None, "keys"):
        out["keys (longest corpus policy)"] = keys_and_tags(runs, moves=5 if args.smoke else 40)
    if args.only in (None, "thousand"):
        out["1,000 policies"] = thousand(max(1, runs // 2) if not args.smoke else 1, n=50 if args.smoke else 1000)
    for section, figures in out.items():
        print(section)
        for key, value in figures.items():
            print(f"  {key:40} {value:.3f}" if isinstance(value, float) else f"  {key:40} {value}")
    print("(medians; shared, noisy machine)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
