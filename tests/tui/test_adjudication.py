"""Pilot tests for adjudication in the app: the queue worst first, take A / B / both / neither / edit
written to gold at once with their provenance, undo, and the live agreement of what is left."""

from __future__ import annotations

import tomllib
from pathlib import Path

from textual.widgets import Input

from reviewer.inputs import load_documents
from reviewer.session import Session
from reviewer.store import AnnotationStore
from reviewer.tui.screens.adjudication import AdjudicationScreen
from reviewer.tui.screens.category_chooser import CategoryChooser
from reviewer.tui.screens.note_editor import NoteEditor
from reviewer.tui.screens.team import AdjudicateDialog
from tests.cli.adjudication_support import make_pair

from .conftest import drive, from_palette, until
from .test_dialogs import screen_text


def make_team_app(tmp_path: Path):
    from reviewer.tui.app import ReviewerApp, Workspace

    docs, a, b = make_pair(tmp_path)
    documents, errors = load_documents([docs])
    assert not errors
    session = Session(AnnotationStore.open(a), documents)
    app = ReviewerApp(Workspace(session=session, open_ids=["alpha", "beta"], check_every=3600.0))
    return app, a, b, tmp_path / "gold"


def gold_rows(gold: Path, doc: str) -> list[tuple[str, tuple[str, ...], str]]:
    path = gold / f"{doc}.toml"
    if not path.exists():
        return []
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [(a["quote"], tuple(a["categories"]), a.get("provenance", "")) for a in data.get("annotation", [])]


def neither(gold: Path) -> list[list[str]]:
    return tomllib.loads((gold / "set.toml").read_text(encoding="utf-8")).get("adjudication", {}).get("neither", [])


async def open_from_palette(pilot, app, a: Path, b: Path, gold: Path) -> AdjudicationScreen:
    await from_palette(pilot, "Adjudicate")
    await until(pilot, lambda: isinstance(app.screen, AdjudicateDialog), "isinstance(app.screen, AdjudicateDialog)")
    for n, value in enumerate((a, b, gold)):
        app.screen.query_one(f"#adj-path-{n}", Input).value = str(value)
    await pilot.press("enter")
    await pilot.pause()
    await app.workers.wait_for_complete()
    for _ in range(50):
        await pilot.pause(0.05)
        if isinstance(app.screen, AdjudicationScreen):
            break
    assert isinstance(app.screen, AdjudicationScreen)
    return app.screen


def test_queue_take_a_b_and_undo(tmp_path: Path) -> None:
    app, a, b, gold = make_team_app(tmp_path)

    async def scenario(pilot) -> None:
        screen = await open_from_palette(pilot, app, a, b, gold)
        text = screen_text(app)
        assert "agreed 2 · decided 0 · left 4 · settled 33%" in text
        assert [d.kind for d in screen.queue] == ["only_b", "only_a", "category", "span"]
        assert "only B   alpha" in text and "B (B): User Access" in text and "A (A): nothing here" in text
        # B's layer: the disputed span in B's colour, B's other annotations nearby underlined
        d = screen.current()
        spans = screen._excerpt(d, d.b, "b").spans
        assert any("reverse" in str(sp.style) and (sp.start, sp.end) == (d.b.start, d.b.end) for sp in spans)
        assert sum("underline" in str(sp.style) for sp in spans) == 3  # b1, b2, b3 of alpha
        # the agreements are already in gold
        assert ("We collect your email address when you register.", ("first-party-collection",), "agreed") \
            in gold_rows(gold, "alpha")
        await pilot.press("b")  # only B: take B
        await pilot.pause()
        assert ("You may delete your account at any time.", ("user-access",), "b") in gold_rows(gold, "alpha")
        assert "agreed 2 · decided 1 · left 3 · settled 50%" in screen_text(app)
        assert screen.current().kind == "only_a"
        await pilot.press("b")  # B has nothing here: refused, nothing written
        await pilot.pause()
        assert "B has no annotation here" in screen_text(app)
        await pilot.press("a")
        await pilot.pause()
        assert ("Cookies track you.", ("first-party-collection",), "a") in gold_rows(gold, "beta")
        await pilot.press("u")
        await pilot.pause()
        assert all(q != "Cookies track you." for q, _, _ in gold_rows(gold, "beta"))
        assert "agreed 2 · decided 1 · left 3" in screen_text(app)
        assert screen.current().kind == "only_a"

    drive(app, scenario)


