"""Pilot tests of each dialog in a tiny host app: real keys in, the dismissed value out.

Every dialog returns a value and never touches a store; text from documents is shown literally
(no markup, no escape sequences); a terminal squeezed to 20x6 and back leaves them working.
"""

from __future__ import annotations

import asyncio
import functools
import html
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static, TextArea

from reviewer.store import Annotation
from reviewer.taxonomy import DEFAULT_TAXONOMY, Attribute, Category, Taxonomy
from reviewer.tui.screens.document_picker import DocumentPicker, FuzzyRows, rank
from reviewer.tui.screens.help import HelpScreen
from reviewer.tui.screens.note_editor import NoteEditor
from reviewer.tui.screens.orphans import OrphanAction, OrphansScreen
from reviewer.tui.widgets.choice_field import ChoiceField
from reviewer.tui.screens.tag_picker import TagChoice, TagPicker
from reviewer.tui.themes import register_themes

ROOT = Path(__file__).resolve().parents[2]
DIALOGS_CSS = ROOT / "reviewer" / "tui" / "styles" / "dialogs.tcss"
SCREENS = ROOT / "reviewer" / "tui" / "screens"
DIALOG_FILES = ["tag_picker.py", "note_editor.py", "help.py", "orphans.py", "document_picker.py"]
SIZE = (120, 40)
_UNSET = object()

HOSTILE = "[bold]x[/bold] \x1b[31mred\x1b[0m [link=http://e.vil]y[/link]"

ATTR_TAXONOMY = Taxonomy((
    Category("collection", "Collection", "1", "#4e79a7", "What is collected",
             (Attribute("purpose", ("ads", "analytics")), Attribute("basis"))),
    Category("sharing", "Sharing", "2", "#f28e2b", "Who gets it",
             (Attribute("purpose", ("ads", "resale")),)),
    Category("retention", "Retention", "3", "#59a14f", "How long"),
))


def async_test(fn):
    """Run an async test on a fresh event loop (the suite has no asyncio plugin)."""
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        asyncio.run(fn(*args, **kwargs))
    return wrapper


class Host(App[None]):
    """A plain background with one dialog pushed on top; the dismissed value lands in results."""

    CSS_PATH = str(DIALOGS_CSS)

    def __init__(self, dialog: Screen[Any], theme: str | None = None) -> None:
        super().__init__()
        self.dialog = dialog
        self.wanted_theme = theme
        self.results: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Static("background text " * 50)

    def on_mount(self) -> None:
        register_themes(self)
        if self.wanted_theme:
            self.theme = self.wanted_theme
        self.push_screen(self.dialog, self.results.append)

    @property
    def result(self) -> Any:
        return self.results[-1] if self.results else _UNSET


def screen_text(app: App[Any]) -> str:
    """What the terminal shows, as plain text lines, rebuilt from the SVG screenshot
    (each <text> run placed at its column; blank cells are not written as text in the SVG)."""
    svg = app.export_screenshot()
    runs = re.findall(r'<text[^>]*?x="([\d.]+)" y="([\d.]+)" textLength="([\d.]+)"[^>]*>(.*?)</text>', svg)
    lines: dict[float, dict[int, str]] = {}
    for x, y, length, raw in runs:
        text = html.unescape(raw).replace("\xa0", " ")
        if not text:
            continue
        cell = float(length) / len(text)
        lines.setdefault(float(y), {})[round(float(x) / cell)] = text
    out = []
    for y in sorted(lines):
        row = ""
        for column, text in sorted(lines[y].items()):
            row = row.ljust(column) + text
        out.append(row)
    return "\n".join(out)


def option_ids(app: App[Any], selector: str) -> list[str]:
    options = app.screen.query_one(selector, OptionList)
    return [options.get_option_at_index(i).id or "" for i in range(options.option_count)]


async def squeeze(pilot) -> None:
    """Resize to 20x6 and back,, pausing at each size so layout runs."""
    await pilot.resize_terminal(20, 6)
    await pilot.pause()
    await pilot.resize_terminal(*SIZE)
    await pilot.pause()


