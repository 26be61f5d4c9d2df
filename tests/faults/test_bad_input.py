"""Bad input, refused or shown safely, in the app and in ``reviewer check``: hostile annotation
files and taxonomies, huge and odd documents, right-to-left text, escape sequences reaching a real
terminal. Never a traceback, never a hang (each app run is time-bounded), never a changed file.

What tests/core and tests/tui already prove is listed in docs/reliability.md and not repeated here
(NUL/binary/UTF-16/invalid UTF-8 decoding, markup and escapes drawn literally, grapheme steps over
combining marks and emoji, dialogs at 20x6 and back)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.apps import app_over, notifications
from reviewer.inputs import load_documents
from reviewer.store import AnnotationStore
from reviewer.tui.app import ReviewerApp
from reviewer.tui.widgets.pane_frame import PaneFrame
from reviewer.tui.widgets.policy_pane import PolicyPane
from tests.tui.conftest import drive

REVIEWER = Path(sys.executable).parent / "reviewer"
DOC = "picker-top"
ONE = '[[annotation]]\nid = "a1"\nstart = {start}\nend = {end}\nquote = {quote}\n'


def _ann(start: object = 0, end: object = 14, quote: str = '"Privacy Policy"', ident: str = "a1") -> str:
    return ONE.format(start=start, end=end, quote=quote).replace('"a1"', f'"{ident}"')


HEADER = 'schema = 1\ndocument = "picker-top"\n'
UNIQUE = "Effective Date: January 1, 2025"  # once in the policy
HOSTILE = {
    "not-toml": HEADER + "[[annotation]\n",
    "wrong-type-start": HEADER + _ann(start='"0"'),
    "wrong-type-categories": HEADER + _ann() + "categories = 3\n",
    "wrong-type-annotation": HEADER + "annotation = 5\n",
    "negative-offset": HEADER + _ann(start=-5),
    "end-before-start": HEADER + _ann(start=20, end=3),
    "duplicate-ids": HEADER + _ann() + _ann(start=20, end=30, quote='"x"'),
    "duplicate-keys": HEADER + 'schema = 1\n',
    "nested-tables": HEADER + "[" + ".".join(["t"] * 5000) + "]\nx = 1\n",
    "nested-inline": HEADER + "x = " + "{a = " * 5000 + "1" + "}" * 5000 + "\n",
    "nested-arrays": HEADER + "x = " + "[" * 20000 + "]" * 20000 + "\n",
    "integer-of-5000-digits": HEADER + _ann() + "extra = " + "7" * 5000 + "\n",  # int() itself refuses it
    # the same in the head of a file in the tool's own layout (its fast reader): it raised ValueError
    "schema-of-5000-digits": "schema = " + "7" * 5000 + '\ndocument = "picker-top"\nsource = ""\nsha256 = ""\n' + _ann(),
    "not-utf8": HEADER + 'note = "\xff"\n',
    "binary": "\x00\x01\x02 binary \x00",
    "year-1-with-offset": HEADER + _ann() + "created = 0001-01-01T00:30:00+01:00\n",
    "year-9999-with-offset": HEADER + _ann() + "updated = 9999-12-31T23:30:00-01:00\n",
}
# Shown safely rather than refused: re-anchored by their quote, or kept as an orphan, never dropped.
REANCHORED = {
    "out-of-range": (HEADER + _ann(start=10_000_000, end=10_000_031, quote=f'"{UNIQUE}"'), "moved"),
    # a short quote found twice, with no context to choose by, is not guessed at
    "out-of-range-short-twice": (HEADER + _ann(start=10_000_000, end=10_000_014), "orphaned"),
    "out-of-range-and-no-quote": (HEADER + _ann(start=10_000_000, end=10_000_014, quote='"nowhere at all"'),
                                  "orphaned"),
    "quote-mismatch": (HEADER + _ann(quote='"words that are nowhere in the policy"'), "orphaned"),
}


def _docs(tmp_path: Path, seeds: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(seeds / f"{DOC}.txt", folder)
    return folder


def _write(path: Path, text: str) -> bytes:
    data = text.encode("latin-1") if "\xff" in text else text.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data


def _app(folder: Path, set_dir: Path) -> ReviewerApp:
    return app_over([folder], set_dir)


def _check(folder: Path, set_dir: Path) -> subprocess.CompletedProcess:
    if not REVIEWER.exists():
        pytest.skip(f"{REVIEWER} is not installed (pip install -e .)")
    return subprocess.run([str(REVIEWER), "check", str(folder), "--annotations", str(set_dir)],
                          capture_output=True, text=True, timeout=60)


def _timed(app: ReviewerApp, scenario, limit: float, size=(120, 40)) -> float:
    started = time.perf_counter()
    drive(app, scenario, size=size)
    took = time.perf_counter() - started
    assert took < limit, f"took {took:.1f} s (limit {limit} s)"
    return took


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_annotation_file_is_refused_naming_it_and_never_changed(tmp_path: Path, seeds: Path,
                                                                        name: str) -> None:
    folder = _docs(tmp_path, seeds)
    set_dir = tmp_path / "set"
    path = set_dir / f"{DOC}.toml"
    data = _write(path, HOSTILE[name])
    out = _check(folder, set_dir)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr + out.stdout
    refused = [line for line in out.stderr.splitlines() if str(path) in line]
    assert refused, out.stderr
    app = _app(folder, set_dir)

    async def scenario(pilot) -> None:
        frame = app.screen.query_one(PaneFrame)
        errors = notifications(app, severity="error")
        assert any(str(path) in e for e in errors), errors           # a clear message naming the file
        assert "unreadable" in str(frame.query_one("StatusLine").render())
        await pilot.press("j", "1", "t", "escape", "x", "u", "ctrl+s")   # every change is refused
        assert app.session.load_error(DOC)

    _timed(app, scenario, 30)
    assert path.read_bytes() == data
    assert sorted(p.name for p in set_dir.iterdir() if p.name != "set.toml") == [path.name]


@pytest.mark.parametrize("name", sorted(REANCHORED))
def test_offsets_out_of_range_or_a_wrong_quote_are_reanchored_or_orphaned_never_dropped(
        tmp_path: Path, seeds: Path, name: str) -> None:
    folder = _docs(tmp_path, seeds)
    set_dir = tmp_path / "set"
    path = set_dir / f"{DOC}.toml"
    text, status = REANCHORED[name]
    data = _write(path, text)
    out = _check(folder, set_dir)
    assert out.returncode == (1 if status == "orphaned" else 0)
    assert "Traceback" not in out.stderr + out.stdout
    app = _app(folder, set_dir)

    async def scenario(pilot) -> None:
        orphans = [a.id for a in app.session.orphans(DOC)]
        shown = str(app.screen.query_one(PaneFrame).query_one("StatusLine").render())
        if status == "orphaned":
            assert orphans == ["a1"] and "1 orphan" in shown
        else:
            (moved,) = app.session.annotations(DOC)     # to an occurrence of its quote
            assert orphans == [] and app.session.document(DOC).text[moved.start:moved.end] == UNIQUE
        assert path.read_bytes() == data                # opening never writes
        await pilot.press("j", "2")                     # editing the document writes it back, kept
        await pilot.pause()

    _timed(app, scenario, 30)
    kept = [a for a in AnnotationStore.open(set_dir).load(DOC).annotations if a.id == "a1"]
    assert len(kept) == 1 and kept[0].quote == (UNIQUE if status == "moved" else kept[0].quote)


def test_ten_thousand_annotations_open_edit_and_check_in_bounded_time(tmp_path: Path, seeds: Path) -> None:
    folder = _docs(tmp_path, seeds)
    set_dir = tmp_path / "set"
    text = (folder / f"{DOC}.txt").read_text(encoding="utf-8")
    doc = load_documents([folder])[0][0]
    blocks = []
    for i in range(10_000):
        c = doc.clauses[i % len(doc.clauses)]
        quote = text[c.start:c.end].replace("\\", "\\\\").replace('"', '\\"')
        blocks.append(f'[[annotation]]\nid = "n{i:05d}"\nstart = {c.start}\nend = {c.end}\nquote = "{quote}"\n'
                      f'categories = ["other"]\n')
    path = set_dir / f"{DOC}.toml"
    data = _write(path, HEADER + "\n".join(blocks))
    started = time.perf_counter()
    out = _check(folder, set_dir)
    assert out.returncode == 0, out.stderr
    assert time.perf_counter() - started < 30
    assert path.read_bytes() == data                    # checking never writes
    app = _app(folder, set_dir)

    async def scenario(pilot) -> None:
        pane = app.screen.query_one(PolicyPane)
        assert len(pane.annotations) == 10_000
        await pilot.press("j", "j", "G", "k", "x")      # delete one of the annotations under the cursor
        await pilot.pause()
        assert len(pane.annotations) == 9_999
        await pilot.press("u")
        await pilot.pause()
        assert len(pane.annotations) == 10_000

    _timed(app, scenario, 60)
    assert len(AnnotationStore.open(set_dir).load(DOC).annotations) == 10_000


TAXONOMIES = {
    "duplicate-keys": ('[[category]]\nslug = "a"\nkey = "1"\n[[category]]\nslug = "b"\nkey = "1"\n', "key '1'"),
    "duplicate-toml-key": ('[[category]]\nslug = "a"\nslug = "b"\n', "malformed TOML"),
    "duplicate-slug": ('[[category]]\nslug = "a"\n[[category]]\nslug = "a"\n', "defined twice"),
    "nested-arrays": ("x = " + "[" * 20000 + "]" * 20000 + "\n", "nested too deeply"),
    "integer-of-5000-digits": ("x = " + "7" * 5000 + "\n", "unreadable TOML value"),
}


@pytest.mark.parametrize("name", sorted(TAXONOMIES))
def test_a_bad_taxonomy_is_refused_by_the_app_and_check_naming_it(tmp_path: Path, seeds: Path, name: str) -> None:
    folder = _docs(tmp_path, seeds)
    set_dir = tmp_path / "set"
    text, needle = TAXONOMIES[name]
    path = set_dir / "taxonomy.toml"
    data = _write(path, text)
    out = _check(folder, set_dir)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert str(path) in out.stderr and needle in out.stderr
    app_run = subprocess.run([str(REVIEWER), str(folder), "--annotations", str(set_dir)], capture_output=True,
                             text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert app_run.returncode == 2 and "Traceback" not in app_run.stderr
    (line,) = app_run.stderr.strip().splitlines()                 # one line, naming the file
    assert str(path) in line and needle in line
    assert path.read_bytes() == data


def test_unknown_taxonomy_fields_are_warned_in_the_app_and_in_check(tmp_path: Path, seeds: Path) -> None:
    from reviewer.tui.launch import prepare

    folder = _docs(tmp_path, seeds)
    set_dir = tmp_path / "set"
    path = set_dir / "taxonomy.toml"
    data = _write(path, '[[category]]\nslug = "a"\nkey = "1"\nshape = "round"\n\n[extra]\nx = 1\n')
    out = _check(folder, set_dir)
    assert out.returncode == 0 and "'shape'" in out.stderr and str(path) in out.stderr
    workspace, lock = prepare([folder], set_dir, lock=False)
    assert any("'shape'" in w and str(path) in w for w in workspace.warnings)
    assert any("'extra'" in w for w in workspace.warnings)
    app = ReviewerApp(workspace)

    async def scenario(pilot) -> None:
        assert any("'shape'" in m for m in notifications(app))
        await pilot.press("j", "1")
        await pilot.pause()

    _timed(app, scenario, 30)
    assert path.read_bytes() == data
    assert [a.categories for a in AnnotationStore.open(set_dir).load(DOC).annotations] == [("a",)]


@pytest.mark.parametrize("kind", ["one-line", "no-break", "short-lines"])
def test_huge_documents_open_scroll_and_move_without_hanging(tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    text = {"one-line": ("We collect data, and we share it; " * 40_000)[:1_000_000],  # 1 MB, no newline
            "no-break": "x" * 1_000_000,                                          # 1 MB, no space either
            "short-lines": "".join(f"line {i}\n" for i in range(100_000))}[kind]
    (folder / "huge.txt").write_text(text, encoding="utf-8")
    set_dir = tmp_path / "set"
    app = _app(folder, set_dir)

    async def scenario(pilot) -> None:
        pane = app.screen.query_one(PolicyPane)
        await pilot.press("j", "j", "j")
        assert pane.cursor == 3
        await pilot.press("ctrl+d", "ctrl+d", "G")
        await pilot.pause()
        assert pane.cursor == len(pane.document.clauses) - 1
        y = pane.text_layout.line_of(pane.current_clause.start)
        assert pane.scroll_y <= y < pane.scroll_y + pane.scrollable_content_region.height
        await pilot.press("k", "1", "ctrl+u", "g", "j")
        await pilot.resize_terminal(30, 8)
        await pilot.pause()
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert pane.cursor == 1

    _timed(app, scenario, 60)
    (saved,) = AnnotationStore.open(set_dir).load("huge").annotations
    assert saved.quote == text[saved.start:saved.end]


RTL = ("\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd. "                       # Hebrew
       "\u0645\u064e\u0631\u0652\u062d\u064e\u0628\u064b\u0627 \u0628\u0650\u0643\u064f\u0645. "  # Arabic with harakat
       "a\u0301\u0302b \U0001F44D\U0001F3FD ok \u202eevil\u202c end.\n")


def test_right_to_left_and_combining_marks_keep_code_point_offsets(tmp_path: Path) -> None:
    import unicodedata

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "rtl.txt").write_text(RTL, encoding="utf-8")
    set_dir = tmp_path / "set"
    app = _app(folder, set_dir)
    heads: list[int] = []

    async def scenario(pilot) -> None:
        pane = app.screen.query_one(PolicyPane)
        await pilot.press("shift+right")
        for _ in range(len(RTL)):
            heads.append(pane.selection[1])
            await pilot.press("shift+right")
        await pilot.press("shift+left", "1")
        shown = "".join(pane.render_line(y).text for y in range(3))
        assert "\u202e" not in shown                       # the bidi override is drawn as a visible stand-in

    _timed(app, scenario, 60)
    for head in heads:
        if 0 < head < len(RTL):
            assert unicodedata.combining(RTL[head]) == 0, (head, RTL[head])   # never before a combining mark
            assert not ("\U0001F3FB" <= RTL[head] <= "\U0001F3FF")           # nor a skin-tone modifier
    (saved,) = AnnotationStore.open(set_dir).load("rtl").annotations
    assert saved.start == 0 and saved.quote == RTL[:saved.end]


def test_binary_invalid_utf8_and_utf16_documents_in_the_app(tmp_path: Path) -> None:
    from reviewer.tui.launch import prepare

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a-binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    (folder / "b-latin1.txt").write_bytes("Caf\u00e9 policy. We collect data.\n".encode("cp1252"))
    (folder / "c-utf16.txt").write_bytes("\ufeffUTF-16 policy \u00e9\u6f22. We share data.\n".encode("utf-16-le"))
    workspace, _ = prepare([folder], tmp_path / "set", lock=False)
    assert [d.id for d in workspace.session.documents] == ["b-latin1", "c-utf16"]
    assert any(str(folder / "a-binary.txt") in w for w in workspace.warnings)      # refused, named
    assert any(str(folder / "b-latin1.txt") in w for w in workspace.warnings)      # decoded with a warning
    app = ReviewerApp(workspace)

    async def scenario(pilot) -> None:
        first, second = app.screen.query(PolicyPane)
        assert first.document.text.startswith("Caf\u00e9 policy")
        assert second.document.text.startswith("UTF-16 policy \u00e9\u6f22")
        assert any("a-binary.txt" in m for m in notifications(app))
        await pilot.press("tab", "1")
        await pilot.pause()

    _timed(app, scenario, 30)
    (saved,) = AnnotationStore.open(tmp_path / "set").load("c-utf16").annotations
    assert saved.quote.startswith("UTF-16 policy")
    if REVIEWER.exists():   # nothing readable at all: one line naming the file, exit 2
        out = subprocess.run([str(REVIEWER), str(folder / "a-binary.txt"), "--annotations", str(tmp_path / "s2")],
                             capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        assert out.returncode == 2 and "Traceback" not in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1 and "a-binary.txt" in out.stderr
