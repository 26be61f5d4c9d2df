"""Export and import formats, one module each, registered by name.

``FORMATS`` maps a format name to its module (see ``reviewer.formats.common`` for what a module
provides). ``EXPORTS`` lists every format, ``IMPORTS`` those that can be read back.
"""

from __future__ import annotations

from types import ModuleType

from reviewer.formats import brat, csv_format, doccano, jsonl, labelstudio, w3c

FORMATS: dict[str, ModuleType] = {m.NAME: m for m in (w3c, csv_format, jsonl, brat, doccano, labelstudio)}
EXPORTS: tuple[str, ...] = tuple(FORMATS)
IMPORTS: tuple[str, ...] = tuple(name for name, m in FORMATS.items() if hasattr(m, "read"))


def get(name: str) -> ModuleType:
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r} (one of {', '.join(FORMATS)})") from None


__all__ = ["FORMATS", "EXPORTS", "IMPORTS", "get"]
