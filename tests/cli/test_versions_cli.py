"""`reviewer versions`, `reviewer diff`, `reviewer carry` and version references elsewhere:
exact JSON shapes, exit codes, one-line errors, one atomic write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.store import Annotation, AnnotationFile, AnnotationStore
from tests.versions_support import V1, V2, V3, dataset, repository

VERSION_KEYS = {"version", "recorded", "ref", "technical", "sha256", "clauses", "changes"}


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def annotated_set(tmp_path: Path, text: str = V1, version: str = "2024-01-05T10:00:00Z") -> Path:
    store = AnnotationStore.open(tmp_path / "set")
    anns = []
    for ident, quote in (("ret", "We keep your data for two years."), ("share", "We share data with payment processors only."),
                         ("c", "Contact us at privacy@example.com.")):
        s = text.index(quote)
        anns.append(Annotation.create(text, s, s + len(quote), ["data-retention"], id=ident))
    store.save(AnnotationFile("example--privacy-policy", "x.md", "", anns, version=version))
    return store.root


def test_versions_json_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo_file = repository(tmp_path / "git")
    folder = dataset(tmp_path / "data")
    code, out, err = run(capsys, "versions", folder, repo_file, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert [d["document"] for d in data["documents"]] == ["example--privacy-policy"]  # one id, listed once
    code, out, _ = run(capsys, "versions", repo_file, "--json")
    (doc,) = json.loads(out)["documents"]
    assert set(doc) == {"document", "path", "versions"}
    vs = doc["versions"]
    assert all(set(v) == VERSION_KEYS for v in vs)
    assert [v["version"] for v in vs][-2:] == ["2025-02-11T12:00:00Z", "2025-02-11T12:00:00Z#2"]
    assert vs[-1]["recorded"] == "2025-02-11T12:00:00Z" and len(vs[-1]["ref"]) == 40
    assert [v["technical"] for v in vs] == [False, False, True, False, False]
    assert vs[0]["changes"] is None
    assert vs[1]["changes"] == {"added": 1, "removed": 1, "changed": 1, "moved": 0}
    code, out, _ = run(capsys, "versions", folder)
    assert code == 0 and "example--privacy-policy" in out and "2024-06-01T08:30:00Z" in out


def test_versions_bad_path_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    code, out, err = run(capsys, "versions", plain, tmp_path / "missing")
    assert code == 2 and len(err.strip().splitlines()) == 2 and "Traceback" not in err


def test_diff_json_contract_and_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = dataset(tmp_path / "data")
    code, out, err = run(capsys, "diff", f"{folder}@first", f"{folder}@2024-06", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"old", "new", "clauses", "annotations", "summary"}
    assert data["old"] == {"document": "example--privacy-policy", "version": "2024-01-05T10:00:00Z",
                           "sha256": data["old"]["sha256"]}
    assert data["summary"] == {"same": 4, "moved": 0, "changed": 1, "added": 1, "removed": 1,
                               "annotations": {"exact": 0, "moved": 0, "fuzzy": 0, "orphaned": 0}}
    changed = [c for c in data["clauses"] if c["status"] == "changed"]
    assert changed[0]["words"] == [["same", "We keep your data for "], ["removed", "two"], ["added", "three"],
                                   ["same", " years."]]
    assert all(set(c) == {"status", "old", "new", "similarity"} for c in data["clauses"] if c["status"] != "changed")
    added = [c for c in data["clauses"] if c["status"] == "added"][0]
    assert added["old"] is None and V2[added["new"][0]:added["new"][1]].startswith("We use cookies")
    # with annotations: the removed clause orphans its annotation -> exit 1
    code, out, err = run(capsys, "diff", f"{folder}@first", f"{folder}@2024-06", "--annotations", annotated_set(tmp_path), "--json")
    assert code == 1, err
    data = json.loads(out)
    fates = {a["id"]: a for a in data["annotations"]}
    assert set(fates["ret"]) == {"id", "categories", "status", "old", "new", "score"}
    assert fates["ret"]["status"] == "fuzzy" and V2[slice(*fates["ret"]["new"])] == "We keep your data for three years."
    assert fates["share"]["status"] == "orphaned" and fates["share"]["new"] is None
    assert fates["c"]["status"] == "exact" and fates["c"]["new"] == fates["c"]["old"]  # same length: same offsets
    assert data["summary"]["annotations"] == {"exact": 1, "moved": 0, "fuzzy": 1, "orphaned": 1}
    # the table shows changed, added and removed clauses with their annotations, text inert
    code, out, err = run(capsys, "diff", f"{folder}@first", f"{folder}@2024-06", "--annotations", tmp_path / "set")
    assert code == 1 and "share (data-retention) orphaned" in out and "\x1b" not in out


def test_diff_of_two_plain_files_and_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(V2, encoding="utf-8")
    b.write_text(V3 + "\x1b[31mred\n", encoding="utf-8")
    code, out, err = run(capsys, "diff", a, b)
    assert code == 0 and "\x1b" not in out
    code, out, err = run(capsys, "diff", a, tmp_path / "missing.txt")
    assert code == 2 and err.count("\n") == 1 and "missing.txt" in err
    folder = dataset(tmp_path / "data")
    code, out, err = run(capsys, "diff", f"{folder}@~7", a)
    assert code == 2 and "only 3 version(s)" in err


def test_carry_writes_once_at_the_end_and_reports_steps(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = dataset(tmp_path / "data")
    root = annotated_set(tmp_path)
    path = root / "example--privacy-policy.toml"
    before = path.read_bytes()
    code, out, err = run(capsys, "carry", folder, "--annotations", root, "--dry-run", "--json")
    assert code == 1 and path.read_bytes() == before
    data = json.loads(out)
    (doc,) = data["documents"]
    assert doc["written"] is False and [s["to"] for s in doc["steps"]] == ["2024-06-01T08:30:00Z", "2025-02-11T12:00:00Z"]
    assert doc["steps"][0]["orphaned"] == ["share"] and doc["steps"][0]["fuzzy"][0]["id"] == "ret"
    code, out, err = run(capsys, "carry", folder, "--annotations", root)
    assert code == 1 and "orphaned 1" in out
    af = AnnotationStore.open(root).load("example--privacy-policy")
    assert af.version == "2025-02-11T12:00:00Z"
    anns = {a.id: a for a in af.annotations}
    assert set(anns) == {"ret", "share", "c"}  # the orphan stays, with the version it was last placed in
    assert V3[anns["ret"].start:anns["ret"].end] == "We keep your data for three years at most."
    assert anns["share"].extra["version"] == "2024-01-05T10:00:00Z"
    # the file then checks clean against the latest version (the orphan is reported, kept)
    code, out, err = run(capsys, "check", folder, "--annotations", root, "--json")
    entry = json.loads(out)["documents"][0]
    assert (entry["exact"], entry["orphaned"]) == (2, 1)
    # and can be carried back
    code, out, err = run(capsys, "carry", folder, "--annotations", root, "--to", "first", "--json")
    assert json.loads(out)["documents"][0]["to"] == "2024-01-05T10:00:00Z"


def test_carry_finds_the_file_the_app_wrote_for_a_git_tracked_file(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from reviewer.documents import text_sha256

    path = repository(tmp_path)                  # Example/Privacy Policy.md, followed as example--privacy-policy
    text = path.read_text(encoding="utf-8")      # the file on disk, as the app and check open it
    quote = "Contact us at privacy@example.com."
    s = text.index(quote)
    store = AnnotationStore.open(tmp_path / "set")
    store.save(AnnotationFile(path.stem, path.name, text_sha256(text),
                              [Annotation.create(text, s, s + len(quote), ["contact"], id="c")]))
    code, out, err = run(capsys, "carry", path, "--annotations", store.root, "--to", "@first", "--json")
    assert code == 0, err
    (doc,) = json.loads(out)["documents"]
    assert doc["document"] == "Privacy Policy" and doc["to"] == "2024-01-05T10:00:00Z" and doc["written"]
    af = AnnotationStore.open(store.root).load("Privacy Policy")
    assert af.version == "2024-01-05T10:00:00Z" and V1[af.annotations[0].start:af.annotations[0].end] == quote
    assert not (store.root / "example--privacy-policy.toml").exists()
    # a file of another text than any commit of it is not carried, and the command says why
    store.save(AnnotationFile(path.stem, path.name, text_sha256("edited"), af.annotations))
    before = (store.root / "Privacy Policy.toml").read_bytes()
    code, out, err = run(capsys, "carry", path, "--annotations", store.root)
    assert code == 0 and "no annotations of example--privacy-policy" in err and "Privacy Policy.toml" in err
    assert (store.root / "Privacy Policy.toml").read_bytes() == before


def test_carry_with_nothing_to_carry_says_so_and_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A script carrying every policy folder of a set: one with no annotations is not a failure."""
    folder = dataset(tmp_path / "data")
    AnnotationStore.open(tmp_path / "empty")
    code, out, err = run(capsys, "carry", folder, "--annotations", tmp_path / "empty")
    assert code == 0 and "has no annotations of example--privacy-policy" in err and err.count("\n") == 1
    assert "warning" in err and "nothing carried" in err


