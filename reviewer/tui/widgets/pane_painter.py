"""How a PolicyPane draws one visual line: category colours, cursor, selection, caret, search
matches, suggestion ghosts and the gutter.

The painter keeps the theme-derived styles and an LRU of built lines keyed by a ``LineKey``: every
input that can change how a line looks is a field, so a line is rebuilt only when one changes.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Sequence

from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.color import Color
from textual.strip import Strip

from reviewer.store import Annotation
from reviewer.taxonomy import Taxonomy
from reviewer.tui import ghosts as gh
from reviewer.tui import textlayout as tl
from reviewer.tui.themes import category_colour as themed_colour

if TYPE_CHECKING:
    from textual.widget import Widget

GUTTER = 5  # bar, two category badges, re-anchoring marker, note mark (or a space)
NOTE_MARK = "\u00b6"  # on the line where an annotation that carries a note starts
COMPONENTS = ("current", "selection", "caret", "match", "match-current", "bar", "bar-selection", "marker")

Span = tuple[int, int]
Components = dict[str, tuple[Color | None, Color | None, Style]]


@dataclass(frozen=True)
class LineKey:
    """Everything one visual line's look depends on."""

    line: int
    width: int
    version: int          # bumped for whole-pane changes (annotations, theme, search, ghosts)
    line_version: int     # bumped for this line alone (a tag redraws only its clause's lines)
    current: Span | None  # the current clause, clipped to the line
    in_clause: bool       # the line is inside the current clause (gutter bar)
    selection: Span | None
    in_selection: bool
    caret: int | None
    current_match: Span | None


@dataclass(frozen=True)
class LineInputs:
    """What the pane knows about the document right now, for building lines."""

    text: str
    annotations: Sequence[Annotation]
    cover_points: Sequence[int]          # sorted annotation boundaries
    covering: Sequence[tuple[int, ...]]  # for each boundary: indexes of annotations covering [point, next)
    matches: Sequence[Span]
    match_starts: Sequence[int]
    current_match: Span | None
    ghosts: tuple
    ghost_starts: Sequence[int]
    anchor_status: dict[str, tuple[str, float]]


def clip(span: Span | None, ls: int, le: int) -> Span | None:
    """``span`` cut to the line [ls, le]; an empty span (a caret) counts when it lies on the line."""
    if span is None:
        return None
    s, e = span
    if s < le and e > ls or (s == e and ls <= s <= le):
        return (max(s, ls), min(e, le))
    return None


