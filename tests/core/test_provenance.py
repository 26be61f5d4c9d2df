"""``provenance``: an optional annotation field (gold sets) kept by the store, the load cache and
the lossless formats; absent, nothing about an ordinary set changes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from reviewer.errors import StoreError
from reviewer.formats import jsonl, w3c
from reviewer.formats.common import ExportBundle, ExportDocument
from reviewer.loadcache import dumps, loads
from reviewer.store import Annotation, AnnotationFile, dump_annotation_file, parse_annotation_file
from reviewer.taxonomy import DEFAULT_TAXONOMY

TEXT = "We keep logs for thirty days.\n"


def gold_file() -> AnnotationFile:
    return AnnotationFile("p", "p.txt", "0" * 64, [
        replace(Annotation.create(TEXT, 0, 29, ("data-retention",), id="g1"), provenance="agreed"),
        Annotation.create(TEXT, 3, 7, ("other",), id="plain"),
    ])


def test_store_writes_and_reads_it_and_omits_it_when_empty() -> None:
    af = gold_file()
    text = dump_annotation_file(af)
    assert text.count("provenance") == 1 and 'provenance = "agreed"' in text
    back = parse_annotation_file(text, Path("p.toml"))
    assert [a.provenance for a in back.annotations] == ["agreed", ""]
    assert back.annotations[0].extra == {}
    with pytest.raises(StoreError, match="provenance must be a string"):
        parse_annotation_file(text.replace('provenance = "agreed"', "provenance = 3"), Path("p.toml"))


def test_load_cache_keeps_it() -> None:
    back = loads(dumps("d", "0" * 64, gold_file()))[3]
    assert [a.provenance for a in back.annotations] == ["agreed", ""]


@pytest.mark.parametrize("module", [w3c, jsonl])
def test_lossless_formats_round_trip_it(tmp_path: Path, module) -> None:
    af = gold_file()
    bundle = ExportBundle("gold", "ana", DEFAULT_TAXONOMY,
                          [ExportDocument("p", "p.txt", None, TEXT, "0" * 64, af.annotations)])
    out = tmp_path / f"x{module.EXTENSION}"
    out.write_text(module.export(bundle), encoding="utf-8")
    [doc] = module.read(out).documents
    assert {a.id: a.provenance for a in doc.annotations} == {"g1": "agreed", "plain": ""}
