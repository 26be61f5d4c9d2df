"""A file named with ``ESC ] 0 ; PWNED BEL`` (which retitles a terminal) reaches no way to the
screen raw: the launcher's error line, the start-up warnings toast, the "annotation file refused"
toast and the merge toast all show it through the one safe-display function."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.apps import notices
from reviewer.tui.app import ReviewerApp
from reviewer.tui.launch import prepare
from tests.tui.conftest import drive

HOSTILE = "pol\x1b]0;PWNED\x07icy"
REVIEWER = Path(sys.executable).parent / "reviewer"


def _raw(text: str) -> bool:
    return any((ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) < 0xA0 for c in text)


def _toasts(app: ReviewerApp) -> list[str]:
    return [f"{n.title}\n{n.message}" for n in notices(app)]


def test_the_launchers_error_line_is_safe(tmp_path: Path) -> None:
    bad = tmp_path / f"{HOSTILE}.txt"
    bad.write_bytes(b"\x00\x01binary\x00")
    out = subprocess.run([sys.executable, "-m", "reviewer", str(bad), "--annotations", str(tmp_path / "set")],
                         capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert out.returncode == 2
    assert "PWNED" in out.stderr and not _raw(out.stderr.rstrip("\n")), repr(out.stderr)


def test_warnings_refused_file_and_merge_toasts_are_safe(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / f"{HOSTILE}.txt").write_bytes("Caf\xe9 policy. We keep data.".encode("cp1252"))  # a warning names it
    (docs / f"{HOSTILE}2.txt").write_text("Second policy. We share data. We sell nothing.", encoding="utf-8")
    (docs / "plain.txt").write_text("Plain policy. We keep data for a year.", encoding="utf-8")
    set_dir = tmp_path / "set"
    set_dir.mkdir()
    (set_dir / f"{HOSTILE}2.toml").write_text("[[annotation]\n", encoding="utf-8")        # refused, named
    workspace, _ = prepare([docs], set_dir, lock=False)
    workspace.open_ids = [f"{HOSTILE}2", "plain"]
    app = ReviewerApp(workspace)

    async def scenario(pilot) -> None:
        await pilot.pause()
        session = app.session
        c = session.document(HOSTILE).clauses[0]
        assert session.toggle_category(HOSTILE, c.start, c.end, "other").saved
        path = set_dir / f"{HOSTILE}.toml"
        path.write_text(path.read_text() + "\n# edited by hand\n")
        # another program's change, merged and reported through the screen's report()
        out = session.check_external(HOSTILE)
        assert out is not None and "PWNED" in out.merged
        app.screen.report(out)
        await pilot.pause()
        toasts = _toasts(app)
        assert any("PWNED" in t and "cp1252" in t for t in toasts), toasts          # start-up warnings
        assert any("PWNED" in t and "2.toml" in t for t in toasts), toasts          # annotation file refused
        assert any("PWNED" in t and "merged" in t for t in toasts), toasts          # merge
        assert all(not _raw(t) for t in toasts), [t for t in toasts if _raw(t)]

    drive(app, scenario)
