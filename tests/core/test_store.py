"""The TOML annotation store: round trip, hand-written files, bad files, atomic writes."""

from __future__ import annotations

import errno
import os
import re
import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer import atomic
from reviewer.annotated import load_annotated
from reviewer.documents import Document, load_document
from reviewer.errors import StoreError
from reviewer.store import (
    Annotation,
    AnnotationFile,
    AnnotationStore,
    FileStamp,
    dump_annotation_file,
    parse_annotation_file,
)

NOW = datetime(2026, 11, 21, 12, 0, 0, tzinfo=timezone.utc)
P = Path("set/doc.toml")

# -- round trip -----------------------------------------------------------------------------------

ANY_TEXT = st.text(max_size=60)  # every code point except surrogates: quotes, \, newlines, emoji, controls
TOML_NASTY = st.lists(st.sampled_from(['"', "'", "\\", '"""', "'''", "\n", "\r\n", "\t", "#", "=", "[", "]",
                                       "[[annotation]]", "\x00", "\x1b", "\x7f", "\u2028", "\U0001f600", "\ufeff",
                                       "a", " ", "Z", "1979-05-27T07:32:00Z"]), max_size=12).map("".join)
TEXTS = st.one_of(ANY_TEXT, TOML_NASTY)
UTC_TIMES = st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(9000, 1, 1),
                         timezones=st.just(timezone.utc))
ATTR_VALUES = st.one_of(TEXTS, st.integers(-10**12, 10**12), st.booleans(), st.lists(TEXTS, max_size=3))


@st.composite
def annotations(draw: st.DrawFn) -> Annotation:
    start = draw(st.integers(0, 10**7))
    return Annotation(
        id=draw(st.text(min_size=1, max_size=20).filter(str.strip)),
        start=start,
        end=start + draw(st.integers(0, 5000)),
        quote=draw(TEXTS),
        prefix=draw(TEXTS),
        suffix=draw(TEXTS),
        categories=tuple(dict.fromkeys(draw(st.lists(TEXTS, max_size=3)))),
        note=draw(TEXTS),
        created=draw(st.none() | UTC_TIMES),
        updated=draw(st.none() | UTC_TIMES),
        attributes=draw(st.dictionaries(TEXTS, ATTR_VALUES, max_size=3)),
    )


def unique_ids(anns: list[Annotation]) -> list[Annotation]:
    seen: dict[str, Annotation] = {}
    for a in anns:
        seen.setdefault(a.id, a)
    return list(seen.values())


