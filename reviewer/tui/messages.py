"""Messages no single widget owns."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from textual.message import Message


@dataclass
class CountsReady(Message):
    """A batch of per-document category counts computed by the background worker."""

    counts: dict[str, Counter[str]]
