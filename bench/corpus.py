"""Generate a large synthetic corpus of privacy policies from the 115 real ones.

Each generated file is a copy of one real policy (round robin over the sorted
sources), lightly perturbed so that copies compete with each other in search
and re-anchoring: the company is renamed, a few words are dropped or swapped,
some numbers change, a sentence or two is dropped or swapped, and a few
adjacent paragraphs trade places.  Generation is deterministic for a given
``(n, seed)`` and the source files, and cached: when ``dest`` already holds
the files of the same ``(n, seed)`` nothing is rewritten.

    python bench/corpus.py 1000 /tmp/corpus-1000          # prints DEST
    python bench/corpus.py 1000 /tmp/corpus-1000 --seed 3

From Python::

    from bench.corpus import generate          # or importlib from the path
    paths = generate(1000, Path("/tmp/corpus-1000"))
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from pathlib import Path

#: Where the 115 real policies live (../shared/corpus next to the repository).
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"

#: Bump when the perturbations change, so cached corpora are regenerated.
VERSION = 2
MANIFEST = ".corpus.json"

_COMPANY_HEADS = (
    "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne",
    "Tyrell", "Soylent", "Cyberdyne", "Aperture", "Oscorp", "Wonka", "Massive",
    "Gringotts", "Pied Piper", "Dunder", "Monarch", "Nakatomi", "Blue Sun", "Virtucon",
    "Sirius", "Zorg", "Krusty", "Ollivander", "Bluth", "Prestige", "Rekall", "Veridian",
)
_COMPANY_TAILS = ("", " Media", " Labs", " Group", " Online", " Networks", " Works", " Digital")

_WORD = re.compile(r"\S+")
_NUMBER = re.compile(r"\d+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"(])")
_PARAGRAPH_SPLIT = re.compile(r"\n[ \t]*\n")


def sources(source: Path = CORPUS) -> list[Path]:
    """The real policies generation copies from, sorted by name."""
    return sorted(p for p in Path(source).glob("*.txt") if not p.name.startswith("."))


def company_of(stem: str) -> str:
    """The company word a policy's file name suggests: ``amazon.com`` -> ``amazon``."""
    base = stem.split(".")[0]
    return base[4:] if base.startswith("www.") else base


def _fake_company(rng: random.Random) -> str:
    return rng.choice(_COMPANY_HEADS) + rng.choice(_COMPANY_TAILS)


def _match_case(template: str, name: str) -> str:
    if template.isupper() and len(template) > 1:
        return name.upper()
    if template.islower():
        return name.lower().replace(" ", "")
    return name


def _rename_company(text: str, company: str, fake: str) -> str:
    if len(company) < 3:
        return text
    pattern = re.compile(
        r"(?<![\w])(" + re.escape(company) + r")(\.(?:com|net|org|edu|gov|co\.uk)\b)?(?![a-z])",
        re.IGNORECASE,
    )

    def sub(m: re.Match[str]) -> str:
        if m.group(2):  # a domain: no spaces in it
            return _match_case(m.group(1), fake).replace(" ", "") + m.group(2)
        return _match_case(m.group(1), fake)

    return pattern.sub(sub, text)


def _change_numbers(text: str, rng: random.Random, rate: float = 0.3) -> str:
    def swap(m: re.Match[str]) -> str:
        digits = m.group(0)
        if rng.random() >= rate:
            return digits
        if len(digits) == 1:
            return str(rng.randrange(10))
        return str(rng.randrange(10 ** (len(digits) - 1), 10 ** len(digits)))

    return _NUMBER.sub(swap, text)


def _edit_words(paragraph: str, rng: random.Random) -> str:
    words = list(_WORD.finditer(paragraph))
    if len(words) < 4:
        return paragraph
    i = rng.randrange(len(words) - 1)
    a, b = words[i], words[i + 1]
    if rng.random() < 0.5:
        # drop word i together with the whitespace after it
        return paragraph[: a.start()] + paragraph[b.start():]
    # swap words i and i+1, keeping the whitespace between them
    return (paragraph[: a.start()] + b.group(0) + paragraph[a.end(): b.start()]
            + a.group(0) + paragraph[b.end():])


def _sentences(paragraph: str) -> list[str]:
    return _SENTENCE_END.split(paragraph)


def _edit_sentences(paragraph: str, rng: random.Random) -> str:
    parts = _sentences(paragraph)
    if len(parts) < 3:
        return paragraph
    if rng.random() < 0.5:
        del parts[rng.randrange(len(parts))]
    else:
        i = rng.randrange(len(parts) - 1)
        parts[i], parts[i + 1] = parts[i + 1], parts[i]
    return " ".join(parts)


