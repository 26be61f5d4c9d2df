"""The editing session: every change on disk at once, undo/redo, merges with outside changes."""

from __future__ import annotations

import errno
from datetime import timedelta
import shutil
import tempfile
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reviewer.store as store_module
from reviewer.store import Annotation, AnnotationFile, AnnotationStore, dump_annotation_file, parse_annotation_file
from reviewer.session import READ_ONLY, Outcome, Session
from tests.faults.support import (POLICY_A, POLICY_B, memory, new_session, raw_file, reopened, span_of,
                                  write_docs)


@pytest.fixture
def setup(tmp_path: Path):
    docs = write_docs(tmp_path / "docs", {"alpha": POLICY_A, "beta": POLICY_B})
    set_dir = tmp_path / "set"
    return set_dir, docs, new_session(set_dir, docs)


def clause(doc, needle: str) -> tuple[int, int]:
    """The clause containing ``needle``."""
    pos = doc.text.index(needle)
    c = doc.clauses[doc.clause_index_at(pos)]
    return c.start, c.end


def assert_disk_is_memory(session: Session, set_dir: Path, doc_id: str) -> None:
    assert raw_file(set_dir, doc_id) == memory(session, doc_id)


# -- tagging ---------------------------------------------------------------------------------------

def test_toggle_creates_an_annotation_on_disk_before_returning(setup) -> None:
    set_dir, docs, s = setup
    doc = s.document("alpha")
    start, end = clause(doc, "We keep your information")
    out = s.toggle_category("alpha", start, end, "data-retention")
    assert out == Outcome("alpha", "Tagged Data Retention", out.annotation, True)
    assert out.annotation
    on_disk = raw_file(set_dir, "alpha")
    ann = on_disk[out.annotation]
    assert (ann.start, ann.end, ann.categories) == (start, end, ("data-retention",))
    assert ann.quote == doc.text[start:end]
    af = parse_annotation_file((set_dir / "alpha.toml").read_text(), set_dir / "alpha.toml")
    assert af.sha256 == doc.sha256 and af.source == "alpha.txt" and af.document == "alpha"
    assert s.pending == set()
    assert s.annotations("alpha") == [ann]


def test_toggle_adds_and_removes_categories_and_the_last_one_deletes(setup) -> None:
    set_dir, _, s = setup
    start, end = clause(s.document("alpha"), "We share data")
    first = s.toggle_category("alpha", start, end, "third-party-sharing")
    second = s.toggle_category("alpha", start, end, "data-security")
    assert second.annotation == first.annotation
    assert raw_file(set_dir, "alpha")[first.annotation].categories == ("third-party-sharing", "data-security")
    off = s.toggle_category("alpha", start, end, "third-party-sharing")
    assert off.message == "Untagged Third Party Sharing/Collection"
    assert raw_file(set_dir, "alpha")[first.annotation].categories == ("data-security",)
    gone = s.toggle_category("alpha", start, end, "data-security")
    assert gone.annotation is None and gone.message.startswith("Deleted the annotation")
    assert raw_file(set_dir, "alpha") == {}
    assert (set_dir / "alpha.toml").exists()  # kept, empty: the deletion is recorded


def test_toggle_on_a_different_span_creates_a_second_annotation(setup) -> None:
    set_dir, _, s = setup
    doc = s.document("alpha")
    start, end = clause(doc, "We share data")
    a = s.toggle_category("alpha", start, end, "third-party-sharing")
    b = s.toggle_category("alpha", start, start + 10, "data-security")     # another category: its own
    assert a.annotation != b.annotation
    assert len(s.annotations_at("alpha", start, start + 1)) == 2
    inside = s.toggle_category("alpha", start + 2, start + 10, "third-party-sharing")   # already said there
    assert inside.annotation is None and inside.message.startswith("Already tagged") and inside.saved
    assert s.counts("alpha")["third-party-sharing"] == 1 and len(raw_file(set_dir, "alpha")) == 2


def test_tagging_over_an_annotation_of_the_same_category_extends_it_and_undo_restores_it(setup) -> None:
    set_dir, _, s = setup
    doc = s.document("alpha")
    start, end = clause(doc, "We keep your information")
    first = s.toggle_category("alpha", start, end, "data-retention")
    s.set_note("alpha", first.annotation, "two years")
    before = raw_file(set_dir, "alpha")[first.annotation]
    more = s.toggle_category("alpha", end - 5, end + 20, "data-retention")   # overlaps and goes on
    assert more.annotation == first.annotation and "extended" in more.message
    on_disk = raw_file(set_dir, "alpha")
    assert list(on_disk) == [first.annotation]
    ann = on_disk[first.annotation]
    assert (ann.start, ann.end, ann.quote) == (start, end + 20, doc.text[start:end + 20])
    assert ann.note == "two years" and ann.created == before.created
    assert_disk_is_memory(s, set_dir, "alpha")
    s.undo()
    assert raw_file(set_dir, "alpha") == {first.annotation: before}
    s.redo()
    assert (raw_file(set_dir, "alpha")[first.annotation].end) == end + 20


