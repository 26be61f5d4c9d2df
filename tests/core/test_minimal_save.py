"""A save changes only the lines of the annotations that changed, whoever wrote the file.

The file is written the way another TOML writer might (other date-time style, literal strings,
shuffled keys, comments, indentation, blank lines); after any sequence of edits the file parses
to exactly the intended state, every untouched annotation keeps its bytes, and every line that
went away belonged to an annotation that changed (or to the header line that had to change).
"""

from __future__ import annotations

import random
import shutil
import subprocess
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.inputs import load_documents
from reviewer.store import (Annotation, AnnotationFile, AnnotationStore, cut_annotation_file, parse_annotation_file)
from tests.faults.support import POLICY_A, new_session, write_docs

TEXT = POLICY_A
BASE = datetime(2026, 11, 22, tzinfo=timezone.utc)


def basic(s: str) -> str:
    out = s.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(f"\\u{ord(c):04x}" if ord(c) < 0x20 or ord(c) == 0x7F else c for c in out) + '"'


def string(s: str, rng: random.Random) -> str:
    if rng.random() < 0.5 and "'" not in s and all(0x20 <= ord(c) != 0x7F for c in s):
        return f"'{s}'"
    return basic(s)


def when(dt: datetime, rng: random.Random) -> str:
    style = rng.randrange(4)
    if style == 0:
        return dt.strftime("%Y-%m-%d %H:%M:%S+00:00")
    if style == 1:
        return '"' + dt.strftime("%Y-%m-%dT%H:%M:%SZ") + '"'
    if style == 2:
        return (dt - timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M:%S-07:00")
    return dt.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def foreign_block(ann: Annotation, rng: random.Random) -> str:
    """One [[annotation]] as another writer would lay it out."""
    cats = ann.categories
    fields = [("id", string(ann.id, rng)), ("start", str(ann.start)), ("end", str(ann.end)),
              ("quote", string(ann.quote, rng)), ("prefix", string(ann.prefix, rng)),
              ("suffix", string(ann.suffix, rng)),
              ("categories", string(cats[0], rng) if len(cats) == 1 and rng.random() < 0.3
               else "[" + ", ".join(string(c, rng) for c in cats) + "]"),
              ("note", string(ann.note, rng)), ("created", when(ann.created, rng)), ("updated", when(ann.updated, rng))]
    rng.shuffle(fields)
    indent = rng.choice(["", "  ", "\t"])
    lines = [rng.choice(["# reviewed by hand\n", "", ""]) + rng.choice(["[[annotation]]", "[[ annotation ]]"]) + "\n"]
    for key, value in fields:
        lines.append(f"{indent}{key} = {value}{rng.choice(['', '', '  # ok'])}\n")
    if ann.attributes:
        lines.append("[annotation.attributes]\n" + "".join(f"{k} = {v}\n" for k, v in ann.attributes.items()))
    return "".join(lines)


def foreign_file(doc_id: str, sha: str, anns: list[Annotation], rng: random.Random) -> tuple[str, dict[str, str]]:
    head = ["schema = 1\n", f"document = {string(doc_id, rng)}\n", f"sha256 = {string(sha, rng)}\n",
            f"source = {string(doc_id + '.txt', rng)}\n"]
    rng.shuffle(head)
    text = "# written by another tool\n" + "".join(head)
    blocks = {}
    for ann in anns:
        block = foreign_block(ann, rng)
        blocks[ann.id] = block
        text += "\n" * rng.randrange(0, 3) + block
    return text, blocks


def make(i: int, start: int, length: int, cats: list[str], note: str = "", attrs: dict | None = None) -> Annotation:
    start = min(start, len(TEXT) - 1)
    end = min(len(TEXT), start + length)
    ann = Annotation.create(TEXT, start, end, cats, note, id=f"n{i:03d}", now=BASE + timedelta(minutes=i))
    return replace(ann, attributes=attrs or {})


notes = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)
annotation_args = st.tuples(st.integers(0, 2000), st.integers(1, 60), st.lists(st.sampled_from(["other", "data-retention", "a b"]), min_size=1, max_size=2, unique=True),
                            notes, st.dictionaries(st.sampled_from(["level", "ok"]), st.integers(0, 9), max_size=1))
edits = st.lists(st.one_of(
    st.tuples(st.just("add"), annotation_args),
    st.tuples(st.just("note"), st.integers(0, 50), notes),
    st.tuples(st.just("move"), st.integers(0, 50), st.integers(0, 2000)),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("sha"), st.text("0123456789abcdef", min_size=4, max_size=8)),
), min_size=1, max_size=8)