def test_both_neither_edit_and_rerun_keeps_decisions(tmp_path: Path) -> None:
    app, a, b, gold = make_team_app(tmp_path)

    async def scenario(pilot) -> None:
        screen = await open_from_palette(pilot, app, a, b, gold)
        await pilot.press("n")  # only B: neither
        await pilot.pause()
        assert neither(gold) == [["alpha", "", "b6"]]
        await pilot.press("down")  # skip only A; now the category disagreement
        await pilot.pause()
        assert screen.current().kind == "category"
        await pilot.press("t")  # both: one annotation with both's categories
        await pilot.pause()
        assert ("We share it with advertising partners.", ("third-party-sharing", "other"), "both") \
            in gold_rows(gold, "alpha")
        assert screen.current().kind == "span"
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, CategoryChooser), "isinstance(app.screen, CategoryChooser)")
        await pilot.press("enter")  # data-retention, ticked already (both had it)
        await until(pilot, lambda: isinstance(app.screen, NoteEditor), "isinstance(app.screen, NoteEditor)")
        await pilot.press("ctrl+s")  # the note as it is (none: neither analyst wrote one)
        await until(pilot, lambda: app.screen is screen, "app.screen is screen")
        edited = [r for r in gold_rows(gold, "alpha") if r[2] == "edited"]
        assert edited == [("We keep logs for thirty days. You may delete", ("data-retention",), "edited")]
        assert "agreed 2 · decided 3 · left 1 · settled 83%" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        # opened again: what was decided is not asked again, nothing in gold is overwritten
        before = (gold / "alpha.toml").read_bytes()
        again = await open_from_palette(pilot, app, a, b, gold)
        assert [d.kind for d in again.queue] == ["only_a"]
        assert (gold / "alpha.toml").read_bytes() == before

    drive(app, scenario)


def test_a_decision_gold_cannot_take_is_not_made(tmp_path: Path) -> None:
    app, a, b, gold = make_team_app(tmp_path)

    async def scenario(pilot) -> None:
        screen = await open_from_palette(pilot, app, a, b, gold)
        (gold / "alpha.toml").write_text("[[annotation]\n", encoding="utf-8")  # broken by someone else
        await pilot.press("b")
        await pilot.pause()
        assert "Not written" in screen_text(app) and "malformed TOML" in screen_text(app)
        assert (gold / "alpha.toml").read_text(encoding="utf-8") == "[[annotation]\n"
        assert [d.kind for d in screen.queue] == ["only_b", "only_a", "category", "span"]
        assert "decided 0 · left 4" in screen_text(app)
        await pilot.press("down", "a")  # another document's decision still goes through
        await pilot.pause()
        assert ("Cookies track you.", ("first-party-collection",), "a") in gold_rows(gold, "beta")

    drive(app, scenario)


