"""KeyFooter keeps as many ``compact`` watchers as it shows keys (Textualize/textual#6666)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer

from reviewer.tui.widgets.key_footer import KeyFooter

from .conftest import drive


def _watchers(footer: Footer) -> int:
    return len(getattr(footer, "__watchers", {}).get("compact", []))


class _Footed(App[None]):
    BINDINGS = [Binding("a", "noop", "A"), Binding("b", "noop", "B"), Binding("c", "noop", "C")]

    def __init__(self, footer_class: type[Footer]) -> None:
        super().__init__()
        self.footer_class = footer_class

    def compose(self) -> ComposeResult:
        yield self.footer_class()

    def action_noop(self) -> None:
        pass


def _watchers_after_rebuilds(footer_class: type[Footer], rebuilds: int = 20) -> tuple[int, int]:
    app = _Footed(footer_class)
    counts: list[int] = []

    async def scenario(pilot) -> None:
        footer = app.query_one(footer_class)
        for _ in range(rebuilds):
            app.screen.bindings_updated_signal.publish(app.screen)  # what a change of the bindings sends
            await pilot.pause()
            await pilot.pause()
        counts.append(_watchers(footer))
        counts.append(len(footer.children))

    drive(app, scenario, size=(80, 10))
    return counts[0], counts[1]


def test_key_footer_drops_the_watchers_of_keys_it_removed() -> None:
    watchers, keys = _watchers_after_rebuilds(KeyFooter)
    assert watchers <= keys + 1


def test_textuals_footer_still_leaks_so_the_workaround_is_still_needed() -> None:
    """When this fails, Textual fixed #6666: KeyFooter can go."""
    watchers, keys = _watchers_after_rebuilds(Footer)
    assert watchers > 5 * keys
