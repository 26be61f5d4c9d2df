"""The hand-written golden set (tests/golden/input) and its expected exports (tests/golden/export).

Run with ``REVIEWER_UPDATE_GOLDEN=1`` to rewrite the expected files, then read every changed file
before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

from reviewer.inputs import load_documents
from reviewer.export import export_set
from reviewer.store import AnnotationStore

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
INPUT = GOLDEN / "input"
EXPECTED = GOLDEN / "export"
PLACEHOLDER = "file:///GOLDEN/docs/"
UPDATE = os.environ.get("REVIEWER_UPDATE_GOLDEN") == "1"
NAMES = {"w3c": "w3c.jsonld", "csv": "annotations.csv", "jsonl": "annotations.jsonl",
         "doccano": "doccano.jsonl", "labelstudio": "labelstudio.json", "brat": "brat"}


def golden_documents():
    docs, errors = load_documents([INPUT / "docs"])
    assert not errors
    return docs


def golden_store() -> AnnotationStore:
    return AnnotationStore.open(INPUT / "set", create=False)


def exported(fmt: str):
    """The export of the golden set, with the machine-dependent docs folder IRI replaced."""
    result = export_set(golden_documents(), golden_store(), fmt)
    real = (INPUT / "docs").resolve().as_uri() + "/"
    if isinstance(result.output, str):
        return result.output.replace(real, PLACEHOLDER)
    return {name: text.replace(real, PLACEHOLDER) for name, text in result.output.items()}
