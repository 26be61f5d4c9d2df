"""The set lock, with real child processes holding, dying and racing for it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from reviewer.atomic import clean_temporaries
from reviewer.lock import LOCK_NAME, LockHeld, LockInfo, acquire, is_stale, read_lock
from reviewer.store import AnnotationStore
from tests.faults.support import PYTHON, ROOT

CHILD = str(ROOT / "tests" / "faults" / "lock_child.py")


def holder(set_dir: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([PYTHON, CHILD, str(set_dir), *extra], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, cwd=ROOT)
    return proc, proc.stdout.readline().strip()


def test_acquire_writes_who_holds_it_and_release_removes_it(tmp_path: Path) -> None:
    lock = acquire(tmp_path)
    info = read_lock(tmp_path)
    assert info is not None and info.pid == os.getpid() and info.host == socket.gethostname()
    assert abs((datetime.now(timezone.utc) - info.started).total_seconds()) < 5
    assert lock.held
    lock.release()
    assert not (tmp_path / LOCK_NAME).exists() and not lock.held
    lock.release()  # twice is fine


def test_lock_is_invisible_to_the_store(tmp_path: Path) -> None:
    store = AnnotationStore.open(tmp_path)
    with acquire(tmp_path):
        assert clean_temporaries(tmp_path) == []
        AnnotationStore.open(tmp_path)
        assert store.document_ids() == [] and (tmp_path / LOCK_NAME).exists()
    assert not (tmp_path / LOCK_NAME).exists()


def test_a_live_holder_is_reported_with_pid_and_host(tmp_path: Path) -> None:
    proc, line = holder(tmp_path)
    try:
        assert line == f"won {proc.pid}"
        with pytest.raises(LockHeld) as info:
            acquire(tmp_path)
        exc = info.value
        assert exc.pid == proc.pid and exc.host == socket.gethostname()
        assert f"pid {proc.pid} on {socket.gethostname()}" in str(exc) and str(tmp_path) in str(exc)
        assert "read-only" in str(exc)
        # and a second child is told the same
        other, line2 = holder(tmp_path)
        assert line2 == f"held {proc.pid} {socket.gethostname()}"
        other.wait(10)
    finally:
        proc.stdin.close()
        proc.wait(10)
    assert not (tmp_path / LOCK_NAME).exists()  # released by the holder


def test_a_killed_holder_leaves_a_stale_lock_that_is_taken_over(tmp_path: Path) -> None:
    proc, line = holder(tmp_path)
    assert line.startswith("won")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    stale = read_lock(tmp_path)
    assert stale is not None and stale.pid == proc.pid and is_stale(stale)
    with acquire(tmp_path) as lock:
        assert read_lock(tmp_path).pid == os.getpid() and lock.held


def test_release_at_exit(tmp_path: Path) -> None:
    proc, line = holder(tmp_path, "--exit")
    assert line.startswith("won")
    assert proc.wait(10) == 0
    assert not (tmp_path / LOCK_NAME).exists()


def _write_lock(root: Path, info: LockInfo) -> None:
    (root / LOCK_NAME).write_text(info.dumps())


def test_a_reused_pid_does_not_keep_a_lock_alive(tmp_path: Path) -> None:
    sleeper = subprocess.Popen([PYTHON, "-c", "import time; time.sleep(30)"])
    try:
        time.sleep(0.2)
        old = datetime.now(timezone.utc) - timedelta(hours=1)
        _write_lock(tmp_path, LockInfo(sleeper.pid, socket.gethostname(), "x", old, "t"))
        assert is_stale(read_lock(tmp_path))
        # The same live pid, with a lock written after it started, is a real holder.
        _write_lock(tmp_path, LockInfo(sleeper.pid, socket.gethostname(), "x", datetime.now(timezone.utc), "t"))
        assert not is_stale(read_lock(tmp_path))
        with pytest.raises(LockHeld):
            acquire(tmp_path)
    finally:
        sleeper.kill()
        sleeper.wait()


def test_another_host_is_never_judged_stale_but_can_be_forced(tmp_path: Path) -> None:
    _write_lock(tmp_path, LockInfo(12345, "some-other-host", "bob",
                                   datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc), "t"))
    with pytest.raises(LockHeld) as info:
        acquire(tmp_path)
    assert "some-other-host" in str(info.value) and "user bob" in str(info.value) and "2026-01-02 03:04 UTC" in str(info.value)
    with acquire(tmp_path, force=True):
        assert read_lock(tmp_path).host == socket.gethostname()


def test_garbage_lock_file_is_taken_over_once_it_is_not_fresh(tmp_path: Path) -> None:
    path = tmp_path / LOCK_NAME
    path.write_bytes(b"\x00garbage")
    old = time.time() - 60
    os.utime(path, (old, old))
    with acquire(tmp_path, timeout=1):
        assert read_lock(tmp_path).pid == os.getpid()
    # A fresh, still empty lock (a holder between create and write) is waited for, then judged.
    path.write_bytes(b"")
    t0 = time.monotonic()
    with acquire(tmp_path, timeout=5):
        assert time.monotonic() - t0 >= 1.0


def test_release_never_removes_someone_elses_lock(tmp_path: Path) -> None:
    mine = acquire(tmp_path)
    _write_lock(tmp_path, LockInfo(1, "elsewhere", "", datetime.now(timezone.utc), "theirs"))
    assert not mine.held
    mine.release()
    assert read_lock(tmp_path).token == "theirs"


@pytest.mark.parametrize("racers", [6])
def test_racing_for_a_stale_lock_exactly_one_wins(tmp_path: Path, racers: int) -> None:
    for round_ in range(3):
        dead = subprocess.Popen([PYTHON, "-c", "pass"])
        dead.wait()
        _write_lock(tmp_path, LockInfo(dead.pid, socket.gethostname(), "", datetime.now(timezone.utc), "dead"))
        go = tmp_path / f"go-{round_}"
        procs = [subprocess.Popen([PYTHON, CHILD, str(tmp_path), "--go", str(go)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, cwd=ROOT) for _ in range(racers)]
        time.sleep(1.0)  # let them all import and wait on the start line
        go.touch()
        lines = [p.stdout.readline().strip() for p in procs]
        winners = [line for line in lines if line.startswith("won")]
        assert len(winners) == 1, lines
        winner_pid = int(winners[0].split()[1])
        assert all(line == f"held {winner_pid} {socket.gethostname()}" for line in lines if not line.startswith("won"))
        assert read_lock(tmp_path).pid == winner_pid
        for p in procs:
            p.stdin.close()
            p.wait(10)
        assert not (tmp_path / LOCK_NAME).exists()


def test_a_folder_where_no_lock_can_be_made_offers_read_only(tmp_path: Path) -> None:
    from reviewer.lock import LockUnavailable

    with pytest.raises(LockHeld) as info:         # callers offering read-only on LockHeld do so here too
        acquire(tmp_path / "missing")
    assert isinstance(info.value, LockUnavailable)
    assert "read-only" in str(info.value) and str(tmp_path / "missing") in str(info.value)


def test_the_write_guard_is_reentrant_in_a_thread_and_exclusive_across_threads(tmp_path) -> None:
    import threading

    from reviewer.lock import write_guard

    order: list[str] = []
    with write_guard(tmp_path):
        with write_guard(tmp_path):            # nested: must not wait for itself
            order.append("nested")
        other = threading.Thread(target=lambda: (write_guard(tmp_path).__enter__(), order.append("other")))
        other.start()
        other.join(0.3)
        assert order == ["nested"]              # another thread waits while this one holds it
    other.join(10)
    assert order == ["nested", "other"]
