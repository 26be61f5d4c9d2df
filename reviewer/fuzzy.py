"""Find a half-remembered clause across every policy: a fuzzy clause index.

``FuzzyIndex.build(documents)`` indexes every clause of every document. ``lookup(text, k)`` and
``similar(document_id, start, end, k)`` return ranked :class:`Match` objects (document, start,
end, score 0-100, clause text), best first.

How a query is answered (two stages, chosen by measurement in ``bench/lookup.py``):

1. **Candidates.** Clauses are cut into lower-case word tokens. A word-level inverted index
   (CSR arrays in numpy: term -> clause entries, each posting carrying its precomputed BM25
   weight) scores every clause sharing a word with the query; the best few hundred go on.
   Clauses whose token sequences are identical (boilerplate copied between policies) share one
   *entry*, so copies take one candidate slot and one posting list row, not fifteen.
2. **Re-ranking.** Each candidate is scored against the query with rapidfuzz: a blend of token
   set similarity (robust to dropped, swapped and renamed words and to a shorter query), partial
   alignment (a 7-12 word fragment inside a long clause, or a clause inside a longer query) and
   plain similarity (typos), plus a small share of the BM25 rank.

Near-identical clauses (the same sentence with the company renamed, a word changed) that land in
the results together are grouped into one :class:`Match` whose ``also`` lists the other places
(:class:`Hit`), so five copies of one sentence never crowd out the rest of the top *k*.

Offsets are code points into ``Document.text`` (``match.text == text[start:end]``). The index is
read-only once built: ``lookup`` and ``similar`` are safe to call from several threads at once,
and take an optional ``should_stop`` callable, checked between stages, that makes them return
``[]`` early (a new keystroke cancelling the previous lookup).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from reviewer.clauses import Clause, segment
from reviewer.safetext import one_line

if TYPE_CHECKING:
    from reviewer.documents import Document

#: Bump when the index layout or tokenisation changes (it is part of the cache key).
FORMAT = 2

def _separators() -> dict[int, int]:
    """Every punctuation, symbol, separator and control character below U+3040 (plus ``_``),
    mapped to a space: words are what is left. One table, so that tokenising is one
    ``str.translate`` and one ``str.split`` (several times faster than a regular expression)."""
    table = {}
    for code in range(0x3040):
        if unicodedata.category(chr(code))[0] in "PSZC" or code == 0x5F:
            table[code] = 0x20
    return table


_SEPARATORS = _separators()
#: A word, as ``tokenize`` sees it (used to find word spans for emphasis).
TOKEN = re.compile("[^\\s" + "".join(re.escape(chr(c)) for c in sorted(_SEPARATORS) if c > 0x20) + "]+")
KINDS = ("sentence", "item", "heading")
_KIND_CODE = {k: i for i, k in enumerate(KINDS)}

#: BM25 parameters (the usual ones) and the candidate pool handed to the re-ranker.
K1, B = 1.2, 0.75
POOL = 160
SHORTLIST = 25
#: Two clauses are "near-identical" (grouped into one hit) at or above this similarity.
GROUP_RATIO = 90.0
#: Words never emphasised on their own (they match everywhere).
STOPWORDS = frozenset(
    """a an and are as at be by for from has have in is it its of on or our that the their this to
    us we were will with you your may any such these those not""".split()
)

ShouldStop = Callable[[], bool] | None


@dataclass(frozen=True, slots=True)
class Hit:
    """One place: a clause of a document (offsets into its normalised text)."""

    document: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Match:
    """A ranked result: the clause, its score 0-100, and the near-identical clauses grouped in."""

    document: str
    start: int
    end: int
    score: float
    text: str
    also: tuple[Hit, ...] = ()

    @property
    def ref(self) -> Hit:
        return Hit(self.document, self.start, self.end)

    @property
    def places(self) -> tuple[Hit, ...]:
        """This clause and every grouped copy, this one first."""
        return (self.ref, *self.also)

    @property
    def preview(self) -> str:
        """The clause on one line, with control characters made inert (still plain text)."""
        return one_line(self.text)

    @property
    def title(self) -> str:
        more = len(self.also)
        return self.document if not more else f"{self.document} (also in {len({h.document for h in self.also})} more)"


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens (letters and digits; punctuation and case never matter)."""
    return text.lower().translate(_SEPARATORS).split()


