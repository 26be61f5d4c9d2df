"""Special files where a person names an input: a policy, a file to import, the settings file, a
theme. A FIFO (reading one waits for a writer for ever), a link to ``/dev/zero`` (never ends), a
folder, or a file far larger than any policy (a disk image passed by mistake) each get one line
naming the file, quickly, and nothing is read into memory or written.

A regression here would hang rather than fail, so every read runs in a child process or a thread
with a bound: the bound is a safety net against a hang, not a speed assertion."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from pathlib import Path

import pytest

from reviewer.config import load_settings
from reviewer.documents import MAX_DOCUMENT, load_document
from reviewer.errors import DocumentError
from reviewer.tui.themes import load_themes
from tests.faults.test_bad_input import REVIEWER

HANG = 60   # seconds: far beyond a refusal on a loaded machine


def _special(path: Path, kind: str) -> Path:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "folder":
        path.mkdir()
    else:   # oversized: sparse, so it takes no disk
        with open(path, "wb") as handle:
            handle.truncate(MAX_DOCUMENT + 1)
    return path


def _within(call):
    """``call()``'s result or exception, failing the test (not hanging it) after HANG seconds."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = call()
        except Exception as exc:  # noqa: BLE001 - handed back to the test
            box["error"] = exc

    worker = threading.Thread(target=run, daemon=True)   # a hung read must not keep pytest alive
    worker.start()
    worker.join(HANG)
    assert not worker.is_alive(), f"still reading after {HANG} s"
    if "error" in box:
        raise box["error"]  # type: ignore[misc]  # an exception, as stored
    return box.get("value")


def _cli(*args: str) -> subprocess.CompletedProcess:
    if not REVIEWER.exists():
        pytest.skip(f"{REVIEWER} is not installed (pip install -e .)")
    return subprocess.run([str(REVIEWER), *args], capture_output=True, text=True, timeout=HANG)


def _one_line(out: subprocess.CompletedProcess, path: Path, fragment: str) -> None:
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
    lines = [line for line in out.stderr.splitlines() if str(path) in line]
    assert len(lines) == 1 and fragment in lines[0], out.stderr


@pytest.mark.parametrize("kind, fragment", [("fifo", "not a regular file (a FIFO)"),
                                            ("dev-zero", "not a regular file (a character device)"),
                                            ("folder", "is a folder, not a file"),
                                            ("oversized", "too large")])
def test_a_special_policy_file_is_one_line(tmp_path: Path, seeds: Path, kind: str, fragment: str) -> None:
    path = _special(tmp_path / "policy.txt", kind)
    with pytest.raises(DocumentError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        _within(lambda: load_document(path))
    if kind == "folder":
        return   # on the command line a folder is a folder of policies (an empty one here)
    set_dir = tmp_path / "set"
    set_dir.mkdir()
    _one_line(_cli("check", str(path), str(seeds), "--annotations", str(set_dir)), path, fragment)
    assert list(set_dir.iterdir()) == []


@pytest.mark.parametrize("kind, fragment", [("fifo", "not a regular file (a FIFO)"),
                                            ("dev-zero", "not a regular file (a character device)"),
                                            ("folder", "is a folder")])
def test_a_special_file_to_import_is_one_line_and_the_set_is_untouched(tmp_path: Path, seeds: Path,
                                                                       kind: str, fragment: str) -> None:
    path = _special(tmp_path / "incoming.jsonl", kind)
    set_dir = tmp_path / "set"
    out = _cli("import", str(path), "--annotations", str(set_dir), "--documents", str(seeds))
    _one_line(out, path, fragment)
    assert not set_dir.exists()


def test_a_fifo_in_a_brat_folder_is_one_line(tmp_path: Path, seeds: Path) -> None:
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "picker-top.txt").write_text((seeds / "picker-top.txt").read_text(encoding="utf-8"), encoding="utf-8")
    ann = _special(folder / "picker-top.ann", "fifo")
    set_dir = tmp_path / "set"
    out = _cli("import", str(folder), "--format", "brat", "--annotations", str(set_dir),
               "--documents", str(seeds))
    _one_line(out, ann, "not a regular file (a FIFO)")
    assert not set_dir.exists()


@pytest.mark.parametrize("kind, fragment", [("fifo", "not a regular file (a FIFO)"),
                                            ("dev-zero", "not a regular file (a character device)"),
                                            ("folder", "is a folder, not a settings file")])
def test_a_special_settings_file_warns_and_the_defaults_apply(tmp_path: Path, kind: str, fragment: str) -> None:
    path = _special(tmp_path / "config.toml", kind)
    settings, warnings = _within(lambda: load_settings(path))
    assert settings.theme is None and settings.keys == {}
    assert len(warnings) == 1 and str(path) in warnings[0] and fragment in warnings[0]
    assert "using the default settings" in warnings[0]


@pytest.mark.parametrize("kind, fragment", [("fifo", "not a regular file (a FIFO)"),
                                            ("dev-zero", "not a regular file (a character device)")])
def test_a_special_theme_file_is_skipped_with_a_warning(tmp_path: Path, kind: str, fragment: str) -> None:
    folder = tmp_path / "themes"
    folder.mkdir()
    path = _special(folder / "odd.toml", kind)
    themes, warnings = _within(lambda: load_themes(folder))
    assert themes == []
    assert len(warnings) == 1 and str(path) in warnings[0] and fragment in warnings[0]


@pytest.mark.parametrize("kind, fragment", [("fifo", "not a regular file (a FIFO)"),
                                            ("dev-zero", "not a regular file (a character device)")])
def test_a_special_label_map_is_one_line_and_the_set_is_untouched(tmp_path: Path, kind: str,
                                                                   fragment: str) -> None:
    incoming = tmp_path / "incoming.jsonl"   # doccano: the text travels with the labels
    incoming.write_text(json.dumps({"text": "We collect your email.\n", "document": "pol",
                                    "label": [[0, 21, "Odd label"]]}) + "\n", encoding="utf-8")
    label_map = _special(tmp_path / "map.toml", kind)
    set_dir = tmp_path / "set"
    out = _cli("import", str(incoming), "--format", "doccano", "--annotations", str(set_dir),
               "--map", str(label_map))
    _one_line(out, label_map, fragment)
    assert not set_dir.exists()


def test_a_label_map_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    from reviewer.labels import read_map
    from reviewer.taxonomy import DEFAULT_TAXONOMY

    path = tmp_path / "map.toml"
    path.write_bytes(b'\xef\xbb\xbf"Odd label" = "other"\n')
    assert read_map(path, DEFAULT_TAXONOMY) == {"Odd label": "other"}


def test_a_device_as_the_lookup_batch_is_one_line(tmp_path: Path, seeds: Path) -> None:
    batch = _special(tmp_path / "queries.txt", "dev-zero")
    _one_line(_cli("lookup", "--batch", str(batch), str(seeds)), batch, "is a device, not a batch file")


def test_a_pipe_as_the_lookup_batch_is_still_read(tmp_path: Path, seeds: Path) -> None:
    """``--batch <(make-queries)`` is a pipe: reading it is what the person asked for."""
    batch = _special(tmp_path / "queries.fifo", "fifo")

    def feed() -> None:
        with open(batch, "w", encoding="utf-8") as handle:
            handle.write("we do not sell your personal information\n")

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    out = _cli("lookup", "--batch", str(batch), str(seeds), "--json")
    writer.join(HANG)
    assert out.returncode == 0, out.stderr
    assert len(out.stdout.splitlines()) == 1 and json.loads(out.stdout)
