"""Small wording helpers shared by screens."""

from __future__ import annotations


def counted(n: int, one: str, many: str | None = None) -> str:
    """``n`` with the noun in the right number: ``counted(1, "policy", "policies")`` → "1 policy"."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


__all__ = ["counted"]
