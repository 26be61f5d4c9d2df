"""Two analysts' sets over two small policies, written as ordinary set folders, for adjudication tests."""

from __future__ import annotations

from pathlib import Path

from reviewer.documents import text_sha256
from reviewer.store import Annotation, AnnotationFile, AnnotationStore

ALPHA = ("We collect your email address when you register. We share it with advertising partners. "
         "We keep logs for thirty days. You may delete your account at any time.\n")
BETA = "Cookies track you. Children under 13 may not use the service. We may change this policy.\n"


def span(text: str, phrase: str, trim: int = 0) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase) - trim


def write_set(root: Path, docs: dict[str, str], items: list[tuple[str, str, str, tuple[str, ...], int]]) -> Path:
    """items: (document, id, phrase, categories, characters trimmed from the end)."""
    store = AnnotationStore.open(root)
    files: dict[str, AnnotationFile] = {}
    for doc, ident, phrase, cats, trim in items:
        text = docs[doc]
        s, e = span(text, phrase, trim)
        af = files.setdefault(doc, AnnotationFile(doc, f"{doc}.txt", text_sha256(text)))
        af.annotations.append(Annotation.create(text, s, e, cats, id=ident))
    for af in files.values():
        store.save(af)
    return root


def make_pair(tmp: Path) -> tuple[Path, Path, Path]:
    """(documents folder, set A, set B) with one disagreement of each kind and two agreements."""
    docs = tmp / "docs"
    docs.mkdir()
    texts = {"alpha": ALPHA, "beta": BETA}
    for name, text in texts.items():
        (docs / f"{name}.txt").write_text(text, encoding="utf-8")
    a = write_set(tmp / "A", texts, [
        ("alpha", "a1", "We collect your email address when you register.", ("first-party-collection",), 0),
        ("alpha", "a2", "We share it with advertising partners.", ("third-party-sharing",), 0),
        ("alpha", "a3", "We keep logs for thirty days.", ("data-retention",), 0),
        ("beta", "a4", "Children under 13 may not use the service.", ("specific-audiences",), 0),
        ("beta", "a5", "Cookies track you.", ("first-party-collection",), 0),
    ])
    b = write_set(tmp / "B", texts, [
        ("alpha", "b1", "We collect your email address when you register.", ("first-party-collection",), 1),
        ("alpha", "b2", "We share it with advertising partners.", ("third-party-sharing", "other"), 0),
        ("alpha", "b3", "We keep logs for thirty days. You may delete", ("data-retention",), 0),
        ("alpha", "b6", "You may delete your account at any time.", ("user-access",), 0),
        ("beta", "b4", "Children under 13 may not use the service.", ("specific-audiences",), 0),
    ])
    return docs, a, b