def test_carry_of_a_git_file_named_like_a_set_file_is_no_traceback(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """``set.md`` in a repository: its stem is no id a set file can have (set.toml is the set's)."""
    from tests.versions_support import git

    repo = tmp_path / "repo"
    (repo / "Example").mkdir(parents=True)
    git(repo, "init", "-q")
    for n, text in enumerate(("We collect data.\n", "We collect less data.\n")):
        (repo / "Example" / "set.md").write_text(text, encoding="utf-8")
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", f"v{n}", date=f"2024-0{n + 1}-01T00:00:00Z")
    root = tmp_path / "annotations"
    AnnotationStore.open(root)
    code, out, err = run(capsys, "carry", repo / "Example" / "set.md", "--annotations", root)
    assert code == 0 and "Traceback" not in err and "nothing carried" in err


def test_carry_bad_input_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = dataset(tmp_path / "data")
    root = annotated_set(tmp_path)
    path = root / "example--privacy-policy.toml"
    before = path.read_bytes()
    for args in ([folder, "--to", "1999"], [f"{folder}@first"], [tmp_path / "nothing"]):
        code, out, err = run(capsys, "carry", *args, "--annotations", root)
        assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert path.read_bytes() == before


def test_version_references_in_other_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = dataset(tmp_path / "data")
    root = annotated_set(tmp_path)
    code, out, err = run(capsys, "check", f"{folder}@first", "--annotations", root, "--json")
    assert code == 0  # the set is anchored to V1: everything exact
    entry = json.loads(out)["documents"][0]
    assert entry["document"] == "example--privacy-policy" and entry["exact"] == 3
    code, out, err = run(capsys, "lookup", "payment processors", f"{folder}@first")
    assert code == 0 and "payment processors" in out
    code, out, err = run(capsys, "coverage", f"{folder}@first", "--annotations", root, "--format", "json")
    assert code == 0 and "example--privacy-policy" in out
    code, out, err = run(capsys, "export", f"{folder}@first", "--annotations", root, "--format", "jsonl")
    assert code == 0 and out.count("\n") == 3


def test_version_references_in_import_and_suggest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = dataset(tmp_path / "data")
    root = annotated_set(tmp_path)
    exported = tmp_path / "out.jsonl"
    code, out, err = run(capsys, "export", f"{folder}@first", "--annotations", root, "--format", "jsonl", "-o", exported)
    assert code == 0, err
    code, out, err = run(capsys, "import", exported, "--annotations", tmp_path / "new", "--documents", f"{folder}@first",
                         "--json")
    assert code == 0, err
    af = AnnotationStore.open(tmp_path / "new").load("example--privacy-policy")
    assert af is not None and len(af.annotations) == 3
    code, out, err = run(capsys, "suggest", f"{folder}@first", "--annotations", root)
    assert code in (0, 1) and "Traceback" not in err  # loaded (too few examples to learn from is exit 1)
    code, out, err = run(capsys, "suggest", f"{folder}@1999", "--annotations", root)
    assert code == 2 and "no version recorded up to 1999" in err
