"""``export -o`` never destroys what is at the path: not an input document, nothing inside the set;
a FIFO or a character device is written through, a symlink at its target, a regular file replaced
atomically. To a terminal the export is inert; UTF-16 JSON Lines import like UTF-16 documents."""

from __future__ import annotations

import os
import pty
import select
import shutil
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.core.golden_helpers import EXPECTED, INPUT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reviewer", *args], capture_output=True, text=True, cwd=ROOT,
                          encoding="utf-8", timeout=120)


@pytest.fixture
def golden(tmp_path: Path) -> tuple[Path, Path]:
    docs, ann = tmp_path / "docs", tmp_path / "set"
    shutil.copytree(INPUT / "docs", docs)
    shutil.copytree(INPUT / "set", ann)
    return docs, ann


def _bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _refused(proc: subprocess.CompletedProcess[str], why: str) -> None:
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and why in lines[0], proc.stderr


def test_never_over_an_input_document_nor_inside_the_set(golden: tuple[Path, Path], tmp_path: Path) -> None:
    docs, ann = golden
    before = {**_bytes(docs), **{"set/" + k: v for k, v in _bytes(ann).items()}}
    _refused(run("export", str(docs), "--annotations", str(ann), "--format", "brat", "-o", str(docs)),
             "is the input document")
    _refused(run("export", str(docs), "--annotations", str(ann), "--format", "csv", "-o", str(docs / "alpha.txt")),
             "is the input document")
    _refused(run("export", str(docs), "--annotations", str(ann), "--format", "jsonl", "-o", str(ann / "alpha.toml")),
             "inside the annotation set")
    _refused(run("export", str(docs), "--annotations", str(ann), "--format", "jsonl", "-o", str(ann / "new.jsonl")),
             "inside the annotation set")
    _refused(run("export", str(docs), "--annotations", str(ann), "--format", "brat", "-o", str(ann / "brat")),
             "inside the annotation set")
    link = tmp_path / "innocent.csv"
    link.symlink_to(docs / "beta.txt")  # a link to an input is the input
    _refused(run("export", str(docs), "--annotations", str(ann), "--format", "csv", "-o", str(link)),
             "is the input document")
    assert {**_bytes(docs), **{"set/" + k: v for k, v in _bytes(ann).items()}} == before
    assert link.is_symlink()


