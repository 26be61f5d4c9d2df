"""Terminal input where a bracketed paste is always one ``Paste`` event, never keys.

Textual's ``XTermParser`` (8.2) reads an escape character inside a bracketed paste as the start of
an escape sequence: the characters after it are not kept in the paste but sent as *keys* once the
next escape arrives (the escape itself as ``^``), and the paste's text comes after them. A pasted
``Z\\x1b[0m BEL\\x07 W`` typed ``^[0m BEL``, then ctrl+g (the note editor's Discard: the draft lost),
then `` W`` into the workspace as commands, and only then pasted `` Z``.

``PasteSafeParser`` cuts each paste out of the input before Textual's parser sees it: the text
between ``ESC[200~`` and ``ESC[201~`` becomes one ``Paste`` whatever it holds; everything else is
parsed by ``XTermParser`` as before. ``PasteSafeDriver`` is Textual's Linux driver reading through
it (``ReviewerApp.get_driver_class``). What a paste holds is made inert where it lands (the note
editor shows controls as stand-ins).
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder
from typing import Generator, Iterable

from textual import events
from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
ESC = "\x1b"


def _partial(data: str, marker: str) -> int:
    """Length of the longest end of ``data`` that is the beginning of ``marker`` (not all of it)."""
    for size in range(min(len(marker) - 1, len(data)), 0, -1):
        if data.endswith(marker[:size]):
            return size
    return 0


class PasteSafeParser(XTermParser):
    """``XTermParser`` with bracketed pastes taken out whole (see the module's doc)."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._pasting: list[str] | None = None   # the paste so far, while inside one
        self._held = ""          # an end of the last data that may begin a paste marker
        self._gave_escape = False   # the last data ended in an escape handed to XTermParser

    def feed(self, data: str) -> Iterable[Message]:
        if not data:   # end of input: whatever is pending is given out, then the parser ends
            if self._pasting is not None:
                yield events.Paste("".join(self._pasting) + self._held)
                self._pasting, self._held = None, ""
            if self._held:
                yield from super().feed(self._held)
                self._held = ""
            yield from super().feed("")
            return
        data, self._held = self._held + data, ""
        while data:
            if self._pasting is None:
                data = yield from self._outside(data)
            else:
                data = yield from self._inside(data)

    def tick(self) -> Iterable[Message]:
        if self._pasting is None and self._held:   # nothing came after "ESC [": it was a key (alt+[)
            held, self._held = self._held, ""
            yield from super().feed(held)
            self._gave_escape = False
        for message in super().tick():
            self._gave_escape = False   # XTermParser gave its escape out: it was the key
            yield message

    def _outside(self, data: str) -> Generator[Message, None, str]:
        """Hand keys to XTermParser up to a paste's start; the rest of ``data`` is returned."""
        if self._gave_escape and data.startswith(PASTE_START[1:]):
            # The start marker was split after its escape, which XTermParser already holds: let it
            # read the marker and at once an end, so it is out of its own paste mode (an empty
            # Paste, dropped), and take the paste from here.
            for message in super().feed(PASTE_START[1:] + PASTE_END):
                if not (isinstance(message, events.Paste) and not message.text):
                    yield message
            self._gave_escape = False
            self._pasting = []
            return data[len(PASTE_START) - 1:]
        start = data.find(PASTE_START)
        if start < 0:
            keep = _partial(data, PASTE_START)
            if keep > 1:   # "\x1b[", "\x1b[2"...: wait for the rest; a lone escape may be the key
                data, self._held = data[:-keep], data[-keep:]
            if data:
                yield from super().feed(data)
            self._gave_escape = data.endswith(ESC) and not self._held
            return ""
        if start:
            yield from super().feed(data[:start])
        self._gave_escape = False
        self._pasting = []
        return data[start + len(PASTE_START):]

    def _inside(self, data: str) -> Generator[Message, None, str]:
        """Add to the paste up to its end, then give it as one Paste; the rest is returned."""
        assert self._pasting is not None
        end = data.find(PASTE_END)
        if end < 0:
            keep = _partial(data, PASTE_END)
            self._pasting.append(data[: len(data) - keep])
            self._held = data[len(data) - keep:]
            return ""
        self._pasting.append(data[:end])
        text, self._pasting = "".join(self._pasting), None
        yield events.Paste(text.replace("\x00", ""))   # NUL dropped, as Textual does
        return data[end + len(PASTE_END):]


class PasteSafeDriver(LinuxDriver):
    """Textual's Linux driver, reading input through ``PasteSafeParser``."""

    def run_input_thread(self) -> None:
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        parser = PasteSafeParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode

        def process(ready: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> None:
            for index, (_key, mask) in enumerate(ready):
                if mask & selectors.EVENT_READ:
                    text = decode(os.read(self.fileno, 4096), final=final and index == len(ready) - 1)
                    if not text:
                        break
                    for message in parser.feed(text):
                        self.process_message(message)
            for message in parser.tick():
                self.process_message(message)

        try:
            while not self.exit_event.is_set():
                process(selector.select(0.1))
            selector.unregister(self.fileno)
            process(selector.select(0.1), final=True)
        finally:
            selector.close()
            try:
                for _message in parser.feed(""):
                    pass
            except (EOFError, ParseError):
                pass


def fold_for_one_line(paste: events.Paste, focused: object) -> None:
    """A paste into a one-line field (search, lookup, filters, paths) keeps all its lines, joined
    by spaces: Textual's ``Input`` keeps the first line only and drops the rest."""
    from textual.widgets import Input

    if isinstance(focused, Input) and "\n" in paste.text.strip("\r\n"):
        paste.text = " ".join(line.strip() for line in paste.text.splitlines() if line.strip())


__all__ = ["PasteSafeDriver", "PasteSafeParser", "fold_for_one_line"]
