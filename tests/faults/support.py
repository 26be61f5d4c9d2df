"""Helpers shared by the session, lock and fault tests: small real sets on disk, disk-vs-memory views."""

from __future__ import annotations

import sys
from pathlib import Path

from reviewer.documents import Document
from reviewer.inputs import load_documents
from reviewer.session import Session
from reviewer.store import Annotation, AnnotationStore, parse_annotation_file

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable

POLICY_A = """Example Privacy Policy

We collect your name and email address when you register. We also collect device identifiers.

We keep your information for two years after your account is closed. Backups are deleted within 90 days.

We share data with payment processors. We never sell your personal information.

You can opt out of marketing emails at any time. Contact privacy@example.com to delete your data.

We protect your data with encryption in transit and at rest.
"""

POLICY_B = """Other Company Policy

Cookies help us understand how you use the site. You can disable cookies in your browser.

We may change this policy and will notify you by email. Children under 13 may not use the service.

Data is stored in the United States. We honour Do Not Track signals.
"""


def write_docs(folder: Path, texts: dict[str, str]) -> list[Document]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    docs, errors = load_documents([folder])
    assert not errors, errors
    return docs


def new_session(set_dir: Path, docs: list[Document]) -> Session:
    return Session(AnnotationStore.open(set_dir), docs)


def span_of(doc: Document, needle: str) -> tuple[int, int]:
    start = doc.text.index(needle)
    return start, start + len(needle)


def raw_file(set_dir: Path, doc_id: str) -> dict[str, Annotation]:
    """The annotations literally in the file (no re-anchoring)."""
    path = set_dir / f"{doc_id}.toml"
    if not path.exists():
        return {}
    af = parse_annotation_file(path.read_text(encoding="utf-8"), path)
    return {a.id: a for a in af.annotations}


def memory(session: Session, doc_id: str) -> dict[str, Annotation]:
    """Everything the session holds for a document: placed annotations and orphans."""
    return {a.id: a for a in session.annotations(doc_id) + session.orphans(doc_id)}


def reopened(set_dir: Path, docs: list[Document], doc_id: str) -> tuple[dict[str, Annotation], set[str]]:
    """A fresh session's view of a document: (all annotations by id, orphan ids)."""
    s = new_session(set_dir, docs)
    return memory(s, doc_id), {a.id for a in s.orphans(doc_id)}


def drive_session(set_dir, docs_dir, parity: int, steps: int, seed: int) -> dict[str, dict[str, list]]:
    """Random edits on clauses of one parity; returns {doc: {id: [categories, note]}} it owns."""
    import random

    from reviewer.inputs import load_documents

    rng = random.Random(seed)
    docs, _ = load_documents([Path(docs_dir)])
    s = new_session(Path(set_dir), docs)
    owned: dict[str, dict[str, list]] = {d.id: {} for d in docs}
    slugs = ["first-party-collection", "data-retention", "other"]
    for step in range(steps):
        doc = rng.choice(docs)
        mine = owned[doc.id]
        roll = rng.random()
        if mine and roll < 0.2:
            ident = rng.choice(sorted(mine))
            out = s.delete(doc.id, ident)
            assert out.error is None, out
            del mine[ident]
        elif mine and roll < 0.5:
            ident = rng.choice(sorted(mine))
            note = f"note {seed}-{step}"
            out = s.set_note(doc.id, ident, note)
            assert out.error is None, out
            mine[ident][1] = note
        else:
            candidates = [c for i, c in enumerate(doc.clauses) if i % 2 == parity]
            c = rng.choice(candidates)
            out = s.toggle_category(doc.id, c.start, c.end, rng.choice(slugs))
            assert out.error is None, out
            ann = s.annotation(doc.id, out.annotation) if out.annotation else None
            existing = [i for i, a in mine.items()]
            for ident in existing:
                if s.annotation(doc.id, ident) is None:
                    del mine[ident]
            if ann is not None:
                mine[ann.id] = [list(ann.categories), ann.note]
    return owned
