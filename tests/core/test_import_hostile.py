"""Hostile import files: any value of a real export replaced by null, a NUL character, a number too
big for TOML, a wrong type or a bad date-time. Import either refuses with one line naming the file
and writes nothing, or writes a set that the store loads in full. Never another exception."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
import pytest

from reviewer.errors import ReviewerError
from reviewer.importing import import_file
from reviewer.store import AnnotationStore
from tests.conftest import ROOT
from tests.core.golden_helpers import EXPECTED

FILES = {"w3c": "w3c.jsonld", "jsonl": "annotations.jsonl", "doccano": "doccano.jsonl",
         "labelstudio": "labelstudio.json"}
REPLACEMENTS = [None, "\x00", "a\x00b", 2**70, -(2**70), "garbage", "zz", [], {}, True, 1.5, float("inf"),
                "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", -1]


def _load(fmt: str) -> list[Any]:
    text = (EXPECTED / FILES[fmt]).read_text(encoding="utf-8")
    if fmt in ("jsonl", "doccano"):
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return [json.loads(text)]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(_paths(v, prefix + (k,)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(_paths(v, prefix + (i,)))
    return out


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    value[path[0]] = _replace(value[path[0]], path[1:], new)
    return value


def _dump(fmt: str, rows: list[Any]) -> str:
    if fmt in ("jsonl", "doccano"):
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    return json.dumps(rows[0], ensure_ascii=False)


@st.composite
def hostile(draw: st.DrawFn) -> tuple[str, str]:
    fmt = draw(st.sampled_from(sorted(FILES)))
    rows = _load(fmt)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(rows) if p]
        path = draw(st.sampled_from(paths))
        new = draw(st.sampled_from(REPLACEMENTS))
        rows = _replace(rows, path, new)
    return fmt, _dump(fmt, rows)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile())
def test_a_hostile_import_is_refused_in_one_line_or_loads_in_full(case: tuple[str, str]) -> None:
    fmt, text = case
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "in.json"
        f.write_text(text, encoding="utf-8")
        target = Path(tmp) / "set"
        try:
            import_file(target, f, fmt)
        except ReviewerError as exc:
            message = str(exc)
            assert "\n" not in message and str(f) in message
            assert not target.exists()  # nothing of the import remains, not even the new set
            return
        store = AnnotationStore.open(target, create=False)
        for doc_id in store.document_ids():
            store.load(doc_id)  # raises if import wrote what the store refuses


# -- the named cases ------------------------------------------------------------------------------

def _w3c_with(tmp: Path, change) -> Path:  # type: ignore[no-untyped-def]  # change: any editing callable
    data = json.loads((EXPECTED / FILES["w3c"]).read_text(encoding="utf-8"))
    change(data["first"]["items"][0])
    f = tmp / "in.jsonld"
    f.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return f


def _refused(f: Path, tmp: Path, why: str) -> None:
    target = tmp / "set"
    try:
        import_file(target, f)
    except ReviewerError as exc:
        assert why in str(exc) and str(f) in str(exc) and "\n" not in str(exc), str(exc)
        assert not target.exists()
        return
    raise AssertionError(f"imported: {sorted(p.name for p in target.iterdir())}")


@pytest.mark.parametrize("key,value,why", [
    ("created", "garbage", "is a field of its own"),
    ("attributes", "zz", "is a field of its own"),
    ("start", 5, "is a field of its own"),
    ("big", 2**64, "beyond TOML's 64-bit range"),
    ("nothing", None, "null has no TOML equivalent"),
])
def test_w3c_extra_that_the_store_would_refuse_is_refused(tmp_path: Path, key: str, value: object, why: str) -> None:
    f = _w3c_with(tmp_path, lambda item: item.setdefault("reviewer:extra", {}).update({key: value}))
    _refused(f, tmp_path, why)


@pytest.mark.parametrize("modified", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:30:00-01:00"])
def test_w3c_modified_near_year_1_or_9999_with_an_offset_is_one_line(tmp_path: Path, modified: str) -> None:
    f = _w3c_with(tmp_path, lambda item: item.update(modified=modified))
    _refused(f, tmp_path, "out of range")


def test_an_integer_beyond_64_bits_is_refused_wherever_it_is(tmp_path: Path) -> None:
    row = json.loads((EXPECTED / FILES["jsonl"]).read_text(encoding="utf-8").splitlines()[0])
    for where in ({"attributes": {"n": 2**63}}, {"unknown": [1, -(2**63) - 1]}, {"start": 2**70, "end": 2**70}):
        f = tmp_path / "in.jsonl"
        f.write_text(json.dumps({**row, **where}) + "\n", encoding="utf-8")
        _refused(f, tmp_path, "64-bit range" if "start" not in where else "")


def test_brat_fragments_out_of_order_give_the_whole_span(tmp_path: Path) -> None:
    folder = tmp_path / "brat"
    folder.mkdir()
    text = "first line\nsecond line\n"
    (folder / "doc.txt").write_text(text, encoding="utf-8")
    (folder / "doc.ann").write_text("T1\tother 11 17;0 5\tsecond first\n", encoding="utf-8")
    target = tmp_path / "set"
    import_file(target, folder)
    (ann,) = AnnotationStore.open(target, create=False).load("doc").annotations  # type: ignore[union-attr]  # the import just wrote it
    assert (ann.start, ann.end, ann.quote) == (0, 17, text[:17])


@pytest.mark.parametrize("fmt,mangle", [
    ("jsonl", lambda r: r.update(document="al\x00pha")),
    ("jsonl", lambda r: r.update(id=None)),
    ("jsonl", lambda r: r.update(categories=None)),
    ("jsonl", lambda r: r.update(document="x" * 260)),
    ("doccano", lambda r: r.update(document=None, label=[[0, 5, None]])),
    ("doccano", lambda r: r.update(document="a\x00b")),
])
def test_null_nul_or_a_too_long_name_in_an_import_file_is_one_line_exit_2_nothing_written(
        tmp_path: Path, fmt: str, mangle) -> None:  # type: ignore[no-untyped-def]  # mangle: any editing callable
    rows = _load(fmt)
    mangle(rows[-1])
    f = tmp_path / "in.jsonl"
    f.write_text(_dump(fmt, rows), encoding="utf-8")
    target = tmp_path / "set"
    proc = subprocess.run([sys.executable, "-m", "reviewer", "import", str(f), "--annotations", str(target)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert not target.exists()
