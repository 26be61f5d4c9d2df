"""Re-anchoring: where does each annotation point now that its document may have changed?

exact    the text at its offsets still equals the quote;
moved    the quote is found verbatim elsewhere (nearest the old start; context breaks ties);
fuzzy    an approximate match, scored on quote, prefix, suffix and distance, above a threshold;
orphaned no acceptable match: the annotation is kept as it was and listed, never dropped.

Fuzzy matching looks near the old place first (the text between the unchanged prefix and suffix,
and the quote's best alignment in a window around the old offsets); only when nothing close is
found there does it look further, at the places that verbatim pieces of the quote point to, so a
document is never scanned whole with an approximate matcher. The best candidate's ends are then
moved to word boundaries and to where the old context resumes. The score (0-100) is 70% quote
similarity and 15% each for prefix and suffix (similar and exactly adjacent), less up to 5 for
distance; ``ACCEPT`` and ``QUOTE_ACCEPT`` were tuned on edited copies of the OPP-115 policies
(tests/core/test_anchoring.py, bench/load.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from reviewer.store import Annotation

EXACT, MOVED, FUZZY, ORPHANED = "exact", "moved", "fuzzy", "orphaned"
ACCEPT = 80.0          # combined score a fuzzy match needs (75 let look-alike passages through)
QUOTE_ACCEPT = 70.0    # and the quote itself must be at least this similar
MAX_OCCURRENCES = 2000


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


def resolve(ann: Annotation, text: str) -> Resolution:
    quote = ann.quote
    if 0 <= ann.start <= ann.end <= len(text) and text[ann.start:ann.end] == quote:
        return Resolution(ann, EXACT, ann.start, ann.end, 100.0)
    if quote:
        moved = _moved(ann, text)
        if moved is not None:
            return Resolution(ann, MOVED, moved, moved + len(quote), 100.0)
        fuzzy = _fuzzy(ann, text)
        if fuzzy is not None:
            start, end, score = fuzzy
            return Resolution(ann, FUZZY, start, end, round(score, 1))
    return Resolution(ann, ORPHANED, None, None, 0.0)


def resolve_all(annotations: list[Annotation], text: str) -> list[Resolution]:
    return [resolve(a, text) for a in annotations]


def _context_match(ann: Annotation, text: str, start: int, end: int) -> int:
    """How many characters of prefix (from its end) and suffix (from its start) agree."""
    n = 0
    p = ann.prefix
    for i in range(1, len(p) + 1):
        if start - i < 0 or text[start - i] != p[-i]:
            break
        n += 1
    s = ann.suffix
    for i in range(len(s)):
        if end + i >= len(text) or text[end + i] != s[i]:
            break
        n += 1
    return n


def _moved(ann: Annotation, text: str) -> int | None:
    quote = ann.quote
    if len(quote) >= 4:
        # The nearest occurrence on each side of the old start: two searches that stop early.
        old = min(ann.start, len(text))
        after = text.find(quote, old)
        before = text.rfind(quote, 0, old - 1 + len(quote)) if old > 0 else -1
        hits = [h for h in (before, after) if h != -1]
        if not hits:
            return None
    else:
        hits = []
        pos = text.find(quote)
        while pos != -1 and len(hits) < MAX_OCCURRENCES:
            hits.append(pos)
            pos = text.find(quote, pos + 1)
        if not hits:
            return None
    if len(quote) < 4 and len(hits) > 1:
        # A tiny quote found in several places: only context can place it.
        scored = [(_context_match(ann, text, h, h + len(quote)), -abs(h - ann.start), h) for h in hits]
        best = max(scored)
        if best[0] < min(8, len(ann.prefix) + len(ann.suffix)):
            return None
        return best[2]
    nearest = min(abs(h - ann.start) for h in hits)
    ties = [h for h in hits if abs(h - ann.start) == nearest]  # at most two: before and after
    if len(ties) == 1:
        return ties[0]
    return max(ties, key=lambda h: (_context_match(ann, text, h, h + len(quote)), -h))


def _similarity(a: str, b: str) -> float:
    if not a and not b:
        return 100.0
    return fuzz.ratio(a, b)


def _adjacent(context: str, text: str, start: int, end: int, before: bool) -> float:
    """How much of ``context`` sits right next to the span, 0-100: half similarity of the
    neighbouring characters, half the share that agrees exactly outwards from the span (so a
    look-alike a few characters off, whose neighbourhood is merely similar, scores low)."""
    n = len(context)
    near = text[max(0, start - n):start] if before else text[end:end + n]
    if near == context:
        return 100.0
    exact = 0
    if before:
        while exact < min(n, len(near)) and near[-1 - exact] == context[-1 - exact]:
            exact += 1
    else:
        while exact < min(n, len(near)) and near[exact] == context[exact]:
            exact += 1
    return 0.5 * _similarity(context, near) + 50.0 * exact / n


def _score(ann: Annotation, text: str, start: int, end: int) -> tuple[float, float]:
    q = _similarity(ann.quote, text[start:end])
    parts, weights = [q], [0.7]
    if ann.prefix:
        parts.append(_adjacent(ann.prefix, text, start, end, True))
        weights.append(0.15)
    if ann.suffix:
        parts.append(_adjacent(ann.suffix, text, start, end, False))
        weights.append(0.15)
    combined = sum(p * w for p, w in zip(parts, weights)) / sum(weights)
    distance = abs(start - ann.start) / max(1, len(text))
    return combined - 5.0 * distance, q


def _candidates(ann: Annotation, text: str) -> list[tuple[int, int]]:
    """Spans worth scoring: near the old place first, then where pieces of the quote survive.
    In each place: the text between the unchanged prefix and suffix, and the best alignment."""
    spans: list[tuple[int, int]] = []
    q = ann.quote
    margin = len(q) + 100
    lo, hi = max(0, ann.start - margin), min(len(text), ann.end + margin)
    _between(ann, text, lo, hi, spans)
    if any(_similarity(q, text[s:e]) >= LOCAL_GOOD for s, e in spans):
        return spans  # unchanged context on both sides around a close copy: nothing will beat it
    near = _align(q, text, lo, hi, spans)
    if near < LOCAL_GOOD:
        for a, b in _seed_windows(q, text, ann.start):
            if a < lo or b > hi:
                _between(ann, text, a, b, spans)
                if _align(q, text, a, b, spans) >= 95:
                    break
    return spans


def _between(ann: Annotation, text: str, a: int, b: int, spans: list[tuple[int, int]]) -> None:
    """Context on both sides still there (around ``text[a:b]``): the span is whatever lies between."""
    prefix, suffix = ann.prefix, ann.suffix
    if len(prefix) < 8 or len(suffix) < 8:
        return
    longest = 2 * len(ann.quote) + 40
    pre = text.find(prefix, max(0, a - len(prefix)), b)
    found = 0
    while pre != -1 and found < 10:
        s = pre + len(prefix)
        suf = text.find(suffix, s, s + longest + len(suffix))
        if suf != -1:
            spans.append((s, suf))
            found += 1
        pre = text.find(prefix, pre + 1, b)


LOCAL_GOOD = 90.0  # a quote this similar near its old place is not looked for further away


def _align(q: str, text: str, a: int, b: int, spans: list[tuple[int, int]]) -> float:
    """Best approximate place of ``q`` in ``text[a:b]``, added to ``spans``; returns its score."""
    if b <= a:
        return 0.0
    al = fuzz.partial_ratio_alignment(q, text[a:b])
    if al is None or al.score < QUOTE_ACCEPT - 10:
        return 0.0
    s, e = a + al.dest_start, a + al.dest_end
    spans.append(_snap(text, s, e))
    spans.append((s, e))
    return al.score


SEED = 12          # length of the verbatim pieces of a quote looked for elsewhere in the text
SEED_HITS = 20     # a piece found more often than this says nothing about where the quote is
SEED_WINDOWS = 3   # at most this many far-away places are aligned against the quote
SEED_PIECES = 8    # at most this many pieces of a long quote are looked for


def _seed_windows(q: str, text: str, old_start: int) -> list[tuple[int, int]]:
    """Places far from the old position where the quote may now be: cut the quote into pieces,
    find each verbatim (a quote similar enough to accept keeps some pieces intact), let each hit
    vote for the start it implies, and return a window around the best-voted starts. This keeps
    re-anchoring from aligning the quote against the whole document (slow for long policies)."""
    n = len(q)
    size = SEED if n >= 4 * SEED else max(4, n // 4)
    votes: dict[int, int] = {}
    pieces = 0
    offsets = range(0, n - size + 1, size)
    if len(offsets) > SEED_PIECES:  # spread a few pieces over a long quote
        step = (n - size) / (SEED_PIECES - 1)
        offsets = sorted({round(i * step) for i in range(SEED_PIECES)})
    for off in offsets:
        piece = q[off:off + size]
        if piece.isspace():
            continue
        pieces += 1
        hits = []
        pos = text.find(piece)
        while pos != -1 and len(hits) <= SEED_HITS:
            hits.append(pos)
            pos = text.find(piece, pos + 1)
        if len(hits) > SEED_HITS:
            continue
        for h in hits:
            bucket = (h - off) // 16
            votes[bucket] = votes.get(bucket, 0) + 1
    need = 2 if pieces >= 4 else 1
    ranked = sorted((b for b, v in votes.items() if v >= need),
                    key=lambda b: (-votes[b], abs(b * 16 - old_start)))
    windows: list[tuple[int, int]] = []
    for b in ranked:
        implied = b * 16
        if any(a <= implied <= e - n for a, e in windows):
            continue  # a neighbouring bucket of a window already chosen
        windows.append((max(0, implied - n // 2 - 32), min(len(text), implied + n + n // 2 + 32)))
        if len(windows) == SEED_WINDOWS:
            break
    return windows


def _snap(text: str, start: int, end: int) -> tuple[int, int]:
    """Extend a span to whole words."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and end > 0 and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    return start, end


