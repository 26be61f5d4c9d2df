"""The fuzzy clause index: how people remember clauses, grouping of boilerplate, threads, cancelling."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.documents import Document, load_document
from reviewer.fuzzy import FuzzyIndex, Hit, Match, match_spans, tokenize

ACME = """Acme Privacy Policy

We collect the email address and telephone number you give us when you create an account.
We may share your information with our affiliates for marketing purposes, unless you opt out.
Cookies are small text files stored on your device by the websites you visit.
Acme retains your personal data for as long as your account is active, and deletes it within thirty days of closure.
You can ask Acme for a copy of the personal data we hold about you by writing to our privacy officer.
"""

GLOBEX = """Globex Privacy Notice

Globex uses your location to show nearby stores and never sells precise location data to brokers.
Cookies are small text files stored on your device by the websites you visit.
Children under thirteen may not register for the service, and we delete any data we learn was collected from them.
Our servers are located in Ireland and the data we collect is transferred there under standard contractual clauses.
"""

INITECH = """Initech Policy

Initech may disclose records to law enforcement when we believe in good faith that the law requires it.
Cookies are small text files stored on your device by the websites you visit.
We encrypt payment card numbers in transit and at rest using industry standard methods
that are reviewed every year by an independent auditor.
Initech retains your personal data for as long as your account is active, and deletes it within thirty days of closure.
"""


def doc(name: str, text: str) -> Document:
    return Document(id=name, path=Path(f"/nowhere/{name}.txt"), text=text)


@pytest.fixture(scope="module")
def docs() -> list[Document]:
    return [doc("acme", ACME), doc("globex", GLOBEX), doc("initech", INITECH)]


@pytest.fixture(scope="module")
def index(docs: list[Document]) -> FuzzyIndex:
    return FuzzyIndex.build(docs)


def span_of(document: Document, sentence: str) -> tuple[int, int]:
    start = document.text.index(sentence)
    return start, start + len(sentence)


def assert_top(index: FuzzyIndex, query: str, document: str, sentence: str) -> Match:
    hits = index.lookup(query, 5)
    assert hits, query
    top = hits[0]
    d = index.documents[document]
    start, end = span_of(d, sentence)
    assert any(h.document == document and h.start < end and start < h.end for h in top.places), (query, hits)
    return top


SHARE = "We may share your information with our affiliates for marketing purposes, unless you opt out."
RETAIN = "Acme retains your personal data for as long as your account is active, and deletes it within thirty days of closure."


class TestPerturbations:
    def test_exact(self, index: FuzzyIndex) -> None:
        top = assert_top(index, SHARE, "acme", SHARE)
        assert top.score == 100

    def test_dropped_words(self, index: FuzzyIndex) -> None:
        assert_top(index, "We share your information with affiliates for marketing, unless you opt out", "acme", SHARE)

    def test_swapped_words(self, index: FuzzyIndex) -> None:
        assert_top(index, "We may your share information with affiliates our for marketing purposes unless opt you out",
                   "acme", SHARE)

    def test_typos(self, index: FuzzyIndex) -> None:
        assert_top(index, "We may shaer your informaton with our afiliates for marketting purposes, unles you opt out",
                   "acme", SHARE)

    def test_company_renamed(self, index: FuzzyIndex) -> None:
        assert_top(index, "The Company retains your personal data for as long as your account is active", "acme", RETAIN)

    def test_fragment(self, index: FuzzyIndex) -> None:
        assert_top(index, "a copy of the personal data we hold", "acme",
                   "You can ask Acme for a copy of the personal data we hold about you by writing to our privacy officer.")

    def test_lowercase_without_punctuation(self, index: FuzzyIndex) -> None:
        assert_top(index, SHARE.lower().replace(",", "").replace(".", ""), "acme", SHARE)

    def test_longer_query(self, index: FuzzyIndex) -> None:
        assert_top(index, "I think it said something like: " + SHARE + " and also something about partners, maybe",
                   "acme", SHARE)

    def test_clause_spanning_a_line_break(self, index: FuzzyIndex) -> None:
        sentence = ("We encrypt payment card numbers in transit and at rest using industry standard methods\n"
                    "that are reviewed every year by an independent auditor.")
        top = assert_top(index, "encrypt payment card numbers at rest using industry standard methods that are reviewed",
                         "initech", sentence)
        assert "\n" in top.text

    def test_matches_of_renamed_copies_are_grouped(self, index: FuzzyIndex) -> None:
        top = index.lookup("retains your personal data for as long as your account is active", 5)[0]
        assert {h.document for h in top.places} == {"acme", "initech"}


class TestResults:
    def test_offsets_index_the_text(self, index: FuzzyIndex, docs: list[Document]) -> None:
        by_id = {d.id: d for d in docs}
        for query in ("cookies text files", "location data brokers", "law enforcement good faith", "zzz children"):
            hits = index.lookup(query, 5)
            scores = [h.score for h in hits]
            assert scores == sorted(scores, reverse=True)
            for h in hits:
                assert 0 <= h.score <= 100
                assert h.text == by_id[h.document].text[h.start:h.end]
                for other in h.also:
                    assert by_id[other.document].text[other.start:other.end]

    def test_a_short_heading_inside_a_long_query_does_not_win(self, seeds: Path) -> None:
        from reviewer.inputs import load_documents

        index = FuzzyIndex.build(load_documents([seeds])[0])
        text = index.documents["picker-top"].text
        start = text.index("We reserve the right to update this Privacy Policy")
        end = text.index("effective date.", start) + len("effective date.")
        top = index.similar("picker-top", start, end, 3)[0]
        assert len(top.text.split()) > 4, top  # not "PRIVACY POLICY", which the long clause merely contains

    def test_boilerplate_is_one_hit_listing_every_policy(self, index: FuzzyIndex) -> None:
        hits = index.lookup("cookies are small text files stored on your device", 3)
        top = hits[0]
        assert {h.document for h in top.places} == {"acme", "globex", "initech"}
        assert len({m.text for m in hits}) == len(hits), "copies crowd the top k"

    def test_ungrouped_lists_each_copy(self, index: FuzzyIndex) -> None:
        hits = index.lookup("cookies are small text files stored on your device", 3, group=False)
        assert {h.document for h in hits} == {"acme", "globex", "initech"}
        assert all(not h.also for h in hits)

    def test_no_words_no_hits(self, index: FuzzyIndex) -> None:
        assert index.lookup("", 5) == []
        assert index.lookup("  ...  !!", 5) == []
        assert index.lookup("cookies", 0) == []
        assert index.lookup("qwxzv plorbt", 5) == []

    def test_exclude_documents(self, index: FuzzyIndex) -> None:
        hits = index.lookup("cookies are small text files", 5, exclude_documents=["acme", "globex"])
        assert hits and all(p.document == "initech" for h in hits for p in h.places)

    def test_match_helpers(self, index: FuzzyIndex) -> None:
        m = index.lookup(SHARE, 1)[0]
        assert m.ref == Hit("acme", m.start, m.end)
        assert m.places[0] == m.ref
        assert "\n" not in m.preview
        assert index.clause_text(m.ref) == m.text


class TestSimilar:
    def test_counterparts_in_other_policies(self, index: FuzzyIndex, docs: list[Document]) -> None:
        start, end = span_of(docs[0], RETAIN)
        hits = index.similar("acme", start, end, 5)
        assert hits[0].document == "initech"
        assert all(p.document != "acme" for h in hits for p in h.places)

    def test_including_its_own_policy_but_not_itself(self, index: FuzzyIndex, docs: list[Document]) -> None:
        start, end = span_of(docs[0], SHARE)
        hits = index.similar("acme", start, end, 5, other_documents=False)
        assert all(not (p.document == "acme" and p.start == start) for h in hits for p in h.places)

    def test_a_clause_object(self, index: FuzzyIndex, docs: list[Document]) -> None:
        clause = next(c for c in docs[1].clauses if docs[1].text[c.start:c.end].startswith("Cookies"))
        hits = index.similar_clause("globex", clause, 5, group=False)
        assert {h.document for h in hits[:2]} == {"acme", "initech"}

    def test_its_own_near_copies_never_crowd_out_the_other_policies(self) -> None:
        own = "\n".join(f"Cookies are used on this site for purpose number {n}." for n in range(400))
        index = FuzzyIndex.build([doc("self", own), doc("other", "Cookies are used on this website for purposes.\n")])
        first = index.documents["self"].clauses[0]
        hits = index.similar_clause("self", first, 3)
        assert hits and hits[0].document == "other"

    def test_unknown_document(self, index: FuzzyIndex) -> None:
        with pytest.raises(KeyError):
            index.similar("nope", 0, 10)


class TestThreadsAndCancelling:
    def test_should_stop_returns_nothing(self, index: FuzzyIndex) -> None:
        calls = []

        def stop() -> bool:
            calls.append(1)
            return True

        assert index.lookup(SHARE, 5, should_stop=stop) == []
        assert calls == [1], "checked right after the candidate stage, then stopped"

    def test_should_stop_false_changes_nothing(self, index: FuzzyIndex) -> None:
        assert index.lookup(SHARE, 5, should_stop=lambda: False) == index.lookup(SHARE, 5)

    def test_concurrent_lookups_agree(self, index: FuzzyIndex) -> None:
        queries = ["cookies text files", SHARE, RETAIN, "law enforcement", "children thirteen register"] * 4
        expected = {q: index.lookup(q, 5) for q in queries}
        failures: list[str] = []

        def worker(q: str) -> None:
            for _ in range(5):
                if index.lookup(q, 5) != expected[q]:
                    failures.append(q)

        threads = [threading.Thread(target=worker, args=(q,)) for q in queries]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not failures


def test_tokenize_ignores_case_and_punctuation() -> None:
    assert tokenize("We’re sharing “Your” DATA—e-mail, IP_address!") == \
        ["we", "re", "sharing", "your", "data", "e", "mail", "ip", "address"]


def test_match_spans_emphasise_query_words_and_typos() -> None:
    text = "We may share your information with our affiliates."
    words = [text[s:e] for s, e in match_spans("shaer informaton affiliates the", text)]
    assert words == ["share", "information", "affiliates"]
    assert match_spans("we our", text) == [(0, 2), (35, 38)]  # only stop words: they are what there is


def test_empty_and_single_document_corpora() -> None:
    assert FuzzyIndex.build([]).lookup("anything", 5) == []
    one = FuzzyIndex.build([doc("solo", "Just one sentence here about cookies.")])
    assert one.lookup("cookies", 5)[0].document == "solo"
    blank = FuzzyIndex.build([doc("blank", "   \n\n ... \n")])
    assert blank.lookup("cookies", 5) == []


WORDS = st.sampled_from("data share cookies account privacy partners email retain delete law location".split())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(WORDS, min_size=1, max_size=12), min_size=1, max_size=8), st.lists(WORDS, min_size=1, max_size=6))
def test_any_corpus_gives_consistent_hits(sentences: list[list[str]], query: list[str]) -> None:
    text = "\n".join(" ".join(s).capitalize() + "." for s in sentences)
    docs = [doc("a", text), doc("b", "\n".join(reversed(text.split("\n"))))]
    index = FuzzyIndex.build(docs)
    hits = index.lookup(" ".join(query), 5)
    assert len(hits) <= 5
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    for h in hits:
        assert 0 <= h.score <= 100
        assert h.text == index.documents[h.document].text[h.start:h.end]
    places = [p for h in hits for p in h.places]
    assert len(places) == len(set(places)), "a clause is listed twice"


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_exact_clause_comes_first(data: st.DataObject) -> None:
    d = doc("acme", ACME)
    index = FuzzyIndex.build([d, doc("globex", GLOBEX), doc("initech", INITECH)])
    clause = data.draw(st.sampled_from([c for c in d.clauses if len(tokenize(d.text[c.start:c.end])) >= 4]))
    sentence = d.text[clause.start:clause.end]
    top = index.lookup(sentence, 3)[0]
    assert top.score == 100
    assert any(p.document == "acme" and p.start == clause.start for p in top.places)


# -- real policies --------------------------------------------------------------------------

import random  # noqa: E402
import re  # noqa: E402

KINDS = ("drop", "swap", "typo", "rename", "fragment", "case")


def _perturb(kind: str, sentence: str, company: str, rng: random.Random) -> str | None:
    words = sentence.split()
    n = len(words)
    if kind == "drop":
        gone = set(rng.sample(range(n), max(1, n // 5)))
        return " ".join(w for i, w in enumerate(words) if i not in gone)
    if kind == "swap":
        for _ in range(max(1, n // 5)):
            i = rng.randrange(n - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
        return " ".join(words)
    if kind == "typo":
        for i in rng.sample(range(n), max(1, n // 5)):
            w = words[i]
            if len(w) > 3:
                j = rng.randrange(1, len(w) - 1)
                words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
        return " ".join(words)
    if kind == "rename":
        pattern = re.compile(r"\b" + re.escape(company) + r"\b", re.IGNORECASE)
        return pattern.sub("Acme", sentence) if len(company) > 2 and pattern.search(sentence) else None
    if kind == "fragment":
        size = rng.randint(7, 12)
        i = rng.randrange(n - size + 1)
        return " ".join(words[i:i + size])
    return " ".join(re.sub(r"[^\w\s]", " ", sentence.lower()).split())


@pytest.fixture(scope="module")
def real(request: pytest.FixtureRequest) -> FuzzyIndex:
    from tests.conftest import CORPUS

    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    return FuzzyIndex.build([load_document(p) for p in sorted(CORPUS.glob("*.txt"))])


@pytest.mark.parametrize("kind", KINDS)
def test_each_perturbation_on_real_policies(real: FuzzyIndex, kind: str) -> None:
    rng = random.Random(kind)
    sentences = [(d, c) for d in real.documents.values() for c in d.clauses
                 if c.kind == "sentence" and 14 <= len(d.text[c.start:c.end].split()) <= 50]
    rng.shuffle(sentences)
    tried = right = 0
    for d, c in sentences:
        query = _perturb(kind, d.text[c.start:c.end], d.id.split(".")[0], rng)
        if query is None:
            continue
        tried += 1
        hits = real.lookup(query, 5)
        right += any(p.document == d.id and p.start < c.end and c.start < p.end for h in hits for p in h.places)
        if tried == 25:
            break
    assert tried == 25
    assert right >= 24, f"{kind}: {right}/25 found in the top 5"
