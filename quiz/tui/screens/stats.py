"""The statistics screen: due forecast and reviews (30 days each) as bar charts, retention,
progress per bank, and leeches. Everything comes from `compute_stats`; Esc goes back."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from quiz.bank.findings import BankLoadError
from quiz.bank.model import QuestionType
from quiz.engine.stats import Stats, compute_stats
from quiz.engine.store import BankCounts
from quiz.tui.context import AppContext
from quiz.tui.scrolling import scroll_page
from quiz.tui.widgets.barchart import BarChart
from quiz.tui.widgets.keybar import KeyBar
from quiz.tui.widgets.text import assemble, fit, literal
from quiz.tui.widgets.topbar import TopBar

BAR_WIDTH = 10
BANK_TITLE_WIDTH = 32


def plural(n: int, word: str) -> str:
    """ "1 item", "2 items"."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def overview_text(stats: Stats) -> str:
    """The headline numbers in words."""
    today = stats.reviews_per_day[-1] if stats.reviews_per_day else 0
    lines = [
        f"Due now: {stats.due_now}.  Answers so far: {stats.reviews_total} ({today} today).",
    ]
    if stats.retention is None:
        lines.append("Retention: not measured yet (it needs answers on items you have learned).")
    else:
        lines.append(
            f"Retention: {stats.retention:.0%} right on items you had learned "
            f"({plural(stats.retention_reviews, 'answer')})."
        )
    lines.append(
        f"Estimated knowledge: about {stats.estimated_knowledge:.0f} items you would recall now."
    )
    return "\n".join(lines)


def forecast_words(forecast: tuple[int, ...]) -> str:
    """The forecast's key numbers, so the chart is not the only way to read it."""
    total = sum(forecast)
    if not total:
        return "Nothing is scheduled in the next 30 days yet."
    busiest = max(range(len(forecast)), key=lambda i: forecast[i])
    day = "today" if busiest == 0 else ("tomorrow" if busiest == 1 else f"in {busiest} days")
    return (
        f"{plural(total, 'review')} in the next 30 days; "
        f"the busiest day is {day} ({forecast[busiest]})."
    )


def history_words(per_day: tuple[int, ...]) -> str:
    """The review history's key numbers in words."""
    total = sum(per_day)
    if not total:
        return "No answers in the last 30 days yet."
    days = sum(1 for n in per_day if n)
    return f"{plural(total, 'answer')} on {plural(days, 'day')} in the last 30 days."


def bank_lines(banks: tuple[BankCounts, ...]) -> str:
    """Progress per bank: a bar of learned items (in review or mastered) and the counts."""
    head = (
        f"{'Bank':<{BANK_TITLE_WIDTH}} {'Learned':<{BAR_WIDTH}}  "
        f"{'New':>4} {'Learn':>5} {'Review':>6} {'Master':>6}"
    )
    lines = [head]
    for b in banks:
        learned = b.review + b.mastered
        filled = round(BAR_WIDTH * learned / b.total) if b.total else 0
        bar = "█" * filled + "·" * (BAR_WIDTH - filled)
        lines.append(
            f"{fit(b.title, BANK_TITLE_WIDTH)} {bar}  {b.new:>4} {b.learning:>5} "
            f"{b.review:>6} {b.mastered:>6}"
        )
    return "\n".join(lines)


class StatsScreen(Screen[None]):
    """Progress over every bank in the store."""

    CSS_PATH = "stats.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,backspace", "close", "Back", tooltip="back to the home screen"),
        Binding("pageup", "page(-1)", "Page up", show=False, tooltip="scroll a long page"),
        Binding("pagedown", "page(1)", "Page down", show=False),
    ]

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        ctx = context
        self.stats = compute_stats(
            ctx.store,
            ctx.now(),
            day_tz=ctx.options.day_tz,
            desired_retention=ctx.options.desired_retention,
        )

    def compose(self) -> ComposeResult:
        s = self.stats
        yield TopBar("Your progress", "", id="topbar")
        with VerticalScroll(id="stats-body", classes="page"):
            yield Static(literal(overview_text(s)), id="stats-overview")
            yield Static("Due in the next 30 days", classes="section-title")
            yield BarChart(
                s.forecast, labels=("today", "in 15 days", "in 29 days"), id="stats-forecast"
            )
            yield Static(literal(forecast_words(s.forecast)), classes="chart-words")
            yield Static("Answers in the last 30 days", classes="section-title")
            yield BarChart(
                s.reviews_per_day,
                labels=("29 days ago", "15 days ago", "today"),
                id="stats-history",
            )
            yield Static(literal(history_words(s.reviews_per_day)), classes="chart-words")
            yield Static("Progress per bank", classes="section-title")
            if s.banks:
                yield Static(literal(bank_lines(s.banks)), id="stats-banks")
            else:
                yield Static("No bank studied yet.", id="stats-banks")
            yield Static("Leeches: items forgotten 4 times or more", classes="section-title")
            yield Static(self._leech_content(), id="stats-leeches")
        yield KeyBar()

    def _leech_content(self) -> Content:
        if not self.stats.leeches:
            return literal("None. (A leech is not your fault: it often means the wording is hard.)")
        parts: list[str | tuple[str, str]] = []
        try:
            by_id = {b.id: b for b in self.context.catalog.banks()}
        except (BankLoadError, ValueError):
            by_id = {}  # a bank file changed meanwhile: show the leeches by id
        for x in self.stats.leeches:
            bank = by_id.get(x.bank_id)
            prompt = x.question_id
            if bank is not None:
                try:
                    question = bank.question(x.question_id)
                except KeyError:
                    pass
                else:
                    cloze = question.type is QuestionType.CLOZE
                    prompt = question.cloze_masked() if cloze else question.prompt
            title = bank.title if bank is not None else x.bank_id
            parts.append(f"• {prompt}\n")
            parts.append((f"  {title}: forgotten {x.lapses} times in {x.reps} answers\n", "dim"))
        return assemble(*parts).rstrip()

    def on_mount(self) -> None:
        self.query_one("#stats-body", VerticalScroll).focus()

    def action_close(self) -> None:
        """Back to the home screen."""
        self.dismiss(None)

    def action_page(self, direction: int) -> None:
        """Scroll by a page."""
        scroll_page(self.query_one("#stats-body", VerticalScroll), direction)
