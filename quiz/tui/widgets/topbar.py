"""The one-line bar at the top of every screen: where you are on the left (for example
"Question 3 of 12 · <bank title>") and a short tag on the right ("new", "practice")."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

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
        tag = self.tag[: max(0, width - 4)]
        room = max(0, width - len(tag) - (1 if tag else 0))
        title = self.title if len(self.title) <= room else self.title[: max(0, room - 1)] + "…"
        gap = " " * max(1, width - len(title) - len(tag))
        return Content.assemble(" ", (title, TITLE_STYLE), gap, (tag, TAG_STYLE), " ")

    def set_title(self, title: str) -> None:
        """Change the left-hand text."""
        self.title = title
        self.refresh()

    def set_tag(self, tag: str) -> None:
        """Change the right-hand text."""
        self.tag = tag
        self.refresh()
