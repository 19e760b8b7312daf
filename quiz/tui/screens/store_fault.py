"""What the app shows when the progress store cannot save an answer (a full disk, a lock
another program holds, a damaged file): the learner's words from `quiz.engine.faults`, and
"Try again" (when it may work) or "Quit".

The screen returns True to try again and False to stop; the app re-submits the same
answer, or ends the session cleanly (every answer before this one is saved).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from quiz.engine.faults import StoreFault
from quiz.tui.widgets.keybar import KeyBar
from quiz.tui.widgets.text import literal


class StoreFaultScreen(ModalScreen[bool]):
    """The fault's message and hint; dismissed with True (try again) or False (stop)."""

    CSS_PATH = "store_fault.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", "Try again"),
        Binding("q", "stop", "Quit"),
        Binding("escape", "stop", "Quit", show=False),
    ]

    def __init__(self, fault: StoreFault) -> None:
        super().__init__()
        self.fault = fault

    def compose(self) -> ComposeResult:
        with Vertical(id="fault-box"):
            yield Static("Your answer was not saved", id="fault-title")
            yield Static(literal(self.fault.learner_message), id="fault-message")
            yield Static(literal(self.fault.hint), id="fault-hint")
            with Horizontal(id="fault-buttons"):
                if self.fault.can_retry:
                    yield Button("Try again", id="fault-retry", variant="primary")
                yield Button("Quit", id="fault-quit")
        yield KeyBar()

    def on_mount(self) -> None:
        first = "#fault-retry" if self.fault.can_retry else "#fault-quit"
        self.query_one(first, Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            return self.fault.can_retry
        return True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "fault-retry":
            self.action_retry()
        else:
            self.action_stop()

    def action_retry(self) -> None:
        """Try to save the answer again."""
        self.dismiss(True)

    def action_stop(self) -> None:
        """Stop: the answer stays unsaved."""
        self.dismiss(False)