def match_spans(query: str, text: str) -> list[tuple[int, int]]:
    """Spans of the words of ``text`` that match a word of ``query`` (exactly, or with one typo
    in words of five letters or more), for emphasis. Stop words are left out unless the query
    has nothing else."""
    words = set(tokenize(query))
    content = words - STOPWORDS or words
    long_words = [w for w in content if len(w) >= 5]
    spans = []
    for m in TOKEN.finditer(text):
        w = m.group().lower()
        if w in content:
            spans.append(m.span())
        elif len(w) >= 5 and w not in STOPWORDS:
            for q in long_words:
                if abs(len(q) - len(w)) <= 1 and OSA.distance(q, w, score_cutoff=1) <= 1:
                    spans.append(m.span())
                    break
    return spans


# -- building -------------------------------------------------------------------------------


@dataclass
class DocumentPart:
    """One document's clauses and tokens (token ids into a ``Vocabulary``): what building needs
    of it, whether freshly segmented or lent by a cache file."""

    id: str
    sha256: str
    starts: np.ndarray  # int32, one per clause
    ends: np.ndarray
    paragraphs: np.ndarray
    kinds: np.ndarray  # uint8 codes into KINDS
    token_counts: np.ndarray  # int32, tokens per clause
    tokens: np.ndarray  # int32 term ids, all clauses concatenated

    def clauses(self) -> tuple[Clause, ...]:
        kinds = KINDS
        return tuple(Clause(s, e, p, kinds[k]) for s, e, p, k in
                     zip(self.starts.tolist(), self.ends.tolist(), self.paragraphs.tolist(), self.kinds.tolist()))


class Vocabulary:
    """Term strings <-> dense ids, shared by the parts of one build."""

    def __init__(self, terms: Iterable[str] = ()) -> None:
        self.terms: list[str] = list(terms)
        self.ids: dict[str, int] = {t: i for i, t in enumerate(self.terms)}

    def add_all(self, words: list[str]) -> np.ndarray:
        """Ids of ``words`` (int32), adding the new ones."""
        ids, terms = self.ids, self.terms
        for w in set(words).difference(ids):
            ids[w] = len(terms)
            terms.append(w)
        return np.fromiter(map(ids.__getitem__, words), np.int32, len(words))


def segment_document(doc: Document, vocab: Vocabulary) -> DocumentPart:
    """Cut a document into clauses and tokenise each, adding terms to ``vocab``.

    Uses ``doc.clauses`` when already computed, else segments without keeping the result on the
    document: at 10,000 policies a million clause objects kept for nothing cost 130 MB."""
    text = doc.text
    clauses = doc.__dict__.get("clauses")
    if clauses is None:
        clauses = segment(text)
    n = len(clauses)
    flat = text.lower().translate(_SEPARATORS)
    if len(flat) != len(text):  # a few characters change length when lowered: go clause by clause
        pieces = [tokenize(text[c.start:c.end]) for c in clauses]
    else:
        pieces = [flat[c.start:c.end].split() for c in clauses]
    return DocumentPart(
        doc.id, doc.sha256,
        np.fromiter((c.start for c in clauses), np.int32, n),
        np.fromiter((c.end for c in clauses), np.int32, n),
        np.fromiter((c.paragraph for c in clauses), np.int32, n),
        np.fromiter((_KIND_CODE.get(c.kind, 0) for c in clauses), np.uint8, n),
        np.fromiter(map(len, pieces), np.int32, n),
        vocab.add_all(list(chain.from_iterable(pieces))),
    )


