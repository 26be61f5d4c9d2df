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
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.tmuxscreen import available as tmuxscreen_available  # noqa: E402
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

# First paint is timed from the frames themselves: the first frame of the home screen with the
# policies on it (the workspace's panes, or the matrix's rows). pilot.pause() waits for the whole
# process to be idle (for up to 1 s), which background workers delay.
import asyncio
home = "CoverageMatrixScreen" if ws.start_with_coverage else "WorkspaceScreen"
first_frame = asyncio.Event()
painted = asyncio.Event()

def shows_policies(screen):
    return bool(screen.grid.rows) if home == "CoverageMatrixScreen" else bool(screen.frames)

def display(screen, renderable):
    draw(screen, renderable)
    if not first_frame.is_set() and type(screen).__name__ == home and shows_policies(screen):
        result["first_paint"] = time.perf_counter() - t0
        result["first_paint_cpu"] = time.process_time()
        first_frame.set()
    painted.set()

async def auto(pilot):
    app = pilot.app
    await asyncio.wait_for(first_frame.wait(), 60)
    # interactive: a key posted now is handled and drawn (not pilot.press: it waits for idle)
    from textual import events
    painted.clear()
    t_key = time.perf_counter()
    app.post_message(events.Key("j", "j"))
    await asyncio.wait_for(painted.wait(), 30)
    result["interactive"] = time.perf_counter() - t0
    result["j_after_first_paint_ms"] = (time.perf_counter() - t_key) * 1000
    # background work (document counts, then training and the lookup index) starts once the first
    # screen is drawn: wait for every document's count, then for the workers still running
    workspace = next(s for s in app.screen_stack if type(s).__name__ == "WorkspaceScreen")
    while not getattr(getattr(workspace, "body", None), "ready", True):   # under the matrix, mounted once it has its counts
        await asyncio.sleep(0.02)
    from reviewer.tui.widgets.document_list import DocumentList
    counted = workspace.query_one(DocumentList)._counts
    while len(counted) < len(ws.session.documents):
        await asyncio.sleep(0.02)
    await app.workers.wait_for_complete()
    result["counts_done"] = time.perf_counter() - t0
    result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    app.exit()

app = ReviewerApp(ws)
draw = app._display
app._display = display
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
                              ("first_paint_cpu", "first_paint_cpu_s"),
                              ("interactive", "interactive_s (target <= 1.5 s)"),
                              ("j_after_first_paint_ms", "j_right_after_first_paint_ms"),
                              ("counts_done", "background_work_done_s"),
                              ("rss_mb", "peak_rss_mb (target <= 300 MB)")):
                out[f"{label}: {name}"] = statistics.median(r[key] for r in rows)
    return out


# ------------------------------------------------------------------------------------------------
# Ratios to an empty Textual app, from the outside: the app in tmux, a key sent and timed until the
# screen shows its effect, an empty app measured the same way in the same run.

LAUNCH = r"""
import sys
sys.path.insert(0, {root!r})
from reviewer.tui import startgc
startgc.hold()  # as reviewer.tui.launch.launch does; the app releases it after its first paint
from reviewer.tui.launch import prepare
from reviewer.tui.app import ReviewerApp
ws, _ = prepare({paths!r}, {set_path!r}, lock=False)
ws.open_ids = [{open_id!r}]
ws.start_with_coverage = False
ReviewerApp(ws).run()
"""
STATUS = re.compile(r"clause (\d+)/\d+\S* · (\d+) annotations?")


PYCACHE = Path(tempfile.gettempdir()) / "reviewer-bench-pycache"


def _env(tmp: Path) -> dict[str, str]:
    """No user settings (a keymap or theme of the person running the bench). Bytecode is cached
    (outside the tree) as an installed package has it, even where the environment sets
    PYTHONDONTWRITEBYTECODE: otherwise every start compiles every module of the app from source
    (measured: 0.12-0.25 s of a 1.2 s first paint), which no installed copy does. ``--no-bytecode``
    measures that case."""
    env = {"XDG_CONFIG_HOME": str(tmp / "config"), "PYTHONPATH": str(ROOT)}
    if BYTECODE:
        env.update(PYTHONDONTWRITEBYTECODE="", PYTHONPYCACHEPREFIX=str(PYCACHE))
    return env


BYTECODE = True
FSYNC = True


def _marker(doc) -> str:
    from reviewer.safetext import visible

    line = next(line for line in doc.text.splitlines() if len(line.strip()) >= 12)
    return visible(line.strip())[:24]


def _empty_first_paint(tmp: Path) -> float:
    from bench.tmuxscreen import EMPTY_APP, Screen

    with Screen([sys.executable, "-c", EMPTY_APP], SIZE, _env(tmp)) as screen:
        return screen.wait(lambda text: "keys 0" in text)


