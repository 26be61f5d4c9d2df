"""``n`` / ``N`` step from the caret, as in vim and less: after ``G``, ``j`` or a click the next match
is the first one after the caret (wrapping), not the one after the last match gone to."""

from __future__ import annotations

from pathlib import Path

from tests.apps import app_over
from reviewer.tui.widgets.policy_pane import PolicyPane

from .conftest import drive, until

MATCHES = 21


def _long_policy(folder: Path) -> Path:
    """A policy of 63 paragraphs; every third one mentions cookies (21 matches)."""
    folder.mkdir()
    paragraphs = []
    for i in range(63):
        about = "We use cookies to remember you." if i % 3 == 0 else "We keep your data safe."
        paragraphs.append(f"Section {i + 1}. {about} This paragraph is here to make the policy long.")
    path = folder / "long-policy.txt"
    path.write_text("Long Policy\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


def _app(tmp_path: Path):
    policy = _long_policy(tmp_path / "docs")
    return app_over([policy], tmp_path / "set")


def _pane(app) -> PolicyPane:
    return app.screen.query(PolicyPane).first()


def test_n_and_N_step_from_the_caret_after_G_and_gg(tmp_path: Path) -> None:
    app = _app(tmp_path)

    async def scenario(pilot) -> None:
        pane = _pane(app)
        await pilot.press("slash", *"cookies", "enter")
        await until(pilot, lambda: app.focused is pane and len(pane.matches) == MATCHES, "the search ran")
        assert pane.match_index == 0
        await pilot.press("G", "n")          # after the last match: wraps to the first
        assert pane.match_index == 0
        await pilot.press("G", "N")          # the last match before the caret
        assert pane.match_index == MATCHES - 1
        await pilot.press("n")               # on a match: the next one in order, wrapping
        assert pane.match_index == 0
        await pilot.press("N")
        assert pane.match_index == MATCHES - 1
        await pilot.press("g", "N")          # from the top, backwards: wraps to the last
        assert pane.match_index == MATCHES - 1

    drive(app, scenario)


def test_n_and_N_step_from_where_j_and_k_left_the_caret(tmp_path: Path) -> None:
    app = _app(tmp_path)

    async def scenario(pilot) -> None:
        pane = _pane(app)
        await pilot.press("slash", *"cookies", "enter")
        await until(pilot, lambda: app.focused is pane and len(pane.matches) == MATCHES, "the search ran")
        starts = [s for s, _ in pane.matches]
        await pilot.press(*"j" * 20)         # twenty clauses down, past several matches
        caret = pane.model.caret
        after = [i for i, s in enumerate(starts) if s > caret][0]
        assert after > 2
        await pilot.press("n")
        assert pane.match_index == after and pane.model.caret == starts[after]
        await pilot.press(*"k" * 12)         # back up past several matches
        caret = pane.model.caret
        before = [i for i, s in enumerate(starts) if s < caret][-1]
        assert before < after - 1
        await pilot.press("N")
        assert pane.match_index == before and pane.model.caret == starts[before]

    drive(app, scenario)


def test_n_steps_from_a_clicked_clause(tmp_path: Path) -> None:
    app = _app(tmp_path)

    async def scenario(pilot) -> None:
        pane = _pane(app)
        await pilot.press("slash", *"cookies", "enter")
        await until(pilot, lambda: app.focused is pane and len(pane.matches) == MATCHES, "the search ran")
        starts = [s for s, _ in pane.matches]
        # a click on a row further down the screen (the caret goes where the mouse is)
        region = pane.content_region
        await pilot.click(pane, offset=(region.x - pane.region.x + 2, region.y - pane.region.y + region.height - 3))
        await until(pilot, lambda: pane.model.caret > starts[1], "the click moved the caret")
        caret = pane.model.caret
        after = [i for i, s in enumerate(starts) if s > caret][0]
        await pilot.press("n")
        assert pane.match_index == after
    drive(app, scenario)