def test_tagging_between_two_annotations_of_a_category_merges_them_into_one_and_undo_restores_both(setup) -> None:
    set_dir, _, s = setup
    doc = s.document("alpha")
    a0, a1 = span_of(doc, "We collect your name")
    b0, b1 = span_of(doc, "email address")
    c0, c1 = span_of(doc, "when you register")
    one = s.toggle_category("alpha", a0, a1, "first-party-collection")
    two = s.set_categories("alpha", c0, c1, ["first-party-collection"])
    s.set_note("alpha", one.annotation, "name")
    s.set_note("alpha", two.annotation, "register")
    both = raw_file(set_dir, "alpha")
    assert len(both) == 2
    # the middle phrase touches neither; a span from inside the first to inside the last joins all three
    merged = s.set_categories("alpha", a1 - 4, c0 + 4, ["first-party-collection"])
    assert "merged 2 annotations" in merged.message and merged.annotation == one.annotation
    on_disk = raw_file(set_dir, "alpha")
    assert list(on_disk) == [one.annotation]
    ann = on_disk[one.annotation]
    assert (ann.start, ann.end) == (a0, c1) and ann.note == "name\n\nregister"
    assert s.counts("alpha")["first-party-collection"] == 1
    touching = s.toggle_category("alpha", c1, c1 + 1, "first-party-collection")   # adjacent: joined too
    assert touching.annotation == one.annotation and raw_file(set_dir, "alpha")[one.annotation].end == c1 + 1
    s.undo()
    s.undo()                                     # one undo step brings both back, as they were
    assert raw_file(set_dir, "alpha") == both
    assert b0 > a1 and b1 < c0
    assert_disk_is_memory(s, set_dir, "alpha")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spans=st.lists(st.tuples(st.integers(0, 80), st.integers(1, 30)), min_size=1, max_size=8))
def test_annotations_of_one_category_alone_never_overlap_or_touch(spans) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        docs = write_docs(Path(tmp) / "docs", {"alpha": POLICY_A})
        s = new_session(Path(tmp) / "set", docs)
        for start, length in spans:
            s.toggle_category("alpha", start, start + length, "other")
        placed = sorted((a.start, a.end) for a in s.annotations("alpha"))
        for (_s0, e0), (s1, _e1) in zip(placed, placed[1:]):
            assert e0 < s1, placed


def test_refusals_change_nothing(setup) -> None:
    set_dir, _, s = setup
    n = len(s.document("alpha").text)
    for out in (s.toggle_category("alpha", 5, 5, "other"), s.toggle_category("alpha", -1, 4, "other"),
                s.toggle_category("alpha", 0, n + 1, "other"), s.toggle_category("alpha", 0, 4, "no-such-cat"),
                s.set_note("alpha", "nope", "x"), s.delete("alpha", "nope"), s.reattach("alpha", "nope", 0, 3)):
        assert out.error and out.annotation is None and out.saved
    assert not (set_dir / "alpha.toml").exists()
    assert s.undo() is None


def test_set_categories_creates_updates_and_deletes(setup) -> None:
    set_dir, _, s = setup
    start, end = clause(s.document("alpha"), "We protect your data")
    out = s.set_categories("alpha", start, end, ["data-security", "other", "data-security"],
                           {"security-measure": "secure data transfer"})
    ann = raw_file(set_dir, "alpha")[out.annotation]
    assert ann.categories == ("data-security", "other")
    assert ann.attributes == {"security-measure": "secure data transfer"}
    same = s.set_categories("alpha", start, end, ["data-security", "other"])
    assert same.message == "No change" and not s.can_redo
    s.set_categories("alpha", start, end, ["other"])
    ann = raw_file(set_dir, "alpha")[out.annotation]
    assert ann.categories == ("other",) and ann.attributes == {"security-measure": "secure data transfer"}
    s.set_categories("alpha", start, end, [])
    assert raw_file(set_dir, "alpha") == {}
    assert s.set_categories("alpha", start, end, []).message.startswith("Nothing")


def test_note_and_delete(setup) -> None:
    set_dir, _, s = setup
    start, end = clause(s.document("alpha"), "We collect your name")
    ident = s.toggle_category("alpha", start, end, "first-party-collection").annotation
    out = s.set_note("alpha", ident, "name + email\n\"quoted\" and [markup]")
    assert out.message == "Note saved" and out.annotation == ident
    assert raw_file(set_dir, "alpha")[ident].note == "name + email\n\"quoted\" and [markup]"
    assert s.set_note("alpha", ident, "").message == "Note cleared"
    out = s.delete("alpha", ident)
    assert out.annotation is None and out.message.startswith("Deleted annotation")
    assert raw_file(set_dir, "alpha") == {}


