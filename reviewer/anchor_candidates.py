"""Where an annotation's quote might now be: the candidate places of re-anchoring
(``reviewer.anchoring``), found by linear searches only. Verbatim copies of the quote, places
framed by the old context, places that verbatim pieces of the quote vote for, one alignment near
the expected place, and the rivals of a perfect match; each fitted at both ends by aligning the
quote's head and tail in a small window (``fit_ends``).
"""

from __future__ import annotations


from reviewer.anchor_scoring import QUOTE_ACCEPT, Candidate, adjacency, is_plausible, score_spans, similarity
from reviewer.store import Annotation

RIVAL_LIKE = 60.0      # a place where the quote's head or tail recurs is fitted as a rival only when this like it
MAX_OCCURRENCES = 2000
LOCAL = 2000     # characters around the expected place searched before the whole text
ALIGN_MAX = 400  # quotes up to this long are aligned as a whole near the expected place
PIECE = 12       # length of the verbatim pieces of a quote looked for in the text
PIECES = 16      # at most this many pieces of a long quote are looked for
PIECE_HITS = 30  # a piece found more often than this says nothing about where the quote is
REGIONS = 4      # at most this many voted places are fitted (plus the one nearest the expected place)
HEAD = 32  # characters of the quote's head and tail aligned to fit a region's ends


def candidate_spans(ann: Annotation, text: str, expected: int, lo: int, hi: int,
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
        for pos in find_all(text, q, MAX_OCCURRENCES):
            spans.add((pos, pos + n))
        a, b = max(0, expected - n - 64), min(len(text), expected + 2 * n + 64)
        framed_spans(ann, text, spans, a, b)
        return spans
    framed_spans(ann, text, spans, lo, hi)
    fit = fit or Fitter(ann, text)
    for sg, eg in regions(q, text, expected, lo, hi):
        spans.add(fit(sg, eg))
    return spans


def aligned_spans(ann: Annotation, text: str, expected: int, fit: Fitter) -> set[tuple[int, int]]:
    """The quote's best alignment near the expected place, whatever pieces of it survived."""
    q = ann.quote
    n = len(q)
    a, b = max(0, expected - n - 64), min(len(text), expected + 2 * n + 64)
    if n > ALIGN_MAX or b <= a:
        return set()
    from rapidfuzz import fuzz  # imported on first use: the app's start never needs it
    al = fuzz.partial_ratio_alignment(q, text[a:b])
    if al is None or al.score < QUOTE_ACCEPT - 10:
        return set()
    return {fit(a + al.dest_start, a + al.dest_end), (a + al.dest_start, a + al.dest_end)}


def rival_candidates(ann: Annotation, text: str, best: Candidate, seen: set[tuple[int, int]],
                     expected: int, fit: Fitter) -> list[Candidate]:
    """Other places that could hold the passage, scored: where its head or tail (16 characters)
    occurs, or its old context frames something, away from ``best``. They only decide whether a
    perfect match is certain (a non-verbatim place cannot outrank it), so they are fitted most
    alike first and the search stops at the first acceptable one: one is enough to doubt."""
    q = ann.quote
    n = len(q)
    framed: set[tuple[int, int]] = set()
    framed_spans(ann, text, framed, 0, len(text))
    out = score_spans(ann, text, framed - seen, expected)
    if any(is_plausible(c) for c in out):
        return out
    h = min(n, HEAD // 2)
    windows: dict[tuple[int, int], float] = {}
    for piece, off in ((q[:h], 0), (q[-h:], n - h)):
        for hit in find_all(text, piece, PIECE_HITS):
            start = hit - off
            if abs(start - best.start) > h:
                lo, hi = max(0, start), min(len(text), start + n)
                if (lo, hi) not in windows:
                    windows[lo, hi] = similarity(q, text[lo:hi])
    # fitting costs two alignments: only where the text is like the quote at all (a copy edited
    # enough to fall under RIVAL_LIKE cannot reach QUOTE_ACCEPT once fitted)
    for (lo, hi), like in sorted(windows.items(), key=lambda kv: -kv[1]):
        if like < RIVAL_LIKE:
            break
        span = fit(lo, hi)
        if span in seen or span in framed:
            continue
        found = score_spans(ann, text, {span}, expected)
        out += found
        if any(is_plausible(c) for c in found):
            break
    return out


def find_all(text: str, piece: str, cap: int, lo: int = 0, hi: int | None = None) -> list[int]:
    hits: list[int] = []
    hi = len(text) if hi is None else hi
    pos = text.find(piece, lo, hi)
    while pos != -1 and len(hits) < cap:
        hits.append(pos)
        pos = text.find(piece, pos + 1, hi)
    return hits


def framed_spans(ann: Annotation, text: str, spans: set[tuple[int, int]], lo: int, hi: int) -> None:
    """Where the old prefix and suffix both survive verbatim, the span is whatever lies between."""
    prefix, suffix = ann.prefix, ann.suffix
    if len(prefix) < 8 or len(suffix) < 8:
        return
    longest = 2 * len(ann.quote) + 40
    found = 0
    for pre in find_all(text, prefix, 50, lo, hi):
        s = pre + len(prefix)
        suf = text.find(suffix, s, s + longest + len(suffix))
        if suf > s:
            spans.add((s, suf))
            found += 1
            if found == 10:
                break


def regions(q: str, text: str, expected: int, lo: int, hi: int) -> list[tuple[int, int]]:
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
        found = find_all(text, piece, PIECE_HITS + 1, lo, hi)
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


class Fitter:
    """``fit_ends`` for one annotation in one text, remembering what it fitted: the local and the
    whole-text passes of one search often propose the same region."""

    def __init__(self, ann: Annotation, text: str) -> None:
        self.ann, self.text = ann, text
        self.done: dict[tuple[int, int], tuple[int, int]] = {}

    def __call__(self, start: int, end: int) -> tuple[int, int]:
        span = self.done.get((start, end))
        if span is None:
            span = self.done[start, end] = fit_ends(self.ann, self.text, start, end)
        return span


def fit_ends(ann: Annotation, text: str, start: int, end: int) -> tuple[int, int]:
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
    from rapidfuzz import fuzz
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
    from rapidfuzz import fuzz
    al = fuzz.partial_ratio_alignment(q[-h:], text[lo:end + reach])
    if al is not None and al.score >= 60:
        ends.add(lo + al.dest_end)
    s = start if len(starts) == 1 else max(starts, key=lambda p: (_start_fit(ann, text, p, h), -abs(p - start)))
    e = end if len(ends) == 1 else max(ends, key=lambda p: (_end_fit(ann, text, p, h), -abs(p - end)))
    s, e = _tidy(ann, text, s, e)
    return (s, e) if e > s else (start, end)


def _start_fit(ann: Annotation, text: str, p: int, h: int) -> float:
    head = similarity(ann.quote[:h], text[p:p + h])
    return head + (adjacency(ann.prefix, text, p, p, True) if ann.prefix else 0.0)


def _end_fit(ann: Annotation, text: str, p: int, h: int) -> float:
    tail = similarity(ann.quote[-h:], text[max(0, p - h):p])
    return tail + (adjacency(ann.suffix, text, p, p, False) if ann.suffix else 0.0)


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
