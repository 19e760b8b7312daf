"""The notice shown while the terminal window is smaller than the app needs.

The app puts it over whatever screen is showing when the window shrinks below
`quiz.tui.app.MIN_SIZE`, and takes it away when the window is big enough again: the
screen underneath (a question half answered, a text field half typed) is kept as it was.
Keys other than quitting do nothing meanwhile, so nothing is answered blind.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Static

from quiz.tui.widgets.text import literal


def too_small_text(minimum: Size, now: Size) -> str:
    """The notice's words, for this minimum and the window's size now."""
    return (
        f"This window is too small: make it at least {minimum.width}×{minimum.height}. "
        f"It is {now.width}×{now.height} now.\n\n"
        "Nothing is lost: the quiz goes on from here when the window is bigger. "
        "Press q to quit."
    )


class TooSmallScreen(Screen[None]):
    """A calm sentence in place of a layout that does not fit."""

    CSS_PATH = "toosmall.tcss"

    def __init__(self, minimum: Size, now: Size) -> None:
        super().__init__()
        self.minimum = minimum
        self.now = now

    def compose(self) -> ComposeResult:
        yield Static(literal(too_small_text(self.minimum, self.now)), id="too-small")

    def show_size(self, now: Size) -> None:
        """The window changed size but is still too small: say its new size."""
        self.now = now
        self.query_one("#too-small", Static).update(literal(too_small_text(self.minimum, now)))