# --- shared fuzzy ranking -----------------------------------------------------------------------

ROWS = [(c.name, c.slug.replace("-", " "), c.description) for c in DEFAULT_TAXONOMY]


@pytest.mark.parametrize("query, first", [
    ("ret", "data-retention"), ("third", "third-party-sharing"), ("dnt", "do-not-track"),
    ("securty", "data-security"), ("deletion", "user-access"), ("informed", "policy-change"),
])
def test_rank_puts_the_obvious_category_first(query: str, first: str) -> None:
    order = rank(query, ROWS, weights=(1.0, 1.0, 0.85))
    assert DEFAULT_TAXONOMY.categories[order[0]].slug == first


def test_rank_empty_query_keeps_order_and_nonsense_matches_nothing() -> None:
    assert rank("", ROWS) == list(range(len(ROWS)))
    assert rank("   ", ROWS) == list(range(len(ROWS)))
    assert rank("zzqx", ROWS) == []


words = st.text(alphabet="abcdefghij XYZ-/\u00e9", max_size=20)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.tuples(words, words), max_size=12), query=words)
def test_rank_is_an_ordered_subset_and_finds_exact_names(rows: list[tuple[str, str]], query: str) -> None:
    matcher = FuzzyRows(rows)
    order = matcher.rank(query)
    assert len(set(order)) == len(order) and set(order) <= set(range(len(rows)))
    scores = matcher.scores(query)
    assert all(scores[a] >= scores[b] for a, b in zip(order, order[1:]))
    for i, (name, _) in enumerate(rows):
        if query.strip() and name.strip().lower() == query.strip().lower():
            assert i in order  # a row named exactly like the query is always offered
    if not query.strip():
        assert order == list(range(len(rows)))


# --- tag picker ---------------------------------------------------------------------------------

@async_test
async def test_tag_picker_typing_filters_and_space_ticks_the_highlighted() -> None:
    app = Host(TagPicker(DEFAULT_TAXONOMY))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert len(option_ids(app, "#categories")) == len(DEFAULT_TAXONOMY)
        await pilot.press("r", "e", "t")
        assert option_ids(app, "#categories") == ["data-retention"]
        await pilot.press("space", "enter")
    assert app.result == TagChoice(("data-retention",), {})


@async_test
async def test_tag_picker_keys_toggle_several_and_never_reach_the_filter() -> None:
    app = Host(TagPicker(DEFAULT_TAXONOMY))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "1", "0", "0", "6")
        assert app.screen.query_one("#filter", Input).value == ""
        await pilot.press("enter")
    # taxonomy order, "0" toggled twice is off again
    assert app.result == TagChoice(("first-party-collection", "user-choice", "data-security"), {})


@async_test
async def test_tag_picker_arrows_move_the_highlight() -> None:
    app = Host(TagPicker(DEFAULT_TAXONOMY))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("u", "s", "e", "r")
        ids = option_ids(app, "#categories")
        assert ids[:2] == ["user-choice", "user-access"]
        await pilot.press("down", "space", "down", "up", "enter")
    assert app.result.categories == ("user-access",)


