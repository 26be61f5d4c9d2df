"""Display safety: control characters and escapes become visible and inert, one for one."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from reviewer.safetext import one_line, visible


def test_csi_escape_is_inert() -> None:
    out = visible("red \x1b[31mALERT\x1b[0m")
    assert "\x1b" not in out
    assert out == "red \u241b[31mALERT\u241b[0m"


def test_osc_hyperlink_and_title_sequences() -> None:
    osc = "\x1b]8;;http://evil.example\x07click\x1b]8;;\x07 \x1b]0;pwned\x1b\\"
    out = visible(osc)
    assert "\x1b" not in out and "\x07" not in out
    assert len(out) == len(osc)


def test_c1_controls_including_8bit_csi() -> None:
    text = "a\x9b31mb\x9d0;t\x9cc\x85d"
    out = visible(text)
    assert all(not 0x80 <= ord(ch) <= 0x9F for ch in out)
    assert len(out) == len(text)


def test_other_c0_and_del() -> None:
    text = "".join(chr(c) for c in range(0x20)) + "\x7f"
    out = visible(text, keep_newlines=False)
    assert all(unicodedata.category(ch) != "Cc" for ch in out)
    assert len(out) == len(text)


def test_newlines_kept_by_default_and_tab_is_one_space() -> None:
    assert visible("a\nb\tc") == "a\nb c"
    assert visible("a\nb", keep_newlines=False) == "a\u240ab"


def test_bidi_overrides_are_shown() -> None:
    out = visible("abc\u202edcba\u2066x\u2069")
    assert "\u202e" not in out and "\u2066" not in out and "\u2069" not in out


@given(st.text())
def test_same_length_and_no_controls(text: str) -> None:
    out = visible(text)
    assert len(out) == len(text)
    for a, b in zip(text, out):
        if a == "\n":
            assert b == "\n"
        else:
            assert unicodedata.category(b) != "Cc"


@given(st.text())
def test_printable_text_unchanged(text: str) -> None:
    clean = "".join(ch for ch in text if unicodedata.category(ch) != "Cc"
                    and ch not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert visible(clean) == clean


def test_one_line() -> None:
    assert one_line("a\nb\x1b") == "a b\u241b"
    assert one_line("abcdef", 4) == "abc\u2026"
    assert one_line("abc", 4) == "abc"


def test_rich_markup_stays_literal_in_text() -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(file=None, record=True, width=80, color_system=None)
    raw = "[bold]not bold[/bold] [link=http://x]y[/link] \x1b[31mred"
    console.print(Text(visible(raw)))
    out = console.export_text()
    assert "[bold]not bold[/bold]" in out
    assert "[link=http://x]y[/link]" in out
    assert "\x1b" not in out


def test_rich_text_spans_stay_aligned_with_offsets() -> None:
    from rich.text import Text

    raw = "ab\x1bcd[i]e"
    text = Text(visible(raw))
    text.stylize("bold", 3, 4)  # offsets into the document text
    assert text.plain[3] == raw[3] == "c"


_STAND_INS = {chr(0x2400 + c) for c in range(0x20)} | {"\u2421", "\u2409", "\ufffd", "\u25c7"}
# Controls whose stand-in is shared (C1 controls, bidi marks) are left out: deleting one of two
# identical stand-ins cannot say which real character was meant.
_SHARED = "".join(chr(c) for c in range(0x80, 0xA0)) + "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_typed = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="".join(_STAND_INS)), max_size=5)


@given(st.text(st.characters(blacklist_characters="".join(_STAND_INS) + _SHARED), max_size=40), st.integers(0, 40), _typed,
       st.integers(0, 3))
def test_restore_keeps_every_untouched_character_and_takes_what_was_typed(original: str, at: int, typed: str,
                                                                          cut: int) -> None:
    """The note editor: controls are shown as stand-ins; what the analyst did not touch comes
    back as the real character, what was typed comes back as typed."""
    from reviewer.safetext import editable, restore

    shown = editable(original)
    assert len(shown) == len(original) and "\t" not in shown and "\r" not in shown
    at = min(at, len(shown))
    assert restore(original, shown) == original
    assert restore(original, shown[:at] + typed + shown[at:]) == original[:at] + typed + original[at:]
    end = min(len(shown), at + cut)
    assert restore(original, shown[:at] + shown[end:]) == original[:at] + original[end:]
