"""Collection paused around bulk loads: back on afterwards, error or not, in the state it was found."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

import reviewer.session as session_module
from reviewer.gcpause import paused_gc
from tests.faults.support import POLICY_A, POLICY_B, new_session, write_docs


@pytest.fixture(autouse=True)
def _collection_restored():
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_collection_is_off_inside_and_on_again_after() -> None:
    gc.enable()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_collection_comes_back_when_the_block_raises() -> None:
    gc.enable()
    with pytest.raises(ZeroDivisionError):
        with paused_gc():
            1 / 0  # noqa: B018
    assert gc.isenabled()


def test_collection_already_off_stays_off_even_on_error() -> None:
    gc.disable()
    with paused_gc():
        assert not gc.isenabled()
    assert not gc.isenabled()
    with pytest.raises(RuntimeError):
        with paused_gc():
            raise RuntimeError("boom")
    assert not gc.isenabled()


def test_nested_pauses_give_collection_back_only_at_the_outermost() -> None:
    gc.enable()
    with paused_gc():
        with paused_gc():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def _session(tmp_path: Path):
    docs = write_docs(tmp_path / "docs", {"alpha": POLICY_A, "beta": POLICY_B})
    s = new_session(tmp_path / "set", docs)
    start = docs[0].text.index("We keep your information")
    s.toggle_category(docs[0].id, start, start + 20, "data-retention")
    return new_session(tmp_path / "set", docs)   # a fresh session: nothing loaded yet


def test_load_all_loads_every_document_with_collection_paused(tmp_path: Path, monkeypatch) -> None:
    s = _session(tmp_path)
    seen: list[tuple[str, bool]] = []
    real = session_module.load_annotated

    def spy(store, doc):
        seen.append((doc.id, gc.isenabled()))
        return real(store, doc)

    monkeypatch.setattr(session_module, "load_annotated", spy)
    gc.enable()
    assert not any(s.is_loaded(d.id) for d in s.documents)
    s.load_all()
    assert gc.isenabled()
    assert seen == [("alpha", False), ("beta", False)]
    assert all(s.is_loaded(d.id) for d in s.documents)
    assert len(s.annotations("alpha")) == 1 and s.annotations("beta") == []
    s.load_all()    # already loaded: nothing read again
    assert len(seen) == 2


def test_load_all_of_some_documents_loads_only_those(tmp_path: Path) -> None:
    s = _session(tmp_path)
    s.load_all(["beta"])
    assert s.is_loaded("beta") and not s.is_loaded("alpha")


def test_load_all_gives_collection_back_when_a_load_fails(tmp_path: Path, monkeypatch) -> None:
    s = _session(tmp_path)

    def broken(store, doc):
        raise MemoryError("out of memory")

    monkeypatch.setattr(session_module, "load_annotated", broken)
    gc.enable()
    with pytest.raises(MemoryError):
        s.load_all()
    assert gc.isenabled()
    with pytest.raises(KeyError):
        s.load_all(["no-such-document"])
    assert gc.isenabled()
