"""The clause-level difference between two versions of a policy, and a word-level diff of each
reworded clause.

Each clause of either side is
  same     identical text (up to whitespace: re-wrapped lines are the same clause),
  moved    identical text, elsewhere in the order,
  changed  a rewording of one clause: not identical, in the same gap between unchanged clauses,
           and at least ``CHANGED`` similar (rapidfuzz ratio of the whitespace-normalised texts,
           0-100); the pairing maximises the total similarity while keeping the order,
  added / removed  the rest.
The unchanged and reworded pairs also say where an old offset should be in the new text, which is
what re-anchoring ranks candidates by (``VersionDiff.expected``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from reviewer.clauses import Clause, segment

SAME, MOVED, CHANGED, ADDED, REMOVED = "same", "moved", "changed", "added", "removed"
CHANGED_SIMILARITY = 60.0  # a pair of clauses at least this similar is one clause reworded
DP_LIMIT = 4000            # gaps larger than this (old x new clauses) are paired greedily

_SPACES = re.compile(r"\s+")
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class ClauseChange:
    status: str
    old: tuple[int, int] | None
    new: tuple[int, int] | None
    similarity: float | None = None
    words: tuple[tuple[str, str], ...] | None = None

    def to_json(self) -> dict:
        out: dict = {"status": self.status, "old": list(self.old) if self.old else None,
                     "new": list(self.new) if self.new else None, "similarity": self.similarity}
        if self.status == CHANGED:
            out["words"] = [list(w) for w in self.words or ()]
        return out


@dataclass
class VersionDiff:
    clauses: list[ClauseChange]
    _pairs: list[tuple[int, int, int, int]] = field(default_factory=list, repr=False)

    def counts(self) -> dict[str, int]:
        out = {SAME: 0, MOVED: 0, CHANGED: 0, ADDED: 0, REMOVED: 0}
        for c in self.clauses:
            out[c.status] += 1
        return out

    def changes(self) -> dict[str, int]:
        c = self.counts()
        return {"added": c[ADDED], "removed": c[REMOVED], "changed": c[CHANGED], "moved": c[MOVED]}

    def expected(self, offset: int) -> int:
        """Where an old offset should be in the new text, after the edits before it."""
        pairs = self._pairs
        if not pairs:
            return offset
        i = bisect_right(pairs, (offset, 1 << 62, 0, 0)) - 1
        if i < 0:
            o0, _, n0, _ = pairs[0]
            return max(0, n0 - (o0 - offset))
        o0, o1, n0, n1 = pairs[i]
        return n0 + min(offset - o0, max(0, n1 - n0)) if offset < o1 else n1 + (offset - o1)


def _opcodes(ka: list[str], kb: list[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib-style opcodes from a patience alignment: lines unique on both sides anchor (their
    longest increasing run), equal neighbours extend the anchors, the rest are gaps. Linear but
    for the sort, where difflib is quadratic on the many repeated lines of a long policy."""
    ca, cb = Counter(ka), Counter(kb)
    where_b = {k: j for j, k in enumerate(kb) if cb[k] == 1}
    cand = [(i, where_b[k]) for i, k in enumerate(ka) if ca[k] == 1 and k in where_b]
    anchors = _increasing(cand)
    matched: list[tuple[int, int]] = []
    pi, pj = 0, 0
    for ai, aj in anchors + [(len(ka), len(kb))]:
        # extend forward from the previous match, backward from this anchor
        i, j = pi, pj
        while i < ai and j < aj and ka[i] == kb[j]:
            matched.append((i, j))
            i, j = i + 1, j + 1
        back: list[tuple[int, int]] = []
        x, y = ai - 1, aj - 1
        while x >= i and y >= j and ka[x] == kb[y]:
            back.append((x, y))
            x, y = x - 1, y - 1
        matched.extend(reversed(back))
        if ai < len(ka):
            matched.append((ai, aj))
        pi, pj = ai + 1, aj + 1
    ops: list[tuple[str, int, int, int, int]] = []
    i = j = 0
    for x, y in matched + [(len(ka), len(kb))]:
        if x > i or y > j:
            tag = "replace" if x > i and y > j else ("delete" if x > i else "insert")
            ops.append((tag, i, x, j, y))
        if x < len(ka):
            if ops and ops[-1][0] == "equal" and ops[-1][2] == x and ops[-1][4] == y:
                ops[-1] = ("equal", ops[-1][1], x + 1, ops[-1][3], y + 1)
            else:
                ops.append(("equal", x, x + 1, y, y + 1))
        i, j = x + 1, y + 1
    return ops


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of pairs increasing in both coordinates (pairs come sorted by the first)."""
    tails: list[int] = []
    tail_at: list[int] = []
    back: list[int] = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        pos = bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
            tail_at.append(k)
        else:
            tails[pos] = j
            tail_at[pos] = k
        back[k] = tail_at[pos - 1] if pos > 0 else -1
    out = []
    k = tail_at[-1] if tail_at else -1
    while k != -1:
        out.append(pairs[k])
        k = back[k]
    return out[::-1]


def line_map(old: str, new: str) -> VersionDiff:
    """A cheaper alignment for following annotations: lines instead of clauses (no segmentation),
    unchanged lines paired exactly and the lines of a rewritten stretch paired in order. Its
    ``expected`` is what re-anchoring needs; it has no clause list."""
    def lines(text: str) -> list[tuple[int, int]]:
        out, pos = [], 0
        for line in text.split("\n"):
            out.append((pos, pos + len(line)))
            pos += len(line) + 1
        return out

    la, lb = lines(old), lines(new)
    ka = [old[s:e] for s, e in la]
    kb = [new[s:e] for s, e in lb]
    pairs = []
    for tag, i1, i2, j1, j2 in _opcodes(ka, kb):
        if tag in ("equal", "replace"):
            for k in range(min(i2 - i1, j2 - j1)):
                (s0, e0), (s1, e1) = la[i1 + k], lb[j1 + k]
                pairs.append((s0, e0, s1, e1))
    pairs.sort()
    return VersionDiff([], pairs)


def _key(text: str, c: Clause) -> str:
    return _SPACES.sub(" ", text[c.start:c.end]).strip()


def diff_texts(old: str, new: str, *, words: bool = True, old_clauses: list[Clause] | tuple[Clause, ...] | None = None,
               new_clauses: list[Clause] | tuple[Clause, ...] | None = None) -> VersionDiff:
    """Align the clauses of two texts (``*_clauses``: their segmentation, when already known)."""
    a = list(old_clauses) if old_clauses is not None else segment(old)
    b = list(new_clauses) if new_clauses is not None else segment(new)
    ka, kb = [_key(old, c) for c in a], [_key(new, c) for c in b]
    pair_new: dict[int, tuple[str, int, float | None]] = {}   # new index -> (status, old index, similarity)
    paired_old: set[int] = set()
    ops = _opcodes(ka, kb)
    for tag, i1, i2, j1, _j2 in ops:
        if tag == "equal":
            for k in range(i2 - i1):
                pair_new[j1 + k] = (SAME, i1 + k, 100.0)
                paired_old.add(i1 + k)
    # identical text elsewhere in the order
    waiting: dict[str, list[int]] = {}
    for j in range(len(b)):
        if j not in pair_new:
            waiting.setdefault(kb[j], []).append(j)
    for i in range(len(a)):
        if i not in paired_old and waiting.get(ka[i]):
            j = waiting[ka[i]].pop(0)
            pair_new[j] = (MOVED, i, 100.0)
            paired_old.add(i)
    # rewordings, gap by gap
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            continue
        olds = [i for i in range(i1, i2) if i not in paired_old]
        news = [j for j in range(j1, j2) if j not in pair_new]
        for i, j, sim in _pair(olds, news, ka, kb):
            pair_new[j] = (CHANGED, i, sim)
            paired_old.add(i)
    # the sequence, in the new order, each removed clause after the clause that preceded it
    removed_after: dict[int, list[int]] = {}
    last_new_for_old: dict[int, int] = {i: j for j, (_, i, _) in pair_new.items()}
    anchor = -1
    for i in range(len(a)):
        if i in last_new_for_old:
            anchor = last_new_for_old[i]
        else:
            removed_after.setdefault(anchor, []).append(i)
    out: list[ClauseChange] = [ClauseChange(REMOVED, (a[i].start, a[i].end), None) for i in removed_after.get(-1, [])]
    pairs: list[tuple[int, int, int, int]] = []
    for j, c in enumerate(b):
        if j in pair_new:
            status, i, ratio = pair_new[j]
            o = a[i]
            w = _words(old[o.start:o.end], new[c.start:c.end]) if status == CHANGED and words else None
            similarity = round(ratio, 1) if ratio is not None else None
            out.append(ClauseChange(status, (o.start, o.end), (c.start, c.end), similarity, w))
            pairs.append((o.start, o.end, c.start, c.end))
        else:
            out.append(ClauseChange(ADDED, None, (c.start, c.end)))
        out.extend(ClauseChange(REMOVED, (a[i].start, a[i].end), None) for i in removed_after.get(j, []))
    pairs.sort()
    return VersionDiff(out, pairs)


def _pair(olds: list[int], news: list[int], ka: list[str], kb: list[str]) -> list[tuple[int, int, float]]:
    """Order-keeping pairs of old and new clauses at least CHANGED_SIMILARITY similar, maximising
    the total similarity (dynamic programming; greedy in order for very large gaps)."""
    if not olds or not news:
        return []
    from rapidfuzz import fuzz  # only where there are rewordings to pair
    if len(olds) * len(news) > DP_LIMIT:
        out, start = [], 0
        for i in olds:
            best, at = 0.0, -1
            for k in range(start, min(len(news), start + 40)):
                s = fuzz.ratio(ka[i], kb[news[k]], score_cutoff=CHANGED_SIMILARITY)
                if s > best:
                    best, at = s, k
            if at >= 0:
                out.append((i, news[at], best))
                start = at + 1
        return out
    n, m = len(olds), len(news)
    ratios = [[fuzz.ratio(ka[i], kb[j], score_cutoff=CHANGED_SIMILARITY) for j in news] for i in olds]
    table = [[0.0] * (m + 1) for _ in range(n + 1)]
    for x in range(n - 1, -1, -1):
        for y in range(m - 1, -1, -1):
            take = ratios[x][y] + table[x + 1][y + 1] if ratios[x][y] else 0.0
            table[x][y] = max(take, table[x + 1][y], table[x][y + 1])
    out, x, y = [], 0, 0
    while x < n and y < m:
        if ratios[x][y] and table[x][y] == ratios[x][y] + table[x + 1][y + 1]:
            out.append((olds[x], news[y], ratios[x][y]))
            x, y = x + 1, y + 1
        elif table[x][y] == table[x + 1][y]:
            x += 1
        else:
            y += 1
    return out


def _words(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """Word-level diff: ("same" | "removed" | "added", text) runs."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    out: list[tuple[str, str]] = []

    def put(op: str, text: str) -> None:
        if not text:
            return
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        else:
            out.append((op, text))

    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            put("same", "".join(a[i1:i2]))
        else:
            put("removed", "".join(a[i1:i2]))
            put("added", "".join(b[j1:j2]))
    return tuple(out)


__all__ = ["diff_texts", "VersionDiff", "ClauseChange", "SAME", "MOVED", "CHANGED", "ADDED", "REMOVED",
           "CHANGED_SIMILARITY"]
