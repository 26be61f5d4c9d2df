"""The suggestion model: categories learned from the set's own annotations, scored per clause.

TF-IDF over word unigrams and bigrams (sublinear term frequency), then one logistic regression per
category (one-vs-rest, balanced class weights, C=10, liblinear's dual solver). Chosen by measurement
on OPP-115 (bench/suggest.py): it matched or beat linear SVMs, ridge, SGD, char n-grams and tuned
per-category thresholds there, gives real probabilities for the confidence shown to the analyst, and
retrains on 1,000 annotated clauses in a fraction of a second. Training examples are the annotated
spans' text; prediction is per clause (segment-trained beat clause-trained for clause suggestions,
see bench/suggest.py).

Also measured on OPP-115 (2026-11-22, grouped 5-fold by policy, 3 shuffles; this model 0.776-0.782 micro /
0.760-0.771 macro there, 0.782 / 0.775 leave-one-policy-out) and not kept, none gaining more than 0.005
micro-F1: word + char_wb 2-5 TF-IDF in one model (0.777-0.779 micro, +0.007 macro, ~6x slower to fit);
char_wb alone (0.761-0.766); always suggesting the most probable category plus any >= 0.5 (+0.004 grouped,
+0.002 leave-one-policy-out; other thresholds no better); no class balancing at C 10/30 with any threshold
(<= 0.780); a softmax over single categories (<= 0.774); averaging with complement naive Bayes (<= 0.777);
English stop words removed (-0.018); number/URL/e-mail normalisation, max_df 0.5, min_df 1 or 3 (all within
0.002); annotator agreement (OPP-115 ``votes``) as sample weights (+0.002, and an analyst's set has no votes).

scikit-learn, numpy and scipy are imported lazily, on the first training, so that opening the app or
running an unrelated command does not pay for them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

#: Fewer annotated examples than this and suggestions are off. From the learning curve in
#: bench/suggest.py (OPP-115, tagged policy by policy): the share of suggested categories that are
#: right is 0.50 at 20 tagged clauses, 0.54 at 30, then 0.72 at 50 and 0.77 at 120 -- below 50 an
#: analyst would reject about every other suggestion.
MIN_EXAMPLES = 50
#: A category is suggested only once the analyst has tagged it this many times.
MIN_PER_CATEGORY = 3
#: ... and at least this many categories qualify (one category alone says nothing).
MIN_CATEGORIES = 2
#: The default confidence a suggestion needs (the model's own decision threshold).
DEFAULT_MIN_CONFIDENCE = 0.5

C = 10.0


class NotEnoughAnnotations(ValueError):
    """The set has too few annotations for suggestions to be useful; the message says why."""


@dataclass(frozen=True)
class Example:
    """One training example: the text an analyst tagged and its categories."""

    text: str
    categories: tuple[str, ...]


def examples_from_annotations(annotations: Iterable[Any], categories: Iterable[str] | None = None) -> list[Example]:
    """Training examples from annotations (anything with ``quote`` and ``categories``).

    Annotations without categories carry no label and are skipped; when ``categories`` is given
    (the set's taxonomy slugs), other categories are dropped from the labels.
    """
    allowed = set(categories) if categories is not None else None
    out = []
    for ann in annotations:
        cats = tuple(c for c in dict.fromkeys(ann.categories) if allowed is None or c in allowed)
        if cats and ann.quote.strip():
            out.append(Example(ann.quote, cats))
    return out


def why_not_ready(examples: Sequence[Example]) -> str | None:
    """Why suggestions cannot be offered yet for these examples, or None when they can."""
    if len(examples) < MIN_EXAMPLES:
        return (f"suggestions need at least {MIN_EXAMPLES} tagged clauses in the set "
                f"(it has {len(examples)})")
    counts = Counter(c for ex in examples for c in ex.categories)
    usable = [c for c, n in counts.items() if n >= MIN_PER_CATEGORY and n < len(examples)]
    if len(usable) < MIN_CATEGORIES:
        return (f"suggestions need at least {MIN_CATEGORIES} categories tagged {MIN_PER_CATEGORY} times or more, "
                f"each also absent from some tagged clause (the set has {len(usable)})")
    return None


def _vectorizer(n_examples: int) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    import numpy as np

    # min_df=2 drops one-off n-grams once there is enough text for that to be noise, not signal.
    return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2 if n_examples >= 300 else 1,
                           dtype=np.float64)


class SuggestionModel:
    """A trained model. ``predict`` is thread-safe (read-only); retraining makes a new model."""

    def __init__(self, vectorizer: Any, weights: Any, intercepts: Any, categories: tuple[str, ...],
                 n_examples: int) -> None:
        self._vectorizer = vectorizer
        self._weights = weights          # (n_features, n_categories) float64
        self._intercepts = intercepts    # (n_categories,)
        self.categories = categories
        self.n_examples = n_examples

    @classmethod
    def train(cls, examples: Sequence[Example]) -> "SuggestionModel":
        """Fit on ``examples``. Raises NotEnoughAnnotations (with the reason) when too few."""
        reason = why_not_ready(examples)
        if reason is not None:
            raise NotEnoughAnnotations(reason)
        return cls.fit(examples, min_per_category=MIN_PER_CATEGORY)

    @classmethod
    def fit(cls, examples: Sequence[Example], *, min_per_category: int = 1) -> "SuggestionModel":
        """Fit without the readiness rule (for measurement); needs one category with positives and
        negatives. Categories with fewer than ``min_per_category`` examples are not modelled."""
        import numpy as np
        from sklearn.linear_model import LogisticRegression

        texts = [ex.text for ex in examples]
        counts = Counter(c for ex in examples for c in ex.categories)
        categories = tuple(sorted(c for c, n in counts.items() if min_per_category <= n < len(examples)))
        if not categories:
            raise NotEnoughAnnotations("no category has both tagged and untagged examples")
        vectorizer = _vectorizer(len(examples))
        X = vectorizer.fit_transform(texts)
        weights = np.zeros((X.shape[1], len(categories)))
        intercepts = np.zeros(len(categories))
        for j, cat in enumerate(categories):
            y = np.fromiter((cat in ex.categories for ex in examples), dtype=np.int8, count=len(examples))
            clf = LogisticRegression(C=C, class_weight="balanced", solver="liblinear", dual=True, max_iter=1000,
                                     random_state=0)   # liblinear shuffles: the same set, the same scores
            clf.fit(X, y)
            weights[:, j] = clf.coef_[0]
            intercepts[j] = clf.intercept_[0]
        return cls(vectorizer, weights, intercepts, categories, len(examples))

    def scores(self, texts: Sequence[str]) -> tuple[Any, Any]:
        """(probabilities, known) for ``texts``: an (n, n_categories) array, and a boolean array that
        is False where a text shares no word with the training examples (no evidence at all).
        Identical texts are scored once."""
        import numpy as np

        unique: dict[str, int] = {}
        index = np.fromiter((unique.setdefault(t, len(unique)) for t in texts), dtype=np.int64, count=len(texts))
        if not unique:
            return np.zeros((0, len(self.categories))), np.zeros(0, dtype=bool)
        X = self._vectorizer.transform(list(unique))
        logits = X @ self._weights + self._intercepts
        probs = 1.0 / (1.0 + np.exp(-np.clip(logits, -50, 50)))
        known = np.diff(X.indptr) > 0
        return probs[index], known[index]

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """For each text, {category: probability} over the modelled categories ({} when the text
        has no word the model knows)."""
        probs, known = self.scores(texts)
        cats = self.categories
        return [{c: float(p) for c, p in zip(cats, row)} if ok else {} for row, ok in zip(probs.tolist(), known)]

    def top_terms(self, category: str, n: int = 10) -> list[str]:
        """The n-grams that most favour ``category`` (for explaining a suggestion)."""
        import numpy as np

        j = self.categories.index(category)
        names = self._vectorizer.get_feature_names_out()
        order = np.argsort(-self._weights[:, j])[:n]
        return [str(names[i]) for i in order]
