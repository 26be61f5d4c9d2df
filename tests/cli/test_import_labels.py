"""Import maps other tools' labels (display names, brat storage form, variants) to the taxonomy's slugs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from reviewer.formats.common import ImportedData
from reviewer.labels import LabelMapper, label_key, map_labels
from reviewer.store import Annotation, AnnotationStore
from reviewer.taxonomy import DEFAULT_TAXONOMY, OPP115
from tests.conftest import ROOT

TEXT = "We collect your email. We share it with partners. We keep it for a year.\n"
SPANS = [(0, 21), (23, 48), (50, 72)]  # the three sentences, without their full stops


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reviewer", *args], capture_output=True, text=True, cwd=ROOT,
                          encoding="utf-8")


def write_doccano(path: Path, labels: list[str]) -> Path:
    row = {"text": TEXT, "document": "pol", "label": [[s, e, lab] for (s, e), lab in zip(SPANS, labels)]}
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    return path


def write_labelstudio(path: Path, labels: list[str]) -> Path:
    results = [{"id": f"r{n}", "from_name": "label", "to_name": "text", "type": "labels",
                "value": {"start": s, "end": e, "text": TEXT[s:e], "labels": [lab]}}
               for n, ((s, e), lab) in enumerate(zip(SPANS, labels))]
    path.write_text(json.dumps([{"data": {"text": TEXT, "document": "pol"}, "annotations": [{"result": results}]}]),
                    encoding="utf-8")
    return path


def write_brat(folder: Path, labels: list[str]) -> Path:
    folder.mkdir()
    (folder / "pol.txt").write_text(TEXT, encoding="utf-8")
    lines = [f"T{n + 1}\t{lab} {s} {e}\t{TEXT[s:e]}" for n, ((s, e), lab) in enumerate(zip(SPANS, labels))]
    (folder / "pol.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def write_w3c(path: Path, labels: list[str]) -> Path:
    items = [{"@context": "http://www.w3.org/ns/anno.jsonld", "id": f"urn:x:{n}", "type": "Annotation",
              "motivation": "tagging", "body": [{"type": "TextualBody", "purpose": "tagging", "value": lab}],
              "target": {"source": "file:///p/pol.txt", "reviewer:document": "pol",
                         "selector": [{"type": "TextQuoteSelector", "exact": TEXT[s:e], "prefix": TEXT[max(0, s - 32):s],
                                       "suffix": TEXT[e:e + 32]},
                                      {"type": "TextPositionSelector", "start": s, "end": e}]},
              "reviewer:id": f"w{n}"}
             for n, ((s, e), lab) in enumerate(zip(SPANS, labels))]
    path.write_text(json.dumps({"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationCollection",
                                "first": {"type": "AnnotationPage", "items": items}}), encoding="utf-8")
    return path


WRITERS = {"doccano": lambda d, labs: write_doccano(d / "in.jsonl", labs),
           "labelstudio": lambda d, labs: write_labelstudio(d / "in.json", labs),
           "brat": lambda d, labs: write_brat(d / "in", labs),
           "w3c": lambda d, labs: write_w3c(d / "in.jsonld", labs)}


def categories(set_root: Path) -> list[tuple[str, ...]]:
    af = AnnotationStore.open(set_root, create=False).load("pol")
    return [a.categories for a in sorted(af.annotations, key=lambda a: a.start)]


@pytest.mark.parametrize("fmt", WRITERS)
def test_display_names_and_brat_forms_map_to_slugs(tmp_path: Path, fmt: str) -> None:
    labels = ["First Party Collection/Use", "third_party_sharing_collection" if fmt != "brat"
              else "Third_Party_Sharing_Collection", "  data RETENTION "]
    if fmt == "brat":  # brat type names hold no spaces: its storage form of the names
        labels = ["First_Party_Collection_Use", "Third_Party_Sharing_Collection", "Data_Retention"]
    src = WRITERS[fmt](tmp_path, labels)
    proc = run("import", str(src), "--annotations", str(tmp_path / "set"), "--json")
    assert proc.returncode == 0, proc.stderr
    assert categories(tmp_path / "set") == [("first-party-collection",), ("third-party-sharing",), ("data-retention",)]
    report = json.loads(proc.stdout)
    assert report["labels"]["unmapped"] == {}
    assert report["labels"]["mapped"][labels[0]] == "first-party-collection"


@pytest.mark.parametrize("fmt", WRITERS)
def test_unmapped_labels_are_kept_reported_once_and_exit_1(tmp_path: Path, fmt: str) -> None:
    labels = ["Mystery", "Mystery", "User_Access_Edit_and_Deletion"]
    src = WRITERS[fmt](tmp_path, labels)
    proc = run("import", str(src), "--annotations", str(tmp_path / "set"))
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.count("'Mystery'") == 1
    assert "'Mystery' (2 annotations)" in proc.stderr and "--map" in proc.stderr
    assert categories(tmp_path / "set") == [("Mystery",), ("Mystery",), ("user-access",)]


def test_map_file_settles_the_rest(tmp_path: Path) -> None:
    src = write_doccano(tmp_path / "in.jsonl", ["Mystery", "1st party", "Other"])
    label_map = tmp_path / "map.toml"
    label_map.write_text('Mystery = "do-not-track"\n"1st party" = "first-party-collection"\n', encoding="utf-8")
    proc = run("import", str(src), "--annotations", str(tmp_path / "set"), "--map", str(label_map))
    assert proc.returncode == 0, proc.stderr
    assert categories(tmp_path / "set") == [("do-not-track",), ("first-party-collection",), ("other",)]


def test_bad_map_file_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    src = write_doccano(tmp_path / "in.jsonl", ["Mystery", "Other", "Other"])
    label_map = tmp_path / "map.toml"
    label_map.write_text('Mystery = "no-such-slug"\n', encoding="utf-8")
    proc = run("import", str(src), "--annotations", str(tmp_path / "set"), "--map", str(label_map))
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "no-such-slug" in proc.stderr
    assert not (tmp_path / "set").exists()
    label_map.write_text("Mystery = \n", encoding="utf-8")
    proc = run("import", str(src), "--annotations", str(tmp_path / "set"), "--map", str(label_map))
    assert proc.returncode == 2 and "malformed TOML" in proc.stderr and "Traceback" not in proc.stderr
    label_map.write_text("Mystery = " + "7" * 5000 + "\n", encoding="utf-8")   # int() refuses the value
    proc = run("import", str(src), "--annotations", str(tmp_path / "set"), "--map", str(label_map))
    assert proc.returncode == 2 and "unreadable TOML" in proc.stderr and "Traceback" not in proc.stderr
    proc = run("import", str(src), "--annotations", str(tmp_path / "set"), "--map", str(tmp_path / "nope.toml"))
    assert proc.returncode == 2 and "no such label map" in proc.stderr


def test_labels_of_a_custom_taxonomy_map_by_its_names(tmp_path: Path) -> None:
    target = tmp_path / "set"
    target.mkdir()
    (target / "taxonomy.toml").write_text('[[category]]\nslug = "ads"\nname = "Targeted Advertising"\n'
                                          '[[category]]\nslug = "kids"\nname = "Children"\n', encoding="utf-8")
    src = write_doccano(tmp_path / "in.jsonl", ["Targeted_Advertising", "CHILDREN", "First Party Collection/Use"])
    proc = run("import", str(src), "--annotations", str(target))
    assert proc.returncode == 1
    assert categories(target) == [("ads",), ("kids",), ("First Party Collection/Use",)]


def test_a_key_two_categories_share_maps_to_neither() -> None:
    from reviewer.taxonomy import Category, Taxonomy

    tax = Taxonomy((Category("a-b", "X"), Category("ab", "Y")))
    mapper = LabelMapper(tax)
    assert mapper.resolve("A B") is None
    assert mapper.resolve("a-b") == "a-b" and mapper.resolve("ab") == "ab"


@given(st.sampled_from(OPP115), st.sampled_from(["upper", "lower", "brat", "spaced"]))
def test_every_form_of_every_default_name_maps(cat, form: str) -> None:
    name = {"upper": cat.name.upper(), "lower": cat.name.lower(),
            "brat": cat.name.replace(" ", "_").replace("/", "_").replace(",", "_"),
            "spaced": "  " + cat.name.replace(" ", "   ") + " "}[form]
    assert LabelMapper(DEFAULT_TAXONOMY).resolve(name) == cat.slug
    assert label_key(name) == label_key(cat.name)


def test_map_labels_counts_per_annotation_and_dedupes() -> None:
    data = ImportedData("doccano", Path("x"))
    doc = data.document("d", text="abc")
    doc.annotations.append(Annotation("1", 0, 1, "a", categories=("Other", "other", "Zz")))
    doc.annotations.append(Annotation("2", 1, 2, "b", categories=("Zz",)))
    report = map_labels(data, LabelMapper(DEFAULT_TAXONOMY))
    assert [a.categories for a in doc.annotations] == [("other", "Zz"), ("Zz",)]
    assert report.unmapped == {"Zz": 2} and report.mapped == {"Other": "other"}


def test_an_import_placed_approximately_says_so(tmp_path: Path) -> None:
    """A quote the document words differently is placed (fuzzy) and stored in the document's
    wording: the import says so rather than reporting a plain 'added'."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "pol.txt").write_text(TEXT, encoding="utf-8")
    quote = "We keep it for two years"          # the document says "for a year"
    row = {"document": "pol", "id": "k", "start": 50, "end": 50 + len(quote), "quote": quote,
           "categories": ["data-retention"]}
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(row) + "\n", encoding="utf-8")
    proc = run("import", str(src), "--annotations", str(tmp_path / "set"), "--documents", str(docs))
    assert proc.returncode == 0, proc.stderr
    assert "1 annotation placed approximately (fuzzy)" in proc.stderr
