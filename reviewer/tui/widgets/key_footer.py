"""KeyFooter: Textual's Footer without its leak on rebuilds.

Each rebuild of Textual's Footer (8.2) data-binds every new FooterKey to the footer's ``compact``
reactive. The footer keeps those watchers, and drops the ones of removed keys only when ``compact``
changes, which never happens here (Textualize/textual#6666, open as of Textual 8.2: watchers from
``data_bind`` are not removed when the owner leaves the DOM). The workspace rebuilds its footer
whenever the greying of keys changes, so a long session kept every FooterKey ever shown (with its
styles and caches): about 12 MB more per 1,000 tag/untag/undo keys in tests/faults/test_app_soak.py,
and each new watcher was compared against all the old ones. Before a rebuild, drop the watchers of
keys no longer mounted.
"""

from __future__ import annotations

from textual.widgets import Footer


class KeyFooter(Footer):
    """A Footer whose ``compact`` watchers stay as many as its keys."""

    def _drop_watchers_of_removed_keys(self) -> None:
        watchers = getattr(self, "__watchers", {}).get("compact")
        if watchers:
            watchers[:] = [(node, callback) for node, callback in watchers
                           if node.is_attached and not node._closing]  # noqa: SLF001 - Textual 8.2, pinned

    async def recompose(self) -> None:
        self._drop_watchers_of_removed_keys()
        await super().recompose()
