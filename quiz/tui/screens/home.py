"""The home screen: each bank with its counts, and the ways to start.

A list shows "All banks" and then every bank with its title and counts (due now, new,
mastered, items). Enter studies the highlighted row, `a` studies all banks, `p` switches
practice mode (nothing saved, schedule untouched), `s` opens the statistics. The counts come
from `bank_overview` and are refreshed whenever the screen comes back.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from quiz.engine.overview import BankOverview, bank_overview
from quiz.tui.context import AppContext
from quiz.tui.widgets.banklist import BankList, BankRow
from quiz.tui.widgets.keybar import KeyBar
from quiz.tui.widgets.text import literal
from quiz.tui.widgets.topbar import TopBar
from quiz.wording import COUNTS_LEGEND, home_mode

ALL_BANKS = "__all__"
APP_TITLE = "Muscle twitching: learn the facts"


class HomeScreen(Screen[None]):
    """Bank list with counts; start a session, practice mode, statistics."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "study_all", "All banks", tooltip="study all banks"),
        Binding(
            "p",
            "toggle_practice",
            "Practice",
            tooltip="practice mode on or off: go over items without changing your schedule",
        ),
        Binding("s", "stats", "Stats", tooltip="your progress: statistics"),
    ]

    class StudyRequested(Message):
        """Start a session over these banks (all, in the order of the run)."""

        def __init__(self, bank_ids: tuple[str, ...], practice: bool) -> None:
            super().__init__()
            self.bank_ids = bank_ids
            self.practice = practice

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.practice = context.options.practice
        self.overviews: list[BankOverview] = []
        self._shown_once = False

    def compose(self) -> ComposeResult:
        # The counts are read before the widgets are built, so that the first layout and
        # paint already show them (nothing is redrawn once the screen is up).
        rows = self._read_counts()
        mode, tag = self._mode()
        yield TopBar(APP_TITLE, tag, id="topbar")
        yield Static(
            "Choose what to study and press Enter. Short, regular sessions work best.",
            id="home-intro",
        )
        yield BankList(rows, id="home-banks")
        yield Static(mode, id="home-mode")
        yield Static(COUNTS_LEGEND, id="home-legend")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#home-banks", BankList).focus()

    def on_screen_resume(self) -> None:
        if self._shown_once:
            self.refresh_counts()  # back from a session or the stats: counts have changed
        self._shown_once = True

    def _read_counts(self) -> list[BankRow]:
        """Sync the banks with the store and read their counts: the list's rows."""
        ctx = self.context
        self.overviews = bank_overview(ctx.store, ctx.catalog, ctx.now(), ctx.options)
        rows = []
        if len(self.overviews) > 1:
            rows.append(
                BankRow(
                    ALL_BANKS,
                    "All banks",
                    sum(o.counts.due_now for o in self.overviews),
                    sum(o.counts.new for o in self.overviews),
                    sum(o.counts.mastered for o in self.overviews),
                    sum(o.counts.total for o in self.overviews),
                )
            )
        for o in self.overviews:
            c = o.counts
            rows.append(BankRow(o.bank.id, o.bank.title, c.due_now, c.new, c.mastered, c.total))
        return rows

    def refresh_counts(self) -> None:
        """Re-read the counts from the store and redraw the list and the mode line."""
        self.query_one("#home-banks", BankList).set_rows(self._read_counts())
        self._show_mode()

    def _mode(self) -> tuple[Content, str]:
        """The mode line (literal text) and the top bar's tag for the current mode."""
        new_today = sum(o.new_today for o in self.overviews)
        mode = home_mode(self.practice, new_today)
        if self.practice:
            mode += " (p: back to study mode)"
            tag = "practice"
        else:
            mode += " (p: practice mode)"
            tag = ""
        return literal(mode), tag

    def _show_mode(self) -> None:
        mode, tag = self._mode()
        self.query_one("#home-mode", Static).update(mode)
        self.query_one("#topbar", TopBar).set_tag(tag)

    def selected_bank_ids(self) -> tuple[str, ...]:
        """The banks of the highlighted row (every bank for "All banks")."""
        row = self.query_one("#home-banks", BankList).current
        if row is None:
            return ()
        if row.key == ALL_BANKS:
            return tuple(o.bank.id for o in self.overviews)
        return (row.key,)

    def on_bank_list_chosen(self, message: BankList.Chosen) -> None:
        message.stop()
        self.action_start()

    def action_start(self) -> None:
        """Study the highlighted row."""
        ids = self.selected_bank_ids()
        if ids:
            self.post_message(self.StudyRequested(ids, self.practice))

    def action_study_all(self) -> None:
        """Study every bank."""
        ids = tuple(o.bank.id for o in self.overviews)
        if ids:
            self.post_message(self.StudyRequested(ids, self.practice))

    def action_toggle_practice(self) -> None:
        """Practice mode on or off."""
        self.practice = not self.practice
        self._show_mode()

    def action_stats(self) -> None:
        """Open the statistics."""
        from quiz.tui.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen(self.context))
