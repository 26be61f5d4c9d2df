"""How good a candidate place for an annotation is: the scoring half of re-anchoring
(``reviewer.anchoring``). 70% quote similarity and 15% each for the prefix and the suffix (how
similar the neighbouring characters are, and how far they agree exactly outwards from the span;
a neighbour re-wrapped into other lines counts as intact), less a penalty for the distance from
where the span should be. No search here: ``reviewer.anchor_candidates`` proposes the places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


from reviewer.store import Annotation

ACCEPT = 80.0          # combined score a placement needs (quote and context)
QUOTE_ACCEPT = 70.0    # and the quote itself must be at least this similar
DISTANCE_PENALTY = 8.0  # ranking points lost far from the expected place ...
DISTANCE_SCALE = 1000.0  # ... half of them at this many characters
TIE_NEAR = 200         # equally good places: the one this close to the expected place is taken, else none
W_QUOTE, W_CONTEXT = 0.7, 0.15
CONTEXT_SPAN = 400     # quotes longer than this weigh their context less, in proportion
REFLOWED = 99.5        # similarity of text that differs in whitespace only


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    quote: float      # similarity of the quote, 0-100
    score: float      # quote and context, 0-100 (what is reported)
    context: float    # agreement of the better side of the context (-1: no context to judge by)
    rank: float       # score less the distance penalty (what decides)
    weaker: float     # agreement of the worse side of the context (-1: no context)
    far: bool         # further from the expected place than TIE_NEAR


_SPACES = re.compile(r"\s+")


def _runs(s: str) -> bool:
    """Has ``s`` whitespace other than single spaces (what re-wrapping changes)?"""
    return "\n" in s or "  " in s or "\t" in s or "\r" in s


def _flat(s: str) -> str:
    return _SPACES.sub(" ", s) if _runs(s) else s


_flat_known = lru_cache(maxsize=512)(_flat)  # the annotation's side: the same few strings, again and again


def similarity(a: str, b: str) -> float:
    """0-100 (``a`` from the annotation, ``b`` from the text); text that differs only in how it
    is broken into lines (a reflowed paragraph, a re-extracted page) is all but equal."""
    if a == b:
        return 100.0
    if not a or not b:
        return 0.0
    a2, b2 = _flat_known(a), _flat(b)
    if a2 == b2:
        return REFLOWED
    from rapidfuzz import fuzz  # imported on first use: the app's start never needs it
    return fuzz.ratio(a2, b2)


def adjacency(context: str, text: str, start: int, end: int, before: bool) -> float:
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
    return 0.5 * similarity(context, near) + 50.0 * exact / n


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


def score_at(ann: Annotation, text: str, start: int, end: int, expected: int,
             q: float | None = None) -> Candidate:
    """``q``: the quote's similarity there, when the caller has it already."""
    q = similarity(ann.quote, text[start:end]) if q is None else q
    total, weight, ctx = W_QUOTE * q, W_QUOTE, []
    if ann.prefix:
        ctx.append(adjacency(ann.prefix, text, start, end, True))
    if ann.suffix:
        ctx.append(adjacency(ann.suffix, text, start, end, False))
    w = W_CONTEXT * min(1.0, CONTEXT_SPAN / len(ann.quote))  # 32 characters weigh less beside a long quote
    for c in ctx:
        total += w * c
        weight += w
    score = total / weight
    d = abs(start - expected)
    penalty = DISTANCE_PENALTY * d / (d + DISTANCE_SCALE)
    context = max(ctx) if ctx else -1.0
    weaker = min(ctx) if ctx else -1.0
    return Candidate(start, end, q, score, context, score - penalty, weaker, d > TIE_NEAR)


def score_spans(ann: Annotation, text: str, spans: set[tuple[int, int]], expected: int) -> list[Candidate]:
    out = []
    for s, e in spans:
        if e > s:
            q = similarity(ann.quote, text[s:e])
            if q >= QUOTE_ACCEPT - 10:   # the context is weighed only where the quote is close
                out.append(score_at(ann, text, s, e, expected, q))
    return out


def is_framed(c: Candidate) -> bool:
    """Both sides of the old context are right there around the candidate (whitespace aside)."""
    return c.weaker >= REFLOWED


def is_plausible(c: Candidate) -> bool:
    """Acceptable on score and quote: a place that could be the passage."""
    return c.score >= ACCEPT and c.quote >= QUOTE_ACCEPT