@dataclass
class IndexArrays:
    """Everything the index needs besides the document texts; what the cache stores.

    Tokens are kept once per *entry* (distinct token sequence), not per clause: a clause's tokens
    are its entry's. Copied boilerplate makes that about a tenth of the per-clause total."""

    doc_ids: list[str]
    doc_shas: list[str]
    doc_clause_ptr: np.ndarray  # int64 [D+1]
    starts: np.ndarray  # int32 [C]
    ends: np.ndarray
    paragraphs: np.ndarray
    kinds: np.ndarray  # uint8
    vocab: list[str]
    clause_doc: np.ndarray  # int32 [C]
    clause_entry: np.ndarray  # int32 [C]: identical token sequences share an entry
    entry_clause: np.ndarray  # int32 [E]: the first clause of each entry (its representative)
    entry_tok_ptr: np.ndarray  # int64 [E+1]
    entry_tokens: np.ndarray  # int32 term ids of each entry, concatenated
    member_ptr: np.ndarray  # int64 [E+1]
    members: np.ndarray  # int32: clauses of each entry, in corpus order
    post_ptr: np.ndarray  # int64 [V+1]
    post_entry: np.ndarray  # int32
    post_weight: np.ndarray  # float32, BM25 weight of the term in the entry

    def part(self, d: int) -> DocumentPart:
        a, b = int(self.doc_clause_ptr[d]), int(self.doc_clause_ptr[d + 1])
        entries = self.clause_entry[a:b]
        counts = np.diff(self.entry_tok_ptr)[entries].astype(np.int32)
        tokens = self.entry_tokens[_ranges(self.entry_tok_ptr[entries], counts)]
        return DocumentPart(self.doc_ids[d], self.doc_shas[d], self.starts[a:b], self.ends[a:b],
                            self.paragraphs[a:b], self.kinds[a:b], counts, tokens)


