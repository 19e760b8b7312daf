"""The home screen: each bank with its counts, and the ways to start.

A table lists "All banks" and then every bank with its title and counts (due now, new,
mastered, items). Enter studies the highlighted row, `a` studies all banks, `p` switches
practice mode (nothing saved, schedule untouched), `s` opens the statistics. The counts come
from `bank_overview` and are refreshed whenever the screen comes back.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from quiz.engine.session import BankOverview, bank_overview
from quiz.tui.context import AppContext
from quiz.tui.widgets.text import literal
from quiz.tui.widgets.topbar import TopBar

ALL_BANKS = "__all__"
APP_TITLE = "Muscle twitching: learn the facts"
#: the title column's width: with the four count columns the table fits 80 columns
TITLE_WIDTH = 40


class BankTable(DataTable[Text]):
    """The bank table; Enter (shown in the footer) starts the highlighted row."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Start"),
    ]


class HomeScreen(Screen[None]):
    """Bank list with counts; start a session, practice mode, statistics."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "study_all", "All banks"),
        Binding("p", "toggle_practice", "Practice"),
        Binding("s", "stats", "Stats"),
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

    def compose(self) -> ComposeResult:
        yield TopBar(APP_TITLE, "", id="topbar")
        with Vertical(id="home-body"):
            yield Static(
                "Choose what to study and press Enter. Short, regular sessions work best.",
                id="home-intro",
            )
            yield BankTable(id="home-table", cursor_type="row", zebra_stripes=False)
            yield Static(id="home-mode")
            yield Static(id="home-legend")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#home-table", DataTable)
        table.add_column("Bank", width=TITLE_WIDTH, key="title")
        for label, key in (("Due now", "due"), ("New", "new"), ("Mastered", "mastered")):
            table.add_column(label, width=max(len(label), 5), key=key)
        table.add_column("Items", width=5, key="items")
        self.refresh_counts()
        table.focus()

    def on_screen_resume(self) -> None:
        self.refresh_counts()

    def refresh_counts(self) -> None:
        """Re-read the counts from the store and redraw the table and the mode line."""
        ctx = self.context
        self.overviews = bank_overview(ctx.store, ctx.banks, ctx.now(), ctx.options)
        table = self.query_one("#home-table", DataTable)
        keep = table.cursor_row
        table.clear()

        def row(title: str, due: int, new: int, mastered: int, total: int) -> list[Text]:
            return [
                Text(title, overflow="ellipsis", no_wrap=True),
                Text(str(due)),
                Text(str(new)),
                Text(str(mastered)),
                Text(str(total)),
            ]

        if len(self.overviews) > 1:
            table.add_row(
                *row(
                    "All banks",
                    sum(o.counts.due_now for o in self.overviews),
                    sum(o.counts.new for o in self.overviews),
                    sum(o.counts.mastered for o in self.overviews),
                    sum(o.counts.total for o in self.overviews),
                ),
                key=ALL_BANKS,
            )
        for o in self.overviews:
            c = o.counts
            table.add_row(*row(o.bank.title, c.due_now, c.new, c.mastered, c.total), key=o.bank.id)
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        self._show_mode()

    def _show_mode(self) -> None:
        new_today = max((o.new_today for o in self.overviews), default=0)
        if self.practice:
            mode = "Practice mode: ON. Go over every item; nothing is saved, your schedule stays."
            tag = "practice"
        else:
            mode = (
                "Practice mode: off. Answers set when each item comes back "
                f"(new items left today: {new_today})."
            )
            tag = ""
        self.query_one("#home-mode", Static).update(literal(mode))
        self.query_one("#topbar", TopBar).set_tag(tag)
        self.query_one("#home-legend", Static).update(
            literal(
                "Due now: ready for review.  New: not seen yet.  "
                "Mastered: remembered for 3 weeks or more."
            )
        )

    def selected_bank_ids(self) -> tuple[str, ...]:
        """The banks of the highlighted row (every bank for "All banks")."""
        table = self.query_one("#home-table", DataTable)
        if not table.row_count:
            return ()
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key == ALL_BANKS or key is None:
            return tuple(o.bank.id for o in self.overviews)
        return (key,)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
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
