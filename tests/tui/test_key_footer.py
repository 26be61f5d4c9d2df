"""KeyFooter: one widget, one line; the keys follow the bindings without a rebuild or a layout."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Label

from reviewer.tui.widgets.key_footer import KeyFooter

from .conftest import drive


class _Footed(App[None]):
    CSS = "KeyFooter { dock: bottom; height: 1; }"
    BINDINGS = [Binding("a", "count", "Add"), Binding("b", "blocked", "Blocked"), Binding("c", "count", "Again"),
                Binding("h", "count", "Hidden", show=False)]

    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self.allow_b = False

    def compose(self) -> ComposeResult:
        yield Label("body")
        yield KeyFooter()

    def action_count(self) -> None:
        self.count += 1

    def action_blocked(self) -> None:
        self.count += 100

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "blocked":
            return True if self.allow_b else None   # None: shown greyed
        return True


def _line(app: App) -> str:
    return "".join(segment.text for segment in app.screen.query_one(KeyFooter).render_line(0))


def test_the_footer_lists_each_action_once_with_its_description_and_hides_unshown_keys() -> None:
    app = _Footed()
    seen: list[str] = []

    async def scenario(pilot) -> None:
        await pilot.pause()
        seen.append(_line(app))

    drive(app, scenario, size=(80, 6))
    line = seen[0]
    assert " a Add " in line and " b Blocked " in line
    assert "Again" not in line          # a second key of the same action is not listed twice
    assert "Hidden" not in line
    assert "palette" in line            # the command palette's key, on the right
    assert line.rstrip().endswith("palette")


def test_a_change_of_the_bindings_repaints_the_line_without_children_or_a_layout() -> None:
    app = _Footed()
    facts: list[object] = []

    async def scenario(pilot) -> None:
        footer = app.query_one(KeyFooter)
        await pilot.pause()
        before = footer.entries
        layouts = footer._layout_updates  # noqa: SLF001 - counts layout requests of the widget
        app.allow_b = True
        app.screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        facts.extend([before, footer.entries, len(footer.children), footer._layout_updates - layouts])  # noqa: SLF001

    drive(app, scenario, size=(80, 6))
    before, after, children, layouts = facts
    assert [e.enabled for e in before if e.key == "b"] == [False]
    assert [e.enabled for e in after if e.key == "b"] == [True]
    assert children == 0 and layouts == 0


def test_clicking_a_key_runs_it_and_a_greyed_key_rings_the_bell() -> None:
    app = _Footed()
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]  # record instead of ringing
    counts: list[int] = []

    async def scenario(pilot) -> None:
        await pilot.pause()
        footer = app.query_one(KeyFooter)
        places = {entry.key: start for start, _end, entry in footer._places}  # noqa: SLF001 - drawn cells
        await pilot.click(KeyFooter, offset=(places["a"] + 1, 0))
        await pilot.pause()
        counts.append(app.count)
        await pilot.click(KeyFooter, offset=(places["b"] + 1, 0))
        await pilot.pause()
        counts.append(app.count)

    drive(app, scenario, size=(80, 6))
    assert counts == [1, 1]
    assert bells == [1]


def test_keys_that_do_not_fit_are_left_out_and_the_palette_key_stays() -> None:
    app = _Footed()
    seen: list[str] = []

    async def scenario(pilot) -> None:
        await pilot.pause()
        seen.append(_line(app))

    drive(app, scenario, size=(24, 6))
    line = seen[0]
    assert len(line) <= 24
    assert "palette" in line
    assert "Blocked" not in line