@async_test
async def test_tag_picker_starts_from_the_selection_and_can_remove_all() -> None:
    app = Host(TagPicker(DEFAULT_TAXONOMY, ["policy-change", "other"]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7", "0", "enter")
    assert app.result == TagChoice((), {})


@async_test
async def test_tag_picker_enter_with_nothing_ticked_takes_the_highlighted() -> None:
    app = Host(TagPicker(DEFAULT_TAXONOMY))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d", "n", "t", "enter")
    assert app.result == TagChoice(("do-not-track",), {})


@async_test
async def test_tag_picker_escape_cancels_even_after_ticking() -> None:
    app = Host(TagPicker(DEFAULT_TAXONOMY, ["other"]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "2", "escape")
    assert app.result is None


@async_test
async def test_tag_picker_keeps_unknown_slugs_it_was_given() -> None:
    app = Host(TagPicker(DEFAULT_TAXONOMY, ["retired-category", "other"]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "enter")
    assert app.result.categories == ("first-party-collection", "other", "retired-category")


@async_test
async def test_tag_picker_click_toggles() -> None:
    app = Host(TagPicker(DEFAULT_TAXONOMY))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", "e", "t")
        await pilot.click("#categories", offset=(10, 0))
        await pilot.press("enter")
    assert app.result.categories == ("data-retention",)


@async_test
async def test_tag_picker_attributes_appear_for_ticked_categories() -> None:
    app = Host(TagPicker(ATTR_TAXONOMY, ["retention"], {"origin": "imported"}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#attributes")
        assert not box.display
        await pilot.press("1", "2")
        await pilot.pause()
        assert box.display
        rows = [row.name for row in box.query(".attribute-row")]
        assert rows == ["purpose", "basis"]  # merged by name, first seen order
        purpose = box.query_one(ChoiceField)
        assert [value for value in purpose.values if value is not None] == ["ads", "analytics", "resale"]
        # tab to the field, step to the third value in place
        await pilot.press("tab")
        assert app.screen.focused is purpose
        await pilot.press("right", "right", "left", "r")
        await pilot.pause()
        assert purpose.value == "resale"
        await pilot.press("tab")
        await pilot.press(*"consent")
        await pilot.press("enter")
    assert app.result == TagChoice(("collection", "sharing", "retention"),
                                   {"purpose": "resale", "basis": "consent", "origin": "imported"})


@async_test
async def test_tag_picker_drops_attributes_of_unticked_categories() -> None:
    app = Host(TagPicker(ATTR_TAXONOMY, ["collection"], {"purpose": "ads", "basis": "consent"}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#attributes")
        assert box.query_one(ChoiceField).value == "ads"
        await pilot.press("1", "3", "enter")
    assert app.result == TagChoice(("retention",), {})


@async_test
async def test_tag_picker_attribute_text_is_shown_inert_and_kept_unless_edited() -> None:
    given = {"basis": "law \x1b[31m[b]x[/b]", "purpose": "\x1b]0;title\x07"}
    app = Host(TagPicker(ATTR_TAXONOMY, ["collection"], given))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        field = app.screen.query_one(".attribute-input", Input)
        assert "\x1b" not in field.value
        text = screen_text(app)
        assert "\x1b" not in text and "\x07" not in text and "[b]x[/b]" in text
        await pilot.press("enter")
    assert app.result == TagChoice(("collection",), given)


@async_test
async def test_tag_picker_shows_every_key_hint() -> None:
    app = Host(TagPicker(DEFAULT_TAXONOMY))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
    for category in DEFAULT_TAXONOMY:
        assert f" {category.key}  {category.name}" in text


@async_test
async def test_tag_picker_survives_20x6_and_back() -> None:
    app = Host(TagPicker(DEFAULT_TAXONOMY))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await squeeze(pilot)
        await pilot.press("s", "e", "c", "space", "enter")
    assert app.result.categories == ("data-retention", "data-security")


# --- note editor --------------------------------------------------------------------------------

@async_test
async def test_note_editor_ctrl_s_keeps_the_edited_text() -> None:
    app = Host(NoteEditor("first line"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", *"second [b]line[/b]", "ctrl+s")
    assert app.result == "first line\nsecond [b]line[/b]"


@async_test
async def test_note_editor_escape_keeps_the_text_too() -> None:
    app = Host(NoteEditor(""))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"why", "escape")
    assert app.result == "why"


@pytest.mark.parametrize("keys", [("tab", "tab", "enter"), ("ctrl+g",)])
@async_test
async def test_note_editor_discard_returns_none(keys: tuple[str, ...]) -> None:
    app = Host(NoteEditor("keep me"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"changed", *keys)
    assert app.result is None


@async_test
async def test_note_editor_unchanged_note_comes_back_byte_for_byte() -> None:
    note = "tab\there \x1b[31m and\x00nul"
    app = Host(NoteEditor(note, title=HOSTILE))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        area = app.screen.query_one(TextArea)
        assert "\x1b" not in area.text and "\x00" not in area.text
        text = screen_text(app)
        assert "[bold]x[/bold]" in text and "\x1b" not in text
        await pilot.press("ctrl+s")
    assert app.result == note


@async_test
async def test_note_editor_survives_20x6_and_back() -> None:
    app = Host(NoteEditor("a"))
    async with app.run_test(size=SIZE) as pilot:
        await squeeze(pilot)
        await pilot.press("b", "ctrl+s")
    assert app.result == "ab"


# --- help ---------------------------------------------------------------------------------------

HELP_ROWS = [
    ("j down", "Next clause", "Move"), ("k up", "Previous clause", "Move"),
    ("t", "Taxonomy picker", "Tag"), ("u ctrl+z", "Undo", "Edit"), ("ctrl+r", "Redo", "Edit"),
    ("q", "Quit", "App"), ("x", HOSTILE, "Edit"),
] + [(f"f{n}", f"Filler action {n}", "Filler") for n in range(1, 60)]


@async_test
async def test_help_groups_rows_in_first_seen_order_and_shows_text_literally() -> None:
    app = Host(HelpScreen(HELP_ROWS))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.render_rows("")[0].plain
        assert [line for line in table.splitlines() if line and not line.startswith(" ")][:4] == [
            "Move", "Tag", "Edit", "App"]
        assert "[bold]x[/bold]" in table and "\x1b" not in table
        text = screen_text(app)
        assert "[bold]x[/bold]" in text and "\x1b" not in text


@async_test
async def test_help_filter_and_scroll() -> None:
    app = Host(HelpScreen(HELP_ROWS))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        body = app.screen.query_one("#help-body")
        await pilot.press("pagedown")
        await pilot.pause()
        assert body.scroll_y > 0
        await pilot.press(*"undo")
        await pilot.pause()
        table = app.screen.render_rows("undo")[0].plain
        assert "Undo" in table and "Quit" not in table and "Filler" not in table
        assert body.scroll_y == 0
        await pilot.press("escape")
    assert app.result is None


@async_test
async def test_help_survives_20x6_and_back() -> None:
    app = Host(HelpScreen(HELP_ROWS))
    async with app.run_test(size=SIZE) as pilot:
        await squeeze(pilot)
        await pilot.press("escape")
    assert app.result is None


# --- orphans ------------------------------------------------------------------------------------

TEXT = "We collect your name. " + HOSTILE + " We keep it forever."


def orphans() -> list[Annotation]:
    return [
        Annotation.create(TEXT, 0, 21, ["first-party-collection"], "first", id="aaa111"),
        Annotation.create(TEXT, 22, 60, ["data-retention", "gone-category"], HOSTILE, id="bbb222"),
        Annotation.create(TEXT, 61, 80, [], "", id="ccc333"),
    ]


@async_test
async def test_orphans_reattach_the_highlighted() -> None:
    app = Host(OrphansScreen("Policy", orphans(), DEFAULT_TAXONOMY, can_reattach=True))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "r")
    assert app.result == OrphanAction("reattach", "bbb222")


@pytest.mark.parametrize("key", ["x", "delete"])
@async_test
async def test_orphans_delete(key: str) -> None:
    app = Host(OrphansScreen("Policy", orphans(), DEFAULT_TAXONOMY, can_reattach=False))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "down", key)
    assert app.result == OrphanAction("delete", "ccc333")


@async_test
async def test_orphans_reattach_is_refused_without_a_selection() -> None:
    app = Host(OrphansScreen("Policy", orphans(), DEFAULT_TAXONOMY, can_reattach=False))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", "enter")
        await pilot.pause()
        assert app.results == [] and isinstance(app.screen, OrphansScreen)
        bindings = app.screen.active_bindings
        assert bindings["r"].enabled is False  # shown greyed out, not hidden
        await pilot.press("escape")
    assert app.result is None


@async_test
async def test_orphans_show_document_text_literally() -> None:
    app = Host(OrphansScreen(HOSTILE, orphans(), DEFAULT_TAXONOMY, can_reattach=True))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
    assert "[bold]x[/bold]" in text  # in the title and the quote, not bold
    assert "[link=http://e.vil]y[/link]" in text
    assert "\u241b[31m" in text  # ESC shown as a visible stand-in
    assert "\x1b" not in text
    assert "gone-category (unknown)" in text
    assert "no category" in text


@async_test
async def test_orphans_empty_list_just_closes() -> None:
    app = Host(OrphansScreen("Policy", [], DEFAULT_TAXONOMY, can_reattach=True))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", "x")
        await pilot.pause()
        assert app.results == []
        assert "No orphaned annotations" in screen_text(app)
        await pilot.press("escape")
    assert app.result is None


@async_test
async def test_orphans_survive_20x6_and_back() -> None:
    app = Host(OrphansScreen("Policy", orphans(), DEFAULT_TAXONOMY, can_reattach=True))
    async with app.run_test(size=SIZE) as pilot:
        await squeeze(pilot)
        await pilot.press("j", "j", "k", "j", "r")
    assert app.result == OrphanAction("reattach", "ccc333")


# --- document picker ----------------------------------------------------------------------------

DOCS = [("picker-top", "Picker Top privacy policy"), ("piconext", "PicoNext"),
        ("team-picpros", "Team PicPros"), ("evil", HOSTILE)]


@async_test
async def test_document_picker_filters_as_you_type_and_enter_opens() -> None:
    app = Host(DocumentPicker(DOCS))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"picpro")
        assert option_ids(app, "#documents")[0] == "d2"
        await pilot.press("enter")
    assert app.result == "team-picpros"


@async_test
async def test_document_picker_arrows_and_escape() -> None:
    app = Host(DocumentPicker(DOCS))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "enter")
    assert app.result == "piconext"
    app = Host(DocumentPicker(DOCS))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"pico", "escape")
    assert app.result is None


@async_test
async def test_document_picker_no_match_enter_does_nothing() -> None:
    app = Host(DocumentPicker(DOCS))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"zzqqxx", "enter")
        await pilot.pause()
        assert app.results == [] and isinstance(app.screen, DocumentPicker)


@async_test
async def test_document_picker_titles_are_literal() -> None:
    app = Host(DocumentPicker(DOCS, title="Open [b]in[/b] pane"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
    assert "[bold]x[/bold]" in text and "Open [b]in[/b] pane" in text
    assert "\x1b" not in text and "\u241b[31m" in text


@async_test
async def test_document_picker_survives_20x6_and_back() -> None:
    app = Host(DocumentPicker(DOCS))
    async with app.run_test(size=SIZE) as pilot:
        await squeeze(pilot)
        await pilot.press(*"nexT", "enter")
    assert app.result == "piconext"


# --- every dialog, every theme ------------------------------------------------------------------

def all_dialogs() -> list[Screen[Any]]:
    return [TagPicker(ATTR_TAXONOMY, ["collection"]), NoteEditor("n"), HelpScreen(HELP_ROWS),
            OrphansScreen("Policy", orphans(), DEFAULT_TAXONOMY, True), DocumentPicker(DOCS)]


@pytest.mark.parametrize("theme", ["reviewer-dark", "reviewer-light", "textual-dark", "textual-light"])
@async_test
async def test_every_dialog_renders_and_follows_a_theme_change(theme: str) -> None:
    for dialog in all_dialogs():
        app = Host(dialog, theme=theme)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert app.screen is dialog
            app.theme = "textual-light" if app.current_theme.dark else "textual-dark"
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
        assert app.results, type(dialog).__name__


@async_test
async def test_closed_dialogs_do_not_stay_subscribed_to_theme_changes() -> None:
    app = Host(NoteEditor(""))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape")
        signal = app.theme_changed_signal
        before = len(signal._subscriptions)
        for _ in range(5):
            for dialog in (TagPicker(DEFAULT_TAXONOMY), OrphansScreen("P", orphans(), DEFAULT_TAXONOMY, True)):
                await app.push_screen(dialog)
                await pilot.pause()
                assert dialog in signal._subscriptions
                await pilot.press("escape")
                await pilot.pause()
        assert len(signal._subscriptions) == before


def test_bindings_have_dialog_ids_and_descriptions() -> None:
    for cls in (TagPicker, NoteEditor, HelpScreen, OrphansScreen, DocumentPicker):
        for binding in cls.BINDINGS:
            assert binding.id and re.fullmatch(r"[a-z]+\.[a-z0-9_]+", binding.id), (cls, binding)
            assert binding.description and binding.tooltip, (cls, binding)
        ids = [b.id for b in cls.BINDINGS]
        assert len(ids) == len(set(ids)), cls


@pytest.mark.parametrize("name", DIALOG_FILES)
def test_dialogs_never_touch_the_store_and_have_no_inline_css(name: str) -> None:
    source = (SCREENS / name).read_text(encoding="utf-8")
    for forbidden in ("AnnotationStore", "Session", ".save(", "atomic_write", "DEFAULT_CSS", "CSS =",
                      "from_markup", "markup=True"):
        assert forbidden not in source, (name, forbidden)


# --- over the real app --------------------------------------------------------------------------

def test_real_app_tag_picker_survives_20x6_and_tags(make_app, demo_set: Path) -> None:
    """The workspace pushes the picker, the terminal shrinks to 20x6 and back, the choice lands."""
    import tomllib

    app = make_app()
    doc_id = app.session.documents[0].id

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("j", "j", "t")
            await pilot.pause()
            assert isinstance(app.screen, TagPicker)
            await squeeze(pilot)
            await pilot.press("d", "n", "t", "space", "enter")
            await pilot.pause()
            assert not isinstance(app.screen, TagPicker)

    asyncio.run(run())
    saved = tomllib.loads((demo_set / f"{doc_id}.toml").read_text(encoding="utf-8"))["annotation"]
    assert any(a["categories"] == ["do-not-track"] for a in saved)


@pytest.mark.parametrize("keys, dialog", [
    (("question_mark",), HelpScreen), (("O",), OrphansScreen), (("o",), DocumentPicker),
    (("right_square_bracket", "a"), NoteEditor),
], ids=["help", "orphans", "documents", "note"])
def test_real_app_dialogs_survive_20x6_and_close(make_app, demo_set: Path, keys: tuple[str, ...],
                                                 dialog: type) -> None:
    from tests.tui.test_snapshots_dialogs import ORPHAN

    path = demo_set / "picker-top.toml"  # give the first document an orphan to list
    path.write_text(path.read_text(encoding="utf-8") + ORPHAN, encoding="utf-8")
    app = make_app()

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press(*keys)
            await pilot.pause()
            assert isinstance(app.screen, dialog)
            await squeeze(pilot)
            assert isinstance(app.screen, dialog)
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, dialog)

    asyncio.run(run())


LONG_TAXONOMY = Taxonomy((
    Category("collection", "Collection", "1", "#4e79a7", "What is collected",
             (Attribute("lawful-basis-for-processing", ("consent", "contract", "legitimate interest")),
              Attribute("purpose", ("ads", "analytics")))),
))


@async_test
async def test_attribute_names_stay_whole_the_choice_stays_inside_and_enter_confirms() -> None:
    app = Host(TagPicker(LONG_TAXONOMY, ["collection"]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog = app.screen.query_one("#dialog")
        names = list(app.screen.query(".attribute-name"))
        for label in names:
            assert label.size.height == 1  # one line each: never wrapped mid-word
        text = screen_text(app)
        assert "lawful-basis-for-processing" in text
        await pilot.press("tab")
        field = app.screen.focused
        assert isinstance(field, ChoiceField) and field.name == "lawful-basis-for-processing"
        await pilot.press("right", "right")
        await pilot.pause()
        assert field.value == "contract"
        assert dialog.region.contains_region(field.region)  # drawn in the dialog, no list outside it
        assert len(app.screen_stack) == 2  # nothing opened over the dialog
        await pilot.press("enter")  # enter on an attribute confirms the dialog
        await pilot.pause()
    assert app.result == TagChoice(("collection",), {"lawful-basis-for-processing": "contract"})
