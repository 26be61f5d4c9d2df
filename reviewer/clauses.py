"""Clause segmentation: the unit an analyst moves through.

A document is cut into paragraphs (blank lines, list items, headings, and line breaks that are
not mere hard wrapping), and each paragraph into sentences. Clauses are in order, never overlap,
are trimmed of surrounding whitespace, and together cover every non-whitespace character.

What the OPP-115 policies taught it: a short line with no closing punctuation, or a question,
standing alone is a heading; lines ending in ';' or '?', lines longer than ``WRAP_WIDTH`` and
blocks of three or more capitalised lines are one entry per line, not wrapped prose; short lines
listed after a lead-in ending in ':' are items; a run-in heading ("Children. We do not ...")
stays with its sentence; abbreviations (e.g., i.e., U.S., Inc., No., St.), initials, decimals,
URLs and e-mail addresses do not end a sentence, except that "U.S."/"Inc." followed by a word
that starts sentences ("We", "The", "Please", ...) does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_CLAUSE = 2000  # longer runs (a 1 MB single line) are cut at whitespace to stay navigable
WRAP_WIDTH = 140  # lines longer than this were not hard-wrapped: each line break is real


@dataclass(frozen=True, slots=True)
class Clause:
    start: int
    end: int  # exclusive
    paragraph: int
    kind: str = "sentence"  # "sentence", "item" or "heading"


LIST_MARKER = re.compile(
    r"[ \t]*(?:[-*\u2022\u2023\u25e6\u25aa\u2013\u2014+]|\d{1,3}[.)]|[A-Za-z][.)]|"
    r"(?:[ivxlcdm]{1,6}|[IVXLCDM]{1,6})[.)]|\(\w{1,4}\))[ \t]+\S"
)
MD_HEADING = re.compile(r"[ \t]*#{1,6}[ \t]")
SENTENCE_END = re.compile(r"([.!?\u2026]+[\"'\u201d\u2019)\]]*)\s+")
CLOSERS = "\"'\u201d\u2019)]"
OPENERS = "\"'\u201c\u2018([*\u2022-"

ABBREVIATIONS = frozenset(
    """e.g i.e eg ie inc ltd co corp llc plc mr mrs ms dr prof sr jr st vs v no nos fig figs approx
    dept est cf al jan feb apr jun jul aug sep sept oct nov dec art sec para pp p vol ed rev gov
    u.s u.k e.u u.s.a ph.d a.m p.m ca op bros""".split()
)
INITIALISM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]$")
# Abbreviations that never end a sentence (the next word always belongs to the same one).
NEVER_ENDS = frozenset("e.g i.e eg ie mr mrs ms dr prof st vs v cf fig figs art sec para pp p vol nos".split())
# Words that start a sentence after an abbreviation that may also end one ("in the U.S. We ...").
STARTERS = frozenset(
    """A All Also An Any As At By Each For From However If In It Its No Note Our Please See
    Some Such That The These They This Those To We What When Where Whether Which While Who
    You Your""".split()
)
NEXT_WORD = re.compile(r"[\"'\u201c\u2018(]*([A-Za-z]+)")
DOMAIN = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b")


def _is_heading_line(line: str) -> bool:
    """A short line with no sentence punctuation at its end (a question is a heading too:
    "What About Cookies?"; a long lead-in ending in ':' is not)."""
    s = line.strip()
    if not s:
        return False
    if MD_HEADING.match(line):
        return True
    if s[-1] in ".!;,\"'\u201d\u2019)" or len(s) > 90:
        return False
    words = len(s.split())
    if s[-1] == ":" and words > 5:
        return False  # "Questions regarding this statement should be directed to:"
    return words <= 12


def _continues(prev: str, nxt: str, width: int) -> bool:
    """Is the break between two non-blank lines just hard wrapping inside one paragraph?"""
    if LIST_MARKER.match(nxt) or MD_HEADING.match(nxt) or MD_HEADING.match(prev):
        return False
    p = prev.rstrip().rstrip(CLOSERS) or prev.rstrip()  # '...the words "END."' ends with '.'
    if width > WRAP_WIDTH or p[-1] in ";?":
        return False  # unwrapped lines, or one list entry per line ("...;" / "...?")
    first = nxt.lstrip()[:1]
    short_heading = _is_heading_line(prev) and len(p) < 0.6 * width
    if short_heading or len(p) < 0.6 * width:
        return False
    if first.islower() or first.isdigit():
        return True
    return p[-1] not in ".!:" and len(p) >= 40


def paragraphs(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of each paragraph, kind "item", "heading" or "text"."""
    result: list[tuple[int, int, str]] = []
    block: list[tuple[int, int, str]] = []  # (start, end, line) of consecutive non-blank lines

    def flush() -> None:
        if len(block) == 1:
            s, e, line = block[0]
            result.append((s, e, _kind(line)))
            block.clear()
            return
        width = max(len(line) for _, _, line in block)
        # A block of title-like lines ("What do we collect-" / "How do we use it-") is a list of
        # headings, not a wrapped paragraph: prose that wraps ends a line with punctuation somewhere.
        # Likewise three or more lines that all start with a capital are an unmarked list.
        titles = all(_is_heading_line(line) for _, _, line in block) or (
            len(block) > 2 and all(line.lstrip()[:1].isupper() for _, _, line in block))
        if titles and len(block) > 2:
            # one entry per line: the lines after the first are the list's items
            s, e, line = block[0]
            result.append((s, e, _kind(line)))
            result.extend((s, e, "item") for s, e, _ in block[1:])
            block.clear()
            return
        cur_start, cur_end, prev_line = block[0]
        for s, e, line in block[1:]:
            if not titles and _continues(prev_line, line, width):
                cur_end = e
            else:
                result.append((cur_start, cur_end, _kind(text[cur_start:cur_end])))
                cur_start, cur_end = s, e
            prev_line = line
        result.append((cur_start, cur_end, _kind(text[cur_start:cur_end])))
        block.clear()

    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        if line and not line.isspace():
            block.append((pos, end, line))
        elif block:
            flush()
        pos = end + 1
    if block:
        flush()
    return result