@given(st.lists(annotations(), max_size=6).map(unique_ids), TEXTS, TEXTS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_round_trip_any_unicode(anns: list[Annotation], document: str, source: str) -> None:
    af = AnnotationFile(document=document or "d", source=source, sha256="ab" * 32, annotations=anns)
    text = dump_annotation_file(af)
    back = parse_annotation_file(text, P)
    assert back.document == af.document and back.source == source and back.sha256 == af.sha256
    assert back.annotations == sorted(anns, key=lambda a: (a.start, a.id))
    assert back.warnings == []
    # and writing it again gives the same bytes (a save without changes is not a diff)
    assert dump_annotation_file(back) == text


def test_unknown_keys_kept_verbatim() -> None:
    text = """schema = 1
document = "d"
source = "d.txt"
sha256 = ""
reviewed_by = "alice"

[[annotation]]
id = "a"
start = 0
end = 3
quote = "abc"
confidence = 0.5
tags = ["x", "y"]

[annotation.attributes]
retention-period = "stated"
"""
    af = parse_annotation_file(text, P)
    assert af.extra == {"reviewed_by": "alice"}
    assert af.annotations[0].extra == {"confidence": 0.5, "tags": ["x", "y"]}
    assert af.annotations[0].attributes == {"retention-period": "stated"}
    again = tomllib.loads(dump_annotation_file(af))
    assert again["reviewed_by"] == "alice"
    assert again["annotation"][0]["confidence"] == 0.5
    assert again["annotation"][0]["attributes"] == {"retention-period": "stated"}


def test_written_sorted_by_start_then_id_and_utc_z() -> None:
    anns = [Annotation.create("x" * 100, s, s + 5, ["other"], id=i, now=NOW)
            for s, i in [(50, "b"), (10, "z"), (50, "a"), (0, "m")]]
    text = dump_annotation_file(AnnotationFile("d", "d.txt", "", anns))
    ids = re.findall(r'^id = "(\w)"', text, re.M)
    assert ids == ["m", "z", "a", "b"]
    assert "created = 2026-11-21T12:00:00Z" in text
    assert "updated = 2026-11-21T12:00:00Z" in text
    assert "+00:00" not in text


def test_non_utc_datetimes_written_as_utc_z() -> None:
    cet = timezone(timedelta(hours=1))
    ann = Annotation("a", 0, 1, "x", created=datetime(2026, 1, 1, 13, 0, tzinfo=cet),
                     updated=datetime(2026, 1, 1, 12, 30, 15, 250000))  # naive: taken as UTC
    text = dump_annotation_file(AnnotationFile("d", annotations=[ann]))
    assert "created = 2026-01-01T12:00:00Z" in text
    assert "updated = 2026-01-01T12:30:15.250000Z" in text


# -- hand-written files --------------------------------------------------------------------------


def test_minimal_hand_written_file_loads() -> None:
    text = """# written by hand
document = 'picker-top'
[[annotation]]
id = "h1"
start = 5
end = 10
quote = 'hello'   # literal string
categories = "other"
created = 2026-11-21T13:00:00+01:00
updated = 2026-11-21 12:00:00

[[annotation]]
id = "h2"
start = 0
end = 0
quote = ""
attributes = { period = "stated", n = 3 }
"""
    af = parse_annotation_file(text, P)
    a, b = af.annotations
    assert (a.id, a.start, a.end, a.quote, a.categories) == ("h1", 5, 10, "hello", ("other",))
    assert a.prefix == a.suffix == a.note == ""
    assert a.created == NOW and a.updated == NOW
    assert b.created is None and b.attributes == {"period": "stated", "n": 3}
    assert af.source == "" and af.sha256 == ""


def test_demo_set_files_load(demo_set: Path) -> None:
    store = AnnotationStore.open(demo_set, create=False)
    ids = store.document_ids()
    assert len(ids) == 6  # five plain seeds and the versioned one (its file also records `version`)
    for doc_id in ids:
        af = store.load(doc_id)
        assert af is not None and af.annotations and af.warnings == []
        # and the file is byte-identical when written back unchanged
        assert dump_annotation_file(af) == (demo_set / f"{doc_id}.toml").read_text(encoding="utf-8")


# -- malformed files and schema violations ------------------------------------------------------


def test_malformed_toml_names_file_line_column() -> None:
    with pytest.raises(StoreError) as err:
        parse_annotation_file('schema = 1\n[[annotation]]\nid = "a\n', P)
    message = str(err.value)
    assert message.startswith(str(P)) and re.search(r"line 3, column \d+", message)
    assert "\n" not in message


VIOLATIONS = [
    ("schema = 'one'", "schema must be an integer"),
    ("schema = 99", "newer"),
    ("document = 3", "document"),
    ("document = ''", "document"),
    ("source = 1", "source must be a string"),
    ("sha256 = []", "sha256 must be a string"),
    ("annotation = 1", "array of tables"),
    ("annotation = [1]", "not a table"),
    ("[[annotation]]\nstart = 0\nend = 1\nquote = 'x'", "id must be"),
    ("[[annotation]]\nid = ''\nstart = 0\nend = 1\nquote = 'x'", "id must be"),
    ("[[annotation]]\nid = 7\nstart = 0\nend = 1\nquote = 'x'", "id must be"),
    ("[[annotation]]\nid = 'a'\nend = 1\nquote = 'x'", "start must be an integer"),
    ("[[annotation]]\nid = 'a'\nstart = 1.5\nend = 2\nquote = 'x'", "start must be an integer"),
    ("[[annotation]]\nid = 'a'\nstart = true\nend = 2\nquote = 'x'", "start must be an integer"),
    ("[[annotation]]\nid = 'a'\nstart = '0'\nend = 2\nquote = 'x'", "start must be an integer"),
    ("[[annotation]]\nid = 'a'\nstart = -1\nend = 2\nquote = 'x'", "negative"),
    ("[[annotation]]\nid = 'a'\nstart = 0\nend = -2\nquote = 'x'", "negative"),
    ("[[annotation]]\nid = 'a'\nstart = 5\nend = 2\nquote = 'x'", "before start"),
    ("[[annotation]]\nid = 'a'\nstart = 0\nend = 2", "quote is missing"),
    ("[[annotation]]\nid = 'a'\nstart = 0\nend = 2\nquote = 1", "quote must be a string"),
    ("[[annotation]]\nid = 'a'\nstart = 0\nend = 2\nquote = 'x'\nprefix = []", "prefix must be a string"),
    ("[[annotation]]\nid = 'a'\nstart = 0\nend = 2\nquote = 'x'\nnote = 1", "note must be a string"),
    ("[[annotation]]\nid = 'a'\nstart = 0\nend = 2\nquote = 'x'\ncategories = [1]", "categories"),
    ("[[annotation]]\nid = 'a'\nstart = 0\nend = 2\nquote = 'x'\ncategories = 1", "categories"),
    ("[[annotation]]\nid = 'a'\nstart = 0\nend = 2\nquote = 'x'\nattributes = 1", "attributes must be a table"),
    ("[[annotation]]\nid = 'a'\nstart = 0\nend = 2\nquote = 'x'\ncreated = 5", "created"),
    ("[[annotation]]\nid = 'a'\nstart = 0\nend = 2\nquote = 'x'\ncreated = 2026-01-01", "created"),
    ("[[annotation]]\nid = 'a'\nstart = 0\nend = 2\nquote = 'x'\nupdated = 'yesterday'", "updated"),
    ("[[annotation]]\nid = 'a'\nstart = 0\nend = 1\nquote = 'x'\n[[annotation]]\nid = 'a'\nstart = 3\nend = 4\n"
     "quote = 'y'", "already used"),
]


@pytest.mark.parametrize("body, needle", VIOLATIONS)
def test_schema_violations(body: str, needle: str) -> None:
    with pytest.raises(StoreError) as err:
        parse_annotation_file(body + "\n", P)
    message = str(err.value)
    assert needle in message, message
    assert message.startswith(str(P)) and "\n" not in message


def make_store(tmp_path: Path) -> tuple[AnnotationStore, Path]:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text("We collect your name. We keep it for a year.", encoding="utf-8")
    (docs / "bad.txt").write_text("Another policy text here.", encoding="utf-8")
    store = AnnotationStore.open(tmp_path / "set")
    good = load_document(docs / "good.txt")
    store.save(AnnotationFile("good", "good.txt", good.sha256,
                              [Annotation.create(good.text, 0, 21, ["first-party-collection"], now=NOW)]))
    return store, docs


@pytest.mark.parametrize("content", [
    b'schema = 1\n[[annotation]\nid = "x"\n',                      # malformed TOML
    b'schema = 1\n[[annotation]]\nid = "x"\nstart = -4\nend = 2\nquote = ""\n',  # schema violation
    b'\x00\x01binary',                                              # binary
    b'quote = "\xff"\n',                                             # not UTF-8
])
def test_bad_file_is_reported_left_untouched_and_others_load(tmp_path: Path, content: bytes) -> None:
    store, docs = make_store(tmp_path)
    bad_path = store.root / "bad.toml"
    bad_path.write_bytes(content)
    before = bad_path.stat().st_mtime_ns
    with pytest.raises(StoreError) as err:
        store.load("bad")
    assert str(bad_path) in str(err.value) and "\n" not in str(err.value)
    bad = load_annotated(store, load_document(docs / "bad.txt"))
    good = load_annotated(store, load_document(docs / "good.txt"))
    assert bad.error is not None and bad.file is None
    assert good.error is None and len(good.resolutions) == 1
    # reopening the store does not touch it either
    AnnotationStore.open(store.root)
    assert bad_path.read_bytes() == content and bad_path.stat().st_mtime_ns == before


def test_malformed_set_toml(tmp_path: Path) -> None:
    """A bad set.toml is named in a warning, never rewritten, and the set still opens; a newer
    schema is refused whole."""
    for text, needle in (("schema = [\nname = 1\n", r"set.toml: malformed TOML.*line"),
                         ("schema = 1\nname = 3\n", "name and annotator")):
        (tmp_path / "set.toml").write_text(text, encoding="utf-8")
        store = AnnotationStore.open(tmp_path)
        assert store.meta_error and re.search(needle, store.meta_error)
        assert (tmp_path / "set.toml").read_text(encoding="utf-8") == text
    (tmp_path / "set.toml").write_text("schema = 99\n", encoding="utf-8")
    with pytest.raises(StoreError, match="unsupported schema"):
        AnnotationStore.open(tmp_path)


# -- the set folder -------------------------------------------------------------------------------


def test_open_creates_set_toml(tmp_path: Path) -> None:
    store = AnnotationStore.open(tmp_path / "new", annotator="alice")
    data = tomllib.loads((tmp_path / "new" / "set.toml").read_text(encoding="utf-8"))
    assert data["schema"] == 1 and data["name"] == "new" and data["annotator"] == "alice"
    assert isinstance(data["created"], datetime)
    assert store.meta.annotator == "alice" and store.document_ids() == []


def test_open_missing_without_create(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such annotation set"):
        AnnotationStore.open(tmp_path / "missing", create=False)
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(StoreError, match="is a file"):
        AnnotationStore.open(tmp_path / "file")


def test_reserved_and_unsafe_ids(tmp_path: Path) -> None:
    store = AnnotationStore.open(tmp_path)
    for bad in ("set", "taxonomy", ".hidden", "a/b", "a\\b"):
        with pytest.raises(StoreError):
            store.path_for(bad)
    assert store.path_for("amazon.com") == tmp_path / "amazon.com.toml"


def test_save_load_and_changed_on_disk(tmp_path: Path) -> None:
    store = AnnotationStore.open(tmp_path)
    assert store.load("d") is None
    text = "Some policy text with a clause."
    af = AnnotationFile("d", "d.txt", "", [Annotation.create(text, 5, 11, ["other"], "note \"q\"", now=NOW)])
    path = store.save(af)
    assert path == tmp_path / "d.toml"
    assert not store.changed_on_disk("d")   # the stamp kept from the write is the file's own
    assert store.stamps["d"] == FileStamp.of(path)
    same_size = path.read_text(encoding="utf-8").replace("note", "nota")
    os.replace(_written(tmp_path / "other.tmp", same_size), path)   # within the same clock tick, perhaps
    assert store.changed_on_disk("d")
    store.save(af)
    loaded = store.load("d")
    assert loaded.annotations == af.annotations
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited elsewhere\n", encoding="utf-8")
    assert store.changed_on_disk("d")
    assert store.document_ids() == ["d"]


def test_file_naming_another_document_is_warned(tmp_path: Path) -> None:
    store = AnnotationStore.open(tmp_path)
    (tmp_path / "a.toml").write_text('schema = 1\ndocument = "b"\n', encoding="utf-8")
    af = store.load("a")
    assert any("names document 'b'" in w for w in af.warnings)


def test_empty_file_is_kept_empty(tmp_path: Path) -> None:
    store = AnnotationStore.open(tmp_path)
    store.save(AnnotationFile("d", "d.txt", "abc"))
    af = store.load("d")
    assert af is not None and af.annotations == [] and af.sha256 == "abc"


def test_unknown_category_kept_and_warned(tmp_path: Path) -> None:
    store = AnnotationStore.open(tmp_path)
    doc = Document("d", tmp_path / "d.txt", "We sell data to brokers.")
    ann = Annotation.create(doc.text, 0, 24, ["made-up", "third-party-sharing"], now=NOW)
    store.save(AnnotationFile("d", "d.txt", doc.sha256, [ann]))
    ad = load_annotated(store, doc)
    assert ad.annotations == [ann]
    assert any("made-up" in w and "unknown" in w for w in ad.warnings)
    store.save(AnnotationFile("d", "d.txt", doc.sha256, ad.annotations))
    assert store.load("d").annotations[0].categories == ("made-up", "third-party-sharing")


def test_loading_never_rewrites(tmp_path: Path) -> None:
    store = AnnotationStore.open(tmp_path)
    original = "Intro. We keep data for 30 days. Outro."
    ann = Annotation.create(original, 7, 32, ["data-retention"], now=NOW)
    path = store.save(AnnotationFile("d", "d.txt", Document("d", Path("d.txt"), original).sha256, [ann]))
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    changed = Document("d", Path("d.txt"), "New intro added here. " + original)
    ad = load_annotated(store, changed)
    assert ad.resolutions[0].status == "moved"
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


# -- atomic writes ------------------------------------------------------------------------------


def _fail(exc: OSError):
    def raiser(*args, **kwargs):
        raise exc
    return raiser


@pytest.mark.parametrize("target, exc", [
    ("replace", OSError(errno.ENOSPC, "No space left on device")),
    ("fsync", OSError(errno.EIO, "Input/output error")),
    ("fdopen", OSError(errno.ENOSPC, "No space left on device")),
])
def test_failed_write_leaves_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           target: str, exc: OSError) -> None:
    store = AnnotationStore.open(tmp_path)
    text = "x" * 50
    path = store.save(AnnotationFile("d", "d.txt", "", [Annotation.create(text, 0, 5, ["other"], now=NOW)]))
    before = path.read_bytes()
    monkeypatch.setattr(atomic.os, target, _fail(exc))
    with pytest.raises(StoreError) as err:
        store.save(AnnotationFile("d", "d.txt", "", [Annotation.create(text, 0, 9, ["other"], now=NOW)]))
    monkeypatch.undo()
    message = str(err.value)
    assert str(path) in message and exc.strerror in message and "unchanged" in message
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.toml", "set.toml"]  # no temporary left


def test_failed_temp_creation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = AnnotationStore.open(tmp_path)
    path = store.save(AnnotationFile("d", "d.txt", "", []))
    before = path.read_bytes()
    monkeypatch.setattr(atomic.tempfile, "mkstemp", _fail(PermissionError(errno.EACCES, "Permission denied")))
    with pytest.raises(StoreError, match="Permission denied"):
        store.save(AnnotationFile("d", "d.txt", "new", []))
    assert path.read_bytes() == before


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_read_only_folder(tmp_path: Path) -> None:
    store = AnnotationStore.open(tmp_path / "set")
    path = store.save(AnnotationFile("d", "d.txt", "", []))
    before = path.read_bytes()
    os.chmod(store.root, 0o555)
    try:
        with pytest.raises(StoreError, match="d.toml"):
            store.save(AnnotationFile("d", "d.txt", "changed", []))
    finally:
        os.chmod(store.root, 0o755)
    assert path.read_bytes() == before


def test_atomic_write_replaces_and_cleans(tmp_path: Path) -> None:
    target = tmp_path / "f.toml"
    target.write_text("old", encoding="utf-8")
    atomic.atomic_write(target, "new \u00e9")
    assert target.read_text(encoding="utf-8") == "new \u00e9"
    atomic.atomic_write(target, b"bytes")
    assert target.read_bytes() == b"bytes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.toml"]


