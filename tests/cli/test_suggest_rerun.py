"""Re-running ``reviewer suggest --into SET2`` over a set the analyst has been working in: only the
lines of what changed change, a suggestion the analyst deleted is not offered again."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reviewer.store import AnnotationStore
from tests.cli.test_suggest_cli import build, run


def first_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path, Path]:
    docs, set_dir = build(tmp_path)
    review = tmp_path / "review"
    code, _, err = run(capsys, str(docs), "--annotations", str(set_dir), "--into", str(review))
    assert code == 0, err
    return docs, set_dir, review


def again(capsys: pytest.CaptureFixture[str], docs: Path, set_dir: Path, review: Path) -> str:
    code, out, err = run(capsys, str(docs), "--annotations", str(set_dir), "--into", str(review))
    assert code == 0, err
    return out


def test_a_rerun_over_nothing_changed_leaves_every_byte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs, set_dir, review = first_run(tmp_path, capsys)
    path = review / "untagged.toml"
    text = re.sub(r"^(created|updated) = .*$", r"\1 = 2020-01-02T03:04:05Z", path.read_text(encoding="utf-8"),
                  flags=re.M)   # an earlier run's stamps: a re-stamp would show
    path.write_text(text, encoding="utf-8")
    again(capsys, docs, set_dir, review)
    assert path.read_text(encoding="utf-8") == text


def test_a_rerun_keeps_the_analysts_comments_and_does_not_bring_back_what_they_deleted(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs, set_dir, review = first_run(tmp_path, capsys)
    store = AnnotationStore.open(review, create=False)
    af = store.load("untagged")
    assert af is not None and len(af.annotations) >= 3
    gone, checked = af.annotations[0], af.annotations[1]
    af.annotations = af.annotations[1:]
    store.save(af)   # the analyst deletes the first suggestion
    path = review / "untagged.toml"
    text = "# my header comment\n" + path.read_text(encoding="utf-8")
    block = text.index(f'id = "{checked.id}"')
    text = text[:block] + re.sub(r'note = "suggested[^\n]*', 'note = "confirmed"  # checked', text[block:], count=1)
    path.write_text(text, encoding="utf-8")
    out = again(capsys, docs, set_dir, review)
    assert path.read_text(encoding="utf-8") == text   # every byte, the deleted one not back
    assert "1 deleted there not offered again" in out
    assert gone.id not in {a.id for a in store.load("untagged").annotations}


def test_a_confidence_that_drifts_in_its_last_digit_is_not_rewritten(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs, set_dir, review = first_run(tmp_path, capsys)
    path = review / "untagged.toml"
    text = path.read_text(encoding="utf-8")
    value = re.search(r"^([a-z-]+) = (0\.\d+)$", text, re.M)
    assert value is not None
    drifted = f"{float(value.group(2)) + 0.0001:.4f}"
    text = text.replace(value.group(0), f"{value.group(1)} = {drifted}", 1)
    path.write_text(text, encoding="utf-8")
    again(capsys, docs, set_dir, review)
    assert path.read_text(encoding="utf-8") == text


def test_a_file_whose_only_suggestion_was_deleted_keeps_that_record(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs, set_dir, review = first_run(tmp_path, capsys)
    store = AnnotationStore.open(review, create=False)
    af = store.load("half")
    assert af is not None and af.annotations
    deleted = {a.id for a in af.annotations}
    af.annotations = []
    store.save(af)
    again(capsys, docs, set_dir, review)
    after = store.load("half")
    assert after is not None and after.annotations == [] and set(after.extra["suggested"]) >= deleted


def test_a_set2_whose_set_toml_gained_a_bom_is_still_a_suggest_set(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs, set_dir, review = first_run(tmp_path, capsys)
    meta = review / "set.toml"
    meta.write_bytes(b"\xef\xbb\xbf" + meta.read_bytes())
    again(capsys, docs, set_dir, review)


def test_set2_s_taxonomy_is_copied_once_and_a_person_s_edit_of_it_is_kept(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs, set_dir = build(tmp_path)
    from reviewer.taxonomy import DEFAULT_TAXONOMY

    (set_dir / "taxonomy.toml").write_text("".join(f'[[category]]\nslug = "{c.slug}"\nname = "{c.name}"\n\n'
                                                   for c in DEFAULT_TAXONOMY), encoding="utf-8")
    review = tmp_path / "review"
    code, _, err = run(capsys, str(docs), "--annotations", str(set_dir), "--into", str(review))
    assert code == 0, err
    assert (review / "taxonomy.toml").read_bytes() == (set_dir / "taxonomy.toml").read_bytes()
    edited = "# renamed for the review\n" + (set_dir / "taxonomy.toml").read_text(encoding="utf-8").replace(
        'name = "Other"', 'name = "Anything else"')
    (review / "taxonomy.toml").write_text(edited, encoding="utf-8")
    code, _, err = run(capsys, str(docs), "--annotations", str(set_dir), "--into", str(review))
    assert code in (0, 1), err
    assert (review / "taxonomy.toml").read_text(encoding="utf-8") == edited
    assert "taxonomy.toml: differs from" in err and "left as it is" in err
