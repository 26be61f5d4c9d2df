"""A bracketed paste is one Paste event whatever it holds, never keys (reviewer/tui/paste_input.py):
Textual's parser sent the text after an escape inside a paste as keys (ctrl+g closed the note editor
and dropped its draft; the rest ran as workspace commands), and the paste's text after them."""

from __future__ import annotations

import pytest
from textual import events

from reviewer.tui.paste_input import PasteSafeParser

PASTE = "\x1b[200~ Z\x1b[0m BEL\x07 W\x1b[201~"


def _events(*chunks: str) -> list[tuple[str, str]]:
    parser = PasteSafeParser()
    out = []
    for chunk in chunks:
        out.extend(parser.feed(chunk))
    out.extend(parser.feed(""))
    return [("paste", m.text) if isinstance(m, events.Paste) else ("key", m.key)
            for m in out if isinstance(m, (events.Paste, events.Key))]


def test_a_paste_holding_escapes_and_controls_is_one_paste_event() -> None:
    assert _events(PASTE) == [("paste", " Z\x1b[0m BEL\x07 W")]


def test_keys_around_a_paste_stay_keys_in_order() -> None:
    assert _events("ab" + PASTE + "c") == [("key", "a"), ("key", "b"), ("paste", " Z\x1b[0m BEL\x07 W"),
                                          ("key", "c")]


@pytest.mark.parametrize("cut", range(1, len("x" + PASTE + "y")))
def test_a_paste_split_anywhere_across_reads_is_still_one_paste(cut: int) -> None:
    stream = "x" + PASTE + "y"
    assert _events(stream[:cut], stream[cut:]) == [("key", "x"), ("paste", " Z\x1b[0m BEL\x07 W"), ("key", "y")]


def test_a_paste_ending_in_tab_and_digits_types_nothing() -> None:
    assert _events("\x1b[200~P\x1b[0mQ TAB\tEND D 9\x1b[201~") == [("paste", "P\x1b[0mQ TAB\tEND D 9")]


def test_an_escape_key_and_other_sequences_are_parsed_as_before() -> None:
    parser = PasteSafeParser()
    keys = [m.key for m in parser.feed("\x1b[A") if isinstance(m, events.Key)]
    assert keys == ["up"]
    assert [m.key for m in _events_of(parser, "j")] == ["j"]


def _events_of(parser: PasteSafeParser, data: str) -> list[events.Key]:
    return [m for m in parser.feed(data) if isinstance(m, events.Key)]


def test_a_lone_escape_is_still_the_escape_key() -> None:
    import time

    parser = PasteSafeParser()
    keys = _events_of(parser, "\x1b")
    deadline = time.monotonic() + 10
    while not keys and time.monotonic() < deadline:   # Textual gives it out after ESCDELAY
        keys = [m for m in parser.tick() if isinstance(m, events.Key)]
        time.sleep(0.01)
    assert [k.key for k in keys] == ["escape"]


def test_a_key_that_looks_like_the_start_of_a_paste_is_given_at_the_next_tick(monkeypatch) -> None:
    """alt+[ sends ESC [, which is also how a paste's start marker begins: held for one read to
    see whether a paste follows, it is a key once the driver's ticks find nothing more (the clock
    is moved on by hand: Textual's parser gives an unfinished sequence out after its timeout)."""
    import textual._parser as textual_parser

    now = [1000.0]
    monkeypatch.setattr(textual_parser, "get_time", lambda: now[0])
    parser = PasteSafeParser()
    got = list(parser.feed("\x1b["))
    got += list(parser.tick())
    now[0] += 10.0
    got += list(parser.tick())
    keys = [m.key for m in got if isinstance(m, events.Key)]
    assert keys and keys[-1] in ("alt+left_square_bracket", "escape", "left_square_bracket"), keys
    assert not [m for m in got if isinstance(m, events.Paste)]


def test_a_multi_line_paste_into_a_one_line_field_keeps_every_line(make_app) -> None:
    """Textual's Input keeps a paste's first line and drops the rest without a word; the app joins
    the lines with spaces, so a sentence copied across a line break is searched whole."""
    from tests.tui.conftest import drive, until

    app = make_app(["picker-top", "picky-assist"])

    async def scenario(pilot) -> None:
        await pilot.press("slash")
        bar = app.screen.active.search_bar
        await until(pilot, lambda: app.focused is bar, "the search field")
        app.post_message(events.Paste("We reserve the right\nto update\r\n"))
        await until(pilot, lambda: bar.value == "We reserve the right to update", f"the whole paste ({bar.value!r})")

    drive(app, scenario)
