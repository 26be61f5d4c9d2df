"""Re-anchoring: where does each annotation point now that its document may have changed?

exact    the span is at its old offsets (score 100 when its old context is still around it);
moved    the quote is found verbatim elsewhere;
fuzzy    an approximate match;
orphaned no acceptable match: the annotation is kept as it was and listed, never dropped.

Every candidate is scored the same way, whether it is an exact copy of the quote or a near match:
70% quote similarity and 15% each for the prefix and the suffix (similar, and agreeing exactly
outwards from the span). Candidates are ranked on that score less a penalty for their distance
from the *expected* place: the old start shifted by the edits before it (``resolve_all`` learns
that shift from the annotations before it that are certainly placed, or a caller that knows the
old text passes a map). So an in-context near match beats a far exact copy with foreign context,
and a short quote does not jump to its first copy. Score 100 means certain: the quote and its
whole context, and no other place as good.

Candidates come from linear searches only (``reviewer.anchor_candidates``): verbatim copies of
the quote, places framed by the exact old context, and places that verbatim pieces of the quote
vote for (each fitted at both ends by aligning the quote's head and tail in a small window), plus
one alignment near the expected place for short quotes; they are scored in
``reviewer.anchor_scoring``. Each candidate costs one similarity computation, so a
30,000-character annotation takes milliseconds, and the common case costs no search at all: the
quote with its whole context at one place is certain at once, and a verbatim copy near its place
with its neighbours intact settles the search before any alignment. ``ACCEPT`` and the weights
were tuned on revisions generated from the real policies of the corpus (bench/revisions.py,
tests/core/test_anchoring_precision.py, bench/versions.py).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Callable, Iterable

from reviewer.anchor_candidates import (ALIGN_MAX, HEAD, LOCAL, Fitter, aligned_spans, candidate_spans,
                                        rival_candidates)
from reviewer.anchor_scoring import (ACCEPT, QUOTE_ACCEPT, TIE_NEAR, Candidate, is_framed,
                                     is_plausible, score_spans)
from reviewer.store import Annotation

EXACT, MOVED, FUZZY, ORPHANED = "exact", "moved", "fuzzy", "orphaned"
LONG_MOVE = 40         # a verbatim copy this long is taken even with foreign context, if it is the only one
MOVE_QUOTE = 95.0      # ... or a copy at least this similar
SHORT = 16             # a quote shorter than this is placed only with its context
FOREIGN = 30.0         # ... and approximately only without a neighbour agreeing less than this
VOUCH = 95.0           # one side of the context this intact vouches for a short passage far away
UNIQUE_ACCEPT = 95.0   # a verbatim copy near its place scoring this needs no alignment search beside it
AMBIGUOUS = 1.0        # another place within this many points: not certain (score at most 99)
UNSURE = 99.0          # the score of a perfect match when another acceptable place exists
OVERLAP_MARGIN = 15.0  # a verbatim copy overlapping a near match this close to it is preferred


@dataclass(frozen=True)
class Resolution:
    annotation: Annotation
    status: str
    start: int | None
    end: int | None
    score: float

    @property
    def placed(self) -> bool:
        return self.status != ORPHANED

    def anchored(self, text: str) -> Annotation:
        """The annotation at its resolved place (unchanged when exact or orphaned)."""
        if self.status in (EXACT, ORPHANED) or self.start is None or self.end is None:
            return self.annotation
        return self.annotation.moved_to(text, self.start, self.end)


SET_ASIDE = "orphaned"  # an annotation's key: a person made it an orphan; it stays one until re-attached


def set_aside(ann: Annotation) -> bool:
    """Did a person orphan this annotation (its place judged wrong)? Then no search may place it
    again behind their back: it stays an orphan until they re-attach it."""
    return ann.extra.get(SET_ASIDE) is True


def resolve(ann: Annotation, text: str, expected: int | None = None) -> Resolution:
    """Where ``ann`` is in ``text``. ``expected``: where its start should be after the edits
    before it (default: its old start)."""
    if set_aside(ann):
        return Resolution(ann, ORPHANED, None, None, 0.0)
    quote = ann.quote
    if not quote:
        if 0 <= ann.start == ann.end <= len(text):
            return Resolution(ann, EXACT, ann.start, ann.end, 100.0)
        return Resolution(ann, ORPHANED, None, None, 0.0)
    expected = max(0, min(len(text), ann.start if expected is None else expected))
    if text.startswith(quote, ann.start) and _whole_context(ann, text, ann.start):
        return Resolution(ann, EXACT, ann.start, ann.end, 100.0)
    return _search(ann, text, expected)


def resolve_all(annotations: Iterable[Annotation], text: str,
                expected: Callable[[int], int] | None = None) -> list[Resolution]:
    """Resolve every annotation of one document. ``expected`` maps an old offset to where it
    should be now (a caller that knows the old text: the version diff); without it, the shift of
    the certainly placed annotations around each one stands in for the edits before it."""
    annotations = list(annotations)
    if [a for a in annotations if a.extra and set_aside(a)]:
        rest = iter(resolve_all([a for a in annotations if not set_aside(a)], text, expected))
        return [Resolution(a, ORPHANED, None, None, 0.0) if set_aside(a) else next(rest) for a in annotations]
    n = len(text)
    if expected is not None:
        out: list[Resolution] = []
        for ann in annotations:
            at = max(0, min(n, expected(ann.start)))
            if ann.quote and text.startswith(ann.quote, at) and _whole_context(ann, text, at):
                # the diff maps it here, quote and context intact: certain
                out.append(Resolution(ann, EXACT if at == ann.start else MOVED, at, at + len(ann.quote), 100.0))
            else:
                out.append(resolve(ann, text, at))
        return out
    found = [_certain(a, text) if a.quote else (None, None) for a in annotations]
    anchors = sorted((a.start, r.start - a.start) for a, (r, _) in zip(annotations, found)
                     if r is not None and r.start is not None)
    starts = [s for s, _ in anchors]
    out = []
    for ann, (done, whole) in zip(annotations, found):
        if done is not None:  # at its old place, or the one place with its whole context and no rival
            out.append(done)
            continue
        i = bisect_right(starts, ann.start)
        shifts = [anchors[j][1] for j in range(max(0, i - NEIGHBOURS), min(len(anchors), i + NEIGHBOURS))
                  if anchors[j][0] != ann.start]
        at = max(0, min(n, ann.start + (_median(shifts) if shifts else 0)))
        if whole is not None and abs(whole - at) <= TIE_NEAR:
            # the one place with the quote and its whole context, where the neighbours say it
            # should be: no search can do better; parts of it recur elsewhere, so not certain
            status = EXACT if whole == ann.start else MOVED
            out.append(Resolution(ann, status, whole, whole + len(ann.quote), UNSURE))
            continue
        out.append(_search(ann, text, at) if ann.quote else resolve(ann, text, at))
    return out


NEIGHBOURS = 5       # certain placements on each side whose median shift says where a span should be


def _median(values: list[int]) -> int:
    values = sorted(values)
    return values[len(values) // 2]


def _certain(ann: Annotation, text: str) -> tuple[Resolution | None, int | None]:
    """The quote with its whole old context, at its old offsets or at one place only (then
    certain, with no rival); else, when the quote and its whole context are at one place but
    pieces of it recur elsewhere, where that place starts (None: no such place)."""
    quote = ann.quote
    in_place = 0 <= ann.start <= ann.end <= len(text) and text[ann.start:ann.end] == quote
    if in_place and _whole_context(ann, text, ann.start):
        return Resolution(ann, EXACT, ann.start, ann.end, 100.0), None
    if len(ann.prefix) + len(ann.suffix) < SHORT:
        return None, None  # too little context to call a copy certain
    full = ann.prefix + quote + ann.suffix
    pos = text.find(full)
    if pos == -1 or text.find(full, pos + 1) != -1:
        return None, None
    start = pos + len(ann.prefix)
    # No rival either: an edited copy of the passage elsewhere would keep its head or its tail,
    # or its old context on one side; each of those must occur only here.
    pieces = (ann.prefix, ann.suffix, quote[:HEAD // 2], quote[-(HEAD // 2):])
    if any(p and text.count(p) > 1 for p in pieces):
        return None, start
    status = EXACT if start == ann.start else MOVED
    return Resolution(ann, status, start, start + len(quote), 100.0), None


def _whole_context(ann: Annotation, text: str, start: int) -> bool:
    end = start + len(ann.quote)
    return (start >= len(ann.prefix) and text.startswith(ann.prefix, start - len(ann.prefix))
            and text.startswith(ann.suffix, end))


def _absent(q: str, text: str) -> bool:
    """No piece of the quote is anywhere in the text: nothing can be similar enough (a quote
    70% similar keeps at least one of its pieces intact). Quick, for versions that lost a page."""
    n = len(q)
    if n < SHORT:
        return False
    size = 4 if n < 64 else 8
    step = max(size, (n - size) // 32)
    return not any(q[i:i + size] in text for i in range(0, n - size + 1, step))


def _search(ann: Annotation, text: str, expected: int) -> Resolution:
    if _absent(ann.quote, text):
        return Resolution(ann, ORPHANED, None, None, 0.0)
    # Near the expected place first; the whole text only when nothing good is there (a far copy
    # cannot outrank a good match here: it pays the distance penalty).
    n = len(ann.quote)
    # 1. cheap: verbatim copies, the old context's frame, and (unless a verbatim copy settles
    # it) one alignment at the expected place
    fit = Fitter(ann, text)
    spans = candidate_spans(ann, text, expected, 0, 0, quick=True)
    scored = score_spans(ann, text, spans, expected)
    top = max(scored, key=lambda c: c.rank, default=None)
    if not _settled(top):
        more = aligned_spans(ann, text, expected, fit) - spans
        scored += score_spans(ann, text, more, expected)
        spans |= more
        top = max(scored, key=lambda c: c.rank, default=None)
    # A perfect match is only certain once no other acceptable place exists anywhere; a good one
    # cannot be outranked by anything far away (that pays the distance penalty).
    if top is not None and top.score >= 100.0:
        # a perfect match: certain unless a rival exists, and a rival keeps the quote's head or
        # tail, or the old context, somewhere else
        scored += rival_candidates(ann, text, top, spans, expected, fit)
    elif top is None or top.rank < LOCAL_GOOD or n > ALIGN_MAX:  # (a long quote was not aligned yet)
        # 2. where pieces of the quote vote near the expected place; 3. in the whole text
        lo, hi = max(0, expected - 2 * n - LOCAL), min(len(text), expected + 3 * n + LOCAL)
        more = candidate_spans(ann, text, expected, lo, hi, fit=fit) - spans
        scored += score_spans(ann, text, more, expected)
        spans |= more
        top = max(scored, key=lambda c: c.rank, default=None)
        if (lo > 0 or hi < len(text)) and (top is None or top.rank < LOCAL_GOOD or top.score >= 100.0):
            more = candidate_spans(ann, text, expected, 0, len(text), fit=fit) - spans
            scored += score_spans(ann, text, more, expected)
    if not scored:
        return Resolution(ann, ORPHANED, None, None, 0.0)
    scored.sort(key=lambda c: (-c.rank, abs(c.start - expected), c.start, c.end))
    best = _framed_first(scored, expected)
    if best.quote < 100.0:
        # Text inserted or cut right at an end: the near match takes it in, the verbatim copy
        # inside it does not; an edit at the boundary belongs to neither, so keep the quote whole.
        copy = next((c for c in scored if c.quote >= 100.0 and c.start < best.end and best.start < c.end
                     and c.score >= best.score - OVERLAP_MARGIN), None)
        if copy is not None:
            best = copy
    others = [c for c in scored if c.end <= best.start or c.start >= best.end]
    rival = max(others, key=lambda c: c.score, default=None)
    ambiguous = rival is not None and rival.score >= best.score - AMBIGUOUS
    plausible = rival is not None and is_plausible(rival)
    if ambiguous and abs(best.start - expected) > TIE_NEAR:
        # Two places equally good and neither where the span should be: a coin flip, so ask a person.
        return Resolution(ann, ORPHANED, None, None, 0.0)
    twin = any(c.quote >= 100.0 for c in others)
    if not _acceptable(ann, best, rival, ambiguous, twin):
        return Resolution(ann, ORPHANED, None, None, 0.0)
    score = best.score
    if score >= 100.0 and (plausible or not _whole_context(ann, text, best.start) or best.quote < 100
                           or len(ann.quote) < SHORT and best.start != ann.start):
        score = UNSURE  # another place could be it: not certain
    score = min(round(score, 1), 99.9 if score < 100 else 100.0)
    if best.quote >= 100.0 and text[best.start:best.end] == ann.quote:
        status = EXACT if best.start == ann.start else MOVED
    else:
        status = FUZZY
    return Resolution(ann, status, best.start, best.end, score)


def _framed_first(ranked: list[Candidate], expected: int) -> Candidate:
    """The best-ranked candidate, unless places framed by the whole old context exist: 64
    characters agreeing around a span say more than a few characters of quote similarity, so a
    framed place nearer where the span should be is taken (its quote still acceptable). Where
    the old text had the passage twice, context and all, the context cannot tell the two apart:
    the place, not an edit inside one of them, decides."""
    best = ranked[0]
    d = abs(best.start - expected)
    framed = [c for c in ranked if is_framed(c) and is_plausible(c) and abs(c.start - expected) < d]
    if not framed:
        return best
    return min(framed, key=lambda c: (abs(c.start - expected), -c.score, c.start))


def _acceptable(ann: Annotation, best: Candidate, rival: Candidate | None, ambiguous: bool,
                twin: bool) -> bool:
    if best.quote < QUOTE_ACCEPT:
        return False
    n = len(ann.quote)
    if n < LONG_MOVE and best.far and twin and 0.0 <= best.weaker < 90.0:
        # a short passage found verbatim more than once, away from where it should be and with a
        # foreign neighbour: more likely one look-alike among others than the passage itself
        return False
    if n < LONG_MOVE and best.far and 0.0 <= best.context < VOUCH:
        # a short passage away from where it should be, with neither neighbour intact: a
        # look-alike sentence elsewhere, not the passage
        return False
    if n < SHORT:  # a few characters say little: the context must agree, and no other place as good
        if best.quote < 100.0 and best.weaker < FOREIGN:
            return False  # approximately and beside a foreign neighbour: a look-alike
        return best.context >= 90.0 and best.score >= ACCEPT and not ambiguous
    if best.score >= ACCEPT:
        return True
    if best.quote >= MOVE_QUOTE and n >= LONG_MOVE:
        # a long passage moved to a new neighbourhood (perhaps lightly edited on the way): taken
        # when no other copy competes
        return rival is None or rival.quote < MOVE_QUOTE or rival.score < best.score - 5.0
    return False


def _settled(top: "Candidate | None") -> bool:
    """A candidate near the expected place that no alignment there could improve on: a verbatim
    copy with its neighbours all but intact (a perfect one is then checked against rivals
    elsewhere), or a place framed by the whole old context (its ends are the context's). A far
    one is never settled: the passage may be at its place, edited."""
    if top is None or top.far:
        return False
    if top.quote >= 100.0:
        return top.score >= UNIQUE_ACCEPT
    return is_framed(top) and top.rank >= LOCAL_GOOD


LOCAL_GOOD = 85.0  # a candidate ranked this high near the expected place ends the search


__all__ = ["Resolution", "resolve", "resolve_all", "set_aside", "SET_ASIDE", "EXACT", "MOVED", "FUZZY", "ORPHANED",
           "ACCEPT"]
