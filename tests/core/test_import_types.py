"""The exact formats (w3c, jsonl) carry every TOML type of attributes and unknown keys through a
round trip (local dates, local date-times, times, offset date-times, nan, infinities); counts printed
equal what was written; ids that repeat across documents round-trip (identity is document + id)."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
import tempfile
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.export import export_set
from reviewer.inputs import load_documents
from reviewer.formats.common import ExportBundle, ExportDocument
from reviewer.formats import FORMATS
from reviewer.importing import import_file
from reviewer.store import Annotation, AnnotationStore, dump_annotation_file, AnnotationFile
from reviewer.taxonomy import DEFAULT_TAXONOMY
from tests.conftest import ROOT
from tests.core.golden_helpers import INPUT

toml_scalars = st.one_of(
    st.integers(-(2**63), 2**63 - 1), st.booleans(), st.text(max_size=8),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(), st.times(), st.datetimes(),
    st.datetimes(timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=5, minutes=30)),
                                            timezone(timedelta(hours=-8))]))
    .filter(lambda d: datetime(2, 1, 1, tzinfo=timezone.utc) < d < datetime(9998, 1, 1, tzinfo=timezone.utc)),
)
toml_values = st.recursive(toml_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text("abcxyz_-", min_size=1, max_size=5), inner, max_size=3)),
    max_leaves=6)
keys = st.text("abcdefghij_-", min_size=1, max_size=8).filter(
    lambda k: k not in ("id", "start", "end", "quote", "prefix", "suffix", "categories", "note", "created",
                        "updated", "attributes"))


def _text(af: AnnotationFile) -> str:
    """The annotations as TOML text: nan equals nan here, and types show (dates unquoted)."""
    return dump_annotation_file(AnnotationFile(af.document, "", "", af.annotations))


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(keys, toml_values, max_size=3), st.dictionaries(keys, toml_values, max_size=3),
       st.sampled_from(["w3c", "jsonl"]))
def test_exact_formats_carry_every_toml_type(extra: dict, attributes: dict, fmt: str) -> None:
    text = "We keep your data for a while."
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    ann = Annotation.create(text, 3, 7, ("data-retention",), "n", id="a1", now=when)
    ann = Annotation(ann.id, ann.start, ann.end, ann.quote, ann.prefix, ann.suffix, ann.categories, ann.note,
                     when, when, attributes, extra)
    original = AnnotationFile("doc", "doc.txt", "0" * 64, [ann])
    bundle = ExportBundle("set", "", DEFAULT_TAXONOMY, [ExportDocument("doc", "doc.txt", None, text, "0" * 64, [ann])])
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "out"
        f.write_text(FORMATS[fmt].export(bundle), encoding="utf-8")
        import_file(Path(tmp) / "set", f, fmt)
        back = AnnotationStore.open(Path(tmp) / "set", create=False).load("doc")
        assert back is not None
        assert _text(back) == _text(original)


def test_the_named_types_survive_w3c_and_jsonl() -> None:
    extra = {"due": date(2026, 12, 1), "at": datetime(2026, 12, 1, 9, 30), "score": math.nan,
             "t": time(8, 15), "zoned": datetime(2026, 1, 1, 10, tzinfo=timezone(timedelta(hours=2)))}
    test_exact_formats_carry_every_toml_type.hypothesis.inner_test(extra, {"limit": math.inf}, "w3c")  # type: ignore[attr-defined]  # hypothesis adds inner_test
    test_exact_formats_carry_every_toml_type.hypothesis.inner_test(extra, {"limit": -math.inf}, "jsonl")  # type: ignore[attr-defined]  # hypothesis adds inner_test


def test_doccano_export_counts_only_what_it_wrote(tmp_path: Path) -> None:
    docs_dir, ann = tmp_path / "docs", tmp_path / "set"
    shutil.copytree(INPUT / "docs", docs_dir)
    shutil.copytree(INPUT / "set", ann)
    af = AnnotationStore.open(ann, create=False).load("alpha")
    assert af is not None
    text = (docs_dir / "alpha.txt").read_text(encoding="utf-8")
    af.annotations.append(Annotation.create(text, 0, 5, (), "", id="bare"))  # a highlight: no category, no note
    AnnotationStore.open(ann, create=False).save(af)
    documents, _ = load_documents([docs_dir])
    result = export_set(documents, AnnotationStore.open(ann, create=False), "doccano")
    written = sum(len(json.loads(line)["label"]) for line in result.output.splitlines())  # type: ignore[union-attr]  # a text format: output is str
    assert result.count == 8 and written == 10  # 8 annotations, two of them with two categories (two labels)
    out = tmp_path / "out.jsonl"
    proc = subprocess.run([sys.executable, "-m", "reviewer", "export", str(docs_dir), "--annotations", str(ann),
                           "--format", "doccano", "-o", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1, proc.stderr  # something was left out: a soft failure
    assert "wrote 8 annotations" in proc.stderr and "'bare'" in proc.stderr


def test_ids_repeating_across_documents_round_trip_through_w3c(tmp_path: Path) -> None:
    docs_dir, ann = tmp_path / "docs", tmp_path / "set"
    shutil.copytree(INPUT / "docs", docs_dir)
    shutil.copytree(INPUT / "set", ann)
    store = AnnotationStore.open(ann, create=False)
    for doc_id in ("alpha", "beta"):
        af = store.load(doc_id)
        assert af is not None
        af.annotations = [Annotation(f"n{i}", a.start, a.end, a.quote, a.prefix, a.suffix, a.categories, a.note,
                                     a.created, a.updated, a.attributes, a.extra) for i, a in enumerate(af.annotations)]
        store.save(af)
    before = {p.name: p.read_bytes() for p in ann.glob("*.toml") if p.name != "set.toml"}
    for fmt, name in (("w3c", "out.jsonld"), ("jsonl", "out.jsonl"), ("labelstudio", "out.json")):
        out = tmp_path / name
        proc = subprocess.run([sys.executable, "-m", "reviewer", "export", str(docs_dir), "--annotations", str(ann),
                               "--format", fmt, "-o", str(out)], capture_output=True, text=True, cwd=ROOT)
        assert proc.returncode == 0, proc.stderr
        if fmt == "w3c":
            iris = [i["id"] for i in json.loads(out.read_text(encoding="utf-8"))["first"]["items"]]
            assert len(set(iris)) == len(iris) == 8  # no two annotations share an IRI
        target = tmp_path / f"back-{fmt}"
        proc = subprocess.run([sys.executable, "-m", "reviewer", "import", str(out), "--annotations", str(target)],
                              capture_output=True, text=True, cwd=ROOT)
        assert proc.returncode == 0, proc.stderr
        if fmt != "labelstudio":  # labelstudio keeps ids, spans, categories and notes, not every field
            assert {p.name: p.read_bytes() for p in target.glob("*.toml") if p.name != "set.toml"} == before
        proc = subprocess.run([sys.executable, "-m", "reviewer", "import", str(out), "--annotations", str(ann)],
                              capture_output=True, text=True, cwd=ROOT)
        assert proc.returncode == 0 and "0 added, 0 updated, 8 unchanged" in proc.stdout, proc.stdout + proc.stderr


def test_reimporting_an_export_with_nan_in_an_unknown_key_changes_nothing(tmp_path: Path) -> None:
    """nan != nan: the merge must still see the set's own value coming back as the same one."""
    docs_dir, ann = tmp_path / "docs", tmp_path / "set"
    shutil.copytree(INPUT / "docs", docs_dir)
    shutil.copytree(INPUT / "set", ann)
    path = ann / "alpha.toml"
    text = path.read_text(encoding="utf-8")
    at = text.index("\n", text.index("\nupdated = ")+ 1)
    path.write_text(text[:at] + '\nscore = nan\nmeta = { by = "jane", n = 1 }' + text[at:], encoding="utf-8")
    before = path.read_bytes()
    documents, _ = load_documents([docs_dir])
    for fmt, name in (("jsonl", "out.jsonl"), ("w3c", "out.jsonld")):
        result = export_set(documents, AnnotationStore.open(ann, create=False), fmt)
        (tmp_path / name).write_text(result.output, encoding="utf-8")  # type: ignore[arg-type]  # one file
        for _ in range(2):
            plan, written = import_file(ann, tmp_path / name)
            assert (plan.updated, written) == (0, []) and path.read_bytes() == before
