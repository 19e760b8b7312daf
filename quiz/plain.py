"""The plain line mode (`quiz study --plain`): the study session as a dialogue on stdin/stdout.

For screen readers and scripts: one item at a time, numbered options, one answer per line.
The learner types a number (several for multi), `t` or `f`, or text; a trailing `?` on an
answer marks it "unsure"; `?` alone shows help, `r` repeats the question, `u` undoes the last
answer, `q` quits. Read aloud, each item is short: how to answer is said the first time a
kind of question comes up, not on every line; feedback says the verdict first, then for a
red-flag item what to do, then the rest (the words come from `quiz.wording`, shared with
the terminal app).
Invalid input is asked again with a hint. No colour unless stdout is a terminal and
`NO_COLOR` is unset. End of input ends the session (every answer is already saved) with
status 0. Ctrl+C (SIGINT) ends it too, without a traceback: one line says the answers are
saved, and the status is 130. This module owns only the dialogue; everything else is the
session API.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO

from quiz.bank.discover import DISCLAIMER_META_KEY, disclaimer_digest, disclaimer_text
from quiz.bank.model import Bank, QuestionType
from quiz.engine.faults import NOT_UTF8_MESSAGE, NotTextError, StoreFault, has_surrogates
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
from quiz.engine.session import Result, SessionOptions, StudyItem, StudySession, Summary
from quiz.engine.store import ReviewStore, UndoConflictError
from quiz.safe_text import safe_text
from quiz.wording import (
    INSTRUCTION,
    NOTHING_TO_UNDO,
    PRACTICE_START,
    Tone,
    edited_notice,
    feedback_lines,
    item_tags,
    progress,
    session_start,
    summary_words,
)

HELP = """\
How to answer:
  1 to 5       the number of an option
  1 3  or 1,3  several numbers, when the question says "all that apply"
  t / f        true or false
  any text     for questions that ask you to type the answer
  Enter        on a flashcard: show the answer; then 1 to 4 to grade yourself
