"""Pilot tests in the app: the Lookup screen (ctrl+f), the Similar panel (s) and the
palette's clause search, with real keys, asserting on the panes and on the TOML on disk."""

from __future__ import annotations

from pathlib import Path

from reviewer.documents import Document
from reviewer.fuzzy import Match
from reviewer.tui.clause_search import ClauseSearch, index_for
from reviewer.tui.screens.lookup import LookupScreen
from reviewer.tui.widgets.pane_frame import PaneFrame
from reviewer.tui.widgets.similar_panel import SimilarPanel

from .conftest import drive, on_disk, until
from .conftest import settle as settle_workers

DOC_A, DOC_B, DOC_C = "picker-top", "picky-assist", "piconext"


async def settle(pilot, app) -> None:
    """Let the debounce timer fire and every worker finish."""
    for _ in range(3):
        await pilot.pause(0.2)
        await settle_workers(app)
        await pilot.pause()


def frames(app) -> list[PaneFrame]:
    return list(app.screen.query(PaneFrame))


def clause_sentence(app, doc_id: str, index: int) -> tuple[str, int, int]:
    doc = app.session.document(doc_id)
    long = [c for c in doc.clauses if len(doc.text[c.start:c.end].split()) >= 10]
    c = long[index]
    return doc.text[c.start:c.end], c.start, c.end


def test_typing_shows_matches_and_enter_opens_one_beside(make_app, monkeypatch) -> None:
    import reviewer.tui.controllers.clause_lookup as lookup_module

    monkeypatch.setattr(lookup_module, "FLASH", 60.0)  # a loaded machine must not end the flash before we look
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        sentence, start, end = clause_sentence(app, DOC_C, 3)
        query = " ".join(sentence.lower().split()[1:9])  # a fragment, lower case
        await pilot.press("ctrl+f")
        screen = app.screen
        assert isinstance(screen, LookupScreen)
        await pilot.press(*query)
        await settle(pilot, app)
        assert screen.shown_query == query, "results are for what was typed last"
        assert screen.matches and screen.matches[0].document == DOC_C
        top = screen.matches[0]
        assert top.start < end and start < top.end
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, LookupScreen), "not isinstance(app.screen, LookupScreen)")
        shown = [f.document.id for f in frames(app)]
        assert shown == [DOC_A, DOC_C, DOC_B], "opened beside the current pane"
        frame = frames(app)[1]
        assert frame.has_class("-flash")
        pane = frame.pane
        clause = pane.current_clause
        assert clause is not None and clause.start <= top.start < clause.end
        assert app.focused is pane

    drive(app, scenario)


def test_ctrl_enter_opens_the_top_hits_one_pane_each(make_app) -> None:
    app = make_app([DOC_A])

    async def scenario(pilot) -> None:
        await pilot.press("ctrl+f")
        await pilot.press(*"we collect personal information")
        await settle(pilot, app)
        matches = app.screen.matches
        assert len(matches) >= 4
        await pilot.press("ctrl+enter")
        await settle(pilot, app)
        shown = {f.document.id for f in frames(app)}
        assert 2 <= len(frames(app)) <= 4
        assert {m.document for m in matches[:4]} <= shown

    drive(app, scenario)


def test_escape_and_empty_queries_open_nothing(make_app) -> None:
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        await pilot.press("ctrl+f")
        await pilot.press("enter")  # nothing typed: nothing to open
        assert isinstance(app.screen, LookupScreen)
        await pilot.press(*"qwxzv")
        await settle(pilot, app)
        assert app.screen.matches == []
        await pilot.press("escape")
        assert not isinstance(app.screen, LookupScreen)
        assert [f.document.id for f in frames(app)] == [DOC_A, DOC_B]

    drive(app, scenario)


def test_a_new_keystroke_cancels_the_lookup_under_way(make_app) -> None:
    app = make_app([DOC_A, DOC_B])
    seen: list[str] = []

    async def scenario(pilot) -> None:
        await pilot.press("ctrl+f")
        screen = app.screen
        original = screen._show

        def spy(query, matches, seconds):
            seen.append(query)
            original(query, matches, seconds)

        screen._show = spy
        screen.debounce = 0.001
        for ch in "privacy policy changes":
            await pilot.press(ch)
        await settle(pilot, app)
        assert seen and seen[-1] == "privacy policy changes"
        assert screen.shown_query == "privacy policy changes"

    drive(app, scenario)


def test_document_text_is_never_markup_in_results(make_app) -> None:
    app = make_app([DOC_A, DOC_B])
    hostile = Document("hostile", Path("/nowhere/hostile.txt"),
                       "Hostile\n\nWe [bold red]share[/] data \x1b[31mwith\x1b[0m brokers [link=x]here[/link].\n")

    async def scenario(pilot) -> None:
        app.session.add_document(hostile)
        await pilot.press("ctrl+f")
        await pilot.press(*"share data with brokers here")
        await settle(pilot, app)
        screen = app.screen
        assert screen.matches[0].document == "hostile"
        prompt = screen.results.get_option_at_index(0).prompt
        assert "[bold red]share[/]" in prompt.plain and "\x1b" not in prompt.plain

    drive(app, scenario)


