"""Every file the tool writes in a set is read, merged and written under the write guard: a
rejection another program added to suggestions.toml meanwhile survives the app's next reject or
undo, and a file that cannot be read is never overwritten (suggestions.toml, set.toml)."""

from __future__ import annotations

from pathlib import Path

from reviewer.store import AnnotationStore
from reviewer.suggestions import Rejections
from reviewer.suggestions.engine import Suggestion
from reviewer.tui.suggesting import Suggester
from tests.faults.support import POLICY_A, POLICY_B, new_session, write_docs

OUTSIDE = '''
[[rejected]]
document = "beta"
start = 0
end = 10
category = "data-security"
quote = "added by a script"
'''


def _setup(tmp_path: Path):
    docs = write_docs(tmp_path / "docs", {"alpha": POLICY_A, "beta": POLICY_B})
    set_dir = tmp_path / "set"
    s = new_session(set_dir, docs)
    suggester = Suggester(s)
    a = s.document("alpha")
    return set_dir, s, suggester, [Suggestion("alpha", c.start, c.end, ("other",), {"other": 0.9}) for c in a.clauses[:3]]


def test_a_rejection_added_by_another_program_survives_the_apps_reject_and_undo(tmp_path: Path) -> None:
    set_dir, s, suggester, (first, second, third) = _setup(tmp_path)
    assert suggester.reject(first).error is None
    path = set_dir / "suggestions.toml"
    path.write_text(path.read_text() + OUTSIDE)            # git pull, an editor, a script
    assert suggester.reject(second).error is None
    quotes = {r.quote for r in Rejections.load(set_dir)}
    assert "added by a script" in quotes and len(quotes) == 3
    assert s.undo().error is None                          # undo the second rejection
    assert s.undo().error is None                          # and the first
    left = list(Rejections.load(set_dir))
    assert [r.quote for r in left] == ["added by a script"]
    assert suggester.rejections.is_rejected("beta", 0, 10, "data-security", "added by a script")


def test_an_unreadable_suggestions_file_is_never_overwritten(tmp_path: Path) -> None:
    set_dir, s, suggester, (first, second, _) = _setup(tmp_path)
    assert suggester.reject(first).error is None
    path = set_dir / "suggestions.toml"
    path.write_bytes(b"[[rejected]\ngarbage = ")
    out = suggester.reject(second)
    assert out.error and "suggestions.toml" in out.error
    assert path.read_bytes() == b"[[rejected]\ngarbage = "
    assert s.undo().error                                   # undoing the first would write it too
    assert path.read_bytes() == b"[[rejected]\ngarbage = "


def test_an_unreadable_set_toml_is_never_overwritten(tmp_path: Path) -> None:
    set_dir = tmp_path / "set"
    set_dir.mkdir()
    (set_dir / "set.toml").write_bytes(b"name = [unclosed")
    store = AnnotationStore.open(set_dir)
    assert store.meta_error and "set.toml" in store.meta_error
    assert (set_dir / "set.toml").read_bytes() == b"name = [unclosed"