def _kind(par: str) -> str:
    marker = LIST_MARKER.match(par)
    if "\n" not in par and _is_heading_line(par):
        if not marker:
            return "heading"
        words = [w for w in par[marker.end() - 1 :].split() if w[:1].isalpha()]
        titled = sum(w[0].isupper() for w in words) >= max(1, len(words) / 2)
        bullet = par.lstrip()[0] in "-*\u2022\u2023\u25e6\u25aa\u2013\u2014+"
        return "heading" if titled and not bullet else "item"
    if not marker and "\n" not in par and _is_run_in_heading(par):
        return "heading"  # a line of its own: "Children."
    return "item" if marker else "text"


def _next_word(par: str, pos: int) -> str:
    m = NEXT_WORD.match(par, pos)
    return m.group(1) if m else ""


def _is_boundary(par: str, m: re.Match[str]) -> bool:
    nxt = par[m.end() : m.end() + 1]
    if not nxt:
        return False
    punct = m.group(0).rstrip()
    plain_period = punct.startswith(".") and not punct.startswith("..")
    token = ""
    if plain_period:
        ws = par.rfind(" ", 0, m.start()) + 1
        nl = par.rfind("\n", 0, m.start()) + 1
        token = par[max(ws, nl) : m.start()].lstrip("(\"'\u201c\u2018[")
    if not (nxt.isupper() or nxt.isdigit() or nxt in OPENERS):
        # "...seriously. picker.top implements...": a sentence may start with a lower-case domain.
        return (plain_period and nxt.islower() and len(token) > 1 and token.isalpha()
                and token.lower() not in ABBREVIATIONS and bool(DOMAIN.match(par, m.end())))
    if nxt in "([" and _next_word(par, m.end())[:1].islower():
        return False  # "..., etc. (collectively ...)": a parenthesis that goes on with the sentence
    if plain_period:
        low = token.lower()
        if low in ABBREVIATIONS or INITIALISM.match(token):
            if nxt in OPENERS:
                return False  # 'Acme, Inc. ("Acme")': a defined name follows the company's
            if low in NEVER_ENDS:
                return False  # "e.g. Google", "Mr. Smith", "St. Louis"
            if low == "no" and nxt.isdigit():
                return False  # "No. 5"
            # "the U.S. Department" holds together; "in the U.S. We" and "Acme Inc. The" end.
            return _next_word(par, m.end()) in STARTERS or low == "no"
        if len(token) == 1 and token.isalpha() and token.isupper():
            return False  # an initial: "J. Smith"
    return True