def body_lines(block: str) -> set[str]:
    return set(block.splitlines(keepends=True))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(annotation_args, max_size=6), edits, st.integers(0, 2**32))
def test_any_edits_change_only_the_lines_of_the_changed_annotations(tmp_path_factory, initial, steps, seed) -> None:
    rng = random.Random(seed)
    root = tmp_path_factory.mktemp("set")
    store = AnnotationStore.open(root)
    anns = {}
    for i, (s, n, cats, note, attrs) in enumerate(initial):
        a = make(i, s, n, cats, note, attrs)
        anns[a.id] = a
    sha = "abc"
    text, blocks = foreign_file("alpha", sha, list(anns.values()), rng)
    path = root / "alpha.toml"
    path.write_text(text, encoding="utf-8")
    assert {a.id: a for a in parse_annotation_file(text, path).annotations} == anns
    counter = 100
    order_before = sorted(anns, key=lambda i: text.index(blocks[i]))
    for step in steps:
        before = path.read_text(encoding="utf-8")
        old_state = dict(anns)
        changed: set[str] = set()
        kind = step[0]
        ids = sorted(anns)
        if kind == "add":
            counter += 1
            s, n, cats, note, attrs = step[1]
            a = make(counter, s, n, cats, note, attrs)
            anns[a.id] = a
            changed.add(a.id)
        elif kind == "sha":
            sha = step[1]
        elif not ids:
            continue
        else:
            target = ids[step[1] % len(ids)]
            changed.add(target)
            if kind == "note":
                anns[target] = anns[target].edited(note=step[2])
            elif kind == "move":
                s = min(step[2], len(TEXT) - 1)
                anns[target] = anns[target].moved_to(TEXT, s, min(len(TEXT), s + 5))
            else:
                del anns[target]
        changed = {i for i in changed if old_state.get(i) != anns.get(i)}
        store.save(AnnotationFile("alpha", "alpha.txt", sha, list(anns.values())))
        after = path.read_text(encoding="utf-8")
        parsed = parse_annotation_file(after, path)
        assert {a.id: a for a in parsed.annotations} == anns
        assert (parsed.document, parsed.sha256) == ("alpha", sha)
        for ident in anns:
            if ident not in changed:
                assert blocks[ident] in after, f"untouched annotation {ident} was rewritten"
        allowed_gone = {line for i in changed if i in blocks for line in body_lines(blocks[i])}
        layout = cut_annotation_file(after, path)
        assert layout is not None
        written = {p.key: p.body for p in layout.pieces if p.kind == "record"}
        for i in changed:
            if i in anns:
                blocks[i] = written[i]
        allowed_new = {line for i in changed if i in anns for line in body_lines(blocks[i])}
        gone = Counter(before.splitlines(keepends=True)) - Counter(after.splitlines(keepends=True))
        came = Counter(after.splitlines(keepends=True)) - Counter(before.splitlines(keepends=True))
        for line in gone:
            assert (line in allowed_gone or not line.strip() or line.lstrip().startswith("#")
                    or line.startswith("sha256") or line.startswith("annotation = []")), f"line removed: {line!r}"
        for line in came:
            assert (line in allowed_new or not line.strip() or line.startswith("sha256")
                    or line.startswith("annotation = []")), f"line added: {line!r}"
        kept_order = [i for i in order_before if i in anns and i not in changed]
        positions = [after.index(blocks[i]) for i in kept_order]
        assert positions == sorted(positions), "untouched annotations keep their order"
        order_before = sorted(anns, key=lambda i: after.find(blocks[i]))


def test_a_file_in_another_writers_style_keeps_every_untouched_byte(tmp_path: Path) -> None:
    """The concrete case: +00:00 date-times with a space, literal strings, keys in another order."""
    docs = write_docs(tmp_path / "docs", {"alpha": POLICY_A})
    set_dir = tmp_path / "set"
    s = new_session(set_dir, docs)
    doc = s.document("alpha")
    c1, c3 = doc.clauses[1], doc.clauses[3]
    text = ("schema = 1\ndocument = 'alpha'\nsource = 'alpha.txt'\n"
            f"sha256 = '{doc.sha256}'\n\n"
            "[[annotation]]\nid = 'first'\ncategories = ['other']\n"
            f"start = {c1.start}\nend = {c1.end}\nquote = {basic(doc.text[c1.start:c1.end])}\n"
            "created = 2026-11-22 00:00:00+00:00\nupdated = 2026-11-22 00:00:00+00:00\n")
    (set_dir / "alpha.toml").write_text(text, encoding="utf-8")
    s = new_session(set_dir, docs)
    out = s.toggle_category("alpha", c3.start, c3.end, "data-retention")
    assert out.saved
    after = (set_dir / "alpha.toml").read_text(encoding="utf-8")
    assert after.startswith(text), "the existing lines must stay byte for byte"
    assert len(parse_annotation_file(after, set_dir / "alpha.toml").annotations) == 2


