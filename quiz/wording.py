"""The words a learner reads, written once for every front end.

The terminal app, plain mode (and the web front end to come) only style and lay out what
this module composes: the verdict and everything that explains an answer, in the order a
learner needs it (verdict, then the red-flag "what to do", then the rest); when the item
comes back; the session's progress title; the end-of-session summary; and the notices of
the study loop. It imports neither Textual nor any front end, and returns plain text: the
front ends make bank text safe for their medium (the terminal, HTML).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING

from quiz.engine.schedule import format_interval

if TYPE_CHECKING:
    # The home and stats screens use this module on the app's usual start, which loads
    # neither the bank model nor the session: the names below are imported where they are
    # needed at run time.
    from quiz.bank.model import ClozeSpan
    from quiz.engine.session import Result, StudyItem, Summary
    from quiz.engine.store import SyncReport

RIGHT_MARK = "✓"
WRONG_MARK = "✗"

#: what each self-grade means, in the learner's words
GRADE_MEANING = {
    1: "I did not remember",  # keyed by FSRS rating (a SelfRating is an int)
    2: "I remembered, with effort",
    3: "I remembered",
    4: "I knew it at once",
}

#: the one-line instruction of each question type
INSTRUCTION = {
    "single": "Choose one answer.",  # keyed by QuestionType value: INSTRUCTION[t.value]
    "multi": "Choose all that apply.",
    "true_false": "True or false?",
    "cloze": "Fill in the blank.",
    "typed": "Type your answer.",
    "flashcard": "Flashcard: think of the answer first.",
}

#: labels of an option's `why`: the front end says whether the explanation is of a right
#: or a wrong option, so a bank's `why` never has to start with a verdict
WHY_RIGHT = "Why this is right: "
WHY_NOT = "Why not: "
#: a near miss counted right: the spelling to learn
SPELLING = "Right, but check the spelling: "

NOTHING_TO_UNDO = "Nothing to undo yet."
UNDONE = "Answer taken back. Here is the question again."
PRACTICE_START = "Practice mode: your answers are not saved and your schedule stays as it is."
PRACTICE_END = "Practice mode: nothing was saved."
LEECH = (
    "This one has been hard to remember a few times. That is common; it is flagged so the "
    "wording can be checked."
)


class Tone(str, Enum):
    """How a line is meant: front ends style it (never by colour alone: the words say it)."""

    PLAIN = "plain"
    RIGHT = "right"
    WRONG = "wrong"
    GRADED = "graded"
    #: the red-flag action: shown first, clearly marked
    ACTION = "action"


@dataclass(frozen=True, slots=True)
class Line:
    """One line of feedback: a kind (for styling), an optional bold label, the text."""

    kind: str
    text: str
    label: str = ""
    tone: Tone = Tone.PLAIN
    #: a mark a visual front end may put before the text (✓ or ✗); the words say it too
    mark: str = ""

    @property
    def plain(self) -> str:
        """The line as plain text, label first (no mark)."""
        return f"{self.label}{self.text}"


def plural(n: int, word: str) -> str:
    """ "1 answer", "3 answers"."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def when(due: datetime | None, now: datetime) -> str:
    """A due time relative to now, in words: "now", "in 10 min", "in 3 days"."""
    if due is None:
        return "not scheduled"
    wait = due - now
    if wait <= timedelta(0):
        return "now"
    return f"in {format_interval(wait)}"