def test_similar_panel_lists_other_policies_and_tags_with_a_key(make_app, demo_set: Path) -> None:
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        pane = frames(app)[0].pane
        pane.go_to_offset(638)  # "We reserve the right to update this Privacy Policy ..."
        await pilot.press("s")
        await settle(pilot, app)
        panel = app.screen.query_one(SimilarPanel)
        assert panel.matches, "every seed policy has a clause about policy changes"
        assert all(m.document != DOC_A for m in panel.matches)
        assert app.focused is panel.list
        target: Match = panel.matches[0]
        before = on_disk(demo_set, target.document)
        await pilot.press("8")
        after = on_disk(demo_set, target.document)
        new = [a for a in after if a["id"] not in {b["id"] for b in before}]
        exact = [a for a in after if (a["start"], a["end"]) == (target.start, target.end)]
        assert exact and "do-not-track" in exact[0]["categories"]
        assert new or len(after) == len(before)
        assert "do-not-track" in panel.categories[target.ref], "the row shows the category it now has"
        assert "Do Not Track" in panel.list.get_option_at_index(0).prompt.plain
        await pilot.press("u")  # undo goes through the session like any other change
        assert sorted(map(str, on_disk(demo_set, target.document))) == sorted(map(str, before))
        panel.refresh_categories()  # also runs on a timer
        assert "do-not-track" not in panel.categories.get(target.ref, ()), "the row follows the undo"

    drive(app, scenario)


def test_mark_and_apply_the_current_annotation_to_marked_matches(make_app, demo_set: Path) -> None:
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        pane = frames(app)[0].pane
        pane.go_to_offset(638)
        source = app.session.annotations_at(DOC_A, 638, 775)
        assert source, "the demo set annotates this clause"
        cats = set(source[0].categories)
        await pilot.press("s")
        await settle(pilot, app)
        panel = app.screen.query_one(SimilarPanel)
        assert len(panel.matches) >= 3
        await pilot.press("space", "down", "space")  # marks rows 0 and 2 (space moves down)
        assert panel.marked == {0, 2}
        marked = [panel.matches[0], panel.matches[2]]
        await pilot.press("A")
        for m in marked:
            exact = [a for a in on_disk(demo_set, m.document) if (a["start"], a["end"]) == (m.start, m.end)]
            assert exact and cats <= set(exact[0]["categories"]), m
        unmarked = panel.matches[1]
        assert not any((a["start"], a["end"]) == (unmarked.start, unmarked.end) and cats <= set(a["categories"])
                       for a in on_disk(demo_set, unmarked.document))

    drive(app, scenario)


def test_enter_in_the_panel_jumps_and_escape_closes_it(make_app) -> None:
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        frames(app)[0].pane.go_to_offset(638)
        await pilot.press("s")
        await settle(pilot, app)
        panel = app.screen.query_one(SimilarPanel)
        target = panel.matches[0]
        await pilot.press("enter")
        await settle(pilot, app)
        showing = [f for f in frames(app) if f.document.id == target.document]
        assert showing
        clause = showing[0].pane.current_clause
        assert clause is not None and clause.start <= target.start < clause.end
        assert app.screen.active is showing[0]  # the pane it opened in is the active one
        assert app.focused is panel.list        # and the panel keeps the keys: escape closes it
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.query(SimilarPanel)

    drive(app, scenario)


def test_palette_provider_searches_clauses_off_the_event_loop(make_app) -> None:
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        sentence, start, end = clause_sentence(app, DOC_C, 5)
        provider = ClauseSearch(app.screen)
        hits = [h async for h in provider.search(sentence)]
        assert hits and all(0 <= h.score <= 1 for h in hits)
        assert [h async for h in provider.search("ab")] == []
        hits[0].command()
        await settle(pilot, app)
        assert DOC_C in [f.document.id for f in frames(app)]
        assert index_for(app.session).ready

    drive(app, scenario)


def test_the_index_is_warmed_in_the_background(make_app) -> None:
    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        shared = index_for(app.session)
        for _ in range(40):
            if shared.ready:
                break
            await pilot.pause(0.1)
            await settle_workers(app)
        assert shared.ready, "built without anyone asking"

    drive(app, scenario)


def test_help_says_space_in_the_similar_panel_marks_and_moves_on(make_app) -> None:
    """What space does (mark, then the next row: tested above) is what help and the panel say."""
    from reviewer.tui.commands import help_entries

    app = make_app([DOC_A, DOC_B])

    async def scenario(pilot) -> None:
        rows = [e for e in help_entries(app.screen) if e.group == "Similar panel" and e.keys == "space"]
        assert [r.description for r in rows] == ["Mark and next"] and "go to the next" in rows[0].tooltip

    drive(app, scenario)
