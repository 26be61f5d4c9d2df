"""Following an annotation through a reworded clause, when re-anchoring alone gives it up.

Re-anchoring weighs the quote and its neighbours in the new text: a clause reworded at its edges
and moved to another section ("* **Updates.** We may update ..." becoming "We may update ..." under
"Contact Us") loses its neighbours, scores under the bar, and is orphaned. Between two versions
the clause diff holds more evidence: it paired the old clause with the new one as a rewording (at
least ``CHANGED_SIMILARITY`` similar, in order with the clauses around it). An annotation inside
that old clause is then placed in the new one, its ends mapped through a character alignment of
the two clauses, and kept only if the text it lands on is still ``QUOTE_ACCEPT`` like its quote
(a short quote only when it lands on itself). It is then fuzzy, for a person to confirm.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from rapidfuzz import fuzz

from reviewer.anchor_scoring import QUOTE_ACCEPT
from reviewer.anchoring import FUZZY, SHORT, UNSURE, Resolution
from reviewer.store import Annotation
from reviewer.versions.diff import CHANGED, MOVED as CLAUSE_MOVED, SAME, VersionDiff


def follow_by_clause(ann: Annotation, old_text: str, new_text: str, diff: VersionDiff) -> Resolution | None:
    """Where the clause diff says ``ann`` (placed in ``old_text``) went, or None."""
    if not ann.quote:
        return None
    for change in diff.clauses:
        if change.status not in (SAME, CLAUSE_MOVED, CHANGED) or change.old is None or change.new is None:
            continue
        (o0, o1), (n0, n1) = change.old, change.new
        if not (o0 <= ann.start and ann.end <= o1):
            continue
        start, end = _mapped(old_text[o0:o1], new_text[n0:n1], ann.start - o0, ann.end - o0)
        start, end = n0 + start, n0 + end
        while start < end and new_text[start].isspace():
            start += 1
        while end > start and new_text[end - 1].isspace():
            end -= 1
        if end <= start:
            return None
        landed = new_text[start:end]
        similarity = fuzz.ratio(ann.quote, landed)
        if similarity < QUOTE_ACCEPT or len(ann.quote) < SHORT and landed != ann.quote:
            return None
        # Never certain: re-anchoring gave it up, so a person should look (fuzzy, below 100).
        return Resolution(ann, FUZZY, start, end, min(round(similarity, 1), UNSURE))
    return None


def _mapped(old: str, new: str, start: int, end: int) -> tuple[int, int]:
    """``start`` and ``end`` (offsets in ``old``) carried into ``new`` through their alignment: an
    offset in an unchanged run keeps its place in it; one in an edited run goes to that run's
    edge, outward (a span keeps what replaced its ends)."""
    ops = SequenceMatcher(None, old, new, autojunk=False).get_opcodes()

    def carry(offset: int, is_end: bool) -> int:
        for tag, i1, i2, j1, j2 in ops:
            if i1 <= offset < i2 or (is_end and offset == i2 and i2 > i1):
                if tag == "equal":
                    return j1 + (offset - i1)
                return j2 if is_end else j1
        return len(new) if offset >= len(old) else 0

    return carry(start, False), carry(end, True)


__all__ = ["follow_by_clause"]
