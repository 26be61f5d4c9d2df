"""Disk full, read-only folder, permission denied: the previous file stays intact, the change stays
in memory (pending) with a clear error, and the retry writes it once the disk is usable again."""

from __future__ import annotations

import errno
import os
import subprocess
import types
from pathlib import Path

import pytest

import reviewer.atomic as atomic_module
from reviewer.atomic import TEMP_PREFIX, clean_temporaries
from reviewer.session import Session
from tests.faults.support import POLICY_A, memory, new_session, raw_file, write_docs


def _clause(s: Session, needle: str) -> tuple[int, int]:
    doc = s.document("alpha")
    c = doc.clauses[doc.clause_index_at(doc.text.index(needle))]
    return c.start, c.end


def _fail_then_retry(s: Session, set_dir: Path, break_disk, mend_disk, fragment: str) -> None:
    first = s.toggle_category("alpha", *_clause(s, "We share data"), "third-party-sharing")
    assert first.saved
    path = set_dir / "alpha.toml"
    before = path.read_bytes()
    break_disk()
    try:
        out = s.set_note("alpha", first.annotation, "written while the disk was unusable")
        assert not out.saved and out.error and fragment in out.error and str(path) in out.error
        out2 = s.toggle_category("alpha", *_clause(s, "We protect"), "data-security")
        assert not out2.saved and out2.error
        assert path.read_bytes() == before                       # the previous file is intact
        assert s.pending == {"alpha"}
        assert len(s.annotations("alpha")) == 2                  # the change is kept in memory
        retry = s.save()
        assert len(retry) == 1 and not retry[0].saved and retry[0].error
        assert path.read_bytes() == before
    finally:
        mend_disk()
    (done,) = s.save()
    assert done.saved and done.error is None and s.pending == set()
    assert raw_file(set_dir, "alpha") == memory(s, "alpha")
    assert raw_file(set_dir, "alpha")[first.annotation].note == "written while the disk was unusable"
    assert list(set_dir.glob(TEMP_PREFIX + "*")) == []


@pytest.fixture
def tmpfs(tmp_path: Path):
    """A real 200 KB tmpfs (needs root or CAP_SYS_ADMIN; skipped otherwise)."""
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(mount)], capture_output=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_disk_full_on_a_real_small_tmpfs(tmp_path: Path, tmpfs: Path) -> None:
    docs = write_docs(tmp_path / "docs", {"alpha": POLICY_A})
    set_dir = tmpfs / "set"
    s = new_session(set_dir, docs)
    filler = tmpfs / "filler"

    def fill() -> None:
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            while True:
                os.write(fd, b"x" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
        finally:
            os.close(fd)

    _fail_then_retry(s, set_dir, fill, lambda: filler.unlink(), "No space left on device")


def test_read_only_folder_on_a_real_remounted_tmpfs(tmp_path: Path, tmpfs: Path) -> None:
    docs = write_docs(tmp_path / "docs", {"alpha": POLICY_A})
    set_dir = tmpfs / "set"
    s = new_session(set_dir, docs)

    def remount(mode: str):
        return lambda: subprocess.run(["mount", "-o", f"remount,{mode}", str(tmpfs)], check=True)

    _fail_then_retry(s, set_dir, remount("ro"), remount("rw"), "Read-only file system")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions (the tmpfs tests cover it)")
def test_read_only_folder_by_permissions(tmp_path: Path) -> None:
    docs = write_docs(tmp_path / "docs", {"alpha": POLICY_A})
    set_dir = tmp_path / "set"
    s = new_session(set_dir, docs)
    _fail_then_retry(s, set_dir, lambda: set_dir.chmod(0o555), lambda: set_dir.chmod(0o755), "Permission denied")


class _ShortWrites:
    """A stand-in for the ``os`` module in reviewer.atomic whose files fail half way through a write."""

    def __init__(self, code: int) -> None:
        self._code = code
        self.failures = 0

    def __getattr__(self, name: str):
        return getattr(os, name)

    def fdopen(self, fd: int, mode: str = "r", *args, **kwargs):
        handle = os.fdopen(fd, mode, *args, **kwargs)
        outer = self
        real_write = handle.write

        def write(data: bytes) -> int:
            real_write(data[: len(data) // 2])     # part of it reaches the temporary file
            handle.flush()
            outer.failures += 1
            raise OSError(outer._code, os.strerror(outer._code))

        handle.write = write  # type: ignore[method-assign]  # the failing write under test
        return handle


@pytest.mark.parametrize("code, fragment", [(errno.ENOSPC, "No space left on device"),
                                            (errno.EACCES, "Permission denied"),
                                            (errno.EIO, "Input/output error")])
def test_injected_error_at_the_write_call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int,
                                          fragment: str) -> None:
    docs = write_docs(tmp_path / "docs", {"alpha": POLICY_A})
    set_dir = tmp_path / "set"
    s = new_session(set_dir, docs)
    fake = _ShortWrites(code)
    _fail_then_retry(s, set_dir, lambda: monkeypatch.setattr(atomic_module, "os", fake),
                     lambda: monkeypatch.setattr(atomic_module, "os", os), fragment)
    assert fake.failures >= 3


def test_a_live_writers_temporary_is_not_cleaned_a_dead_ones_is(tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    live = tmp_path / f"{TEMP_PREFIX}{os.getpid()}-abc.part"
    gone = tmp_path / f"{TEMP_PREFIX}{dead.pid}-abc.part"
    legacy = tmp_path / f"{TEMP_PREFIX}abc.part"
    for p in (live, gone, legacy):
        p.write_text("partial")
    assert sorted(clean_temporaries(tmp_path)) == sorted([gone, legacy])
    assert live.exists()
    old = os.path.getmtime(live) - 7200
    os.utime(live, (old, old))
    assert clean_temporaries(tmp_path) == [live]


def test_module_proxy_is_only_for_the_test() -> None:
    assert isinstance(atomic_module.os, types.ModuleType)