def _app_first_paint(paths: list[str], set_path: Path, marker: str, tmp: Path) -> float:
    """From starting ``reviewer PATHS --annotations SET`` to ``marker`` on screen."""
    from bench.tmuxscreen import Screen

    argv = [sys.executable, "-m", "reviewer", *paths, "--annotations", str(set_path)]
    with Screen(argv, SIZE, _env(tmp)) as screen:
        return screen.wait(lambda text: marker in text)


def tmux_first_paint(runs: int) -> dict:
    """First paint of ``reviewer seeds/`` (the first policy's text) and of ``reviewer`` on the 115
    corpus policies (its first screen, the coverage matrix: the first policy's name), each as a
    ratio to an empty Textual app's first paint, runs interleaved."""
    sys.path.insert(0, str(ROOT))
    from reviewer.inputs import load_documents
    from reviewer.safetext import visible

    out: dict[str, float | str] = {}
    cases = [("seeds", [str(SEEDS)])]
    if CORPUS.exists():
        cases.append(("115 policies", [str(p) for p in sorted(CORPUS.glob("*.txt"))]))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        floor: list[float] = []
        found: dict[str, list[float]] = {label: [] for label, _ in cases}
        markers = {}
        for label, paths in cases:
            docs, _ = load_documents(paths)
            # the seeds open on the first policy; more than four open on the coverage matrix
            markers[label] = _marker(docs[0]) if len(docs) <= 4 else visible(min(d.id for d in docs))
        _empty_first_paint(tmp)  # a first start of each, not counted: bytecode cached as installed
        for label, paths in cases:
            _app_first_paint(paths, tmp / f"set-{label}-warm", markers[label], tmp)
        for i in range(runs):
            floor.append(_empty_first_paint(tmp))
            for label, paths in cases:
                set_path = tmp / f"set-{label}-{i}"
                found[label].append(_app_first_paint(paths, set_path, markers[label], tmp))
        empty = statistics.median(floor)
        out["empty Textual app: first paint s"] = empty
        for label, _ in cases:
            app = statistics.median(found[label])
            out[f"{label}: first paint s"] = app
            out[f"{label}: ratio to empty app"] = app / empty
        out["runs"] = runs
    return out


