"""Comparing policies by category: the coverage matrix (``m``; enter opens a policy at the first
clause of the chosen category), category sync (``c`` then a key or ``/``: every pane jumps to its
next clause of that category, ``c c`` walks on) and synchronised scrolling by section (``ctrl+l``).
A pane with no clause of the category says so and, with suggestions on, shows its best suggestion."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Callable, Sequence

from textual.binding import Binding
from textual.screen import Screen
from textual.worker import get_current_worker

from reviewer.coverage import CoverageMatrix, coverage
from reviewer.session import Session
from reviewer.tui.controllers.suggestions import SuggestionsController
from reviewer.tui.suggesting import category_clauses, next_index, section_category
from reviewer.tui.widgets.pane_deck import PaneDeck
from reviewer.tui.widgets.pane_frame import PaneFrame
from reviewer.tui.widgets.policy_pane import PolicyPane

if TYPE_CHECKING:
    from reviewer.tui.screens.matrix_versions import VersionChoice
    from reviewer.versions.coverage import VersionCoverage, VersionView

BINDINGS = [
    Binding("m", "coverage", "Matrix", show=False, id="compare.coverage",
            tooltip="Policies x categories: counts, gaps and suggestions; enter opens a cell"),
    Binding("c", "sync", "Sync", show=False, id="compare.sync",
            tooltip="Every pane jumps to its next clause of a category (c, then its key; c c walks on)"),
    Binding("ctrl+l", "toggle_sync_scroll", "Sync scrolling", show=False, id="compare.sync_scroll",
            tooltip="Panes follow the focused pane by category section (on/off)"),
]


class CategorySync:
    """Matrix, category sync and section-synchronised scrolling over a PaneDeck."""

    def __init__(self, host: Screen, session: Session, deck: PaneDeck, suggestions: SuggestionsController,
                 prepare, *, mount_body: Callable[[], object] = lambda: None) -> None:
        """``mount_body``: mounts the host's body, if the matrix opened at start-up left before it was."""
        self.host = host
        self._mount_body = mount_body
        self.session = session
        self.taxonomy = session.taxonomy
        self.deck = deck
        self.suggestions = suggestions
        self._prepare = prepare
        self.category: str | None = None   # the last category of c (c c walks on)
        self.scrolling = False             # ctrl+l
        self._section: str | None = None   # the section the focused pane was last in (ctrl+l)

    # -- category sync ----------------------------------------------------------------------
    def choose(self) -> None:
        from reviewer.tui.screens.sync_chooser import SyncChooser

        self.host.app.push_screen(SyncChooser(self.taxonomy, self.category), self._chosen)

    def _chosen(self, result: str | None) -> None:
        from reviewer.tui.screens.sync_chooser import ALL, PICK
        from reviewer.tui.screens.tag_picker import TagPicker

        if result == ALL:
            self.category = None
            for frame in self.deck.frames:
                frame.pane.category_filter = None
                frame.status.set_message("] and [ walk every annotation", True)
        elif result == PICK:
            # nothing pre-ticked: enter takes the category typed (highlighted), not the last one
            picker = TagPicker(self.taxonomy, title="Sync panes to")
            self.host.app.push_screen(picker, self._picked)
        elif result:
            self.sync_to(result)

    def _picked(self, choice) -> None:
        if choice is not None and choice.categories:
            self.sync_to(choice.categories[0])

    def sync_to(self, category: str) -> None:
        """Every pane to its next clause tagged ``category`` (its best suggestion, or a note, when none)."""
        self.category = category
        self._section = category
        for frame in self.deck.frames:
            self.jump(frame, category, first=False)

    def jump(self, frame: PaneFrame, category: str, *, first: bool) -> None:
        pane = frame.pane
        name = self.taxonomy.name(category)
        known = self.taxonomy.get(category)
        tag = f"{known.key}:" if known is not None and known.key else ""  # narrow panes: "5:1/3 Data…"
        pane.category_filter = category
        found = category_clauses(pane.document, pane.annotations, category)
        target = (found[0] if found else None) if first else next_index(found, pane.cursor)
        if target is not None:
            pane.go_to_clause(target)
            where = f"{found.index(target) + 1}/{len(found)}"
            frame.status.set_message(f"{name} {where} (] and [ walk them)", True, short=f"{tag}{where} {name}")
            return
        suggester = self.suggestions.suggester
        ghost = suggester.best_for(pane.document.id, category) if suggester.active else None
        if ghost is not None:
            pane.go_to_offset(ghost.start)
            self.suggestions.shown(frame, ghost)
            frame.status.set_message(f"No {name} clause here; showing a suggestion: "
                                     + self.suggestions.note(ghost, category), True,
                                     short=f"{tag}none, suggested {name}")
        else:
            frame.status.set_message(f"No {name} clause here", True, short=f"{tag}none {name}")

    # -- synchronised scrolling -------------------------------------------------------------
    def toggle_scrolling(self) -> None:
        self.scrolling = not self.scrolling
        self._section = None
        self.host.app.notify("Synchronised scrolling on: the other panes follow this one by category section"
                             if self.scrolling else "Synchronised scrolling off", timeout=3)

    def follow(self, pane: PolicyPane) -> None:
        """The focused pane moved: with ``ctrl+l`` on, the others follow into its section."""
        if not self.scrolling or pane is not self.deck.pane or not pane.has_focus:
            return
        clause = pane.current_clause
        if clause is None:
            return
        section = section_category(pane.annotations, clause.start)
        if section is None or section == self._section:
            return
        self._section = section
        for frame in self.deck.frames:
            if frame.pane is not pane:
                self.jump(frame, section, first=True)

    # -- coverage matrix --------------------------------------------------------------------
    def matrix(self) -> CoverageMatrix:
        """The matrix of every document of the session, from the one core function (worker-safe)."""
        # a first open, in bulk: collection paused, the parsed-file cache written once the counts are
        # drawn (the workspace's background work); later calls find everything loaded
        self.session.load_all(defer_cache=True)
        docs, placed, orphans, refused = self._annotations()
        return coverage(docs, placed, self.taxonomy, orphans_by_doc=orphans, unreadable=refused)

    def _annotations(self):
        """(documents, placed annotations, orphans, refused files) of the session, for the matrix."""
        docs = list(self.session.documents)
        refused = {d.id: why for d in docs if (why := self.session.load_error(d.id))}
        readable = [d for d in docs if d.id not in refused]
        return (docs, {d.id: self.session.annotations(d.id) for d in readable},
                {d.id: self.session.orphans(d.id) for d in readable}, refused)

    def version_matrix(self, view: VersionView) -> VersionCoverage:
        """The matrix at the versions ``view`` asks for (worker-safe; the annotations are carried in
        memory, nothing is written)."""
        from reviewer.versions.coverage import version_coverage

        docs, placed, orphans, refused = self._annotations()
        return version_coverage(docs, placed, orphans, self.taxonomy, view, unreadable=refused)

    def version_choices(self) -> list[VersionChoice]:
        """Each versioned policy of the session: its versions, and the one shown (annotated)."""
        from reviewer.tui.screens.matrix_versions import VersionChoice

        return [VersionChoice(d.id, [(v.version, v.technical) for v in d.history.versions], d.version)
                for d in self.session.documents if d.history is not None]

    def _suggested_counts(self, doc_ids: Sequence[str]) -> dict[str, Counter[str]]:
        suggester = self.suggestions.suggester
        if not suggester.active:
            return {}
        worker = get_current_worker()
        found = suggester.for_documents(doc_ids, lambda: worker.is_cancelled)
        return {d: Counter(c for s in found[d] for c in s.confidence) for d in found}

    def open_matrix(self) -> None:
        from reviewer.tui.screens.coverage_matrix import CoverageMatrixScreen

        app = self.host.app
        if isinstance(app.screen, CoverageMatrixScreen):
            return
        screen = CoverageMatrixScreen(self.taxonomy, self.matrix, self._suggested_counts,
                                      suggestions_note=self.suggestions.matrix_note(),
                                      by_version=self.version_matrix, choices=self.version_choices,
                                      policies=[d.id for d in self.session.documents])
        app.push_screen(screen, self._cell_chosen)

    def reload_open_matrix(self) -> None:
        """Suggestions became ready: an open matrix gets its suggestion marks now."""
        from reviewer.tui.screens.coverage_matrix import CoverageMatrixScreen

        for screen in self.host.app.screen_stack:
            if isinstance(screen, CoverageMatrixScreen):
                screen.reload(self.suggestions.matrix_note())

    def _cell_chosen(self, choice) -> None:
        self._mount_body()
        if choice is None:
            return
        (frame,) = self.deck.reveal([self.session.document(choice.document)], into_active=True)
        self.host.call_after_refresh(self._open_at, frame, choice.category)

    def _open_at(self, frame: PaneFrame, category: str | None) -> None:
        if not frame.is_attached:
            return
        self._prepare(frame)
        frame.pane.focus()
        if category is None:
            frame.pane.category_filter = None
            return
        self.jump(frame, category, first=True)
