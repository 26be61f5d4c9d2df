"""A failed background worker is never silent: one notification names what failed."""

from __future__ import annotations

from tests.apps import notifications
from reviewer.tui.screens.lookup import LookupScreen

from .conftest import drive


def _messages(app) -> list[str]:
    return notifications(app)


def test_a_failed_lookup_is_reported_by_name(make_app, monkeypatch) -> None:
    import reviewer.tui.controllers.clause_lookup as lookup_module

    class Broken:
        ready = True

        def get(self):
            raise RuntimeError("index file \x1b]0;PWNED\x07 is corrupt")

    app = make_app()

    async def scenario(pilot) -> None:
        await pilot.press("ctrl+f")
        screen = app.screen
        assert isinstance(screen, LookupScreen)
        monkeypatch.setattr(screen, "shared", Broken())
        monkeypatch.setattr(lookup_module, "FLASH", 60.0)
        await pilot.press("a", "b")
        for _ in range(50):
            await pilot.pause(0.1)
            await app.workers.wait_for_complete()
            if any("Looking up clauses failed" in m for m in _messages(app)):
                break
        lines = [m for m in _messages(app) if "failed" in m]
        assert lines  # one per failed lookup: "a" and "b" may each have started one
        for line in lines:
            assert line.startswith("Looking up clauses failed (RuntimeError: index file")
            assert "\x1b" not in line and "\x07" not in line

    drive(app, scenario)


def test_a_failed_matrix_build_is_reported_by_name(make_app) -> None:
    from reviewer.tui.screens.coverage_matrix import CoverageMatrixScreen

    app = make_app()

    def build():
        raise ValueError("taxonomy vanished")

    async def scenario(pilot) -> None:
        app.push_screen(CoverageMatrixScreen(app.taxonomy, build))
        for _ in range(50):
            await pilot.pause(0.1)
            await app.workers.wait_for_complete()
            if any("failed" in m for m in _messages(app)):
                break
        assert "Building the coverage matrix failed (ValueError: taxonomy vanished)" in _messages(app)

    drive(app, scenario)
