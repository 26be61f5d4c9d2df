"""Import writes all its files or none: a failure at any write leaves the set exactly as it was (and
says so), a kill -9 at any write leaves every file whole and a re-run completes the import, and two
imports racing into a set that does not exist yet both land."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reviewer.errors import ReviewerError
from reviewer.importing import import_file
from reviewer.store import AnnotationStore
from reviewer.transaction import STAGING
from tests.conftest import ROOT
from tests.core.golden_helpers import EXPECTED, INPUT

CHILD = Path(__file__).with_name("import_child.py")


def _rows() -> list[dict]:
    return [json.loads(line) for line in (EXPECTED / "annotations.jsonl").read_text(encoding="utf-8").splitlines()]


def _import_file(tmp_path: Path) -> Path:
    """Edits every annotation of alpha and beta and adds a third document, gamma."""
    rows = _rows()
    for n, row in enumerate(list(rows)):
        row["note"] = f"edited by the import {n}"
        row["updated"] = "2026-11-20T09:00:00Z"
        if row["document"] == "alpha":
            rows.append({**row, "document": "gamma", "source": "gamma.txt", "id": "g-" + row["id"]})
    f = tmp_path / "import.jsonl"
    f.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return f


def _snapshot(root: Path) -> dict[str, bytes]:
    if not root.exists():
        return {}
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _tomls(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.glob("*.toml")) if p.name != "set.toml"}


def _fresh_set(tmp_path: Path, name: str) -> Path:
    dest = tmp_path / name
    shutil.copytree(INPUT / "set", dest)
    return dest


def _expected(tmp_path: Path, f: Path) -> dict[str, bytes]:
    clean = _fresh_set(tmp_path, "clean")
    import_file(clean, f)
    return _tomls(clean)


def _fail_at(monkeypatch: pytest.MonkeyPatch, name: str, n: int) -> None:
    real = getattr(os, name)
    calls = {"n": 0}

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]  # stands in for any os call
        calls["n"] += 1
        if calls["n"] == n:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)
    monkeypatch.setattr(os, name, failing)


@pytest.mark.parametrize("call", ["replace", "fsync"])
@pytest.mark.parametrize("n", range(1, 9))
def test_a_write_failing_at_any_point_leaves_the_set_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  call: str, n: int) -> None:
    f = _import_file(tmp_path)
    expected = _expected(tmp_path, f)
    target = _fresh_set(tmp_path, "set")
    before = _snapshot(target)
    _fail_at(monkeypatch, call, n)
    try:
        import_file(target, f)
    except ReviewerError as exc:
        message = str(exc)
        assert "unchanged" in message and "\n" not in message
        monkeypatch.undo()
        assert _snapshot(target) == before  # nothing of the import remains, no staging folder
        return
    monkeypatch.undo()
    assert _tomls(target) == expected  # this many writes did not reach the n-th failing call


@pytest.mark.parametrize("n", range(1, 6))
def test_a_failing_import_into_a_new_set_leaves_no_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    f = _import_file(tmp_path)
    target = tmp_path / "new" / "set"
    _fail_at(monkeypatch, "replace", n)
    try:
        import_file(target, f)
    except ReviewerError as exc:
        monkeypatch.undo()
        assert "unchanged" in str(exc)
        assert not (tmp_path / "new").exists()  # not the set, nor the folder made for it
        return
    monkeypatch.undo()
    assert AnnotationStore.open(target, create=False).document_ids() == ["alpha", "beta", "gamma"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_killed_at_any_write_every_file_is_whole_and_a_rerun_completes(tmp_path: Path) -> None:
    f = _import_file(tmp_path)
    expected = _expected(tmp_path, f)
    probe = _fresh_set(tmp_path, "probe")
    done = _run(str(CHILD), str(probe), str(f), "1000000")
    assert done.returncode == 0, done.stderr
    writes = int(done.stdout.split()[1])
    assert writes >= 6
    before = _tomls(_fresh_set(tmp_path, "before"))
    for k in range(1, writes + 1):
        target = _fresh_set(tmp_path, f"set-{k}")
        killed = _run(str(CHILD), str(target), str(f), str(k))
        assert killed.returncode == -9, killed.stdout + killed.stderr
        for name, data in _tomls(target).items():  # what may remain: each file its old or its new content
            assert data in (before.get(name), expected[name]), (k, name)
        rerun = _run("-m", "reviewer", "import", str(f), "--annotations", str(target))
        assert rerun.returncode == 0, rerun.stderr
        assert _tomls(target) == expected, k
        assert not (target / STAGING).exists()


def test_two_imports_racing_into_a_new_set_both_land(tmp_path: Path) -> None:
    rows = _rows()
    files = []
    for side in ("one", "two"):
        many = []
        for n in range(1500):  # big enough that the two runs overlap
            row = dict(rows[n % len(rows)])
            row["id"] = f"{side}-{n}"
            many.append(row)
        path = tmp_path / f"{side}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in many), encoding="utf-8")
        files.append(path)
    for attempt in range(3):
        target = tmp_path / f"race-{attempt}" / "set"
        procs = [subprocess.Popen([sys.executable, "-m", "reviewer", "import", str(p), "--annotations", str(target)],
                                  cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for p in files]
        outs = [p.communicate(timeout=300) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], outs
        store = AnnotationStore.open(target, create=False)
        ids = {a.id for d in store.document_ids() for a in store.load(d).annotations}  # type: ignore[union-attr]  # every document here has a file
        assert len(ids) == 3000, attempt


def test_disk_full_on_a_real_small_tmpfs_leaves_the_set_as_it_was(tmp_path: Path) -> None:
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(mount)], capture_output=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.decode().strip()}")
    try:
        target = mount / "set"
        shutil.copytree(INPUT / "set", target)
        rows = _rows()
        big = []
        for n in range(1200):  # about 1 MB of TOML over three documents: more than the disk holds
            row = dict(rows[n % len(rows)])
            row["id"] = f"bulk-{n}"
            row["document"] = ("alpha", "beta", "delta")[n % 3]
            big.append(row)
        f = tmp_path / "big.jsonl"
        f.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in big), encoding="utf-8")
        before = _snapshot(target)
        with pytest.raises(ReviewerError) as info:
            import_file(target, f)
        assert "No space left" in str(info.value) and "unchanged" in str(info.value)
        assert _snapshot(target) == before
        new = mount / "new-set"
        with pytest.raises(ReviewerError):
            import_file(new, f)
        assert not new.exists()
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)
