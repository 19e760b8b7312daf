"""What each page shows, built from the engine's objects and `quiz.wording`.

These functions turn a `StudyItem`, a `Result`, a `Summary` or `Stats` into plain values
for the templates; they compose no sentence of their own that the other front ends have
(those come from `quiz.wording`). Text from banks and stores stays text: the templates
escape it (Jinja2 autoescape), nothing here builds HTML.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from quiz.bank.model import Bank, QuestionType
from quiz.engine.grading import SelfRating
from quiz.engine.overview import BankOverview
from quiz.engine.schedule import format_interval
from quiz.engine.session import Result, StudyItem, Summary
from quiz.engine.stats import Stats
from quiz.safe_text import link_url
from quiz.wording import (
    COUNTS_LEGEND,
    GRADE_MEANING,
    INSTRUCTION,
    LEECH_NONE,
    Line,
    Tone,
    blank_label,
    cloze_prompt,
    day_words,
    feedback_lines,
    forecast_words,
    history_words,
    home_mode,
    item_tags,
    leech_words,
    progress,
    stats_overview,
    summary_words,
    topic_label,
)

APP_TITLE = "Muscle twitching: learn the facts"
ALL_BANKS = "all"


def disclaimer_paragraphs(text: str) -> list[str]:
    """The disclaimer's sentences, one a paragraph: a line that does not end a sentence is
    joined to the next (the file is wrapped for a terminal)."""
    out: list[str] = []
    joining = False
    for line in text.splitlines():
        line = line.strip()
        if not line:
            joining = False
            continue
        if joining and out:
            out[-1] += " " + line
        else:
            out.append(line)
        joining = not line.endswith((".", "!", "?", ":"))
    return out


def item_token(answered: int, item: StudyItem) -> str:
    """Names the item a question page shows, so that a form from an old page (the back
    button, a second tab) is never taken as an answer to another item."""
    raw = f"{answered}\x00{item.bank.id}\x00{item.question.id}\x00{item.position}"
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class BankChoice:
    """One bank (or "all banks") on the home page's start form."""

    value: str
    title: str
    due_now: int
    new: int
    mastered: int
    total: int

    @property
    def counts(self) -> str:
        """The counts in words."""
        return (
            f"{self.due_now} due now, {self.new} new, {self.mastered} mastered, "
            f"{self.total} questions"
        )


def home_view(overviews: list[BankOverview], practice: bool) -> dict[str, Any]:
    """The home page: each bank with its counts (and "all banks" when there are several)."""
    rows = [
        BankChoice(
            o.bank.id,
            o.bank.title,
            o.counts.due_now,
            o.counts.new,
            o.counts.mastered,
            o.counts.total,
        )
        for o in overviews
    ]
    if len(rows) > 1:
        rows.insert(
            0,
            BankChoice(
                ALL_BANKS,
                "All banks",
                sum(r.due_now for r in rows),
                sum(r.new for r in rows),
                sum(r.mastered for r in rows),
                sum(r.total for r in rows),
            ),
        )
    new_today = sum(o.new_today for o in overviews)
    return {
        "banks": rows,
        "study_mode": home_mode(False, new_today),
        "practice_mode": home_mode(True, new_today),
        "legend": COUNTS_LEGEND,
        "practice": practice,
    }


@dataclass(frozen=True, slots=True)
class GradeChoice:
    """A flashcard's self-grade button."""

    value: int
    label: str
    meaning: str
    interval: str | None


def question_view(item: StudyItem, answered: int) -> dict[str, Any]:
    """The question page of one item."""
    t = item.type
    grades = []
    if t is QuestionType.FLASHCARD:
        by_rating = {p.rating: p for p in item.previews}
        for r in SelfRating:
            p = by_rating.get(r)
            interval = format_interval(p.interval) if p is not None else None
            grades.append(GradeChoice(int(r), r.label, GRADE_MEANING[r], interval))
    return {
        "item": item,
        "token": item_token(answered, item),
        "progress": progress(item),
        "bank_title": item.bank.title,
        "tags": [tag for tag in item_tags(item) if tag != "practice"],
        "instruction": INSTRUCTION[t.value],
        "prompt": cloze_prompt(item) if t is QuestionType.CLOZE else item.prompt,
        "type": t.value,
        "options": list(enumerate(item.options, start=1)),
        "blanks": [blank_label(i, item.blank_count) for i in range(1, item.blank_count + 1)],
        "back": item.flashcard_back or "",
        "grades": grades,
        "edited": item.edited,
    }


@dataclass(frozen=True, slots=True)
class FeedbackLine:
    """One line of feedback for the page: its kind, label, text, tone and mark."""

    kind: str
    label: str
    text: str
    tone: str
    mark: str


