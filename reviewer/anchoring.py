"""Re-anchoring: where does each annotation point now that its document may have changed?

exact    the text at its offsets still equals the quote;
moved    the quote is found verbatim elsewhere (nearest the old start; context breaks ties);
fuzzy    an approximate match, scored on quote, prefix, suffix and distance, above a threshold;
orphaned no acceptable match: the annotation is kept as it was and listed, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from reviewer.store import Annotation

EXACT, MOVED, FUZZY, ORPHANED = "exact", "moved", "fuzzy", "orphaned"
ACCEPT = 75.0          # combined score a fuzzy match needs
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
    return min(hits, key=lambda h: (abs(h - ann.start), -_context_match(ann, text, h, h + len(quote))))


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
    spans: list[tuple[int, int]] = []
    q = ann.quote
    # 1. Context on both sides still there: the span is whatever lies between.
    if len(ann.prefix) >= 8 and len(ann.suffix) >= 8:
        pre = text.find(ann.prefix)
        while pre != -1 and len(spans) < 50:
            s = pre + len(ann.prefix)
            suf = text.find(ann.suffix, s)
            if suf != -1 and suf - s <= 2 * len(q) + 40:
                spans.append((s, suf))
            pre = text.find(ann.prefix, pre + 1)
    # 2. Approximate alignment of the quote near its old place, then anywhere.
    margin = 2 * len(q) + 200
    lo, hi = max(0, ann.start - margin), min(len(text), ann.end + margin)
    for a, b in ((lo, hi), (0, len(text))):
        window = text[a:b]
        if not window:
            continue
        al = fuzz.partial_ratio_alignment(q, window)
        if al is not None and al.score >= QUOTE_ACCEPT - 10:
            s, e = a + al.dest_start, a + al.dest_end
            spans.append(_snap(text, s, e))
            spans.append((s, e))
            if al.score >= 95:
                break
    return spans


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
        if q < QUOTE_ACCEPT:
            continue
        if best is None or combined > best[0]:
            best = (combined, s, e)
    if best is None or best[0] < ACCEPT:
        return None
    return best[1], best[2], best[0]


__all__ = ["Resolution", "resolve", "resolve_all", "EXACT", "MOVED", "FUZZY", "ORPHANED"]
