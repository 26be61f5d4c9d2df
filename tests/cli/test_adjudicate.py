"""``reviewer adjudicate``: agreements into gold (provenance agreed), disagreements worst first, re-runs safe."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reviewer.store import AnnotationStore
from tests.cli.adjudication_support import make_pair
from tests.conftest import ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reviewer", *args], capture_output=True, text=True, cwd=ROOT,
                          encoding="utf-8")


def gold_annotations(root: Path) -> dict[str, list]:
    store = AnnotationStore.open(root, create=False)
    return {d: store.load(d).annotations for d in store.document_ids()}


def test_json_shape_and_worst_first(tmp_path: Path) -> None:
    docs, a, b = make_pair(tmp_path)
    proc = run("adjudicate", str(a), str(b), str(docs), "--into", str(tmp_path / "gold"), "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert set(report) == {"agreed", "written", "already_in_gold", "disagreements"}
    assert report["agreed"] == 2  # a1~b1 (end differs by one), a4=b4
    assert report["written"] == 2 and report["already_in_gold"] == 0
    kinds = [(d["document"], d["kind"]) for d in report["disagreements"]]
    assert kinds == [("alpha", "only_b"), ("beta", "only_a"), ("alpha", "category"), ("alpha", "span")]
    only_b, only_a, category, span_ = report["disagreements"]
    assert only_b["a"] is None and only_b["b"]["id"] == "b6"
    assert only_a["b"] is None and only_a["a"]["id"] == "a5"
    assert set(category["a"]) == {"id", "start", "end", "quote", "categories", "note"}
    assert category["b"]["categories"] == ["third-party-sharing", "other"]
    assert span_["a"]["id"] == "a3" and span_["b"]["id"] == "b3"


def test_gold_is_an_ordinary_set_with_agreed_provenance(tmp_path: Path) -> None:
    docs, a, b = make_pair(tmp_path)
    gold = tmp_path / "gold"
    assert run("adjudicate", str(a), str(b), str(docs), "--into", str(gold)).returncode == 0
    assert (gold / "set.toml").is_file()
    anns = gold_annotations(gold)
    assert {d: [(x.id, x.provenance, x.categories) for x in v] for d, v in anns.items()} == {
        "alpha": [("a1", "agreed", ("first-party-collection",))],
        "beta": [("a4", "agreed", ("specific-audiences",))]}
    assert 'provenance = "agreed"' in (gold / "alpha.toml").read_text(encoding="utf-8")
    proc = run("check", str(docs), "--annotations", str(gold))
    assert proc.returncode == 0, proc.stderr


def test_rerun_never_overwrites_decisions(tmp_path: Path) -> None:
    docs, a, b = make_pair(tmp_path)
    gold = tmp_path / "gold"
    assert run("adjudicate", str(a), str(b), str(docs), "--into", str(gold)).returncode == 0
    path = gold / "alpha.toml"
    # An analyst edits the agreed annotation in gold (categories and provenance) and decides one more.
    text = path.read_text(encoding="utf-8").replace('provenance = "agreed"', 'provenance = "edited"')
    text = text.replace('categories = [\n    "first-party-collection",\n]', 'categories = [\n    "other",\n]')
    path.write_text(text, encoding="utf-8")
    before = path.read_bytes()
    proc = run("adjudicate", str(a), str(b), str(docs), "--into", str(gold), "--json")
    assert proc.returncode == 0, proc.stderr
    assert path.read_bytes() == before
    report = json.loads(proc.stdout)
    assert (report["agreed"], report["written"], report["already_in_gold"]) == (2, 0, 2)


def test_a_hand_written_gold_file_gets_only_the_new_blocks(tmp_path: Path) -> None:
    from tests.cli.adjudication_support import ALPHA, BETA, span

    docs, a, b = make_pair(tmp_path)
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "set.toml").write_text('schema = 1\nname = "gold"\nannotator = "jane"\n', encoding="utf-8")
    hand = {}
    for doc, text, phrase in (("alpha", ALPHA, "We collect your email address"), ("beta", BETA, "Cookies track you.")):
        s, e = span(text, phrase)
        hand[doc] = (f"# Gold file, hand-checked by Jane\nschema = 1\ndocument = '{doc}'\n\n# decided in meeting 3\n"
                     f"[[annotation]]\nid = 'g-{doc}'\nstart = {s}\nend = {e}\nquote = '{phrase}'\n"
                     f"categories = [\"other\"]   # Jane: was something else\ncreated = 2026-11-21 12:00:00Z\n")
        (gold / f"{doc}.toml").write_text(hand[doc], encoding="utf-8")
    proc = run("adjudicate", str(a), str(b), str(docs), "--into", str(gold), "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert (report["agreed"], report["written"], report["already_in_gold"]) == (2, 1, 1)
    assert (gold / "alpha.toml").read_text(encoding="utf-8") == hand["alpha"]   # a1 is decided there already
    after = (gold / "beta.toml").read_text(encoding="utf-8")
    assert after.startswith(hand["beta"]) and 'id = "a4"' in after[len(hand["beta"]):]


def test_b_s_note_on_an_agreed_annotation_reaches_gold(tmp_path: Path) -> None:
    docs, a, b = make_pair(tmp_path)
    path = b / "alpha.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('note = ""', 'note = "B: misleading, check with legal"', 1),
                    encoding="utf-8")
    gold = tmp_path / "gold"
    assert run("adjudicate", str(a), str(b), str(docs), "--into", str(gold)).returncode == 0
    note = AnnotationStore.open(gold, create=False).load("alpha").annotations[0].note
    assert note == "B: misleading, check with legal"   # only B noted it: kept as B wrote it
    apath = a / "alpha.toml"
    apath.write_text(apath.read_text(encoding="utf-8").replace('note = ""', 'note = "collects on sign-up"', 1),
                     encoding="utf-8")
    gold2 = tmp_path / "gold2"
    assert run("adjudicate", str(a), str(b), str(docs), "--into", str(gold2)).returncode == 0
    note = AnnotationStore.open(gold2, create=False).load("alpha").annotations[0].note
    # both sets have one annotator here, so the labels name the set folders
    assert note.splitlines() == ["A (A): collects on sign-up", "B (B): B: misleading, check with legal"]


def test_decided_disagreements_are_not_listed_again(tmp_path: Path) -> None:
    from reviewer import gold as gold_mod
    from reviewer.store import Annotation

    docs, a, b = make_pair(tmp_path)
    gold = tmp_path / "gold"
    run("adjudicate", str(a), str(b), str(docs), "--into", str(gold))
    text = (docs / "beta.txt").read_text(encoding="utf-8")
    gold_mod.update(gold, gold_mod.Change(add={"beta": [Annotation.create(text, 0, 18, ("other",), id="g1")]},
                                          dismiss={("alpha", "", "b6")}), {})
    proc = run("adjudicate", str(a), str(b), str(docs), "--into", str(gold), "--json")
    kinds = [d["kind"] for d in json.loads(proc.stdout)["disagreements"]]
    assert kinds == ["category", "span"]


def test_human_report_and_bad_input(tmp_path: Path) -> None:
    docs, a, b = make_pair(tmp_path)
    proc = run("adjudicate", str(a), str(b), str(docs), "--into", str(tmp_path / "gold"))
    assert proc.stdout.splitlines()[0] == ("2 agreed (2 new in " + str(tmp_path / "gold") + "), 4 disagreements: "
                                           "1 only in A, 1 only in B, 1 category, 1 boundary")
    assert proc.stdout.splitlines()[1].split()[:2] == ["only_b", "alpha"]
    proc = run("adjudicate", str(a), str(tmp_path / "missing"), str(docs), "--into", str(tmp_path / "g2"))
    assert proc.returncode == 2 and "no such annotation set" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "g2").exists()
    proc = run("adjudicate", str(a), str(b), str(docs), "--into", str(a))
    assert proc.returncode == 2 and "set of its own" in proc.stderr
    (tmp_path / "g3").mkdir()
    (tmp_path / "g3" / "alpha.toml").write_text("not toml [", encoding="utf-8")
    proc = run("adjudicate", str(a), str(b), str(docs), "--into", str(tmp_path / "g3"))
    assert proc.returncode == 2 and "malformed TOML" in proc.stderr
    assert (tmp_path / "g3" / "alpha.toml").read_text(encoding="utf-8") == "not toml ["


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_gold_set_toml_that_is_not_a_file_is_one_line_and_never_hangs(tmp_path: Path, kind: str) -> None:
    docs, a, b = make_pair(tmp_path)
    gold = tmp_path / "gold"
    gold.mkdir()
    if kind == "fifo":
        os.mkfifo(gold / "set.toml")
    else:
        os.symlink("/dev/zero", gold / "set.toml")
    proc = subprocess.run([sys.executable, "-m", "reviewer", "adjudicate", str(a), str(b), str(docs),
                           "--into", str(gold)], capture_output=True, text=True, cwd=ROOT, encoding="utf-8",
                          timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.splitlines()) == 1 and "set.toml" in proc.stderr and "not a regular file" in proc.stderr
    assert sorted(p.name for p in gold.iterdir()) == ["set.toml"]   # nothing written


def test_gold_set_toml_with_a_bom_is_read(tmp_path: Path) -> None:
    docs, a, b = make_pair(tmp_path)
    gold = tmp_path / "gold"
    gold.mkdir()
    meta = b'\xef\xbb\xbfschema = 1\nname = "g"\nannotator = "x"\ncreated = 2026-11-21T12:00:00Z\n'
    (gold / "set.toml").write_bytes(meta)
    proc = run("adjudicate", str(a), str(b), str(docs), "--into", str(gold))
    assert proc.returncode == 0, proc.stderr
    assert (gold / "set.toml").read_bytes() == meta and (gold / "alpha.toml").is_file()