def test_streamed_atomic_write_failing_midway_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "big.bin"
    target.write_bytes(b"old and whole")

    def write(handle) -> None:
        handle.write(b"half of the new")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        atomic.atomic_write_with(target, write)
    assert target.read_bytes() == b"old and whole"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.bin"]
    atomic.atomic_write_with(target, lambda handle: handle.write(b"new"))
    assert target.read_bytes() == b"new"


def test_stray_temporaries_removed_on_open(tmp_path: Path) -> None:
    stray = tmp_path / f"{atomic.TEMP_PREFIX}abc.part"
    stray.write_text("half a file", encoding="utf-8")
    store = AnnotationStore.open(tmp_path)
    assert not stray.exists()
    assert any("temporary" in w for w in store.warnings)
    assert atomic.clean_temporaries(tmp_path / "missing") == []


def test_atomic_write_calls_fsync_and_replace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(atomic.os, "replace", lambda a, b: (calls.append("replace"), real_replace(a, b))[1])
    atomic.atomic_write(tmp_path / "x", "data")
    assert calls == ["fsync", "replace", "fsync"]  # file, then rename, then the folder


def test_windows_line_endings_and_bom_load(tmp_path: Path) -> None:
    store = AnnotationStore.open(tmp_path)
    text = 'schema = 1\r\ndocument = "d"\r\n\r\n[[annotation]]\r\nid = "w"\r\nstart = 0\r\nend = 2\r\nquote = "hi"\r\n'
    (tmp_path / "d.toml").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    af = store.load("d")
    assert af.annotations[0].quote == "hi" and af.warnings == []


