"""Categories an annotation can carry: the OPP-115 default, or a set's own ``taxonomy.toml``."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from reviewer.errors import TaxonomyError
from reviewer.safeio import describe, read_regular

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
KEYS = "1234567890"


@dataclass(frozen=True)
class Attribute:
    """A typed attribute of a category (OPP-115 style), with its allowed values."""

    name: str
    values: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Category:
    slug: str
    name: str
    key: str = ""
    colour: str = "#888888"
    description: str = ""
    attributes: tuple[Attribute, ...] = ()


UNKNOWN_COLOUR = "#9e9e9e"

OPP115 = (
    Category("first-party-collection", "First Party Collection/Use", "1", "#4e79a7",
             "How and why the service collects or uses the user's information."),
    Category("third-party-sharing", "Third Party Sharing/Collection", "2", "#f28e2b",
             "How the user's information is shared with or collected by third parties."),
    Category("user-choice", "User Choice/Control", "3", "#59a14f",
             "Choices and control options available to the user."),
    Category("user-access", "User Access, Edit and Deletion", "4", "#b07aa1",
             "Whether and how users may access, edit or delete their information."),
    Category("data-retention", "Data Retention", "5", "#edc948",
             "How long the user's information is stored."),
    Category("data-security", "Data Security", "6", "#e15759",
             "How the user's information is protected."),
    Category("policy-change", "Policy Change", "7", "#76b7b2",
             "If and how users are informed of changes to the policy."),
    Category("do-not-track", "Do Not Track", "8", "#ff9da7",
             "If and how Do Not Track signals are honoured."),
    Category("specific-audiences", "International and Specific Audiences", "9", "#9c755f",
             "Practices for specific groups: children, Europeans, Californians."),
    Category("other", "Other", "0", "#bab0ac",
             "Introductory text, contact information, practices not covered above."),
)


@dataclass(frozen=True)
class Taxonomy:
    categories: tuple[Category, ...]
    source: Path | None = None
    warnings: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_slug", {c.slug: c for c in self.categories})
        object.__setattr__(self, "_by_key", {c.key: c for c in self.categories if c.key})

    def get(self, slug: str) -> Category | None:
        return self._by_slug.get(slug)  # type: ignore[attr-defined]  # set in __post_init__ of a frozen dataclass

    def by_key(self, key: str) -> Category | None:
        return self._by_key.get(key)  # type: ignore[attr-defined]  # set in __post_init__ of a frozen dataclass

    def __contains__(self, slug: object) -> bool:
        return slug in self._by_slug  # type: ignore[attr-defined]  # set in __post_init__ of a frozen dataclass

    def __iter__(self):
        return iter(self.categories)

    def __len__(self) -> int:
        return len(self.categories)

    @property
    def slugs(self) -> list[str]:
        return [c.slug for c in self.categories]

    def colour(self, slug: str) -> str:
        cat = self.get(slug)
        return cat.colour if cat else UNKNOWN_COLOUR

    def name(self, slug: str) -> str:
        cat = self.get(slug)
        return cat.name if cat else f"{slug} (unknown)"

    def unknown(self, slugs) -> list[str]:
        return [s for s in slugs if s not in self]


DEFAULT_TAXONOMY = Taxonomy(OPP115)

_CATEGORY_FIELDS = {"slug", "name", "key", "colour", "color", "description", "attributes"}


def load_taxonomy(path: Path | str) -> Taxonomy:
    """Read a ``taxonomy.toml``: ``[[category]]`` tables with slug, name, key, colour, description,
    and optional ``[[category.attributes]]`` (name, values, description).

    Duplicate slugs or keys are errors (the taxonomy is refused); unknown fields are warnings.
    """
    path = Path(path)
    try:
        data = tomllib.loads(read_regular(path).decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(path, f"malformed TOML: {exc}") from None
    except RecursionError:
        raise TaxonomyError(path, "malformed TOML: nested too deeply") from None
    except UnicodeDecodeError as exc:
        raise TaxonomyError(path, f"not valid UTF-8 (byte {exc.start})") from None
    except OSError as exc:
        raise TaxonomyError(path, describe(exc)) from None
    except ValueError as exc:  # e.g. an integer of over 4,300 digits, refused by int() itself
        raise TaxonomyError(path, f"unreadable TOML value: {str(exc).split(':')[0]}") from None
    raw = data.get("category")
    if not isinstance(raw, list) or not raw:
        raise TaxonomyError(path, "needs at least one [[category]] table")
    warnings: list[str] = []
    for key in data:
        if key not in ("category", "schema"):
            warnings.append(f"{path}: unknown top-level field {key!r} ignored")
    categories: list[Category] = []
    slugs: set[str] = set()
    keys: set[str] = set()
    for n, item in enumerate(raw, 1):
        where = f"category #{n}"
        if not isinstance(item, dict):
            raise TaxonomyError(path, f"{where} is not a table")
        slug = item.get("slug")
        if not isinstance(slug, str) or not SLUG.match(slug):
            raise TaxonomyError(path, f"{where}: slug must be lowercase letters, digits, '-' or '_' (got {slug!r})")
        where = f"category {slug!r}"
        if slug in slugs:
            raise TaxonomyError(path, f"{where} is defined twice")
        name = item.get("name", slug)
        key = item.get("key", "")
        colour = item.get("colour", item.get("color", "#888888"))
        desc = item.get("description", "")
        for fname, value in (("name", name), ("key", key), ("colour", colour), ("description", desc)):
            if not isinstance(value, str):
                raise TaxonomyError(path, f"{where}: {fname} must be a string")
        if key and (len(key) != 1 or key in keys):
            raise TaxonomyError(path, f"{where}: key {key!r} must be one character used by no other category")
        if not isinstance(colour, str) or not COLOUR.match(colour):
            raise TaxonomyError(path, f"{where}: colour must look like '#rrggbb' (got {colour!r})")
        for extra in set(item) - _CATEGORY_FIELDS:
            warnings.append(f"{path}: {where}: unknown field {extra!r} ignored")
        attributes = _attributes(path, where, item.get("attributes", []))
        slugs.add(slug)
        if key:
            keys.add(key)
        categories.append(Category(slug, name, key, str(colour).lower(), desc, attributes))
    return Taxonomy(tuple(categories), path, tuple(warnings))


def _attributes(path: Path, where: str, raw: object) -> tuple[Attribute, ...]:
    if not isinstance(raw, list):
        raise TaxonomyError(path, f"{where}: attributes must be an array of tables")
    out: list[Attribute] = []
    names: set[str] = set()
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise TaxonomyError(path, f"{where}: each attribute needs a name")
        if item["name"] in names:
            raise TaxonomyError(path, f"{where}: attribute {item['name']!r} is defined twice")
        values = item.get("values", [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise TaxonomyError(path, f"{where}: attribute {item['name']!r} values must be strings")
        names.add(item["name"])
        out.append(Attribute(item["name"], tuple(values), str(item.get("description", ""))))
    return tuple(out)


def taxonomy_for_set(set_dir: Path | str) -> Taxonomy:
    """The set's own taxonomy.toml when present, else the OPP-115 default."""
    path = Path(set_dir) / "taxonomy.toml"
    # a FIFO or a dangling link is refused, not skipped
    return load_taxonomy(path) if os.path.lexists(path) else DEFAULT_TAXONOMY
