"""Make untrusted document text safe to show in a terminal.

Policies are data: a policy may contain ANSI/OSC escape sequences, other control characters or
Rich markup. ``visible`` maps every control character to a visible, inert stand-in *one code
point for one code point*, so display columns and document offsets stay aligned. Callers must
still wrap the result in ``rich.text.Text`` (never parse it as markup).
"""

from __future__ import annotations

# C0 controls -> Unicode "control pictures" (U+2400..U+241F); DEL -> U+2421.
_TABLE: dict[int, str] = {c: chr(0x2400 + c) for c in range(0x20)}
_TABLE[0x7F] = "\u2421"
# C1 controls (0x80..0x9F, e.g. CSI 0x9B) -> a replacement symbol.
_TABLE.update({c: "\ufffd" for c in range(0x80, 0xA0)})
# Tab becomes one space so that one code point stays one column.
_TABLE[0x09] = " "
# Bidirectional overrides and isolates can reorder what the analyst sees: show them.
_TABLE.update({c: "\u25c7" for c in (0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
                                                           0x2066, 0x2067, 0x2068, 0x2069)})

_KEEP_NEWLINE = dict(_TABLE)
_KEEP_NEWLINE.pop(0x0A)


def visible(text: str, *, keep_newlines: bool = True) -> str:
    """Return ``text`` with control characters replaced by visible stand-ins (same length)."""
    return text.translate(_KEEP_NEWLINE if keep_newlines else _TABLE)


def one_line(text: str, limit: int | None = None) -> str:
    """A single-line, safe rendering of ``text`` (newlines shown as spaces), optionally cut."""
    flat = visible(text.replace("\n", " "))
    if limit is not None and len(flat) > limit:
        return flat[: max(0, limit - 1)] + "\u2026"
    return flat


_EDITABLE = dict(_KEEP_NEWLINE)
_EDITABLE[0x09] = "\u2409"   # in an editor a tab must not look like the spaces typed next to it


def editable(text: str) -> str:
    """``text`` for an editor: controls as visible stand-ins (one code point each), newlines kept,
    a tab as its own symbol. ``restore`` maps the edited result back to real characters."""
    return text.translate(_EDITABLE)


def restore(original: str, edited: str) -> str:
    """The real text after editing ``editable(original)`` into ``edited``: every character the
    analyst did not touch is the original one (a tab, CR or BEL stays itself, not its stand-in);
    what was typed is taken as typed."""
    shown = editable(original)
    if edited == shown:
        return original
    from difflib import SequenceMatcher

    out: list[str] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, shown, edited, autojunk=False).get_opcodes():
        out.append(original[i1:i2] if tag == "equal" else edited[j1:j2])
    return "".join(out)
