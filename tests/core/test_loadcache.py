"""The parsed-file cache gives exactly what the store's load gives, and only for identical bytes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.errors import StoreError
from reviewer.loadcache import SUFFIX, LoadCache, dumps, loads
from reviewer.store import Annotation, AnnotationFile, AnnotationStore, dump_annotation_file
from tests.faults.support import POLICY_A

times = (st.dates() | st.times() | st.datetimes(timezones=st.none() | st.just(timezone.utc) | st.builds(
    lambda m: timezone(timedelta(minutes=m)), st.integers(-23 * 60, 23 * 60))))
values = st.recursive(st.text(max_size=4) | st.integers() | st.booleans() | st.floats(allow_nan=False) | times,
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
    assert len(list((tmp_path / "cache").glob(f"*{SUFFIX}"))) == 1   # the old version's entry is gone
    other_doc = tmp_path / "set" / "other.toml"
    other_doc.write_text(dump_annotation_file(AnnotationFile("other", "other.txt", "", [ann])))
    assert cache.load(store, "other").annotations == [ann]
    path.write_text(path.read_text().replace('id = "two"', 'id = "three"'))
    later = LoadCache(tmp_path / "set", folder=tmp_path / "cache", enabled=True)   # a later start
    assert [a.id for a in later.load(store, "doc").annotations] == ["three"]
    assert len(list((tmp_path / "cache").glob(f"*{SUFFIX}"))) == 2   # its previous entry went, other's stayed
    assert [a.id for a in later.load(store, "other").annotations] == ["one"] and later.hits == 1
    path.write_text("not [ toml")
    with pytest.raises(StoreError):
        cache.load(store, "doc")
    path.unlink()
    assert cache.load(store, "doc") is None and store.stamps["doc"] is None


def test_dates_times_and_infinite_floats_are_cached_and_come_back_identical(tmp_path: Path) -> None:
    store = AnnotationStore.open(tmp_path / "set")
    ann = Annotation.create(POLICY_A, 0, 10, ["a"], id="one")
    extra = {"when": date(2026, 1, 1), "at": time(3, 4), "far": float("inf"),
             "local": datetime(2026, 1, 2, 3, 4, 5), "east": datetime(2026, 1, 2, tzinfo=timezone(timedelta(hours=5)))}
    ann = Annotation(**{**ann.__dict__, "extra": extra})
    (tmp_path / "set" / "doc.toml").write_text(dump_annotation_file(AnnotationFile("doc", "doc.txt", "", [ann])))
    cache = LoadCache(tmp_path / "set", folder=tmp_path / "cache", enabled=True)
    got = [cache.load(store, "doc").annotations[0].extra for _ in range(2)]
    assert got == [extra, extra] and (cache.hits, cache.misses) == (1, 1)
    assert [type(v) for v in got[1].values()] == [type(v) for v in extra.values()]


class _Trap:
    """Pickles as a call of os.system: an unpickler that ran it would leave the marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        import os
        return (os.system, (f"touch {self.marker}",))


def test_a_tampered_entry_runs_nothing_and_is_a_miss(tmp_path: Path) -> None:
    import pickle
    store = AnnotationStore.open(tmp_path / "set")
    ann = Annotation.create(POLICY_A, 0, 10, ["a"], id="one")
    (tmp_path / "set" / "doc.toml").write_text(dump_annotation_file(AnnotationFile("doc", "doc.txt", "", [ann])))
    cache = LoadCache(tmp_path / "set", folder=tmp_path / "cache", enabled=True)
    cache.load(store, "doc")
    [entry] = (tmp_path / "cache").glob(f"*{SUFFIX}")
    doc_id, digest, code, _ = loads(entry.read_bytes())
    marker = tmp_path / "ran"
    entry.write_bytes(pickle.dumps((doc_id, digest, code, _Trap(marker))))
    with pytest.raises(pickle.UnpicklingError):
        loads(entry.read_bytes())
    later = LoadCache(tmp_path / "set", folder=tmp_path / "cache", enabled=True)
    assert later.load(store, "doc").annotations == [ann]
    assert (later.hits, later.misses) == (0, 1) and not marker.exists()
    assert loads(entry.read_bytes())[3].annotations == [ann]     # rebuilt in its place


def test_an_entry_of_an_earlier_version_is_removed_when_its_document_is_cached_again(tmp_path: Path) -> None:
    store = AnnotationStore.open(tmp_path / "set")
    ann = Annotation.create(POLICY_A, 0, 10, ["a"], id="one")
    (tmp_path / "set" / "doc.toml").write_text(dump_annotation_file(AnnotationFile("doc", "doc.txt", "", [ann])))
    cache = LoadCache(tmp_path / "set", folder=tmp_path / "cache", enabled=True)
    old = cache.folder / f"{cache._prefix('doc')}-{'0' * 32}-{'1' * 16}.json"
    old.parent.mkdir(parents=True)
    old.write_text('{"id": "doc"}')
    assert cache.load(store, "doc").annotations == [ann]
    assert not old.exists() and len(list(cache.folder.glob(f"*{SUFFIX}"))) == 1