def test_updated_changes_and_created_stays(setup) -> None:
    _, _, s = setup
    start, end = clause(s.document("alpha"), "We collect your name")
    ident = s.toggle_category("alpha", start, end, "other").annotation
    before = s.annotations("alpha")[0]
    s.set_note("alpha", ident, "n")
    after = s.annotations("alpha")[0]
    assert after.created == before.created and after.updated >= before.updated


# -- what is on disk at open ------------------------------------------------------------------------

def _write_file(set_dir: Path, doc, anns: list[Annotation], **extra) -> Path:
    set_dir.mkdir(parents=True, exist_ok=True)
    path = set_dir / f"{doc.id}.toml"
    path.write_text(dump_annotation_file(AnnotationFile(doc.id, doc.path.name, "stale", anns, extra)))
    return path


def test_loading_never_writes_and_reports_moved_fuzzy_and_orphans(tmp_path: Path) -> None:
    docs = write_docs(tmp_path / "docs", {"alpha": POLICY_A})
    doc = docs[0]
    set_dir = tmp_path / "set"
    AnnotationStore.open(set_dir)
    s0, e0 = span_of(doc, "We share data with payment processors.")
    moved = Annotation.create(doc.text, s0, e0, ["third-party-sharing"], id="moved")
    moved = Annotation(**{**moved.__dict__, "start": s0 + 7, "end": e0 + 7})
    orphan = Annotation.create("x" * 40 + "This sentence is not in the policy at all, anywhere." + "y" * 40,
                               40, 92, ["mystery-category"], "keep me", id="orphan")
    path = _write_file(set_dir, doc, [moved, orphan], reviewed_by="someone")
    before = path.read_bytes()
    s = new_session(set_dir, docs)
    assert [a.id for a in s.annotations("alpha")] == ["moved"]
    assert s.annotations("alpha")[0].start == s0
    assert s.anchor_status("alpha") == {"moved": ("moved", 100.0)}
    assert [a.id for a in s.orphans("alpha")] == ["orphan"]
    assert any("orphan" in w for w in s.warnings("alpha"))
    assert any("mystery-category" in w for w in s.warnings("alpha"))
    assert s.counts("alpha") == {"third-party-sharing": 1, "mystery-category": 1}
    assert path.read_bytes() == before
    # The next change writes new offsets for the moved one, keeps the orphan verbatim, the unknown
    # category and the unknown top-level key.
    start, end = clause(doc, "We protect your data")
    s.toggle_category("alpha", start, end, "data-security")
    on_disk = raw_file(set_dir, "alpha")
    assert on_disk["moved"].start == s0 and on_disk["orphan"] == orphan
    assert parse_annotation_file(path.read_text(), path).extra == {"reviewed_by": "someone"}
    assert_disk_is_memory(s, set_dir, "alpha")


def test_orphan_reattach_and_delete_are_undoable(tmp_path: Path) -> None:
    docs = write_docs(tmp_path / "docs", {"alpha": POLICY_A})
    doc = docs[0]
    set_dir = tmp_path / "set"
    orphan = Annotation.create("Gone text that was removed from the policy long ago.", 0, 52, ["other"], id="orph")
    _write_file(set_dir, doc, [orphan])
    s = new_session(set_dir, docs)
    start, end = clause(doc, "We protect your data")
    out = s.reattach("alpha", "orph", start, end)
    assert out.annotation == "orph" and s.orphans("alpha") == []
    placed = raw_file(set_dir, "alpha")["orph"]
    assert (placed.start, placed.end, placed.quote) == (start, end, doc.text[start:end])
    assert s.delete_orphan("alpha", "orph").error  # it is placed now: refused
    s.undo()
    assert raw_file(set_dir, "alpha")["orph"] == orphan
    assert s.delete_orphan("alpha", "orph").annotation is None
    assert raw_file(set_dir, "alpha") == {}
    s.undo()
    assert raw_file(set_dir, "alpha") == {"orph": orphan} and [a.id for a in s.orphans("alpha")] == ["orph"]


def test_a_malformed_file_makes_the_document_read_only_and_is_never_touched(setup) -> None:
    set_dir, docs, _ = setup
    set_dir.mkdir(exist_ok=True)
    bad = set_dir / "alpha.toml"
    bad.write_text("schema = 1\n[[annotation]]\nid = 3\n")
    before = bad.read_bytes()
    s = new_session(set_dir, docs)
    assert "id must be a non-empty string" in s.load_error("alpha")
    assert s.annotations("alpha") == []
    out = s.toggle_category("alpha", 0, 5, "other")
    assert out.error and str(bad) in out.error and out.annotation is None
    assert bad.read_bytes() == before and s.pending == set() and s.undo() is None
    assert s.check_external("alpha") is None
    # Another program fixes it: the session picks it up and the document becomes editable.
    bad.write_text("schema = 1\n")
    out = s.check_external("alpha")
    assert out is not None and out.error is None and s.load_error("alpha") is None
    assert not s.toggle_category("alpha", 0, 5, "other").error