def test_take_both_and_opening_keep_both_analysts_notes(tmp_path: Path) -> None:
    from reviewer import gold as gold_mod
    from reviewer.adjudication import Comparison
    from reviewer.tui.screens.team import prepare_adjudication

    docs, a, b = make_pair(tmp_path)
    for root, old, new in ((a, "a2", "A: shares with ad partners"), (b, "b2", "B: check which partners"),
                           (b, "b1", "B: on sign-up")):
        path = root / "alpha.toml"
        text = path.read_text(encoding="utf-8")
        at = text.index(f'id = "{old}"')
        path.write_text(text[:at] + text[at:].replace('note = ""', f'note = "{new}"', 1), encoding="utf-8")
    documents, _ = load_documents([docs])
    gold = tmp_path / "gold"
    result, *_ = prepare_adjudication(documents, str(a), str(b), str(gold))
    agreed = AnnotationStore.open(gold, create=False).load("alpha").annotations
    assert [x.note for x in agreed] == ["B: on sign-up"]   # opening the view wrote the agreement with B's note
    d = next(x for x in result.disagreements if x.kind == "category")
    screen = AdjudicationScreen({x.id: x for x in documents}, Comparison(), gold_mod.GoldState(), gold, None,
                                names=("A", "B"))
    change = screen.change_for(d, "both")
    assert change is not None
    (taken,) = change.add["alpha"]
    assert taken.note == "A (A): A: shares with ad partners\nB (B): B: check which partners"
    edited = screen.change_for(d, "edited", ["other"])   # an edited decision keeps them too
    assert edited is not None
    (taken,) = edited.add["alpha"]
    assert (taken.note, taken.categories) == ("A (A): A: shares with ad partners\nB (B): B: check which partners",
                                              ("other",))


def with_notes(root: Path, notes: dict[str, str]) -> None:
    """Give annotations of ``root``'s alpha (by id) a note."""
    path = root / "alpha.toml"
    text = path.read_text(encoding="utf-8")
    for ident, note in notes.items():
        at = text.index(f'id = "{ident}"')
        text = text[:at] + text[at:].replace('note = ""', f'note = "{note}"', 1)
    path.write_text(text, encoding="utf-8")


def gold_notes(gold: Path, doc: str) -> dict[str, str]:
    data = tomllib.loads((gold / f"{doc}.toml").read_text(encoding="utf-8"))
    return {a["provenance"]: a.get("note", "") for a in data.get("annotation", [])}


def test_edit_keeps_both_analysts_notes_and_shows_them(tmp_path: Path) -> None:
    """``e`` writes the note of the sides it came from (merged and labelled, as ``t`` does); the note
    editor shows it first, and what the person types there is what gold gets."""
    app, a, b, gold = make_team_app(tmp_path)
    with_notes(a, {"a3": "A thinks logs"})
    with_notes(b, {"b3": "B thinks logs too"})
    merged = "A (A): A thinks logs\nB (B): B thinks logs too"

    async def scenario(pilot) -> None:
        screen = await open_from_palette(pilot, app, a, b, gold)
        await pilot.press("end")
        assert screen.current().kind == "span"
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, CategoryChooser), "the categories")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, NoteEditor), "the note editor")
        assert app.screen.text == merged           # the editor shows both notes, to change or keep
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen, "back to the queue")
        assert gold_notes(gold, "alpha")["edited"] == merged
        await pilot.press("u")
        await until(pilot, lambda: "edited" not in gold_notes(gold, "alpha"), "undone")
        await pilot.press("e")                     # again, and this time settle the note
        await until(pilot, lambda: isinstance(app.screen, CategoryChooser), "the categories")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, NoteEditor), "the note editor")
        await pilot.press(*" settled")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen, "back to the queue")
        assert gold_notes(gold, "alpha")["edited"] == merged + " settled"

    drive(app, scenario)


