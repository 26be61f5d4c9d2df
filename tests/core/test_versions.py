"""Versioned documents: both layouts, references, the clause diff and carrying annotations."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.inputs import load_documents
from reviewer.store import Annotation, AnnotationFile, AnnotationStore, dump_annotation_file, parse_annotation_file
from reviewer.versions.carry import carry, path_between, start_version
from reviewer.versions.diff import diff_texts, line_map
from reviewer.versions.model import VersionError, document_id
from reviewer.versions.refs import select, split_ref
from reviewer.versions.sources import discover
from tests.versions_support import STAMPS, V1, V2, V3, dataset, repository

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "versions"


def test_document_id_from_service_and_terms_type() -> None:
    assert document_id("Bluesky", "Privacy Policy") == "bluesky--privacy-policy"
    assert document_id("Truth Social!", "Terms of Service") == "truth-social--terms-of-service"


def test_dataset_folder_versions_oldest_first(tmp_path: Path) -> None:
    (doc,) = discover(dataset(tmp_path))
    assert doc.id == "example--privacy-policy" and doc.kind == "dataset"
    assert [v.version for v in doc.versions] == ["2024-01-05T10:00:00Z", "2024-06-01T08:30:00Z", "2025-02-11T12:00:00Z"]
    assert [v.ref for v in doc.versions] == [f"{s}.md" for s in STAMPS]
    assert doc.texts(doc.versions) == [V1, V2, V3]
    # a folder holding dataset folders names all of them
    dataset(tmp_path, service="Other")
    assert sorted(d.id for d in discover(tmp_path)) == ["example--privacy-policy", "other--privacy-policy"]


def test_git_file_versions_technical_marked_same_second_numbered(tmp_path: Path) -> None:
    path = repository(tmp_path)
    (doc,) = discover(path)
    assert doc.id == "example--privacy-policy" and doc.kind == "git"
    assert [v.version for v in doc.versions] == [
        "2024-01-05T10:00:00Z", "2024-06-01T08:30:00Z", "2024-07-01T00:00:00Z",
        "2025-02-11T12:00:00Z", "2025-02-11T12:00:00Z#2"]
    assert [v.technical for v in doc.versions] == [False, False, True, False, False]
    assert all(len(v.ref) == 40 for v in doc.versions)
    assert doc.text(doc.versions[3]) == V3 and doc.text(doc.versions[4]) != V3
    # the repository (a folder) names every document in it
    assert sorted(d.id for d in discover(path.parent.parent)) == ["example--privacy-policy", "other--terms-of-service"]


def test_missing_git_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = repository(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    with pytest.raises(VersionError, match="git is not installed"):
        discover(path)


def test_references(tmp_path: Path) -> None:
    (doc,) = discover(repository(tmp_path))
    v = doc.versions
    assert select(doc, None) is v[4] and select(doc, "latest") is v[4]
    assert select(doc, "first") is v[0]
    assert select(doc, "~1") is v[3] and select(doc, "~2") is v[1]  # the technical one stepped over
    assert select(doc, "2024") is v[1] and select(doc, "2024-06") is v[1] and select(doc, "2024-05-31") is v[0]
    assert select(doc, "2025-02-11T12:00:00Z") is v[3] and select(doc, "2025-02-11T12:00:00Z#2") is v[4]
    assert select(doc, "2025-02-11T12-00-00Z") is v[3]
    assert select(doc, v[2].ref[:10]) is v[2]  # a commit id names any version, technical too
    for bad in ("~9", "1999", "2025-02-11T12:00:00Z#7", "abcdef0123"):
        with pytest.raises(VersionError):
            select(doc, bad)


def test_split_ref_keeps_an_at_that_is_part_of_a_name(tmp_path: Path) -> None:
    assert split_ref("a/b@2025-04") == ("a/b", "2025-04")
    assert split_ref("a/b@latest") == ("a/b", "latest")
    assert split_ref("a/b@2025-04-26T00-30-13Z.md") == ("a/b", "2025-04-26T00-30-13Z.md")
    existing = tmp_path / "policy@2025"
    existing.write_text("x", encoding="utf-8")
    assert split_ref(str(existing)) == (str(existing), None)  # a file of that name wins
    assert split_ref("folder/me@home/policy.md") == ("folder/me@home/policy.md", None)
    assert split_ref("plain.md") == ("plain.md", None)


def test_load_documents_takes_version_references_and_dataset_folders(tmp_path: Path) -> None:
    folder = dataset(tmp_path / "data")
    (tmp_path / "data" / "plain.txt").write_text("A plain policy.\n", encoding="utf-8")
    docs, errors = load_documents([tmp_path / "data"])
    assert not errors
    assert {(d.id, d.version) for d in docs} == {("plain", ""), ("example--privacy-policy", "2025-02-11T12:00:00Z")}
    (first,), errors = load_documents([f"{folder}@first"])
    assert not errors and first.text == V1 and first.version == "2024-01-05T10:00:00Z"
    assert first.path == folder / f"{STAMPS[0]}.md" and first.history is not None
    docs, errors = load_documents([f"{folder}@1999"])
    assert docs == [] and "no version recorded up to 1999" in str(errors[0])


def test_clause_diff_statuses_and_word_diff() -> None:
    d = diff_texts(V1, V2)
    counts = d.counts()
    assert counts == {"same": 4, "moved": 0, "changed": 1, "added": 1, "removed": 1}
    (changed,) = [c for c in d.clauses if c.status == "changed"]
    assert V1[changed.old[0]:changed.old[1]] == "We keep your data for two years."
    assert V2[changed.new[0]:changed.new[1]] == "We keep your data for three years."
    assert changed.words == (("same", "We keep your data for "), ("removed", "two"), ("added", "three"), ("same", " years."))
    assert 60 <= changed.similarity < 100
    (added,) = [c for c in d.clauses if c.status == "added"]
    assert V2[added.new[0]:added.new[1]] == "We use cookies to remember your settings."
    # moved: identical text elsewhere in the order
    swapped = V1.replace("We share data with payment processors only.\n\n", "")
    swapped = swapped.replace("Example Privacy Policy\n\n", "Example Privacy Policy\n\nWe share data with payment processors only.\n\n")
    assert diff_texts(V1, swapped).counts()["moved"] == 1
    # re-wrapped lines are the same clause
    assert diff_texts(V1, V1.replace("name and e-mail", "name and\ne-mail")).counts()["same"] == len(diff_texts(V1, V1).clauses)


def test_expected_offsets_follow_the_edits_before() -> None:
    d = diff_texts(V1, V2)
    at = V1.index("Contact us")
    assert d.expected(at) == V2.index("Contact us")
    m = line_map(V1, V2)
    assert m.expected(at) == V2.index("Contact us")


def _ann(text: str, quote: str, ident: str) -> Annotation:
    s = text.index(quote)
    return Annotation.create(text, s, s + len(quote), ["data-retention"], id=ident)


def test_carry_follows_a_clause_reworded_twice(tmp_path: Path) -> None:
    (doc,) = discover(dataset(tmp_path))
    anns = [_ann(V1, "We keep your data for two years.", "ret"), _ann(V1, "Contact us at privacy@example.com.", "c"),
            _ann(V1, "We share data with payment processors only.", "share")]
    first, last = doc.versions[0], doc.versions[-1]
    result = carry(doc, anns, first, last)
    fates = {f.annotation.id: f for f in result.fates}
    assert V3[fates["ret"].start:fates["ret"].end] == "We keep your data for three years at most."
    assert fates["ret"].status == "fuzzy" and fates["c"].status == "moved"
    assert fates["share"].status == "orphaned" and fates["share"].last_version == first.version
    assert [len(s.orphaned) for s in result.steps] == [1, 0]
    kept = {a.id: a for a in result.annotations}
    assert set(kept) == {"ret", "c", "share"}                    # nothing dropped
    assert kept["share"].extra["version"] == first.version and kept["share"].quote == anns[2].quote
    assert "version" not in kept["ret"].extra
    assert result.summary() == {"exact": 0, "moved": 1, "fuzzy": 1, "orphaned": 1}


RESTRUCTURED_OLD = """# Privacy Notice