_FIELD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 50), st.text(max_size=6), st.lists(st.text(max_size=3), max_size=3),
    st.lists(st.integers(0, 3), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.datetimes(timezones=st.sampled_from([None, timezone.utc, timezone(timedelta(hours=2))])),
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["id", "start", "end", "quote", "prefix", "suffix", "categories", "note",
                                        "created", "updated", "attributes", "provenance", "colour"]),
                       _FIELD_VALUES, max_size=3),
       st.sets(st.sampled_from(["prefix", "suffix", "categories", "note", "created", "updated", "attributes"])))
def test_the_quick_path_for_plain_annotations_agrees_with_the_checks(changes: dict, dropped: set) -> None:
    """Parsing takes a short cut for tables that are plainly valid; every table it takes gives
    what the field-by-field checks give, and every other table still goes through the checks."""
    from reviewer.store import _checked_annotation, _plain_annotation, parse_annotation

    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    raw = {"id": "a1", "start": 3, "end": 9, "quote": "cookie", "prefix": "p", "suffix": "s",
           "categories": ["x", "y", "x"], "note": "n", "created": now, "updated": now, "attributes": {"k": 1}}
    raw = {k: v for k, v in raw.items() if k not in dropped} | changes
    path = Path("d.toml")
    quick = _plain_annotation(raw)
    try:
        checked = _checked_annotation(raw, path, "annotation #1")
    except StoreError:
        assert quick is None
        return
    assert quick is None or quick == checked
    assert parse_annotation(raw, path, "annotation #1") == checked


def _written(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
