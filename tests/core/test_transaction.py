"""Several files written as one step: all or none, and what a killed step leaves is finished or undone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reviewer.transaction import JOURNAL, STAGING, commit, recover


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs (no except OSError, no clean-up)."""


def _stop_after(monkeypatch: pytest.MonkeyPatch, renames: int) -> None:
    real = os.replace
    calls = {"n": 0}

    def replace(src, dst):  # type: ignore[no-untyped-def]  # stands in for os.replace
        if Path(dst).name != JOURNAL:
            calls["n"] += 1
            if calls["n"] > renames:
                raise Killed()
        return real(src, dst)
    monkeypatch.setattr(os, "replace", replace)


def test_commit_writes_replaces_and_removes_together(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text("old a")
    (tmp_path / "gone.toml").write_text("old gone")
    written = commit(tmp_path, {"a.toml": b"new a", "b.toml": b"new b", "gone.toml": None})
    assert written == [tmp_path / "a.toml", tmp_path / "b.toml", tmp_path / "gone.toml"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.toml", "b.toml"]
    assert (tmp_path / "a.toml").read_text() == "new a" and (tmp_path / "b.toml").read_text() == "new b"


def test_a_step_killed_after_its_journal_is_finished_except_where_another_writer_came_since(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.toml").write_text(f"old {name}")
    _stop_after(monkeypatch, 1)
    with pytest.raises(Killed):
        commit(tmp_path, {"a.toml": b"new a", "b.toml": b"new b", "c.toml": None})
    monkeypatch.undo()
    assert (tmp_path / STAGING / JOURNAL).exists()
    assert [(tmp_path / f"{n}.toml").read_text() for n in "abc"] == ["new a", "old b", "old c"]
    (tmp_path / "b.toml").write_text("an editor wrote this after the kill")
    warnings = recover(tmp_path)
    assert len(warnings) == 1 and "b.toml" in warnings[0] and "\n" not in warnings[0]
    assert (tmp_path / "a.toml").read_text() == "new a"
    assert (tmp_path / "b.toml").read_text() == "an editor wrote this after the kill"
    assert not (tmp_path / "c.toml").exists()  # the removal is finished too
    assert not (tmp_path / STAGING).exists()


def test_a_step_killed_before_its_journal_is_undone(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text("old a")
    staging = tmp_path / STAGING  # what a kill while staging leaves: new files, links to old ones
    staging.mkdir()
    (staging / "0.new").write_text("new a")
    os.link(tmp_path / "a.toml", staging / "0.old")
    (staging / "1.new").write_text("new b")
    assert recover(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.toml"]
    assert (tmp_path / "a.toml").read_text() == "old a"


def test_a_failed_rename_puts_every_file_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.toml").write_text("old a")
    (tmp_path / "c.toml").write_text("old c")
    real = os.replace
    calls = {"n": 0}

    def replace(src, dst):  # type: ignore[no-untyped-def]  # stands in for os.replace
        if Path(dst).name != JOURNAL and Path(src).parent.name == STAGING and Path(dst).parent == tmp_path:
            calls["n"] += 1
            if calls["n"] == 3:
                raise OSError(5, "Input/output error")
        return real(src, dst)
    monkeypatch.setattr(os, "replace", replace)
    from reviewer.transaction import CommitError
    with pytest.raises(CommitError, match="the set is unchanged"):
        commit(tmp_path, {"a.toml": b"new a", "b.toml": b"new b", "c.toml": b"new c"})
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.toml", "c.toml"]
    assert [(tmp_path / n).read_text() for n in ("a.toml", "c.toml")] == ["old a", "old c"]


def test_commands_warn_about_an_interrupted_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from reviewer.commands.common import open_set
    from reviewer.store import AnnotationStore

    AnnotationStore.open(tmp_path / "set")
    (tmp_path / "set" / STAGING).mkdir()
    assert open_set(tmp_path / "set") is not None
    err = capsys.readouterr().err
    assert "interrupted" in err and "run it again" in err and len(err.strip().splitlines()) == 1
