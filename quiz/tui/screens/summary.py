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
from quiz.tui.widgets.text import clip, duration_words, fit, labelled, literal, when
from quiz.tui.widgets.topbar import TopBar


def topic_label(topic: str) -> str:
    """A topic tag as words: "red-flags" → "red flags"."""
    return topic.replace("-", " ").replace("_", " ")


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
        with VerticalScroll(id="sum-body", classes="page"):
            if s.answered:
                headline = f"You answered {s.answered} and got {s.right} right"
                headline += f", in {duration_words(s.duration)}."
            else:
                headline = "No answers in this session."
            yield Static(literal(headline), id="sum-headline")
            if s.answered and s.right < s.answered:
                yield Static(
                    "Mistakes are part of learning: the ones you missed come back soon.",
                    id="sum-encourage",
                )
            if s.topics:
                yield Static("By topic", classes="section-title")
                labels = [clip(topic_label(t.topic), 40) for t in s.topics]
                width = max(cell_len(label) for label in labels) + 2
                lines = [
                    f"  {fit(label, width)}{t.right} of {t.total} right"
                    for label, t in zip(labels, s.topics, strict=True)
                ]
                yield Static(literal("\n".join(lines)), id="sum-topics")
            if s.red_flags_missed:
                box = VerticalGroup(id="sum-red-flags")
                box.border_title = "⚠ Worth another look: warning signs"
                with box:
                    for m in s.red_flags_missed:
                        yield Static(literal(f"• {m.prompt}"), classes="sum-red-prompt")
                        if m.action:
                            yield Static(
                                labelled("What to do: ", m.action), classes="sum-red-action"
                            )
            if s.practice:
                yield Static("Practice mode: nothing was saved.", id="sum-next")
            else:
                next_text = "Your progress is saved. " + (
                    f"The next review is due {when(s.next_due, self.now)}."
                    if s.next_due is not None
                    else "Nothing is scheduled yet."
                )
                yield Static(literal(next_text), id="sum-next")
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
