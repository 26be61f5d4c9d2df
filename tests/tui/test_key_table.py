"""README's key table and the help screen list the same keys: the table is generated from the
help's rows (``python -m reviewer.tui.keytable``) and this test fails when README is out of date."""

from __future__ import annotations

from reviewer.tui import keytable


def test_readme_key_table_is_the_help_screens() -> None:
    entries = keytable.workspace_entries(keytable.ROOT / "seeds", keytable.ROOT / "annotations" / "default")
    readme = (keytable.ROOT / "README.md").read_text(encoding="utf-8")
    shown = keytable.current_block(readme)
    assert shown is not None, "README.md lost its key table markers"
    assert shown == keytable.table(entries), "README's key table is stale: run python -m reviewer.tui.keytable"
    for entry in entries:  # every key the help lists is in the table, section by section
        assert f"| {keytable._keys(entry.keys)} | {keytable._cell(entry.description)}" in shown  # noqa: SLF001
    assert "**Category sync (after c)**" in shown and "Sort: total" in shown


def test_the_table_escapes_pipes_and_groups_by_section() -> None:
    from reviewer.tui.commands import HelpEntry

    text = keytable.table([HelpEntry("| ^\\", "Split", "Panes", "Open another document"),
                           HelpEntry("Q", "Close pane", "Panes")])
    assert text.splitlines()[2:] == ["| **Panes** | |", "| `\\|` `^\\` | Split: Open another document |",
                                     "| `Q` | Close pane |"]