def test_read_only_session_refuses_everything(setup) -> None:
    set_dir, _, s = setup
    start, end = clause(s.document("alpha"), "We share data")
    s.toggle_category("alpha", start, end, "other")
    before = (set_dir / "alpha.toml").read_bytes()
    s.read_only = True
    ident = s.annotations("alpha")[0].id
    for out in (s.toggle_category("alpha", start, end, "data-security"), s.set_note("alpha", ident, "x"),
                s.delete("alpha", ident), s.set_categories("alpha", start, end, []), s.undo()):
        assert out is not None and out.error == READ_ONLY
    assert (set_dir / "alpha.toml").read_bytes() == before
    assert s.annotations("alpha")[0].categories == ("other",)
    s.read_only = False
    assert s.undo().message == "Undid: Tagged Other"


# -- undo / redo -----------------------------------------------------------------------------------

def test_undo_redo_across_documents(setup) -> None:
    set_dir, _, s = setup
    a = s.toggle_category("alpha", *clause(s.document("alpha"), "We share data"), "third-party-sharing")
    b = s.toggle_category("beta", *clause(s.document("beta"), "Cookies help"), "other")
    s.set_note("alpha", a.annotation, "first")
    assert s.undo().message == "Undid: Note saved"
    out = s.undo()
    assert out.document == "beta" and out.annotation is None and raw_file(set_dir, "beta") == {}
    out = s.undo()
    assert out.document == "alpha" and raw_file(set_dir, "alpha") == {}
    assert s.undo() is None
    assert s.redo().document == "alpha"
    assert s.redo().annotation == b.annotation
    assert set(raw_file(set_dir, "beta")) == {b.annotation}
    # A new change clears what could be redone.
    s.toggle_category("beta", *clause(s.document("beta"), "Data is stored"), "other")
    assert s.redo() is None
    for doc_id in ("alpha", "beta"):
        assert_disk_is_memory(s, set_dir, doc_id)


def test_undo_leaves_alone_what_another_program_changed_since(setup) -> None:
    set_dir, docs, s = setup
    ident = s.toggle_category("alpha", *clause(s.document("alpha"), "We share data"), "other").annotation
    # Another program edits the same annotation's note (a second session: a real second writer).
    other = new_session(set_dir, docs)
    other.set_note("alpha", ident, "edited elsewhere")
    out = s.undo()
    assert "changed by another program" in out.message and out.merged
    assert raw_file(set_dir, "alpha")[ident].note == "edited elsewhere"
    assert_disk_is_memory(s, set_dir, "alpha")


# -- outside changes -------------------------------------------------------------------------------

def test_outside_addition_is_merged_never_overwritten(setup) -> None:
    set_dir, docs, s = setup
    mine = s.toggle_category("alpha", *clause(s.document("alpha"), "We share data"), "other").annotation
    other = new_session(set_dir, docs)
    theirs = other.toggle_category("alpha", *clause(other.document("alpha"), "We protect"), "data-security").annotation
    out = s.toggle_category("alpha", *clause(s.document("alpha"), "You can opt out"), "user-choice")
    assert out.merged and "1 added" in out.merged
    on_disk = raw_file(set_dir, "alpha")
    assert {mine, theirs, out.annotation} <= set(on_disk)
    assert_disk_is_memory(s, set_dir, "alpha")


def test_outside_deletion_and_edit_are_taken(setup) -> None:
    set_dir, docs, s = setup
    a = s.toggle_category("alpha", *clause(s.document("alpha"), "We share data"), "other").annotation
    b = s.toggle_category("alpha", *clause(s.document("alpha"), "We protect"), "other").annotation
    other = new_session(set_dir, docs)
    other.delete("alpha", a)
    other.set_note("alpha", b, "theirs")
    out = s.check_external("alpha")
    assert out is not None and "1 changed" in out.merged and "1 removed" in out.merged
    assert set(memory(s, "alpha")) == {b} and memory(s, "alpha")[b].note == "theirs"
    assert s.pending == set() and s.check_external("alpha") is None


def test_an_outside_change_is_merged_before_acting_on_it(setup) -> None:
    set_dir, docs, s = setup
    ident = s.toggle_category("alpha", *clause(s.document("alpha"), "We share data"), "other").annotation
    other = new_session(set_dir, docs)
    other.toggle_category("alpha", *clause(s.document("alpha"), "We share data"), "data-security")
    # Toggling here sees their category: the annotation ends with both of ours and theirs.
    out = s.toggle_category("alpha", *clause(s.document("alpha"), "We share data"), "user-choice")
    assert out.merged and "1 changed" in out.merged and out.annotation == ident
    assert raw_file(set_dir, "alpha")[ident].categories == ("other", "data-security", "user-choice")


