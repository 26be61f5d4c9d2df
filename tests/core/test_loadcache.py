"""The parsed-file cache gives exactly what the store's load gives, and only for identical bytes."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.errors import StoreError
from reviewer.loadcache import LoadCache
from reviewer.store import Annotation, AnnotationFile, AnnotationStore, dump_annotation_file
from tests.faults.support import POLICY_A

values = st.recursive(st.text(max_size=4) | st.integers() | st.booleans() | st.floats(allow_nan=False, allow_infinity=False),
                      lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.sampled_from("pq"), inner, max_size=2),
                      max_leaves=4)


@st.composite
def files(draw) -> AnnotationFile:
    anns = []
    for i in range(draw(st.integers(0, 5))):
        start = draw(st.integers(0, 300))
        ann = Annotation.create(POLICY_A, start, start + draw(st.integers(0, 30)), draw(st.lists(st.sampled_from(["a", "b-c"]), max_size=2, unique=True)),
                                draw(st.text(max_size=8)), id=f"id{i}", now=datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc))
        anns.append(Annotation(**{**ann.__dict__, "attributes": draw(st.dictionaries(st.sampled_from(["r", "s"]), values, max_size=2)),
                                  "extra": draw(st.dictionaries(st.sampled_from(["x1", "x2"]), values, max_size=2))}))
    return AnnotationFile("doc", "doc.txt", "f" * 64, anns, draw(st.dictionaries(st.sampled_from(["top"]), values, max_size=1)))


@settings(max_examples=60, deadline=None)
@given(files())
def test_cached_load_equals_the_store_load(af: AnnotationFile) -> None:
    tmp_path = Path(tempfile.mkdtemp(prefix="reviewer-cache-"))
    store = AnnotationStore.open(tmp_path / "set")
    (tmp_path / "set" / "doc.toml").write_text(dump_annotation_file(af))
    cache = LoadCache(tmp_path / "set", folder=tmp_path / "cache", enabled=True)
    fresh = store.load("doc")
    stamp = store.stamps["doc"]
    first = cache.load(AnnotationStore.open(tmp_path / "set"), "doc")
    other = AnnotationStore.open(tmp_path / "set")
    second = cache.load(other, "doc")
    assert first == fresh == second and other.stamps["doc"] == stamp
    assert cache.hits == 1 and cache.misses == 1
    shutil.rmtree(tmp_path)


def test_a_changed_file_misses_and_a_bad_one_raises(tmp_path: Path) -> None:
    store = AnnotationStore.open(tmp_path / "set")
    path = tmp_path / "set" / "doc.toml"
    ann = Annotation.create(POLICY_A, 0, 10, ["a"], id="one")
    path.write_text(dump_annotation_file(AnnotationFile("doc", "doc.txt", "", [ann])))
    cache = LoadCache(tmp_path / "set", folder=tmp_path / "cache", enabled=True)
    assert cache.load(store, "doc").annotations == [ann]
    path.write_text(path.read_text().replace('id = "one"', 'id = "two"'))
    assert [a.id for a in cache.load(store, "doc").annotations] == ["two"]
    assert (cache.hits, cache.misses) == (0, 2)
    assert len(list((tmp_path / "cache").glob("*.json"))) == 1   # the old version's entry is gone
    other_doc = tmp_path / "set" / "other.toml"
    other_doc.write_text(dump_annotation_file(AnnotationFile("other", "other.txt", "", [ann])))
    assert cache.load(store, "other").annotations == [ann]
    path.write_text(path.read_text().replace('id = "two"', 'id = "three"'))
    later = LoadCache(tmp_path / "set", folder=tmp_path / "cache", enabled=True)   # a later start
    assert [a.id for a in later.load(store, "doc").annotations] == ["three"]
    assert len(list((tmp_path / "cache").glob("*.json"))) == 2   # its previous entry went, other's stayed
    assert [a.id for a in later.load(store, "other").annotations] == ["one"] and later.hits == 1
    path.write_text("not [ toml")
    with pytest.raises(StoreError):
        cache.load(store, "doc")
    path.unlink()
    assert cache.load(store, "doc") is None and store.stamps["doc"] is None


def test_values_json_cannot_carry_are_not_cached(tmp_path: Path) -> None:
    store = AnnotationStore.open(tmp_path / "set")
    ann = Annotation.create(POLICY_A, 0, 10, ["a"], id="one")
    ann = Annotation(**{**ann.__dict__, "extra": {"when": date(2026, 1, 1), "at": time(3, 4)}})
    (tmp_path / "set" / "doc.toml").write_text(dump_annotation_file(AnnotationFile("doc", "doc.txt", "", [ann])))
    cache = LoadCache(tmp_path / "set", folder=tmp_path / "cache", enabled=True)
    for _ in range(2):
        assert cache.load(store, "doc").annotations[0].extra == {"when": date(2026, 1, 1), "at": time(3, 4)}
    assert cache.hits == 0


def test_a_damaged_or_unwritable_cache_is_ignored(tmp_path: Path) -> None:
    store = AnnotationStore.open(tmp_path / "set")
    ann = Annotation.create(POLICY_A, 0, 10, ["a"], id="one")
    (tmp_path / "set" / "doc.toml").write_text(dump_annotation_file(AnnotationFile("doc", "doc.txt", "", [ann])))
    cache = LoadCache(tmp_path / "set", folder=tmp_path / "cache", enabled=True)
    cache.load(store, "doc")
    for entry in (tmp_path / "cache").glob("*.json"):
        entry.write_text('{"digest": ')
    assert cache.load(store, "doc").annotations == [ann]
    assert cache.load(store, "doc").annotations == [ann]
    assert (cache.hits, cache.misses) == (1, 2)          # the damaged entry was replaced
    assert len(list((tmp_path / "cache").glob("*.json"))) == 1
    blocked = LoadCache(tmp_path / "set", folder=tmp_path / "set" / "doc.toml" / "sub", enabled=True)
    assert blocked.load(store, "doc").annotations == [ann]


def test_the_cache_lives_under_the_user_cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    cache = LoadCache(tmp_path / "set")
    assert str(cache.folder).startswith(os.environ["XDG_CACHE_HOME"])
    monkeypatch.setenv("REVIEWER_NO_CACHE", "1")
    assert not LoadCache(tmp_path / "set").enabled
