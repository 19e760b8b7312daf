"""The end-of-session summary: answered, right, time, per topic, red-flag items missed, and
when the next review is due. Enter or Esc goes home; `u` takes back the last answer."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalGroup, VerticalScroll
from textual.message import Message
from textual.widgets import Static

from quiz.engine.session import Summary
from quiz.tui.screens.leaving import LeavingScreen
from quiz.tui.scrolling import scroll_page
from quiz.tui.widgets.keybar import KeyBar
from quiz.tui.widgets.text import clip, fit, labelled, literal
from quiz.tui.widgets.topbar import TopBar
from quiz.wording import summary_words


class SummaryScreen(LeavingScreen):
    """A session's `Summary`; posts `Closed` (back home) or `UndoRequested`."""

    CSS_PATH = "summary.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,escape", "close", "Home", tooltip="back to the home screen"),
        Binding("u", "undo", "Undo", tooltip="take back your last answer"),
        Binding("pageup", "page(-1)", "Page up", show=False, tooltip="scroll a long page"),
        Binding("pagedown", "page(1)", "Page down", show=False),
    ]

    class Closed(Message):
        """Back to the home screen."""

    class UndoRequested(Message):
        """Take back the session's last answer."""

    def __init__(self, summary: Summary, *, now: datetime, can_undo: bool) -> None:
        super().__init__()
        self.summary = summary
        self.now = now
        self.can_undo = can_undo

    def compose(self) -> ComposeResult:
        s = self.summary
        yield TopBar("Session summary", "practice" if s.practice else "", id="topbar")
        words = summary_words(s, self.now)
        with VerticalScroll(id="sum-body", classes="page"):
            yield Static(literal(words.headline), id="sum-headline")
            if words.encouragement:
                yield Static(literal(words.encouragement), id="sum-encourage")
            if words.topics:
                yield Static("By topic", classes="section-title")
                labels = [clip(label, 40) for label, _ in words.topics]
                width = max(cell_len(label) for label in labels) + 2
                lines = [
                    f"  {fit(label, width)}{score}"
                    for label, (_, score) in zip(labels, words.topics, strict=True)
                ]
                yield Static(literal("\n".join(lines)), id="sum-topics")
            if words.red_flags:
                box = VerticalGroup(id="sum-red-flags")
                box.border_title = f"⚠ {words.red_flags_title}"
                with box:
                    for prompt, action in words.red_flags:
                        yield Static(literal(f"• {prompt}"), classes="sum-red-prompt")
                        if action:
                            yield Static(labelled("What to do: ", action), classes="sum-red-action")
            yield Static(literal(words.closing), id="sum-next")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#sum-body", VerticalScroll).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            return self.can_undo
        return True

    def action_close(self) -> None:
        """Back home."""
        self._leave(self.Closed())

    def action_undo(self) -> None:
        """Take back the last answer."""
        self._leave(self.UndoRequested())

    def action_page(self, direction: int) -> None:
        """Scroll by a page."""
        scroll_page(self.query_one("#sum-body", VerticalScroll), direction)