def test_a_fifo_is_written_through_never_replaced(golden: tuple[Path, Path], tmp_path: Path) -> None:
    docs, ann = golden
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def reader() -> None:
        with open(fifo, "rb") as handle:
            received.append(handle.read())
    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    proc = run("export", str(docs), "--annotations", str(ann), "--format", "jsonl", "-o", str(fifo))
    thread.join(timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert received == [(EXPECTED / "annotations.jsonl").read_bytes()]


def _null_device(tmp_path: Path) -> Path:
    """/dev/null, or, as root (who could replace the real one if the rule broke), a node of the same
    device made in tmp_path, so that a regression can never destroy the system's /dev/null."""
    if os.geteuid() != 0:
        return Path("/dev/null")
    node = tmp_path / "null"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    return node


def test_a_character_device_is_written_through(golden: tuple[Path, Path], tmp_path: Path) -> None:
    docs, ann = golden
    device = _null_device(tmp_path)
    before = os.stat(device)
    proc = run("export", str(docs), "--annotations", str(ann), "--format", "csv", "-o", str(device))
    assert proc.returncode == 0, proc.stderr
    after = os.stat(device)
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_a_symlink_is_written_at_its_target_and_a_file_replaced_atomically(golden: tuple[Path, Path],
                                                                          tmp_path: Path) -> None:
    docs, ann = golden
    real = tmp_path / "elsewhere" / "real.jsonl"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    proc = run("export", str(docs), "--annotations", str(ann), "--format", "jsonl", "-o", str(link))
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() == (EXPECTED / "annotations.jsonl").read_bytes()
    plain = tmp_path / "plain.jsonl"
    plain.write_text("old\n")
    inode = plain.stat().st_ino
    proc = run("export", str(docs), "--annotations", str(ann), "--format", "jsonl", "-o", str(plain))
    assert proc.returncode == 0, proc.stderr
    assert plain.read_bytes() == (EXPECTED / "annotations.jsonl").read_bytes()
    assert plain.stat().st_ino != inode  # a new file renamed over the old one, never truncated in place


def _run_in_terminal(*args: str) -> bytes:
    """The command's output as a terminal receives it (stdout is a pty)."""
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.chdir(ROOT)
        os.execv(sys.executable, [sys.executable, "-m", "reviewer", *args])
    out = b""
    while True:
        ready, _, _ = select.select([fd], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.waitpid(pid, 0)
    return out


def test_export_to_a_terminal_writes_no_escape_bytes_and_a_file_keeps_them(golden: tuple[Path, Path],
                                                                         tmp_path: Path) -> None:
    docs, ann = golden
    hostile = "We collect \x1b]0;PWNED\x07 data \x1b[2J here.\n"
    (docs / "evil.txt").write_text(hostile, encoding="utf-8")
    (ann / "evil.toml").write_text(
        'schema = 1\ndocument = "evil"\nsource = "evil.txt"\nsha256 = ""\n\n[[annotation]]\nid = "e1"\n'
        f'start = 0\nend = {len(hostile) - 1}\nquote = "{hostile[:-1]}"\ncategories = ["other"]\n'.replace("\x1b", "\\u001b")
        .replace("\x07", "\\u0007"), encoding="utf-8")
    for fmt in ("csv", "jsonl", "w3c"):
        seen = _run_in_terminal("export", str(docs), "--annotations", str(ann), "--format", fmt)
        assert b"PWNED" in seen or fmt != "csv"
        assert b"\x1b" not in seen and b"\x07" not in seen, fmt
    out = tmp_path / "evil.csv"
    proc = run("export", str(docs), "--annotations", str(ann), "--format", "csv", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "\x1b]0;PWNED\x07" in out.read_text(encoding="utf-8")  # the file keeps the data


def test_coverage_to_a_terminal_shows_hostile_names_and_slugs_inert(golden: tuple[Path, Path]) -> None:
    """A policy named with an escape sequence, and a category slug holding one, in every coverage
    format a terminal receives; piped, the CSV keeps the bytes."""
    docs, ann = golden
    name = "evil\x1b]0;PWNED\x07[bold red]x"
    (docs / f"{name}.txt").write_text("We collect data.\n", encoding="utf-8")
    (ann / f"{name}.toml").write_text(
        f'schema = 1\ndocument = "{name}"\nsource = "{name}.txt"\nsha256 = ""\n\n[[annotation]]\nid = "e1"\n'
        'start = 0\nend = 10\nquote = "We collect"\ncategories = ["\x1b[31mred"]\n'
        .replace("\x1b", "\\u001b").replace("\x07", "\\u0007"), encoding="utf-8")
    for fmt in ("csv", "table", "json"):
        seen = _run_in_terminal("coverage", str(docs), "--annotations", str(ann), "--format", fmt)
        assert b"PWNED" in seen, fmt
        assert b"\x1b]" not in seen and b"\x07" not in seen and b"\x1b[31m" not in seen, fmt
    piped = run("coverage", str(docs), "--annotations", str(ann), "--format", "csv")
    assert piped.returncode == 0 and "\x1b]0;PWNED\x07" in piped.stdout


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_utf16_json_lines_import_like_documents(tmp_path: Path, encoding: str) -> None:
    text = (EXPECTED / "annotations.jsonl").read_text(encoding="utf-8")
    f = tmp_path / "wide.jsonl"
    f.write_bytes(text.encode(encoding))  # utf-16 / utf-32 with a BOM, utf-16-le without
    proc = run("import", str(f), "--annotations", str(tmp_path / "set"))
    assert proc.returncode == 0, proc.stderr
    for doc in ("alpha", "beta"):
        assert (tmp_path / "set" / f"{doc}.toml").read_bytes() == (INPUT / "set" / f"{doc}.toml").read_bytes()


def test_the_output_name_is_reported_inertly(golden: tuple[Path, Path], tmp_path: Path) -> None:
    docs, ann = golden
    out = tmp_path / "x\x1b]0;PWNED\x07.csv"
    proc = run("export", str(docs), "--annotations", str(ann), "--format", "csv", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.is_file() and "wrote 8 annotations" in proc.stderr
    assert "\x1b" not in proc.stderr and "\x07" not in proc.stderr
