"""Read-only means no write on any path: every writing entry point of a Session (and of the
Suggester that writes suggestions.toml) is driven in read-only mode, including after another
program deleted or changed a file, and the set folder's bytes never change."""

from __future__ import annotations

from pathlib import Path

from reviewer.session import READ_ONLY, Step
from reviewer.suggestions.engine import Suggestion
from reviewer.tui.suggesting import Suggester
from tests.faults.support import POLICY_A, POLICY_B, new_session, write_docs


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_every_writing_entry_point_writes_nothing_when_read_only(tmp_path: Path) -> None:
    docs = write_docs(tmp_path / "docs", {"alpha": POLICY_A, "beta": POLICY_B})
    set_dir = tmp_path / "set"
    writer = new_session(set_dir, docs)
    a = writer.document("alpha")
    c1, c2 = a.clauses[1], a.clauses[2]
    tagged = writer.toggle_category("alpha", c1.start, c1.end, "other").annotation
    b = writer.document("beta")
    writer.toggle_category("beta", b.clauses[0].start, b.clauses[0].end, "other")

    s = new_session(set_dir, docs)           # a second instance: read-only, with history of its own
    s.toggle_category("alpha", c2.start, c2.end, "other")
    s.read_only = True
    before = snapshot(set_dir)

    def calls():
        yield s.toggle_category("alpha", c1.start, c1.end, "data-security")
        yield s.set_categories("alpha", c2.start, c2.end, ["data-retention"], {"level": 1})
        yield s.set_note("alpha", tagged, "a note")
        yield s.delete("alpha", tagged)
        yield s.delete_orphan("alpha", tagged)
        yield s.reattach("alpha", tagged, c2.start, c2.end)
        yield s.orphan("alpha", tagged)
        yield s.undo()
        yield s.redo()
        yield from s.save()
        yield from s.save(force=True)
        yield s.check_external("alpha")
        yield s.check_external("beta")
        suggester = Suggester(s)
        yield suggester.reject(Suggestion("beta", b.clauses[1].start, b.clauses[1].end, ("other",), {"other": 0.9}))
        yield suggester.accept(Suggestion("beta", b.clauses[1].start, b.clauses[1].end, ("other",), {"other": 0.9}))

    for out in calls():
        assert snapshot(set_dir) == before, out

    wrote: list[str] = []
    s.record(Step("alpha", "an outside step", lambda: wrote.append("undo"), lambda: wrote.append("redo")))
    assert s.undo().error == READ_ONLY and not wrote

    # Another program deletes one file and rewrites the other: still nothing is written back.
    (set_dir / "alpha.toml").unlink()
    beta = set_dir / "beta.toml"
    beta.write_text(beta.read_text() + "\n# touched\n")
    before = snapshot(set_dir)
    for out in (s.check_external("alpha"), s.check_external("beta"), *s.save(), *s.save(force=True),
                s.toggle_category("alpha", c1.start, c1.end, "other"), s.undo()):
        assert snapshot(set_dir) == before, out
    assert not (set_dir / "alpha.toml").exists()
    assert s.pending == set()
    assert len(s.annotations("alpha")) == 2     # what it showed is still shown
