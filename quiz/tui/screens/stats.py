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
from quiz.wording import (
    LEECH_NONE,
    forecast_words,
    history_words,
    leech_words,
    stats_overview,
)

BAR_WIDTH = 10
BANK_TITLE_WIDTH = 32


def overview_text(stats: Stats) -> str:
    """The headline numbers in words (`quiz.wording`, shared with the web)."""
    today = stats.reviews_per_day[-1] if stats.reviews_per_day else 0
    return "\n".join(
        stats_overview(
            stats.due_now,
            stats.reviews_total,
            today,
            stats.retention,
            stats.retention_reviews,
            stats.estimated_knowledge,
        )
    )


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
            return literal(LEECH_NONE)
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
            parts.append((f"  {leech_words(title, x.lapses, x.reps)}\n", "dim"))
        return assemble(*parts).rstrip()

    def on_mount(self) -> None:
        self.query_one("#stats-body", VerticalScroll).focus()

    def action_close(self) -> None:
        """Back to the home screen."""
        self.dismiss(None)

    def action_page(self, direction: int) -> None:
        """Scroll by a page."""
        scroll_page(self.query_one("#stats-body", VerticalScroll), direction)
