"""Fixtures for the app tests: a ReviewerApp over copies of the seeds and the demo set.

There is no pytest-asyncio here: ``drive(app, scenario)`` runs a Pilot scenario with asyncio.run.
Cursor blink is off (Input/TextArea) so screens are stable; sizes are fixed at 120x40.
"""

from __future__ import annotations

import asyncio
import tomllib
from pathlib import Path
from typing import Awaitable, Callable

import pytest

from reviewer.documents import load_documents
from reviewer.session import Session
from reviewer.store import AnnotationStore

SIZE = (120, 40)


@pytest.fixture(autouse=True)
def _no_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import Input, TextArea

    for cls in (Input, TextArea):
        original = cls.on_mount if hasattr(cls, "on_mount") else None

        def on_mount(self, *args, _original=original, **kwargs):  # type: ignore[no-untyped-def]
            self.cursor_blink = False
            if _original is not None:
                return _original(self, *args, **kwargs)
            return None

        monkeypatch.setattr(cls, "on_mount", on_mount, raising=False)


@pytest.fixture
def make_app(seeds: Path, demo_set: Path):
    """Build a ReviewerApp: ``make_app(open_ids=[...], read_only=False, keys=None, check_every=3600)``."""
    from reviewer.tui.app import ReviewerApp, Workspace

    def factory(open_ids=None, *, read_only: bool = False, keys=None, check_every: float = 3600.0,
                theme: str | None = None, warnings=None) -> ReviewerApp:
        documents, errors = load_documents([seeds])
        assert not errors
        store = AnnotationStore.open(demo_set)
        session = Session(store, documents)
        session.read_only = read_only
        ids = open_ids or [documents[0].id, documents[1].id]
        ws = Workspace(session=session, open_ids=list(ids), theme=theme, keys=keys, warnings=list(warnings or []),
                       read_only_reason="held elsewhere (test)" if read_only else None, check_every=check_every)
        return ReviewerApp(ws)

    return factory


def drive(app, scenario: Callable[..., Awaitable[None]], size=SIZE) -> None:
    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(pilot)
            await pilot.pause()

    asyncio.run(main())


def on_disk(set_dir: Path, doc_id: str) -> list[dict]:
    """The annotations of a document as written in its TOML file ([] when there is none)."""
    path = set_dir / f"{doc_id}.toml"
    if not path.exists():
        return []
    return tomllib.loads(path.read_text(encoding="utf-8")).get("annotation", [])
