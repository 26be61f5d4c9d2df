"""When two values read from or written to TOML are the same value.

``==`` is wrong both ways for a file a person keeps: ``nan != nan`` (TOML has nan), so a file
holding one never equals itself and is rewritten at every save; and ``1 == True == 1.0`` and two
date-times at the same instant in different offsets are equal, so a change of type or offset would
be taken for no change and never written. ``same_value`` is ``==`` made exact for these.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import datetime, time
from typing import Any


def same_value(a: Any, b: Any) -> bool:
    """Equal, of the same type, nan equal to nan, date-times in the same offset; recursing into
    dicts, lists, tuples and dataclasses (their compared fields)."""
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b or (a != a and b != b)
    if isinstance(a, (datetime, time)):
        return a == b and (a.tzinfo is None) == (b.tzinfo is None) and a.utcoffset() == b.utcoffset()
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_value(v, b[k]) for k, v in a.items())
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(map(same_value, a, b))
    if is_dataclass(a):
        return all(same_value(getattr(a, f.name), getattr(b, f.name)) for f in fields(a) if f.compare)
    return bool(a == b)


__all__ = ["same_value"]
