"""Hostile import files: any value of a real export replaced by null, a NUL character, a number too
big for TOML, a wrong type or a bad date-time. Import either refuses with one line naming the file
and writes nothing, or writes a set that the store loads in full. Never another exception."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.errors import ReviewerError
from reviewer.importing import import_file
from reviewer.store import AnnotationStore
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
