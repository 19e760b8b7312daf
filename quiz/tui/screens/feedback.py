"""The feedback screen: the verdict on one answer and everything that explains it.

Shown after every answer: right or wrong (in words and with a ✓ or ✗, never by colour
alone), what the learner gave and the right answer, the `why` of each option chosen (and of
the right options missed), the explanation, the source (document and section), for red-flag
items the action in a clearly marked box, and when the item comes back. Enter continues,
`u` takes the answer back, Esc ends the session.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalGroup, VerticalScroll
from textual.message import Message
from textual.widgets import Static

from quiz.bank.model import QuestionType
from quiz.engine.grading import ChoiceAnswer, TextAnswer, TrueFalseAnswer
from quiz.engine.schedule import format_interval
from quiz.engine.session import Result
from quiz.tui.screens.leaving import LeavingScreen
from quiz.tui.screens.question import GRADE_MEANING, progress_title
from quiz.tui.scrolling import scroll_page
from quiz.tui.widgets.keybar import KeyBar
from quiz.tui.widgets.text import assemble, labelled, literal
from quiz.tui.widgets.topbar import TopBar

RIGHT_MARK = "✓"
WRONG_MARK = "✗"


def verdict_text(result: Result) -> str:
    """The first line: the verdict in words, with a mark."""
    if result.item.type is QuestionType.FLASHCARD:
        return f"You graded this one {result.rating.label}: {GRADE_MEANING[result.rating]}."
    if result.correct:
        if result.unsure:
            return f"{RIGHT_MARK} Right, even though you were not sure."
        return f"{RIGHT_MARK} Right."
    return f"{WRONG_MARK} Not quite. Here is the answer; this one will come back soon."


def comes_back_text(result: Result) -> str:
    """When the item is asked again, in words."""
    if result.item.practice or result.interval is None:
        return "Practice mode: your schedule did not change."
    return f"This question comes back in {format_interval(result.interval)}."


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
            verdict = Static(literal(verdict_text(r)), id="fb-verdict")
            if r.item.type is QuestionType.FLASHCARD:
                verdict.add_class("-graded")
            else:
                verdict.add_class("-right" if r.correct else "-wrong")
            yield verdict
            yield Static(literal(self._question_text()), id="fb-question")
            if r.red_flag and r.action:
                # Safety first: the action sits high up, where it is seen without scrolling.
                box = VerticalGroup(id="fb-action")
                box.border_title = "⚠ What to do"
                with box:
                    yield Static(literal(r.action), id="fb-action-text")
            yield from self._answer_lines()
            yield Static(labelled("Explanation: ", r.explanation), id="fb-explanation")
            if r.became_leech:
                yield Static(
                    "This one has been hard to remember a few times. That is common; "
                    "it is flagged so the wording can be checked.",
                    id="fb-leech",
                )
            yield Static(labelled("Source: ", r.source), id="fb-source")
            yield Static(literal(comes_back_text(r)), id="fb-when")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#fb-body", VerticalScroll).focus()

    def _question_text(self) -> str:
        item = self.result.item
        if item.type is QuestionType.CLOZE:
            return item.question.cloze_revealed()
        return item.prompt

    def _answer_lines(self) -> ComposeResult:
        r = self.result
        t = r.item.type
        if t in (QuestionType.SINGLE, QuestionType.MULTI):
            assert isinstance(r.answer, ChoiceAnswer)
            for o in r.chosen:
                mark = f"{RIGHT_MARK} right" if o.correct else f"{WRONG_MARK} not right"
                yield Static(
                    assemble(
                        ("You chose ", "bold"),
                        f"{o.index + 1}. {o.text}  ",
                        (f"({mark})", "bold"),
                    ),
                    classes="fb-chosen " + ("-right" if o.correct else "-wrong"),
                )
                if o.why:
                    yield Static(literal(o.why), classes="fb-why")
            single = t is QuestionType.SINGLE
            for o in r.missed:
                yield Static(
                    assemble(
                        ("The right answer: " if single else "Also right (not picked): ", "bold"),
                        f"{o.index + 1}. {o.text}",
                    ),
                    classes="fb-missed",
                )
                if o.why:
                    yield Static(literal(o.why), classes="fb-why")
        elif t is QuestionType.TRUE_FALSE:
            assert isinstance(r.answer, TrueFalseAnswer)
            given = "True" if r.answer.value else "False"
            yield Static(labelled("You said: ", given), classes="fb-given")
            yield Static(labelled("The statement is: ", r.correct_answer), classes="fb-right")
        elif t is QuestionType.TYPED:
            assert isinstance(r.answer, TextAnswer)
            given = r.answer.text.strip() or "(nothing)"
            yield Static(labelled("You typed: ", given), classes="fb-given")
            label = "The answer: " if r.correct else "The right answer: "
            yield Static(labelled(label, r.correct_answer), classes="fb-right")
        elif t is QuestionType.CLOZE:
            n = len(r.deletions)
            for i, d in enumerate(r.deletions, start=1):
                name = f"Blank {i}: " if n > 1 else "The blank: "
                mark = f"{RIGHT_MARK} right" if d.correct else f"{WRONG_MARK} not right"
                given = d.given.strip() or "(nothing)"
                yield Static(
                    assemble(
                        (name, "bold"),
                        "you typed \u201c",
                        given,
                        "\u201d, the answer is \u201c",
                        d.expected,
                        "\u201d  ",
                        (f"({mark})", "bold"),
                    ),
                    classes="fb-chosen " + ("-right" if d.correct else "-wrong"),
                )
        else:
            yield Static(labelled("Answer: ", r.correct_answer), classes="fb-right")

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
