"""Clause search in the app: one shared fuzzy index per session, how a match is shown, the
message that asks the workspace to open matches, and the command-palette provider.

The index is built (or loaded from the disk cache) in a thread the first time anything needs it;
lookups always run off the event loop (thread workers, or ``asyncio.to_thread`` in the palette).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from textual.command import Hit, Hits, Provider
from textual.content import Content
from textual.message import Message

from reviewer.safetext import one_line
from reviewer.session import Session

if TYPE_CHECKING:  # the index (numpy) loads on first use, not at start-up
    from reviewer.fuzzy import FuzzyIndex, Match
    from reviewer.index_cache import SharedIndex

PREVIEW = 320  # characters of a clause shown in a list row

_INDEXES: WeakKeyDictionary[Session, SharedIndex] = WeakKeyDictionary()


def index_for(session: Session) -> SharedIndex:
    """The session's shared clause index (created on first call; built on first ``get``)."""
    shared = _INDEXES.get(session)
    if shared is None:
        from reviewer.index_cache import SharedIndex

        shared = _INDEXES[session] = SharedIndex(lambda: list(session.documents))
    return shared


def clause_content(query: str, text: str, limit: int = PREVIEW) -> Content:
    """The clause on one line, inert (never markup), with the words matching ``query`` in bold."""
    from reviewer.fuzzy import match_spans

    shown = one_line(text, limit)
    content = Content(shown)
    for start, end in match_spans(query, text):
        if start >= len(shown) - 1:
            break
        content = content.stylize("bold underline", start, min(end, len(shown)))
    return content


def where(match: Match) -> str:
    """``policy`` or ``policy (also in 3 more)``, one line, inert."""
    others = len({h.document for h in match.also} - {match.document})
    text = one_line(match.document, 60)
    return f"{text} (also in {others} more)" if others else text


@dataclass
class OpenMatches(Message):
    """Open these matches, each in a pane beside the current one (scrolled to it and flashed)."""

    matches: tuple[Match, ...]


def lookup(shared: SharedIndex, query: str, k: int) -> list[Match]:
    index: FuzzyIndex = shared.get()
    return index.lookup(query, k)


class ClauseSearch(Provider):
    """Palette entries for the clauses most like what was typed (three or more letters)."""

    async def search(self, query: str) -> Hits:
        from reviewer.fuzzy import tokenize

        if len(query.strip()) < 3 or not tokenize(query):
            return
        session = getattr(self.app, "session", None)
        if session is None:
            return
        matches = await asyncio.to_thread(lookup, index_for(session), query, 8)
        for m in matches:
            text = Content(f"{m.score:>3.0f}  ").append(clause_content(query, m.text, 160))
            yield Hit(m.score / 100, text, partial(self._open, m),
                      help=Content(where(m)))  # type: ignore[arg-type]  # Content renders inert; Textual types it str

    def _open(self, match: Match) -> None:
        self.screen.post_message(OpenMatches((match,)))
