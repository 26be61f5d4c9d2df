"""Revise a real policy the way policies are revised, knowing exactly where every old character went.

A revision of a policy from ../shared/corpus gets: typos and word edits inside annotated spans,
boilerplate duplicated elsewhere (a "Summary" repeating a paragraph, the contact paragraph twice),
paragraphs moved, deleted, added (from another policy) and reflowed (hard-wrapped). Annotations are
made on the old text: sentences and clauses, short phrases of a word or three, and passages of a few
paragraphs. Every character of the new text carries its origin (an old offset, a copy of one, or
new), so each annotation's true new place is known and a re-anchoring can be graded:

placed     on the characters that came from its span (at least half of both);
orphaned   not placed (right when less than half of its span survives, else a loss);
misplaced  placed anywhere else (also when its span is gone, unless on a copy of it).

    .venv/bin/python bench/revisions.py                 # grade the engine on every policy
    .venv/bin/python bench/revisions.py --policies 20 --seed 3
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reviewer.clauses import segment  # noqa: E402
from reviewer.store import Annotation  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
NEW = -1  # origin of a character the revision wrote


def _copy(origin: int) -> int:
    """The origin of a duplicated character: marked so that the original stays the truth."""
    return -2 - origin if origin >= 0 else origin


@dataclass
class Block:
    """One paragraph of the revised text: its characters and where each came from."""
    text: str
    origin: list[int]


@dataclass
class Graded:
    placed: int = 0
    orphaned: int = 0        # orphaned while its span survives: a loss, never a wrong answer
    right_orphans: int = 0   # orphaned because its span is gone
    misplaced: int = 0
    misplaced_100: int = 0
    total: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, other: "Graded") -> None:
        for name in ("placed", "orphaned", "right_orphans", "misplaced", "misplaced_100", "total"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.examples.extend(other.examples[: max(0, 10 - len(self.examples))])

    @property
    def misplaced_rate(self) -> float:
        return self.misplaced / max(1, self.total)


@dataclass
class Revision:
    old: str
    new: str
    origin: list[int]          # per character of ``new``
    annotations: list[Annotation]


def _blocks(text: str) -> list[Block]:
    blocks, pos = [], 0
    for line in text.split("\n"):
        blocks.append(Block(line, list(range(pos, pos + len(line)))))
        pos += len(line) + 1
    return blocks


def _join(blocks: list[Block]) -> tuple[str, list[int]]:
    text = "\n".join(b.text for b in blocks)
    origin: list[int] = []
    for i, b in enumerate(blocks):
        if i:
            origin.append(NEW)
        origin.extend(b.origin)
    return text, origin


def annotate(text: str, rng: random.Random, count: int) -> list[Annotation]:
    """Sentences and clauses, short phrases, and passages of a few paragraphs."""
    clauses = [c for c in segment(text) if c.end - c.start >= 20]
    if not clauses:
        return []
    spans: set[tuple[int, int]] = set()
    for _ in range(count * 3):
        if len(spans) >= count:
            break
        c = rng.choice(clauses)
        kind = rng.random()
        if kind < 0.55:
            spans.add((c.start, c.end))
        elif kind < 0.85:  # a short phrase: one to three words inside the clause
            words = [m.span() for m in re.finditer(r"\S+", text[c.start:c.end])]
            if len(words) < 2:
                continue
            i = rng.randrange(len(words))
            j = min(len(words), i + rng.randint(1, 3))
            s, e = c.start + words[i][0], c.start + words[j - 1][1]
            if e - s >= 3:
                spans.add((s, e))
        else:  # a passage: this clause to one two or three clauses later
            k = clauses.index(c)
            last = clauses[min(len(clauses) - 1, k + rng.randint(1, 3))]
            spans.add((c.start, last.end))
    return [Annotation.create(text, s, e, ["other"], id=f"a{n}") for n, (s, e) in enumerate(sorted(spans))]


def _locate(blocks: list[Block], offset: int) -> tuple[int, int] | None:
    for bi, b in enumerate(blocks):
        if b.origin and b.origin[0] <= offset <= b.origin[-1]:
            try:
                return bi, b.origin.index(offset)
            except ValueError:
                return None
    return None


def _edit_inside(blocks: list[Block], ann: Annotation, rng: random.Random) -> None:
    """A typo, or a word inserted, deleted or replaced, somewhere inside the span."""
    where = _locate(blocks, rng.randint(ann.start, max(ann.start, ann.end - 1)))
    if where is None:
        return
    bi, ci = where
    b = blocks[bi]
    kind = rng.random()
    if kind < 0.4 and b.text[ci:ci + 1].isalpha():  # typo
        ch = rng.choice("abcdefghijklmnopqrstuvwxyz")
        b.text, b.origin = b.text[:ci] + ch + b.text[ci + 1:], b.origin[:ci] + [NEW] + b.origin[ci + 1:]
        return
    # move to a word start
    while ci > 0 and not b.text[ci - 1].isspace():
        ci -= 1
    m = re.match(r"\S+\s*", b.text[ci:])
    word = rng.choice(["also", "only", "generally", "reasonably", "third-party", "personal", "certain"])
    if kind < 0.7:  # insert a word
        ins = word + " "
        b.text, b.origin = b.text[:ci] + ins + b.text[ci:], b.origin[:ci] + [NEW] * len(ins) + b.origin[ci:]
    elif m is not None and kind < 0.85:  # delete a word
        k = m.end()
        b.text, b.origin = b.text[:ci] + b.text[ci + k:], b.origin[:ci] + b.origin[ci + k:]
    elif m is not None:  # replace a word
        k = len(m.group().rstrip())
        b.text, b.origin = b.text[:ci] + word + b.text[ci + k:], b.origin[:ci] + [NEW] * len(word) + b.origin[ci + k:]


def _reflow(b: Block, width: int = 72) -> None:
    """Hard-wrap a paragraph: some spaces become line breaks (the characters keep their origin)."""
    chars = list(b.text)
    col = 0
    for i, ch in enumerate(chars):
        col += 1
        if ch == " " and col >= width:
            chars[i] = "\n"
            col = 0
    b.text = "".join(chars)


def revise(old: str, other: str, rng: random.Random, annotations: int = 30) -> Revision:
    """A new version of ``old`` (``other``: a policy to take added paragraphs from)."""
    anns = annotate(old, rng, annotations)
    blocks = _blocks(old)
    # edits inside a third of the annotated spans
    for a in anns:
        if rng.random() < 0.35:
            for _ in range(rng.randint(1, 2)):
                _edit_inside(blocks, a, rng)
    substantial = [i for i, b in enumerate(blocks) if len(b.text) >= 40]
    if len(substantial) < 8:
        text, origin = _join(blocks)
        return Revision(old, text, origin, anns)
    # boilerplate: a "Summary" near the top repeating a paragraph (often an annotated one), the
    # contact paragraph twice
    annotated_blocks = [loc[0] for a in anns if (loc := _locate(blocks, a.start)) is not None]
    for _ in range(2):
        src = rng.choice(annotated_blocks or substantial) if rng.random() < 0.7 else rng.choice(substantial)
        b = blocks[src]
        summary = [Block("Summary", [NEW] * 7), Block(b.text, [_copy(o) for o in b.origin])]
        at = rng.randint(0, min(6, len(blocks)))
        blocks[at:at] = summary
    contact = [i for i, b in enumerate(blocks) if re.search(r"contact|@|address", b.text, re.I) and len(b.text) >= 30]
    if contact:
        b = blocks[rng.choice(contact)]
        blocks.append(Block(b.text, [_copy(o) for o in b.origin]))
    # paragraphs moved, deleted, added, reflowed
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(blocks))
        moved = blocks.pop(i)
        blocks.insert(rng.randrange(len(blocks) + 1), moved)
    for _ in range(rng.randint(1, 3)):
        blocks.pop(rng.randrange(len(blocks)))
    extra = [p for p in other.split("\n") if len(p) >= 40]
    for _ in range(rng.randint(1, 3)):
        if extra:
            p = rng.choice(extra)
            blocks.insert(rng.randrange(len(blocks) + 1), Block(p, [NEW] * len(p)))
    for _ in range(rng.randint(1, 2)):
        _reflow(blocks[rng.randrange(len(blocks))])
    text, origin = _join(blocks)
    return Revision(old, text, origin, anns)


def grade(rev: Revision, resolutions) -> Graded:
    """Grade each resolution against where its span's characters went."""
    where: dict[int, int] = {}
    copies: dict[int, list[int]] = {}
    for pos, o in enumerate(rev.origin):
        if o >= 0:
            where[o] = pos
        elif o <= -2:
            copies.setdefault(-2 - o, []).append(pos)
    g = Graded()
    for ann, r in zip(rev.annotations, resolutions):
        g.total += 1
        n = ann.end - ann.start
        alive = {where[o] for o in range(ann.start, ann.end) if o in where}
        copied = {p for o in range(ann.start, ann.end) for p in copies.get(o, ())}
        survives = len(alive) >= 0.5 * n
        if not r.placed:
            if survives:
                g.orphaned += 1
            else:
                g.right_orphans += 1
            continue
        got = set(range(r.start, r.end))

        def fits(truth: set[int], got: set[int] = got) -> bool:
            inside = len(got & truth)
            return bool(got) and inside >= 0.5 * len(got) and inside >= 0.5 * len(truth)

        if survives and fits(alive) or not survives and copied and fits(copied) or not survives and alive and fits(alive):
            g.placed += 1
            continue
        if not survives and _twin(rev, ann, r.start, r.end):
            g.placed += 1  # the old text had this very passage, context and all, twice
            continue
        g.misplaced += 1
        if r.score >= 100:
            g.misplaced_100 += 1
        if len(g.examples) < 10:
            g.examples.append(f"{ann.id} {r.status} {r.score} quote {ann.quote[:60]!r} -> "
                              f"{rev.new[r.start:r.end][:60]!r}")
    return g


