"""bench/corpus.py (the synthetic corpus generator) and a smoke run of bench/load.py."""

from __future__ import annotations

import importlib.util
import random
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _bench_module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus_mod():
    return _bench_module("corpus")


@pytest.fixture
def small_source(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "acme.com.txt").write_text(
        "Acme Privacy Policy\n\nAcme collects your name. We keep it for 30 days. Acme.com never sells it.\n\n"
        "Cookies\n\nWe use cookies and web beacons. You can turn them off in your browser settings.\n\n"
        "Children\n\nWe do not collect data from children under 13. Contact us at privacy@acme.com.\n", encoding="utf-8")
    (src / "globex.org.txt").write_text(
        "Globex Notice\n\nGlobex shares data with partners. Partners must protect it. We tell you first.\n\n"
        "Changes\n\nWe may change this notice. We will post the new notice here. Check it often.\n", encoding="utf-8")
    (src / "README.md").write_text("not a policy", encoding="utf-8")
    return src


def test_generate_is_deterministic_and_cached(corpus_mod, small_source: Path, tmp_path: Path) -> None:
    a = corpus_mod.generate(7, tmp_path / "a", seed=1, source=small_source)
    b = corpus_mod.generate(7, tmp_path / "b", seed=1, source=small_source)
    assert len(a) == 7 and [p.name for p in a] == [p.name for p in b]
    assert [p.read_text(encoding="utf-8") for p in a] == [p.read_text(encoding="utf-8") for p in b]
    assert all(p.suffix == ".txt" for p in a)
    mtimes = [p.stat().st_mtime_ns for p in a]
    again = corpus_mod.generate(7, tmp_path / "a", seed=1, source=small_source)
    assert again == a and [p.stat().st_mtime_ns for p in a] == mtimes  # cached: nothing rewritten
    other = corpus_mod.generate(3, tmp_path / "a", seed=2, source=small_source)
    assert len(other) == 3
    assert sorted(p.name for p in (tmp_path / "a").glob("*.txt")) == [p.name for p in other]  # stale removed


def test_copies_are_perturbed_and_compete(corpus_mod, small_source: Path, tmp_path: Path) -> None:
    paths = corpus_mod.generate(6, tmp_path / "c", source=small_source)
    acme = [p.read_text(encoding="utf-8") for p in paths if p.name.startswith("acme.com")]
    original = (small_source / "acme.com.txt").read_text(encoding="utf-8")
    assert len(acme) == 3 and len(set(acme)) == 3
    for text in acme:
        assert text != original
        assert "Acme" not in text  # company renamed
        assert "never sells it" in text or "We keep it" in text  # still the same policy, lightly changed


def test_perturb_keeps_paragraph_breaks(corpus_mod) -> None:
    text = "\n\n".join(f"Paragraph {i} has several words in it. And a second sentence here. Third one." for i in range(8))
    out = corpus_mod.perturb(text, random.Random(0), "paragraph")
    assert out.count("\n\n") == text.count("\n\n")


def test_cli_reports_and_missing_source(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "corpus.py"), "2", str(tmp_path / "out"),
                           "--source", str(tmp_path / "missing")], capture_output=True, text=True)
    assert proc.returncode == 2 and "no .txt policies" in proc.stderr


def test_load_bench_quick_smoke(corpus: Path, tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "load.py"), "--quick", "--dest", str(tmp_path / "q")],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "segment 30 policies" in proc.stdout and "re-anchor 200 annotations" in proc.stdout


def test_load_bench_skips_without_corpus(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "load.py"), "--quick", "--source",
                           str(tmp_path / "none")], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0 and "skipped" in proc.stdout
