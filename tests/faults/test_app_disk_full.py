"""Disk full and read-only in the app (Pilot): a write that fails shows a clear error naming the
file, the pane keeps the change (and the status line says it is unsaved), the previous file stays
byte for byte, quitting asks twice, and ``ctrl+s`` writes everything once the disk is usable.

Two ways to break the disk: a real 200 KB tmpfs filled up (ENOSPC; skipped where mount is not
allowed) and an OSError injected half way through the write call (ENOSPC, EACCES, EROFS)."""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest

import reviewer.atomic as atomic_module
from tests.apps import app_over, notifications
from reviewer.tui.app import ReviewerApp
from reviewer.tui.widgets.pane_frame import PaneFrame
from reviewer.tui.widgets.policy_pane import PolicyPane
from tests.faults.support import memory, raw_file
from tests.faults.test_disk_full import _ShortWrites, tmpfs  # noqa: F401 - tmpfs is a fixture
from tests.tui.conftest import drive

DOC = "picker-top"


def _app(seeds: Path, set_dir: Path) -> ReviewerApp:
    return app_over([seeds / f"{DOC}.txt", seeds / "picky-assist.txt"], set_dir)


def _errors(app: ReviewerApp) -> list[str]:
    return notifications(app, severity="error")


def _fail_in_the_app(app: ReviewerApp, set_dir: Path, break_disk, mend_disk, fragment: str):
    path = set_dir / f"{DOC}.toml"

    async def scenario(pilot) -> None:
        pane = app.screen.query_one(PolicyPane)
        frame = app.screen.query_one(PaneFrame)
        await pilot.press("j", "1")                      # written normally
        before = path.read_bytes()
        shown = len(pane.annotations)
        break_disk()
        try:
            await pilot.press("j", "2")
            await pilot.pause()
            errors = _errors(app)
            assert errors and fragment in errors[-1] and str(path) in errors[-1], errors
            assert len(pane.annotations) == shown + 1    # on screen, in memory
            assert app.session.pending == {DOC}
            assert "unsaved (ctrl+s)" in str(frame.query_one("StatusLine").render())
            await pilot.press("a")                       # a note typed while the disk is full
            await pilot.press(*"typed while full", "ctrl+s")
            await pilot.pause()
            target = pane.target_annotation()
            assert target is not None and target.note == "typed while full"
            await pilot.press("ctrl+s")                  # still broken: says so, nothing written
            await pilot.pause()
            assert "still not written" in _errors(app)[-1]
            assert path.read_bytes() == before
            assert not [p for p in set_dir.iterdir() if p.name.startswith(atomic_module.TEMP_PREFIX)]
            await pilot.press("q")                       # unwritten changes: quitting asks first
            await pilot.pause()
            assert app.is_running and "press q again" in _errors(app)[-1]
        finally:
            mend_disk()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.session.pending == set()
        assert "unsaved" not in str(frame.query_one("StatusLine").render())
        assert raw_file(set_dir, DOC) == memory(app.session, DOC)
        assert any(a.note == "typed while full" for a in raw_file(set_dir, DOC).values())

    drive(app, scenario)


def test_app_on_a_real_full_tmpfs(seeds: Path, demo_set: Path, tmpfs: Path) -> None:  # noqa: F811
    set_dir = tmpfs / "set"
    subprocess.run(["cp", "-r", str(demo_set), str(set_dir)], check=True)
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

    _fail_in_the_app(_app(seeds, set_dir), set_dir, fill, filler.unlink, "No space left on device")


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES, errno.EROFS])
def test_app_with_an_error_injected_at_the_write_call(seeds: Path, demo_set: Path, monkeypatch, code: int) -> None:
    fake = _ShortWrites(code)
    _fail_in_the_app(_app(seeds, demo_set), demo_set, lambda: monkeypatch.setattr(atomic_module, "os", fake),
                     lambda: monkeypatch.setattr(atomic_module, "os", os), os.strerror(code))
    assert fake.failures >= 3
