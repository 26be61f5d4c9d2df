"""The workspace kept between runs: written atomically outside the set, stale or bad files ignored."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from reviewer.workspace_state import PaneState, WorkspaceState, load_state, save_state, state_path


def test_round_trip_outside_the_set(tmp_path: Path) -> None:
    set_dir = tmp_path / "set"
    set_dir.mkdir()
    state = WorkspaceState((PaneState("a", 12), PaneState("b", 0)), 1, "reviewer-light")
    assert save_state(set_dir, state) is None
    assert list(set_dir.iterdir()) == []  # never inside the set
    assert load_state(set_dir) == state
    link = tmp_path / "link"
    link.symlink_to(set_dir)
    assert load_state(link) == state  # keyed by the real path
    assert load_state(tmp_path / "other") is None


def test_stale_documents_are_dropped_and_the_active_pane_follows(tmp_path: Path) -> None:
    state = WorkspaceState((PaneState("gone", 3), PaneState("b", 5), PaneState("c", 1)), 2, None)
    kept = state.only({"b", "c"})
    assert kept is not None and [p.document for p in kept.panes] == ["b", "c"] and kept.active == 1
    assert state.only({"x"}) is None


@given(st.binary(max_size=200))
def test_any_bytes_in_the_state_file_are_ignored_without_a_traceback(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        set_dir = Path(tmp) / "set"
        set_dir.mkdir()
        path = state_path(set_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        result = load_state(set_dir)
        assert result is None or isinstance(result, WorkspaceState)


def test_wrong_shapes_are_ignored(tmp_path: Path) -> None:
    import json
    import os

    set_dir = tmp_path / "set"
    set_dir.mkdir()
    path = state_path(set_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    real = os.path.realpath(set_dir)
    for data in ([], {"version": 99, "set": real}, {"version": 1, "set": "/elsewhere", "panes": []},
                 {"version": 1, "set": real, "panes": "x", "active": "y", "theme": 3}):
        path.write_text(json.dumps(data))
        result = load_state(set_dir)
        assert result is None or result.panes == ()
    path.write_text(json.dumps({"version": 1, "set": real, "panes": [{"document": "a", "caret": "9"},
                                                                     {"document": "b", "caret": -4}]}))
    assert load_state(set_dir).panes == (PaneState("b", 0),)
