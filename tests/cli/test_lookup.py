"""``reviewer lookup``: exit codes, the JSON shape, batches, and safe output."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.documents import load_document
from tests.core.test_fuzzy import ACME, GLOBEX, INITECH

QUERY = "we may share your information with our affiliates for marketing"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "policies"
    d.mkdir()
    (d / "acme.txt").write_text(ACME, encoding="utf-8")
    (d / "globex.txt").write_bytes(GLOBEX.replace("\n", "\r\n").encode("utf-8"))  # CRLF: offsets are normalised
    (d / "initech.txt").write_text(INITECH, encoding="utf-8")
    return d


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["lookup", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_hits(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    code, out, err = run(capsys, QUERY, str(folder), "--json")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 1
    hits = json.loads(lines[0])
    assert hits and len(hits) <= 5
    for hit in hits:
        assert set(hit) == {"document", "path", "start", "end", "score", "text", "also"}
        text = load_document(hit["path"]).text
        assert hit["text"] == text[hit["start"]:hit["end"]]
        assert 0 <= hit["score"] <= 100
        for other in hit["also"]:
            assert set(other) == {"document", "start", "end"}
    assert hits[0]["document"] == "acme"
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)


def test_offsets_index_normalised_text(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    code, out, _ = run(capsys, "our servers are located in ireland", str(folder), "--json", "--top", "1")
    hit = json.loads(out)[0]
    assert code == 0 and hit["document"] == "globex"
    raw = (folder / "globex.txt").read_bytes().decode()
    assert "\r\n" in raw
    assert hit["text"] == raw.replace("\r\n", "\n")[hit["start"]:hit["end"]]


def test_grouped_copies_in_also(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    code, out, _ = run(capsys, "cookies are small text files stored on your device", str(folder), "--json")
    hits = json.loads(out)
    assert code == 0
    assert {hits[0]["document"]} | {a["document"] for a in hits[0]["also"]} == {"acme", "globex", "initech"}


def test_top(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    code, out, _ = run(capsys, "data", str(folder), "--json", "--top", "2")
    assert code == 0 and len(json.loads(out)) == 2
    code, _, err = run(capsys, "data", str(folder), "--top", "0")
    assert code == 2 and "--top" in err


def test_no_hits_exit_1(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    code, out, _ = run(capsys, "qwxzv plorbt", str(folder), "--json")
    assert code == 1 and out == "[]\n"
    code, out, _ = run(capsys, "qwxzv plorbt", str(folder))
    assert code == 1 and "no clause" in out


def test_bad_input_exit_2(capsys: pytest.CaptureFixture[str], folder: Path, tmp_path: Path) -> None:
    binary = folder / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02binary\x00")
    code, out, err = run(capsys, QUERY, str(folder), "--json")
    assert code == 2
    assert "blob.txt" in err and len(err.strip().splitlines()) == 1
    assert json.loads(out)[0]["document"] == "acme", "the readable policies are still searched"

    code, out, err = run(capsys, QUERY, str(tmp_path / "missing.txt"))
    assert code == 2 and "missing.txt" in err and out == ""

    code, _, err = run(capsys, QUERY)
    assert code == 2 and "QUERY" in err

    code, _, err = run(capsys, "...", str(folder / "acme.txt"))
    assert code == 2 and "no words" in err


def test_batch(capsys: pytest.CaptureFixture[str], folder: Path, tmp_path: Path) -> None:
    batch = tmp_path / "queries.txt"
    batch.write_text(f"{QUERY}\n\nqwxzv plorbt\nour servers are located in ireland\r\n", encoding="utf-8")
    code, out, err = run(capsys, "--batch", str(batch), str(folder), "--top", "3")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 4
    parsed = [json.loads(line) for line in lines]
    assert parsed[0][0]["document"] == "acme"
    assert parsed[1] == [] and parsed[2] == []
    assert parsed[3][0]["document"] == "globex"
    assert all(len(p) <= 3 for p in parsed)


def test_batch_from_stdin(capsys: pytest.CaptureFixture[str], folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"qwxzv\nqwxzv plorbt\n"), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    code, out, _ = run(capsys, "--batch", "-", str(folder))
    assert code == 1 and out == "[]\n[]\n"


def test_batch_file_problems(capsys: pytest.CaptureFixture[str], folder: Path, tmp_path: Path) -> None:
    code, out, err = run(capsys, "--batch", str(tmp_path / "nope.txt"), str(folder))
    assert code == 2 and "nope.txt" in err and out == ""
    code, _, err = run(capsys, "--batch", str(tmp_path), str(folder))
    assert code == 2 and "folder" in err
    blob = tmp_path / "blob.bin"
    blob.write_bytes(b"a\x00b")
    code, _, err = run(capsys, "--batch", str(blob), str(folder))
    assert code == 2 and "blob.bin" in err


def test_second_run_uses_the_cache(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    first = run(capsys, QUERY, str(folder), "--json")
    cache = Path(os.environ["XDG_CACHE_HOME"])
    assert list(cache.rglob("index-*.npz"))
    assert run(capsys, QUERY, str(folder), "--json") == first
    assert run(capsys, QUERY, str(folder), "--json", "--no-cache") == first


def test_a_policy_edited_after_the_cache_was_written_is_searched_as_it_is_now(
        capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    query = "acme keeps every record in a vault on the moon"
    run(capsys, QUERY, str(folder), "--json")
    edited = ACME.replace("Acme", "Acme keeps every record in a vault on the moon. Acme", 1)
    (folder / "acme.txt").write_text(edited, encoding="utf-8")
    code, out, err = run(capsys, query, str(folder), "--json", "--top", "1")
    hit = json.loads(out)[0]
    assert code == 0 and err == "" and hit["document"] == "acme"
    assert hit["text"] == edited[hit["start"]:hit["end"]] and "moon" in hit["text"]
    assert run(capsys, query, str(folder), "--json", "--top", "1") == run(
        capsys, query, str(folder), "--json", "--top", "1", "--no-cache")


def test_a_damaged_cache_file_is_rebuilt_silently(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    first = run(capsys, QUERY, str(folder), "--json")
    for cached in Path(os.environ["XDG_CACHE_HOME"]).rglob("index-*.npz"):
        cached.write_bytes(cached.read_bytes()[:100])
    code, out, err = run(capsys, QUERY, str(folder), "--json")
    assert (code, out) == first[:2] and "Traceback" not in err


HOSTILE = ("Privacy\n\nWe share data with \x1b[31mred\x1b[0m partners and \x1b]8;;http://evil\x07links\x1b]8;;\x07 "
           "and [bold magenta]markup[/] and \x9b2J clears and \u202eevil override today.\n")


def test_escape_sequences_never_reach_stdout(folder: Path, tmp_path: Path) -> None:
    (folder / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    env = dict(os.environ, COLUMNS="400", XDG_CACHE_HOME=str(tmp_path / "cache"))
    for extra in ([], ["--json"]):
        proc = subprocess.run([sys.executable, "-m", "reviewer", "lookup", "share data with red partners markup",
                               str(folder), *extra], capture_output=True, env=env)
        assert proc.returncode == 0, proc.stderr
        out = proc.stdout
        assert b"\x1b" not in out and b"\x07" not in out and b"\xc2\x9b" not in out
        assert "\u202e".encode() not in out
        text = out.decode("utf-8")
        if extra:
            hit = json.loads(text)[0]
            assert hit["document"] == "hostile" and "\x1b[31m" in hit["text"]  # escaped in JSON, intact once parsed
        else:
            assert "[bold magenta]markup[/]" in text  # shown literally, never parsed as markup
            assert "hostile" in text


def test_table_fits_the_terminal(folder: Path, tmp_path: Path) -> None:
    env = dict(os.environ, COLUMNS="60", XDG_CACHE_HOME=str(tmp_path / "cache"))
    proc = subprocess.run([sys.executable, "-m", "reviewer", "lookup", QUERY, str(folder)], capture_output=True,
                          text=True, env=env)
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["score", "document", "clause"]
    assert all(len(line) <= 60 for line in lines)
    assert "acme" in proc.stdout
