"""KeyFooter: the keys of the focused widget, drawn as one line by one widget.

Textual's Footer is a container of one widget per key, rebuilt (removed, mounted, styled, laid
out) whenever the greying of a key changes: a full-screen layout pass and about 16 KB written
to the terminal after most keys in the workspace, and 0.1-0.2 s to mount on every screen. Here
the keys are computed from the screen's active bindings when it says they changed, compared
with what is shown, and the one line is repainted only when they differ: no children, no layout.
It reads like Footer (key, description, greyed when disabled, the palette key on the right) and
answers the mouse like it (a click runs the key, a disabled key rings the bell).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget


@dataclass(frozen=True)
class FooterEntry:
    """One key as shown: what to press, what it does, and whether it can be done now."""

    key: str
    display: str
    description: str
    enabled: bool
    tooltip: str = ""
    palette: bool = False


def footer_entries(screen: Screen) -> tuple[FooterEntry, ...]:
    """The keys ``screen`` shows now: one per action (its first key), in binding order, then the
    command palette's key (marked, drawn on the right)."""
    app = screen.app
    active = screen.active_bindings
    seen: set[str] = set()
    entries: list[FooterEntry] = []
    for _node, binding, enabled, tooltip in active.values():
        if not binding.show or binding.action in seen:
            continue
        seen.add(binding.action)
        entries.append(FooterEntry(binding.key, app.get_key_display(binding), binding.description, enabled,
                                   tooltip or binding.tooltip or ""))
    if app.ENABLE_COMMAND_PALETTE:
        found = active.get(app.COMMAND_PALETTE_BINDING)
        if found is not None:
            _node, binding, enabled, tooltip = found
            entries = [e for e in entries if e.key != binding.key]
            entries.append(FooterEntry(binding.key, app.get_key_display(binding), binding.description, enabled,
                                       tooltip or binding.tooltip or "", palette=True))
    return tuple(entries)


class KeyFooter(Widget, can_focus=False):
    """The footer line. Styled in base.tcss through its component classes."""

    COMPONENT_CLASSES = {"key-footer--key", "key-footer--description", "key-footer--hover",
                         "key-footer--separator"}
    ALLOW_SELECT = False

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.entries: tuple[FooterEntry, ...] = ()
        self._places: list[tuple[int, int, FooterEntry]] = []   # cells each drawn entry takes
        self._hover: FooterEntry | None = None

    _queued = False

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed, immediate=True)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        """Recomputed once the key's own frame is drawn (asking every binding whether it is enabled
        costs ~2 ms, the greying can follow a frame later); many signals in a row, one recompute."""
        if not self._queued and screen is self.screen:
            self._queued = True
            self.call_after_refresh(self._recompute)

    def _recompute(self) -> None:
        self._queued = False
        if not self.is_attached:
            return
        screen = self.screen
        entries = footer_entries(screen)
        if entries != self.entries:
            self.entries = entries
            if self._hover not in entries:
                self._hover = None
            self.refresh()

    # -- drawing ---------------------------------------------------------------------------------
    def _styled(self, entry: FooterEntry) -> Content:
        key_style = self.get_visual_style("key-footer--key")
        text_style = self.get_visual_style("key-footer--description")
        if entry is self._hover:
            key_style = text_style = self.get_visual_style("key-footer--hover")
        if entry.palette:  # snug against its separator, as Textual's Footer draws it
            parts = [Content.styled(entry.display, key_style)]
            if entry.description:
                parts.append(Content.styled(f" {entry.description} ", text_style))
        else:
            parts = [Content.styled(f" {entry.display} ", key_style)]
            if entry.description:
                parts.append(Content.styled(f"{entry.description} ", text_style))
        line = Content.assemble(*parts)
        return line.stylize("dim") if not entry.enabled else line

    def render(self) -> Content:
        width = self.size.width
        keys = [e for e in self.entries if not e.palette]
        palette = next((e for e in self.entries if e.palette), None)
        tail = Content()
        tail_width = 0
        if palette is not None:
            tail = Content.assemble(Content.styled("\u258f", self.get_visual_style("key-footer--separator")),
                                    self._styled(palette))
            tail_width = tail.cell_length
        room = width - tail_width - (1 if palette is not None else 0)
        pieces: list[Content] = []
        self._places = []
        x = 0
        for entry in keys:
            piece = self._styled(entry)
            if x + piece.cell_length > room:
                break
            pieces.append(piece)
            self._places.append((x, x + piece.cell_length, entry))
            x += piece.cell_length
        if palette is not None and width >= tail_width:
            start = width - tail_width
            self._places.append((start + 1, width, palette))
            pieces.append(Content(" " * (start - x)))
            pieces.append(tail)
        return Content.assemble(*pieces)

    @property
    def shown(self) -> list[FooterEntry]:
        """The keys drawn at the last render (those that fit the width), left to right."""
        return [entry for _start, _end, entry in self._places]

    # -- mouse -----------------------------------------------------------------------------------
    def _entry_at(self, x: int) -> FooterEntry | None:
        return next((entry for start, end, entry in self._places if start <= x < end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        entry = self._entry_at(event.x)
        if entry is not self._hover:
            self._hover = entry
            self.tooltip = (entry.tooltip or entry.description) if entry is not None else None
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.tooltip = None
            self.refresh()

    def on_click(self, event: events.Click) -> None:
        entry = self._entry_at(event.x)
        if entry is None:
            return
        event.stop()
        if entry.enabled:
            self.app.simulate_key(entry.key)
        else:
            self.app.bell()
