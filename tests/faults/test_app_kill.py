"""SIGKILL of the app in a real terminal (tmux): after tags, a note typed in the note editor, a
delete and an undo, ``kill -9``; a fresh load of the set holds exactly what the screen showed.

The expected state is the same steps replayed through a Session on a copy of the set taken before
the app started (ids differ, so annotations are compared by span, categories and note), and the
annotation count the pane's status line showed just before the kill.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
from pathlib import Path

import pytest

from reviewer.inputs import load_documents
from reviewer.session import Session
from reviewer.store import AnnotationStore
from tests.tui.test_tmux import DOC, Tmux

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

NOTE = "kept [b]note[/b]"   # markup in a note is text


def _state(set_dir: Path, seeds: Path) -> list[tuple]:
    docs, errors = load_documents([seeds])
    assert not errors
    s = Session(AnnotationStore.open(set_dir), docs)
    return sorted((a.start, a.end, a.categories, a.note) for a in s.annotations(DOC) + s.orphans(DOC))


def _expected(copy: Path, seeds: Path) -> list[tuple]:
    """The app's steps, replayed through the session API."""
    docs, _ = load_documents([seeds])
    s = Session(AnnotationStore.open(copy), docs)
    c = s.document(DOC).clauses
    assert s.toggle_category(DOC, c[1].start, c[1].end, "first-party-collection").saved
    assert s.toggle_category(DOC, c[2].start, c[2].end, "third-party-sharing").saved
    third = s.toggle_category(DOC, c[3].start, c[3].end, "user-choice")
    assert s.set_note(DOC, third.annotation, NOTE).saved
    (second,) = s.annotations_at(DOC, c[2].start, c[2].end)
    assert s.delete(DOC, second.id).saved
    assert s.toggle_category(DOC, c[1].start, c[1].end, "data-retention").saved
    assert s.undo().saved
    return _state(copy, seeds)


def test_sigkill_after_tags_note_delete_and_undo_shows_the_screen_state(tmp_path: Path, seeds: Path,
                                                                       demo_set: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(demo_set, copy)
    tmux = Tmux(tmp_path, seeds, demo_set)
    try:
        tmux.wait_for("clause 1/")
        tmux.keys("j", "1", "j", "2", "j", "3", "a")       # three tags, then the note editor on the third
        tmux.wait_for("^s Keep")
        tmux.keys("-l", NOTE)                               # typed as text, not key names
        tmux.wait_for(NOTE)                                 # shown in the editor, as a person would see it
        tmux.keys("C-s", "k", "x", "k", "5", "u")          # keep; delete the second; tag the first, undo that
        screen = tmux.wait_for("Undid: Tagged Data Retention")
        shown = int(re.search(r"clause 2/\d+(?::\d+)? · (\d+) annotations", screen).group(1))
        os.kill(tmux.pid(), signal.SIGKILL)
        tmux.wait_exit()
    finally:
        tmux.close()
    after = _state(demo_set, seeds)
    assert len(after) == shown                       # what the status line counted
    assert after == _expected(copy, seeds)           # and exactly the same annotations
    assert [a for a in after if a[3] == NOTE]        # the typed note reached the disk
    assert not [p for p in demo_set.iterdir() if p.name.startswith(".") and p.suffix == ".tmp"]


def test_sigkill_right_after_a_note_shows_in_the_editor_keeps_it(tmp_path: Path, seeds: Path,
                                                                 demo_set: Path) -> None:
    """The note editor's text is on disk (as a draft) as soon as it shows: killed the moment the
    last character appears, the next start commits it to its annotation."""
    typed = "crash draft note XYZ"
    tmux = Tmux(tmp_path, seeds, demo_set)
    try:
        tmux.wait_for("clause 1/")
        tmux.keys("j", "1", "a")
        tmux.wait_for("^s Keep")
        tmux.keys("-l", typed)
        tmux.wait_for(typed)
        os.kill(tmux.pid(), signal.SIGKILL)
        tmux.wait_exit()
    finally:
        tmux.close()
    (tmp_path / "again").mkdir()
    again = Tmux(tmp_path / "again", seeds, demo_set)
    try:
        again.wait_for("Restored an unsaved note draft")
        again.keys("q")
        again.wait_exit()
    finally:
        again.close()
    assert [a for a in _state(demo_set, seeds) if a[3] == typed]
