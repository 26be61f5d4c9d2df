"""Category suggestions learned from the set's own annotations, without any UI.

    examples, errors = training_examples(store)          # or examples_from_annotations(anns, slugs)
    reason = why_not_ready(examples)                      # None when suggestions can be offered
    model = SuggestionModel.train(examples)               # NotEnoughAnnotations(reason) otherwise
    rejections = Rejections.load(store.root)              # suggestions.toml in the set
    items = [(document, placed_annotations), ...]
    for s in suggest(model, items, min_confidence=0.5, rejections=rejections):
        s.document, s.start, s.end, s.categories, s.confidence
    r = rejections.reject(s.document, s.start, s.end, s.categories[0], quote)   # x
    rejections.unreject(r)                                                     # undo

Training is cheap (a fraction of a second for 1,000 examples) and a trained model is read-only, so
the app can retrain in a worker and swap the model in; ``predict``/``suggest`` never mutate it.
"""

from reviewer.suggestions.engine import (Suggestion, best_for, next_after, suggest, suggest_document,
                                         training_examples, uncovered_clauses)
from reviewer.suggestions.model import (DEFAULT_MIN_CONFIDENCE, MIN_CATEGORIES, MIN_EXAMPLES, MIN_PER_CATEGORY,
                                        Example, NotEnoughAnnotations, SuggestionModel, examples_from_annotations,
                                        why_not_ready)
from reviewer.suggestions.rejections import FILE as REJECTIONS_FILE, Rejection, Rejections

__all__ = ["DEFAULT_MIN_CONFIDENCE", "MIN_CATEGORIES", "MIN_EXAMPLES", "MIN_PER_CATEGORY", "Example",
           "NotEnoughAnnotations", "best_for", "next_after", "REJECTIONS_FILE", "Rejection", "Rejections", "Suggestion",
           "SuggestionModel",
           "examples_from_annotations", "suggest", "suggest_document", "training_examples", "uncovered_clauses",
           "why_not_ready"]
