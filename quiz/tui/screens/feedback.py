"""The feedback screen: the verdict on one answer and everything that explains it.

Shown after every answer. The words and their order come from `quiz.wording` (the same as
plain mode's): the verdict (in words and with a ✓ or ✗, never by colour alone), for
red-flag items the action in a clearly marked box, the question, what the learner gave and
the right answer with each option's labelled `why`, the explanation, the source and when
the item comes back. This screen only styles them. Enter continues, `u` takes the answer
back, Esc ends the session.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalGroup, VerticalScroll
from textual.message import Message
from textual.widgets import Static

from quiz.engine.session import Result
from quiz.tui.screens.leaving import LeavingScreen
from quiz.tui.scrolling import scroll_page
from quiz.tui.widgets.keybar import KeyBar
from quiz.tui.widgets.text import labelled, literal
from quiz.tui.widgets.topbar import TopBar
from quiz.wording import Line, Tone, feedback_lines, progress_title

#: kinds of `quiz.wording.Line` shown once, by id; the others repeat, by class
_SINGLE_KINDS = {
    "verdict": "fb-verdict",
    "question": "fb-question",
    "explanation": "fb-explanation",
    "leech": "fb-leech",
    "source": "fb-source",
    "when": "fb-when",
}
_CLASS_OF_KIND = {
    "chosen": "fb-chosen",
    "blank": "fb-chosen",
    "why": "fb-why",
    "missed": "fb-missed",
    "given": "fb-given",
    "answer": "fb-right",
    "spelling": "fb-spelling",
}
_TONE_CLASS = {Tone.RIGHT: "-right", Tone.WRONG: "-wrong", Tone.GRADED: "-graded"}


class FeedbackScreen(LeavingScreen):
    """One `Result`, scrollable; posts `ContinueRequested`, `UndoRequested`, `EndRequested`."""

    CSS_PATH = "feedback.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "next", "Next", tooltip="the next question"),
        Binding("u", "undo", "Undo", tooltip="take the answer back and answer again"),
        Binding("escape", "end", "End", tooltip="end the session and see the summary"),
        Binding("pageup", "page(-1)", "Page up", show=False, tooltip="scroll a long page"),
        Binding("pagedown", "page(1)", "Page down", show=False),
    ]

    class ContinueRequested(Message):
        """Go on to the next item."""

    class UndoRequested(Message):
        """Take this answer back and ask the item again."""

    class EndRequested(Message):
        """End the session (answers are saved)."""

    def __init__(self, result: Result, *, answered: int) -> None:
        super().__init__()
        self.result = result
        self.answered = answered

    def compose(self) -> ComposeResult:
        r = self.result
        yield TopBar(progress_title(r.item), f"{self.answered} answered", id="topbar")
        with VerticalScroll(id="fb-body", classes="page"):
            for line in feedback_lines(r):
                if line.kind == "action":
                    # Safety first: the action sits right under the verdict, in a marked box.
                    box = VerticalGroup(id="fb-action")
                    box.border_title = "⚠ What to do"
                    with box:
                        yield Static(literal(line.text), id="fb-action-text")
                    continue
                yield self._line(line)
        yield KeyBar()

    @staticmethod
    def _line(line: Line) -> Static:
        text = f"{line.mark} {line.text}" if line.mark else line.text
        content = labelled(line.label, text) if line.label else literal(text)
        tone = _TONE_CLASS.get(line.tone, "")
        if line.kind in _SINGLE_KINDS:
            widget = Static(content, id=_SINGLE_KINDS[line.kind])
            if tone:
                widget.add_class(tone)
            return widget
        classes = _CLASS_OF_KIND.get(line.kind, "fb-line")
        return Static(content, classes=f"{classes} {tone}".strip())

    def on_mount(self) -> None:
        self.query_one("#fb-body", VerticalScroll).focus()

    def action_next(self) -> None:
        """Next question (or the summary after the last)."""
        self._leave(self.ContinueRequested())

    def action_undo(self) -> None:
        """Take the answer back."""
        self._leave(self.UndoRequested())

    def action_end(self) -> None:
        """End the session now."""
        self._leave(self.EndRequested())

    def action_page(self, direction: int) -> None:
        """Scroll by a page."""
        scroll_page(self.query_one("#fb-body", VerticalScroll), direction)
