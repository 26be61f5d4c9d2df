"""``reviewer suggest``: JSON shape, exit codes, --into a separate set, rejections honoured."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.documents import load_document
from reviewer.store import Annotation, AnnotationFile, AnnotationStore
from reviewer.suggestions import MIN_EXAMPLES, Rejections

COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Tyrell", "Soylent",
             "Cyberdyne", "Aperture", "Oscorp", "Wonka", "Monarch", "Nakatomi", "Virtucon", "Sirius", "Zorg", "Bluth"]
TEMPLATES = {
    "data-retention": "{c} retains your personal data for {n} years after you close your account, then deletes it.",
    "data-security": "{c} protects your information with encryption, firewalls and secure servers against unauthorized access.",
    "policy-change": "{c} may change this privacy policy from time to time and will post the revised policy on this page.",
}
UNTAGGED = ("Newco retains your personal data for 9 years after you close your account, then deletes it.\n\n"
            "Newco protects your information with encryption, firewalls and secure servers against unauthorized access.\n\n"
            "Newco may change this privacy policy from time to time and will post the revised policy on this page.\n")


def build(tmp_path: Path, per_category: int = MIN_EXAMPLES // 3 + 2) -> tuple[Path, Path]:
    """docs/ with a fully tagged policy, a half-tagged one and an untagged one; set/ with their tags."""
    docs = tmp_path / "docs"
    docs.mkdir()
    lines, cats = [], []
    for cat, template in TEMPLATES.items():
        for k in range(per_category):
            lines.append(template.format(c=COMPANIES[k % len(COMPANIES)], n=k + 2))
            cats.append(cat)
    (docs / "tagged.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    (docs / "half.txt").write_text(UNTAGGED, encoding="utf-8")
    (docs / "untagged.txt").write_text("Privacy Policy\n\n" + UNTAGGED, encoding="utf-8")
    set_dir = tmp_path / "set"
    store = AnnotationStore.open(set_dir, annotator="test")
    doc = load_document(docs / "tagged.txt")
    anns = [Annotation.create(doc.text, c.start, c.end, [cat]) for c, cat in zip(doc.clauses, cats)]
    store.save(AnnotationFile(doc.id, doc.path.name, doc.sha256, anns))
    half = load_document(docs / "half.txt")
    first = half.clauses[0]
    store.save(AnnotationFile(half.id, half.path.name, half.sha256,
                              [Annotation.create(half.text, first.start, first.end, ["data-retention"])]))
    return docs, set_dir


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["suggest", *args])
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_json_shape_and_offsets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs, set_dir = build(tmp_path)
    code, out, err = run(capsys, str(docs), "--annotations", str(set_dir), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert list(data) == ["suggestions"]
    found = data["suggestions"]
    assert found
    for s in found:
        assert list(s) == ["document", "start", "end", "categories", "confidence"]
        assert isinstance(s["start"], int) and isinstance(s["end"], int)
        assert s["categories"] and set(s["confidence"]) == set(s["categories"])
        assert all(0.5 <= p <= 1 for p in s["confidence"].values())
        doc = load_document(docs / f"{s['document']}.txt")
        assert (s["start"], s["end"]) in {(c.start, c.end) for c in doc.clauses}
    by_doc: dict[str, list[dict]] = {}
    for s in found:
        by_doc.setdefault(s["document"], []).append(s)
    assert "tagged" not in by_doc  # every clause is covered
    # the untagged policy's three clauses get their near-identical twins' categories
    assert [s["categories"][0] for s in by_doc["untagged"] if s["start"] > 0][-3:] == list(TEMPLATES)
    # the half-tagged policy: its tagged first clause is not suggested again
    half = load_document(docs / "half.txt")
    assert half.clauses[0].start not in {s["start"] for s in by_doc["half"]}
    assert [s["categories"][0] for s in by_doc["half"]] == ["data-security", "policy-change"]


def test_text_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs, set_dir = build(tmp_path)
    code, out, _ = run(capsys, str(docs / "untagged.txt"), "--annotations", str(set_dir))
    assert code == 0
    assert "data-security" in out and "untagged" in out and "learned from" in out


def test_not_enough_annotations_exit_1_with_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs, set_dir = build(tmp_path, per_category=3)
    code, out, err = run(capsys, str(docs), "--annotations", str(set_dir), "--json")
    assert code == 1
    assert json.loads(out) == {"suggestions": []}
    assert "nothing to suggest" in err and str(MIN_EXAMPLES) in err and len(err.strip().splitlines()) == 1


def test_empty_set_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs, _ = build(tmp_path)
    AnnotationStore.open(tmp_path / "empty")
    code, _, err = run(capsys, str(docs), "--annotations", str(tmp_path / "empty"))
    assert code == 1 and "at least" in err


def test_nothing_above_confidence_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs, set_dir = build(tmp_path)
    code, out, err = run(capsys, str(docs), "--annotations", str(set_dir), "--json", "--min-confidence", "1")
    assert code == 1 and json.loads(out) == {"suggestions": []} and "confidence" in err


@pytest.mark.parametrize("extra, words", [
    (["--min-confidence", "1.5"], "between 0 and 1"),
    (["--min-confidence", "-0.1"], "between 0 and 1"),
])
def test_bad_min_confidence(tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], words: str) -> None:
    docs, set_dir = build(tmp_path)
    code, out, err = run(capsys, str(docs), "--annotations", str(set_dir), *extra)
    assert code == 2 and words in err and out == ""
    assert len(err.strip().splitlines()) == 1


def test_missing_set_and_missing_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs, set_dir = build(tmp_path)
    code, _, err = run(capsys, str(docs), "--annotations", str(tmp_path / "nope"))
    assert code == 2 and "nope" in err and "Traceback" not in err
    assert not (tmp_path / "nope").exists()
    code, out, err = run(capsys, str(docs / "missing.txt"), str(docs / "half.txt"), "--annotations", str(set_dir),
                         "--json")
    assert code == 2 and "missing.txt" in err
    assert {s["document"] for s in json.loads(out)["suggestions"]} == {"half"}  # the rest still answered


def test_malformed_annotation_file_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs, set_dir = build(tmp_path)
    (set_dir / "untagged.toml").write_text("annotation = [", encoding="utf-8")
    code, out, err = run(capsys, str(docs), "--annotations", str(set_dir), "--json")
    assert code == 2 and "untagged.toml" in err
    assert "untagged" not in {s["document"] for s in json.loads(out)["suggestions"]}


def test_malformed_rejections_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs, set_dir = build(tmp_path)
    (set_dir / "suggestions.toml").write_text("rejected = 1\n", encoding="utf-8")
    code, _, err = run(capsys, str(docs), "--annotations", str(set_dir))
    assert code == 2 and "suggestions.toml" in err


def test_rejections_are_not_suggested_again(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs, set_dir = build(tmp_path)
    _, out, _ = run(capsys, str(docs / "untagged.txt"), "--annotations", str(set_dir), "--json")
    first = json.loads(out)["suggestions"][-1]
    doc = load_document(docs / "untagged.txt")
    rejections = Rejections.load(set_dir)
    r = rejections.reject("untagged", first["start"], first["end"], first["categories"][0],
                          doc.text[first["start"]:first["end"]])
    _, out, _ = run(capsys, str(docs / "untagged.txt"), "--annotations", str(set_dir), "--json")
    after = {(s["start"], c) for s in json.loads(out)["suggestions"] for c in s["categories"]}
    assert (first["start"], first["categories"][0]) not in after
    rejections.unreject(r)
    _, out, _ = run(capsys, str(docs / "untagged.txt"), "--annotations", str(set_dir), "--json")
    assert json.loads(out)["suggestions"][-1] == first


def test_into_writes_a_separate_checkable_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs, set_dir = build(tmp_path)
    before = snapshot(set_dir)
    review = tmp_path / "review"
    code, out, err = run(capsys, str(docs), "--annotations", str(set_dir), "--json", "--into", str(review))
    assert code == 0, err
    found = json.loads(out)["suggestions"]
    assert snapshot(set_dir) == before  # the analyst's set is untouched
    store = AnnotationStore.open(review, create=False)
    written = {}
    for doc_id in store.document_ids():
        for ann in store.load(doc_id).annotations:
            written[(doc_id, ann.start, ann.end)] = (list(ann.categories), ann.extra["confidence"])
    assert written == {(s["document"], s["start"], s["end"]): (s["categories"], s["confidence"]) for s in found}
    assert main(["check", str(docs), "--annotations", str(review)]) == 0
    capsys.readouterr()
    # running again replaces the earlier suggestions in the review set
    code, _, err = run(capsys, str(docs), "--annotations", str(set_dir), "--into", str(review))
    assert code == 0, err
    assert sorted(store.document_ids()) == ["half", "untagged"]
    code, _, _ = run(capsys, str(docs), "--annotations", str(set_dir), "--into", str(review), "--min-confidence", "1")
    assert code == 1 and store.document_ids() == []  # stale suggestions do not linger
    assert snapshot(set_dir) == before


@pytest.mark.parametrize("spelling", ["same", "dot", "symlink"])
def test_into_refuses_the_analysts_own_set(tmp_path: Path, capsys: pytest.CaptureFixture[str], spelling: str) -> None:
    docs, set_dir = build(tmp_path)
    before = snapshot(set_dir)
    target = {"same": set_dir, "dot": set_dir / ".." / "set" / "."}.get(spelling)
    if target is None:
        target = tmp_path / "link"
        target.symlink_to(set_dir, target_is_directory=True)
    code, out, err = run(capsys, str(docs), "--annotations", str(set_dir), "--into", str(target))
    assert code == 2 and "analyst's own set" in err and out == ""
    assert snapshot(set_dir) == before


def test_into_refuses_another_existing_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs, set_dir = build(tmp_path)
    other = tmp_path / "colleague"
    AnnotationStore.open(other, annotator="colleague")
    (other / "half.toml").write_text('schema = 1\ndocument = "half"\n', encoding="utf-8")
    before = snapshot(other)
    code, _, err = run(capsys, str(docs), "--annotations", str(set_dir), "--into", str(other))
    assert code == 2 and "did not write" in err
    assert snapshot(other) == before


def test_real_policies(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ten real policies, a set tagged from OPP-115 labels on six of them: the others get suggestions."""
    rows = [json.loads(line) for line in (corpus / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    from reviewer.taxonomy import DEFAULT_TAXONOMY

    slug = {c.name: c.slug for c in DEFAULT_TAXONOMY}
    policies = sorted({r["policy"] for r in rows})
    chosen = random.Random(7).sample(policies, 10)
    store = AnnotationStore.open(tmp_path / "set")
    for policy in chosen[:6]:
        doc = load_document(corpus / f"{policy}.txt")
        anns = []
        for r in rows:
            if r["policy"] == policy and r["categories"]:
                start = doc.text.find(r["text"])
                anns.append(Annotation.create(doc.text, start, start + len(r["text"]),
                                              [slug[c] for c in r["categories"]]))
        store.save(AnnotationFile(doc.id, doc.path.name, doc.sha256, anns))
    paths = [str(corpus / f"{p}.txt") for p in chosen]
    code, out, err = run(capsys, *paths, "--annotations", str(tmp_path / "set"), "--json")
    assert code == 0, err
    found = json.loads(out)["suggestions"]
    assert {s["document"] for s in found} >= set(chosen[6:])


def test_rerun_into_keeps_what_the_analyst_changed_there_and_replaces_only_untouched(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs, set_dir = build(tmp_path)
    review = tmp_path / "review"
    code, _, err = run(capsys, str(docs), "--annotations", str(set_dir), "--into", str(review))
    assert code == 0, err
    store = AnnotationStore.open(review, create=False)
    af = store.load("untagged")
    assert af is not None and len(af.annotations) >= 3
    noted = af.annotations[0].edited(note="checked: right")
    recategorised = af.annotations[1].edited(categories=("other",))
    doc = load_document(docs / "untagged.txt")
    added = Annotation.create(doc.text, 0, 7, ["other"], "mine")
    untouched = af.annotations[2:]
    af.annotations = [noted, recategorised, *untouched, added]
    store.save(af)
    # a re-run that suggests nothing: untouched suggestions go, everything the analyst changed stays
    code, _, _ = run(capsys, str(docs), "--annotations", str(set_dir), "--into", str(review), "--min-confidence", "1")
    assert code == 1
    after = store.load("untagged")
    assert after is not None
    assert sorted(after.annotations, key=lambda a: a.id) == sorted([noted, recategorised, added], key=lambda a: a.id)
    assert store.load("half") is None  # only untouched suggestions were there
    # a re-run that suggests again brings the untouched ones back, never a second copy of a kept one
    code, out, err = run(capsys, str(docs), "--annotations", str(set_dir), "--into", str(review))
    assert code == 0, err
    again = store.load("untagged")
    assert again is not None
    ids = [a.id for a in again.annotations]
    assert len(ids) == len(set(ids)) and {noted.id, recategorised.id, added.id} <= set(ids)
    assert {a.id: a for a in again.annotations}[noted.id] == noted
    assert "kept 3 annotations" in out


def test_into_a_set_open_in_the_app_is_refused_and_untouched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from reviewer.lock import acquire

    docs, set_dir = build(tmp_path)
    review = tmp_path / "review"
    assert run(capsys, str(docs), "--annotations", str(set_dir), "--into", str(review))[0] == 0
    with acquire(review):  # as the app holds it
        before = snapshot(review)
        code, _, err = run(capsys, str(docs), "--annotations", str(set_dir), "--into", str(review),
                           "--min-confidence", "1")
        assert code == 2 and str(os.getpid()) in err, err
        assert snapshot(review) == before