def duration_words(d: timedelta) -> str:
    """A session's length in words: "under a minute", "about 12 min", "about 1 h 5 min"."""
    minutes = round(d.total_seconds() / 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"about {minutes} min"
    return f"about {minutes // 60} h {minutes % 60} min"


# -- the question ---------------------------------------------------------------------------


def progress(item: StudyItem) -> str:
    """ "Question 3 of 20", or "Question 3 of 20, again" for an item asked again."""
    text = f"Question {item.position} of {item.total}"
    return text + ", again" if item.again else text


def progress_title(item: StudyItem) -> str:
    """ "Question 3 of 20 · <bank title>"."""
    return f"{progress(item)} · {item.bank.title}"


def cloze_prompt(item: StudyItem) -> str:
    """The cloze sentence with its blanks hidden; numbered "[1: …]" when there are several,
    so that each answer field can say which blank it fills."""
    from quiz.bank.model import cloze_replace

    if item.blank_count <= 1:
        return item.prompt
    counter = iter(range(1, item.blank_count + 1))

    def mask(span: ClozeSpan) -> str:
        n = next(counter)
        return f"[{n}: {span.hint}]" if span.hint else f"[{n}: …]"

    return cloze_replace(item.question.prompt, mask)


def blank_label(n: int, count: int) -> str:
    """The label of the n-th (1-based) answer field of a cloze item."""
    return f"Blank {n} of {count}" if count > 1 else "The missing word(s)"


def item_tags(item: StudyItem) -> list[str]:
    """Short tags for an item: new, updated, practice."""
    tags = []
    if item.is_new:
        tags.append("new")
    if item.edited:
        tags.append("updated since you last saw it")
    if item.practice:
        tags.append("practice")
    return tags


# -- feedback -------------------------------------------------------------------------------


def verdict(result: Result) -> Line:
    """The verdict in words (with a mark for visual front ends)."""
    if result.item.type.value == "flashcard":
        text = f"You graded this one {result.rating.label}: {GRADE_MEANING[result.rating]}."
        return Line("verdict", text, tone=Tone.GRADED)
    if result.correct:
        text = "Right, even though you were not sure." if result.unsure else "Right."
        return Line("verdict", text, tone=Tone.RIGHT, mark=RIGHT_MARK)
    return Line("verdict", "Not quite. Here is the answer.", tone=Tone.WRONG, mark=WRONG_MARK)


def comes_back(result: Result) -> str:
    """When the item is asked again, in words that match what will happen."""
    if result.item.practice or result.interval is None:
        return "Practice mode: your schedule did not change."
    if result.again_this_session:
        return "You will see this one again later in this session."
    return f"This question comes back in {format_interval(result.interval)}."


def _verdict_word(correct: bool) -> tuple[str, str, Tone]:
    """(word, mark, tone) of one option or blank."""
    if correct:
        return "right", RIGHT_MARK, Tone.RIGHT
    return "not right", WRONG_MARK, Tone.WRONG


def answer_lines(result: Result) -> list[Line]:
    """What the learner gave and the right answer, with each option's why, labelled."""
    from quiz.bank.model import QuestionType
    from quiz.engine.grading import ChoiceAnswer, TextAnswer, TrueFalseAnswer

    r = result
    t = r.item.type
    lines: list[Line] = []
    if t in (QuestionType.SINGLE, QuestionType.MULTI):
        assert isinstance(r.answer, ChoiceAnswer)
        for o in r.chosen:
            n = r.item.shown_number(o.index)
            word, mark, tone = _verdict_word(o.correct)
            lines.append(Line("chosen", f"{n}. {o.text} ({word})", "You chose: ", tone, mark))
            if o.why:
                lines.append(Line("why", o.why, WHY_RIGHT if o.correct else WHY_NOT))
        picked_a_right_one = any(o.correct for o in r.chosen)
        for o in r.missed:
            label = "Also right (not picked): " if picked_a_right_one else "The right answer: "
            n = r.item.shown_number(o.index)
            lines.append(Line("missed", f"{n}. {o.text}", label))
            if o.why:
                lines.append(Line("why", o.why, WHY_RIGHT))
    elif t is QuestionType.TRUE_FALSE:
        assert isinstance(r.answer, TrueFalseAnswer)
        lines.append(Line("given", "True" if r.answer.value else "False", "You said: "))
        lines.append(Line("answer", r.correct_answer, "The statement is: "))
    elif t is QuestionType.TYPED:
        assert isinstance(r.answer, TextAnswer)
        lines.append(Line("given", r.answer.text.strip() or "(nothing)", "You typed: "))
        label = "The answer: " if r.correct else "The right answer: "
        lines.append(Line("answer", r.correct_answer, label))
        if r.spelling:
            lines.append(Line("spelling", r.spelling, SPELLING))
    elif t is QuestionType.CLOZE:
        n = len(r.deletions)
        for i, d in enumerate(r.deletions, start=1):
            name = f"Blank {i}: " if n > 1 else "The blank: "
            given = d.given.strip() or "(nothing)"
            text = f"you typed \u201c{given}\u201d, the answer is \u201c{d.expected}\u201d"
            word, mark, tone = _verdict_word(d.correct)
            lines.append(Line("blank", f"{text} ({word})", name, tone, mark))
            if d.spelling:
                lines.append(Line("spelling", d.spelling, SPELLING))
    else:
        lines.append(Line("answer", r.correct_answer, "Answer: "))
    return lines


def feedback_lines(result: Result, *, with_question: bool = True) -> list[Line]:
    """Everything a feedback screen shows, in order: the verdict; for red-flag items what
    to do; the question (unless the front end has it on screen); the answers with their
    whys; the explanation; the leech note; the source; when the item comes back."""
    r = result
    lines = [verdict(r)]
    if r.red_flag and r.action:
        lines.append(Line("action", r.action, "What to do: ", Tone.ACTION))
    if with_question:
        q = r.item.question
        text = q.cloze_revealed() if q.type.value == "cloze" else r.item.prompt
        lines.append(Line("question", text))
    lines.extend(answer_lines(r))
    lines.append(Line("explanation", r.explanation, "Explanation: "))
    if r.became_leech:
        lines.append(Line("leech", LEECH))
    lines.append(Line("source", r.source, "Source: "))
    lines.append(Line("when", comes_back(r)))
    return lines


# -- the session ----------------------------------------------------------------------------


def session_start(size: int, time_limit: timedelta | None, practice: bool) -> str:
    """The announcement at the start of a session: its size (and time limit)."""
    text = f"This session has {plural(size, 'question')}"
    if time_limit is not None:
        text += f" and stops after {format_interval(time_limit)}"
    text += "."
    if not practice:
        text += " A question you miss comes back once more before the end."
    return text


def edited_notice(report: SyncReport) -> str | None:
    """A bank's questions updated since the learner last saw them, or None."""
    if not report.edited:
        return None
    n = len(report.edited)
    what = "question was" if n == 1 else "questions were"
    return f"{n} {what} updated in {report.bank_id} since you last saw them."


def home_mode(practice: bool, new_today: int) -> str:
    """The home screen's line about the study mode and today's new questions."""
    if practice:
        return (
            "Mode: practice. Go over every question; nothing is saved and your "
            "schedule stays as it is."
        )
    new_text = (
        f"New questions today: up to {new_today}."
        if new_today
        else "Today's new questions are done."
    )
    return f"Mode: study. Your answers decide when each question comes back. {new_text}"


#: what the home screen's counts mean
COUNTS_LEGEND = (
    "Due now: ready for review.  New: not seen yet.  Mastered: remembered for 3 weeks or more."
)


def nothing_to_study(
    n_banks: int,
    practice: bool,
    next_due: datetime | None,
    now: datetime,
    *,
    how_to_practise: str = "Press p for practice mode",
) -> str:
    """Why a session could not start (`how_to_practise`: how this front end turns practice
    mode on)."""
    which = "these banks" if n_banks > 1 else "this bank"
    if practice:
        return f"There are no questions in {which}."
    text = f"Nothing is due in {which} right now, and today's new items are done."
    if next_due is not None:
        text += f" The next review is due {when(next_due, now)}."
    return text + f" {how_to_practise} to go over every item anyway."


@dataclass(frozen=True, slots=True)
class SummaryWords:
    """The end-of-session summary, as words for any front end."""

    headline: str
    encouragement: str | None
    #: (topic in words, "2 of 3 right")
    topics: tuple[tuple[str, str], ...]
    red_flags_title: str
    #: (prompt, what to do or None)
    red_flags: tuple[tuple[str, str | None], ...]
    closing: str


def topic_label(topic: str) -> str:
    """A topic tag as words: "red-flags" → "red flags"."""
    return topic.replace("-", " ").replace("_", " ")


def summary_words(s: Summary, now: datetime) -> SummaryWords:
    """The summary of a session in words."""
    if s.answered:
        headline = f"You answered {plural(s.items, 'question')}"
        if s.answered > s.items:
            headline += f" ({s.answered} answers with the ones asked again)"
        headline += f" and got {s.right} right, in {duration_words(s.duration)}."
    else:
        headline = "No answers in this session."
    encouragement = None
    if s.answered and s.right < s.answered:
        encouragement = (
            "Mistakes are part of learning."
            if s.practice
            else "Mistakes are part of learning: the ones you missed come back sooner."
        )
    topics = tuple((topic_label(t.topic), f"{t.right} of {t.total} right") for t in s.topics)
    red = tuple((m.prompt, m.action) for m in s.red_flags_missed)
    if s.practice:
        closing = PRACTICE_END
    elif s.next_due is not None:
        closing = f"Your progress is saved. The next review is due {when(s.next_due, now)}."
    else:
        closing = "Your progress is saved. Nothing is scheduled yet."
    return SummaryWords(
        headline=headline,
        encouragement=encouragement,
        topics=topics,
        red_flags_title="Worth another look: warning signs",
        red_flags=red,
        closing=closing,
    )


# -- statistics -----------------------------------------------------------------------------


def stats_overview(
    due_now: int,
    reviews_total: int,
    reviews_today: int,
    retention: float | None,
    retention_reviews: int,
    estimated_knowledge: float,
) -> list[str]:
    """The statistics' headline numbers in words, one sentence a line."""
    lines = [f"Due now: {due_now}.  Answers so far: {reviews_total} ({reviews_today} today)."]
    if retention is None:
        lines.append("Retention: not measured yet (it needs answers on items you have learned).")
    else:
        lines.append(
            f"Retention: {retention:.0%} right on items you had learned "
            f"({plural(retention_reviews, 'answer')})."
        )
    lines.append(
        f"Estimated knowledge: about {estimated_knowledge:.0f} items you would recall now."
    )
    return lines


def forecast_words(forecast: tuple[int, ...]) -> str:
    """The due forecast's key numbers, so that a chart is not the only way to read it."""
    total = sum(forecast)
    if not total:
        return "Nothing is scheduled in the next 30 days yet."
    busiest = max(range(len(forecast)), key=lambda i: forecast[i])
    return (
        f"{plural(total, 'review')} in the next 30 days; "
        f"the busiest day is {day_words(busiest)} ({forecast[busiest]})."
    )


def history_words(per_day: tuple[int, ...]) -> str:
    """The review history's key numbers in words."""
    total = sum(per_day)
    if not total:
        return "No answers in the last 30 days yet."
    days = sum(1 for n in per_day if n)
    return f"{plural(total, 'answer')} on {plural(days, 'day')} in the last 30 days."


def day_words(offset: int) -> str:
    """A day relative to today: "today", "tomorrow", "in 3 days", "yesterday", "3 days ago"."""
    if offset == 0:
        return "today"
    if offset == 1:
        return "tomorrow"
    if offset == -1:
        return "yesterday"
    return f"in {offset} days" if offset > 0 else f"{-offset} days ago"


LEECH_NONE = "None. (A leech is not your fault: it often means the wording is hard.)"


def leech_words(bank_title: str, lapses: int, reps: int) -> str:
    """One leech's line under its prompt."""
    return f"{bank_title}: forgotten {lapses} times in {reps} answers"
