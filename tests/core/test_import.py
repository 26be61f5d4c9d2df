"""Import: format guessing, merging by id, re-anchoring with documents, and bad input that leaves
the set untouched."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reviewer.documents import load_document
from reviewer.errors import ReviewerError
from reviewer.export import write_output
from reviewer.importing import guess_format, import_file, plan_import, read_import, open_target_set
from reviewer.store import AnnotationStore
from tests.core.golden_helpers import EXPECTED, INPUT, exported


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.iterdir())} if root.exists() else {}


@pytest.fixture
def golden_set(tmp_path: Path) -> Path:
    dest = tmp_path / "set"
    shutil.copytree(INPUT / "set", dest)
    return dest


@pytest.mark.parametrize("name,fmt", [("w3c.jsonld", "w3c"), ("annotations.jsonl", "jsonl"),
                                      ("doccano.jsonl", "doccano"), ("labelstudio.json", "labelstudio"),
                                      ("brat", "brat")])
def test_guess_format_from_content(tmp_path: Path, name: str, fmt: str) -> None:
    src = EXPECTED / name
    dest = tmp_path / ("renamed" if src.is_dir() else "renamed.data")
    (shutil.copytree if src.is_dir() else shutil.copy)(src, dest)
    assert guess_format(dest) == fmt


@pytest.mark.parametrize("name", ["w3c.jsonld", "annotations.jsonl", "doccano.jsonl", "labelstudio.json", "brat"])
def test_reimporting_an_export_into_its_own_set_changes_nothing(golden_set: Path, name: str) -> None:
    before = _snapshot(golden_set)
    docs = [load_document(p) for p in sorted((INPUT / "docs").glob("*.txt"))]
    plan, written = import_file(golden_set, EXPECTED / name, None, docs)
    assert (plan.added, plan.updated, written) == (0, 0, [])
    assert plan.unchanged == 8
    assert _snapshot(golden_set) == before


def test_w3c_import_into_empty_set_gives_the_same_files(tmp_path: Path) -> None:
    target = tmp_path / "new-set"
    plan, _ = import_file(target, EXPECTED / "w3c.jsonld")
    assert plan.added == 8
    for doc_id in ("alpha", "beta"):
        assert (target / f"{doc_id}.toml").read_bytes() == (INPUT / "set" / f"{doc_id}.toml").read_bytes()
    assert not (target / "gamma.toml").exists()
    assert AnnotationStore.open(target).meta.annotator == "Ana Lyst"  # the creator of the export


def test_merge_updates_by_id_and_never_duplicates(golden_set: Path, tmp_path: Path) -> None:
    rows = [json.loads(x) for x in (EXPECTED / "annotations.jsonl").read_text(encoding="utf-8").splitlines()]
    rows[0]["note"] = "changed elsewhere"
    rows.append({**rows[1], "id": "new-one", "categories": ["other"]})
    f = tmp_path / "edit.jsonl"
    f.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    plan, _ = import_file(golden_set, f)
    assert (plan.added, plan.updated, plan.unchanged) == (1, 1, 7)
    af = AnnotationStore.open(golden_set).load("alpha")
    ids = [a.id for a in af.annotations]
    assert len(ids) == len(set(ids)) == 7
    assert next(a for a in af.annotations if a.id == "a1collect").note == "changed elsewhere"


def test_reanchoring_with_documents_moves_and_reports_unplaced(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    text = (INPUT / "docs" / "alpha.txt").read_text(encoding="utf-8")
    (docs / "alpha.txt").write_text("A new first line.\n" + text.replace("Retention\nWe keep logs for 30 days", "Logs vanish"),
                                    encoding="utf-8")
    doc = load_document(docs / "alpha.txt")
    data = read_import(EXPECTED / "annotations.jsonl")
    store, _ = open_target_set(tmp_path / "set")
    plan = plan_import(store, data, [doc])
    assert plan.statuses["moved"] >= 5
    unplaced = {(u.document, u.annotation.id) for u in plan.unplaced}
    assert ("alpha", "a6retain") in unplaced           # its text is gone: reported, not dropped
    assert ("beta", "b1keep") in unplaced               # beta is not among the documents
    kept = {a.id: a for af in plan.files for a in af.annotations}
    assert "a6retain" in kept and kept["a1collect"].start == 22 + len("A new first line.\n")
    assert doc.text[kept["a1collect"].start:kept["a1collect"].end] == kept["a1collect"].quote


@pytest.mark.parametrize("fmt", ["brat", "doccano"])
@pytest.mark.parametrize("with_documents", [True, False])
def test_a_round_trip_without_ids_of_a_changed_document_never_duplicates(golden_set: Path, tmp_path: Path,
                                                                        fmt: str, with_documents: bool) -> None:
    """The set's offsets refer to the old text, the export's to the new one: annotations are
    matched where they are now, so each keeps its id and nothing is added."""
    from reviewer.export import export_set

    docs_dir = tmp_path / "docs"
    docs_dir.mkdir()
    for p in sorted((INPUT / "docs").glob("*.txt")):
        (docs_dir / p.name).write_text("A new first line.\n" + p.read_text(encoding="utf-8"), encoding="utf-8")
    docs = [load_document(p) for p in sorted(docs_dir.glob("*.txt"))]
    store = AnnotationStore.open(golden_set)
    before = {d: [a.id for a in store.load(d).annotations] for d in ("alpha", "beta")}
    result = export_set(docs, store, fmt)
    write_output(result.output, tmp_path / "out")
    plan, written = import_file(golden_set, tmp_path / "out", fmt, docs if with_documents else None)
    assert plan.added == 0 and plan.updated == 8 and written
    after = AnnotationStore.open(golden_set)
    for doc_id, ids in before.items():
        af = after.load(doc_id)
        assert [a.id for a in af.annotations] == ids
        text = (docs_dir / f"{doc_id}.txt").read_text(encoding="utf-8")
        assert all(text[a.start:a.end] == a.quote for a in af.annotations)
    snapshot = _snapshot(golden_set)
    plan, written = import_file(golden_set, tmp_path / "out", fmt, docs if with_documents else None)
    assert (plan.added, plan.updated, plan.unchanged, written) == (0, 0, 8, [])
    assert _snapshot(golden_set) == snapshot


def test_a_new_span_where_a_moved_annotation_was_gets_an_id_of_its_own(tmp_path: Path) -> None:
    """A span id names where an annotation was first imported: once the document changed, another
    annotation there must not take that id (and so overwrite the first)."""
    from reviewer.importing import span_id

    text = "We sell nothing. We keep logs for 30 days."
    store = AnnotationStore.open(tmp_path / "set")
    from reviewer.store import Annotation, AnnotationFile

    old = Annotation.create(text, 0, 16, ["other"], id=span_id("d", 0, 16))
    store.save(AnnotationFile("d", "d.txt", "", [old]))
    moved = "Hello. " + text
    row = {"text": moved, "label": [[7, 23, "other"], [0, 16, "user-choice"]]}
    (tmp_path / "d.jsonl").write_text(json.dumps({**row, "document": "d"}) + "\n", encoding="utf-8")
    (tmp_path / "d.txt").write_text(moved, encoding="utf-8")
    plan, _ = import_file(tmp_path / "set", tmp_path / "d.jsonl", "doccano", [load_document(tmp_path / "d.txt")])
    anns = {a.id: a for a in AnnotationStore.open(tmp_path / "set").load("d").annotations}
    assert len(anns) == 2 and anns[old.id].quote == "We sell nothing." and list(anns[old.id].categories) == ["other"]
    (new,) = [a for i, a in anns.items() if i != old.id]
    assert new.quote == "Hello. We sell n" and list(new.categories) == ["user-choice"]


# -- bad input: one error naming the file, set untouched ---------------------------------------

BAD = {
    "truncated.json": lambda: exported("w3c")[:500],
    "truncated.jsonl": lambda: exported("jsonl")[:300],
    "notes.txt": lambda: "These are my notes, not an export.\n",
    "other.json": lambda: json.dumps({"hello": "world"}),
    "beyond.jsonl": lambda: json.dumps({"text": "short", "label": [[0, 99, "other"]]}) + "\n",
    "beyond.json": lambda: json.dumps([{"data": {"text": "short"}, "annotations": [{"result": [
        {"id": "r1", "type": "labels", "from_name": "label", "to_name": "text",
         "value": {"start": 2, "end": 50, "labels": ["other"]}}]}]}]),
    "quote-mismatch.jsonld": lambda: exported("w3c").replace('"end": 92', '"end": 95'),
    "empty.json": lambda: "",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_is_one_error_naming_the_file_and_touches_nothing(golden_set: Path, tmp_path: Path, name: str) -> None:
    f = tmp_path / name
    f.write_text(BAD[name](), encoding="utf-8")
    before = _snapshot(golden_set)
    with pytest.raises(ReviewerError) as info:
        import_file(golden_set, f)
    message = str(info.value)
    assert str(f) in message and "\n" not in message
    assert _snapshot(golden_set) == before


def test_wrong_explicit_format_is_refused(golden_set: Path) -> None:
    before = _snapshot(golden_set)
    with pytest.raises(ReviewerError, match="doccano sequence-labelling"):
        import_file(golden_set, EXPECTED / "annotations.jsonl", "doccano")
    with pytest.raises(ReviewerError, match="is JSON Lines"):
        import_file(golden_set, EXPECTED / "doccano.jsonl", "w3c")
    with pytest.raises(ReviewerError, match="not a W3C"):
        import_file(golden_set, EXPECTED / "labelstudio.json", "w3c")
    assert _snapshot(golden_set) == before


def test_offsets_beyond_a_document_with_the_same_hash_are_refused(tmp_path: Path) -> None:
    rows = [json.loads(x) for x in (EXPECTED / "annotations.jsonl").read_text(encoding="utf-8").splitlines()]
    rows[0].update(start=5000, end=5000 + len(rows[0]["quote"]))
    f = tmp_path / "far.jsonl"
    f.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    doc = load_document(INPUT / "docs" / "alpha.txt")
    with pytest.raises(ReviewerError, match="beyond the end of the document"):
        import_file(tmp_path / "set", f, None, [doc])
    assert not (tmp_path / "set").exists()  # a new set is not even created


def test_offsets_no_text_can_check_are_reported_not_taken_silently(golden_set: Path, tmp_path: Path) -> None:
    rows = [json.loads(x) for x in (EXPECTED / "annotations.jsonl").read_text(encoding="utf-8").splitlines()]
    far = {**rows[0], "id": "far", "start": 99990, "end": 99990 + len(rows[0]["quote"])}
    short = {**rows[1], "id": "short", "end": rows[1]["start"] + 3}
    f = tmp_path / "far.jsonl"
    f.write_text("".join(json.dumps(r) + "\n" for r in [*rows, far, short]), encoding="utf-8")
    plan, _ = import_file(golden_set, f)
    assert (plan.added, plan.unchecked) == (2, 2) and plan.summary()["unchecked"] == 2
    (warning,) = [w for w in plan.warnings if "not checked" in w]
    assert "--documents" in warning and "1 of them have a quote that does not fit" in warning and "'short'" in warning
    plan, _ = import_file(golden_set, f)     # nothing written again: nothing to warn about
    assert plan.unchecked == 0 and not [w for w in plan.warnings if "not checked" in w]


def test_brat_text_mismatch_and_offsets_beyond(tmp_path: Path, golden_set: Path) -> None:
    folder = tmp_path / "brat"
    shutil.copytree(EXPECTED / "brat", folder)
    ann = folder / "beta.ann"
    ann.write_text(ann.read_text(encoding="utf-8").replace("13 77", "13 700"), encoding="utf-8")
    with pytest.raises(ReviewerError, match="beyond the end"):
        import_file(golden_set, folder)
    ann.write_text(ann.read_text(encoding="utf-8").replace("13 700", "14 78"), encoding="utf-8")
    with pytest.raises(ReviewerError, match="does not match"):
        import_file(golden_set, folder)


def test_folder_export_writes_every_file(tmp_path: Path) -> None:
    written = write_output(exported("brat"), tmp_path / "out")
    assert {p.name for p in written} == {p.name for p in (EXPECTED / "brat").iterdir()}


def test_foreign_w3c_annotation_is_placed_by_quote_with_documents(tmp_path: Path) -> None:
    doc = load_document(INPUT / "docs" / "beta.txt")
    foreign = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "http://example.org/anno/17",
        "type": "Annotation",
        "bodyValue": "A reader's comment",
        "target": {"source": "http://example.org/policies/beta.html",
                   "selector": {"type": "TextQuoteSelector", "exact": "all traffic is encrypted"}},
    }
    f = tmp_path / "one.json"
    f.write_text(json.dumps(foreign), encoding="utf-8")
    with pytest.raises(ReviewerError, match="give --documents"):
        import_file(tmp_path / "set", f)
    plan, _ = import_file(tmp_path / "set", f, None, [doc])
    assert plan.added == 1 and plan.statuses["moved"] == 1
    ann = AnnotationStore.open(tmp_path / "set").load("beta").annotations[0]
    assert ann.id == "http://example.org/anno/17" and ann.note == "A reader's comment"
    assert doc.text[ann.start:ann.end] == "all traffic is encrypted" and ann.prefix.endswith("Security: ")


def test_utf16_offsets_map_back_and_forth() -> None:
    from reviewer.formats.doccano import Utf16Map

    text = "a🤝b😀😀c\U0001F600"
    m = Utf16Map(text)
    assert m.units == len(text.encode("utf-16-le")) // 2
    for i in range(len(text) + 1):
        units = m.to_units(i)
        assert text.encode("utf-16-le")[: 2 * units].decode("utf-16-le") == text[:i]
        assert m.to_points(units) == i
    assert m.to_points(2) is None  # inside the first surrogate pair


def test_truncated_json_is_called_truncated(golden_set: Path, tmp_path: Path) -> None:
    for cut in (300, 700, 1500):
        f = tmp_path / f"cut{cut}.jsonld"
        f.write_text(exported("w3c")[:cut], encoding="utf-8")
        with pytest.raises(ReviewerError, match="truncated JSON"):
            import_file(golden_set, f)
    f = tmp_path / "garbage.json"
    f.write_text('{"type": "Annotation"} trailing', encoding="utf-8")
    with pytest.raises(ReviewerError, match="malformed JSON"):
        import_file(golden_set, f, "w3c")


def test_an_import_given_another_version_is_placed_in_the_version_the_file_is_anchored_to(tmp_path: Path) -> None:
    """The set's file is anchored to the first version; the import names the latest. Its
    annotations go into the first version (as the app shows the file there), the header keeps
    naming that version, and one whose passage only the latest has keeps the latest's offsets,
    tagged with that version: one file never mixes two versions' offsets under one header."""
    from reviewer.documents import text_sha256
    from reviewer.inputs import load_documents
    from reviewer.store import Annotation, AnnotationFile
    from reviewer.versions.sources import discover
    from tests.versions_support import V1, V3, dataset

    folder = dataset(tmp_path / "policies")
    (vdoc,) = discover(folder)
    first = vdoc.versions[0]
    store = AnnotationStore.open(tmp_path / "set", create=True)
    s = V1.index("Contact us")
    mine = Annotation.create(V1, s, s + len("Contact us at privacy@example.com."), ["other"], id="mine")
    store.save(AnnotationFile(vdoc.id, first.ref, text_sha256(V1), [mine], version=first.version))
    header = (tmp_path / "set" / f"{vdoc.id}.toml").read_text(encoding="utf-8").split("[[annotation]]")[0]
    rows = []
    for ident, quote in (("both", "We collect your name and e-mail address when you register."),
                         ("latest", "We keep your data for three years at most.")):
        at = V3.index(quote)
        rows.append({"document": vdoc.id, "id": ident, "start": at, "end": at + len(quote), "quote": quote,
                     "categories": ["other"]})
    incoming = tmp_path / "incoming.jsonl"
    incoming.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    (latest,), _ = load_documents([str(folder)])
    assert latest.version == vdoc.versions[-1].version
    plan, _ = import_file(tmp_path / "set", incoming, documents=[latest])
    assert any("anchored to version" in w and first.version in w for w in plan.warnings)
    after = (tmp_path / "set" / f"{vdoc.id}.toml").read_text(encoding="utf-8")
    assert after.startswith(header)                       # still the first version's file
    kept = {a.id: a for a in store.load(vdoc.id).annotations}
    assert V1[kept["both"].start:kept["both"].end] == kept["both"].quote
    assert "version" not in kept["both"].extra and kept["mine"] == mine
    assert V3[kept["latest"].start:kept["latest"].end] == kept["latest"].quote
    assert kept["latest"].extra["version"] == vdoc.versions[-1].version


