"""Map the labels another tool wrote to the taxonomy's slugs.

Other tools label spans with whatever the team typed: the display name ("First Party
Collection/Use"), brat's storage form of it (``First_Party_Collection_Use``), the slug, or a case
or spacing variant of any of these. Each of these reduces to the same *key* (case folded, letters
and digits only), so a label maps to the category whose slug or name has its key. A key two
categories share maps to neither (it would be a guess). A ``--map`` file (a TOML table,
``"label" = "slug"``) settles the rest; its entries win over the guessing.

A label that maps to nothing is kept verbatim (the set shows it as an unknown category) and
counted, so the command can report each one once and say the import was not clean.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

try:
    import tomli as tomllib
except ImportError:  # pragma: no cover
    import tomllib  # type: ignore[no-redef]  # stdlib fallback, same API

from reviewer.errors import ReviewerError
from reviewer.formats.common import ImportedData
from reviewer.safeio import NotRegular, read_regular
from reviewer.taxonomy import Taxonomy

_NOT_ALNUM = re.compile(r"[\W_]+")


def label_key(label: str) -> str:
    """What is left of a label once case, spacing, punctuation and brat's underscores are gone."""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", label).casefold())


@dataclass
class LabelMapping:
    """How every label of one import was read: mapped (label -> slug) and unmapped (label -> count)."""

    mapped: dict[str, str] = field(default_factory=dict)
    unmapped: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, dict]:
        return {"mapped": dict(self.mapped), "unmapped": dict(self.unmapped)}


class LabelMapper:
    """Resolves labels to slugs of one taxonomy, with an optional explicit table first."""

    def __init__(self, taxonomy: Taxonomy, explicit: dict[str, str] | None = None) -> None:
        self.taxonomy = taxonomy
        self.explicit = dict(explicit or {})
        self._explicit_keys = {label_key(k): v for k, v in self.explicit.items()}
        owners: dict[str, set[str]] = {}
        for cat in taxonomy:
            for form in (cat.slug, cat.name):
                key = label_key(form)
                if key:
                    owners.setdefault(key, set()).add(cat.slug)
        self._by_key = {k: next(iter(v)) for k, v in owners.items() if len(v) == 1}

    def resolve(self, label: str) -> str | None:
        if label in self.explicit:
            return self.explicit[label]
        if label in self.taxonomy:
            return label
        key = label_key(label)
        return self._explicit_keys.get(key) or self._by_key.get(key)


def map_labels(data: ImportedData, mapper: LabelMapper) -> LabelMapping:
    """Rewrite every annotation's categories in ``data`` to slugs, in place; what could not be mapped
    is kept as it was and counted (once per annotation carrying it)."""
    report = LabelMapping()
    cache: dict[str, str | None] = {}
    for doc in data.documents:
        for i, ann in enumerate(doc.annotations):
            if not ann.categories:
                continue
            out: list[str] = []
            for label in ann.categories:
                if label not in cache:
                    cache[label] = mapper.resolve(label)
                slug = cache[label]
                if slug is None:
                    report.unmapped[label] += 1
                    slug = label
                elif slug != label:
                    report.mapped[label] = slug
                if slug not in out:
                    out.append(slug)
            if tuple(out) != ann.categories:
                doc.annotations[i] = replace(ann, categories=tuple(out))
    return report


#: A label map names a few hundred labels at most; a file this size is a mistake (a device, a dump).
MAX_MAP = 1024 * 1024


def read_map(path: Path | str, taxonomy: Taxonomy) -> dict[str, str]:
    """A ``--map`` file: a TOML table of label = slug, each slug one of the taxonomy's."""
    path = Path(path)
    try:
        data = tomllib.loads(read_regular(path, MAX_MAP).decode("utf-8-sig"))
    except FileNotFoundError:
        raise ReviewerError(path, "no such label map") from None
    except NotRegular as exc:
        raise ReviewerError(path, str(exc)) from None
    except UnicodeDecodeError as exc:
        raise ReviewerError(path, f"not valid UTF-8 (byte {exc.start})") from None
    except OSError as exc:
        raise ReviewerError(path, f"cannot read ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ReviewerError(path, f"malformed TOML: {exc}") from None
    except (ValueError, RecursionError) as exc:  # an integer of over 4,300 digits; nesting too deep
        raise ReviewerError(path, f"unreadable TOML: {str(exc).split(':')[0] or 'nested too deeply'}") from None
    out: dict[str, str] = {}
    for label, slug in data.items():
        if not isinstance(slug, str):
            raise ReviewerError(path, f"label {label!r}: the value must be a category slug (a string)")
        if slug not in taxonomy:
            raise ReviewerError(path, f"label {label!r} maps to {slug!r}, which is not a category of the set "
                                      f"(one of {', '.join(taxonomy.slugs)})")
        out[label] = slug
    return out


__all__ = ["LabelMapper", "LabelMapping", "label_key", "map_labels", "read_map"]
