"""The one-line bar at the top of every screen: where you are, and the mode on the right."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.widgets import Static

from quiz.tui.widgets.text import literal


class TopBar(HorizontalGroup):
    """A title on the left (literal text: it may hold a bank title) and a tag on the right."""

    def __init__(self, title: str, tag: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._title = title
        self._tag = tag

    def compose(self) -> ComposeResult:
        yield Static(literal(self._title), id="topbar-title")
        yield Static(literal(self._tag), id="topbar-tag")

    def set_title(self, title: str) -> None:
        """Change the left-hand text."""
        self._title = title
        self.query_one("#topbar-title", Static).update(literal(title))

    def set_tag(self, tag: str) -> None:
        """Change the right-hand text (empty hides nothing, it just shows nothing)."""
        self._tag = tag
        self.query_one("#topbar-tag", Static).update(literal(tag))
