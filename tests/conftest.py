"""Shared fixtures: the bundled seeds copied to a temporary folder, and the shared corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DEMO_SET = ROOT / "annotations" / "default"
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    dest = tmp_path / "seeds"
    shutil.copytree(SEEDS, dest)
    return dest


@pytest.fixture
def demo_set(tmp_path: Path) -> Path:
    dest = tmp_path / "annotations" / "default"
    shutil.copytree(DEMO_SET, dest)
    return dest


@pytest.fixture
def versioned_set(demo_set: Path) -> Path:
    """The demo set with the versioned seed also annotated in the section its later versions
    remove (two more annotations, orphaned at the latest version): what carries, the review queue
    and the history's orphan counts are tested on. The shipped demo leaves that section alone so
    that it checks clean against the seeds."""
    name = "picobyte--privacy-policy.toml"
    shutil.copyfile(Path(__file__).parent / "data" / "picobyte-annotated-through-its-removed-section.toml",
                    demo_set / name)
    return demo_set


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    return CORPUS


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep config and cache out of the developer's home."""
    base = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(base / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(base / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(base / "data"))
