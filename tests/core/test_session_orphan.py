"""Orphaning by hand: a person judges an annotation's place wrong; it stays in the file as an orphan,
with the version it was last placed in, is never re-anchored again until re-attached, and is
undoable like any change."""

from __future__ import annotations

from pathlib import Path

from reviewer.anchoring import ORPHANED, SET_ASIDE, resolve, resolve_all
from reviewer.session import Session
from reviewer.store import Annotation, AnnotationFile, AnnotationStore
from reviewer.versions.carry import carry
from reviewer.versions.loading import as_document
from reviewer.versions.sources import discover
from tests.faults.support import POLICY_A, new_session, raw_file, reopened, span_of, write_docs
from tests.versions_support import V1, V3, dataset


def _one_annotation(tmp_path: Path):
    """A one-policy set with one Data Retention annotation: (docs, set, session, span, its id)."""
    docs = write_docs(tmp_path / "docs", {"alpha": POLICY_A})
    set_dir = tmp_path / "set"
    s = new_session(set_dir, docs)
    start, end = span_of(docs[0], "We keep your information")
    made = s.toggle_category("alpha", start, end, "data-retention").annotation
    assert made is not None
    return docs, set_dir, s, (start, end), made


def test_orphan_is_written_at_once_kept_on_reopening_and_undoable(tmp_path: Path) -> None:
    docs, set_dir, s, (start, end), made = _one_annotation(tmp_path)
    before = (set_dir / "alpha.toml").read_bytes()

    out = s.orphan("alpha", made)
    assert out.saved and out.error is None and "Orphaned" in out.message
    assert [a.id for a in s.orphans("alpha")] == [made] and s.annotations("alpha") == []
    on_disk = raw_file(set_dir, "alpha")[made]
    assert on_disk.extra[SET_ASIDE] is True and "version" not in on_disk.extra   # a plain policy has no versions
    assert (on_disk.start, on_disk.end) == (start, end)                         # kept as it was placed
    # its quote is still right there, yet a fresh session keeps it an orphan: the person decided
    _, orphans = reopened(set_dir, docs, "alpha")
    assert orphans == {made}
    assert s.orphan("alpha", made).message == "Already an orphan"

    s.undo()
    assert (set_dir / "alpha.toml").read_bytes() == before
    assert [a.id for a in s.annotations("alpha")] == [made] and s.orphans("alpha") == []
    s.redo()
    assert raw_file(set_dir, "alpha")[made].extra[SET_ASIDE] is True


def test_reattaching_an_orphan_by_hand_places_it_again(tmp_path: Path) -> None:
    docs, set_dir, s, (start, end), made = _one_annotation(tmp_path)
    s.orphan("alpha", made)
    s.reattach("alpha", made, start, end)
    placed = raw_file(set_dir, "alpha")[made]
    assert SET_ASIDE not in placed.extra and "version" not in placed.extra
    assert [a.id for a in new_session(set_dir, docs).annotations("alpha")] == [made]


def test_refused_for_an_unknown_annotation_and_when_read_only(tmp_path: Path) -> None:
    docs = write_docs(tmp_path / "docs", {"alpha": POLICY_A})
    s = new_session(tmp_path / "set", docs)
    assert s.orphan("alpha", "nope").error == "no annotation 'nope' in alpha"
    start, end = span_of(docs[0], "We keep your information")
    made = s.toggle_category("alpha", start, end, "data-retention").annotation
    s.read_only = True
    assert s.orphan("alpha", made).error is not None and s.orphans("alpha") == []


def _versioned(tmp_path: Path):
    (vdoc,) = discover(dataset(tmp_path / "data"))
    return vdoc, vdoc.versions[0], vdoc.versions[-1]


def test_a_versioned_orphan_records_the_version_its_offsets_refer_to(tmp_path: Path) -> None:
    vdoc, first, last = _versioned(tmp_path)
    store = AnnotationStore.open(tmp_path / "set")
    s = V3.index("We keep your data")
    keep = Annotation.create(V3, s, s + len("We keep your data for three years at most."), ["data-retention"], id="k")
    gone = Annotation.create(V1, V1.index("We share"), V1.index("We share") + 20, ["third-party-sharing"], id="g")
    gone = Annotation(**{**gone.__dict__, "extra": {"version": first.version}})   # a carry left it in V1
    store.save(AnnotationFile(vdoc.id, "x.md", "", [keep, gone], version=last.version))
    session = Session(store, [as_document(vdoc, last)])
    assert [a.id for a in session.orphans(vdoc.id)] == ["g"]

    session.orphan(vdoc.id, "k")
    session.orphan(vdoc.id, "g")
    on_disk = {a.id: a for a in store.load(vdoc.id).annotations}
    assert on_disk["k"].extra == {SET_ASIDE: True, "version": last.version}    # placed in the version shown
    assert on_disk["g"].extra == {SET_ASIDE: True, "version": first.version}   # where it was last placed


def test_no_re_anchoring_places_a_set_aside_annotation(tmp_path: Path) -> None:
    vdoc, first, last = _versioned(tmp_path)
    s = V1.index("Contact us")
    contact = Annotation.create(V1, s, s + len("Contact us at privacy@example.com."), ["other"], id="c")
    aside = Annotation(**{**contact.__dict__, "id": "x", "extra": {SET_ASIDE: True}})
    assert resolve(aside, V1).status == ORPHANED
    assert [r.status for r in resolve_all([contact, aside], V1)] == ["exact", ORPHANED]
    assert [r.status for r in resolve_all([aside, contact], V3, expected=lambda o: o)] == [ORPHANED, "moved"]
    result = carry(vdoc, [contact, aside], first, last)
    assert {a.id: a for a in result.annotations}["x"] == aside   # not carried, not recovered: unchanged


def test_saving_at_another_version_keeps_each_orphan_s_version(tmp_path: Path) -> None:
    """A file anchored to the first version, opened at the second: saving writes the new offsets
    and version, the orphan keeps the version its offsets refer to, and an orphan of an earlier
    carry that is placed again here loses its own version."""
    vdoc, first, _last = _versioned(tmp_path)
    second = vdoc.versions[1]
    store = AnnotationStore.open(tmp_path / "set")
    gone = _placed(V1, "We share data with payment processors only.", "g")
    back = Annotation(**{**_placed(V1, "Contact us at privacy@example.com.", "b").__dict__,
                         "extra": {"version": "2023-01-01T00:00:00Z"}})
    store.save(AnnotationFile(vdoc.id, "x.md", "", [gone, back], version=first.version))
    session = Session(store, [as_document(vdoc, second)])
    session.toggle_category(vdoc.id, 0, 10, "other")                      # any change writes the file
    af = store.load(vdoc.id)
    on_disk = {a.id: a for a in af.annotations}
    assert af.version == second.version
    assert on_disk["g"].extra == {"version": first.version} and (on_disk["g"].start, on_disk["g"].end) == (
        gone.start, gone.end)
    assert on_disk["b"].extra == {} and vdoc.text(second)[on_disk["b"].start:on_disk["b"].end] == back.quote


def _placed(text: str, quote: str, ident: str) -> Annotation:
    s = text.index(quote)
    return Annotation.create(text, s, s + len(quote), ["other"], id=ident)
