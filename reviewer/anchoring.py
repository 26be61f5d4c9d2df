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

Candidates come from linear searches only: verbatim copies of the quote, places framed by the
exact old context, and places that verbatim pieces of the quote vote for (each fitted at both ends
by aligning the quote's head and tail in a small window), plus one alignment near the expected
place for short quotes. Each candidate costs one similarity computation, so a 30,000-character
annotation takes milliseconds. ``ACCEPT`` and the weights were tuned on revisions generated from
the real policies of the corpus (``reviewer.revisions``, tests/core/test_anchoring_revisions.py,
bench/versions.py).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable

from rapidfuzz import fuzz

from reviewer.store import Annotation

EXACT, MOVED, FUZZY, ORPHANED = "exact", "moved", "fuzzy", "orphaned"
ACCEPT = 80.0          # combined score a placement needs (quote and context)
QUOTE_ACCEPT = 70.0    # and the quote itself must be at least this similar
LONG_MOVE = 40         # a verbatim copy this long is taken even with foreign context, if it is the only one
MOVE_QUOTE = 95.0      # ... or a copy at least this similar
SHORT = 16             # a quote shorter than this is placed only with its context
FOREIGN = 30.0         # ... and approximately only without a neighbour agreeing less than this
VOUCH = 95.0           # one side of the context this intact vouches for a short passage far away
RIVAL_LIKE = 60.0      # a place where the quote's head or tail recurs is fitted as a rival only when this like it
UNIQUE_ACCEPT = 95.0   # a verbatim copy near its place scoring this needs no alignment search beside it
MAX_OCCURRENCES = 2000
DISTANCE_PENALTY = 8.0  # ranking points lost far from the expected place ...
DISTANCE_SCALE = 1000.0  # ... half of them at this many characters
AMBIGUOUS = 1.0        # another place within this many points: not certain (score at most 99)
UNSURE = 99.0          # the score of a perfect match when another acceptable place exists
TIE_NEAR = 200         # equally good places: the one this close to the expected place is taken, else none
OVERLAP_MARGIN = 15.0 # a verbatim copy overlapping a near match this close to it is preferred

W_QUOTE, W_CONTEXT = 0.7, 0.15
CONTEXT_SPAN = 400     # quotes longer than this weigh their context less, in proportion
REFLOWED = 99.5        # similarity of text that differs in whitespace only


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


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    quote: float      # similarity of the quote, 0-100
    score: float      # quote and context, 0-100 (what is reported)
    context: float    # agreement of the better side of the context (-1: no context to judge by)
    rank: float       # score less the distance penalty (what decides)
    weaker: float     # agreement of the worse side of the context (-1: no context)
    far: bool         # further from the expected place than TIE_NEAR


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
    results: list[Resolution | None] = [_certain(a, text) if a.quote else None for a in annotations]
    anchors = sorted((a.start, r.start - a.start) for a, r in zip(annotations, results)
                     if r is not None and r.start is not None)
    starts = [s for s, _ in anchors]
    out = []
    for ann, done in zip(annotations, results):
        if done is not None:  # at its old place, or the one place with its whole context and no rival
            out.append(done)
            continue
        i = bisect_right(starts, ann.start)
        shifts = [anchors[j][1] for j in range(max(0, i - NEIGHBOURS), min(len(anchors), i + NEIGHBOURS))
                  if anchors[j][0] != ann.start]
        at = max(0, min(n, ann.start + (_median(shifts) if shifts else 0)))
        out.append(_search(ann, text, at) if ann.quote else resolve(ann, text, at))
    return out


NEIGHBOURS = 5       # certain placements on each side whose median shift says where a span should be
def _median(values: list[int]) -> int:
    values = sorted(values)
    return values[len(values) // 2]


# -- certain placements: no search needed ------------------------------------------------------


def _certain(ann: Annotation, text: str) -> Resolution | None:
    """The quote with its whole old context, at its old offsets or at one place only."""
    quote = ann.quote
    if not quote:
        return None
    in_place = 0 <= ann.start <= ann.end <= len(text) and text[ann.start:ann.end] == quote
    if in_place and _whole_context(ann, text, ann.start):
        return Resolution(ann, EXACT, ann.start, ann.end, 100.0)
    if len(ann.prefix) + len(ann.suffix) < SHORT:
        return None  # too little context to call a copy certain
    full = ann.prefix + quote + ann.suffix
    pos = text.find(full)
    if pos == -1 or text.find(full, pos + 1) != -1:
        return None
    # No rival either: an edited copy of the passage elsewhere would keep its head or its tail,
    # or its old context on one side; each of those must occur only here.
    pieces = (ann.prefix, ann.suffix, quote[:HEAD // 2], quote[-(HEAD // 2):])
    if any(p and text.count(p) > 1 for p in pieces):
        return None
    start = pos + len(ann.prefix)
    status = EXACT if start == ann.start else MOVED
    return Resolution(ann, status, start, start + len(quote), 100.0)


def _whole_context(ann: Annotation, text: str, start: int) -> bool:
    end = start + len(ann.quote)
    return (start >= len(ann.prefix) and text.startswith(ann.prefix, start - len(ann.prefix))
            and text.startswith(ann.suffix, end))


# -- scoring -----------------------------------------------------------------------------------


_SPACES = re.compile(r"\s+")


def _runs(s: str) -> bool:
    """Has ``s`` whitespace other than single spaces (what re-wrapping changes)?"""
    return "\n" in s or "  " in s or "\t" in s or "\r" in s


def _flat(s: str) -> str:
    return _SPACES.sub(" ", s) if _runs(s) else s


_flat_known = lru_cache(maxsize=512)(_flat)  # the annotation's side: the same few strings, again and again


def _similarity(a: str, b: str) -> float:
    """0-100 (``a`` from the annotation, ``b`` from the text); text that differs only in how it
    is broken into lines (a reflowed paragraph, a re-extracted page) is all but equal."""
    if a == b:
        return 100.0
    if not a or not b:
        return 0.0
    a2, b2 = _flat_known(a), _flat(b)
    if a2 == b2:
        return REFLOWED
    return fuzz.ratio(a2, b2)


def _adjacent(context: str, text: str, start: int, end: int, before: bool) -> float:
    """How much of ``context`` sits right next to the span, 0-100: half similarity of the
    neighbouring characters, half the share that agrees exactly outwards from the span (so a
    look-alike a few characters off, whose neighbourhood is merely similar, scores low)."""
    n = len(context)
    near = text[max(0, start - n):start] if before else text[end:end + n]
    if near == context:
        return 100.0
    if before:
        a, b = near[::-1].translate(_ONE_SPACE), context[::-1].translate(_ONE_SPACE)
    else:
        a, b = near.translate(_ONE_SPACE), context.translate(_ONE_SPACE)
    exact = _common_prefix(a, b)  # agreement outwards from the span, any whitespace alike
    stop = (a[exact], b[exact]) if exact < min(len(a), len(b)) else ("", "")
    # where whitespace stopped the agreement, the context may be all there, re-wrapped
    if " " in stop and _reflowed(context, text, start, end, before):
        return REFLOWED
    return 0.5 * _similarity(context, near) + 50.0 * exact / n


def _reflowed(context: str, text: str, start: int, end: int, before: bool) -> bool:
    """The context is all there next to the span, but broken into lines differently (a reflowed
    paragraph, a re-extracted page): as good as intact."""
    n = len(context) + 16
    near = text[max(0, start - n):start] if before else text[end:end + n]
    if not _runs(near) and not _runs(context):
        return False  # nothing re-wrapped: the plain comparison already said no
    flat, ctx = _SPACES.sub(" ", near), _SPACES.sub(" ", context)
    return flat.endswith(ctx) if before else flat.startswith(ctx)


# every character str.isspace() knows, as one space: whitespace agrees with whitespace
_ONE_SPACE = str.maketrans({c: " " for c in "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002"
                            "\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"})


def _common_prefix(a: str, b: str) -> int:
    """How many leading characters ``a`` and ``b`` share (slices compared in C, halving)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _score(ann: Annotation, text: str, start: int, end: int, expected: int,
           q: float | None = None) -> _Candidate:
    """``q``: the quote's similarity there, when the caller has it already."""
    q = _similarity(ann.quote, text[start:end]) if q is None else q
    total, weight, ctx = W_QUOTE * q, W_QUOTE, []
    if ann.prefix:
        ctx.append(_adjacent(ann.prefix, text, start, end, True))
    if ann.suffix:
        ctx.append(_adjacent(ann.suffix, text, start, end, False))
    w = W_CONTEXT * min(1.0, CONTEXT_SPAN / len(ann.quote))  # 32 characters weigh less beside a long quote
    for c in ctx:
        total += w * c
        weight += w
    score = total / weight
    d = abs(start - expected)
    penalty = DISTANCE_PENALTY * d / (d + DISTANCE_SCALE)
    context = max(ctx) if ctx else -1.0
    weaker = min(ctx) if ctx else -1.0
    return _Candidate(start, end, q, score, context, score - penalty, weaker, d > TIE_NEAR)


# -- the search --------------------------------------------------------------------------------


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
    spans = _candidates(ann, text, expected, 0, 0, quick=True)
    scored = _scored(ann, text, spans, expected)
    top = max(scored, key=lambda c: c.rank, default=None)
    if not _settled(top):
        more = _aligned(ann, text, expected, fit) - spans
        scored += _scored(ann, text, more, expected)
        spans |= more
        top = max(scored, key=lambda c: c.rank, default=None)
    # A perfect match is only certain once no other acceptable place exists anywhere; a good one
    # cannot be outranked by anything far away (that pays the distance penalty).
    if top is not None and top.score >= 100.0:
        # a perfect match: certain unless a rival exists, and a rival keeps the quote's head or
        # tail, or the old context, somewhere else
        scored += _rivals(ann, text, top, spans, expected, fit)
    elif top is None or top.rank < LOCAL_GOOD or n > ALIGN_MAX:  # (a long quote was not aligned yet)
        # 2. where pieces of the quote vote near the expected place; 3. in the whole text
        lo, hi = max(0, expected - 2 * n - LOCAL), min(len(text), expected + 3 * n + LOCAL)
        more = _candidates(ann, text, expected, lo, hi, fit=fit) - spans
        scored += _scored(ann, text, more, expected)
        spans |= more
        top = max(scored, key=lambda c: c.rank, default=None)
        if (lo > 0 or hi < len(text)) and (top is None or top.rank < LOCAL_GOOD or top.score >= 100.0):
            more = _candidates(ann, text, expected, 0, len(text), fit=fit) - spans
            scored += _scored(ann, text, more, expected)
    if not scored:
        return Resolution(ann, ORPHANED, None, None, 0.0)
    scored.sort(key=lambda c: (-c.rank, abs(c.start - expected), c.start, c.end))
    best = _framed_first(scored, expected)
    if best.quote < 100.0:
        # Text inserted or cut right at an end: the near match takes it in, the verbatim copy
        # inside it does not; an edit at the boundary belongs to neither, so keep the quote whole.
        copy = next((c for c in scored[1:] if c.quote >= 100.0 and c.start < best.end and best.start < c.end
                     and c.score >= best.score - OVERLAP_MARGIN), None)
        if copy is not None:
            best = copy
    others = [c for c in scored if c.end <= best.start or c.start >= best.end]
    rival = max(others, key=lambda c: c.score, default=None)
    ambiguous = rival is not None and rival.score >= best.score - AMBIGUOUS
    plausible = rival is not None and _plausible(rival)
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


def _framed(c: _Candidate) -> bool:
    """Both sides of the old context are right there around the candidate (whitespace aside)."""
    return c.weaker >= REFLOWED


def _framed_first(ranked: list[_Candidate], expected: int) -> _Candidate:
    """The best-ranked candidate, unless places framed by the whole old context exist: 64
    characters agreeing around a span say more than a few characters of quote similarity, so a
    framed place nearer where the span should be is taken (its quote still acceptable). Where
    the old text had the passage twice, context and all, the context cannot tell the two apart:
    the place, not an edit inside one of them, decides."""
    best = ranked[0]
    d = abs(best.start - expected)
    framed = [c for c in ranked if _framed(c) and c.quote >= QUOTE_ACCEPT and c.score >= ACCEPT
              and abs(c.start - expected) < d]
    if not framed:
        return best
    return min(framed, key=lambda c: (abs(c.start - expected), -c.score, c.start))


def _scored(ann: Annotation, text: str, spans: set[tuple[int, int]], expected: int) -> list[_Candidate]:
    out = []
    for s, e in spans:
        if e > s:
            q = _similarity(ann.quote, text[s:e])
            if q >= QUOTE_ACCEPT - 10:   # the context is weighed only where the quote is close
                out.append(_score(ann, text, s, e, expected, q))
    return out


def _acceptable(ann: Annotation, best: _Candidate, rival: _Candidate | None, ambiguous: bool,
                twin: bool) -> bool:
    if best.quote < QUOTE_ACCEPT:
        return False
    n = len(ann.quote)
    if n < LONG_MOVE and best.far and twin and 0.0 <= best.weaker < 90.0:
        # a short passage found verbatim more than once, away from where it should be and with a
        # foreign neighbour: more likely one look-alike among others than the passage itself
        return False
    if n < LONG_MOVE and best.far and best.context < VOUCH:
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


def _candidates(ann: Annotation, text: str, expected: int, lo: int, hi: int,
                quick: bool = False, fit: Fitter | None = None) -> set[tuple[int, int]]:
    """Spans worth scoring. ``quick``: every verbatim copy of the quote, the places framed by the
    old context near the expected place and the quote's best alignment there; otherwise the
    places in ``text[lo:hi]`` framed by the old context and those that pieces of the quote vote for."""
    q = ann.quote
    n = len(q)
    spans: set[tuple[int, int]] = set()
    if quick:
        if 0 <= ann.start < ann.end <= len(text):
            spans.add((ann.start, ann.end))
        for pos in _find_all(text, q, MAX_OCCURRENCES):
            spans.add((pos, pos + n))
        a, b = max(0, expected - n - 64), min(len(text), expected + 2 * n + 64)
        _between(ann, text, spans, a, b)
        return spans
    _between(ann, text, spans, lo, hi)
    fit = fit or Fitter(ann, text)
    for sg, eg in _regions(q, text, expected, lo, hi):
        spans.add(fit(sg, eg))
    return spans


def _aligned(ann: Annotation, text: str, expected: int, fit: Fitter) -> set[tuple[int, int]]:
    """The quote's best alignment near the expected place, whatever pieces of it survived."""
    q = ann.quote
    n = len(q)
    a, b = max(0, expected - n - 64), min(len(text), expected + 2 * n + 64)
    if n > ALIGN_MAX or b <= a:
        return set()
    al = fuzz.partial_ratio_alignment(q, text[a:b])
    if al is None or al.score < QUOTE_ACCEPT - 10:
        return set()
    return {fit(a + al.dest_start, a + al.dest_end), (a + al.dest_start, a + al.dest_end)}


def _settled(top: "_Candidate | None") -> bool:
    """A candidate near the expected place that no alignment there could improve on: a verbatim
    copy with its neighbours all but intact (a perfect one is then checked against rivals
    elsewhere), or a place framed by the whole old context (its ends are the context's). A far
    one is never settled: the passage may be at its place, edited."""
    if top is None or top.far:
        return False
    if top.quote >= 100.0:
        return top.score >= UNIQUE_ACCEPT
    return _framed(top) and top.rank >= LOCAL_GOOD


def _rivals(ann: Annotation, text: str, best: "_Candidate", seen: set[tuple[int, int]],
            expected: int, fit: Fitter) -> list[_Candidate]:
    """Other places that could hold the passage, scored: where its head or tail (16 characters)
    occurs, or its old context frames something, away from ``best``. They only decide whether a
    perfect match is certain (a non-verbatim place cannot outrank it), so they are fitted most
    alike first and the search stops at the first acceptable one: one is enough to doubt."""
    q = ann.quote
    n = len(q)
    framed: set[tuple[int, int]] = set()
    _between(ann, text, framed, 0, len(text))
    out = _scored(ann, text, framed - seen, expected)
    if any(_plausible(c) for c in out):
        return out
    h = min(n, HEAD // 2)
    windows: dict[tuple[int, int], float] = {}
    for piece, off in ((q[:h], 0), (q[-h:], n - h)):
        for hit in _find_all(text, piece, PIECE_HITS):
            start = hit - off
            if abs(start - best.start) > h:
                lo, hi = max(0, start), min(len(text), start + n)
                if (lo, hi) not in windows:
                    windows[lo, hi] = _similarity(q, text[lo:hi])
    # fitting costs two alignments: only where the text is like the quote at all (a copy edited
    # enough to fall under RIVAL_LIKE cannot reach QUOTE_ACCEPT once fitted)
    for (lo, hi), like in sorted(windows.items(), key=lambda kv: -kv[1]):
        if like < RIVAL_LIKE:
            break
        span = fit(lo, hi)
        if span in seen or span in framed:
            continue
        found = _scored(ann, text, {span}, expected)
        out += found
        if any(_plausible(c) for c in found):
            break
    return out


def _plausible(c: _Candidate) -> bool:
    """Acceptable on score and quote: a place that could be the passage."""
    return c.score >= ACCEPT and c.quote >= QUOTE_ACCEPT


def _find_all(text: str, piece: str, cap: int, lo: int = 0, hi: int | None = None) -> list[int]:
    hits: list[int] = []
    hi = len(text) if hi is None else hi
    pos = text.find(piece, lo, hi)
    while pos != -1 and len(hits) < cap:
        hits.append(pos)
        pos = text.find(piece, pos + 1, hi)
    return hits


def _between(ann: Annotation, text: str, spans: set[tuple[int, int]], lo: int, hi: int) -> None:
    """Where the old prefix and suffix both survive verbatim, the span is whatever lies between."""
    prefix, suffix = ann.prefix, ann.suffix
    if len(prefix) < 8 or len(suffix) < 8:
        return
    longest = 2 * len(ann.quote) + 40
    found = 0
    for pre in _find_all(text, prefix, 50, lo, hi):
        s = pre + len(prefix)
        suf = text.find(suffix, s, s + longest + len(suffix))
        if suf > s:
            spans.add((s, suf))
            found += 1
            if found == 10:
                break


LOCAL = 2000     # characters around the expected place searched before the whole text
ALIGN_MAX = 400  # quotes up to this long are aligned as a whole near the expected place
LOCAL_GOOD = 85.0  # a candidate ranked this high near the expected place ends the search
PIECE = 12       # length of the verbatim pieces of a quote looked for in the text
PIECES = 16      # at most this many pieces of a long quote are looked for
PIECE_HITS = 30  # a piece found more often than this says nothing about where the quote is
REGIONS = 4      # at most this many voted places are fitted (plus the one nearest the expected place)


def _regions(q: str, text: str, expected: int, lo: int, hi: int) -> list[tuple[int, int]]:
    """Places where the quote may now be: verbatim pieces of it vote for the start they imply;
    votes that agree form a region, from the start its first piece implies to the end its last
    piece implies (so words inserted or deleted inside the quote stretch the region)."""
    n = len(q)
    size = PIECE if n >= 4 * PIECE else max(4, n // 4)
    if n < size:
        return []
    offsets = list(range(0, n - size + 1, size))
    if len(offsets) > PIECES:
        step = (n - size) / (PIECES - 1)
        offsets = sorted({round(i * step) for i in range(PIECES)})
    hits: list[tuple[int, int, int]] = []  # (implied start, position, offset in the quote)
    pieces = 0
    for off in offsets:
        piece = q[off:off + size]
        if piece.isspace():
            continue
        pieces += 1
        found = _find_all(text, piece, PIECE_HITS + 1, lo, hi)
        if len(found) > PIECE_HITS:
            continue
        hits.extend((h - off, h, off) for h in found)
    if not hits:
        return []
    hits.sort()
    tolerance = max(24, n // 10)
    groups: list[list[tuple[int, int, int]]] = [[hits[0]]]
    for h in hits[1:]:
        if h[0] - groups[-1][-1][0] <= tolerance:
            groups[-1].append(h)
        else:
            groups.append([h])
    need = 1 if pieces < 4 else 2
    ranked = []
    for g in groups:
        votes = len({off for _, _, off in g})
        if votes >= need:
            first = min(g, key=lambda h: (h[2], h[1]))
            last = max(g, key=lambda h: (h[2], -h[1]))
            start, end = first[1] - first[2], last[1] + (n - last[2])
            ranked.append((votes, start, max(end, start + 1)))
    ranked.sort(key=lambda r: (-r[0], abs(r[1] - expected)))
    chosen = ranked[:REGIONS]
    if ranked:
        nearest = min(ranked, key=lambda r: abs(r[1] - expected))
        if nearest not in chosen:
            chosen.append(nearest)
    return [(max(0, s), min(len(text), e)) for _, s, e in chosen]


HEAD = 32  # characters of the quote's head and tail aligned to fit a region's ends


class Fitter:
    """``_fit`` for one annotation in one text, remembering what it fitted: the local and the
    whole-text passes of one search often propose the same region."""

    def __init__(self, ann: Annotation, text: str) -> None:
        self.ann, self.text = ann, text
        self.done: dict[tuple[int, int], tuple[int, int]] = {}

    def __call__(self, start: int, end: int) -> tuple[int, int]:
        span = self.done.get((start, end))
        if span is None:
            span = self.done[start, end] = _fit(self.ann, self.text, start, end)
        return span


def _fit(ann: Annotation, text: str, start: int, end: int) -> tuple[int, int]:
    """Ends for a region: where the old context resumes, or where the quote's head and tail align
    best in a small window around the region's guessed ends; then on word boundaries."""
    q = ann.quote
    n = len(q)
    reach = max(48, n // 20)
    h = min(n, HEAD)
    starts = {start}
    if len(ann.prefix) >= 4:
        tail = ann.prefix[-16:]
        p = text.rfind(tail, max(0, start - reach - len(tail)), start + reach)
        if p != -1:
            starts.add(p + len(tail))
    lo = max(0, start - reach)
    al = fuzz.partial_ratio_alignment(q[:h], text[lo:start + reach + h])
    if al is not None and al.score >= 60:
        starts.add(lo + al.dest_start)
    ends = {end}
    if len(ann.suffix) >= 4:
        head = ann.suffix[:16]
        p = text.find(head, max(0, end - reach), end + reach + len(head))
        if p != -1:
            ends.add(p)
    lo = max(0, end - reach - h)
    al = fuzz.partial_ratio_alignment(q[-h:], text[lo:end + reach])
    if al is not None and al.score >= 60:
        ends.add(lo + al.dest_end)
    s = start if len(starts) == 1 else max(starts, key=lambda p: (_start_fit(ann, text, p, h), -abs(p - start)))
    e = end if len(ends) == 1 else max(ends, key=lambda p: (_end_fit(ann, text, p, h), -abs(p - end)))
    s, e = _tidy(ann, text, s, e)
    return (s, e) if e > s else (start, end)


def _start_fit(ann: Annotation, text: str, p: int, h: int) -> float:
    head = _similarity(ann.quote[:h], text[p:p + h])
    return head + (_adjacent(ann.prefix, text, p, p, True) if ann.prefix else 0.0)


def _end_fit(ann: Annotation, text: str, p: int, h: int) -> float:
    tail = _similarity(ann.quote[-h:], text[max(0, p - h):p])
    return tail + (_adjacent(ann.suffix, text, p, p, False) if ann.suffix else 0.0)


def _tidy(ann: Annotation, text: str, s: int, e: int) -> tuple[int, int]:
    """Whole words at the ends when the quote has whole words there; no stray whitespace."""
    q = ann.quote
    whole_start = not ann.prefix[-1:].isalnum()
    whole_end = not ann.suffix[:1].isalnum()
    if whole_start and q[:1].isalnum() and s < len(text) and text[s].isalnum():
        while s > 0 and text[s - 1].isalnum():
            s -= 1
    if whole_end and q[-1:].isalnum() and e > 0 and text[e - 1].isalnum():
        while e < len(text) and text[e].isalnum():
            e += 1
    if not q[:1].isspace():
        while s < e and text[s].isspace():
            s += 1
    if not q[-1:].isspace():
        while e > s and text[e - 1].isspace():
            e -= 1
    return s, e


__all__ = ["Resolution", "resolve", "resolve_all", "set_aside", "SET_ASIDE", "EXACT", "MOVED", "FUZZY", "ORPHANED",
           "ACCEPT"]
