"""Run by a fresh virtualenv that installed the built wheel (not the source tree): the project's
themes are installed with it, and ``--theme reviewer-light`` opens the app without a warning."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import reviewer
from reviewer.tui.launch import prepare


def main(seeds: str, set_dir: str) -> int:
    where = Path(reviewer.__file__).resolve()
    if "site-packages" not in where.parts:
        print(f"wheel check: reviewer imported from {where}, not from the installed wheel", file=sys.stderr)
        return 1
    from reviewer.tui.app import ReviewerApp

    workspace, held = prepare([seeds], set_dir, "reviewer-light")
    app = ReviewerApp(workspace)
    seen: dict[str, object] = {}

    async def scenario() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            seen["theme"] = app.theme
            seen["notes"] = [str(n.message) for n in app._notifications]

    try:
        asyncio.run(scenario())
    finally:
        if held is not None:
            held.release()
    if seen["theme"] != "reviewer-light" or seen["notes"]:
        print(f"wheel check: theme {seen['theme']!r}, notifications {seen['notes']!r}", file=sys.stderr)
        return 1
    print("wheel check: installed wheel opens with theme reviewer-light, no warning")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
