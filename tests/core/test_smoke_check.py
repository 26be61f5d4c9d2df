import json
import subprocess
import sys

from tests.conftest import ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reviewer", *args], capture_output=True, text=True, cwd=ROOT)


def test_demo_set_is_all_exact() -> None:
    proc = run("check", "seeds", "--annotations", "annotations/default", "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    docs = {d["document"]: d for d in report["documents"]}
    assert set(docs) == {"picker-top", "picky-assist", "piconext", "picopica-engineering", "team-picpros"}
    total = sum(d["annotations"] for d in docs.values())
    assert total >= 12
    assert all(d["annotations"] >= 1 and d["exact"] == d["annotations"] for d in docs.values())