Add ? after an answer (for example "2?") if you were unsure: the item comes back sooner,
and the mistake is not counted as a misconception.
Commands:  ? this help   r repeat the question   u undo the last answer
           q quit (every answer is already saved)"""


def use_colour(stream: TextIO, env: Mapping[str, str] | None = None) -> bool:
    """Colour only on a terminal and only when `NO_COLOR` is unset or empty."""
    environ = os.environ if env is None else env
    if environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class _EndOfInput(Exception):
    """stdin is exhausted."""


class _Quit(Exception):
    """The learner typed q."""


class _Undo(Exception):
    """The learner typed u."""


class _Repeat(Exception):
    """The learner typed r: show the question again."""


class _Unsaved(Exception):
    """The store could not save an answer and the learner chose to stop."""


@dataclass(frozen=True, slots=True)
class _Parsed:
    answer: Answer
    unsure: bool


_SPLIT = re.compile(r"[\s,;]+")


def parse_choices(text: str, n_options: int, multi: bool) -> frozenset[int] | str:
    """Option numbers typed by the learner as 0-based indexes, or a hint saying what is wrong."""
    parts = [p for p in _SPLIT.split(text.strip()) if p]
    if not parts:
        return f"Type a number from 1 to {n_options}."
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        return f"Type {'numbers' if multi else 'a number'} from 1 to {n_options}."
    bad = [n for n in numbers if not 1 <= n <= n_options]
    if bad:
        return f"There is no option {bad[0]}: type a number from 1 to {n_options}."
    if not multi and len(set(numbers)) != 1:
        return "Only one answer is right here: type one number."
    return frozenset(n - 1 for n in numbers)


class PlainStudy:
    """One plain-mode run: the disclaimer, the item loop, the summary."""

    def __init__(
        self,
        store: ReviewStore,
        banks: Sequence[Bank],
        now: Callable[[], datetime],
        options: SessionOptions,
        *,
        stdin: TextIO,
        stdout: TextIO,
        colour: bool = False,
        decks_dir: Path | None = None,
    ) -> None:
        self.store = store
        self.banks = banks
        self.now = now
        self.options = options
        self.inp = stdin
        self.out = stdout
        self.colour = colour
        self.decks_dir = decks_dir
        self.session: StudySession | None = None
        #: question types whose "how to answer" line was said in this session
        self._explained: set[QuestionType] = set()

    # -- output --------------------------------------------------------------------------

    def say(self, text: str = "") -> None:
        """Print a line (bank text made safe for the terminal)."""
        self.out.write(safe_text(text) + "\n")
        self.out.flush()

    def _style(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.colour else text

    def _emit(self, styled: str) -> None:
        # Already sanitized text with our own escape codes.
        self.out.write(styled + "\n")
        self.out.flush()

    def ask(self, prompt: str) -> str:
        """Read one line (without the newline); raises _EndOfInput at end of input. A line
        that is not UTF-8 is asked again."""
        while True:
            self.out.write(prompt)
            self.out.flush()
            try:
                line = self.inp.readline()
            except UnicodeDecodeError:
                line = "\udcff"  # a stream that cannot be told to keep the bytes
            if line == "":
                self.out.write("\n")
                self.out.flush()
                raise _EndOfInput
            if has_surrogates(line):
                self.say(NOT_UTF8_MESSAGE)
                continue
            return line.rstrip("\r\n")

    # -- the run -------------------------------------------------------------------------

    def run(self) -> int:
        """Run the dialogue; returns the exit status (0 at the end, on q or end of input;
        130 on Ctrl+C)."""
        try:
            return self._run()
        except KeyboardInterrupt:
            self._emit("\n" + self._interrupted_goodbye())
            return 130

    def _interrupted_goodbye(self) -> str:
        """The one line printed on Ctrl+C (every answer is written when it is given)."""
        session = self.session
        if session is None:
            return "Stopped."
        if self.options.practice:
            return "Stopped. Practice mode: nothing was saved."
        return f"Stopped. Your answers are saved ({session.answered} this time)."

    def _run(self) -> int:
        for notice in self.store.notices:
            self.say(f"Note: {notice}")
        try:
            if not self._disclaimer():
                return 0
        except (_EndOfInput, _Quit):
            return 0
        try:
            session = self.session = StudySession(self.banks, self.store, self.now, self.options)
        except StoreFault as e:
            self.say(e.start_message)
            return 1
        for report in session.sync_reports:
            edited = edited_notice(report)
            if edited:
                self.say(edited)
        if self.options.practice:
            self.say(PRACTICE_START)
        if session.size:
            self.say(session_start(session.size, self.options.time_limit, self.options.practice))
        self.say("Type ? for help, r to repeat the question, u to undo, q to quit.")
        unsaved = False
        try:
            self._loop(session)
        except _Unsaved:
            unsaved = True
        except (_EndOfInput, _Quit):
            pass
        self._summary(session.summary())
        if unsaved:
            self.say("Your last answer was not saved.")
            return 1
        return 0

    def _disclaimer(self) -> bool:
        try:
            text = disclaimer_text(self.decks_dir)
        except OSError:
            return True  # nothing shipped to show
        digest = disclaimer_digest(text)
        if self.store.get_meta(DISCLAIMER_META_KEY) == digest:
            return True
        self.say(text)
        self.say()
        while True:
            reply = self.ask("Press Enter to continue (q to quit): ").strip().lower()
            if reply == "q":
                return False
            if reply == "":
                try:
                    self.store.set_meta(DISCLAIMER_META_KEY, digest)
                except StoreFault:
                    pass  # not remembered: the text is shown again next time
                self.say()
                return True
            self.say("Press Enter to continue, or type q to quit.")

    def _loop(self, session: StudySession) -> None:
        while (item := session.next_item()) is not None:
            self._show(item)
            try:
                parsed = self._read_answer(item)
            except _Undo:
                self._undo(session)
                continue
            except _Repeat:
                continue
            result = self._submit(session, parsed)
            if result is not None:
                self._feedback(result)

    def _submit(self, session: StudySession, parsed: _Parsed) -> Result | None:
        """Submit an answer; when the store cannot save it, say why and offer to try again
        (None: the answer is to be typed again). Raises _Unsaved when the learner quits."""
        while True:
            try:
                return session.submit(parsed.answer, unsure=parsed.unsure)
            except NotTextError as e:
                self.say(e.learner_message)
                return None
            except StoreFault as e:
                self.say(e.learner_message)
                self.say(e.hint)
                if not e.can_retry:
                    raise _Unsaved from e
                try:
                    reply = self.ask("Press Enter to try again, or q to quit: ")
                except _EndOfInput:
                    raise _Unsaved from e
                if reply.strip().lower() == "q":
                    raise _Unsaved from e

    def _undo(self, session: StudySession) -> None:
        if not session.can_undo:
            self.say(NOTHING_TO_UNDO)
            return
        try:
            item = session.undo()
        except UndoConflictError as e:
            self.say(f"Cannot undo: {e}.")
            return
        except StoreFault as e:
            self.say(e.undo_message)
            return
        if item is not None:
            self.say("Undone. Here is that question again.")

    # -- one item ------------------------------------------------------------------------

    def _show(self, item: StudyItem) -> None:
        tags = [item.bank.title, *(t for t in item_tags(item) if t != "practice")]
        self.say()
        self._emit(self._style(f"{progress(item)}: ", "1") + safe_text(" · ".join(tags)))
        self.say(item.prompt)
        self.say(INSTRUCTION[item.type.value])
        for n, text in enumerate(item.options, start=1):
            self.say(f"  {n}. {text}")

    def _hint(self, item: StudyItem) -> str:
        t = item.type
        if t is QuestionType.SINGLE:
            return f"Type the number of your answer (1 to {len(item.options)})"
        if t is QuestionType.MULTI:
            return "Choose all that apply: type the numbers, for example 1 3"
        if t is QuestionType.TRUE_FALSE:
            return "Type t for true or f for false"
        if t is QuestionType.TYPED:
            return "Type your answer"
        return ""

    def _command(self, text: str) -> str | None:
        """Handle ? u q; returns None when the line was a command."""
        word = text.strip().lower()
        if word == "?":
            self.say(HELP)
            return None
        if word == "u":
            raise _Undo
        if word == "r":
            raise _Repeat
        if word == "q":
            raise _Quit
        return text

    def _read_answer(self, item: StudyItem) -> _Parsed:
        if item.type is QuestionType.FLASHCARD:
            return self._read_flashcard(item)
        if item.type is QuestionType.CLOZE:
            return self._read_cloze(item)
        hint = self._hint(item)
        if item.type not in self._explained:
            self._explained.add(item.type)
            self.say(hint + ".")
        while True:
            raw = self._command(self.ask("> "))
            if raw is None:
                continue
            text, unsure = _split_unsure(raw)
            parsed = self._parse(item, text)
            if isinstance(parsed, str):
                self.say(f"{parsed} {hint}; ? for help.")
                continue
            return _Parsed(parsed, unsure)

    def _parse(self, item: StudyItem, text: str) -> Answer | str:
        t = item.type
        if t in (QuestionType.SINGLE, QuestionType.MULTI):
            chosen = parse_choices(text, len(item.options), t is QuestionType.MULTI)
            return chosen if isinstance(chosen, str) else ChoiceAnswer(item.option_ids(chosen))
        if t is QuestionType.TRUE_FALSE:
            word = text.strip().lower()
            if word in ("t", "true", "y", "yes"):
                return TrueFalseAnswer(True)
            if word in ("f", "false", "n", "no"):
                return TrueFalseAnswer(False)
            return "Type t or f."
        if not text.strip():
            return "The answer is empty."
        return TextAnswer(text)

    def _read_cloze(self, item: StudyItem) -> _Parsed:
        n = item.blank_count
        if item.type not in self._explained:
            self._explained.add(item.type)
            self.say("Type the missing word or words for each blank.")
        texts: list[str] = []
        unsure_any = False
        while len(texts) < n:
            label = f"Blank {len(texts) + 1}" + (f" of {n}" if n > 1 else "")
            raw = self._command(self.ask(f"{label}> "))
            if raw is None:
                continue
            text, unsure = _split_unsure(raw)
            if not text.strip():
                self.say("That blank is empty: type the missing word or words.")
                continue
            texts.append(text)
            unsure_any = unsure_any or unsure
        return _Parsed(ClozeAnswer(tuple(texts)), unsure_any)

    def _read_flashcard(self, item: StudyItem) -> _Parsed:
        while True:
            raw = self._command(self.ask("Press Enter to show the answer> "))
            if raw is not None:
                break
        self.say(f"Answer: {item.flashcard_back or ''}")
        choices = []
        for p in item.previews:
            choices.append(f"{int(p.rating)} {p.rating.label} ({format_interval(p.interval)})")
        if not choices:
            choices = [f"{int(r)} {r.label}" for r in SelfRating]
        self.say("How well did you remember it? " + "   ".join(choices))
        while True:
            raw = self._command(self.ask("> "))
            if raw is None:
                continue
            word = raw.strip().lower()
            by_name = {r.label.lower(): r for r in SelfRating}
            if word in by_name:
                return _Parsed(FlashcardGrade(by_name[word]), False)
            if word.isdigit() and 1 <= int(word) <= 4:
                return _Parsed(FlashcardGrade(SelfRating(int(word))), False)
            self.say("Type 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy); ? for help.")

    # -- feedback ------------------------------------------------------------------------

    def _feedback(self, r: Result) -> None:
        for line in feedback_lines(r, with_question=False):
            if line.kind == "verdict":
                code = {Tone.RIGHT: "32", Tone.WRONG: "31"}.get(line.tone, "1")
                self._emit(self._style(safe_text(line.text), code))
            elif line.kind == "action":
                self._emit(
                    self._style("IMPORTANT, what to do:", "1;33") + " " + safe_text(line.text)
                )
            else:
                self.say(line.plain)

    def _summary(self, s: Summary) -> None:
        words = summary_words(s, self.now())
        self.say()
        self._emit(self._style("Session summary", "1"))
        self.say(words.headline)
        if words.encouragement:
            self.say(words.encouragement)
        if words.topics:
            self.say("By topic: " + ", ".join(f"{t} {score}" for t, score in words.topics) + ".")
        if words.red_flags:
            self.say(words.red_flags_title + ":")
            for prompt, action in words.red_flags:
                self.say(f"  - {prompt}" + (f" What to do: {action}" if action else ""))
        self.say(words.closing)


def _split_unsure(raw: str) -> tuple[str, bool]:
    text = raw.rstrip()
    if text.endswith("?") and text.strip() != "?":
        return text[:-1], True
    return raw, False


def run_plain(
    store: ReviewStore,
    banks: Sequence[Bank],
    now: Callable[[], datetime],
    options: SessionOptions,
    *,
    stdin: TextIO,
    stdout: TextIO,
    colour: bool | None = None,
    decks_dir: Path | None = None,
) -> int:
    """Run `quiz study --plain` over these banks; returns the exit status."""
    reconfigure = getattr(stdin, "reconfigure", None)
    if reconfigure is not None:
        try:
            # Bytes that are not UTF-8 become surrogates (asked again), not an exception
            # that would lose the rest of the buffer.
            reconfigure(errors="surrogateescape")
        except (ValueError, OSError):
            pass
    return PlainStudy(
        store,
        banks,
        now,
        options,
        stdin=stdin,
        stdout=stdout,
        colour=use_colour(stdout) if colour is None else colour,
        decks_dir=decks_dir,
    ).run()
