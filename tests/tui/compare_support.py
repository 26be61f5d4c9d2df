"""A set with enough annotations for suggestions: keyword rules tag the clauses of
four seed policies; ``team-picpros`` stays untagged, so it is where suggestions show."""

from __future__ import annotations

import shutil
from pathlib import Path

from reviewer.inputs import load_documents
from reviewer.session import Session
from reviewer.store import AnnotationStore

UNTAGGED = "team-picpros"
RULES = [("secur", "data-security"), ("third part", "third-party-sharing"), ("retain", "data-retention"),
         ("cookie", "first-party-collection"), ("collect", "first-party-collection"),
         ("children", "specific-audiences"), ("opt out", "user-choice"), ("changes to", "policy-change")]


def build_training_set(seeds: Path, dest: Path) -> Path:
    """Write the rule-tagged set to ``dest`` (about 100 annotations) and return it."""
    dest.mkdir(parents=True, exist_ok=True)
    documents, _ = load_documents([seeds])
    session = Session(AnnotationStore.open(dest), documents, cache=False)
    for doc in documents:
        if doc.id == UNTAGGED:
            continue
        for clause in doc.clauses:
            text = doc.text[clause.start:clause.end].lower()
            cats = [cat for key, cat in RULES if key in text]
            if cats:
                outcome = session.set_categories(doc.id, clause.start, clause.end, dict.fromkeys(cats))
                assert outcome.saved, outcome
    return dest


def copy_set(source: Path, dest: Path) -> Path:
    shutil.copytree(source, dest)
    return dest
