"""Small versioned documents of our own, in both Open Terms Archive layouts."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

V1 = """Example Privacy Policy

We collect your name and e-mail address when you register.

We keep your data for two years. After that we delete it.

We share data with payment processors only.

Contact us at privacy@example.com.
"""
# reworded (retention), a section added (cookies), one removed (sharing)
V2 = """Example Privacy Policy

We collect your name and e-mail address when you register.

We keep your data for three years. After that we delete it.

We use cookies to remember your settings.

Contact us at privacy@example.com.
"""
# the retention clause reworded again
V3 = """Example Privacy Policy

We collect your name and e-mail address when you register.

We keep your data for three years at most. After that we delete it.

We use cookies to remember your settings.

Contact us at privacy@example.com.
"""
STAMPS = ["2024-01-05T10-00-00Z", "2024-06-01T08-30-00Z", "2025-02-11T12-00-00Z"]


def dataset(root: Path, texts: tuple[str, ...] = (V1, V2, V3), service: str = "Example",
            kind: str = "Privacy Policy") -> Path:
    folder = root / service / kind
    folder.mkdir(parents=True)
    for stamp, text in zip(STAMPS, texts):
        (folder / f"{stamp}.md").write_text(text, encoding="utf-8")
    return folder


def git(repo: Path, *args: str, date: str | None = None) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@e", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@e", TZ="UTC")
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


def repository(root: Path) -> Path:
    """A versions repository: V1, V2, a technical re-extraction of V2, two commits in one
    second (the second flips back to V3 of the same second), and a second document."""
    repo = root / "versions"
    (repo / "Example").mkdir(parents=True)
    git(repo, "init", "-q")
    path = repo / "Example" / "Privacy Policy.md"
    steps = [
        (V1, "2024-01-05T10:00:00Z", "Record new changes of Example Privacy Policy"),
        (V2, "2024-06-01T08:30:00Z", "Record new changes of Example Privacy Policy"),
        (V2 + "\n", "2024-07-01T00:00:00Z", "Apply technical or declaration upgrade on Example Privacy Policy"),
        (V3, "2025-02-11T12:00:00Z", "Record new changes of Example Privacy Policy"),
        (V3.replace("at most", "at the most"), "2025-02-11T12:00:00Z", "Record new changes of Example Privacy Policy"),
    ]
    for text, date, subject in steps:
        path.write_text(text, encoding="utf-8")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", subject, date=date)
    other = repo / "Other" / "Terms of Service.md"
    other.parent.mkdir()
    other.write_text("Other terms.\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Record new changes of Other Terms of Service", date="2025-03-01T00:00:00Z")
    return path