def feedback_view(result: Result) -> dict[str, Any]:
    """The feedback page of one answer: the lines of `quiz.wording.feedback_lines`, in their
    order (verdict, then the red-flag "What to do", then the rest)."""
    lines = feedback_lines(result)
    verdict = lines[0]
    rest = [_line(x) for x in lines[1:]]
    return {
        "verdict": _line(verdict),
        "lines": rest,
        "source_url": link_url(result.source_url),
        "progress": progress(result.item),
        "bank_title": result.item.bank.title,
    }


def _line(line: Line) -> FeedbackLine:
    tone = line.tone.value if line.tone is not Tone.PLAIN else ""
    return FeedbackLine(line.kind, line.label, line.text, tone, line.mark)


def verdict_title(result: Result) -> str:
    """The page title after an answer: the verdict first, so it is what is announced."""
    return feedback_lines(result)[0].text


def summary_view(summary: Summary, now: datetime) -> dict[str, Any]:
    """The end-of-session summary page."""
    return {"words": summary_words(summary, now), "practice": summary.practice}


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of a chart: its position and height in the SVG, and the words behind it."""

    x: float
    y: float
    width: float
    height: float
    day: str
    value: int


@dataclass(frozen=True, slots=True)
class Chart:
    """A 30-day bar chart with the data table behind it."""

    id: str
    title: str
    words: str
    bars: tuple[Bar, ...]
    peak: int
    first: str
    middle: str
    last: str


CHART_W = 300.0
CHART_H = 100.0


def chart(id: str, title: str, words: str, values: tuple[int, ...], offsets: list[int]) -> Chart:
    """Bars for `values`, each at day `offsets[i]` relative to today."""
    peak = max(values, default=0)
    n = max(len(values), 1)
    slot = CHART_W / n
    bars = []
    for i, (v, off) in enumerate(zip(values, offsets, strict=True)):
        h = (CHART_H - 2) * v / peak if peak else 0.0
        if v and h < 2:
            h = 2.0
        bars.append(Bar(i * slot + 1, CHART_H - h, slot - 2, h, day_words(off), v))
    return Chart(
        id=id,
        title=title,
        words=words,
        bars=tuple(bars),
        peak=peak,
        first=day_words(offsets[0]) if offsets else "",
        middle=day_words(offsets[len(offsets) // 2]) if offsets else "",
        last=day_words(offsets[-1]) if offsets else "",
    )


@dataclass(frozen=True, slots=True)
class BankProgress:
    """A row of the progress table."""

    title: str
    learned_percent: int
    new: int
    learning: int
    review: int
    mastered: int
    total: int


@dataclass(frozen=True, slots=True)
class LeechView:
    """A leech: its prompt and how often it was forgotten."""

    prompt: str
    words: str


def stats_view(stats: Stats, banks: list[Bank]) -> dict[str, Any]:
    """The statistics page: the headline numbers, two charts with their tables, progress
    per bank, and the leeches."""
    today = stats.reviews_per_day[-1] if stats.reviews_per_day else 0
    overview = stats_overview(
        stats.due_now,
        stats.reviews_total,
        today,
        stats.retention,
        stats.retention_reviews,
        stats.estimated_knowledge,
    )
    n_hist = len(stats.reviews_per_day)
    forecast = chart(
        "forecast",
        "Due in the next 30 days",
        forecast_words(stats.forecast),
        stats.forecast,
        list(range(len(stats.forecast))),
    )
    history = chart(
        "history",
        "Answers in the last 30 days",
        history_words(stats.reviews_per_day),
        stats.reviews_per_day,
        list(range(-(n_hist - 1), 1)),
    )
    progress_rows = [
        BankProgress(
            b.title,
            round(100 * (b.review + b.mastered) / b.total) if b.total else 0,
            b.new,
            b.learning,
            b.review,
            b.mastered,
            b.total,
        )
        for b in stats.banks
    ]
    by_id = {b.id: b for b in banks}
    leeches = []
    for x in stats.leeches:
        bank = by_id.get(x.bank_id)
        prompt = x.question_id
        if bank is not None:
            try:
                q = bank.question(x.question_id)
            except KeyError:
                pass
            else:
                prompt = q.cloze_masked() if q.type is QuestionType.CLOZE else q.prompt
        title = bank.title if bank is not None else x.bank_id
        leeches.append(LeechView(prompt, leech_words(title, x.lapses, x.reps)))
    return {
        "overview": overview,
        "charts": [forecast, history],
        "banks": progress_rows,
        "leeches": leeches,
        "leech_none": LEECH_NONE,
    }


__all__ = [
    "ALL_BANKS",
    "APP_TITLE",
    "disclaimer_paragraphs",
    "feedback_view",
    "home_view",
    "item_token",
    "progress",
    "question_view",
    "stats_view",
    "summary_view",
    "topic_label",
    "verdict_title",
]
