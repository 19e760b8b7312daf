"""The first-run disclaimer: the short text that ships with the banks, acknowledged once.

The app shows it over the home screen when the store has no acknowledgement of this exact
text; the screen returns True once the learner has read it (Enter or the button).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from quiz.tui.widgets.keybar import KeyBar
from quiz.tui.widgets.text import literal


def reflow(text: str) -> str:
    """Join lines that were wrapped in the middle of a sentence, so the text wraps to the
    box instead of at the file's line ends; a line that ends a sentence stays a line."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if out and out[-1] and line and out[-1][-1] not in ".!?:":
            out[-1] += " " + line
        else:
            out.append(line)
    return "\n".join(out)


class DisclaimerScreen(ModalScreen[bool]):
    """The disclaimer text and one button; dismissed with True when acknowledged."""

    CSS_PATH = "disclaimer.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "acknowledge",
            "I understand",
            priority=True,
            tooltip="you have read the notice: on to the quiz",
        ),
        Binding("q", "app.quit", "Quit", tooltip="quit (the notice shows again next time)"),
    ]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="disclaimer-box"):
            yield Static("Before you start", id="disclaimer-title")
            with VerticalScroll(id="disclaimer-scroll"):
                yield Static(literal(reflow(self.text)), id="disclaimer-text")
            yield Button("I understand", id="disclaimer-ok", variant="primary")
            yield Static(
                "Press Enter to continue. You will not see this again.", id="disclaimer-hint"
            )
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#disclaimer-ok", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_acknowledge()

    def action_acknowledge(self) -> None:
        """The learner has read the text."""
        self.dismiss(True)