def _twin(rev: Revision, ann: Annotation, start: int, end: int) -> bool:
    """Is the placement on a passage that was, in the old text, identical to the annotated one
    with the same context (so that nothing could tell them apart)?"""
    origins = [o for o in rev.origin[start:end] if o >= 0]
    if not origins or rev.new[start:end] != ann.quote:
        return False
    s = origins[0]
    old = rev.old
    return (old[s:s + len(ann.quote)] == ann.quote and old[max(0, s - len(ann.prefix)):s] == ann.prefix
            and old[s + len(ann.quote):s + len(ann.quote) + len(ann.suffix)] == ann.suffix)


def policies(limit: int | None = None) -> list[Path]:
    paths = sorted(CORPUS.glob("*.txt"))
    return paths[:limit] if limit else paths


def run(limit: int | None, seed: int, annotations: int = 30) -> Graded:
    from reviewer.anchoring import resolve_all
    from reviewer.documents import load_document

    paths = policies(limit)
    total = Graded()
    for k, path in enumerate(paths):
        rng = random.Random(f"{seed}:{path.name}")
        old = load_document(path).text
        other = load_document(paths[(k + 1) % len(paths)]).text
        rev = revise(old, other, rng, annotations)
        total.add(grade(rev, resolve_all(rev.annotations, rev.new)))
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--annotations", type=int, default=30)
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"{CORPUS} is not present", file=sys.stderr)
        return 2
    g = run(args.policies, args.seed, args.annotations)
    print(f"annotations {g.total}: placed {g.placed}, orphaned {g.orphaned} (span survives), "
          f"orphaned {g.right_orphans} (span gone), misplaced {g.misplaced} ({100 * g.misplaced_rate:.2f}%), "
          f"misplaced with score 100: {g.misplaced_100}")
    for e in g.examples:
        print("  ", e)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
