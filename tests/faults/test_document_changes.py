"""The document changes under an open set: edits before, inside and after annotated clauses, a
deleted clause, the document deleted or replaced by a binary file. Annotations re-anchor or become
orphans; none disappears from the TOML."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.inputs import load_documents
from reviewer.store import AnnotationStore
from tests.faults.support import POLICY_A, POLICY_B, new_session, raw_file, write_docs

SENTENCES = {
    "collect": "We collect your name and email address when you register.",
    "keep": "We keep your information for two years after your account is closed.",
    "share": "We share data with payment processors.",
    "protect": "We protect your data with encryption in transit and at rest.",
}


@pytest.fixture
def annotated(tmp_path: Path):
    docs_dir = tmp_path / "docs"
    docs = write_docs(docs_dir, {"alpha": POLICY_A, "beta": POLICY_B})
    set_dir = tmp_path / "set"
    s = new_session(set_dir, docs)
    ids = {}
    for name, sentence in SENTENCES.items():
        start = docs[0].text.index(sentence)
        out = s.toggle_category("alpha", start, start + len(sentence), "other")
        s.set_note("alpha", out.annotation, f"note on {name}")
        ids[name] = out.annotation
    c = docs[1].clauses[1]
    s.toggle_category("beta", c.start, c.end, "other")
    return docs_dir, set_dir, s, ids


def reopen(docs_dir: Path, set_dir: Path):
    docs, errors = load_documents([docs_dir])
    return new_session(set_dir, docs), docs, errors


def edit(docs_dir: Path, old: str, new: str) -> None:
    path = docs_dir / "alpha.txt"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def save_something(s, doc_id: str = "alpha") -> None:
    """Make the session write the file (a change elsewhere), then check nothing was dropped."""
    doc = s.document(doc_id)
    c = doc.clauses[-1]
    assert s.toggle_category(doc_id, c.start, c.end, "data-security").saved


def check_all_kept(set_dir: Path, s, ids: dict[str, str]) -> dict:
    on_disk = raw_file(set_dir, "alpha")
    assert set(ids.values()) <= set(on_disk)
    for name, ident in ids.items():
        assert on_disk[ident].note == f"note on {name}"
    text = s.document("alpha").text
    for ann in s.annotations("alpha"):
        assert on_disk[ann.id].quote == text[ann.start:ann.end]      # placed ones: current offsets
    for ann in s.orphans("alpha"):
        assert on_disk[ann.id] == ann                                 # orphans: verbatim
    return on_disk


def test_edit_before_annotations_moves_them(annotated) -> None:
    docs_dir, set_dir, _, ids = annotated
    edit(docs_dir, "Example Privacy Policy", "Example Privacy Policy (updated)\n\nA new opening paragraph.")
    s, _, _ = reopen(docs_dir, set_dir)
    assert set(s.anchor_status("alpha")) == set(ids.values())
    assert all(status == "moved" for status, _ in s.anchor_status("alpha").values())
    save_something(s)
    check_all_kept(set_dir, s, ids)
    assert raw_file(set_dir, "alpha")[ids["share"]].start == s.document("alpha").text.index(SENTENCES["share"])


def test_edit_after_annotations_keeps_them_exact(annotated) -> None:
    docs_dir, set_dir, _, ids = annotated
    before = raw_file(set_dir, "alpha")
    (docs_dir / "alpha.txt").write_text((docs_dir / "alpha.txt").read_text() + "\nA new closing paragraph.\n")
    s, _, _ = reopen(docs_dir, set_dir)
    assert s.anchor_status("alpha") == {} and s.orphans("alpha") == []
    save_something(s)
    after = check_all_kept(set_dir, s, ids)
    assert {i: after[i] for i in before} == before


def test_edit_inside_an_annotated_clause_reanchors_fuzzily(annotated) -> None:
    docs_dir, set_dir, _, ids = annotated
    edit(docs_dir, "We share data with payment processors.", "We share data with our payment processors.")
    s, _, _ = reopen(docs_dir, set_dir)
    status = s.anchor_status("alpha")
    assert status[ids["share"]][0] == "fuzzy"
    ann = next(a for a in s.annotations("alpha") if a.id == ids["share"])
    assert "payment processors" in ann.quote
    save_something(s)
    check_all_kept(set_dir, s, ids)


def test_a_deleted_clause_orphans_its_annotation_which_stays_in_the_file(annotated) -> None:
    docs_dir, set_dir, _, ids = annotated
    edit(docs_dir, SENTENCES["keep"], "")
    s, _, _ = reopen(docs_dir, set_dir)
    assert [a.id for a in s.orphans("alpha")] == [ids["keep"]]
    orphan = s.orphans("alpha")[0]
    save_something(s)
    on_disk = check_all_kept(set_dir, s, ids)
    assert on_disk[ids["keep"]] == orphan and orphan.quote == SENTENCES["keep"]
    # and it survives more sessions and more writes
    s2, _, _ = reopen(docs_dir, set_dir)
    save_something(s2)
    check_all_kept(set_dir, s2, ids)


def test_many_edits_at_once(annotated) -> None:
    docs_dir, set_dir, _, ids = annotated
    edit(docs_dir, "Example Privacy Policy", "Example Privacy Policy, 2027 edition")
    edit(docs_dir, "when you register", "when you sign up")
    edit(docs_dir, SENTENCES["protect"], "")
    s, _, _ = reopen(docs_dir, set_dir)
    assert len(s.annotations("alpha")) + len(s.orphans("alpha")) == len(ids)
    save_something(s)
    check_all_kept(set_dir, s, ids)


def test_document_changed_while_the_session_is_open(annotated) -> None:
    """The open session keeps the text it loaded; its writes stay consistent with it, and the next
    session re-anchors against the new text."""
    docs_dir, set_dir, s, ids = annotated
    edit(docs_dir, "Example Privacy Policy", "Completely Rewritten Heading\n\nWith a new paragraph.")
    edit(docs_dir, SENTENCES["share"], "")
    save_something(s)                                   # still the old text in this session
    on_disk = check_all_kept(set_dir, s, ids)
    assert s.orphans("alpha") == []
    s2, _, _ = reopen(docs_dir, set_dir)
    assert ids["share"] in {a.id for a in s2.orphans("alpha")}
    save_something(s2)
    assert set(on_disk) <= set(check_all_kept(set_dir, s2, ids))


def test_document_deleted_leaves_its_annotation_file_untouched(annotated) -> None:
    docs_dir, set_dir, _, _ = annotated
    path = set_dir / "alpha.toml"
    before = path.read_bytes()
    (docs_dir / "alpha.txt").unlink()
    s, docs, errors = reopen(docs_dir, set_dir)
    assert [d.id for d in docs] == ["beta"] and errors == []
    save_something(s, "beta")
    s.undo()
    assert path.read_bytes() == before
    assert "alpha" in AnnotationStore.open(set_dir).document_ids()
    # The document comes back: everything is still there.
    (docs_dir / "alpha.txt").write_text(POLICY_A)
    s, _, _ = reopen(docs_dir, set_dir)
    assert len(s.annotations("alpha")) == 4


def test_document_replaced_by_a_binary_file(annotated) -> None:
    docs_dir, set_dir, _, _ = annotated
    path = set_dir / "alpha.toml"
    before = path.read_bytes()
    (docs_dir / "alpha.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    s, docs, errors = reopen(docs_dir, set_dir)
    assert [d.id for d in docs] == ["beta"]
    assert len(errors) == 1 and "binary" in str(errors[0]) and "alpha.txt" in str(errors[0])
    save_something(s, "beta")
    assert path.read_bytes() == before


def test_whole_document_replaced_by_another_orphans_everything_and_keeps_it(annotated) -> None:
    docs_dir, set_dir, _, ids = annotated
    (docs_dir / "alpha.txt").write_text(POLICY_B)
    s, _, _ = reopen(docs_dir, set_dir)
    assert {a.id for a in s.orphans("alpha")} == set(ids.values())
    save_something(s)
    check_all_kept(set_dir, s, ids)


def test_on_a_real_policy(corpus: Path, tmp_path: Path) -> None:
    """A real policy: annotate every fifth clause, rewrite the opening and drop a middle paragraph."""
    source = sorted(corpus.glob("*.txt"))[3]
    docs_dir = tmp_path / "docs"
    docs_dir.mkdir()
    original = source.read_text(encoding="utf-8", errors="replace")
    (docs_dir / "policy.txt").write_text(original)
    docs, _ = load_documents([docs_dir])
    set_dir = tmp_path / "set"
    s = new_session(set_dir, docs)
    doc = docs[0]
    for c in doc.clauses[::5]:
        s.toggle_category("policy", c.start, c.end, "other")
    ids = {a.id for a in s.annotations("policy")}
    paragraphs = doc.text.split("\n\n")
    middle = len(paragraphs) // 2
    changed = "Rewritten opening.\n\n" + "\n\n".join(paragraphs[:middle] + paragraphs[middle + 1:])
    (docs_dir / "policy.txt").write_text(changed)
    s2, _, _ = reopen(docs_dir, set_dir)
    assert {a.id for a in s2.annotations("policy") + s2.orphans("policy")} == ids
    c = s2.document("policy").clauses[1]
    s2.toggle_category("policy", c.start, c.end, "data-security")
    assert ids <= set(raw_file(set_dir, "policy"))
