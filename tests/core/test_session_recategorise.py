"""Session.recategorise: many annotations across documents re-tagged as one undo step."""

from __future__ import annotations

from pathlib import Path

from reviewer.inputs import load_documents
from reviewer.session import Session
from reviewer.store import AnnotationStore
from tests.cli.adjudication_support import make_pair


def categories_on_disk(root: Path) -> dict[str, tuple[str, ...]]:
    store = AnnotationStore.open(root, create=False)
    return {a.id: a.categories for d in store.document_ids() for a in store.load(d).annotations}


def test_one_step_across_documents_and_undo(tmp_path: Path) -> None:
    docs, a, _ = make_pair(tmp_path)
    documents, _ = load_documents([docs])
    session = Session(AnnotationStore.open(a, create=False), documents, cache=False)
    before = categories_on_disk(a)
    out = session.recategorise([("alpha", "a1"), ("beta", "a5"), ("alpha", "a3")],
                               lambda ann: (*ann.categories, "other"), "Added Other")
    assert out.saved and out.error is None and "3 annotations" in out.message
    after = categories_on_disk(a)
    assert after["a1"] == ("first-party-collection", "other") and after["a5"][-1] == "other"
    assert after["a2"] == before["a2"]
    session.undo()
    assert categories_on_disk(a) == before
    session.redo()
    assert categories_on_disk(a) == after


def test_removing_the_last_category_deletes_and_undo_restores(tmp_path: Path) -> None:
    docs, a, _ = make_pair(tmp_path)
    documents, _ = load_documents([docs])
    session = Session(AnnotationStore.open(a, create=False), documents, cache=False)
    session.recategorise([("alpha", "a3")], lambda ann: [c for c in ann.categories if c != "data-retention"],
                         "Removed Data Retention")
    assert "a3" not in categories_on_disk(a)
    session.undo()
    assert categories_on_disk(a)["a3"] == ("data-retention",)
    assert session.recategorise([("alpha", "a3")], lambda ann: ann.categories, "x").message == "No change"
