"""Git merge of two copies of a set: additions in different clauses (and edits of other annotations)
merge with plain ``git merge``, and the merged set loads. Two additions in the very same gap of a file are a git conflict: the
conflicted file is then refused with a clear error and never overwritten."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from reviewer.inputs import load_documents
from tests.faults.support import POLICY_B, ROOT, new_session, raw_file, write_docs

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c",
                           "init.defaultBranch=main", *args], cwd=repo, capture_output=True, text=True, check=check)


def tag(repo: Path, clauses: dict[str, list[int]], category: str = "other") -> list[str]:
    docs, _ = load_documents([repo / "docs"])
    s = new_session(repo / "set", docs)
    ids = []
    for doc_id, indexes in clauses.items():
        doc = s.document(doc_id)
        for i in indexes:
            c = doc.clauses[i]
            out = s.toggle_category(doc_id, c.start, c.end, category)
            assert out.saved
            ids.append(out.annotation)
    return ids


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    long_policy = (ROOT / "seeds" / "picker-top.txt").read_text(encoding="utf-8")
    write_docs(repo / "docs", {"alpha": long_policy, "beta": POLICY_B})
    return repo


def test_two_analysts_tag_different_clauses_and_git_merges_cleanly(repo: Path) -> None:
    base = tag(repo, {"alpha": [1, 4, 8], "beta": [2]})
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "ana")
    ana = tag(repo, {"alpha": [2], "beta": [1]}, "data-retention")   # before clause 4, and a new doc file
    docs, _ = load_documents([repo / "docs"])
    s = new_session(repo / "set", docs)
    s.set_note("alpha", base[0], "Ana's note on the clause-1 annotation")
    git(repo, "commit", "-qam", "ana")
    git(repo, "checkout", "-q", "main")
    ben = tag(repo, {"alpha": [6, 10]}, "data-security")             # between 4 and 8, after 8
    s = new_session(repo / "set", docs)
    s.set_categories("alpha", *_span(s, "alpha", 4), ["other", "user-choice"])
    git(repo, "commit", "-qam", "ben")
    merged = git(repo, "merge", "ana", "-m", "merge ana", check=False)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert "CONFLICT" not in merged.stdout
    s = new_session(repo / "set", docs)
    everything = {a.id: a for d in ("alpha", "beta") for a in s.annotations(d) + s.orphans(d)}
    assert set(everything) == set(base + ana + ben)
    assert all(s.load_error(d) is None for d in ("alpha", "beta"))
    assert not any(s.orphans(d) for d in ("alpha", "beta"))
    assert everything[base[0]].note == "Ana's note on the clause-1 annotation"
    assert everything[base[1]].categories == ("other", "user-choice")
    # The merged set keeps working: the next write re-sorts and keeps everything.
    c = s.document("alpha").clauses[12]
    s.toggle_category("alpha", c.start, c.end, "other")
    assert set(base + ana + ben) <= set(raw_file(repo / "set", "alpha")) | set(raw_file(repo / "set", "beta"))


def _span(s, doc_id: str, clause: int) -> tuple[int, int]:
    c = s.document(doc_id).clauses[clause]
    return c.start, c.end


def test_additions_into_the_same_gap_conflict_and_the_conflicted_file_is_refused(repo: Path) -> None:
    tag(repo, {"alpha": [1]})
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "ana")
    tag(repo, {"alpha": [5]})
    git(repo, "commit", "-qam", "ana")
    git(repo, "checkout", "-q", "main")
    tag(repo, {"alpha": [9]})
    git(repo, "commit", "-qam", "ben")
    merged = git(repo, "merge", "ana", "-m", "merge", check=False)
    assert merged.returncode != 0 and "CONFLICT" in merged.stdout
    path = repo / "set" / "alpha.toml"
    conflicted = path.read_bytes()
    docs, _ = load_documents([repo / "docs"])
    s = new_session(repo / "set", docs)
    assert "malformed TOML" in s.load_error("alpha") and str(path) in s.load_error("alpha")
    out = s.toggle_category("alpha", *_span(s, "alpha", 3), "other")
    assert out.error and path.read_bytes() == conflicted
