"""The help screen (`?` or F1 anywhere): every key of every screen, in plain words."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import HorizontalGroup, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from quiz.tui.scrolling import scroll_page
from quiz.tui.widgets.keybar import KeyBar

#: (section, [(keys, what they do)])
HELP_SECTIONS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Everywhere",
        (
            ("?  or  F1", "this help (Esc closes it)"),
            ("q", "quit; every answer you gave is already saved (Ctrl+Q while typing)"),
            ("Ctrl+T", "switch between the dark and the light theme"),
            ("Ctrl+P", "the command palette: every action by name"),
            ("PgUp / PgDn", "scroll a long page"),
        ),
    ),
    (
        "Home",
        (
            ("↑ / ↓, Enter", "choose a bank (or all banks) and start"),
            ("a", "study all banks"),
            ("p", "practice mode on or off: go over items without changing your schedule"),
            ("s", "your statistics"),
        ),
    ),
    (
        "A question",
        (
            ("1-5", "choose an option; in \u201call that apply\u201d, toggle it"),
            ("↑ / ↓, Space", "move between options; Space chooses (or toggles)"),
            ("t / f", "true or false"),
            ("typing, Enter", "for a blank or a typed answer; Enter moves to the next blank"),
            ("Space, then 1-4", "flashcards: show the answer, then say how well you knew it"),
            ("s (Ctrl+S in a field)", "\u201cnot sure\u201d: a right answer comes back sooner"),
            ("Enter", "check your answer"),
            ("u", "take back your last answer"),
            ("Esc", "end the session and see the summary"),
        ),
    ),
    (
        "After an answer",
        (
            ("Enter", "next question"),
            ("u", "undo: take the answer back and answer again"),
            ("Esc", "end the session and see the summary"),
        ),
    ),
    (
        "Summary and statistics",
        (
            ("Enter or Esc", "back to the home screen"),
            ("u", "(summary) take back your last answer"),
        ),
    ),
)


class HelpScreen(ModalScreen[None]):
    """All keys, scrollable; Esc, ? or F1 closes it."""

    CSS_PATH = "help.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1", "close", "Close"),
        Binding("q", "app.quit", "Quit"),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static("Keys", id="help-title")
            with VerticalScroll(id="help-scroll"):
                for title, rows in HELP_SECTIONS:
                    yield Static(title, classes="help-section")
                    for keys, what in rows:
                        with HorizontalGroup(classes="help-row"):
                            yield Static(keys, classes="help-keys", markup=False)
                            yield Static(what, classes="help-what", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#help-scroll", VerticalScroll).focus()

    def action_close(self) -> None:
        """Back to where you were."""
        self.dismiss(None)

    def action_page_up(self) -> None:
        """Scroll up one page."""
        scroll_page(self.query_one("#help-scroll", VerticalScroll), -1)

    def action_page_down(self) -> None:
        """Scroll down one page."""
        scroll_page(self.query_one("#help-scroll", VerticalScroll), 1)