def _conflict(setup, monkeypatch, ours_year: int, theirs_year: int) -> tuple[Outcome, str, Path]:
    """Our edit fails to write (pending), another program edits the same annotation, we retry."""
    set_dir, docs, s = setup
    ident = s.toggle_category("alpha", *clause(s.document("alpha"), "We share data"), "other").annotation
    other = new_session(set_dir, docs)
    real_write, real_now = store_module.atomic_write, store_module.utcnow

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_module, "atomic_write", full)
    monkeypatch.setattr(store_module, "utcnow", lambda: real_now().replace(year=ours_year))
    assert s.set_note("alpha", ident, "ours").error
    monkeypatch.setattr(store_module, "atomic_write", real_write)
    monkeypatch.setattr(store_module, "utcnow", lambda: real_now().replace(year=theirs_year))
    other.set_note("alpha", ident, "theirs")
    (out,) = s.save()
    assert out.saved and out.merged and "changed on both sides" in out.merged
    assert_disk_is_memory(s, set_dir, "alpha")
    return out, ident, set_dir


def test_conflicting_edits_keep_our_later_edit_and_say_so(setup, monkeypatch: pytest.MonkeyPatch) -> None:
    out, ident, set_dir = _conflict(setup, monkeypatch, 2099, 2098)
    assert "kept this session's version" in out.merged
    assert raw_file(set_dir, "alpha")[ident].note == "ours"


def test_conflicting_edits_keep_their_later_edit_and_say_so(setup, monkeypatch: pytest.MonkeyPatch) -> None:
    out, ident, set_dir = _conflict(setup, monkeypatch, 2098, 2099)
    assert "kept the other program's version" in out.merged
    assert raw_file(set_dir, "alpha")[ident].note == "theirs"


def _fail_writes(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Make the store's writes fail (a full disk) until the returned function is called."""
    real_write = store_module.atomic_write

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_module, "atomic_write", full)
    return lambda: monkeypatch.setattr(store_module, "atomic_write", real_write)


