"""Pilot tests for export from the app (palette -> dialog -> worker -> file) and the Agreement
screen (a second set opened read-only; enter jumps to a disagreeing clause)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from textual.widgets import Input, OptionList

from tests.apps import notifications
from reviewer.store import AnnotationStore
from reviewer.tui.screens.agreement import AgreementScreen, SetPathDialog
from reviewer.tui.screens.export_dialog import ExportDialog
from reviewer.tui.widgets.policy_pane import PolicyPane

from .conftest import drive, settle, from_palette, until

DOC_A, DOC_B = "picker-top", "picky-assist"


async def _set_input(pilot, selector: str, value: str) -> None:
    box = pilot.app.screen.query_one(selector, Input)
    box.value = value
    box.focus()
    await pilot.pause()


def test_export_from_the_palette_writes_the_file_in_a_worker(make_app, tmp_path: Path) -> None:
    app = make_app([DOC_A, DOC_B])
    out = tmp_path / "exported.csv"

    async def scenario(pilot) -> None:
        await from_palette(pilot, "Export annotations")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        # formats list has the focus: move from w3c to csv, the path follows the format
        await pilot.press("down")
        await pilot.pause()
        assert app.screen.fmt == "csv"
        assert app.screen.query_one("#path", Input).value.endswith("default.csv")
        await _set_input(pilot, "#path", str(out))
        await pilot.press("enter")
        await pilot.pause()
        await settle(app)
        await until(pilot, lambda: not isinstance(app.screen, ExportDialog), "not isinstance(app.screen, ExportDialog)")
        messages = notifications(app)
        assert any(m.startswith("Exporting 6 document(s) as csv") for m in messages)
        assert any(m.startswith("Wrote ") for m in messages), messages

    drive(app, scenario)
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert rows[0][0] == "document" and len(rows) > 10


def test_export_dialog_escape_writes_nothing(make_app, tmp_path: Path) -> None:
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        from reviewer.tui.screens.export_dialog import open_export

        open_export(app)
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        await _set_input(pilot, "#path", str(tmp_path / "never.jsonl"))
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ExportDialog)
        # an empty path is refused in the dialog itself
        open_export(app)
        await pilot.pause()
        await _set_input(pilot, "#path", "")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("escape")

    drive(app, scenario)
    assert not (tmp_path / "never.jsonl").exists()


def test_export_error_is_a_notification(make_app, tmp_path: Path) -> None:
    app = make_app([DOC_A, DOC_B])
    blocker = tmp_path / "file"
    blocker.write_text("x")

    async def scenario(pilot) -> None:
        from reviewer.tui.screens.export_dialog import start_export

        start_export(app, app.session, "brat", str(blocker))
        await settle(app)
        await until(pilot, lambda: notifications(app, title="Export failed"), "notifications(app, title='Export failed')")

    drive(app, scenario)


def _other_set(demo_set: Path, tmp_path: Path) -> Path:
    """A copy of the demo set where one annotation of DOC_A lost its category 'policy-change'."""
    other = tmp_path / "other-set"
    shutil.copytree(demo_set, other)
    store = AnnotationStore.open(other)
    af = store.load(DOC_A)
    af.annotations = [a for a in af.annotations if "policy-change" not in a.categories]
    store.save(af)
    return other


def test_agreement_screen_shows_kappa_and_jumps_to_a_disagreement(make_app, demo_set: Path, tmp_path: Path) -> None:
    other = _other_set(demo_set, tmp_path)
    before = {p.name: p.read_bytes() for p in other.iterdir()}
    app = make_app([DOC_B])

    async def scenario(pilot) -> None:
        await from_palette(pilot, "Agreement with")
        await settle(pilot)
        assert isinstance(app.screen, SetPathDialog)
        await _set_input(pilot, "#set-path", str(other))
        await pilot.press("enter")
        await pilot.pause()
        await settle(app)
        await until(pilot, lambda: isinstance(app.screen, AgreementScreen), "the agreement screen")
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        assert screen.result.categories["policy-change"].kappa is not None
        assert screen.result.categories["do-not-track"].kappa is None
        # the first category with disagreements is highlighted: policy-change
        assert screen.current == "policy-change"
        doc_id, clause, a, b = screen.result.categories["policy-change"].disagreements[0]
        assert doc_id == DOC_A and a and not b
        clauses = screen.query_one("#agree-clauses", OptionList)
        assert "A only" in str(clauses.get_option_at_index(0).prompt)
        await pilot.press("tab")
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, AgreementScreen), "not isinstance(app.screen, AgreementScreen)")
        pane = app.screen.query_one(PolicyPane)
        assert pane.document.id == DOC_A and pane.cursor == clause

    drive(app, scenario)
    assert {p.name: p.read_bytes() for p in other.iterdir()} == before  # read-only


def test_agreement_with_a_missing_set_is_a_notification(make_app, tmp_path: Path) -> None:
    app = make_app([DOC_A])

    async def scenario(pilot) -> None:
        from reviewer.tui.screens.agreement import open_agreement

        open_agreement(app)
        await pilot.pause()
        await _set_input(pilot, "#set-path", str(tmp_path / "nope"))
        await pilot.press("enter")
        await pilot.pause()
        await settle(app)
        await until(pilot, lambda: not isinstance(app.screen, AgreementScreen), "not isinstance(app.screen, AgreementScreen)")
        assert any("no such annotation set" in m for m in notifications(app, title="Agreement"))

    drive(app, scenario)
    assert not (tmp_path / "nope").exists()


def test_self_agreement_screen(make_app, demo_set: Path) -> None:
    app = make_app([DOC_A])

    async def scenario(pilot) -> None:
        from reviewer.tui.screens.agreement import open_agreement

        open_agreement(app)
        await pilot.pause()
        await _set_input(pilot, "#set-path", str(demo_set))
        await pilot.press("enter")
        await settle(app)
        await until(pilot, lambda: isinstance(app.screen, AgreementScreen), "the agreement screen")
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        assert screen.result.kappa == 1.0
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AgreementScreen)

    drive(app, scenario)
