"""SIGKILL mid-write: a child rewrites annotation files in a tight loop and is killed at random.

After every kill each file parses and is byte for byte either the last generation the child
reported as saved or the one it was writing (never a mix, never empty); the temporaries a killed
writer leaves are removed by the next start, so they never accumulate.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from reviewer.atomic import TEMP_PREFIX
from reviewer.store import AnnotationStore, dump_annotation_file, parse_annotation_file
from tests.faults.support import PYTHON, ROOT
from tests.faults.writer_child import DOCS, expected

CHILD = str(ROOT / "tests" / "faults" / "writer_child.py")


def kill_loop(set_dir: Path, kills: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    set_dir.mkdir(parents=True, exist_ok=True)
    stats = {"kills": 0, "torn_temporaries_seen": 0, "new_generation_on_disk": 0}
    saved = {doc: 0 for doc in DOCS}
    while stats["kills"] < kills:
        proc = subprocess.Popen([PYTHON, CHILD, str(set_dir)], stdout=subprocess.PIPE, cwd=ROOT)
        assert proc.stdout is not None
        first = proc.stdout.readline()           # at least one save done: now kill it at random
        assert first, "the writer child died before writing"
        time.sleep(rng.uniform(0, 0.03))
        os.kill(proc.pid, signal.SIGKILL)
        rest = proc.stdout.read()
        proc.wait()
        stats["kills"] += 1
        for line in (first + rest).decode().splitlines():
            doc, gen = line.split()
            saved[doc] = int(gen)
        temps = list(set_dir.glob(TEMP_PREFIX + "*"))
        assert len(temps) <= 1, temps           # the previous start cleaned the older ones
        stats["torn_temporaries_seen"] += len(temps)
        for doc in DOCS:
            path = set_dir / f"{doc}.toml"
            if not path.exists():
                assert saved[doc] == 0, f"{path} vanished"
                continue
            text = path.read_text(encoding="utf-8")
            assert text, f"{path} is empty after a kill"
            af = parse_annotation_file(text, path)     # parses
            gen = af.extra["generation"]
            assert gen in (saved[doc], saved[doc] + 1), (doc, gen, saved[doc])
            assert text == dump_annotation_file(expected(doc, gen)), f"{path}: generation {gen} is torn"
            if gen == saved[doc] + 1:
                stats["new_generation_on_disk"] += 1
                saved[doc] = gen
    AnnotationStore.open(set_dir)    # the next start cleans what the last kill left
    assert list(set_dir.glob(TEMP_PREFIX + "*")) == []
    assert set(AnnotationStore.open(set_dir).document_ids()) == {doc for doc in DOCS if saved[doc]}
    return stats


def test_sigkill_mid_write_short(tmp_path: Path) -> None:
    stats = kill_loop(tmp_path / "set", kills=6, seed=1)
    assert stats["kills"] == 6


@pytest.mark.long
def test_sigkill_mid_write_200_kills(tmp_path: Path) -> None:
    stats = kill_loop(tmp_path / "set", kills=200, seed=2)
    assert stats["kills"] == 200
    # The kills really landed inside writes: some left a temporary behind.
    assert stats["torn_temporaries_seen"] > 0, stats
