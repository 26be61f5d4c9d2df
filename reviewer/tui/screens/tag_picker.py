"""The taxonomy picker: type to fuzzy-filter categories, tick several, set attributes, confirm.

Focus stays in the filter box. ``up``/``down`` move the highlight, ``space`` ticks the highlighted
category, a category's own key (``1``..``0`` in OPP-115) ticks it directly, ``enter`` confirms,
``escape`` cancels. When a ticked category defines attributes, a field per attribute appears
below the list (``tab`` reaches it; a listed value is chosen in place with ``←``/``→``). The screen
returns a :class:`TagChoice` and never writes to the store: the caller applies it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.theme import Theme
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from reviewer.tui.widgets.key_footer import KeyFooter
from reviewer.safetext import one_line, visible
from reviewer.taxonomy import Attribute, Category, Taxonomy
from reviewer.tui.screens.document_picker import FuzzyRows
from reviewer.tui.themes import category_colour
from reviewer.tui.widgets.choice_field import ChoiceField

DIGITS = "1234567890"
NAME_WIDTH = 28  # cells at most for an attribute's name beside its field
TICKED, UNTICKED = "[x]", "[ ]"


class _FilterInput(Input):
    """The filter box. It leaves ``space`` and the category keys to the picker's bindings
    (an Input otherwise claims every printable key and Textual drops bindings for them)."""

    def __init__(self, reserved: Iterable[str], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]  # Textual's ModalScreen kwargs
        self.reserved = frozenset(reserved)

    def check_consume_key(self, key: str, character: str | None) -> bool:
        if character is not None and character in self.reserved:
            return False
        return super().check_consume_key(key, character)


@dataclass(frozen=True)
class TagChoice:
    categories: tuple[str, ...]  # slugs chosen, in taxonomy order (may be empty = remove all)
    attributes: dict[str, str] = field(default_factory=dict)  # attribute name -> value


class TagPicker(ModalScreen[TagChoice | None]):
    """Returns a TagChoice on enter, None on escape."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without changing the tags",
                id="picker.cancel"),
        Binding("enter", "confirm", "Confirm", priority=True,
                tooltip="Apply the ticked categories", id="picker.confirm"),
        Binding("space", "toggle_category", "Toggle", priority=True,
                tooltip="Tick or untick the highlighted category", id="picker.toggle"),
        Binding("down", "cursor(1)", "Next", show=False, priority=True,
                tooltip="Highlight the next category", id="picker.next"),
        Binding("up", "cursor(-1)", "Previous", show=False, priority=True,
                tooltip="Highlight the previous category", id="picker.previous"),
        Binding("pagedown", "page(1)", "Page down", show=False,
                tooltip="Highlight a page further down", id="picker.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False,
                tooltip="Highlight a page further up", id="picker.page_up"),
        *(Binding(key, f"toggle_key('{key}')", f"Toggle category {key}", show=False,
                  tooltip=f"Tick or untick the category whose key is {key}",
                  priority=True, id=f"picker.key_{key}") for key in DIGITS),
    ]

    def __init__(self, taxonomy: Taxonomy, selected: Iterable[str] = (),
                 attributes: Mapping[str, str] | None = None, *, title: str = "Tag") -> None:
        super().__init__()
        self.taxonomy = taxonomy
        self._title = title
        self._initial = tuple(selected)
        # Unknown slugs (not in this taxonomy) stay ticked so that confirming does not drop them.
        self._chosen: set[str] = set(self._initial)
        self._given: dict[str, str] = {k: str(v) for k, v in (attributes or {}).items()}
        self._values: dict[str, str] = dict(self._given)
        self._order = list(range(len(taxonomy.categories)))
        self._rows = FuzzyRows([(c.name, c.slug.replace("-", " "), c.description)
                                for c in taxonomy.categories], (1.0, 1.0, 0.85))
        self._shown_attributes: list[Attribute] = []

    # --- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog") as dialog:
            dialog.border_title = Content(self._title)
            keys = {c.key for c in self.taxonomy.categories if c.key in DIGITS}
            yield _FilterInput({" ", *keys}, placeholder="Type to filter categories",
                               id="filter", compact=True)
            yield OptionList(id="categories", compact=True)
            yield Label(id="summary", classes="dialog-status")
            with VerticalScroll(id="attributes"):
                yield Label(Content("Attributes (tab to reach them)"), classes="attributes-heading")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#categories", OptionList).can_focus = False
        self.query_one("#attributes", VerticalScroll).can_focus = False  # tab goes to its fields
        self._refilter("")
        self._sync_attributes()
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        self.query_one("#filter", Input).focus()

    def on_unmount(self) -> None:
        # Signals hold subscribers until the next publish: let go now, or every dialog opened
        # stays in memory until the theme next changes.
        self.app.theme_changed_signal.unsubscribe(self)

    def _theme_changed(self, _theme: Theme) -> None:
        self._refresh_prompts()

    def _prompt(self, category: Category) -> Content:
        colour = category_colour(self, self.taxonomy, category.slug)
        on_colour = Color.parse(colour).get_contrast_text(1.0).hex6
        ticked = category.slug in self._chosen
        key = f" {category.key} " if category.key else "   "
        first = Content.assemble(
            (TICKED if ticked else UNTICKED, "bold" if ticked else "$foreground-muted"),
            " ",
            (one_line(key), f"bold {on_colour} on {colour}"),
            " ",
            (one_line(category.name), f"bold {colour}"),
        )
        if category.attributes:
            names = ", ".join(a.name for a in category.attributes)
            first = first + Content.styled(one_line(f"  ({names})"), "$foreground-muted")
        if not category.description:
            return first
        return Content.assemble(
            first, "\n", " " * 8, (one_line(category.description), "$foreground-muted"))

    def _refilter(self, query: str) -> None:
        options = self.query_one("#categories", OptionList)
        self._order = self._rows.rank(query)
        cats = self.taxonomy.categories
        options.set_options(Option(self._prompt(cats[i]), id=cats[i].slug) for i in self._order)
        if self._order:
            options.highlighted = 0
        self._update_summary()

    def _refresh_prompts(self) -> None:
        options = self.query_one("#categories", OptionList)
        for i in self._order:
            category = self.taxonomy.categories[i]
            options.replace_option_prompt(category.slug, self._prompt(category))
        self._update_summary()

    def _update_summary(self) -> None:
        chosen = self.chosen()
        names = ", ".join(self.taxonomy.name(slug) for slug in chosen) or "none"
        shown = len(self._order)
        total = len(self.taxonomy.categories)
        filtered = f"{shown} of {total} shown · " if shown != total else ""
        self.query_one("#summary", Label).update(Content(one_line(f"{filtered}ticked: {names}")))

    # --- attributes -----------------------------------------------------------------------------

    def _active_attributes(self) -> list[Attribute]:
        """Attributes of the ticked categories, merged by name (values in first-seen order)."""
        merged: dict[str, Attribute] = {}
        for slug in self.chosen():
            category = self.taxonomy.get(slug)
            for attribute in category.attributes if category else ():
                if attribute.name in merged:
                    old = merged[attribute.name]
                    values = old.values + tuple(v for v in attribute.values if v not in old.values)
                    merged[attribute.name] = Attribute(old.name, values, old.description)
                else:
                    merged[attribute.name] = attribute
        return list(merged.values())

    def _attribute_field(self, attribute: Attribute) -> Widget:
        current = self._values.get(attribute.name, "")
        if attribute.values:  # chosen in place: no dropdown outside the dialog, enter stays "confirm"
            return ChoiceField(attribute.values, current or None, name=attribute.name, classes="attribute-select")
        return Input(visible(current, keep_newlines=False), placeholder="(not set)", compact=True,
                     name=attribute.name, classes="attribute-input")

    def _sync_attributes(self) -> None:
        box = self.query_one("#attributes", VerticalScroll)
        wanted = self._active_attributes()
        box.display = bool(wanted)
        if wanted == self._shown_attributes:
            return
        self._shown_attributes = wanted
        box.remove_children(".attribute-row")
        rows = []
        width = min(NAME_WIDTH, max(len(one_line(a.name)) for a in wanted) + 1) if wanted else NAME_WIDTH
        for attribute in wanted:
            label = Label(Content(one_line(attribute.name)), classes="attribute-name")
            label.styles.width = width  # every name on one line: cut with an ellipsis, never wrapped
            label.tooltip = Content(one_line(f"{attribute.name}: {attribute.description}" if attribute.description
                                             else attribute.name))
            rows.append(Horizontal(label, self._attribute_field(attribute),
                                   classes="attribute-row", name=attribute.name))
        box.mount_all(rows)

    @on(ChoiceField.Changed)
    def _choice_changed(self, event: ChoiceField.Changed) -> None:
        name = event.field.name
        if name:
            if event.value is None:
                self._values.pop(name, None)
            else:
                self._values[name] = event.value

    @on(Input.Changed, ".attribute-input")
    def _attribute_typed(self, event: Input.Changed) -> None:
        name = event.input.name
        if name:
            original = self._given.get(name, "")
            if original and event.value == visible(original, keep_newlines=False):
                self._values[name] = original  # shown inert, kept byte for byte when not edited
            elif event.value.strip():
                self._values[name] = event.value.strip()
            else:
                self._values.pop(name, None)

    # --- state ----------------------------------------------------------------------------------

    def chosen(self) -> tuple[str, ...]:
        """Ticked slugs in taxonomy order, then ticked slugs the taxonomy does not know."""
        known = [c.slug for c in self.taxonomy.categories if c.slug in self._chosen]
        unknown = [s for s in self._initial if s in self._chosen and s not in self.taxonomy]
        return tuple(known + unknown)

    def result(self) -> TagChoice:
        """The choice as it stands: ticked categories plus the values of their attributes.

        Attributes no category of the taxonomy defines (data from elsewhere) are kept as given."""
        active = {a.name for a in self._active_attributes()}
        defined = {a.name for c in self.taxonomy.categories for a in c.attributes}
        attributes = {name: value for name, value in self._values.items()
                      if value and (name in active or name not in defined)}
        return TagChoice(self.chosen(), attributes)

    def toggle(self, slug: str) -> None:
        if slug in self._chosen:
            self._chosen.discard(slug)
        else:
            self._chosen.add(slug)
        category = self.taxonomy.get(slug)
        options = self.query_one("#categories", OptionList)
        if category is not None and slug in {self.taxonomy.categories[i].slug for i in self._order}:
            options.replace_option_prompt(slug, self._prompt(category))
        self._update_summary()
        self._sync_attributes()

    # --- events and actions ---------------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._refilter(event.value)

    @on(OptionList.OptionSelected, "#categories")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.toggle(event.option.id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        focused = self.focused
        in_filter = isinstance(focused, Input) and focused.id == "filter"
        if action in ("toggle_category", "cursor"):
            return in_filter
        if action == "toggle_key":
            return in_filter and self.taxonomy.by_key(str(parameters[0])) is not None
        return True

    def action_toggle_category(self) -> None:
        option = self.query_one("#categories", OptionList).highlighted_option
        if option is not None and option.id:
            self.toggle(option.id)

    def action_toggle_key(self, key: str) -> None:
        category = self.taxonomy.by_key(key)
        if category is not None:
            self.toggle(category.slug)

    def action_cursor(self, step: int) -> None:
        options = self.query_one("#categories", OptionList)
        options.action_cursor_down() if step > 0 else options.action_cursor_up()

    def action_page(self, step: int) -> None:
        options = self.query_one("#categories", OptionList)
        options.action_page_down() if step > 0 else options.action_page_up()

    def action_confirm(self) -> None:
        if not self._chosen and not self._initial:
            # Nothing ticked and nothing to remove: enter takes the highlighted category.
            option = self.query_one("#categories", OptionList).highlighted_option
            if option is not None and option.id:
                self._chosen.add(option.id)
        self.dismiss(self.result())

    def action_cancel(self) -> None:
        self.dismiss(None)
