"""Coverage at another version and the change between two (reviewer.versions.coverage): the
annotations carried in memory by the carry engine, counted by the one coverage function."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.coverage import coverage
from reviewer.documents import Document
from reviewer.store import Annotation
from reviewer.taxonomy import Taxonomy
from reviewer.versions.coverage import ANNOTATED, LATEST, PICKED, VersionView, at_version, version_coverage
from reviewer.versions.loading import as_document
from reviewer.versions.sources import discover
from tests.versions_support import V1, dataset

RETENTION = "We keep your data for two years."             # reworded in V2 and again in V3
SHARING = "We share data with payment processors only."   # removed in V2
COLLECT = "We collect your name and e-mail address when you register."  # never changes


def _ann(text: str, quote: str, cats: list[str], ident: str) -> Annotation:
    s = text.index(quote)
    return Annotation.create(text, s, s + len(quote), cats, id=ident)


@pytest.fixture
def history(tmp_path: Path):
    (vdoc,) = discover(dataset(tmp_path / "data"))
    return vdoc


def _annotations() -> list[Annotation]:
    return [_ann(V1, RETENTION, ["data-retention"], "r"), _ann(V1, SHARING, ["third-party-sharing"], "s"),
            _ann(V1, COLLECT, ["first-party-collection"], "c"),
            _ann(V1, COLLECT, ["first-party-collection", "data-retention"], "c2")]


def test_at_version_carries_in_memory_and_says_what_changed(history) -> None:
    first, last = history.versions[0], history.versions[-1]
    kept = Annotation.create("Old text", 0, 3, ["other"], id="o")
    at = at_version(history, first, last, _annotations(), [kept])
    assert (at.old, at.new) == (first.version, last.version)
    assert {a.id for a in at.placed} == {"r", "c", "c2"} and {a.id for a in at.orphans} == {"o", "s"}
    assert {a.id for a in at.changed} == {"r", "s"}                    # reworded, removed; "c" untouched
    placed = {a.id: a for a in at.placed}
    assert history.text(last)[placed["c"].start:placed["c"].end] == COLLECT
    same = at_version(history, first, first, _annotations(), [])
    assert same.changed == [] and [a.id for a in same.placed] == ["r", "s", "c", "c2"]


def test_counts_at_the_annotated_version_are_the_plain_matrix(history) -> None:
    taxonomy = Taxonomy(())
    doc = as_document(history, history.versions[0])
    placed = {doc.id: _annotations()}
    vc = version_coverage([doc], placed, {}, taxonomy, VersionView())
    assert vc.matrix == coverage([doc], placed, taxonomy, orphans_by_doc={}, unreadable={})
    assert vc.versions == {doc.id: (history.versions[0].version,) * 2} and vc.moved_versions() == {}


def test_the_change_to_the_latest_cell_by_cell(history, tmp_path: Path) -> None:
    taxonomy = Taxonomy(())
    doc = as_document(history, history.versions[0])
    (tmp_path / "plain.txt").write_text(V1, encoding="utf-8")
    plain = Document(id="plain", path=tmp_path / "plain.txt", text=V1)
    placed = {doc.id: _annotations(), "plain": _annotations()}
    vc = version_coverage([plain, doc], placed, {}, taxonomy, VersionView(LATEST, change=True))
    assert vc.matrix.rows == (doc.id,)                                 # a plain policy has nothing to compare
    assert vc.delta(doc.id, "third-party-sharing") == -1 and vc.orphan_delta(doc.id, "third-party-sharing") == 1
    assert vc.changed_in(doc.id, "third-party-sharing") == 1
    assert vc.delta(doc.id, "data-retention") == 0 and vc.changed_in(doc.id, "data-retention") == 1
    assert vc.delta(doc.id, "first-party-collection") == 0 and not vc.touched(doc.id, "first-party-collection")
    assert vc.row_delta(doc.id) == -1
    assert vc.moved_versions() == {doc.id: (history.versions[0].version, history.versions[-1].version)}
    counts = version_coverage([plain, doc], placed, {}, taxonomy, VersionView(LATEST))
    assert counts.matrix.rows == ("plain", doc.id) and counts.matrix.count(doc.id, "third-party-sharing") == 0
    assert counts.matrix.orphaned(doc.id, "third-party-sharing") == 1
    assert counts.matrix.count("plain", "third-party-sharing") == 1


@pytest.mark.parametrize("k", [0, 1, 2])
def test_a_picked_version_drops_nothing(history, k: int) -> None:
    taxonomy = Taxonomy(())
    doc = as_document(history, history.versions[0])
    picked = history.versions[k]
    vc = version_coverage([doc], {doc.id: _annotations()}, {}, taxonomy,
                          VersionView(PICKED, doc.id, picked.version, change=True))
    assert vc.versions[doc.id] == (history.versions[0].version, picked.version)
    m = vc.matrix
    assert m.annotations + m.orphan_total(doc.id) == 4                # every annotation: placed or orphaned
    other = VersionView(PICKED, "another-document", picked.version)
    assert other.target(doc.id, history, history.versions[0]) == history.versions[0]
    assert VersionView(ANNOTATED).target(doc.id, history, history.versions[1]) == history.versions[1]
