"""The four commands end to end: export, import, agree, coverage (exit codes, outputs, errors)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.core.golden_helpers import EXPECTED, INPUT

DOCS = str(INPUT / "docs")
SET = str(INPUT / "set")


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reviewer", *args], capture_output=True, text=True, cwd=cwd,
                          encoding="utf-8")


@pytest.fixture
def golden_set(tmp_path: Path) -> Path:
    dest = tmp_path / "set"
    shutil.copytree(INPUT / "set", dest)
    return dest


def test_export_to_stdout_and_to_a_file(tmp_path: Path) -> None:
    proc = run("export", DOCS, "--annotations", SET, "--format", "jsonl")
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 8
    out = tmp_path / "sub" / "out.csv"
    proc = run("export", DOCS, "--annotations", SET, "--format", "csv", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "wrote 8 annotations" in proc.stderr
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert len(rows) == 9
    assert not list(out.parent.glob(".reviewer-tmp-*"))


def test_export_brat_needs_a_folder(tmp_path: Path) -> None:
    proc = run("export", DOCS, "--annotations", SET, "--format", "brat")
    assert proc.returncode == 2 and "-o FOLDER" in proc.stderr
    proc = run("export", DOCS, "--annotations", SET, "--format", "brat", "-o", str(tmp_path / "b"))
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == sorted(p.name for p in (EXPECTED / "brat").iterdir())


def test_export_bad_inputs(tmp_path: Path) -> None:
    proc = run("export", DOCS, "--annotations", str(tmp_path / "missing"), "--format", "w3c")
    assert proc.returncode == 2 and "no such annotation set" in proc.stderr
    proc = run("export", DOCS, "--annotations", SET, "--format", "xml")
    assert proc.returncode == 2
    assert not (tmp_path / "missing").exists()


def test_export_leaves_out_orphans_and_says_so(golden_set: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(INPUT / "docs", docs)
    (docs / "beta.txt").write_text("Beta Policy\n\nNothing else now.\n", encoding="utf-8")
    proc = run("export", str(docs), "--annotations", str(golden_set), "--format", "jsonl")
    assert proc.returncode == 1
    assert len(proc.stdout.splitlines()) == 6
    assert "orphaned" in proc.stderr and "b1keep" in proc.stderr


def test_import_round_trip_and_report(tmp_path: Path) -> None:
    exported = tmp_path / "w3c.jsonld"
    assert run("export", DOCS, "--annotations", SET, "--format", "w3c", "-o", str(exported)).returncode == 0
    target = tmp_path / "fresh"
    proc = run("import", str(exported), "--annotations", str(target), "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["format"] == "w3c" and report["added"] == 8
    for name in ("alpha.toml", "beta.toml"):
        assert (target / name).read_text(encoding="utf-8") == (INPUT / "set" / name).read_text(encoding="utf-8")
    proc = run("import", str(exported), "--annotations", str(target))
    assert proc.returncode == 0 and "0 added" in proc.stdout and "8 unchanged" in proc.stdout


def test_import_with_documents_reports_unplaced(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(INPUT / "docs", docs)
    (docs / "beta.txt").write_text("Beta Policy\n\nNothing else now.\n", encoding="utf-8")
    proc = run("import", str(EXPECTED / "annotations.jsonl"), "--annotations", str(tmp_path / "s"),
               "--documents", str(docs))
    assert proc.returncode == 1
    assert "2 not placed" in proc.stdout
    assert proc.stderr.count("could not be placed") == 2
    assert "b1keep" in (tmp_path / "s" / "beta.toml").read_text(encoding="utf-8")  # kept, not dropped


@pytest.mark.parametrize("content", ["{\"@context\": \"http://www.w3.org/ns/anno.jsonld\", \"type\": \"Annot",
                                     "id,start\n1,2\n",
                                     json.dumps({"text": "tiny", "label": [[0, 40, "other"]]})])
def test_import_bad_input_exit_2_one_line_set_untouched(golden_set: Path, tmp_path: Path, content: str) -> None:
    before = {p.name: p.read_bytes() for p in golden_set.iterdir()}
    f = tmp_path / "bad.json"
    f.write_text(content, encoding="utf-8")
    proc = run("import", str(f), "--annotations", str(golden_set))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and str(f) in lines[0] and "Traceback" not in proc.stderr
    assert {p.name: p.read_bytes() for p in golden_set.iterdir()} == before


def test_agree_self_and_json_shape(tmp_path: Path) -> None:
    proc = run("agree", SET, SET, DOCS, "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["kappa"] == 1.0 and data["alpha"] == 1.0
    assert data["categories"]["do-not-track"]["kappa"] is None
    assert data["categories"]["user-choice"]["kappa"] == 1.0
    assert data["spans"]["exact"]["f1"] == 1.0
    proc = run("agree", SET, SET, DOCS)
    assert proc.returncode == 0 and "kappa" in proc.stdout


def test_agree_against_a_brat_round_trip_and_bad_set(tmp_path: Path) -> None:
    b = tmp_path / "b"
    assert run("import", str(EXPECTED / "doccano.jsonl"), "--annotations", str(b)).returncode == 0
    data = json.loads(run("agree", SET, str(b), DOCS, "--json").stdout)
    assert data["kappa"] == 1.0  # same spans and categories, different ids
    proc = run("agree", SET, str(tmp_path / "nope"), DOCS)
    assert proc.returncode == 2 and "nope" in proc.stderr


def test_coverage_formats() -> None:
    proc = run("coverage", DOCS, "--annotations", SET, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [d["document"] for d in data["documents"]] == ["alpha", "beta", "gamma"]
    # 10 tags; a4optout lies inside a5write (both user-choice): one place, counted once
    assert data["documents"][2]["total"] == 0 and data["total"] == 9 and data["annotations"] == 8
    proc = run("coverage", DOCS, "--annotations", SET, "--format", "csv")
    rows = list(csv.reader(io.StringIO(proc.stdout, newline="")))
    assert rows[0][0] == "document" and rows[-1][0] == "total"
    proc = run("coverage", DOCS, "--annotations", SET)
    assert proc.returncode == 0 and "alpha" in proc.stdout


def test_labelstudio_export_writes_its_labelling_config_beside(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    out = tmp_path / "tasks.json"
    proc = run("export", DOCS, "--annotations", SET, "--format", "labelstudio", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    config = tmp_path / "tasks.label_config.xml"
    assert f"labelling config the tasks need to {config}" in proc.stderr
    root = ET.fromstring(config.read_text(encoding="utf-8"))
    labels = root.find("Labels")
    assert labels.get("name") == "label" and labels.get("toName") == "text" and labels.get("choice") == "multiple"
    values = [x.get("value") for x in labels.findall("Label")]
    used = {lab for task in json.loads(out.read_text(encoding="utf-8")) for ann in task["annotations"]
            for r in ann["result"] if r["type"] == "labels" for lab in r["value"]["labels"]}
    assert used <= set(values) and "first-party-collection" in values
    note = root.find("TextArea")
    assert note.get("perRegion") == "true" and note.get("name") == "note" and root.find("Text").get("value") == "$text"
    # to standard output there is nowhere beside it: tasks only
    proc = run("export", DOCS, "--annotations", SET, "--format", "labelstudio")
    assert proc.returncode == 0 and "labelling config" not in proc.stderr


def test_labelstudio_config_escapes_odd_category_names() -> None:
    import xml.etree.ElementTree as ET

    from reviewer.formats.labelstudio import label_config

    root = ET.fromstring(label_config(['a "quoted" & <odd>\nlabel', "other"]))
    assert [x.get("value") for x in root.iter("Label")] == ['a "quoted" & <odd>\nlabel', "other"]
