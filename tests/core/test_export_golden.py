"""Golden-file tests: each export of the hand-written set in tests/golden/input, byte for byte,
plus what each format's own rules let us check (brat offsets slice the text, CSV parses back,
W3C passes the W3C test suite's schemas, doccano offsets are UTF-16 units)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from reviewer.formats.brat import LINE_BREAKS, unescape_note
from tests.core import w3c_validate
from tests.core.golden_helpers import EXPECTED, NAMES, UPDATE, exported, golden_documents, golden_store


def _expected(fmt: str, actual):
    path = EXPECTED / NAMES[fmt]
    if UPDATE:
        if isinstance(actual, str):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(actual.encode("utf-8"))
        else:
            path.mkdir(parents=True, exist_ok=True)
            for name, text in actual.items():
                (path / name).write_bytes(text.encode("utf-8"))
    if isinstance(actual, str):
        return path.read_bytes().decode("utf-8")
    return {p.name: p.read_bytes().decode("utf-8") for p in sorted(path.iterdir())}


@pytest.mark.parametrize("fmt", sorted(NAMES))
def test_export_matches_golden(fmt: str) -> None:
    actual = exported(fmt)
    assert actual == _expected(fmt, actual)


def _annotations():
    store = golden_store()
    return {doc_id: store.load(doc_id).annotations for doc_id in store.document_ids()}


def test_w3c_golden_shape_and_schemas() -> None:
    data = json.loads(exported("w3c"))
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert data["type"] == "AnnotationCollection" and data["total"] == 8
    items = data["first"]["items"]
    assert data["first"]["type"] == "AnnotationPage" and len(items) == 8
    for item in items:
        assert item["type"] == "Annotation"
        assert item["id"].startswith("urn:uuid:")
        assert item["target"]["source"].startswith("file:///")
        assert item["creator"] == {"type": "Person", "name": "Ana Lyst"}
        kinds = {s["type"]: s for s in item["target"]["selector"]}
        assert set(kinds) == {"TextQuoteSelector", "TextPositionSelector"}
        assert {"exact", "prefix", "suffix"} <= set(kinds["TextQuoteSelector"])
    a2 = next(i for i in items if i["reviewer:id"] == "a2share")
    assert [b["value"] for b in a2["body"] if b["purpose"] == "tagging"] == ["third-party-sharing", "first-party-collection"]
    assert [b["value"] for b in a2["body"] if b["purpose"] == "commenting"] == ["=cmd|' /C calc'!A0"]
    b1 = next(i for i in items if i["reviewer:id"] == "b1keep")
    assert b1["reviewer:attributes"] == {"retention-period": "limited"} and b1["reviewer:extra"] == {"reviewed": True}
    assert "commenting" not in [b["purpose"] for b in b1["body"]]  # an empty note is no body
    if not w3c_validate.available():
        pytest.skip("../shared/w3c-annotation-schemas is not present")
    pytest.importorskip("jsonschema")
    assert w3c_validate.validate_w3c(data) == []


def test_w3c_validator_catches_a_broken_export() -> None:
    if not w3c_validate.available():
        pytest.skip("../shared/w3c-annotation-schemas is not present")
    pytest.importorskip("jsonschema")
    data = json.loads(exported("w3c"))
    data["first"]["items"][0]["@context"] = "http://example.com/other"
    data["first"]["items"][1]["created"] = "yesterday"
    del data["first"]["items"][2]["target"]["selector"][0]["prefix"]
    failures = w3c_validate.validate_w3c(data)
    assert any("item 0: annotations/3.1-annotationContextValidated" in f for f in failures)
    assert any("item 1: annotations/3.3.1-annotationCreatedValidated" in f for f in failures)
    assert any("item 2: annotations/specificResource/4.2.4-prefix" in f for f in failures)


def test_csv_golden_parses_back_and_neutralises_formulas() -> None:
    text = exported("csv")
    assert text.endswith("\r\n") and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["document", "start", "end", "categories", "quote", "note", "annotator", "created", "updated"]
    by_quote = {r[4]: r for r in rows[1:]}
    anns = _annotations()
    assert len(rows) - 1 == sum(len(v) for v in anns.values())
    for doc_id, items in anns.items():
        for a in items:
            quote = "'" + a.quote if a.quote.startswith(("=", "+", "-", "@", "\t", "\r")) else a.quote
            row = by_quote[quote]
            note = "'" + a.note if a.note.startswith(("=", "+", "-", "@", "\t", "\r")) else a.note
            assert row[:6] == [doc_id, str(a.start), str(a.end), ";".join(a.categories), quote, note]
            assert row[6] == "Ana Lyst"
    notes = [r[5] for r in rows[1:]]
    assert "'=cmd|' /C calc'!A0" in notes and "'-1 reminder\tthen +2" in notes and "'@team: crosses a line break" in notes
    assert 'Contains "quotes", commas, and\na newline.' in notes
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_brat_golden_offsets_slice_the_text() -> None:
    files = exported("brat")
    assert {"annotation.conf", "visual.conf", "alpha.txt", "alpha.ann", "beta.txt", "beta.ann",
            "gamma.txt", "gamma.ann"} == set(files)
    texts = {d.id: d.text for d in golden_documents()}
    for doc_id, text in texts.items():
        assert files[f"{doc_id}.txt"] == text
        for line in files[f"{doc_id}.ann"].splitlines():
            ident, rest = line.split("\t", 1)
            if ident.startswith("T"):
                data, shown = rest.split("\t", 1)
                type_, spans = data.split(" ", 1)
                frags = [tuple(map(int, p.split())) for p in spans.split(";")]
                assert shown == " ".join(text[s:e] for s, e in frags)
                assert not any(ch in LINE_BREAKS for ch in shown)
                assert type_ in files["annotation.conf"].split("\n")
    conf = files["annotation.conf"]
    assert "<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:<ANY>" in conf
    for section in ("[entities]", "[relations]", "[events]", "[attributes]"):
        assert section in conf
    ann = files["alpha.ann"]
    assert "\tAnnotatorNotes " in ann
    notes = [unescape_note(line.split("\t", 2)[2]) for line in ann.splitlines() if line.startswith("#")]
    assert 'Contains "quotes", commas, and\na newline.' in notes
    # the span across the line break is two fragments
    assert any(";" in line.split("\t")[1] for line in ann.splitlines() if line.startswith("T"))


def test_doccano_golden_uses_utf16_offsets() -> None:
    lines = [json.loads(x) for x in exported("doccano").splitlines()]
    assert [x["document"] for x in lines] == ["alpha", "beta", "gamma"]
    alpha = lines[0]
    units = alpha["text"].encode("utf-16-le")
    for s, e, label in alpha["label"]:
        assert isinstance(label, str)
        assert units[2 * s:2 * e].decode("utf-16-le") in alpha["text"]
    advert = [lab for lab in alpha["label"] if lab[2] == "other"][0]
    assert units[2 * advert[0]:2 * advert[1]].decode("utf-16-le") == "advertising"
    assert alpha["text"][advert[0]:advert[1]] != "advertising"  # code points would be off by one
    assert lines[2]["label"] == []


def test_labelstudio_golden_regions_match_text() -> None:
    tasks = json.loads(exported("labelstudio"))
    assert [t["data"]["document"] for t in tasks] == ["alpha", "beta", "gamma"]
    for task in tasks:
        text = task["data"]["text"]
        for completion in task["annotations"]:
            for r in completion["result"]:
                assert r["to_name"] == "text" and r["type"] in ("labels", "textarea")
                v = r["value"]
                if r["type"] == "labels":
                    assert v["text"] == text[v["start"]:v["end"]] and v["labels"]
    assert tasks[2]["annotations"] == []


def test_golden_files_are_committed() -> None:
    for name in NAMES.values():
        assert (EXPECTED / name).exists(), f"run REVIEWER_UPDATE_GOLDEN=1 pytest {Path(__file__).name}"
