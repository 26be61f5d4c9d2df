"""Taxonomy: the OPP-115 default exactly as specified, and a set's own taxonomy.toml."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reviewer.errors import TaxonomyError
from reviewer.taxonomy import DEFAULT_TAXONOMY, UNKNOWN_COLOUR, load_taxonomy, taxonomy_for_set

EXPECTED = [
    ("first-party-collection", "1", "First Party Collection/Use"),
    ("third-party-sharing", "2", "Third Party Sharing/Collection"),
    ("user-choice", "3", "User Choice/Control"),
    ("user-access", "4", "User Access, Edit and Deletion"),
    ("data-retention", "5", "Data Retention"),
    ("data-security", "6", "Data Security"),
    ("policy-change", "7", "Policy Change"),
    ("do-not-track", "8", "Do Not Track"),
    ("specific-audiences", "9", "International and Specific Audiences"),
    ("other", "0", "Other"),
]


def test_default_order_slugs_keys_names() -> None:
    assert [(c.slug, c.key, c.name) for c in DEFAULT_TAXONOMY] == EXPECTED
    assert DEFAULT_TAXONOMY.slugs == [e[0] for e in EXPECTED]


def test_default_descriptions_and_colours() -> None:
    colours = set()
    for c in DEFAULT_TAXONOMY:
        assert c.description and "\n" not in c.description
        assert re.fullmatch(r"#[0-9a-f]{6}", c.colour)
        colours.add(c.colour)
    assert len(colours) == len(DEFAULT_TAXONOMY)


def test_lookup_by_slug_and_key() -> None:
    assert DEFAULT_TAXONOMY.get("data-retention").key == "5"
    assert DEFAULT_TAXONOMY.by_key("0").slug == "other"
    assert "do-not-track" in DEFAULT_TAXONOMY and "nope" not in DEFAULT_TAXONOMY
    assert DEFAULT_TAXONOMY.unknown(["other", "nope", "x"]) == ["nope", "x"]
    assert DEFAULT_TAXONOMY.colour("nope") == UNKNOWN_COLOUR
    assert "unknown" in DEFAULT_TAXONOMY.name("nope")
    assert len(DEFAULT_TAXONOMY) == 10


TOML = """
schema = 1

[[category]]
slug = "data-retention"
name = "Data Retention"
key = "r"
colour = "#EDC948"
description = "How long data is kept."

[[category.attributes]]
name = "retention-period"
values = ["stated", "limited", "indefinitely", "unspecified"]
description = "How long"

[[category.attributes]]
name = "purpose"
values = []

[[category]]
slug = "sharing"
name = "Sharing"
color = "#112233"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "taxonomy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_with_attributes(tmp_path: Path) -> None:
    tax = load_taxonomy(write(tmp_path, TOML))
    assert tax.slugs == ["data-retention", "sharing"]
    dr = tax.get("data-retention")
    assert dr.key == "r" and dr.colour == "#edc948" and dr.description == "How long data is kept."
    assert [a.name for a in dr.attributes] == ["retention-period", "purpose"]
    assert dr.attributes[0].values == ("stated", "limited", "indefinitely", "unspecified")
    assert tax.get("sharing").colour == "#112233" and tax.get("sharing").key == ""
    assert tax.warnings == ()
    assert tax.source == tmp_path / "taxonomy.toml"


def test_taxonomy_for_set(tmp_path: Path) -> None:
    assert taxonomy_for_set(tmp_path) is DEFAULT_TAXONOMY
    write(tmp_path, TOML)
    assert taxonomy_for_set(tmp_path).slugs == ["data-retention", "sharing"]


@pytest.mark.parametrize("text, needle", [
    ('[[category]]\nslug = "a"\n[[category]]\nslug = "a"\n', "defined twice"),
    ('[[category]]\nslug = "a"\nkey = "1"\n[[category]]\nslug = "b"\nkey = "1"\n', "key '1'"),
    ('[[category]]\nslug = "a"\nkey = "12"\n', "one character"),
    ('[[category]]\nslug = "Bad Slug"\n', "slug"),
    ('[[category]]\nname = "no slug"\n', "slug"),
    ('[[category]]\nslug = "a"\ncolour = "red"\n', "colour"),
    ('[[category]]\nslug = "a"\nname = 3\n', "name must be a string"),
    ('schema = 1\n', "at least one"),
    ('category = "x"\n', "at least one"),
    ('category = [1]\n', "not a table"),
    ('[[category]]\nslug = "a"\nattributes = "x"\n', "attributes"),
    ('[[category]]\nslug = "a"\n[[category.attributes]]\nvalues = []\n', "needs a name"),
    ('[[category]]\nslug = "a"\n[[category.attributes]]\nname = "n"\nvalues = [1]\n', "values"),
    ('[[category]]\nslug = "a"\n[[category.attributes]]\nname = "n"\n[[category.attributes]]\nname = "n"\n',
     "defined twice"),
    ('[[category]\nslug = "a"\n', "malformed TOML"),
])
def test_bad_taxonomies_refused(tmp_path: Path, text: str, needle: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(TaxonomyError) as err:
        load_taxonomy(path)
    message = str(err.value)
    assert str(path) in message and needle in message
    assert "\n" not in message


def test_malformed_toml_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, '[[category]]\nslug = "a"\nname = \n')
    with pytest.raises(TaxonomyError, match=r"line 3, column"):
        load_taxonomy(path)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "taxonomy.toml"
    path.write_bytes(b'[[category]]\nslug = "\xff"\n')
    with pytest.raises(TaxonomyError, match="UTF-8"):
        load_taxonomy(path)


def test_unknown_fields_warned(tmp_path: Path) -> None:
    text = TOML + 'shape = "round"\n' + "\n[meta]\nx = 1\n"
    tax = load_taxonomy(write(tmp_path, text))
    assert any("'shape'" in w and "sharing" in w for w in tax.warnings)
    assert any("'meta'" in w for w in tax.warnings)
    assert all(str(tmp_path / "taxonomy.toml") in w for w in tax.warnings)
