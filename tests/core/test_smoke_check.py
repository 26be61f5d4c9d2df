import json
import subprocess
import sys

from tests.conftest import ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reviewer", *args], capture_output=True, text=True, cwd=ROOT)


VERSIONED = "picobyte--privacy-policy"


def test_demo_set_is_all_exact() -> None:
    """Every demo annotation is exact where it was made; the versioned seed's annotations were
    made on its first version, so its latest version (what `seeds` loads) moves and rewords some of
    them (the demo's review queue), and none is lost: the demo set checks clean."""
    proc = run("check", "seeds", "--annotations", "annotations/default", "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    docs = {d["document"]: d for d in report["documents"]}
    assert set(docs) == {"picker-top", "picky-assist", "piconext", "picopica-engineering", "team-picpros", VERSIONED}
    versioned = docs.pop(VERSIONED)
    total = sum(d["annotations"] for d in docs.values())
    assert total >= 12
    assert all(d["annotations"] >= 1 and d["exact"] == d["annotations"] for d in docs.values())
    assert (versioned["annotations"], versioned["fuzzy"], versioned["orphaned"]) == (7, 3, 0)
    proc = run("check", "seeds/Picobyte/Privacy Policy@first", "--annotations", "annotations/default", "--json")
    assert proc.returncode == 0, proc.stderr
    (first,) = json.loads(proc.stdout)["documents"]
    assert first["exact"] == first["annotations"] == 7
