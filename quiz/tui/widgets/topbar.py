"""The one-line bar at the top of every screen: where you are on the left (for example
"Question 3 of 12 · <bank title>") and a short tag on the right ("new", "practice").
Both are made safe and cut in terminal cells (`clip`): a title may come from the store."""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.widget import Widget

from quiz.tui.widgets.text import assemble, clip

TITLE_STYLE = "bold"
TAG_STYLE = "bold $text-accent"


class TopBar(Widget):
    """Title (literal text: it may hold a bank title) and tag, in one rendered line."""

    def __init__(self, title: str, tag: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title = title
        self.tag = tag

    def render(self) -> Content:
        width = max(0, self.size.width - 2)
        tag = clip(self.tag, max(0, width - 4))
        room = max(0, width - cell_len(tag) - (1 if tag else 0))
        title = clip(self.title, room)
        gap = " " * max(1, width - cell_len(title) - cell_len(tag))
        return assemble(" ", (title, TITLE_STYLE), gap, (tag, TAG_STYLE), " ")

    def set_title(self, title: str) -> None:
        """Change the left-hand text."""
        self.title = title
        self.refresh()

    def set_tag(self, tag: str) -> None:
        """Change the right-hand text."""
        self.tag = tag
        self.refresh()
