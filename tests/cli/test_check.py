"""`reviewer check PATHS... [--annotations SET] [--json]`: exit codes, JSON shape, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.documents import load_document
from reviewer.store import Annotation, AnnotationFile, AnnotationStore
from tests.conftest import ROOT

DOC_KEYS = {"document", "path", "clauses", "annotations", "exact", "moved", "fuzzy", "orphaned", "warnings",
            "resolved"}
RESOLVED_KEYS = {"id", "status", "start", "end", "score"}


def check(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main(["check", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def check_json(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, dict, str]:
    code, out, err = check(capsys, *args, "--json")
    return code, json.loads(out), err


def assert_one_line_errors(err: str, *names: str) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert "Traceback" not in err
    errors = [line for line in lines if not line.startswith("reviewer: warning:")]
    for name in names:
        assert any(name in line for line in errors), (name, err)
    assert all(line.startswith("reviewer: ") for line in lines), err


def make_set(tmp_path: Path, text: str = "We collect your name. We keep it for one year. We never sell it.") -> tuple[Path, Path]:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "policy.txt").write_text(text, encoding="utf-8")
    doc = load_document(docs / "policy.txt")
    store = AnnotationStore.open(tmp_path / "set")
    anns = [Annotation.create(doc.text, 0, 21, ["first-party-collection"], id="a1"),
            Annotation.create(doc.text, 22, 46, ["data-retention"], id="a2")]
    store.save(AnnotationFile("policy", "policy.txt", doc.sha256, anns))
    return docs, store.root


# -- exit 0 -------------------------------------------------------------------------------------


VERSIONED = "picobyte--privacy-policy"  # seeds/Picobyte/Privacy Policy/: loaded at its latest version


def test_seeds_and_demo_set_json_shape(capsys: pytest.CaptureFixture[str], seeds: Path, versioned_set: Path) -> None:
    code, report, err = check_json(capsys, seeds, "--annotations", versioned_set)
    assert code == 1, err  # the versioned seed's latest version removed two annotated clauses
    assert set(report) == {"documents"}
    assert len(report["documents"]) == 6
    versioned = report["documents"].pop()
    assert versioned["document"] == VERSIONED and Path(versioned["path"]).name == "2026-02-10T09-00-00Z.md"
    assert (versioned["exact"] + versioned["moved"], versioned["fuzzy"], versioned["orphaned"]) == (4, 3, 2)
    for doc in report["documents"]:
        assert DOC_KEYS <= set(doc) <= DOC_KEYS | {"unknown_categories"}
        assert isinstance(doc["warnings"], list) and doc["warnings"] == []
        assert doc["clauses"] > 10 and doc["annotations"] == doc["exact"] == len(doc["resolved"])
        for r in doc["resolved"]:
            assert set(r) == RESOLVED_KEYS
            assert r["status"] == "exact" and r["score"] == 100.0
            assert isinstance(r["start"], int) and r["end"] > r["start"]
        assert Path(doc["path"]).name == doc["document"] + ".txt"


def test_documents_only(capsys: pytest.CaptureFixture[str], seeds: Path) -> None:
    code, report, err = check_json(capsys, seeds)
    assert code == 0 and err == ""
    assert [d["annotations"] for d in report["documents"]] == [0] * 6
    assert [d["resolved"] for d in report["documents"]] == [[]] * 6


def test_table_output(capsys: pytest.CaptureFixture[str], seeds: Path, versioned_set: Path) -> None:
    code, out, err = check(capsys, seeds, "--annotations", versioned_set)
    assert code == 1 and err == ""  # the versioned seed's orphans
    assert "picker-top" in out and "orphaned" in out and "picobyte" in out


def test_moved_and_fuzzy_still_exit_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    docs, set_dir = make_set(tmp_path)
    (docs / "policy.txt").write_text("New intro sentence here. We collect your full name. We keep it for one year. "
                                     "We never sell it.", encoding="utf-8")
    code, report, err = check_json(capsys, docs, "--annotations", set_dir)
    assert code == 0, err
    doc = report["documents"][0]
    assert (doc["exact"], doc["moved"], doc["fuzzy"], doc["orphaned"]) == (0, 1, 1, 0)
    byid = {r["id"]: r for r in doc["resolved"]}
    text = (docs / "policy.txt").read_text(encoding="utf-8")
    assert text[byid["a2"]["start"]:byid["a2"]["end"]] == "We keep it for one year."
    assert byid["a2"]["status"] == "moved"
    assert text[byid["a1"]["start"]:byid["a1"]["end"]] == "We collect your full name."
    assert byid["a1"]["status"] == "fuzzy" and 0 < byid["a1"]["score"] < 100
    assert any("approximately" in w for w in doc["warnings"])


def test_table_warnings_are_whole_lines_and_an_error_is_said_once(capsys: pytest.CaptureFixture[str],
                                                                    tmp_path: Path) -> None:
    """Piped, nothing is wrapped or cut at 80 columns (grep finds a whole warning and a whole
    name), and a schema error goes to stderr only, once."""
    long_name = "a-policy-with-a-name-long-enough-to-be-cut-in-an-eighty-column-table-of-documents"
    docs, set_dir = make_set(tmp_path)
    (docs / "policy.txt").write_text("New intro sentence here. We collect your full name. We keep it for one year. "
                                     "We never sell it.", encoding="utf-8")
    (docs / f"{long_name}.txt").write_text("We collect data. We keep it.", encoding="utf-8")
    (set_dir / f"{long_name}.toml").write_text(
        f'schema = 1\ndocument = "{long_name}"\nsource = "{long_name}.txt"\nsha256 = ""\n'
        + '\n[[annotation]]\nid = "d"\nstart = 0\nend = 4\nquote = "We c"\n' * 2, encoding="utf-8")
    code, out, err = check(capsys, docs, "--annotations", set_dir)
    assert code == 2
    assert long_name in out
    warning = next(line for line in out.splitlines() if "approximately" in line)
    assert warning.startswith(str(set_dir / "policy.toml")) and warning.endswith(")")
    assert "already used" not in out
    assert len([line for line in err.splitlines() if "already used" in line]) == 1, err


# -- exit 1 -------------------------------------------------------------------------------------


def test_orphan_exits_1_and_points_nowhere(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    docs, set_dir = make_set(tmp_path)
    before = (set_dir / "policy.toml").read_bytes()
    (docs / "policy.txt").write_text("We collect your name. We never sell it.", encoding="utf-8")
    code, report, err = check_json(capsys, docs, "--annotations", set_dir)
    assert code == 1
    doc = report["documents"][0]
    assert doc["orphaned"] == 1 and doc["exact"] == 1
    orphan = next(r for r in doc["resolved"] if r["status"] == "orphaned")
    assert orphan == {"id": "a2", "status": "orphaned", "start": None, "end": None, "score": 0.0}
    assert any("orphaned" in w for w in doc["warnings"])
    assert (set_dir / "policy.toml").read_bytes() == before  # never rewritten by check


def test_unknown_category_reported_not_dropped(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    docs, set_dir = make_set(tmp_path)
    path = set_dir / "policy.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('"data-retention"', '"made-up"'), encoding="utf-8")
    code, report, err = check_json(capsys, docs, "--annotations", set_dir)
    assert code == 0
    doc = report["documents"][0]
    assert doc["unknown_categories"] == 1 and doc["annotations"] == 2
    assert any("made-up" in w for w in doc["warnings"])


# -- exit 2: bad input, one line each, no traceback ---------------------------------------------


def test_missing_path(capsys: pytest.CaptureFixture[str], tmp_path: Path, seeds: Path) -> None:
    code, report, err = check_json(capsys, seeds, tmp_path / "nope.txt")
    assert code == 2
    assert len(report["documents"]) == 6  # the good ones are still reported
    assert_one_line_errors(err, "nope.txt")


def test_binary_document(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Fine text.", encoding="utf-8")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\x00\x00\x00\x0dIHDR\x00\x01")
    code, out, err = check(capsys, tmp_path)
    assert code == 2
    assert_one_line_errors(err, "image.txt")
    assert "binary" in err


def test_cp1252_document_is_a_warning_not_an_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "win.txt").write_bytes(b"We \x93care\x94 about privacy.")
    code, report, err = check_json(capsys, tmp_path)
    assert code == 0
    assert "win.txt" in err and "offset 3" in err
    assert any("cp1252" in w for w in report["documents"][0]["warnings"])


def test_malformed_annotation_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    docs, set_dir = make_set(tmp_path)
    (docs / "other.txt").write_text("Another policy.", encoding="utf-8")
    bad = set_dir / "other.toml"
    bad.write_text('schema = 1\n[[annotation]]\nid = "x\n', encoding="utf-8")
    before = bad.read_bytes()
    code, report, err = check_json(capsys, docs, "--annotations", set_dir)
    assert code == 2
    assert_one_line_errors(err, "other.toml")
    assert "line 3" in err
    docs_by_id = {d["document"]: d for d in report["documents"]}
    assert docs_by_id["policy"]["exact"] == 2  # the other document still loads
    assert bad.read_bytes() == before


def test_schema_violation(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    docs, set_dir = make_set(tmp_path)
    path = set_dir / "policy.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("start = 22", "start = -22"), encoding="utf-8")
    code, out, err = check(capsys, docs, "--annotations", set_dir)
    assert code == 2
    assert_one_line_errors(err, "policy.toml")
    assert "negative" in err


@pytest.mark.parametrize("taxonomy, needle", [
    ('[[category]]\nslug = "a"\n[[category]]\nslug = "a"\n', "defined twice"),
    ("[[category]\n", "malformed TOML"),
    ('[[category]]\nslug = "a"\nkey = "1"\n[[category]]\nslug = "b"\nkey = "1"\n', "key"),
])
def test_bad_taxonomy(capsys: pytest.CaptureFixture[str], tmp_path: Path, taxonomy: str, needle: str) -> None:
    docs, set_dir = make_set(tmp_path)
    (set_dir / "taxonomy.toml").write_text(taxonomy, encoding="utf-8")
    code, out, err = check(capsys, docs, "--annotations", set_dir)
    assert code == 2
    assert_one_line_errors(err, "taxonomy.toml")
    assert needle in err


def test_taxonomy_unknown_field_is_a_warning(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    docs, set_dir = make_set(tmp_path)
    (set_dir / "taxonomy.toml").write_text(
        '[[category]]\nslug = "first-party-collection"\nshape = "round"\n'
        '[[category]]\nslug = "data-retention"\n', encoding="utf-8")
    code, out, err = check(capsys, docs, "--annotations", set_dir)
    assert code == 0
    assert "reviewer: warning:" in err and "shape" in err


def test_missing_set_and_malformed_set_toml(capsys: pytest.CaptureFixture[str], tmp_path: Path, seeds: Path) -> None:
    code, out, err = check(capsys, seeds, "--annotations", tmp_path / "no-set")
    assert code == 2
    assert_one_line_errors(err, "no-set")
    assert not (tmp_path / "no-set").exists()  # check never creates a set
    (tmp_path / "set").mkdir()
    (tmp_path / "set" / "set.toml").write_text("schema = \n", encoding="utf-8")
    code, out, err = check(capsys, seeds, "--annotations", tmp_path / "set")
    assert code == 2
    assert_one_line_errors(err, "set.toml")


def test_empty_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = check(capsys, tmp_path)
    assert code == 2
    assert_one_line_errors(err, str(tmp_path))


def test_escape_sequences_in_names_and_messages_are_inert(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    name = "evil\x1b[31m"
    (tmp_path / f"{name}.txt").write_bytes(b"\x00binary")
    code, out, err = check(capsys, tmp_path)
    assert code == 2
    assert "\x1b" not in err and "\x1b" not in out


def test_subprocess_no_traceback_and_exit_codes(tmp_path: Path) -> None:
    """The real entry point, for the bad inputs at once: exit 2, one line each, no traceback."""
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02")
    set_dir = tmp_path / "set"
    set_dir.mkdir()
    (set_dir / "set.toml").write_text("schema = 1\n", encoding="utf-8")
    (tmp_path / "ok.txt").write_text("Text.", encoding="utf-8")
    (set_dir / "ok.toml").write_text("not toml at all", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "reviewer", "check", str(tmp_path), str(tmp_path / "missing.md"),
                           "--annotations", str(set_dir), "--json"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    assert_one_line_errors(proc.stderr, "bin.txt", "missing.md", "ok.toml")
    assert len([line for line in proc.stderr.splitlines() if line]) == 3
    json.loads(proc.stdout)


def test_bad_annotation_file_is_in_the_json_warnings(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    docs, set_dir = make_set(tmp_path)
    (set_dir / "policy.toml").write_text("schema = 1\nannotation = 3\n", encoding="utf-8")
    code, report, err = check_json(capsys, docs, "--annotations", set_dir)
    assert code == 2
    warnings = report["documents"][0]["warnings"]
    assert any("policy.toml" in w and "array of tables" in w for w in warnings)


def test_document_warning_printed_once_in_table_mode(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "win.txt").write_bytes(b"We \x93care\x94 about privacy.")
    code, out, err = check(capsys, tmp_path)
    assert code == 0
    assert (out + err).count("cp1252") == 1
