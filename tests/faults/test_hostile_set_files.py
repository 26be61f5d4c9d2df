"""What git or a careless user can leave in a set folder: a FIFO, a symlink to /dev/zero, a policy
whose annotation file name would be too long, a set.toml with a date-time out of range. Each is
one line naming the file (``check`` exits 2; a warning in the app) and everything else loads;
nothing hangs, nothing is written over."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.apps import notifications
from reviewer.tui.app import ReviewerApp
from reviewer.tui.launch import prepare
from reviewer.tui.widgets.policy_pane import PolicyPane
from tests.faults.test_bad_input import DOC, REVIEWER, _check, _docs, _timed

OTHER = "Other policy. We keep your data for a year. We never sell it."


def _make(path: Path, kind: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    else:
        os.symlink("/dev/zero", path)


def _toasts(app: ReviewerApp) -> list[str]:
    return notifications(app)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
@pytest.mark.parametrize("where", [f"{DOC}.toml", "set.toml", "suggestions.toml", ".reviewer.lock"])
def test_a_fifo_or_a_link_to_dev_zero_in_the_set_is_one_line_and_never_hangs(tmp_path: Path, seeds: Path,
                                                                            kind: str, where: str) -> None:
    folder = _docs(tmp_path, seeds)
    (folder / "other.txt").write_text(OTHER, encoding="utf-8")
    set_dir = tmp_path / "set"
    set_dir.mkdir()
    path = set_dir / where
    _make(path, kind)
    out = _check(folder, set_dir)             # a hang here is a TimeoutExpired: the test fails, it does not hang
    assert "Traceback" not in out.stderr + out.stdout
    if where in (f"{DOC}.toml", "set.toml"):
        assert out.returncode == 2, out.stderr
        line, = [x for x in out.stderr.splitlines() if str(path) in x]
        assert "not a regular file" in line
    else:
        assert out.returncode == 0, out.stderr
    workspace, _ = prepare([folder], set_dir, lock=False)
    app = ReviewerApp(workspace)

    async def scenario(pilot) -> None:
        await pilot.pause()
        if where in (f"{DOC}.toml", "set.toml"):
            assert any(str(path) in t and "not a regular file" in t for t in _toasts(app)), _toasts(app)
        other = app.session.document("other")
        c = other.clauses[1]
        assert app.session.toggle_category("other", c.start, c.end, "other").saved   # the rest works
        assert app.screen.query(PolicyPane)

    _timed(app, scenario, 60)
    assert path.is_symlink() if kind == "dev-zero" else path.is_fifo()   # never replaced


@pytest.mark.parametrize("long_name", ["p" * 252, "p" * 255, "p" * 251 + ".txt"])
def test_a_policy_whose_annotation_file_name_is_too_long_is_one_line(tmp_path: Path, long_name: str) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / long_name).write_text("We keep your data. We share it with partners.", encoding="utf-8")
    (folder / "other.txt").write_text(OTHER, encoding="utf-8")
    inputs = [folder / long_name, folder / "other.txt"]
    set_dir = tmp_path / "set"
    set_dir.mkdir(exist_ok=True)
    out = subprocess.run([str(REVIEWER), "check", *map(str, inputs), "--annotations", str(set_dir)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    (line,) = [x for x in out.stderr.splitlines() if "file name" in x]
    assert line.startswith("reviewer: ") and "rename the document" in line
    workspace, _ = prepare(inputs, set_dir, lock=False)
    app = ReviewerApp(workspace)
    doc_id = Path(long_name).stem

    async def scenario(pilot) -> None:
        await pilot.pause()
        assert "file name" in (app.session.load_error(doc_id) or "")
        other = app.session.document("other")
        c = other.clauses[1]
        assert app.session.toggle_category("other", c.start, c.end, "other").saved

    _timed(app, scenario, 60)


def test_a_set_toml_with_a_date_time_out_of_range_is_one_line_and_the_set_loads(tmp_path: Path, seeds: Path) -> None:
    folder = _docs(tmp_path, seeds)
    set_dir = tmp_path / "set"
    set_dir.mkdir()
    meta = set_dir / "set.toml"
    data = b'schema = 1\nname = "s"\nannotator = "a"\ncreated = 0001-01-01T00:00:00+01:00\n'
    meta.write_bytes(data)
    out = _check(folder, set_dir)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    (line,) = [x for x in out.stderr.splitlines() if str(meta) in x]
    assert "out of range" in line
    workspace, _ = prepare([folder], set_dir, lock=False)
    assert any(str(meta) in w for w in workspace.warnings)
    doc = workspace.session.document(DOC)
    c = doc.clauses[1]
    assert workspace.session.toggle_category(DOC, c.start, c.end, "other").saved
    assert meta.read_bytes() == data