def test_an_import_into_an_empty_or_unlabelled_versioned_file_keeps_its_header_true(tmp_path: Path) -> None:
    """An empty file anchored nowhere follows the version given; a file whose header names its
    version only by ``sha256`` is placed in that version, like one with ``version``."""
    from reviewer.documents import text_sha256
    from reviewer.inputs import load_documents
    from reviewer.store import Annotation, AnnotationFile
    from reviewer.versions.sources import discover
    from tests.versions_support import V1, V3, dataset

    folder = dataset(tmp_path / "policies")
    (vdoc,) = discover(folder)
    first, last = vdoc.versions[0], vdoc.versions[-1]
    (latest,), _ = load_documents([str(folder)])
    quote = "We keep your data for three years at most."
    at = V3.index(quote)
    incoming = tmp_path / "incoming.jsonl"
    incoming.write_text(json.dumps({"document": vdoc.id, "id": "n", "start": at, "end": at + len(quote),
                                    "quote": quote, "categories": ["other"]}) + "\n", encoding="utf-8")
    store = AnnotationStore.open(tmp_path / "set", create=True)
    store.save(AnnotationFile(vdoc.id, first.ref, text_sha256(V1), [], version=first.version))
    import_file(tmp_path / "set", incoming, documents=[latest])
    af = store.load(vdoc.id)
    assert (af.version, af.sha256) == (last.version, text_sha256(V3))
    assert V3[af.annotations[0].start:af.annotations[0].end] == quote

    s = V1.index("Contact us")
    mine = Annotation.create(V1, s, s + len("Contact us"), ["other"], id="mine")
    store.save(AnnotationFile(vdoc.id, first.ref, text_sha256(V1), [mine]))    # no version key
    plan, _ = import_file(tmp_path / "set", incoming, documents=[latest])
    af = store.load(vdoc.id)
    assert af.sha256 == text_sha256(V1) and any(first.version in w for w in plan.warnings)
    kept = {a.id: a for a in af.annotations}
    assert kept["mine"] == mine and kept["n"].extra["version"] == last.version
