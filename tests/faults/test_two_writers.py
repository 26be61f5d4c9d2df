"""Two writers on one set: the lock tells the second one who holds it (read-only is offered); a
stale lock is taken over; without the lock, concurrent sessions and other tools are merged by id
and never overwritten."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
from pathlib import Path

import pytest

from reviewer.lock import LockHeld, acquire, read_lock
from reviewer.session import READ_ONLY
from reviewer.store import AnnotationStore
from tests.faults.support import (POLICY_A, POLICY_B, PYTHON, ROOT, drive_session, memory, new_session, raw_file,
                                  write_docs)

LOCK_CHILD = str(ROOT / "tests" / "faults" / "lock_child.py")


def test_second_instance_is_told_and_goes_read_only_then_takes_over_a_stale_lock(tmp_path: Path) -> None:
    docs = write_docs(tmp_path / "docs", {"alpha": POLICY_A})
    set_dir = tmp_path / "set"
    first = new_session(set_dir, docs)
    c = docs[0].clauses[2]
    first.toggle_category("alpha", c.start, c.end, "other")
    before = (set_dir / "alpha.toml").read_bytes()
    app = subprocess.Popen([PYTHON, LOCK_CHILD, str(set_dir)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                           text=True, cwd=ROOT)
    assert app.stdout.readline().startswith("won")
    try:
        with pytest.raises(LockHeld) as held:
            acquire(set_dir)
        assert held.value.pid == app.pid and held.value.host == socket.gethostname()
        viewer = new_session(set_dir, docs)
        viewer.read_only = True
        assert len(viewer.annotations("alpha")) == 1          # it can read
        for out in (viewer.toggle_category("alpha", c.start, c.end, "data-security"),
                    viewer.delete("alpha", viewer.annotations("alpha")[0].id)):
            assert out.error == READ_ONLY
        assert (set_dir / "alpha.toml").read_bytes() == before
    finally:
        os.kill(app.pid, signal.SIGKILL)      # the first app dies without releasing
        app.wait()
    assert read_lock(set_dir).pid == app.pid   # stale lock left behind
    with acquire(set_dir):
        editor = new_session(set_dir, docs)
        assert editor.toggle_category("alpha", c.start, c.end, "data-security").saved
    assert raw_file(set_dir, "alpha")[first.annotations("alpha")[0].id].categories == ("other", "data-security")


@pytest.mark.parametrize("steps", [40, pytest.param(300, marks=pytest.mark.long)])
def test_two_sessions_writing_at_once_lose_nothing(tmp_path: Path, steps: int) -> None:
    docs_dir = tmp_path / "docs"
    docs = write_docs(docs_dir, {"alpha": POLICY_A, "beta": POLICY_B})
    set_dir = tmp_path / "set"
    AnnotationStore.open(set_dir)
    child = subprocess.Popen([PYTHON, "-m", "tests.faults.session_child", str(set_dir), str(docs_dir), "1", str(steps), "7"],
                             stdout=subprocess.PIPE, text=True, cwd=ROOT)
    ours = drive_session(set_dir, docs_dir, 0, steps, 3)
    out, _ = child.communicate(timeout=300)
    assert child.returncode == 0
    theirs = json.loads(out)
    final = new_session(set_dir, docs)
    for doc in docs:
        expected = {**ours[doc.id], **theirs[doc.id]}
        on_disk = raw_file(set_dir, doc.id)
        assert {i: [list(a.categories), a.note] for i, a in on_disk.items()} == expected
        assert memory(final, doc.id) == on_disk


def test_another_tool_edits_the_file_by_hand_and_is_merged(tmp_path: Path) -> None:
    docs = write_docs(tmp_path / "docs", {"alpha": POLICY_A})
    set_dir = tmp_path / "set"
    s = new_session(set_dir, docs)
    doc = docs[0]
    c1, c2, c3 = doc.clauses[1], doc.clauses[3], doc.clauses[5]
    mine = s.toggle_category("alpha", c1.start, c1.end, "other").annotation
    path = set_dir / "alpha.toml"
    # An editor appends a hand-written annotation (no prefix/suffix/dates) and edits our note.
    text = path.read_text().replace('note = ""', 'note = "edited in vim"')
    quote = doc.text[c2.start:c2.end].replace("\\", "\\\\").replace('"', '\\"')
    text += f'\n[[annotation]]\nid = "by-hand"\nstart = {c2.start}\nend = {c2.end}\nquote = "{quote}"\n' \
            f'categories = ["data-retention"]\n'
    path.write_text(text)
    out = s.toggle_category("alpha", c3.start, c3.end, "data-security")
    assert out.merged and "1 added" in out.merged and "1 changed" in out.merged
    on_disk = raw_file(set_dir, "alpha")
    assert set(on_disk) == {mine, "by-hand", out.annotation}
    assert on_disk[mine].note == "edited in vim" and on_disk["by-hand"].categories == ("data-retention",)
    assert memory(s, "alpha") == on_disk