def test_the_disputed_span_is_in_view_in_both_layers_at_a_small_size(tmp_path: Path) -> None:
    """Deep in a long policy, each layer scrolls so the disputed clause starts a few lines from the
    top, its context above it; the clause was below the fold at 120x40 and smaller."""
    from reviewer.tui.app import ReviewerApp, Workspace
    from reviewer.tui.screens.adjudication import LEAD, Layer
    from tests.cli.adjudication_support import write_set

    filler = " ".join(f"Clause {n} of this policy says something about how we look after your data." for n in range(60))
    clause = "We sell ZEBRA-BROKERS your browsing history."
    text = f"{filler} {clause} {filler}\n"
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "long.txt").write_text(text, encoding="utf-8")
    a = write_set(tmp_path / "A", {"long": text}, [("long", "a1", clause, ("third-party-sharing",), 0)])
    b = write_set(tmp_path / "B", {"long": text}, [("long", "b1", "Clause 0 of this policy", ("other",), 0)])
    documents, errors = load_documents([docs])
    assert not errors
    app = ReviewerApp(Workspace(session=Session(AnnotationStore.open(a), documents), open_ids=["long"],
                                check_every=3600.0))

    def shown() -> bool:
        return screen_text(app).count("ZEBRA-BROKERS") == 2   # once in A's layer, once in B's

    def context_above() -> bool:
        """A's clause starts LEAD lines below the top of A's layer (one more: a word wrapped early)."""
        lines = screen_text(app).splitlines()
        top = next(n for n, line in enumerate(lines) if "A (A):" in line)
        first = next(n for n, line in enumerate(lines) if "ZEBRA-BROKERS" in line or "We sell" in line)
        return LEAD <= first - top - 1 <= LEAD + 1

    async def scenario(pilot) -> None:
        screen = await open_from_palette(pilot, app, a, b, tmp_path / "gold")
        assert screen.current().kind == "only_b"             # B's clause 0, at the top: not scrolled
        await until(pilot, lambda: "Clause 0 of" in screen_text(app), "B's clause in view")
        assert all(layer.scroll_y == 0 for layer in screen.query(Layer))
        await pilot.press("down")
        assert screen.current().kind == "only_a" and screen.current().start == text.index(clause)
        await until(pilot, shown, "the clause in view in both layers")
        assert context_above()
        await pilot.resize_terminal(100, 24)                 # smaller still: scrolled again
        await until(pilot, shown, "the clause in view after a resize")
        await pilot.press("up")
        await until(pilot, lambda: all(layer.scroll_y == 0 for layer in screen.query(Layer)), "back at the top")
        await pilot.press("down")
        await until(pilot, shown, "the clause in view again")

    drive(app, scenario, size=(100, 30))


def test_the_queue_stops_at_its_ends_and_shows_the_position(tmp_path: Path) -> None:
    """Up at the first row stays there (it used to wrap to the last, so ``home up up a`` decided the
    wrong row), down at the last too; the queue's title says which row of how many."""
    app, a, b, gold = make_team_app(tmp_path)

    async def scenario(pilot) -> None:
        screen = await open_from_palette(pilot, app, a, b, gold)
        queue = screen.query_one("#adj-queue")
        first, last = screen.queue[0], screen.queue[-1]
        await pilot.press("home", "up", "up")
        await pilot.pause()
        assert screen.current() == first and "1 of 4" in screen_text(app)
        await pilot.press("end", "down", "down")
        await pilot.pause()
        assert screen.current() == last and str(queue.border_title) == "4 of 4"
        await pilot.press("home", "up", "a")   # take A on the first row (only B: refused), not on the last
        await pilot.pause()
        assert "A has no annotation here" in screen_text(app)
        assert all(r[2] != "a" for r in gold_rows(gold, "alpha"))
        await pilot.press("b")
        await until(pilot, lambda: "3 of 3" not in screen_text(app) and "1 of 3" in screen_text(app), "1 of 3")

    drive(app, scenario)


def test_typing_in_the_dialog_completes_the_prefilled_folder(tmp_path: Path) -> None:
    """Set B is offered as the folder beside A ('.../'): typing a name goes on after it, as in a
    shell, instead of replacing it (the field selected its text when focused)."""
    app, a, b, gold = make_team_app(tmp_path)

    async def scenario(pilot) -> None:
        await from_palette(pilot, "Adjudicate")
        await until(pilot, lambda: isinstance(app.screen, AdjudicateDialog), "the dialog")
        field = app.screen.query_one("#adj-path-1", Input)
        prefilled = field.value
        assert prefilled.endswith("/")
        await pilot.press(*"setB")
        assert field.value == prefilled + "setB"

    drive(app, scenario)