## Sharing
* **Partners.** We share data with partners who help us run the service.
* **Updates.** We may update this Privacy Notice from time to time. We will post these changes on the Site or in the Bluesky App.
* **Law.** We disclose information when the law requires it.

## Contact
Write to us at privacy@example.com with any question.
"""
RESTRUCTURED_NEW = """# Privacy Policy

## 1. What we collect
We collect the content you post and the details of your account.

## 2. How we share
We share data with service providers that run our infrastructure.

## 18. Contact Us
Please see this section for contact information.

We may update this Privacy Notice from time to time. We will post these changes on the Site or in the App.
"""


def test_carry_follows_a_clause_the_diff_pairs_when_its_neighbours_are_all_new(tmp_path: Path) -> None:
    """A policy rewritten around a clause: the clause lost its bullet and moved under another
    heading, so its quote's neighbours are gone and re-anchoring alone gives it up; the clause diff
    pairs it as a rewording, so carry (and diff) place it there, fuzzy, for a person to confirm."""
    from reviewer.anchoring import resolve_all
    from reviewer.versions.carry import follow

    (doc,) = discover(dataset(tmp_path, (RESTRUCTURED_OLD, RESTRUCTURED_NEW)))
    upd = _ann(RESTRUCTURED_OLD, "* **Updates.** We may update this Privacy Notice from time to time.", "upd")
    law = _ann(RESTRUCTURED_OLD, "We disclose information when the law requires it.", "law")
    d = line_map(RESTRUCTURED_OLD, RESTRUCTURED_NEW)
    assert [r.status for r in resolve_all([upd], RESTRUCTURED_NEW, expected=d.expected)] == ["orphaned"]
    result = carry(doc, [upd, law], doc.versions[0], doc.versions[-1])
    fates = {f.annotation.id: f for f in result.fates}
    assert RESTRUCTURED_NEW[fates["upd"].start:fates["upd"].end] == \
        "We may update this Privacy Notice from time to time."
    assert fates["upd"].status == "fuzzy" and 80 < fates["upd"].score < 100
    assert fates["law"].status == "orphaned"    # its clause has no counterpart: nothing to follow
    _, after = follow([upd, law], RESTRUCTURED_OLD, RESTRUCTURED_NEW, diff_texts(RESTRUCTURED_OLD, RESTRUCTURED_NEW))
    assert [(r.status, r.start) for r in after] == [("fuzzy", fates["upd"].start), ("orphaned", None)]


def test_carry_brings_back_an_orphan_of_an_earlier_carry_when_its_passage_returns(tmp_path: Path) -> None:
    (doc,) = discover(dataset(tmp_path))
    first, last = doc.versions[0], doc.versions[-1]
    share = _ann(V1, "We share data with payment processors only.", "share")
    there = carry(doc, [share], first, last)
    (orphan,) = there.annotations
    assert orphan.extra["version"] == first.version
    back = carry(doc, there.annotations, last, first)    # the passage is in the first version again
    assert [s.recovered for s in back.steps] == [[], ["share"]]
    assert back.summary()["orphaned"] == 0 and back.fates[0].last_version == first.version
    (placed,) = back.annotations
    assert V1[placed.start:placed.end] == share.quote and "version" not in placed.extra


def test_an_orphan_comes_back_at_its_own_offsets_in_its_own_version(tmp_path: Path) -> None:
    block = "This paragraph introduces the sharing rules.\n\nWe share data with payment processors only.\n\n"
    text = "Title\n\n" + block * 3 + "Contact us.\n"
    (doc,) = discover(dataset(tmp_path, (text, V2, V3)))
    first, last = doc.versions[0], doc.versions[-1]
    middle = text.index(block, text.index(block) + 1) + block.index("We share")
    ann = Annotation.create(text, middle, middle + 43, ["third-party-sharing"], id="mid")
    full = ann.prefix + ann.quote + ann.suffix
    assert text.find(full, text.find(full) + 1) != -1                  # its context alone cannot tell
    back = carry(doc, carry(doc, [ann], first, last).annotations, last, first)
    (placed,) = back.annotations
    assert (placed.start, placed.end) == (ann.start, ann.end) and back.steps[-1].recovered == ["mid"]


def test_carry_steps_over_technical_versions_and_back_in_time(tmp_path: Path) -> None:
    (doc,) = discover(repository(tmp_path))
    v = doc.versions
    assert [x.version for x in path_between(doc, v[0], v[4])] == [v[0].version, v[1].version, v[3].version, v[4].version]
    assert [x.version for x in path_between(doc, v[4], v[1])] == [v[4].version, v[3].version, v[1].version]


def test_start_version_from_the_file(tmp_path: Path) -> None:
    (doc,) = discover(dataset(tmp_path))
    assert start_version(doc, AnnotationFile(doc.id, version=doc.versions[1].version)) is doc.versions[1]
    from reviewer.documents import text_sha256

    assert start_version(doc, AnnotationFile(doc.id, sha256=text_sha256(V1))) is doc.versions[0]
    assert start_version(doc, None) is doc.versions[-1]
    with pytest.raises(VersionError):
        start_version(doc, AnnotationFile(doc.id, version="1999-01-01T00:00:00Z"))


def test_file_records_the_version_beside_sha256(tmp_path: Path) -> None:
    af = AnnotationFile("example--privacy-policy", "x.md", "abc", [_ann(V1, "Contact us", "c")], version="2024-01-05T10:00:00Z")
    text = dump_annotation_file(af)
    assert 'sha256 = "abc"\nversion = "2024-01-05T10:00:00Z"\n' in text
    back = parse_annotation_file(text, tmp_path / "f.toml")
    assert back.version == af.version and "version" not in back.extra
    assert "version" not in dump_annotation_file(AnnotationFile("plain", "p.txt", "abc"))
    store = AnnotationStore.open(tmp_path / "set")
    store.save(af)
    assert store.load(af.document).version == af.version


@pytest.mark.skipif(not (SHARED / "pga-privacy").is_dir(), reason="../shared/versions is not present")
def test_real_dataset_and_its_quirks() -> None:
    docs = {d.id: d for d in discover(SHARED / "pga-privacy")}
    assert len(docs) == 25 and sum(len(d.versions) for d in docs.values()) == 629
    bluesky = docs["bluesky--privacy-policy"]
    assert select(bluesky, "2025-04").version == "2025-04-26T00:30:13Z"
    d = diff_texts(*bluesky.texts(bluesky.versions[:2]))
    assert sum(d.counts().values()) > 200 and d.counts()["changed"] > 0


def test_session_shows_another_version_after_a_carry(tmp_path: Path) -> None:
    from reviewer.session import Session
    from reviewer.versions.carry import carry_file
    from reviewer.versions.loading import as_document

    (doc,) = discover(dataset(tmp_path / "data"))
    first, last = doc.versions[0], doc.versions[-1]
    store = AnnotationStore.open(tmp_path / "set")
    store.save(AnnotationFile(doc.id, "x", "", [_ann(V1, "Contact us at privacy@example.com.", "c")], version=first.version))
    session = Session(store, [as_document(doc, first)])
    s = V1.index("We collect")
    session.toggle_category(doc.id, s, s + 10, "other")       # a change in the old version, undoable there
    assert session.can_undo
    result, written = carry_file(store, doc, last)
    assert written and result.target == last
    session.replace_document(as_document(doc, last))
    assert session.document(doc.id).version == last.version and not session.can_undo
    placed = {a.id: a for a in session.annotations(doc.id)}
    assert V3[placed["c"].start:placed["c"].end] == "Contact us at privacy@example.com."
    assert len(placed) == 2                                    # the annotation made before the carry came along


@pytest.mark.skipif(not (SHARED / "pga-privacy.bundle").is_file(), reason="../shared/versions is not present")
def test_real_versions_repository(tmp_path: Path) -> None:
    import subprocess

    repo = tmp_path / "repo"
    subprocess.run(["git", "clone", "-q", str(SHARED / "pga-privacy.bundle"), str(repo)], check=True, capture_output=True)
    docs = {d.id: d for d in discover(repo)}
    assert len(docs) == 25
    # 638 commits, 3 of them empty (TikTok flipping back): 635 touch a policy
    assert sum(len(d.versions) for d in docs.values()) == 635
    assert sum(v.technical for d in docs.values() for v in d.versions) > 0
    tiktok = [v.version for v in docs["tiktok--privacy-policy"].versions]
    assert any(v.endswith("#4") for v in tiktok) and len(set(tiktok)) == len(tiktok)
    bluesky = docs["bluesky--privacy-policy"]
    assert select(bluesky, "2025-04").version == "2025-04-26T00:30:13Z"
    assert select(bluesky, bluesky.versions[2].ref[:9]) is bluesky.versions[2]
