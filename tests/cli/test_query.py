"""``reviewer query``: the concordance from the command line (JSON lines, human view, filters, exits)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.cli.adjudication_support import make_pair
from tests.conftest import ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reviewer", *args], capture_output=True, text=True, cwd=ROOT,
                          encoding="utf-8")


def test_json_lines_one_per_annotation(tmp_path: Path) -> None:
    docs, a, _ = make_pair(tmp_path)
    proc = run("query", str(docs), "--annotations", str(a), "--json")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["a1", "a2", "a3", "a5", "a4"]  # document order, then position
    assert all(list(r) == ["document", "id", "start", "end", "quote", "categories", "note"] for r in rows)
    text = (docs / "alpha.txt").read_text(encoding="utf-8")
    assert text[rows[0]["start"]:rows[0]["end"]] == rows[0]["quote"]


def test_category_and_text_filters(tmp_path: Path) -> None:
    docs, a, _ = make_pair(tmp_path)
    proc = run("query", str(docs), "--annotations", str(a), "--category", "first-party-collection",
               "--category", "data-retention", "--json")
    assert [json.loads(x)["id"] for x in proc.stdout.splitlines()] == ["a1", "a3", "a5"]
    proc = run("query", str(docs), "--annotations", str(a), "--category", "first-party-collection",
               "--text", "EMAIL   address", "--json")
    assert [json.loads(x)["id"] for x in proc.stdout.splitlines()] == ["a1"]
    proc = run("query", str(docs), "--annotations", str(a), "--text", "nowhere to be found", "--json")
    assert proc.returncode == 1 and proc.stdout == ""


def test_unknown_category_is_bad_input(tmp_path: Path) -> None:
    docs, a, _ = make_pair(tmp_path)
    proc = run("query", str(docs), "--annotations", str(a), "--category", "nonsense")
    assert proc.returncode == 2 and "nonsense" in proc.stderr and len(proc.stderr.splitlines()) == 1
    proc = run("query", str(docs), "--annotations", str(tmp_path / "nope"))
    assert proc.returncode == 2 and "no such annotation set" in proc.stderr


def test_human_view_is_inert(tmp_path: Path) -> None:
    from reviewer.documents import text_sha256
    from reviewer.store import Annotation, AnnotationFile, AnnotationStore

    docs = tmp_path / "docs"
    docs.mkdir()
    text = "Intro. We sell \x1b[31mdata\x1b[0m to brokers. End.\n"
    (docs / "evil.txt").write_text(text, encoding="utf-8")
    store = AnnotationStore.open(tmp_path / "set")
    s = text.index("We sell")
    e = text.index(" End")
    store.save(AnnotationFile("evil", "evil.txt", text_sha256(text),
                              [Annotation.create(text, s, e, ("third-party-sharing",), "[bold]x[/]", id="e1")]))
    proc = run("query", str(docs), "--annotations", str(tmp_path / "set"))
    assert proc.returncode == 0, proc.stderr
    assert "\x1b" not in proc.stdout
    assert "evil  " in proc.stdout and "third-party-sharing" in proc.stdout and "[bold]x[/]" in proc.stdout
    assert "1 annotation" in proc.stdout