pytestmark_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c",
                           "init.defaultBranch=main", *args], cwd=repo, capture_output=True, text=True, check=check)


@pytestmark_git
def test_two_analysts_each_add_one_annotation_to_a_foreign_file_and_git_merges_cleanly(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    docs = write_docs(repo / "docs", {"alpha": POLICY_A})
    doc = docs[0] if isinstance(docs, list) else next(iter(docs))
    s = new_session(repo / "set", docs)
    doc = s.document("alpha")
    rng = random.Random(7)
    base = [make(i, doc.clauses[i].start, doc.clauses[i].end - doc.clauses[i].start, ["other"]) for i in (0, 2, 4, 6)]
    base = [replace(a, quote=doc.text[a.start:a.end]) for a in base]
    text, _ = foreign_file("alpha", doc.sha256, base, rng)
    (repo / "set" / "alpha.toml").write_text(text, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base, written by another tool")

    def add(clause: int) -> str:
        docs2, _ = load_documents([repo / "docs"])
        session = new_session(repo / "set", docs2)
        c = session.document("alpha").clauses[clause]
        out = session.toggle_category("alpha", c.start, c.end, "data-retention")
        assert out.saved
        return out.annotation

    git(repo, "checkout", "-qb", "ana")
    ana = add(1)
    git(repo, "commit", "-qam", "ana")
    git(repo, "checkout", "-q", "main")
    ben = add(5)
    git(repo, "commit", "-qam", "ben")
    merged = git(repo, "merge", "-q", "--no-edit", "ana", check=False)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    final = parse_annotation_file((repo / "set" / "alpha.toml").read_text(), repo / "set" / "alpha.toml")
    assert {a.id for a in final.annotations} == {a.id for a in base} | {ana, ben}


@pytest.mark.parametrize("body", [
    # a header line inside a multi-line string: the cut would be wrong, so the file is written whole
    "[[annotation]]\nid = 'a'\nstart = 0\nend = 5\nquote = 'hello'\nnote = '''\n[[annotation]]\nid = 'fake'\n'''\n",
    # records written as one inline array
    "annotation = [{ id = 'a', start = 0, end = 5, quote = 'hello' }]\n",
    # CRLF line ends and a byte order mark are kept
    "\ufeff[[annotation]]\r\nid = 'a'\r\nstart = 0\r\nend = 5\r\nquote = 'hello'\r\n",
])
def test_files_that_cannot_be_cut_safely_are_written_whole_and_correctly(tmp_path: Path, body: str) -> None:
    store = AnnotationStore.open(tmp_path)
    path = tmp_path / "alpha.toml"
    path.write_text(body, encoding="utf-8", newline="")
    first = parse_annotation_file(path.read_text(encoding="utf-8-sig"), path).annotations[0]
    added = Annotation.create("hello world", 6, 11, ["other"], id="b")
    store.save(AnnotationFile("alpha", "alpha.txt", "", [first, added]))
    data = path.read_bytes()
    after = parse_annotation_file(data.decode("utf-8-sig"), path)
    assert {a.id: a for a in after.annotations} == {"a": first, "b": added}
    if "\r\n" in body:
        assert data.startswith("\ufeff".encode()) and body[1:].encode() in data     # the block kept, byte for byte
        assert b"\n" not in data.replace(b"\r\n", b"")                             # new lines end the same way


def test_a_file_with_a_byte_order_mark_renders_text_that_parses_and_keeps_the_mark(tmp_path: Path) -> None:
    """An editor's BOM is kept by the splice; the text the store renders (which the importer and
    the adjudicator parse back before writing) must still read as the same file."""
    store = AnnotationStore.open(tmp_path)
    path = tmp_path / "alpha.toml"
    path.write_text("\ufeffschema = 1\ndocument = 'alpha'\n\n[[annotation]]\nid = 'a'\nstart = 0\nend = 5\n"
                    "quote = 'hello'\n", encoding="utf-8")
    first = parse_annotation_file(path.read_text(encoding="utf-8-sig"), path).annotations[0]
    added = Annotation.create("hello world", 6, 11, ["other"], id="b")
    rendered = store.render(AnnotationFile("alpha", "alpha.txt", "", [first, added]))
    assert rendered.startswith("\ufeffschema = 1\ndocument = 'alpha'\n")
    assert [a.id for a in parse_annotation_file(rendered, path).annotations] == ["a", "b"]


HAND_WRITTEN = """schema = 1
document = 'alpha'

# reviewed 2026-11
[[annotation]]
id = 'a'
start = 0   # the heading
end = 5
quote = 'hello'
# agreed with legal
categories = ['other']
note = ''   # TODO ask legal
updated = 2026-11-22 00:00:00+00:00

# second pass
[[annotation]]
id = 'b'
start = 6
end = 11
quote = 'world'
categories = ['other']
"""


def _hand_written(tmp_path: Path) -> tuple[AnnotationStore, Path, dict[str, Annotation]]:
    store = AnnotationStore.open(tmp_path)
    path = tmp_path / "alpha.toml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    anns = {a.id: a for a in parse_annotation_file(HAND_WRITTEN, path).annotations}
    return store, path, anns


def test_a_changed_annotation_changes_only_its_changed_lines(tmp_path: Path) -> None:
    """A note edited: the note and updated lines change; the person's comments and every other
    line of the block stay as they were."""
    store, path, anns = _hand_written(tmp_path)
    store.save(AnnotationFile("alpha", "", "", [anns["a"].edited(note="checked"), anns["b"]]))
    after = path.read_text(encoding="utf-8")
    gone = Counter(HAND_WRITTEN.splitlines()) - Counter(after.splitlines())
    came = Counter(after.splitlines()) - Counter(HAND_WRITTEN.splitlines())
    assert set(gone) == {"note = ''   # TODO ask legal", "updated = 2026-11-22 00:00:00+00:00"}
    assert set(came) == {'note = "checked"   # TODO ask legal'} | {line for line in came if line.startswith("updated = ")}
    assert len(came) == 2
    assert {a.id: a.note for a in parse_annotation_file(after, path).annotations} == {"a": "checked", "b": ""}


def test_a_moved_annotation_keeps_its_comments(tmp_path: Path) -> None:
    """Carried to a new version, every annotation's offsets change; the comments above and inside
    each block travel with it."""
    store, path, anns = _hand_written(tmp_path)
    text = "intro hello world"
    moved = [anns["a"].moved_to(text, 6, 11), anns["b"].moved_to(text, 12, 17)]
    store.save(AnnotationFile("alpha", "", "", moved))
    after = path.read_text(encoding="utf-8")
    for comment in ("# reviewed 2026-11", "# agreed with legal", "note = ''   # TODO ask legal", "# second pass"):
        assert comment in after, comment
    assert after.index("# reviewed 2026-11") < after.index("id = 'a'") < after.index("# second pass") \
        < after.index("id = 'b'")
    assert [(a.id, a.start) for a in parse_annotation_file(after, path).annotations] == [("a", 6), ("b", 12)]


def test_a_block_with_a_sub_table_is_rewritten_whole_and_right(tmp_path: Path) -> None:
    store = AnnotationStore.open(tmp_path)
    path = tmp_path / "alpha.toml"
    text = ("schema = 1\n\n[[annotation]]\nid = 'a'\nstart = 0\nend = 5\nquote = 'hello'\n"
            "# a comment\n[annotation.attributes]\nreviewed = true\n")
    path.write_text(text, encoding="utf-8")
    (first,) = parse_annotation_file(text, path).annotations
    store.save(AnnotationFile("alpha", "", "", [first.edited(note="n")]))
    (after,) = parse_annotation_file(path.read_text(encoding="utf-8"), path).annotations
    assert after.note == "n" and after.attributes == {"reviewed": True}


def test_a_nan_in_a_file_does_not_make_every_save_rewrite_it(tmp_path: Path) -> None:
    """nan != nan: a block holding one never equalled itself, so any save wrote the whole file in
    this tool's layout and every comment went."""
    store, path, anns = _hand_written(tmp_path)
    text = HAND_WRITTEN.replace("categories = ['other']\n", "categories = ['other']\nmodel_score = nan   # kept\n", 1)
    path.write_text(text, encoding="utf-8")
    anns = {a.id: a for a in parse_annotation_file(text, path).annotations}
    store.save(AnnotationFile("alpha", "", "", [anns["a"], anns["b"].edited(note="checked")]))
    after = path.read_text(encoding="utf-8")
    assert after.startswith(text[:text.index("# second pass")])    # the first block, byte for byte
    assert "model_score = nan   # kept" in after and "# second pass" in after


def test_a_change_of_type_or_offset_in_a_kept_line_is_written(tmp_path: Path) -> None:
    """1 == True == 1.0 and two offsets of one instant are equal to ==; the file must still change
    when the value's type or offset does."""
    from datetime import datetime, timedelta, timezone

    store, path, anns = _hand_written(tmp_path)
    text = HAND_WRITTEN.replace("categories = ['other']\n", "categories = ['other']\nflag = 1\n"
                                "seen = 2026-01-01T10:00:00+02:00\n", 1)
    path.write_text(text, encoding="utf-8")
    a = {x.id: x for x in parse_annotation_file(text, path).annotations}["a"]
    utc = datetime(2026, 1, 1, 8, 0, tzinfo=timezone.utc)
    assert a.extra["seen"] == utc and a.extra["seen"].utcoffset() == timedelta(hours=2)
    store.save(AnnotationFile("alpha", "", "", [a.edited(note="x", extra={"flag": True, "seen": utc}), anns["b"]]))
    (back,) = [x for x in parse_annotation_file(path.read_text(encoding="utf-8"), path).annotations if x.id == "a"]
    assert back.extra["flag"] is True and back.extra["seen"].utcoffset() == timedelta(0)


def test_a_key_added_to_a_block_goes_where_a_whole_rewrite_puts_it(tmp_path: Path) -> None:
    """An annotation without ``updated`` gains one when edited: in a file this tool wrote the save
    is still the very bytes of a whole rewrite (``updated`` before the unknown keys)."""
    from reviewer.store import dump_annotation_file

    store = AnnotationStore.open(tmp_path)
    bare = replace(Annotation.create("hello world", 0, 5, ["other"], id="a"), created=None, updated=None,
                   extra={"x": 1})
    store.save(AnnotationFile("alpha", "alpha.txt", "", [bare]))
    edited = AnnotationFile("alpha", "alpha.txt", "", [bare.edited(note="n")])
    store.save(edited)
    assert (tmp_path / "alpha.toml").read_text(encoding="utf-8") == dump_annotation_file(edited)


def test_editing_an_annotation_that_holds_a_nan_changes_only_its_lines(tmp_path: Path) -> None:
    """The renderer checks its block reads back as the annotation: with ==, a nan never did, and
    the save fell back to rewriting the whole file in this tool's layout."""
    store, path, anns = _hand_written(tmp_path)
    text = HAND_WRITTEN.replace("categories = ['other']\n", "categories = ['other']\nscore = nan\n", 1)
    path.write_text(text, encoding="utf-8")
    a = {x.id: x for x in parse_annotation_file(text, path).annotations}
    store.save(AnnotationFile("alpha", "", "", [a["a"].edited(note="edited"), a["b"]]))
    after = path.read_text(encoding="utf-8")
    gone = Counter(text.splitlines()) - Counter(after.splitlines())
    assert set(gone) == {"note = ''   # TODO ask legal", "updated = 2026-11-22 00:00:00+00:00"}


def test_inline_tables_dotted_keys_and_offset_date_times_stay_when_another_field_changes(tmp_path: Path) -> None:
    """Only a table that changes forces its block whole; the renderer's own spelling (sub-tables,
    date-times in UTC) never replaces a person's unchanged line."""
    store = AnnotationStore.open(tmp_path)
    path = tmp_path / "alpha.toml"
    text = ("schema = 1\n\n[[annotation]]\nid = 'a'\nstart = 0\nend = 5\nquote = 'hello'\n"
            "meta = { source = \"x\", n = 1 }  # inline table\na.b = true\n"
            "created = 2026-11-21T13:00:00+01:00\nnote = ''  # keep\n")
    path.write_text(text, encoding="utf-8")
    (a,) = parse_annotation_file(text, path).annotations
    store.save(AnnotationFile("alpha", "", "", [replace(a, categories=("other",), note="y")]))
    after = path.read_text(encoding="utf-8")
    for line in ('meta = { source = "x", n = 1 }  # inline table', "a.b = true",
                 "created = 2026-11-21T13:00:00+01:00", 'note = "y"  # keep'):
        assert line + "\n" in after, line
    (back,) = parse_annotation_file(after, path).annotations
    assert back.categories == ("other",) and back.note == "y" and back.extra == a.extra