def test_an_entry_round_trips_every_field() -> None:
    ann = Annotation.create(POLICY_A, 3, 40, ["a", "b-c"], "a note", id="x")
    ann = Annotation(**{**ann.__dict__, "attributes": {"r": [1, 2.5]}, "extra": {"x1": {"p": True}}, "provenance": "agreed"})
    af = AnnotationFile("doc", "doc.txt", "f" * 64, [ann], {"top": "v"}, ["a warning"], "2026-01-01")
    doc_id, digest, _, back = loads(dumps("doc", "d" * 64, af))
    assert (doc_id, digest, back) == ("doc", "d" * 64, af)


def test_a_damaged_or_unwritable_cache_is_ignored(tmp_path: Path) -> None:
    store = AnnotationStore.open(tmp_path / "set")
    ann = Annotation.create(POLICY_A, 0, 10, ["a"], id="one")
    (tmp_path / "set" / "doc.toml").write_text(dump_annotation_file(AnnotationFile("doc", "doc.txt", "", [ann])))
    cache = LoadCache(tmp_path / "set", folder=tmp_path / "cache", enabled=True)
    cache.load(store, "doc")
    for entry in (tmp_path / "cache").glob(f"*{SUFFIX}"):
        entry.write_bytes(entry.read_bytes()[:-9])   # cut short, as by a crash mid-write
    assert cache.load(store, "doc").annotations == [ann]
    assert cache.load(store, "doc").annotations == [ann]
    assert (cache.hits, cache.misses) == (1, 2)          # the damaged entry was replaced
    assert len(list((tmp_path / "cache").glob(f"*{SUFFIX}"))) == 1
    blocked = LoadCache(tmp_path / "set", folder=tmp_path / "set" / "doc.toml" / "sub", enabled=True)
    assert blocked.load(store, "doc").annotations == [ann]


def test_the_cache_lives_under_the_user_cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    cache = LoadCache(tmp_path / "set")
    assert str(cache.folder).startswith(os.environ["XDG_CACHE_HOME"])
    monkeypatch.setenv("REVIEWER_NO_CACHE", "1")
    assert not LoadCache(tmp_path / "set").enabled


def test_deferred_entries_reach_the_disk_only_on_flush_and_then_serve_the_next_open(tmp_path: Path) -> None:
    store = AnnotationStore.open(tmp_path / "set")
    ann = Annotation.create(POLICY_A, 0, 10, ["a"], id="one")
    path = tmp_path / "set" / "doc.toml"
    path.write_text(dump_annotation_file(AnnotationFile("doc", "doc.txt", "", [ann])))
    cache = LoadCache(tmp_path / "set", folder=tmp_path / "cache", enabled=True)
    cache.defer_writes = True
    assert cache.load(store, "doc").annotations == [ann]
    assert not list((tmp_path / "cache").glob(f"*{SUFFIX}"))
    path.write_text(dump_annotation_file(AnnotationFile("doc", "doc.txt", "", [ann], {"edited": True})))
    assert cache.load(store, "doc").extra == {"edited": True}       # a second version, also deferred
    assert cache.flush() == 2 and cache.flush() == 0
    [entry] = (tmp_path / "cache").glob(f"*{SUFFIX}")               # the older version's entry went
    later = LoadCache(tmp_path / "set", folder=tmp_path / "cache", enabled=True)
    assert later.load(AnnotationStore.open(tmp_path / "set"), "doc").extra == {"edited": True}
    assert (later.hits, later.misses) == (1, 0)


def test_a_session_can_defer_its_cache_writes_until_after_a_bulk_load(tmp_path: Path, monkeypatch) -> None:
    from reviewer.session import Session
    from tests.faults.support import write_docs
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("REVIEWER_NO_CACHE", raising=False)
    docs = write_docs(tmp_path / "docs", {"alpha": POLICY_A})
    ann = Annotation.create(POLICY_A, 0, 10, ["a"], id="one")
    AnnotationStore.open(tmp_path / "set").save(AnnotationFile("alpha", "alpha.txt", docs[0].sha256, [ann]))
    session = Session(AnnotationStore.open(tmp_path / "set"), docs)
    session.load_cache.defer_writes = True
    session.load_all()
    assert session.annotations("alpha") == [ann] and not list(session.load_cache.folder.glob(f"*{SUFFIX}"))
    assert session.load_cache.flush() == 1
    again = Session(AnnotationStore.open(tmp_path / "set"), docs)
    assert again.annotations("alpha") == [ann] and again.load_cache.hits == 1
