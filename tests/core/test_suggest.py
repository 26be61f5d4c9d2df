"""The suggestion model wrapper, suggestions for uncovered clauses, and the rejection memory."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.documents import Document
from reviewer.errors import StoreError
from reviewer.store import Annotation, AnnotationFile, AnnotationStore
from reviewer.suggestions import (MIN_EXAMPLES, Example, NotEnoughAnnotations, Rejections, SuggestionModel,
                                  examples_from_annotations, suggest, suggest_document, training_examples,
                                  uncovered_clauses, why_not_ready)

COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Tyrell", "Soylent",
             "Cyberdyne", "Aperture", "Oscorp", "Wonka", "Monarch", "Nakatomi", "Virtucon", "Sirius", "Zorg", "Bluth"]
TEMPLATES = {
    "data-retention": "{c} retains your personal data for {n} years after you close your account, then deletes it.",
    "data-security": "{c} protects your information with encryption, firewalls and secure servers against unauthorized access.",
    "policy-change": "{c} may change this privacy policy from time to time and will post the revised policy on this page.",
}
PER_CATEGORY = MIN_EXAMPLES // len(TEMPLATES) + 2


def hand_made() -> list[Example]:
    out = []
    for cat, template in TEMPLATES.items():
        for k in range(PER_CATEGORY):
            out.append(Example(template.format(c=COMPANIES[k % len(COMPANIES)], n=k + 2), (cat,)))
    return out


@pytest.fixture(scope="module")
def model() -> SuggestionModel:
    return SuggestionModel.train(hand_made())


def doc(text: str, id: str = "policy") -> Document:
    return Document(id=id, path=Path(f"{id}.txt"), text=text)


# -- the model ---------------------------------------------------------------------------------

def test_suggests_the_category_of_near_identical_clauses(model: SuggestionModel) -> None:
    probs = model.predict([
        "Newco retains your personal data for 9 years after you close your account, then deletes it.",
        "Newco protects your information with encryption and secure servers against unauthorized access.",
        "Newco may change this privacy policy from time to time and will post the revised policy here.",
    ])
    assert [max(p, key=p.get) for p in probs] == ["data-retention", "data-security", "policy-change"]
    for p, cat in zip(probs, ["data-retention", "data-security", "policy-change"]):
        assert p[cat] >= 0.5
        assert all(v < p[cat] for c, v in p.items() if c != cat)
    assert set(model.categories) == set(TEMPLATES)


def test_no_evidence_no_prediction(model: SuggestionModel) -> None:
    assert model.predict(["Zzyzx qwpf blorf."]) == [{}]
    assert model.predict([]) == []


def test_identical_texts_get_identical_scores(model: SuggestionModel) -> None:
    text = "Acme retains your personal data for 3 years."
    a, b, c = model.predict([text, "something else entirely", text])
    assert a == c


def test_the_same_set_gives_the_same_scores_every_time() -> None:
    """A re-run of ``suggest --into`` keeps a suggestion whose confidence did not change byte for
    byte: the fit must not depend on chance (liblinear shuffles its data unless seeded)."""
    texts = [ex.text for ex in hand_made()[:12]] + ["A company keeps data for a while and shares some of it."]
    first, _ = SuggestionModel.train(hand_made()).scores(texts)
    second, _ = SuggestionModel.train(hand_made()).scores(texts)
    assert (first == second).all()


@pytest.mark.parametrize("examples", [[], hand_made()[: MIN_EXAMPLES - 1]])
def test_nothing_when_the_set_is_empty_or_too_small(examples: list[Example]) -> None:
    reason = why_not_ready(examples)
    assert reason is not None and str(MIN_EXAMPLES) in reason
    with pytest.raises(NotEnoughAnnotations):
        SuggestionModel.train(examples)


def test_one_category_is_not_enough() -> None:
    only = [Example(f"{c} retains your data for {n} years.", ("data-retention",))
            for n, c in enumerate(COMPANIES * 3)]
    assert why_not_ready(only) is not None
    with pytest.raises(NotEnoughAnnotations):
        SuggestionModel.train(only)


def test_rare_categories_are_not_modelled() -> None:
    examples = hand_made() + [Example("We honour Do Not Track signals.", ("do-not-track",))]
    assert "do-not-track" not in SuggestionModel.train(examples).categories


def test_examples_from_annotations_skip_unlabelled_and_unknown() -> None:
    text = "One. Two. Three."
    anns = [Annotation.create(text, 0, 4, ["data-retention", "made-up"]), Annotation.create(text, 5, 9, []),
            Annotation.create(text, 10, 16, ["made-up"])]
    assert examples_from_annotations(anns, ["data-retention"]) == [Example("One.", ("data-retention",))]
    assert len(examples_from_annotations(anns)) == 2


# -- suggestions for a document ------------------------------------------------------------------

TEXT = ("Privacy Policy\n\n"
        "Newco retains your personal data for 9 years after you close your account, then deletes it.\n\n"
        "Newco protects your information with encryption, firewalls and secure servers against unauthorized access.\n\n"
        "Newco may change this privacy policy from time to time and will post the revised policy on this page.\n")


def test_suggest_only_uncovered_clauses(model: SuggestionModel) -> None:
    d = doc(TEXT)
    retention = d.clauses[1]
    ann = Annotation.create(d.text, retention.start, retention.end, ["data-retention"])
    assert 1 not in uncovered_clauses(d, [ann])
    found = suggest_document(model, d, [ann])
    spans = {(s.start, s.end) for s in found}
    assert (retention.start, retention.end) not in spans
    by_cat = {s.categories[0]: s for s in found}
    assert {"data-security", "policy-change"} <= set(by_cat)
    for s in found:
        assert (s.start, s.end) in {(c.start, c.end) for c in d.clauses}
        assert list(s.categories) == sorted(s.categories, key=lambda c: -s.confidence[c])
        assert all(s.confidence[c] >= 0.5 for c in s.categories)
        assert s.to_json().keys() == {"document", "start", "end", "categories", "confidence"}


def test_min_confidence_filters(model: SuggestionModel) -> None:
    d = doc(TEXT)
    everything = suggest(model, [(d, [])], min_confidence=0.0)
    some = suggest(model, [(d, [])], min_confidence=0.5)
    assert len(everything) >= len(some) >= 3
    assert suggest(model, [(d, [])], min_confidence=1.0) == []


def test_batched_over_documents_in_order(model: SuggestionModel) -> None:
    a, b = doc(TEXT, "a"), doc(TEXT, "b")
    found = suggest(model, [(a, []), (b, [])])
    assert [s.document for s in found] == sorted(s.document for s in found)
    assert [(s.start, s.categories) for s in found if s.document == "a"] == \
           [(s.start, s.categories) for s in found if s.document == "b"]


# -- rejection memory ------------------------------------------------------------------------------

def test_rejection_round_trip_and_undo(model: SuggestionModel, tmp_path: Path) -> None:
    d = doc(TEXT)
    s = next(x for x in suggest_document(model, d, []) if x.categories[0] == "data-security")
    quote = d.text[s.start:s.end]
    rejections = Rejections.load(tmp_path)
    assert len(rejections) == 0 and not (tmp_path / "suggestions.toml").exists()
    r = rejections.reject(d.id, s.start, s.end, "data-security", quote)
    assert rejections.reject(d.id, s.start, s.end, "data-security", quote) == r  # once
    data = tomllib.loads((tmp_path / "suggestions.toml").read_text(encoding="utf-8"))
    assert data["schema"] == 1
    assert data["rejected"] == [{"document": "policy", "start": s.start, "end": s.end, "category": "data-security",
                                 "quote": quote, "created": r.created}]
    again = Rejections.load(tmp_path)
    assert again.is_rejected(d.id, s.start, s.end, "data-security", quote)
    assert not again.is_rejected(d.id, s.start, s.end, "data-retention", quote)
    assert not again.is_rejected("other-doc", s.start, s.end, "data-security", quote)
    assert all("data-security" not in x.categories or (x.start, x.end) != (s.start, s.end)
               for x in suggest_document(model, d, [], rejections=again))
    # the clause moved (text inserted before it): still rejected, by its quote
    moved = doc("New intro paragraph.\n\n" + TEXT)
    assert all(x.categories[0] != "data-security" for x in suggest_document(model, moved, [], rejections=again)
               if moved.text[x.start:x.end] == quote)
    assert again.unreject(r)
    assert not again.unreject(r)
    assert len(Rejections.load(tmp_path)) == 0
    assert any(x.categories[0] == "data-security" for x in
               suggest_document(model, d, [], rejections=Rejections.load(tmp_path)))


def test_rejection_without_quote_matches_offsets(tmp_path: Path) -> None:
    (tmp_path / "suggestions.toml").write_text(
        'schema = 1\n[[rejected]]\ndocument = "p"\nstart = 3\nend = 9\ncategory = "other"\n', encoding="utf-8")
    r = Rejections.load(tmp_path)
    assert r.is_rejected("p", 3, 9, "other", "whatever text")
    assert not r.is_rejected("p", 3, 10, "other")


@pytest.mark.parametrize("content, words", [
    ("schema = 1\n[[rejected]]\nstart = 1\n", "document"),
    ("schema = 1\n[[rejected]]\ndocument = \"p\"\ncategory = \"x\"\nstart = 5\nend = 2\n", "before"),
    ("schema = [\n", "malformed TOML"),
    ("schema = 99\n", "schema"),
    ("rejected = 3\n", "array of tables"),
])
def test_malformed_rejections_name_the_file(tmp_path: Path, content: str, words: str) -> None:
    path = tmp_path / "suggestions.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(StoreError) as info:
        Rejections.load(tmp_path)
    assert str(path) in str(info.value) and words in str(info.value)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.text(min_size=1, max_size=20), st.text(max_size=80), st.integers(0, 10**6)),
                max_size=6))
def test_any_rejection_survives_the_file(tmp_path: Path, entries) -> None:
    root = tmp_path / "set"
    root.mkdir(exist_ok=True)
    (root / "suggestions.toml").unlink(missing_ok=True)
    rejections = Rejections.load(root)
    for document, quote, start in entries:
        rejections.reject(document, start, start + len(quote), "other", quote)
    loaded = Rejections.load(root)
    assert len(loaded) == len(rejections)
    for document, quote, start in entries:
        assert loaded.is_rejected(document, start, start + len(quote), "other", quote)


# -- training from a set on disk ---------------------------------------------------------------------

def test_training_examples_from_a_set(tmp_path: Path) -> None:
    store = AnnotationStore.open(tmp_path / "set")
    d = doc(TEXT)
    anns = [Annotation.create(d.text, c.start, c.end, [cat]) for c, cat in
            zip(d.clauses[1:], ["data-retention", "data-security", "policy-change"])]
    store.save(AnnotationFile(d.id, "policy.txt", d.sha256, anns))
    Rejections.load(store.root).reject("policy", 0, 14, "other", "Privacy Policy")
    assert store.document_ids() == ["policy"]  # suggestions.toml is not a document
    examples, errors = training_examples(store)
    assert errors == []
    assert sorted(e.categories[0] for e in examples) == ["data-retention", "data-security", "policy-change"]
    # in-memory annotations (the app's) replace what is on disk for that document
    examples, _ = training_examples(store, annotations={"policy": anns[:1]})
    assert [e.categories for e in examples] == [("data-retention",)]
    (store.root / "broken.toml").write_text("annotation = [", encoding="utf-8")
    examples, errors = training_examples(store)
    assert len(examples) == 3 and len(errors) == 1 and "broken.toml" in str(errors[0])


def test_unknown_keys_in_suggestions_toml_are_kept(tmp_path: Path) -> None:
    (tmp_path / "suggestions.toml").write_text(
        'schema = 1\nowner = "ann"\n[[rejected]]\ndocument = "p"\nstart = 0\nend = 4\ncategory = "other"\n'
        'quote = "Text"\nwhy = "boilerplate"\n', encoding="utf-8")
    r = Rejections.load(tmp_path)
    r.reject("p", 10, 14, "other", "More")
    data = tomllib.loads((tmp_path / "suggestions.toml").read_text(encoding="utf-8"))
    assert data["owner"] == "ann"
    assert data["rejected"][0]["why"] == "boilerplate" and "why" not in data["rejected"][1]


def test_best_for_and_next_after() -> None:
    from reviewer.suggestions import Suggestion, best_for, next_after

    a = Suggestion("p", 0, 10, ("other",), {"other": 0.6})
    b = Suggestion("p", 20, 30, ("data-security", "other"), {"data-security": 0.9, "other": 0.7})
    c = Suggestion("p", 40, 50, ("data-security",), {"data-security": 0.55})
    found = [a, b, c]
    assert best_for(found, "other") is b and best_for(found, "data-security") is b
    assert best_for(found, "do-not-track") is None and best_for([], "other") is None
    assert next_after(found, 0) is b and next_after(found, 25) is c and next_after(found, 45) is a
    assert next_after(found, 25, 0.8) is b
    assert next_after(found, 45, wrap=False) is None and next_after(found, 0, 0.95) is None