SMALL_WORDS = frozenset("a an and as at by for from in of on or the to with & your our".split())


def _is_run_in_heading(piece: str) -> bool:
    """A paragraph's short, title-like first "sentence" (``Children.``, ``Data Controller.``)."""
    if len(piece) > 80:
        return False
    words = [w for w in piece.split() if w != "."]  # "Log information ." (a stray space)
    if not words or len(words) > 4 or not piece.rstrip().endswith(".") or not words[0][:1].isupper():
        return False
    if piece.rstrip().endswith(" ."):
        return True  # "Log information ." (the stray space marks a run-in heading)
    return all(w[:1].isupper() or w.lower() in SMALL_WORDS for w in words)


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    par = text[start:end]
    n = len(par)
    marker = LIST_MARKER.match(par)
    skip = marker.end() - 1 if marker else 0  # "1. Information" is one clause, not "1." + rest
    # Each boundary: (end of this sentence's punctuation, start of the next sentence).
    bounds = [(m.end(1), m.end()) for m in SENTENCE_END.finditer(par)
              if skip < m.end() < n and _is_boundary(par, m)]
    if bounds and _is_run_in_heading(par[skip : bounds[0][0]]):
        del bounds[0]  # "Cookies. We use cookies to ..." is one clause, led by its heading
    # Sentence ends sit on punctuation and starts follow the whitespace the match consumed, so
    # only the paragraph's own ends (and cuts of over-long runs) need trimming.
    lead = n - len(par.lstrip())
    if lead == n:
        return []
    bounds.append((n - (n - len(par.rstrip())), n))
    out = []
    a = lead
    for b, nxt in bounds:
        if b - a > MAX_CLAUSE:
            for x, y in _limit(par, a, b):
                piece = par[x:y]
                x2 = x + len(piece) - len(piece.lstrip())
                y2 = y - (len(piece) - len(piece.rstrip()))
                if y2 > x2:
                    out.append((start + x2, start + y2))
        elif b > a:
            out.append((start + a, start + b))
        a = nxt
    return out


def _limit(par: str, a: int, b: int) -> list[tuple[int, int]]:
    """Cut a run longer than MAX_CLAUSE at whitespace (or hard, if there is none)."""
    out = []
    while b - a > MAX_CLAUSE:
        cut = par.rfind(" ", a + MAX_CLAUSE // 2, a + MAX_CLAUSE)
        cut = cut + 1 if cut > a else a + MAX_CLAUSE
        out.append((a, cut))
        a = cut
    out.append((a, b))
    return out


def segment(text: str) -> list[Clause]:
    """Cut ``text`` into clauses (see the module docstring for the guarantees)."""
    clauses: list[Clause] = []
    append = clauses.append
    pars = paragraphs(text)
    kinds = _unmarked_items(text, pars)
    for index, (start, end, _) in enumerate(pars):
        clause_kind = _CLAUSE_KIND[kinds[index]]
        for s, e in _sentences(text, start, end):
            append(Clause(s, e, index, clause_kind))
    return clauses


_CLAUSE_KIND = {"text": "sentence", "item": "item", "heading": "heading"}


def _title_case(line: str) -> bool:
    """"How We Use It" (a heading), unlike "Credit card information" (a list entry)."""
    words = [w for w in line.split() if w.lower() not in SMALL_WORDS]
    return len(words) >= 2 and all(w[:1].isupper() or not w[:1].isalpha() for w in words)


def _unmarked_items(text: str, pars: list[tuple[int, int, str]]) -> list[str]:
    """Kinds of the paragraphs, where short lines listed after a lead-in ending in ':' (``We
    collect:`` / ``Full name`` / ``Phone number``) are items, not a run of headings."""
    kinds = [kind for _, _, kind in pars]
    i = 0
    while i < len(pars):
        j = i + 1
        if text[pars[i][0]:pars[i][1]].rstrip().endswith(":"):
            while (j < len(pars) and kinds[j] == "heading" and not MD_HEADING.match(text, pars[j][0])
                   and not _title_case(text[pars[j][0]:pars[j][1]])):
                j += 1
            if j - i > 2:  # at least two such lines
                kinds[i + 1:j] = ["item"] * (j - i - 1)
        i = j
    return kinds
