"""The keys of the workspace screen: everything that writes (tags, notes, delete, undo), the panes,
and the keys of the features its controllers run. Each has an id (remappable from ``[keys]``) and a
tooltip (help and the palette show it)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from reviewer.tui.controllers import category_sync, clause_lookup, suggestions


def _tag_bindings() -> list[Binding]:
    return [Binding(key, f"tag('{key}')", f"Toggle category {key}", show=False, id=f"workspace.tag_{key}",
                    tooltip=f"Toggle the category with key {key} on the selection or the current clause")
            for key in "1234567890"]


WORKSPACE_BINDINGS: list[BindingType] = [
    *_tag_bindings(),
    Binding("t", "tag_picker", "Tag", id="workspace.tag_picker",
            tooltip="Choose categories (and attributes) for the selection or current clause"),
    Binding("enter,a", "note", "Note", id="workspace.note",
            tooltip="Edit the note of the annotation under the cursor"),
    Binding("x", "delete", "Delete", id="workspace.delete",
            tooltip="Delete the annotation under the cursor"),
    Binding("u,ctrl+z", "undo", "Undo", id="workspace.undo", tooltip="Undo the last change (any document)"),
    Binding("ctrl+r,ctrl+y", "redo", "Redo", show=False, id="workspace.redo",
            tooltip="Redo the last undone change"),
    Binding("ctrl+s", "save", "Save", show=False, id="workspace.save",
            tooltip="Write anything not yet on disk (changes are written as you make them)"),
    Binding("tab", "focus_pane(1)", "Next pane", show=False, id="workspace.next_pane",
            tooltip="Focus the pane to the right (also ctrl+w l)"),
    Binding("shift+tab", "focus_pane(-1)", "Previous pane", show=False, id="workspace.previous_pane",
            tooltip="Focus the pane to the left (also ctrl+w h)"),
    Binding("o", "open", "Open", id="workspace.open", tooltip="Show another document in this pane"),
    Binding("vertical_line,ctrl+backslash", "split", "Split", id="workspace.split",
            tooltip="Open another document in a new pane beside this one"),
    Binding("Q", "close_pane", "Close pane", show=False, id="workspace.close_pane", tooltip="Close this pane"),
    Binding("D", "toggle_documents", "Documents", show=False, id="workspace.documents",
            tooltip="Show or hide the document list with annotation counts"),
    Binding("L", "toggle_legend", "Legend", show=False, id="workspace.legend",
            tooltip="Show or hide the taxonomy legend"),
    Binding("O", "orphans", "Orphans", show=False, id="workspace.orphans",
            tooltip="List annotations whose text is gone: re-attach or delete them"),
    Binding("H", "history", "History", show=False, id="workspace.history",
            tooltip="The focused policy's versions: dates, changes and what happened to its annotations"),
    Binding("R", "review", "Review", show=False, id="workspace.review",
            tooltip="After a carry: the queue of annotations placed approximately or orphaned, under the panes "
                    "(from the pane: back to it)"),
    Binding("i", "inspector", "Inspector", show=False, id="workspace.inspector",
            tooltip="Show or hide what the annotation under the caret is: categories, note, attributes, "
                    "re-anchoring, annotator and dates"),
    *clause_lookup.BINDINGS,
    *category_sync.BINDINGS,
    *suggestions.BINDINGS,
]