def labelled_set(dest: Path, policies: int = 40, per_policy: int = 10) -> tuple[int, list[str]]:
    """A set of real OPP-115 annotations: ``per_policy`` labelled segments on each of the first
    ``policies`` corpus policies (by name). Returns (annotations, the labelled policies)."""
    import json

    from reviewer.documents import load_document
    from reviewer.store import Annotation, AnnotationFile, AnnotationStore
    from reviewer.taxonomy import DEFAULT_TAXONOMY

    slug = {c.name: c.slug for c in DEFAULT_TAXONOMY}
    by_policy: dict[str, list[dict]] = {}
    with open(CORPUS / "labels.jsonl", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row["categories"]:
                by_policy.setdefault(row["policy"], []).append(row)
    chosen = sorted(by_policy)[:policies]
    store = AnnotationStore.open(dest, create=True, annotator="bench")
    count = 0
    for policy in chosen:
        doc = load_document(CORPUS / f"{policy}.txt")
        anns, pos = [], 0
        for row in sorted(by_policy[policy], key=lambda r: r["segment"])[:per_policy]:
            start = doc.text.find(row["text"], pos)
            if start < 0:
                continue
            end = start + len(row["text"])
            anns.append(Annotation.create(doc.text, start, end, tuple(slug[c] for c in row["categories"])))
            pos = end
        store.save(AnnotationFile(doc.id, doc.path.name, doc.sha256, anns))
        count += len(anns)
    return count, chosen


def _status(text: str) -> tuple[int, int] | None:
    """(clause number, annotation count) from the one pane's status line."""
    found = STATUS.search(text)
    return (int(found.group(1)), int(found.group(2))) if found else None


def tmux_keys(runs: int, tags: int = 40, gap: float = 0.25) -> dict:
    """Keys while suggestions are live: the 115 policies, ~400 real annotations on 40 of them, one
    unlabelled policy open; ``tags`` tags with alternating categories (1, 2), each followed by
    ``j``, ``gap`` seconds between keys (an analyst's pace: retraining runs while keys land).
    A tag is timed until the status line shows the new count, a move until it shows the next
    clause. The empty app runs beside it in its own terminal and gets a key half way through
    each gap, timed until its key count changes: the two are measured in turn, so the host's
    speed drifting during a run (a shared machine's noise) moves both alike and the ratio holds."""
    from bench.tmuxscreen import EMPTY_APP, Screen
    from reviewer.inputs import load_documents

    if not (CORPUS / "labels.jsonl").exists():
        return {"skipped": f"{CORPUS}/labels.jsonl not found"}
    tag_times: list[float] = []
    move_times: list[float] = []
    empty_times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        paths = [str(p) for p in sorted(CORPUS.glob("*.txt"))]
        docs, _ = load_documents(paths)
        for i in range(runs):
            set_path = tmp / f"set-{i}"
            annotations, labelled = labelled_set(set_path)
            target = next(d for d in docs if d.id not in labelled and len(d.clauses) > tags + 2)
            code = LAUNCH.format(root=str(ROOT), paths=paths, set_path=str(set_path), open_id=target.id)
            if not FSYNC:   # a measurement only: what a tag costs without its write's two fsyncs
                code = "import os\nos.fsync = lambda fd: None\n" + code
            with Screen([sys.executable, "-c", code], SIZE, _env(tmp)) as screen, \
                    Screen([sys.executable, "-c", EMPTY_APP], SIZE, _env(tmp)) as empty:
                empty.wait(lambda text: "keys 0" in text)
                screen.wait(lambda text: _status(text) is not None)
                screen.wait(lambda text: "Suggestions ready" in text)  # training done once: suggestions live
                clause, count = _status(screen.text())  # type: ignore[misc]  # just waited for the status line
                pressed = 0

                def reference() -> None:
                    """A key to the empty app half way through the gap: the app's pace stays ``gap``."""
                    nonlocal pressed
                    pressed += 1
                    time.sleep(gap / 2)
                    empty_times.append(empty.key("j", lambda text, n=pressed: f"keys {n}" in text))
                    time.sleep(gap / 2)

                for k in range(tags):
                    reference()
                    tag_times.append(screen.key("1" if k % 2 == 0 else "2",
                                                lambda text, n=count + 1: (_status(text) or (0, 0))[1] == n))
                    count += 1
                    reference()
                    move_times.append(screen.key("j", lambda text, c=clause + 1: (_status(text) or (0, 0))[0] == c))
                    clause += 1
    empty = statistics.median(empty_times)
    both = sorted(tag_times + move_times)
    p90 = both[min(len(both) - 1, int(len(both) * 0.9))]
    return {"annotations in the set": annotations, "empty app key ms": empty * 1000,
            "tag median ms": statistics.median(tag_times) * 1000,
            "tag median / empty key": statistics.median(tag_times) / empty,
            "tags+moves p90 ms": p90 * 1000, "tags+moves p90 / empty key": p90 / empty,
            "worst ms": both[-1] * 1000, "move median ms": statistics.median(move_times) * 1000, "runs": runs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", choices=["startup", "keys", "thousand", "ratios", "paint-ratio", "key-ratio"],
                        help="one group of figures; paint-ratio and key-ratio are the two halves of ratios")
    parser.add_argument("--smoke", action="store_true", help="one run, small sizes")
    parser.add_argument("--no-fsync", action="store_true",
                        help="key-ratio with the app's fsyncs turned off (what durability costs a tag; the app never "
                             "runs so)")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="tmux figures without cached bytecode when PYTHONDONTWRITEBYTECODE is set")
    args = parser.parse_args(argv)
    runs = 1 if args.smoke else args.runs
    global BYTECODE
    BYTECODE = not args.no_bytecode
    global FSYNC
    FSYNC = not args.no_fsync
    out: dict[str, dict] = {}
    load_at_start = os.getloadavg()[0]  # the ratios hold on a busy machine; the absolute times do not
    if args.only in (None, "ratios", "paint-ratio", "key-ratio"):
        if not tmuxscreen_available():
            out["ratios (tmux)"] = {"skipped": "tmux not found"}
        if tmuxscreen_available() and args.only != "key-ratio":
            out["first paint, ratio to an empty app (tmux)"] = tmux_first_paint(runs if args.smoke else max(runs, 5))
        if tmuxscreen_available() and args.only != "paint-ratio":
            out["keys while suggestions are live (tmux)"] = tmux_keys(runs, tags=4 if args.smoke else 40)
            if not args.smoke:   # slower: the retrain after each tag (RETRAIN_QUIET) falls between keys
                out["the same at 2 keys/s: a retrain between each tag and the next key (tmux)"] = tmux_keys(
                    runs, tags=40, gap=0.5)
    if args.only in (None, "startup"):
        out["startup (seeds)"] = startup(runs)
    if args.only in (None, "keys"):
        out["keys (longest corpus policy)"] = keys_and_tags(runs, moves=5 if args.smoke else 40)
    if args.only in (None, "thousand"):
        out["1,000 policies"] = thousand(max(1, runs // 2) if not args.smoke else 1, n=50 if args.smoke else 1000)
    out["machine"] = {"cores": os.cpu_count() or 0, "load average (1 min) at the end": os.getloadavg()[0],
                      "load average (1 min) at the start": load_at_start}
    for section, figures in out.items():
        print(section)
        for key, value in figures.items():
            print(f"  {key:40} {value:.3f}" if isinstance(value, float) else f"  {key:40} {value}")
    print("(medians; shared, noisy machine)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
