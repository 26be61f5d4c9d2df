"""The index cache: hit, miss, incremental rebuild, and never trusting a bad file."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest

from reviewer import index_cache
from reviewer.documents import Document
from reviewer.fuzzy import FuzzyIndex
from tests.core.test_fuzzy import ACME, GLOBEX, INITECH, doc


def corpus() -> list[Document]:
    return [doc("acme", ACME), doc("globex", GLOBEX), doc("initech", INITECH)]


QUERIES = ["cookies are small text files", "share information with affiliates for marketing",
           "retains personal data while the account is active", "law enforcement in good faith"]


def answers(index: FuzzyIndex) -> list:
    return [index.lookup(q, 5) for q in QUERIES]


def arrays_equal(a: FuzzyIndex, b: FuzzyIndex) -> None:
    x, y = a.arrays, b.arrays
    assert x.doc_ids == y.doc_ids and x.doc_shas == y.doc_shas
    assert sorted(x.vocab) == sorted(y.vocab)
    for name in ("doc_clause_ptr", "starts", "ends", "paragraphs", "kinds", "entry_tok_ptr", "clause_doc",
                 "clause_entry", "entry_clause", "member_ptr", "members"):
        assert np.array_equal(getattr(x, name), getattr(y, name)), name
    # Term ids may be numbered differently: compare the token strings.
    assert [x.vocab[t] for t in x.entry_tokens.tolist()] == [y.vocab[t] for t in y.entry_tokens.tolist()]


def test_miss_then_hit(tmp_path: Path) -> None:
    first = index_cache.load(corpus(), tmp_path)
    assert first.status == "built" and first.path is not None and first.path.exists()
    second = index_cache.load(corpus(), tmp_path)
    assert second.status == "hit" and second.problem is None
    assert answers(second.index) == answers(first.index) == answers(FuzzyIndex.build(corpus()))
    arrays_equal(second.index, first.index)


def test_default_folder_is_the_user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    loaded = index_cache.load(corpus())
    assert loaded.path is not None and loaded.path.is_relative_to(tmp_path / "xdg")
    assert index_cache.load(corpus()).status == "hit"


def test_one_changed_document_is_rebuilt_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index_cache.load(corpus(), tmp_path)
    changed = corpus()
    changed[1] = doc("globex", GLOBEX.replace("Ireland", "Iceland") + "Globex sells nothing to anyone, ever.\n")
    segmented: list[str] = []
    real = index_cache.segment_document

    def spy(d, vocab):
        segmented.append(d.id)
        return real(d, vocab)

    monkeypatch.setattr(index_cache, "segment_document", spy)
    loaded = index_cache.load(changed, tmp_path)
    assert loaded.status == "incremental" and loaded.reused == 2
    assert segmented == ["globex"]
    arrays_equal(loaded.index, FuzzyIndex.build(changed))
    assert answers(loaded.index) == answers(FuzzyIndex.build(changed))
    assert loaded.index.lookup("sells nothing to anyone ever", 1)[0].document == "globex"
    assert index_cache.load(changed, tmp_path).status == "hit"


def test_added_and_removed_documents(tmp_path: Path) -> None:
    index_cache.load(corpus()[:2], tmp_path)
    loaded = index_cache.load(corpus(), tmp_path)
    assert loaded.status == "incremental" and loaded.reused == 2
    fewer = index_cache.load(corpus()[1:], tmp_path)
    assert fewer.status == "incremental" and fewer.reused == 2
    assert answers(fewer.index) == answers(FuzzyIndex.build(corpus()[1:]))


def test_renamed_document_reuses_its_text(tmp_path: Path) -> None:
    index_cache.load(corpus(), tmp_path)
    renamed = corpus()
    renamed[0] = doc("acme-2024", ACME)
    loaded = index_cache.load(renamed, tmp_path)
    assert loaded.status == "incremental" and loaded.reused == 3
    assert loaded.index.lookup(ACME.splitlines()[2], 1)[0].document == "acme-2024"


def _cache_file(tmp_path: Path) -> Path:
    return index_cache.load(corpus(), tmp_path).path  # type: ignore[return-value]  # a fresh build always has a path


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "zero_bytes_inside"])
def test_corrupt_file_is_rebuilt(tmp_path: Path, damage: str) -> None:
    path = _cache_file(tmp_path)
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"not a zip file at all" * 50)
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        mid = len(data) // 2
        path.write_bytes(data[:mid] + b"\0" * 64 + data[mid + 64:])
    loaded = index_cache.load(corpus(), tmp_path)
    assert loaded.status in ("rebuilt", "hit")  # zero bytes may land in padding; then it must still be right
    assert answers(loaded.index) == answers(FuzzyIndex.build(corpus()))
    if damage != "zero_bytes_inside":
        assert loaded.status == "rebuilt" and loaded.problem and str(path) in loaded.problem
    assert index_cache.load(corpus(), tmp_path).status == "hit", "the rebuilt index was saved again"


def _rewrite(path: Path, **changes) -> None:
    with np.load(path, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    arrays.update(changes)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    path.write_bytes(buffer.getvalue())


def _meta(path: Path) -> dict:
    with np.load(path, allow_pickle=False) as npz:
        return json.loads(bytes(npz["meta"]).decode())


def _meta_array(meta: dict) -> np.ndarray:
    return np.frombuffer(json.dumps(meta).encode(), np.uint8)


@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize("tamper", [
    "posting_out_of_bounds", "clause_past_text", "wrong_dtype", "pointer_backwards", "nan_weight",
    "pickled_object", "other_documents", "other_code", "missing_array", "bad_meta",
])
def test_tampered_file_is_never_trusted(tmp_path: Path, tamper: str) -> None:
    path = _cache_file(tmp_path)
    with np.load(path, allow_pickle=False) as npz:
        a = {name: npz[name].copy() for name in npz.files}
    if tamper == "posting_out_of_bounds":
        a["post_entry"][0] = 10**6
        _rewrite(path, post_entry=a["post_entry"])
    elif tamper == "clause_past_text":
        a["ends"][-1] = 10**6
        _rewrite(path, ends=a["ends"])
    elif tamper == "wrong_dtype":
        _rewrite(path, entry_tokens=a["entry_tokens"].astype(np.int64))
    elif tamper == "pointer_backwards":
        a["entry_tok_ptr"][3] = a["entry_tok_ptr"][4] + 1
        _rewrite(path, entry_tok_ptr=a["entry_tok_ptr"])
    elif tamper == "nan_weight":
        a["post_weight"][0] = np.nan
        _rewrite(path, post_weight=a["post_weight"])
    elif tamper == "pickled_object":
        buffer = io.BytesIO()
        np.save(buffer, np.array([{"evil": True}], dtype=object), allow_pickle=True)
        with zipfile.ZipFile(path, "a") as z:
            z.writestr("starts.npy", buffer.getvalue())
    elif tamper == "other_documents":
        meta = _meta(path)
        meta["doc_shas"] = list(reversed(meta["doc_shas"]))
        _rewrite(path, meta=_meta_array(meta))
    elif tamper == "other_code":
        meta = _meta(path)
        meta["code"] = "0" * 64
        _rewrite(path, meta=_meta_array(meta))
    elif tamper == "missing_array":
        del a["members"]
        buffer = io.BytesIO()
        np.savez(buffer, **a)
        path.write_bytes(buffer.getvalue())
    else:
        _rewrite(path, meta=np.frombuffer(b"{not json", np.uint8))
    loaded = index_cache.load(corpus(), tmp_path)
    assert loaded.status == "rebuilt", tamper
    assert answers(loaded.index) == answers(FuzzyIndex.build(corpus()))


def test_unwritable_folder_still_gives_an_index(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    loaded = index_cache.load(corpus(), blocked / "index")
    assert loaded.status == "built" and loaded.path is None
    assert loaded.problem and "cannot write" in loaded.problem
    assert answers(loaded.index) == answers(FuzzyIndex.build(corpus()))


def test_old_files_are_evicted(tmp_path: Path) -> None:
    for n in range(index_cache.KEEP_FILES + 3):
        docs = corpus() + [doc(f"extra{n}", f"An extra policy number {n} about cookies and data.\n")]
        loaded = index_cache.load(docs, tmp_path)
        os.utime(loaded.path, ns=(n * 10**9, n * 10**9))
    files = sorted(tmp_path.glob("index-*.npz"))
    assert len(files) <= index_cache.KEEP_FILES
    assert not list(tmp_path.glob(".reviewer-tmp-*"))


def test_key_depends_on_order_ids_and_text() -> None:
    a = corpus()
    assert index_cache.cache_key(a) == index_cache.cache_key(corpus())
    assert index_cache.cache_key(a) != index_cache.cache_key(list(reversed(a)))
    assert index_cache.cache_key(a) != index_cache.cache_key([doc("x", ACME)] + a[1:])
    assert index_cache.cache_key(a) != index_cache.cache_key([doc("acme", ACME + " ")] + a[1:])


def test_shared_index_builds_once_and_follows_the_documents(tmp_path: Path) -> None:
    import threading

    docs = corpus()
    shared = index_cache.SharedIndex(lambda: docs, tmp_path)
    assert not shared.ready
    got: list[FuzzyIndex] = []
    threads = [threading.Thread(target=lambda: got.append(shared.get())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(i) for i in got}) == 1 and shared.ready
    docs.append(doc("hooli", "Hooli shares nothing with anyone at all, ever.\n"))
    assert not shared.ready
    assert shared.get().lookup("hooli shares nothing", 1)[0].document == "hooli"
    assert shared.last is not None and shared.last.status == "incremental"


def test_each_document_keeps_its_own_tokens_though_stored_once_per_entry() -> None:
    """Tokens are stored per distinct token sequence; a lent part still has every clause's own."""
    from reviewer.fuzzy import Vocabulary, segment_document

    docs = corpus() + [doc("copy", ACME)]  # a whole copy: every clause shares an entry
    index = FuzzyIndex.build(docs)
    a = index.arrays
    assert len(a.entry_tokens) < sum(len(segment_document(d, Vocabulary()).tokens) for d in docs)
    for n, d in enumerate(docs):
        vocab = Vocabulary()
        fresh = segment_document(d, vocab)
        lent = a.part(n)
        assert [a.vocab[t] for t in lent.tokens.tolist()] == [vocab.terms[t] for t in fresh.tokens.tolist()]
        assert lent.token_counts.tolist() == fresh.token_counts.tolist()
        assert lent.clauses() == d.clauses


def test_building_keeps_no_clause_objects_on_the_documents() -> None:
    docs = corpus()
    FuzzyIndex.build(docs)
    assert all("clauses" not in d.__dict__ for d in docs)
    assert docs[0].clauses  # still there on demand


def test_a_save_cut_short_leaves_the_previous_cache_file_usable(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = _cache_file(tmp_path)
    before = path.read_bytes()
    changed = corpus()[:2]

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(index_cache.np, "savez", full_disk)
    loaded = index_cache.load(changed, tmp_path)
    assert loaded.path is None and loaded.problem and "cannot write" in loaded.problem
    assert answers(loaded.index) == answers(FuzzyIndex.build(changed))
    assert path.read_bytes() == before and not list(tmp_path.glob(".reviewer-tmp-*"))
    monkeypatch.undo()
    assert index_cache.load(corpus(), tmp_path).status == "hit"