class PanePainter:
    """Builds and caches a pane's lines; the pane tells it when its theme or contents changed."""

    def __init__(self, widget: Widget, taxonomy: Taxonomy) -> None:
        self.widget = widget
        self.taxonomy = taxonomy
        self.lines: LRUCache[LineKey, Strip] = LRUCache(1024)
        self._cat_colours: dict[str, tuple[Color, Color]] = {}
        self._ghost_colours: dict[str, tuple[Color, Color]] = {}
        self._components: Components | None = None
        self._styles: dict[tuple, Style] = {}
        self._base: Style | None = None

    def restyle(self) -> None:
        """The theme or the widget's CSS changed: every colour is derived again."""
        self._cat_colours = {}
        self._ghost_colours = {}
        self._components = None
        self._styles = {}
        self._base = None
        self.lines.clear()

    @property
    def base(self) -> Style:
        """The widget's own style (cached: ``rich_style`` walks the ancestors on every call)."""
        if self._base is None:
            self._base = self.widget.rich_style
        return self._base

    def colour(self, slug: str) -> Color:
        try:
            return Color.parse(themed_colour(self.widget.app, self.taxonomy, slug))
        except Exception:  # noqa: BLE001 - a colour problem must never stop drawing
            return Color.parse(self.taxonomy.colour(slug))

    # -- styles -----------------------------------------------------------------------------
    def category_colours(self, slug: str) -> tuple[Color, Color]:
        """(background, foreground) for text highlighted with this category, in this theme."""
        colours = self._cat_colours.get(slug)
        if colours is None:
            base = self.base
            base_bg = Color.from_rich_color(base.bgcolor) if base.bgcolor else Color(0, 0, 0)
            dark = base_bg.brightness < 0.5
            bg = base_bg.blend(self.colour(slug), 0.50 if dark else 0.40)
            fg = Color.parse("#f4f4f4") if bg.brightness < 0.5 else Color.parse("#101010")
            colours = self._cat_colours[slug] = (bg, fg)
        return colours

    def ghost_colours(self, slug: str, base_bg: Color, base_fg: Color) -> tuple[Color, Color]:
        """(background, foreground) of a ghost's text: a faint tint of its category."""
        colours = self._ghost_colours.get(slug)
        if colours is None:
            colours = (base_bg.blend(self.colour(slug), gh.GHOST_TINT), base_fg.blend(base_bg, 0.15))
            self._ghost_colours[slug] = colours
        return colours

    def badge_style(self, slug: str) -> Style:
        key = ("badge", slug)
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = Style(color=self.colour(slug).rich_color, bold=True)
        return style

    def components(self) -> Components:
        """name -> (background, foreground, text style) of each component class, from the theme."""
        comps = self._components
        if comps is None:
            comps = {}
            for name in COMPONENTS:
                styles = self.widget.get_component_styles(f"policy-pane--{name}")
                bg = styles.background if styles.has_rule("background") else None
                fg = styles.color if styles.has_rule("color") else None
                part = self.widget.get_component_rich_style(f"policy-pane--{name}", partial=True)
                comps[name] = (bg, fg, Style(bold=part.bold, underline=part.underline,
                                             reverse=part.reverse, italic=part.italic))
            self._components = comps
        return comps

    def style(self, bg: Color, fg: Color, attrs: tuple[bool, ...]) -> Style:
        key = (bg, fg, attrs)
        style = self._styles.get(key)
        if style is None:
            bold, underline, reverse, italic = attrs
            style = Style(bgcolor=bg.rich_color, color=fg.rich_color, bold=bold or None,
                          underline=underline or None, reverse=reverse or None, italic=italic or None)
            self._styles[key] = style
        return style

    # -- lines ------------------------------------------------------------------------------
    def line(self, key: LineKey, ls: int, le: int, layout: tl.Layout, inputs: LineInputs) -> Strip:
        strip = self.lines.get(key)
        if strip is None:
            strip = self.lines[key] = self._build(key, ls, le, layout, inputs)
        return strip

    def _build(self, key: LineKey, ls: int, le: int, layout: tl.Layout, inp: LineInputs) -> Strip:
        comps = self.components()
        base = self.base
        text, anns = inp.text, inp.annotations
        cur, sel, caret, width = key.current, key.selection, key.caret, key.width
        base_bg = Color.from_rich_color(base.bgcolor) if base.bgcolor else Color(0, 0, 0)
        base_fg = Color.from_rich_color(base.color) if base.color else Color(255, 255, 255)
        # Which annotations cover which parts of this line.
        points, cover = inp.cover_points, inp.covering
        i = max(0, bisect_right(points, ls) - 1)
        cuts = {ls, le}
        line_anns: list[int] = []
        j = i
        while j < len(points) and points[j] < le:
            if points[j] > ls:
                cuts.add(points[j])
            for k in cover[j]:
                if k not in line_anns and anns[k].start < le and anns[k].end > ls:
                    line_anns.append(k)
            j += 1
        for span in (cur, sel):
            if span:
                cuts.update(span)
        if caret is not None:
            cuts.update((caret, min(le, tl.next_boundary(text, caret))))
        m_lo = max(0, bisect_right(inp.match_starts, ls) - 1)
        line_matches = []
        for ms, me in inp.matches[m_lo:]:
            if ms >= le:
                break
            if me > ls:
                line_matches.append((ms, me))
                cuts.update((ms, me))
        line_ghosts = gh.ghosts_on_line(inp.ghosts, inp.ghost_starts, ls, le)
        for g in line_ghosts:
            cuts.update((max(g.start, ls), min(g.end, le)))
        order = sorted(c for c in cuts if ls <= c <= le)

        def layer(name: str, bg: Color, fg: Color, attrs: list[bool]) -> tuple[Color, Color]:
            cbg, cfg, cst = comps[name]
            if cbg is not None:
                bg = bg + cbg  # alpha-blends a translucent theme colour over what is below
            if cfg is not None:
                fg = cfg
            attrs[0] = attrs[0] or bool(cst.bold)
            attrs[1] = attrs[1] or bool(cst.underline)
            attrs[2] = attrs[2] or bool(cst.reverse)
            attrs[3] = attrs[3] or bool(cst.italic)
            return bg, fg

        segments: list[Segment] = []
        for a, b in zip(order, order[1:]):
            if b <= a:
                continue
            bg, fg = base_bg, base_fg
            attrs = [False, False, False, False]
            k = bisect_right(points, a) - 1
            covering = cover[k] if 0 <= k < len(cover) else ()
            covering = tuple(x for x in covering if anns[x].start <= a < anns[x].end)
            if covering:
                inner = max(covering, key=lambda x: (anns[x].start, -anns[x].end))
                cats = anns[inner].categories or ("",)
                bg, fg = self.category_colours(cats[0])
                if len(covering) > 1 or len(cats) > 1:
                    attrs[1] = True
            elif line_ghosts and (ghost := gh.ghost_at(line_ghosts, a)) is not None:
                bg, fg = self.ghost_colours(ghost.categories[0], base_bg, base_fg)
                attrs[3] = True
            if cur and cur[0] <= a < cur[1]:
                if covering:
                    attrs[0] = True  # keep the category colour visible: bold only
                else:
                    bg, fg = layer("current", bg, fg, attrs)
            for ms, me in line_matches:
                if ms <= a < me:
                    bg, fg = layer("match-current" if (ms, me) == inp.current_match else "match", bg, fg, attrs)
                    break
            if sel and sel[0] <= a < sel[1]:
                bg, fg = layer("selection", bg, fg, attrs)
            if caret is not None and a == caret:
                bg, fg = layer("caret", bg, fg, attrs)
            segments.append(Segment(text[a:b], self.style(bg, fg, tuple(attrs))))
        if caret is not None and caret == le:
            attrs = [False, False, False, False]
            bg, fg = layer("caret", base_bg, base_fg, attrs)
            segments.append(Segment(" ", self.style(bg, fg, tuple(attrs))))
        body = Strip(segments)
        for g in line_ghosts:  # "◌ Data Retention 82%" after a ghost's last line, when it fits
            if layout.line_of(max(g.start, g.end - 1)) == layout.line_of(ls) and g.end <= le + 1 \
                    and gh.label_fits_after(text, g.end, le):
                label = gh.ghost_label(self.taxonomy.name(g.categories[0]), g.confidence[g.categories[0]],
                                       width - GUTTER - body.cell_length)
                if label:
                    colour = self.colour(g.categories[0])
                    body = Strip([*body, Segment(label, base + Style(color=colour.rich_color, italic=True,
                                                                     dim=True))])
        body = body.adjust_cell_length(width - GUTTER, base)
        here = [anns[k] for k in line_anns]
        noted = any(a.note and ls <= a.start <= le for a in here)
        gutter = self._gutter(comps, key.in_clause, key.in_selection, here,
                              [g.categories[0] for g in line_ghosts], inp.anchor_status, noted)
        return Strip.join([gutter, body])

    def _gutter(self, comps: Components, in_clause: bool, in_sel: bool, line_anns: Iterable[Annotation],
                ghost_slugs: Iterable[str], anchor_status: dict[str, tuple[str, float]],
                noted: bool = False) -> Strip:
        base = self.base

        def fg_style(name: str) -> Style:
            style = self._styles.get(("gutter", name))
            if style is None:  # combining Rich styles costs ~0.5 ms: once per theme, not per line
                fg = comps[name][1]
                style = base + Style(color=fg.rich_color, bold=True) if fg is not None else base
                self._styles[("gutter", name)] = style
            return style

        if in_sel:
            bar = Segment("\u258c", fg_style("bar-selection"))
        elif in_clause:
            bar = Segment("\u258c", fg_style("bar"))
        else:
            bar = Segment(" ", base)
        slugs: list[str] = []
        marker = " "
        for a in line_anns:
            for slug in a.categories:
                if slug not in slugs:
                    slugs.append(slug)
            status = anchor_status.get(a.id)
            if status:
                marker = "~" if status[0] == "fuzzy" or marker == "~" else "\u00bb"
        badges = []
        for n, slug in enumerate(slugs[:2]):
            if n == 1 and len(slugs) > 2:
                badges.append(Segment("+", base + Style(bold=True)))
            else:
                badges.append(Segment("\u25cf", base + self.badge_style(slug)))
        for slug in ghost_slugs:  # a hollow badge for a suggested category
            if len(badges) < 2:
                badges.append(Segment(gh.GHOST_BADGE, base + self.badge_style(slug) + Style(bold=False)))
        while len(badges) < 2:
            badges.append(Segment(" ", base))
        mark = Segment(marker, fg_style("marker")) if marker != " " else Segment(" ", base)
        note = Segment(NOTE_MARK, fg_style("marker")) if noted else Segment(" ", base)
        return Strip([bar, *badges, mark, note], GUTTER)
