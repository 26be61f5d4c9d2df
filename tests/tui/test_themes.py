"""Project themes load from themes/*.toml, bad files warn (naming the file) and are skipped,
and category colours stay readable on every theme's background and surface."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from textual.app import App
from textual.theme import BUILTIN_THEMES, Theme

from reviewer.taxonomy import DEFAULT_TAXONOMY, Category, Taxonomy
from reviewer.tui.themes import (
    DEFAULT_DARK,
    DEFAULT_LIGHT,
    MIN_CONTRAST,
    THEMES_DIR,
    category_colour,
    contrast_ratio,
    load_themes,
    readable,
    register_themes,
)

GOOD = '''name = "test-good"
primary = "#336699"
background = "#101010"
[variables]
category-other = "#ff0000"
'''


def project_themes() -> dict[str, Theme]:
    themes, warnings = load_themes(THEMES_DIR)
    assert warnings == []
    return {t.name: t for t in themes}


def test_bundled_themes_dark_and_light() -> None:
    assert THEMES_DIR.is_dir() and THEMES_DIR.name == "themes"
    themes = project_themes()
    assert themes[DEFAULT_DARK].dark is True
    assert themes[DEFAULT_LIGHT].dark is False
    for theme in themes.values():
        for category in DEFAULT_TAXONOMY:  # each project theme tunes every OPP-115 colour
            assert f"category-{category.slug}" in theme.variables


def all_themes() -> list[Theme]:
    return [*project_themes().values(), BUILTIN_THEMES["textual-dark"], BUILTIN_THEMES["textual-light"],
            BUILTIN_THEMES["ansi-dark"], BUILTIN_THEMES["ansi-light"], BUILTIN_THEMES["nord"]]


@pytest.mark.parametrize("theme", all_themes(), ids=lambda t: t.name)
def test_category_colours_readable_on_background_and_surface(theme: Theme) -> None:
    system = theme.to_color_system().generate()
    grounds = [system["background"], system["surface"]]
    if theme.ansi:
        grounds = ["#000000" if theme.dark else "#ffffff"]
    colours = set()
    for category in DEFAULT_TAXONOMY:
        colour = category_colour(theme, DEFAULT_TAXONOMY, category.slug)
        colours.add(colour)
        for ground in grounds:
            assert contrast_ratio(colour, ground) >= MIN_CONTRAST, (theme.name, category.slug, colour, ground)
    assert len(colours) == len(DEFAULT_TAXONOMY)  # still tell categories apart


def test_theme_variable_wins_over_taxonomy_colour() -> None:
    theme = project_themes()[DEFAULT_DARK]
    assert category_colour(theme, DEFAULT_TAXONOMY, "data-retention") == theme.variables[
        "category-data-retention"].upper()


def test_unknown_slug_and_custom_taxonomy_get_readable_colours() -> None:
    taxonomy = Taxonomy((Category("pale", "Pale", "1", "#fafafa"), Category("dark", "Dark", "2", "#050505")))
    for theme in all_themes():
        for slug in ("pale", "dark", "not-there"):
            colour = category_colour(theme, taxonomy, slug)
            ground = "#000000" if theme.ansi and theme.dark else ("#ffffff" if theme.ansi else
                                                                  theme.to_color_system().generate()["background"])
            assert contrast_ratio(colour, ground) >= MIN_CONTRAST


@settings(max_examples=300, deadline=None)
@given(colour=st.integers(0, 0xFFFFFF), ground=st.integers(0, 0xFFFFFF), other=st.integers(0, 0xFFFFFF))
@example(colour=0, ground=0x007E00, other=0x009700)  # found by hypothesis: no colour reaches 4.5 on both
def test_readable_always_reaches_the_contrast(colour: int, ground: int, other: int) -> None:
    grounds = (f"#{ground:06x}", f"#{other:06x}")
    # One ground can always be met (white or black reach 4.58:1 on anything)...
    single = readable(f"#{colour:06x}", grounds[:1])
    assert contrast_ratio(single, grounds[0]) >= MIN_CONTRAST
    # ...two may not be (two mid greens): then it is as good as white or black can be.
    both = readable(f"#{colour:06x}", grounds)
    best = max(min(contrast_ratio(end, g) for g in grounds) for end in ("#ffffff", "#000000"))
    assert min(contrast_ratio(both, g) for g in grounds) >= min(MIN_CONTRAST, best) - 1e-9


def test_readable_leaves_good_colours_alone() -> None:
    assert readable("#ffffff", ("#000000",)) == "#FFFFFF"
    assert readable("#4e79a7", ("#ffffff",)) == "#4E79A7"


def test_category_colour_accepts_an_app_and_follows_its_theme() -> None:
    async def run() -> tuple[str, str]:
        app = App()
        async with app.run_test():
            register_themes(app)
            app.theme = DEFAULT_LIGHT
            light = category_colour(app, DEFAULT_TAXONOMY, "data-retention")
            app.theme = DEFAULT_DARK
            dark = category_colour(app, DEFAULT_TAXONOMY, "data-retention")
        return light, dark

    light, dark = asyncio.run(run())
    assert light != dark
    assert contrast_ratio(light, "#ffffff") > contrast_ratio(dark, "#ffffff")


# --- bad files ----------------------------------------------------------------------------------

BAD = {
    "broken.toml": 'name = "x\nprimary = 1',
    "noprimary.toml": 'name = "noprimary"\n',
    "badcolour.toml": 'name = "badcolour"\nprimary = "#12345z"\n',
    "wrongtype.toml": 'name = "wrongtype"\nprimary = 12\n',
    "badname.toml": 'name = "Bad Name!"\nprimary = "#123456"\n',
    "baddark.toml": 'name = "baddark"\nprimary = "#123456"\ndark = "yes"\n',
    "badfloat.toml": 'name = "badfloat"\nprimary = "#123456"\ntext_alpha = 7\n',
    "badvars.toml": 'name = "badvars"\nprimary = "#123456"\nvariables = 3\n',
    "badvar.toml": 'name = "badvar"\nprimary = "#123456"\n[variables]\ncategory-x = "nope"\n',
    "injected.toml": 'name = "injected"\nprimary = "#123456"\n[variables]\nfoo = "red; } Screen { display: none"\n',
    "builtin.toml": 'name = "textual-dark"\nprimary = "#123456"\n',
    "huge-integer.toml": 'name = "huge"\nprimary = "#123456"\nx = ' + "7" * 5000 + "\n",
}


def write(folder: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_theme_file_warns_naming_it_and_is_skipped(tmp_path: Path, name: str) -> None:
    write(tmp_path, {"good.toml": GOOD, name: BAD[name]})
    themes, warnings = load_themes(tmp_path)
    assert [t.name for t in themes] == ["test-good"]
    assert len(warnings) == 1
    assert str(tmp_path / name) in warnings[0] and "skipped" in warnings[0]
    assert "\n" not in warnings[0].strip() or name == "broken.toml"


def test_non_utf8_theme_file(tmp_path: Path) -> None:
    write(tmp_path, {"latin.toml": b'name = "caf\xe9"\nprimary = "#123456"\n'})
    themes, warnings = load_themes(tmp_path)
    assert themes == [] and "latin.toml" in warnings[0] and "UTF-8" in warnings[0]


def test_duplicate_names_keep_the_first(tmp_path: Path) -> None:
    write(tmp_path, {"a.toml": GOOD, "b.toml": GOOD})
    themes, warnings = load_themes(tmp_path)
    assert len(themes) == 1
    assert "b.toml" in warnings[0] and "a.toml" in warnings[0]


def test_unknown_fields_warn_but_load(tmp_path: Path) -> None:
    write(tmp_path, {"extra.toml": 'shiny = true\n' + GOOD})
    themes, warnings = load_themes(tmp_path)
    assert [t.name for t in themes] == ["test-good"]
    assert warnings == [f"{tmp_path / 'extra.toml'}: unknown field 'shiny' ignored"]


def test_missing_folder_warns(tmp_path: Path) -> None:
    themes, warnings = load_themes(tmp_path / "nope")
    assert themes == [] and "nope" in warnings[0]


def test_name_defaults_to_the_file_stem(tmp_path: Path) -> None:
    write(tmp_path, {"plain-stem.toml": 'primary = "#123456"\n'})
    themes, _ = load_themes(tmp_path)
    assert themes[0].name == "plain-stem"


def test_registered_themes_apply_with_the_dialog_css(tmp_path: Path) -> None:
    """Every loaded theme, project or user, can be switched to with our CSS loaded."""
    write(tmp_path, {"good.toml": GOOD})
    css = Path(__file__).resolve().parents[2] / "reviewer" / "tui" / "styles" / "dialogs.tcss"

    class Host(App):
        CSS_PATH = str(css)

    async def run() -> list[str]:
        app = Host()
        async with app.run_test() as pilot:
            warnings = register_themes(app) + register_themes(app, tmp_path)
            for name in (DEFAULT_DARK, DEFAULT_LIGHT, "test-good"):
                app.theme = name
                await pilot.pause()
                assert app.current_theme.name == name
        return warnings

    assert asyncio.run(run()) == []
