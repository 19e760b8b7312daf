"""The question screen: one item at a time, answered by keyboard.

Progress ("Question n of N", bank title) sits in the top bar. By type:

- single / multi: 1 to 5 choose (toggle in "all that apply"), ↑/↓ and Space do the same
  with a cursor, Enter checks the answer;
- true_false: t / f (or the cursor), Enter checks;
- cloze: one text field per blank, the blanks numbered in the sentence when there are
  several; Enter moves to the next field and checks after the last;
- typed: one text field, Enter checks;
- flashcard: Space shows the answer, then 1 to 4 grade it, each with the interval it gives.

`s` (Ctrl+S while typing) toggles "not sure" before checking. The screen only collects the
answer: it posts `Submitted`, and the app hands it to the session.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalGroup, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from quiz.bank.model import QuestionType
from quiz.engine.grading import (
    Answer,
    ChoiceAnswer,
    ClozeAnswer,
    FlashcardGrade,
    SelfRating,
    TextAnswer,
    TrueFalseAnswer,
)
from quiz.engine.schedule import format_interval
from quiz.engine.session import StudyItem
from quiz.tui.screens.leaving import LeavingScreen
from quiz.tui.scrolling import scroll_page
from quiz.tui.widgets.choices import ChoiceList
from quiz.tui.widgets.keybar import KeyBar
from quiz.tui.widgets.text import assemble, labelled, literal
from quiz.tui.widgets.topbar import TopBar
from quiz.wording import GRADE_MEANING, INSTRUCTION, cloze_prompt, progress_title

_CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.MULTI, QuestionType.TRUE_FALSE)


class QuestionScreen(LeavingScreen):
    """Shows one `StudyItem` and posts `Submitted` with the learner's answer."""

    CSS_PATH = "question.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "1",
            "number(1)",
            "Choose",
            key_display="1-5",
            tooltip="choose an option; in “all that apply”, tick or untick it",
        ),
        Binding("2", "number(2)", "Choose", show=False),
        Binding("3", "number(3)", "Choose", show=False),
        Binding("4", "number(4)", "Choose", show=False),
        Binding("5", "number(5)", "Choose", show=False),
        Binding(
            "1",
            "grade(1)",
            "Grade",
            key_display="1-4",
            tooltip="flashcards, once the answer shows: how well you knew it",
        ),
        Binding("2", "grade(2)", "Grade", show=False),
        Binding("3", "grade(3)", "Grade", show=False),
        Binding("4", "grade(4)", "Grade", show=False),
        Binding("t", "true_false(True)", "True", tooltip="true or false"),
        Binding("f", "true_false(False)", "False"),
        Binding("space", "reveal", "Show answer", tooltip="flashcards: show the answer"),
        Binding("space", "pick_cursor", "Choose", show=False, tooltip="choose the option at ›"),
        Binding("up", "move(-1)", "Up", show=False, tooltip="move between the options"),
        Binding("down", "move(1)", "Down", show=False),
        Binding(
            "enter", "submit", "Check", tooltip="check your answer (in a blank: the next blank)"
        ),
        Binding(
            "s", "toggle_unsure", "Not sure", tooltip="“not sure”: a right answer comes back sooner"
        ),
        Binding("ctrl+s", "toggle_unsure_typing", "Not sure"),
        Binding("u", "undo", "Undo", show=False, tooltip="take back your last answer"),
        Binding("escape", "end", "End", tooltip="end the session and see the summary"),
        Binding("pageup", "page(-1)", "Page up", show=False, tooltip="scroll a long question"),
        Binding("pagedown", "page(1)", "Page down", show=False),
    ]

    class Submitted(Message):
        """The learner's answer to the item shown."""

        def __init__(self, item: StudyItem, answer: Answer, unsure: bool) -> None:
            super().__init__()
            self.item = item
            self.answer = answer
            self.unsure = unsure

    class UndoRequested(Message):
        """Take back the previous answer."""

    class EndRequested(Message):
        """End the session now (answers so far are saved)."""

    def __init__(self, item: StudyItem, *, can_undo: bool = False, cursor_blink: bool = True):
        super().__init__()
        self.item = item
        self.can_undo = can_undo
        self.cursor_blink = cursor_blink
        self.unsure = False
        self.revealed = False
        self._empty_warned = False

    # -- layout --------------------------------------------------------------------------

    @property
    def is_choice(self) -> bool:
        """Answered by picking from a list (single, multi, true/false)."""
        return self.item.type in _CHOICE_TYPES

    @property
    def is_text(self) -> bool:
        """Answered by typing (cloze, typed)."""
        return self.item.type in (QuestionType.CLOZE, QuestionType.TYPED)

    @property
    def is_flashcard(self) -> bool:
        """A self-graded flashcard."""
        return self.item.type is QuestionType.FLASHCARD

    def compose(self) -> ComposeResult:
        item = self.item
        tags = []
        if item.practice:
            tags.append("practice")
        if item.is_new:
            tags.append("new")
        yield TopBar(progress_title(item), " · ".join(tags), id="topbar")
        with VerticalScroll(id="q-body", classes="page"):
            yield Static(INSTRUCTION[item.type.value], id="q-kind")
            prompt = cloze_prompt(item) if item.type is QuestionType.CLOZE else item.prompt
            yield Static(literal(prompt), id="q-prompt")
            if item.edited:
                yield Static("This question was updated since you last saw it.", id="q-edited")
            yield from self._answer_area()
            yield Static(id="q-hint")
            if not self.is_flashcard:
                yield Static(id="q-unsure")
        yield KeyBar()

    def _answer_area(self) -> ComposeResult:
        item = self.item
        t = item.type
        if t in (QuestionType.SINGLE, QuestionType.MULTI):
            yield ChoiceList(
                [(str(i), text) for i, text in enumerate(item.options, start=1)],
                multi=t is QuestionType.MULTI,
                id="q-choices",
            )
        elif t is QuestionType.TRUE_FALSE:
            yield ChoiceList([("t", "True"), ("f", "False")], multi=False, id="q-choices")
        elif t is QuestionType.TYPED:
            yield Input(placeholder="Type your answer here", id="q-input-0", classes="q-input")
        elif t is QuestionType.CLOZE:
            n = item.blank_count
            for i in range(n):
                label = f"Blank {i + 1} of {n}" if n > 1 else "The missing word(s)"
                yield Static(label, classes="q-input-label")
                yield Input(
                    placeholder="Type the missing word(s)", id=f"q-input-{i}", classes="q-input"
                )
        else:
            with VerticalGroup(id="q-flashcard"):
                yield Static(id="q-back")
                yield Static(id="q-grades")

    def on_mount(self) -> None:
        for inp in self.query(Input):
            inp.cursor_blink = self.cursor_blink
        inputs = self.inputs
        if inputs:
            inputs[0].focus()
        self._show_hint()
        self._show_unsure()
        if self.is_flashcard:
            self.query_one("#q-back", Static).display = False
            self.query_one("#q-grades", Static).display = False

    @property
    def inputs(self) -> list[Input]:
        """The text fields, in order (cloze and typed)."""
        return list(self.query(".q-input").results(Input))

    def _choices(self) -> ChoiceList:
        return self.query_one("#q-choices", ChoiceList)

    def _hint_text(self) -> str:
        t = self.item.type
        n = len(self.item.options)
        if t is QuestionType.SINGLE:
            return f"Press 1 to {n} (or ↑ ↓ and Space) to choose, then Enter to check."
        if t is QuestionType.MULTI:
            return f"Press 1 to {n} to tick or untick each one, then Enter to check."
        if t is QuestionType.TRUE_FALSE:
            return "Press t for true or f for false, then Enter to check."
        if t is QuestionType.TYPED:
            return "Type your answer and press Enter. Small typos are fine."
        if t is QuestionType.CLOZE:
            if self.item.blank_count > 1:
                return "Fill each blank in order; Enter moves to the next, then checks."
            return "Type the missing word(s) and press Enter. Small typos are fine."
        if self.revealed:
            return "How well did you remember it? Press 1 to 4."
        return "Say or think your answer, then press Space to see it."

    def _show_hint(self, text: str | None = None) -> None:
        self.query_one("#q-hint", Static).update(literal(text or self._hint_text()))
        self.query_one("#q-hint", Static).set_class(text is not None, "-warning")

    def _show_unsure(self) -> None:
        if self.is_flashcard:
            return
        key = "Ctrl+S" if self.is_text else "s"
        if self.unsure:
            text = f"[x] Not sure ({key}): a right answer will come back a little sooner."
        else:
            text = f"[ ] Not sure? Press {key} before checking."
        widget = self.query_one("#q-unsure", Static)
        widget.update(literal(text))
        widget.set_class(self.unsure, "-on")

    # -- which keys apply ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        t = self.item.type
        typing = isinstance(self.focused, Input)
        if action == "number":
            n = parameters[0] if parameters else 0
            is_list = t in (QuestionType.SINGLE, QuestionType.MULTI)
            return is_list and isinstance(n, int) and n <= len(self.item.options)
        if action == "grade":
            return self.is_flashcard and self.revealed
        if action == "true_false":
            return t is QuestionType.TRUE_FALSE
        if action == "reveal":
            return self.is_flashcard and not self.revealed
        if action in ("pick_cursor", "move"):
            return self.is_choice
        if action == "submit":
            return self.is_choice or self.is_text
        if action == "toggle_unsure":
            return not self.is_flashcard and not typing
        if action == "toggle_unsure_typing":
            return not self.is_flashcard and typing
        if action == "undo":
            return self.can_undo
        return True

    # -- actions -------------------------------------------------------------------------

    def action_number(self, n: int) -> None:
        """Choose (or toggle) option `n` (1-based)."""
        self._choices().pick(n - 1)
        self._show_hint()

    def action_true_false(self, value: bool) -> None:
        """Pick True or False."""
        self._choices().pick(0 if value else 1)
        self._show_hint()

    def action_move(self, delta: int) -> None:
        """Move the option cursor."""
        self._choices().move(delta)

    def action_pick_cursor(self) -> None:
        """Choose (or toggle) the option under the cursor."""
        self._choices().pick_cursor()
        self._show_hint()

    def action_page(self, direction: int) -> None:
        """Scroll the question by a page."""
        scroll_page(self.query_one("#q-body", VerticalScroll), direction)

    def action_toggle_unsure(self) -> None:
        """Mark the answer "not sure" (or take the mark away)."""
        self.unsure = not self.unsure
        self._show_unsure()

    def action_toggle_unsure_typing(self) -> None:
        """The same as `s`, for when a text field has the keys."""
        self.action_toggle_unsure()

    def action_reveal(self) -> None:
        """Flashcard: show the back and the four grades with their intervals."""
        self.revealed = True
        back = self.query_one("#q-back", Static)
        back.update(labelled("Answer: ", self.item.flashcard_back or ""))
        back.display = True
        grades = self.query_one("#q-grades", Static)
        grades.update(self._grades_content())
        grades.display = True
        self._show_hint()
        self.refresh_bindings()
        grades.scroll_visible(animate=False)

    def _grades_content(self) -> Content:
        previews = {p.rating: p for p in self.item.previews}
        parts: list[str | tuple[str, str]] = []
        for r in SelfRating:
            p = previews.get(r)
            back = f"back in {format_interval(p.interval)}" if p else ""
            parts.append((f"{int(r)}  {r.label:<7}", "bold"))
            parts.append(f"{GRADE_MEANING[r]:<28}{back}\n")
        if not previews:
            parts.append("Practice mode: your schedule does not change.")
        return assemble(*parts).rstrip()

    def action_grade(self, n: int) -> None:
        """Flashcard: grade yourself (1 Again … 4 Easy); this is the answer."""
        self._post_answer(FlashcardGrade(SelfRating(n)))

    def action_submit(self) -> None:
        """Check the answer (choices; text fields submit through Enter in the field)."""
        if self.is_text:
            self._submit_text()
            return
        choices = self._choices()
        if not choices.selected:
            if self.item.type is QuestionType.TRUE_FALSE:
                self._show_hint("Choose first: press t for true or f for false.")
            else:
                self._show_hint(f"Choose first: press 1 to {len(self.item.options)}.")
            return
        answer: Answer
        if self.item.type is QuestionType.TRUE_FALSE:
            answer = TrueFalseAnswer(0 in choices.selected)
        else:
            answer = ChoiceAnswer(self.item.option_ids(choices.selected))
        self._post_answer(answer)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = self.inputs
        index = inputs.index(event.input) if event.input in inputs else len(inputs) - 1
        if index < len(inputs) - 1:
            inputs[index + 1].focus()
            return
        self._submit_text()

    def _submit_text(self) -> None:
        texts = [i.value for i in self.inputs]
        empty = [n for n, t in enumerate(texts) if not t.strip()]
        if empty and not self._empty_warned:
            self._empty_warned = True
            which = "blank" if len(texts) > 1 else "answer"
            self._show_hint(
                f"Nothing typed in this {which} yet. A guess is fine; or press Enter "
                "again to see the answer."
            )
            self.inputs[empty[0]].focus()
            return
        answer: Answer
        if self.item.type is QuestionType.TYPED:
            answer = TextAnswer(texts[0])
        else:
            answer = ClozeAnswer(tuple(texts))
        self._post_answer(answer)

    def _post_answer(self, answer: Answer) -> None:
        # once: a second key press before the feedback came up posts nothing
        self._leave(self.Submitted(self.item, answer, self.unsure))

    def answer_rejected(self, reason: str) -> None:
        """The session did not accept the answer: say why and let the learner try again."""
        self.stay()
        self._show_hint(reason)

    def action_undo(self) -> None:
        """Take back the previous answer."""
        self._leave(self.UndoRequested())

    def action_end(self) -> None:
        """End the session."""
        self._leave(self.EndRequested())