def perturb(text: str, rng: random.Random, company: str = "") -> str:
    """Lightly perturb a policy text; deterministic for a given ``rng`` state.

    Renames ``company`` (a word, matched case-insensitively) to a made-up name,
    changes about a third of the numbers, edits 3-8 words, 1-3 sentences and
    swaps 1-3 pairs of adjacent paragraphs.  Paragraph breaks are kept.
    """
    if company:
        text = _rename_company(text, company, _fake_company(rng))
    text = _change_numbers(text, rng)
    separators = _PARAGRAPH_SPLIT.findall(text)
    paragraphs = _PARAGRAPH_SPLIT.split(text)
    if not paragraphs:
        return text
    for _ in range(rng.randint(3, 8)):
        k = rng.randrange(len(paragraphs))
        paragraphs[k] = _edit_words(paragraphs[k], rng)
    for _ in range(rng.randint(1, 3)):
        k = rng.randrange(len(paragraphs))
        paragraphs[k] = _edit_sentences(paragraphs[k], rng)
    if len(paragraphs) > 3:
        for _ in range(rng.randint(1, 3)):
            # keep the first paragraph (the title) in place
            k = rng.randrange(1, len(paragraphs) - 1)
            paragraphs[k], paragraphs[k + 1] = paragraphs[k + 1], paragraphs[k]
    out = [paragraphs[0]]
    for sep, para in zip(separators, paragraphs[1:]):
        out.append(sep)
        out.append(para)
    return "".join(out)


def _name_for(source: Path, copy: int) -> str:
    return f"{source.stem}--{copy:04d}.txt"


def _fingerprint(files: list[Path]) -> str:
    h = hashlib.sha256()
    for f in files:
        st = f.stat()
        h.update(f"{f.name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _read_manifest(dest: Path) -> dict | None:
    try:
        return json.loads((dest / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def generate(n: int, dest: Path, seed: int = 0, source: Path = CORPUS) -> list[Path]:
    """Write ``n`` perturbed policy ``.txt`` files into ``dest``; return their paths (sorted).

    Deterministic for ``(n, seed)`` and the source files.  When ``dest`` already
    holds this corpus (same n, seed, version and sources, all files present)
    nothing is written.  Files a previous generation left in ``dest`` that are
    not part of this corpus are removed (only files listed in its manifest).
    Raises ``FileNotFoundError`` when ``source`` has no ``.txt`` files.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    dest = Path(dest)
    originals = sources(source)
    if not originals:
        raise FileNotFoundError(f"{source}: no .txt policies to generate a corpus from")
    names = [_name_for(originals[i % len(originals)], i // len(originals)) for i in range(n)]
    paths = [dest / name for name in names]
    wanted = {"version": VERSION, "n": n, "seed": seed, "sources": _fingerprint(originals)}
    old = _read_manifest(dest)
    if old is not None and {k: old.get(k) for k in wanted} == wanted and all(p.is_file() for p in paths):
        return sorted(paths)

    dest.mkdir(parents=True, exist_ok=True)
    (dest / MANIFEST).unlink(missing_ok=True)  # invalid until the whole corpus is written
    if old is not None:
        keep = set(names)
        for name in old.get("files", []):
            if name not in keep and "/" not in name and name.endswith(".txt"):
                (dest / name).unlink(missing_ok=True)
    texts: dict[Path, str] = {}
    for i, path in enumerate(paths):
        original = originals[i % len(originals)]
        if original not in texts:
            texts[original] = original.read_text(encoding="utf-8", errors="replace")
        rng = random.Random(f"{seed}:{i}:{original.name}")
        text = perturb(texts[original], rng, company_of(original.stem))
        path.write_text(text, encoding="utf-8", newline="")
    (dest / MANIFEST).write_text(json.dumps({**wanted, "files": names}, indent=1), encoding="utf-8")
    return sorted(paths)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of policies to generate")
    parser.add_argument("dest", type=Path, help="folder to write them into (created)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--source", type=Path, default=CORPUS, help="folder of real .txt policies")
    args = parser.parse_args(argv)
    try:
        paths = generate(args.n, args.dest, args.seed, args.source)
    except (OSError, ValueError) as exc:
        print(f"corpus: {exc}", file=sys.stderr)
        return 2
    print(f"{len(paths)} policies in {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