def _edit_by_hand(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_edits_to_different_fields_on_both_sides_are_both_kept(setup, monkeypatch: pytest.MonkeyPatch) -> None:
    """We tag (the write fails, so it is pending); a person edits the note in the file by hand."""
    set_dir, _, s = setup
    span = clause(s.document("alpha"), "We share data")
    ident = s.toggle_category("alpha", *span, "other").annotation
    restore = _fail_writes(monkeypatch)
    assert s.toggle_category("alpha", *span, "data-security").error
    restore()
    _edit_by_hand(set_dir / "alpha.toml", 'note = ""', 'note = "checked by hand"')
    (out,) = s.save()
    assert out.saved and "edited on both sides in different fields: both edits kept" in out.merged
    assert "no changes from the other program" not in out.merged
    on_disk = raw_file(set_dir, "alpha")[ident]
    assert on_disk.categories == ("other", "data-security") and on_disk.note == "checked by hand"
    assert_disk_is_memory(s, set_dir, "alpha")


def test_a_hand_edit_that_left_updated_alone_is_dated_by_the_file(setup, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both change the note. The annotation's ``updated`` says 2001; ours was made a minute ago; the
    person saved the file by hand just now without touching ``updated``: theirs is the later edit."""
    set_dir, _, s = setup
    real_now = store_module.utcnow
    monkeypatch.setattr(store_module, "utcnow", lambda: real_now().replace(year=2001))
    ident = s.toggle_category("alpha", *clause(s.document("alpha"), "We share data"), "other").annotation
    restore = _fail_writes(monkeypatch)
    monkeypatch.setattr(store_module, "utcnow", lambda: real_now() - timedelta(minutes=1))
    assert s.set_note("alpha", ident, "ours").error
    restore()
    _edit_by_hand(set_dir / "alpha.toml", 'note = ""', 'note = "by hand"')
    (out,) = s.save()
    assert "kept the other program's version (its edit is later)" in out.merged
    assert raw_file(set_dir, "alpha")[ident].note == "by hand"
    assert_disk_is_memory(s, set_dir, "alpha")


def test_annotation_file_deleted_by_another_program(setup) -> None:
    set_dir, _, s = setup
    s.toggle_category("alpha", *clause(s.document("alpha"), "We share data"), "other")
    kept = memory(s, "alpha")
    (set_dir / "alpha.toml").unlink()
    out = s.check_external("alpha")
    assert out is not None and "deleted" in out.merged and "written back" in out.merged and out.saved
    assert memory(s, "alpha") == kept == raw_file(set_dir, "alpha")


def test_garbage_written_by_another_program_is_not_overwritten(setup) -> None:
    set_dir, _, s = setup
    s.toggle_category("alpha", *clause(s.document("alpha"), "We share data"), "other")
    path = set_dir / "alpha.toml"
    path.write_text("this is [ not toml")
    out = s.toggle_category("alpha", *clause(s.document("alpha"), "We protect"), "other")
    assert out.error and "not overwritten" in out.error and not out.saved
    assert path.read_text() == "this is [ not toml" and s.pending == {"alpha"}
    assert len(s.annotations("alpha")) == 2
    path.unlink()  # the other program gives up: our changes go in with the next save
    (result,) = s.save()
    assert result.saved and len(raw_file(set_dir, "alpha")) == 2


def test_failed_write_is_kept_in_memory_and_retried(setup, monkeypatch: pytest.MonkeyPatch) -> None:
    set_dir, _, s = setup
    a = s.toggle_category("alpha", *clause(s.document("alpha"), "We share data"), "other").annotation
    before = (set_dir / "alpha.toml").read_bytes()
    real = store_module.atomic_write

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_module, "atomic_write", full)
    out = s.set_note("alpha", a, "important")
    assert not out.saved and "No space left on device" in out.error and "alpha.toml" in out.error
    assert s.pending == {"alpha"} and s.annotation("alpha", a).note == "important"
    assert (set_dir / "alpha.toml").read_bytes() == before
    assert s.save()[0].error
    monkeypatch.setattr(store_module, "atomic_write", real)
    (result,) = s.save()
    assert result.saved and result.error is None and s.pending == set()
    assert raw_file(set_dir, "alpha")[a].note == "important"
    assert s.save() == []


# -- the property: any sequence, then undo everything, redo everything --------------------------------

SLUGS = ["first-party-collection", "data-retention", "other", "mystery"]

op = st.one_of(
    st.tuples(st.just("toggle"), st.integers(0, 1), st.integers(0, 30), st.integers(0, 2)),
    st.tuples(st.just("toggle_span"), st.integers(0, 1), st.integers(0, 400), st.integers(1, 60), st.integers(0, 2)),
    st.tuples(st.just("cats"), st.integers(0, 1), st.integers(0, 30), st.lists(st.integers(0, 2), max_size=3)),
    st.tuples(st.just("note"), st.integers(0, 1), st.integers(0, 20), st.text(max_size=8)),
    st.tuples(st.just("delete"), st.integers(0, 1), st.integers(0, 20)),
    st.tuples(st.just("reattach"), st.integers(0, 1), st.integers(0, 20), st.integers(0, 30)),
    st.tuples(st.just("undo")),
    st.tuples(st.just("redo")),
)


def _apply(s: Session, step: tuple) -> Outcome | None:
    kind = step[0]
    if kind == "undo":
        return s.undo()
    if kind == "redo":
        return s.redo()
    doc = s.documents[step[1]]
    everything = s.annotations(doc.id) + s.orphans(doc.id)
    pick = lambda n: everything[n % len(everything)].id if everything else "none"  # noqa: E731
    c = doc.clauses[step[2] % len(doc.clauses)]
    if kind == "toggle":
        return s.toggle_category(doc.id, c.start, c.end, SLUGS[step[3]])
    if kind == "toggle_span":
        start = step[2] % (len(doc.text) - 1)
        return s.toggle_category(doc.id, start, min(len(doc.text), start + step[3]), SLUGS[step[4]])
    if kind == "cats":
        return s.set_categories(doc.id, c.start, c.end, [SLUGS[i] for i in step[3]])
    if kind == "note":
        return s.set_note(doc.id, pick(step[2]), step[3])
    if kind == "delete":
        return s.delete(doc.id, pick(step[2]))
    target = doc.clauses[step[3] % len(doc.clauses)]
    return s.reattach(doc.id, pick(step[2]), target.start, target.end)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(op, max_size=18))
def test_any_sequence_undone_restores_the_original_and_redone_the_final(steps) -> None:
    _undo_redo_property(steps)


@pytest.mark.long
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(op, max_size=40))
def test_any_sequence_undone_restores_the_original_and_redone_the_final_long(steps) -> None:
    _undo_redo_property(steps)


def _undo_redo_property(steps) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="reviewer-hyp-"))
    try:
        docs = write_docs(tmp / "docs", {"alpha": POLICY_A, "beta": POLICY_B})
        set_dir = tmp / "set"
        # A starting file with a moved annotation, an orphan and an unknown category.
        alpha = docs[0]
        s0, e0 = span_of(alpha, "We never sell your personal information.")
        start_anns = [Annotation.create(alpha.text, s0, e0, ["third-party-sharing", "mystery"], "n", id="pre"),
                      Annotation.create("An old sentence nobody can find again, really.", 0, 46, ["other"], id="orph")]
        start_anns[0] = Annotation(**{**start_anns[0].__dict__, "start": s0 - 3, "end": e0 - 3})
        _write_file(set_dir, alpha, start_anns)
        s = new_session(set_dir, docs)
        original = {d.id: memory(s, d.id) for d in docs}
        for step in steps:
            _apply(s, step)
            assert s.pending == set()
            for d in docs:
                if _written(set_dir, d):
                    assert raw_file(set_dir, d.id) == memory(s, d.id)
                assert reopened(set_dir, docs, d.id)[0] == memory(s, d.id)
        final = {d.id: memory(s, d.id) for d in docs}
        undone = 0
        while s.undo() is not None:
            undone += 1
        for d in docs:
            assert memory(s, d.id) == original[d.id]
            assert reopened(set_dir, docs, d.id)[0] == original[d.id]
        for _ in range(undone):
            assert s.redo() is not None
        for d in docs:
            assert memory(s, d.id) == final[d.id]
            assert reopened(set_dir, docs, d.id)[0] == final[d.id]
            if _written(set_dir, d):
                assert raw_file(set_dir, d.id) == final[d.id]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _written(set_dir: Path, doc) -> bool:
    """Has the session written this document's file (it then carries the document's sha256)?"""
    path = set_dir / f"{doc.id}.toml"
    return path.exists() and parse_annotation_file(path.read_text(), path).sha256 == doc.sha256


def test_forced_save_rewrites_loaded_documents_with_current_offsets(tmp_path: Path) -> None:
    docs = write_docs(tmp_path / "docs", {"alpha": POLICY_A, "beta": POLICY_B})
    doc = docs[0]
    set_dir = tmp_path / "set"
    s0, e0 = span_of(doc, "We share data with payment processors.")
    moved = Annotation.create(doc.text, s0, e0, ["other"], id="m")
    _write_file(set_dir, doc, [Annotation(**{**moved.__dict__, "start": s0 + 2, "end": e0 + 2})])
    s = new_session(set_dir, docs)
    assert s.save() == [] and s.save(force=True) == []          # nothing loaded yet
    s.annotations("alpha")
    (out,) = s.save(force=True)
    assert out.saved and raw_file(set_dir, "alpha")["m"].start == s0
    assert not (set_dir / "beta.toml").exists()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 500), st.integers(1, 40), st.text(max_size=6),
                          st.dictionaries(st.sampled_from(["a", "b"]), st.text(max_size=3) | st.integers(), max_size=2),
                          st.dictionaries(st.sampled_from(["x", "y"]), st.integers() | st.lists(st.integers(), max_size=2)
                                          | st.dictionaries(st.just("k"), st.integers(), max_size=1), max_size=2)),
                max_size=8),
       st.dictionaries(st.sampled_from(["reviewed", "meta"]), st.text(max_size=3) | st.dictionaries(st.just("a"), st.integers(), max_size=1), max_size=2),
       st.lists(st.integers(0, 7), max_size=4))
def test_a_save_over_the_tools_own_file_writes_exactly_what_the_store_writes(tmp_path_factory, items, extra, drop) -> None:
    """Saving only the changed blocks of a file this tool wrote gives the very bytes of a whole rewrite."""
    text = POLICY_A
    anns = [Annotation.create(text, s, min(len(text), s + n), ["other"], note, id=f"a{i}").__class__(
        **{**Annotation.create(text, s, min(len(text), s + n), ["other"], note, id=f"a{i}").__dict__,
           "attributes": attrs, "extra": ext}) for i, (s, n, note, attrs, ext) in enumerate(items)]
    root = tmp_path_factory.mktemp("set")
    store = AnnotationStore.open(root)
    af = AnnotationFile("alpha", "alpha.txt", "0" * 64, anns, extra)
    store.save(af)
    assert (root / "alpha.toml").read_text() == dump_annotation_file(af)
    kept = [a for i, a in enumerate(anns) if i not in drop]
    changed = [a.edited(note="changed") if i % 2 else a for i, a in enumerate(kept)]
    after = AnnotationFile("alpha", "alpha.txt", "1" * 64, changed + anns[len(anns) // 2:][:1], extra)
    after.annotations = list({a.id: a for a in after.annotations}.values())
    store.save(after)
    assert (root / "alpha.toml").read_text() == dump_annotation_file(after)


def test_counting_in_a_worker_thread_while_editing(setup) -> None:
    import threading

    set_dir, _, s = setup
    doc = s.document("alpha")
    errors: list[BaseException] = []
    stop = threading.Event()

    def count() -> None:
        try:
            while not stop.is_set():
                for d in s.documents:
                    s.counts(d.id)
                    s.annotations_at(d.id, 0, len(d.text))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    worker = threading.Thread(target=count)
    worker.start()
    try:
        for i in range(60):
            c = doc.clauses[i % len(doc.clauses)]
            s.toggle_category("alpha", c.start, c.end, SLUGS[i % 3])
    finally:
        stop.set()
        worker.join()
    assert errors == []
    assert_disk_is_memory(s, set_dir, "alpha")


def test_memory_stays_bounded_over_many_tag_untag_actions(setup, monkeypatch: pytest.MonkeyPatch) -> None:
    import reviewer.undo_history as undo_history

    set_dir, _, s = setup
    monkeypatch.setattr(undo_history, "MAX_UNDO", 50)
    c = s.document("alpha").clauses[2]
    for _ in range(200):
        s.toggle_category("alpha", c.start, c.end, "other")      # a new annotation (new id) each time on
    assert len(s.history.undo) == 50
    cached = [p for _, layout in s.store._layouts.values() for p in layout.pieces if p.kind == "record"]  # noqa: SLF001
    assert len(cached) <= 1                                          # only the file's current blocks are kept
    for _ in range(50):
        assert s.undo() is not None
    assert s.undo() is None
    assert_disk_is_memory(s, set_dir, "alpha")


def test_a_document_whose_id_cannot_be_stored_is_read_only(tmp_path: Path) -> None:
    docs = write_docs(tmp_path / "docs", {"set": POLICY_A, "alpha": POLICY_B})
    s = new_session(tmp_path / "set", docs)
    assert "reserved" in s.load_error("set")
    out = s.toggle_category("set", 0, 5, "other")
    assert out.error and not (tmp_path / "set" / "set.toml").read_text().count("[[annotation]]")
    assert s.toggle_category("alpha", 0, 5, "other").saved


def test_a_batch_across_documents_is_one_undo_step(setup) -> None:
    set_dir, _, s = setup
    a = clause(s.document("alpha"), "We keep your information")
    b = clause(s.document("beta"), s.document("beta").text[s.document("beta").clauses[0].start:][:10])
    s.toggle_category("alpha", *clause(s.document("alpha"), "We share data"), "data-security")  # before the batch
    with s.batch("Applied Data Retention to 2 clause(s)"):
        s.toggle_category("alpha", *a, "data-retention")
        s.toggle_category("beta", *b, "data-retention")
    assert len(raw_file(set_dir, "alpha")) == 2 and len(raw_file(set_dir, "beta")) == 1
    out = s.undo()
    assert out is not None and out.message == "Undid: Applied Data Retention to 2 clause(s)"
    assert len(raw_file(set_dir, "alpha")) == 1 and not raw_file(set_dir, "beta")  # both, in one step
    s.redo()
    assert len(raw_file(set_dir, "alpha")) == 2 and len(raw_file(set_dir, "beta")) == 1
    s.undo()
    s.undo()  # the change made before the batch is its own step
    assert not raw_file(set_dir, "alpha")


def test_check_external_rereads_a_policy_whose_text_changed(setup, tmp_path: Path) -> None:
    import os

    set_dir, docs, s = setup
    doc = s.document("alpha")
    start, end = clause(doc, "We keep your information")
    s.toggle_category("alpha", start, end, "data-retention")
    assert s.check_external("alpha") is None
    prefix = "A new first line.\n\n"
    doc.path.write_text(prefix + doc.text, encoding="utf-8")
    st = doc.path.stat()
    os.utime(doc.path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
    out = s.check_external("alpha")
    assert out is not None and "changed on disk: reloaded" in out.message and "1 moved" in out.message
    assert s.document("alpha").text.startswith("A new first line.")
    (ann,) = s.annotations("alpha")
    assert (ann.start, ann.end) == (start + len(prefix), end + len(prefix))
    assert s.check_external("alpha") is None  # once only
    doc2 = s.document("alpha")
    doc2.path.unlink()
    assert s.check_external("alpha") is None  # a file gone: the text on screen stays, no traceback


def test_untagging_the_last_category_keeps_an_annotation_that_has_a_note(setup) -> None:
    """The note is the analyst's own words: taking away the last category leaves a highlight with
    its note and no category (delete removes it); one without a note is deleted, as before."""
    set_dir, _, s = setup
    span = clause(s.document("alpha"), "We share data")
    ident = s.toggle_category("alpha", *span, "other").annotation
    s.set_note("alpha", ident, "ask legal about this")
    out = s.toggle_category("alpha", *span, "other")
    assert out.annotation == ident and "keeps its note" in out.message
    kept = raw_file(set_dir, "alpha")[ident]
    assert kept.categories == () and kept.note == "ask legal about this"
    assert s.undo().annotation == ident and raw_file(set_dir, "alpha")[ident].categories == ("other",)
    out = s.set_categories("alpha", *span, [])
    assert raw_file(set_dir, "alpha")[ident].note == "ask legal about this" and "keeps its note" in out.message
    other = clause(s.document("alpha"), "We protect")
    gone = s.toggle_category("alpha", *other, "other").annotation
    out = s.toggle_category("alpha", *other, "other")
    assert out.message.startswith("Deleted the annotation") and gone not in raw_file(set_dir, "alpha")
    assert_disk_is_memory(s, set_dir, "alpha")