def _fuzzy(ann: Annotation, text: str) -> tuple[int, int, float] | None:
    if len(ann.quote) < 8 and not (len(ann.prefix) >= 8 and len(ann.suffix) >= 8):
        return None
    best: tuple[float, int, int] | None = None
    for s, e in _candidates(ann, text):
        if e <= s:
            continue
        combined, q = _score(ann, text, s, e)
        if q < QUOTE_ACCEPT - 10:
            continue
        if best is None or combined > best[0]:
            best = (combined, s, e)
    if best is None:
        return None
    _, s, e = best
    framed = (ann.prefix and ann.suffix and s >= len(ann.prefix) and text.startswith(ann.suffix, e)
              and text.startswith(ann.prefix, s - len(ann.prefix)))
    if framed:  # the old context frames it exactly: its ends are right
        ok = best[0] >= ACCEPT and _similarity(ann.quote, text[s:e]) >= QUOTE_ACCEPT
        return (s, e, best[0]) if ok else None
    # An alignment is as long as the quote; words inserted or deleted inside it move its ends:
    # try ends at nearby word boundaries, and where the old context starts or stops again.
    s, e = _refine(ann.quote, text, best[1], best[2])
    starts, ends = {best[1], s}, {best[2], e}
    reach = max(24, len(ann.quote) // 2)
    if len(ann.prefix) >= 4:
        tail = ann.prefix[-12:]
        p = text.rfind(tail, max(0, s - reach - len(tail)), s + reach)
        if p != -1:
            starts.add(p + len(tail))
    if len(ann.suffix) >= 4:
        head = ann.suffix[:12]
        p = text.find(head, max(0, e - reach), e + reach + len(head))
        if p != -1:
            ends.add(p)
    quote = ann.quote
    for s in starts:
        for e in ends:
            if not quote[:1].isspace():
                while s < e and text[s].isspace():
                    s += 1
            if not quote[-1:].isspace():
                while e > s and text[e - 1].isspace():
                    e -= 1
            if e > s and (s, e) != (best[1], best[2]):
                combined, q = _score(ann, text, s, e)
                if combined > best[0] and q >= QUOTE_ACCEPT:
                    best = (combined, s, e)
    combined, s, e = best
    if combined < ACCEPT or _similarity(ann.quote, text[s:e]) < QUOTE_ACCEPT:
        return None
    return s, e, combined


_WORD_START = re.compile(r"(?<!\S)\S")
_WORD_END = re.compile(r"\S(?!\S)")


def _refine(quote: str, text: str, start: int, end: int) -> tuple[int, int]:
    """Move a span's ends to nearby word boundaries while that makes it more like the quote."""
    reach = max(12, len(quote) // 4)
    n = len(text)
    best = fuzz.ratio(quote, text[start:end])
    for _ in range(2):
        moved = False
        for m in _WORD_START.finditer(text, max(0, start - reach), min(end, start + reach + 1)):
            p = m.start()
            if p != start:
                r = fuzz.ratio(quote, text[p:end], score_cutoff=best + 0.001)
                if r > best:
                    best, start, moved = r, p, True
        lo, hi = max(start + 1, end - reach), min(n, end + reach)
        for m in _WORD_END.finditer(text, max(0, lo - 1), min(n, hi + 1)):
            p = m.end()
            if lo <= p <= hi and p != end:
                r = fuzz.ratio(quote, text[start:p], score_cutoff=best + 0.001)
                if r > best:
                    best, end, moved = r, p, True
        if not moved:
            break
    return start, end


__all__ = ["Resolution", "resolve", "resolve_all", "EXACT", "MOVED", "FUZZY", "ORPHANED"]