class IndexBuilder:
    """Takes document parts one at a time and keeps only what the index needs of each: its
    clause offsets, and the tokens of token sequences not seen before. So a build never holds
    the whole corpus's per-clause tokens (24 M at 10,000 policies), only the distinct ones."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self._ids: list[str] = []
        self._shas: list[str] = []
        self._columns: list[tuple[np.ndarray, ...]] = []  # starts, ends, paragraphs, kinds, clause_entry
        self._seen: dict[bytes, int] = {}
        self._entry_clause: list[int] = []
        self._entry_lengths: list[np.ndarray] = []
        self._entry_tokens: list[np.ndarray] = []
        self._clauses = 0

    def add(self, part: DocumentPart) -> None:
        n = len(part.starts)
        counts = part.token_counts.astype(np.int64)
        bounds = np.zeros(n + 1, np.int64)
        np.cumsum(counts, out=bounds[1:])
        raw = part.tokens.astype(np.int32, copy=False).tobytes()
        edges = (bounds * 4).tolist()
        seen, firsts = self._seen, self._entry_clause
        entries = np.empty(n, np.int32)
        new: list[int] = []
        for i in range(n):
            key = raw[edges[i]:edges[i + 1]]
            e = seen.get(key)
            if e is None:
                e = seen[key] = len(firsts)
                firsts.append(self._clauses + i)
                new.append(i)
            entries[i] = e
        if new:
            fresh = np.asarray(new, np.int64)
            self._entry_lengths.append(counts[fresh])
            self._entry_tokens.append(part.tokens[_ranges(bounds[fresh], counts[fresh])].astype(np.int32))
        self._ids.append(part.id)
        self._shas.append(part.sha256)
        self._columns.append((part.starts, part.ends, part.paragraphs, part.kinds, entries))
        self._clauses += n

    def finish(self) -> IndexArrays:
        """The searchable arrays of every part added, in order."""
        D, E = len(self._ids), len(self._entry_clause)
        columns, self._columns = self._columns, []
        self._seen = {}

        clause_counts = np.fromiter((len(c[0]) for c in columns), np.int64, D)
        doc_clause_ptr = np.zeros(D + 1, np.int64)
        np.cumsum(clause_counts, out=doc_clause_ptr[1:])
        starts, ends, pars, kinds, clause_entry = (
            np.concatenate([c[k] for c in columns]).astype(dtype, copy=False) if columns else np.zeros(0, dtype)
            for k, dtype in enumerate((np.int32, np.int32, np.int32, np.uint8, np.int32)))
        columns.clear()
        lengths = np.concatenate(self._entry_lengths) if self._entry_lengths else np.zeros(0, np.int64)
        tokens = np.concatenate(self._entry_tokens) if self._entry_tokens else np.zeros(0, np.int32)
        self._entry_lengths, self._entry_tokens = [], []
        entry_tok_ptr = np.zeros(E + 1, np.int64)
        np.cumsum(lengths, out=entry_tok_ptr[1:])

        # Keep only the terms still in use, renumbered densely (a lent vocabulary carries dead terms).
        terms = self.vocab.terms
        used = np.flatnonzero(np.bincount(tokens, minlength=len(terms))) if len(tokens) else np.zeros(0, np.int64)
        if len(used) != len(terms):
            remap = np.zeros(max(len(terms), 1), np.int32)
            remap[used] = np.arange(len(used), dtype=np.int32)
            tokens = remap[tokens]
            terms = [terms[i] for i in used.tolist()]
        V = len(terms)

        members = np.argsort(clause_entry, kind="stable").astype(np.int32)
        member_ptr = np.zeros(E + 1, np.int64)
        np.cumsum(np.bincount(clause_entry, minlength=E), out=member_ptr[1:])

        # Postings over entries: (term, entry) pairs with term frequency, then BM25 weights.
        pair_entries = np.repeat(np.arange(E, dtype=np.int64), lengths)
        keys, tf = np.unique(tokens.astype(np.int64) * max(E, 1) + pair_entries, return_counts=True)
        del pair_entries
        post_term = keys // max(E, 1)
        post_entry = (keys % max(E, 1)).astype(np.int32)
        df = np.bincount(post_term, minlength=V)
        post_ptr = np.zeros(V + 1, np.int64)
        np.cumsum(df, out=post_ptr[1:])
        idf = np.log1p((E - df + 0.5) / (df + 0.5))
        avgdl = float(lengths.mean()) if E and lengths.sum() else 1.0
        dl = lengths[post_entry].astype(np.float64)
        tf = tf.astype(np.float64)
        weight = idf[post_term] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avgdl))
        return IndexArrays(
            doc_ids=self._ids, doc_shas=self._shas, doc_clause_ptr=doc_clause_ptr,
            starts=starts, ends=ends, paragraphs=pars, kinds=kinds, vocab=terms,
            clause_doc=np.repeat(np.arange(D, dtype=np.int32), clause_counts), clause_entry=clause_entry,
            entry_clause=np.asarray(self._entry_clause, dtype=np.int32), entry_tok_ptr=entry_tok_ptr,
            entry_tokens=tokens.astype(np.int32, copy=False), member_ptr=member_ptr, members=members,
            post_ptr=post_ptr, post_entry=post_entry, post_weight=weight.astype(np.float32),
        )


def assemble(parts: Iterable[DocumentPart], vocab: Vocabulary) -> IndexArrays:
    """Combine per-document parts (token ids into ``vocab``) into the searchable arrays."""
    builder = IndexBuilder(vocab)
    for part in parts:
        builder.add(part)
    return builder.finish()


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(s, s + n)`` for each (s, n), vectorised."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    return np.arange(total, dtype=np.int64) + offsets


# -- the index ------------------------------------------------------------------------------


@dataclass
class _Scored:
    entry: int
    score: float
    text: str  # processed (tokens joined by spaces)
    clauses: list[int] = field(default_factory=list)


class FuzzyIndex:
    """Every clause of a corpus, searchable by approximate text. Read-only once built."""

    def __init__(self, documents: Sequence[Document], arrays: IndexArrays) -> None:
        by_id = {d.id: d for d in documents}
        self.arrays = arrays
        self.documents: dict[str, Document] = {i: by_id[i] for i in arrays.doc_ids}
        self._texts = [by_id[i].text for i in arrays.doc_ids]
        self._doc_index = {i: n for n, i in enumerate(arrays.doc_ids)}
        self._term_ids = {t: i for i, t in enumerate(arrays.vocab)}
        self._processed: list[str | None] = [None] * len(arrays.entry_clause)

    # building

    @classmethod
    def build(cls, documents: Iterable[Document]) -> FuzzyIndex:
        """Segment (via ``Document.clauses``), tokenise and index ``documents`` from scratch."""
        docs = list(documents)
        vocab = Vocabulary()
        return cls(docs, assemble((segment_document(d, vocab) for d in docs), vocab))

    # sizes

    @property
    def clause_count(self) -> int:
        return len(self.arrays.starts)

    @property
    def entry_count(self) -> int:
        return len(self.arrays.entry_clause)

    def __len__(self) -> int:
        return self.clause_count

    # queries

    def lookup(self, text: str, k: int = 10, *, group: bool = True, should_stop: ShouldStop = None,
               exclude_documents: Iterable[str] = ()) -> list[Match]:
        """The ``k`` clauses most like ``text``, best first (``[]`` if ``should_stop()`` turns true)."""
        words = tokenize(text)
        if not words or k <= 0:
            return []
        excluded = {self._doc_index[d] for d in exclude_documents if d in self._doc_index}
        scored = self._rank(words, k, should_stop, excluded, skip_clause=None)
        if scored is None:
            return []
        return self._finish(scored, k, group, excluded, skip_clause=None)

    def similar(self, document_id: str, start: int, end: int, k: int = 10, *, group: bool = True,
                other_documents: bool = True, should_stop: ShouldStop = None) -> list[Match]:
        """The clauses most like ``document_id``'s text ``[start, end)`` (a clause or a selection),
        best first; with ``other_documents`` (the default) only from the other policies."""
        d = self._doc_index.get(document_id)
        if d is None:
            raise KeyError(document_id)
        words = tokenize(self._texts[d][start:end])
        if not words or k <= 0:
            return []
        excluded = {d} if other_documents else set()
        skip = self._clause_at(d, start, end)
        scored = self._rank(words, k, should_stop, excluded, skip_clause=skip)
        if scored is None:
            return []
        return self._finish(scored, k, group, excluded, skip_clause=skip)

    def similar_clause(self, document_id: str, clause: Clause, k: int = 10, **options) -> list[Match]:
        return self.similar(document_id, clause.start, clause.end, k, **options)

    def clause_text(self, hit: Hit) -> str:
        return self._texts[self._doc_index[hit.document]][hit.start:hit.end]

    # internals

    def _clause_at(self, d: int, start: int, end: int) -> int | None:
        a = self.arrays
        lo, hi = int(a.doc_clause_ptr[d]), int(a.doc_clause_ptr[d + 1])
        i = lo + int(np.searchsorted(a.starts[lo:hi], start, side="left"))
        if i < hi and a.starts[i] == start and a.ends[i] == end:
            return i
        return None

    def _processed_text(self, entry: int) -> str:
        s = self._processed[entry]
        if s is None:
            a = self.arrays
            vocab = a.vocab
            s = " ".join([vocab[t] for t in a.entry_tokens[a.entry_tok_ptr[entry]:a.entry_tok_ptr[entry + 1]].tolist()])
            self._processed[entry] = s
        return s

    def _candidates(self, words: list[str], pool: int, excluded: frozenset[int] | set[int] = frozenset()
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The ``pool`` entries with the best BM25 score; their BM25 scores; and the share (0-100)
        of the query's known words, weighted by idf, that each holds. Entries found only in
        ``excluded`` documents never take a place in the pool."""
        a = self.arrays
        ids = self._term_ids
        counts = Counter(ids[w] for w in words if w in ids)
        empty = np.zeros(0, np.int64)
        if not counts:
            return empty, empty.astype(np.float32), empty.astype(np.float32)
        E = len(a.entry_clause)
        ptr, entries, weights = a.post_ptr, a.post_entry, a.post_weight
        terms = [(t, qtf, int(ptr[t]), int(ptr[t + 1])) for t, qtf in counts.items()]
        # Words in more than a tenth of all clauses ("the", "information") barely rank anything
        # and cost the most: leave them out when the query has three or more rarer words.
        rare = [x for x in terms if x[3] - x[2] <= max(64, E // 10)]
        if len(rare) >= 3:
            terms = rare
        postings = np.concatenate([entries[lo:hi] for _, _, lo, hi in terms])
        acc = np.bincount(postings, minlength=E,
                          weights=np.concatenate([weights[lo:hi] * qtf if qtf > 1 else weights[lo:hi]
                                                  for _, qtf, lo, hi in terms]))
        idfs = [math.log1p((E - (hi - lo) + 0.5) / (hi - lo + 0.5)) for _, _, lo, hi in terms]
        total = sum(idfs)
        cover = np.bincount(postings, minlength=E,
                            weights=np.repeat(idfs, [hi - lo for _, _, lo, hi in terms]))
        for d in excluded:
            own = a.clause_entry[a.doc_clause_ptr[d]:a.doc_clause_ptr[d + 1]]
            inside = np.bincount(own, minlength=E)
            acc[inside == np.diff(a.member_ptr)] = 0
        nz = np.flatnonzero(acc)
        if len(nz) > pool:
            nz = nz[np.argpartition(acc[nz], len(nz) - pool)[len(nz) - pool:]]
        return nz, acc[nz], cover[nz] * (100.0 / total if total else 0.0)

    def _rank(self, words: list[str], k: int, should_stop: ShouldStop, excluded: set[int],
              skip_clause: int | None) -> list[_Scored] | None:
        pool = max(POOL, 4 * k)
        entries, bm25, cover = self._candidates(words, pool, excluded)
        if should_stop is not None and should_stop():
            return None
        if not len(entries):
            return []
        query = " ".join(words)
        choices = [self._processed_text(e) for e in entries.tolist()]
        scores = blend(query, choices, cover, shortlist=max(SHORTLIST, 2 * k))
        if should_stop is not None and should_stop():
            return None
        order = np.argsort(-scores, kind="stable")
        return [_Scored(int(entries[i]), float(scores[i]), choices[i]) for i in order.tolist()]

    def _finish(self, scored: list[_Scored], k: int, group: bool, excluded: set[int],
                skip_clause: int | None) -> list[Match]:
        a = self.arrays
        results: list[list] = []  # [leader _Scored, clause list]
        floor = -1.0
        for s in scored:
            if len(results) >= k and s.score < floor:
                break
            clauses = [int(c) for c in a.members[a.member_ptr[s.entry]:a.member_ptr[s.entry + 1]].tolist()
                       if c != skip_clause and (not excluded or int(a.clause_doc[c]) not in excluded)]
            if not clauses:
                continue
            if group:
                for r in results:
                    if fuzz.ratio(r[0].text, s.text, score_cutoff=GROUP_RATIO):
                        r[1].extend(clauses)
                        break
                else:
                    if len(results) < k:
                        results.append([s, clauses])
                        if len(results) == k:
                            floor = s.score - (100 - GROUP_RATIO)
                continue
            for c in clauses:
                if len(results) < k:
                    results.append([s, [c]])
            if len(results) >= k:
                break
        out = []
        for s, clauses in results:
            places = [Hit(a.doc_ids[a.clause_doc[c]], int(a.starts[c]), int(a.ends[c])) for c in clauses]
            lead = places[0]
            text = self._texts[self._doc_index[lead.document]][lead.start:lead.end]
            out.append(Match(lead.document, lead.start, lead.end, round(s.score, 1), text, tuple(places[1:])))
        return out


def blend(query: str, choices: list[str], cover: np.ndarray, shortlist: int = 25) -> np.ndarray:
    """Re-ranking scores 0-100 of processed ``choices`` against the processed ``query``.

    ``cover`` is the idf-weighted share (0-100) of the query's words each choice holds; it keeps a
    short heading that happens to hold two of the query's words from outranking the clause that
    holds all of them (token set similarity alone scores both 100). Partial alignment is the
    costly scorer, so it runs only on the best ``shortlist`` and only where the lengths differ.
    """
    if not choices:
        return np.zeros(0, np.float32)
    q = [query]
    token_set = process.cdist(q, choices, scorer=fuzz.token_set_ratio, dtype=np.float32)[0]
    plain = process.cdist(q, choices, scorer=fuzz.ratio, dtype=np.float32)[0]
    first = 0.4 * token_set + 0.3 * plain + 0.3 * cover
    if len(choices) > shortlist:
        top = np.argpartition(-first, shortlist)[:shortlist]
    else:
        top = np.arange(len(choices))
    partial = plain.copy()
    lq = len(query)
    for i in top.tolist():
        c = choices[i]
        lc = len(c)
        if min(lq, lc) < 0.8 * max(lq, lc):
            partial[i] = max(plain[i], fuzz.partial_ratio(query, c))
    # Token set and partial alignment score a clause contained in the query 100 however little of
    # the query it holds ("Privacy Policy" inside a long sentence): clauses under half the query's
    # length get those two in proportion.
    lengths = np.fromiter(map(len, choices), np.float32, len(choices))
    shrink = np.minimum(1.0, lengths / (0.5 * max(lq, 1)))
    final = (0.3 * token_set + 0.25 * partial) * shrink + 0.2 * plain + 0.25 * cover
    rest = np.ones(len(choices), bool)
    rest[top] = False
    # Outside the shortlist, never outrank it: half the first-stage score.
    final[rest] = np.minimum(final[rest], first[rest] * 0.5)
    return final
