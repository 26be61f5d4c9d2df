"""The gold set: created by its first decision (with the source set's taxonomy), changed all or nothing."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from reviewer import gold
from reviewer.errors import StoreError
from reviewer.store import Annotation, AnnotationStore

TEXT = "We collect data. We share data.\n"


def test_first_decision_creates_the_set_with_the_template_taxonomy(tmp_path: Path) -> None:
    template = tmp_path / "A"
    template.mkdir()
    (template / "taxonomy.toml").write_text('[[category]]\nslug = "ads"\nname = "Ads"\n', encoding="utf-8")
    root = tmp_path / "gold"
    change = gold.Change(add={"p": [Annotation.create(TEXT, 0, 16, ("ads",), id="x")]})
    gold.update(root, change, {"p": ("p.txt", "abc")}, template=template)
    store = AnnotationStore.open(root, create=False)
    assert store.taxonomy.slugs == ["ads"]
    af = store.load("p")
    assert af.source == "p.txt" and af.sha256 == "abc" and [a.id for a in af.annotations] == ["x"]


def test_dismissals_live_in_set_toml_and_undo(tmp_path: Path) -> None:
    root = tmp_path / "gold"
    change = gold.Change(dismiss={("p", "a1", "")})
    gold.update(root, change, {})
    state = gold.read(root, ["p"])
    assert state.neither == {("p", "a1", "")} and state.annotations == {"p": []}
    assert "[adjudication]" in (root / "set.toml").read_text(encoding="utf-8")
    gold.update(root, change.inverse(), {})
    assert gold.read(root, ["p"]).neither == set()
    meta = AnnotationStore.open(root, create=False).meta
    assert meta.name == "gold" and meta.created is not None


def test_a_dismissal_changes_only_the_adjudication_section_of_set_toml(tmp_path: Path) -> None:
    """A person's comments, key order and other tables in gold's set.toml stay byte for byte; the
    section this tool owns is added at the end, then replaced in place."""
    root = tmp_path / "gold"
    gold.update(root, gold.Change(dismiss={("p", "a1", "")}), {})
    head = ('\ufeff# gold for the spring review\nschema = 1\nname = "gold"   # agreed in the meeting\n'
            'annotator = "jane"\ncreated = 2026-11-21 12:00:00Z\n\n[extra]\nteam = "B"\n')
    tail = "\n[later]\nkept = true\n"
    body = (root / "set.toml").read_text(encoding="utf-8")
    section = body[body.index("[adjudication]"):]
    (root / "set.toml").write_text(head + "\n" + section + tail, encoding="utf-8")
    gold.update(root, gold.Change(dismiss={("q", "", "b2")}), {})
    after = (root / "set.toml").read_text(encoding="utf-8")
    assert after.startswith(head) and after.endswith(tail)
    assert gold.read(root, ["p", "q"]).neither == {("p", "a1", ""), ("q", "", "b2")}
    (root / "set.toml").write_text(head, encoding="utf-8")     # no section yet: added at the end
    gold.update(root, gold.Change(dismiss={("r", "a", "")}), {})
    assert (root / "set.toml").read_text(encoding="utf-8").startswith(head)
    assert gold.read(root, ["r"]).neither == {("r", "a", "")}


def test_add_then_inverse_restores_the_file(tmp_path: Path) -> None:
    root = tmp_path / "gold"
    first = gold.Change(add={"p": [Annotation.create(TEXT, 0, 16, ("other",), id="k")]})
    gold.update(root, first, {})
    before = (root / "p.toml").read_bytes()
    change = gold.Change(add={"p": [Annotation.create(TEXT, 17, 31, ("other",), id="n")]})
    gold.update(root, change, {})
    assert [a.id for a in gold.read(root, ["p"]).annotations["p"]] == ["k", "n"]
    gold.update(root, change.inverse(), {})
    assert (root / "p.toml").read_bytes() == before


def test_an_unreadable_gold_file_is_never_written_over(tmp_path: Path) -> None:
    root = tmp_path / "gold"
    gold.update(root, gold.Change(dismiss={("p", "", "b")}), {})
    (root / "p.toml").write_text("[[annotation]\n", encoding="utf-8")
    with pytest.raises(StoreError):
        gold.update(root, gold.Change(add={"p": [Annotation.create(TEXT, 0, 16, (), id="n")]}), {})
    assert (root / "p.toml").read_text(encoding="utf-8") == "[[annotation]\n"
    assert not (root / ".reviewer-txn").exists()


HAND_WRITTEN = """# Gold file, hand-checked by Jane
schema = 1
document = 'p'
source = "p.txt"
sha256 = "abc"

# decided in meeting 3
[[annotation]]
id = "k"
start = 17
end = 31
quote = 'We share data.'
categories = ["other"]   # Jane: was third-party-sharing
created = 2026-11-21 12:00:00Z
"""


def test_a_decision_inserts_its_block_and_keeps_every_other_byte(tmp_path: Path) -> None:
    root = tmp_path / "gold"
    gold.update(root, gold.Change(dismiss={("q", "", "b")}), {})   # the set exists
    path = root / "p.toml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    change = gold.Change(add={"p": [Annotation.create(TEXT, 0, 16, ("ads",), id="n")]})
    gold.update(root, change, {})
    after = path.read_text(encoding="utf-8")
    assert [a.id for a in gold.read(root, ["p"]).annotations["p"]] == ["n", "k"]
    ops = difflib.SequenceMatcher(None, HAND_WRITTEN.splitlines(), after.splitlines()).get_opcodes()
    assert {op[0] for op in ops} == {"equal", "insert"}   # lines only added, every other byte as it was
    gold.update(root, change.inverse(), {})
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN


def test_a_folder_without_set_toml_keeps_the_files_it_holds(tmp_path: Path) -> None:
    root = tmp_path / "gold"
    root.mkdir()
    (root / "p.toml").write_text(HAND_WRITTEN, encoding="utf-8")
    gold.update(root, gold.Change(add={"p": [Annotation.create(TEXT, 0, 16, ("ads",), id="n")]}), {})
    assert [a.id for a in gold.read(root, ["p"]).annotations["p"]] == ["n", "k"]
    assert "# decided in meeting 3" in (root / "p.toml").read_text(encoding="utf-8")


def test_gold_records_the_version_and_refuses_decisions_at_another(tmp_path: Path) -> None:
    """A gold file of a versioned policy records the version its offsets refer to; a decision made
    at another version is refused, naming both, and nothing is written (no file mixes versions)."""
    root = tmp_path / "gold"
    first = gold.Change(add={"p": [Annotation.create(TEXT, 0, 16, ("other",), id="k")]})
    gold.update(root, first, {"p": ("v1.md", "abc")}, versions={"p": "2025-01-01T00:00:00Z"})
    store = AnnotationStore.open(root, create=False)
    assert store.load("p").version == "2025-01-01T00:00:00Z"
    before = (root / "p.toml").read_bytes()
    later = gold.Change(add={"p": [Annotation.create(TEXT, 17, 31, ("other",), id="m")]})
    with pytest.raises(StoreError, match="anchored to version 2025-01-01T00:00:00Z.*2026-01-01T00:00:00Z"):
        gold.update(root, later, {"p": ("v2.md", "def")}, versions={"p": "2026-01-01T00:00:00Z"})
    assert (root / "p.toml").read_bytes() == before
    gold.update(root, later, {"p": ("v1.md", "abc")}, versions={"p": "2025-01-01T00:00:00Z"})
    assert [a.id for a in store.load("p").annotations] == ["k", "m"]
