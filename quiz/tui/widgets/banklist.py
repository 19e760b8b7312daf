"""The home screen's list of banks: a header and one row per bank (or "All banks") with its
counts, a cursor moved with ↑/↓, Enter (or a click) to choose.

One widget that renders its rows as text, instead of a `DataTable`, keeps the first screen
quick to show. The cursor row is marked with `›` as well as highlighted, so it reads
without colour. Titles come from bank files or the store: `fit` makes them safe and cuts
and pads them in terminal cells, so that the count columns line up under wide characters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, NamedTuple

from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widget import Widget

from quiz.tui.widgets.text import fit, literal, styled

#: (heading, width) of the count columns, right-aligned
COUNT_COLUMNS = (("Due now", 9), ("New", 6), ("Mastered", 10), ("Items", 7))
CURSOR_STYLE = "bold $block-cursor-foreground on $block-cursor-background"
HEADER_STYLE = "bold"


class BankRow(NamedTuple):
    """One row: what choosing it studies (`key`), its title and its counts (immutable; a
    `NamedTuple` is cheaper to define at start-up than a frozen dataclass)."""

    key: str
    title: str
    due_now: int
    new: int
    mastered: int
    total: int


class BankList(Widget, can_focus=True):
    """Rows of banks with counts; posts `Chosen` with the row's key."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose", "Start", tooltip="study the bank (or all banks) chosen"),
        Binding("up", "move(-1)", "Up", show=False, tooltip="choose a bank"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("home", "move_to(0)", "First", show=False, tooltip="the first or the last row"),
        Binding("end", "move_to(-1)", "Last", show=False),
    ]

    class Chosen(Message):
        """The learner chose a row."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, rows: Sequence[BankRow] = (), *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: tuple[BankRow, ...] = tuple(rows)
        self.cursor = 0
        # the header and one line per row (set up front: the first layout is the final one)
        self.styles.height = len(self.rows) + 1

    def set_rows(self, rows: Sequence[BankRow]) -> None:
        """Show these rows (the cursor stays where it was, within range)."""
        self.rows = tuple(rows)
        self.cursor = max(0, min(self.cursor, len(self.rows) - 1))
        self.styles.height = len(self.rows) + 1
        self.refresh()

    @property
    def current(self) -> BankRow | None:
        """The row under the cursor."""
        return self.rows[self.cursor] if self.rows else None

    def render(self) -> Content:
        counts_width = sum(w for _, w in COUNT_COLUMNS)
        title_width = max(10, self.size.width - 2 - counts_width)
        header: list[str | tuple[str, str]] = [("  " + "Bank".ljust(title_width), HEADER_STYLE)]
        header += [(name.rjust(w), HEADER_STYLE) for name, w in COUNT_COLUMNS]
        lines = [Content.assemble(*header)]
        for i, row in enumerate(self.rows):
            numbers = (row.due_now, row.new, row.mastered, row.total)
            text = fit(row.title, title_width) + "".join(
                str(n).rjust(w) for n, (_, w) in zip(numbers, COUNT_COLUMNS, strict=True)
            )
            if i == self.cursor:
                marker = "› " if self.has_focus else "  "
                lines.append(styled(marker + text, CURSOR_STYLE))
            else:
                lines.append(literal("  " + text))
        return Content("\n").join(lines)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_move(self, delta: int) -> None:
        """Move the cursor up or down."""
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + delta))
            self.refresh()

    def action_move_to(self, index: int) -> None:
        """Move the cursor to a row (-1: the last)."""
        if self.rows:
            self.cursor = index % len(self.rows)
            self.refresh()

    def action_choose(self) -> None:
        """Choose the row under the cursor."""
        if self.current is not None:
            self.post_message(self.Chosen(self.current.key))

    def on_click(self, event: events.Click) -> None:
        index = event.y - 1
        if 0 <= index < len(self.rows):
            self.cursor = index
            self.refresh()
            self.action_choose()
