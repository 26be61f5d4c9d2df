"""Clause segmentation: properties on arbitrary text, and the cases an analyst cares about."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.clauses import MAX_CLAUSE, Clause, segment
from reviewer.documents import load_document

# -- properties ---------------------------------------------------------------------------------


def check_properties(text: str, clauses: list[Clause]) -> None:
    prev_end = 0
    prev_par = -1
    for c in clauses:
        assert 0 <= c.start < c.end <= len(text)
        assert c.start >= prev_end, "clauses overlap or are out of order"
        assert not text[c.start].isspace() and not text[c.end - 1].isspace(), "clause not trimmed"
        assert c.paragraph >= prev_par
        assert c.kind in ("sentence", "item", "heading")
        prev_end, prev_par = c.end, c.paragraph
    covered = bytearray(len(text))
    for c in clauses:
        covered[c.start:c.end] = b"\x01" * (c.end - c.start)
    for i, ch in enumerate(text):
        if not ch.isspace():
            assert covered[i], f"non-whitespace {ch!r} at {i} is in no clause"


# Text that looks like policies: words, punctuation, markers, abbreviations, line breaks.
_PIECES = st.sampled_from([
    "We", "collect", "data", "Inc.", "e.g.", "i.e.", "U.S.", "No.", "3.5", "1.", "a)", "(b)", "-", "*",
    "\u2022", "#", "##", ".", "?", "!", ":", ";", "\u2026", "\"", "\u201c", "\u201d", ")", "(", "http://x.io/a.b",
    "a@b.co", "\n", "\n\n", "\r\n", "\r", "  ", "\t", " ", " ", " ", "The", "Privacy", "policy", "\u00e9t\u00e9",
    "\U0001f600", "\u2028", "\x0b", "\x0c", "\x85", "\u00a0", "\u3000", "St.", "Mr.", "J.", "www.x.com",
])
POLICYISH = st.lists(_PIECES, max_size=80).map("".join)


@given(st.text(max_size=400))
@settings(max_examples=300, deadline=None)
def test_properties_on_arbitrary_text(text: str) -> None:
    check_properties(text, segment(text))


@given(POLICYISH)
@settings(max_examples=500, deadline=None)
def test_properties_on_policy_like_text(text: str) -> None:
    check_properties(text, segment(text))


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
@settings(max_examples=200, deadline=None)
def test_properties_on_unicode(text: str) -> None:
    check_properties(text, segment(text))


def test_very_long_line_is_cut_and_still_covers() -> None:
    text = ("word " * 3000).strip() + "\n" + "x" * (3 * MAX_CLAUSE)
    clauses = segment(text)
    check_properties(text, clauses)
    assert all(c.end - c.start <= MAX_CLAUSE for c in clauses)


def test_empty_and_blank() -> None:
    assert segment("") == []
    assert segment(" \n\n\t \r\n ") == []


# -- examples -----------------------------------------------------------------------------------


def texts(text: str) -> list[str]:
    return [text[c.start:c.end] for c in segment(text)]


def test_sentences_within_a_paragraph() -> None:
    text = "We collect data. We share it with partners! Do we sell it? No, never."
    assert texts(text) == ["We collect data.", "We share it with partners!", "Do we sell it?", "No, never."]


def test_paragraph_indexes() -> None:
    text = "One thing. Two things.\n\nThree things.\n\n\n\nFour things."
    assert [c.paragraph for c in segment(text)] == [0, 0, 1, 2]


@pytest.mark.parametrize("marker", ["-", "*", "\u2022", "1.", "12.", "a)", "(b)", "(iv)", "iii."])
def test_list_items(marker: str) -> None:
    text = f"We collect:\n{marker} your name\n{marker} your e-mail address\n{marker} your IP address."
    got = segment(text)
    assert [text[c.start:c.end] for c in got] == [
        "We collect:", f"{marker} your name", f"{marker} your e-mail address", f"{marker} your IP address.",
    ]
    assert [c.kind for c in got[1:]] == ["item"] * 3
    assert len({c.paragraph for c in got}) == 4


def test_numbered_item_marker_is_not_a_sentence() -> None:
    text = "1. Information We Collect. We collect things. 2. Other"
    assert texts(text)[0].startswith("1. Information")


def test_list_item_with_several_sentences() -> None:
    text = "- Cookies: we use them. You can turn them off.\n- Logs: we keep them."
    got = segment(text)
    assert [text[c.start:c.end] for c in got] == [
        "- Cookies: we use them.", "You can turn them off.", "- Logs: we keep them."]
    assert got[0].paragraph == got[1].paragraph != got[2].paragraph


def test_headings() -> None:
    text = ("Privacy Policy\n\n1. Information We Collect\n\nWe collect data.\n\n## Cookies\n\nText here.\n\n"
            "What About Cookies?\n\nCookies are small files.")
    got = segment(text)
    kinds = {text[c.start:c.end]: c.kind for c in got}
    assert kinds["Privacy Policy"] == "heading"
    assert kinds["1. Information We Collect"] == "heading"
    assert kinds["## Cookies"] == "heading"
    assert kinds["What About Cookies?"] == "heading"
    assert kinds["We collect data."] == "sentence"


def test_long_lead_in_with_colon_is_not_a_heading() -> None:
    text = "Questions regarding this statement should be directed to:\n\nAcme, 1 Main St."
    assert segment(text)[0].kind == "sentence"


def test_heading_directly_above_text() -> None:
    text = "Data Retention\nWe keep your data for as long as your account is active and then delete it."
    got = segment(text)
    assert texts(text) == ["Data Retention", text.split("\n")[1]]
    assert got[0].kind == "heading" and got[0].paragraph != got[1].paragraph


@pytest.mark.parametrize("sentence", [
    "We may share data with partners, e.g., advertisers, and others.",
    "We may share data with partners, i.e. Advertisers and others.",
    "Data is stored in the U.S. and the E.U. by our processors.",
    "Data is stored in the U.S. Department of Commerce list.",
    "Acme, Inc. and its affiliates collect data.",
    "Acme, Inc. (\"Acme\") collects data.",
    "See Form No. 5 for details.",
    "Contact Mr. Smith or Dr. Jones at 1 Main St. Louis office.",
    "Fees are $3.50 or 2.5% of the total, version 1.2.3.",
    "Visit https://www.example.com/privacy.html?a=1.2 for more.",
    "Write to privacy@example.co.uk. or call.",
    "Contact J. R. Smith for details.",
    "The file is at www.example.org/policy.txt today.",
    "At the Atlantic Monthly Group, Inc. (\"The Atlantic\"), we want you to enjoy our sites.",
    "We use web bugs, clear GIFs, etc. (collectively \"Web Beacons\") to collect data.",
    "This is an agreement between JibJab Bros. Studios and you.",
])
def test_no_false_breaks(sentence: str) -> None:
    assert texts(sentence) == [sentence]


@pytest.mark.parametrize("text, expected", [
    ("Our servers are in the U.S. We process data there.",
     ["Our servers are in the U.S.", "We process data there."]),
    ("This site is run by Acme Inc. The policy applies to it.",
     ["This site is run by Acme Inc.", "The policy applies to it."]),
    ("We care about security. picker.top uses TLS.",
     ["We care about security.", "picker.top uses TLS."]),
    ("Visit https://example.com. Then sign in.", ["Visit https://example.com.", "Then sign in."]),
    ("E-mail privacy@example.com. We answer quickly.", ["E-mail privacy@example.com.", "We answer quickly."]),
    ("He said \"stop.\" Then he left.", ["He said \"stop.\"", "Then he left."]),
    ("We collect data (see below.) The rest follows.", ["We collect data (see below.)", "The rest follows."]),
    ("Version 2. The policy changed.", ["Version 2.", "The policy changed."]),
    ("Is it safe?! Yes.", ["Is it safe?!", "Yes."]),
    ("We use cookies. (See below.) Then more.", ["We use cookies.", "(See below.)", "Then more."]),
    ("It is\u2026 Complicated.", ["It is\u2026", "Complicated."]),
    ("The answer is No. We do not sell data.", ["The answer is No.", "We do not sell data."]),
])
def test_breaks(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_run_in_heading_stays_with_its_sentence() -> None:
    text = "Children. We do not knowingly collect data from children. They may not register."
    assert texts(text) == ["Children. We do not knowingly collect data from children.", "They may not register."]
    text = "Log information . We collect logs."
    assert texts(text) == [text]


def test_short_first_sentence_is_not_a_run_in_heading() -> None:
    assert texts("Thank you. We care.") == ["Thank you.", "We care."]


def test_hard_wrapped_paragraph_is_one_paragraph() -> None:
    text = ("This policy explains how Acme collects, uses and shares the personal\n"
            "information of the visitors to our websites and the users of our apps,\n"
            "and the choices you have. We collect your name and e-mail address when\n"
            "you register for an account.\n\n"
            "Next paragraph.")
    got = segment(text)
    assert texts(text) == [
        "This policy explains how Acme collects, uses and shares the personal\n"
        "information of the visitors to our websites and the users of our apps,\n"
        "and the choices you have.",
        "We collect your name and e-mail address when\nyou register for an account.",
        "Next paragraph.",
    ]
    assert [c.paragraph for c in got] == [0, 0, 1]


def test_hard_wrapped_with_crlf_document(tmp_path: Path) -> None:
    raw = ("We collect your name and e-mail address when you register for an\r\n"
           "account, and we use them to send you the newsletter you asked for.\r\n")
    path = tmp_path / "w.txt"
    path.write_bytes(raw.encode())
    doc = load_document(path)
    assert len(doc.clauses) == 1


def test_semicolon_lines_are_separate_entries() -> None:
    text = ("We may use it to:\n"
            "contact you about the Website;\n"
            "confirm or fulfil an order you have made;\n"
            "monitor compliance with our terms.")
    assert texts(text) == text.split("\n")


def test_unmarked_list_of_titles() -> None:
    text = "What information do we gather about you-\nWhat do we do with the information we collect-\nWhat is our email policy-"
    assert texts(text) == text.split("\n")


def test_lines_longer_than_wrap_width_are_separate() -> None:
    a = "To unsubscribe from text messages delivered to mobile devices, reply to the message with the words STOP or END and"
    b = "return to the web page where you originally registered your preferences and follow the opt-out instructions given there"
    text = a + " " * 30 + "\n" + b
    got = segment(text)
    assert len({c.paragraph for c in got}) == 2


# -- the real thing ------------------------------------------------------------------------------


def test_seeds_segment_sensibly() -> None:
    from tests.conftest import SEEDS

    for path in sorted(SEEDS.glob("*.txt")):
        doc = load_document(path)
        check_properties(doc.text, list(doc.clauses))
        assert doc.clauses[0].kind == "heading"
        items = [c for c in doc.clauses if c.kind == "item"]
        assert items, path


def test_corpus_properties_and_sanity(corpus: Path) -> None:
    total = 0
    for path in sorted(corpus.glob("*.txt")):
        doc = load_document(path)
        check_properties(doc.text, list(doc.clauses))
        total += len(doc.clauses)
        for c in doc.clauses:
            body = doc.text[c.start:c.end]
            # an abbreviation at the very end of a clause, followed by a lower-case word, is a false break
            if body.endswith(("e.g.", "i.e.", "Inc.", "U.S.")) and c.end < len(doc.text) - 2:
                after = doc.text[c.end:c.end + 2].strip()[:1]
                assert not after.islower(), (path.name, body[-60:])
    assert total > 10000


def test_short_lines_after_a_lead_in_are_items() -> None:
    text = ("We collect the following:\n\nFull name\n\nCredit card information\n\nPhone number\n\n"
            "How We Use It\n\nWe use it to serve you.")
    kinds = {text[c.start:c.end]: c.kind for c in segment(text)}
    assert kinds["Full name"] == kinds["Credit card information"] == kinds["Phone number"] == "item"
    assert kinds["How We Use It"] == "heading"  # Title Case ends the run
    single = "Contact:\n\nOur Office\n\nWe answer quickly."
    assert {single[c.start:c.end]: c.kind for c in segment(single)}["Our Office"] == "heading"


def test_lines_of_an_unmarked_list_block_are_items() -> None:
    text = ("We automatically receive, including:\nThe unique identifier for your mobile device\n"
            "Your IP address\nTime and date of access")
    got = segment(text)
    assert [text[c.start:c.end] for c in got] == text.split("\n")
    assert [c.kind for c in got[1:]] == ["item"] * 3
    two = "Privacy Policy\nLast updated: May 2026"
    assert [c.kind for c in segment(two)] == ["heading", "heading"]
