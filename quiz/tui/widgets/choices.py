"""A list of numbered choices: options of a single or multi question, or True / False.

Each row shows, not by colour alone, where the cursor is (`›`) and what is selected
(`(•)` for a single answer, `[x]` for "all that apply"). The screen owns the keys; this
widget keeps the cursor and the selection and redraws its rows. A click on a row picks it.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.app import ComposeResult
from textual.containers import HorizontalGroup, VerticalGroup
from textual.message import Message
from textual.widgets import Static

from quiz.tui.widgets.text import literal


class ChoiceRow(HorizontalGroup):
    """One choice: a marker column (cursor, selection box, key) and the wrapped text."""

    def __init__(self, index: int, key: str, text: str, multi: bool) -> None:
        super().__init__(classes="choice-row")
        self.index = index
        self.key = key
        self.text = text
        self.multi = multi

    def compose(self) -> ComposeResult:
        yield Static(literal(self._marker(False, False)), classes="choice-marker")
        yield Static(literal(self.text), classes="choice-text")

    def _marker(self, cursor: bool, selected: bool) -> str:
        pointer = "›" if cursor else " "
        if self.multi:
            box = "[x]" if selected else "[ ]"
        else:
            box = "(•)" if selected else "( )"
        return f"{pointer} {box} {self.key}"

    def show_state(self, cursor: bool, selected: bool) -> None:
        """Redraw the marker and the classes that style the row."""
        # literal: "[x]" would otherwise be read as markup and vanish
        self.query_one(".choice-marker", Static).update(literal(self._marker(cursor, selected)))
        self.set_class(cursor, "-cursor")
        self.set_class(selected, "-selected")

    class Clicked(Message):
        """The row was clicked."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Clicked(self.index))


class ChoiceList(VerticalGroup):
    """Numbered choices with a cursor and a selection (one, or several when `multi`)."""

    def __init__(
        self, choices: Sequence[tuple[str, str]], *, multi: bool, id: str | None = None
    ) -> None:
        """`choices`: (key shown, text) pairs, for example ("1", "Caffeine")."""
        super().__init__(id=id)
        self.choices = tuple(choices)
        self.multi = multi
        self.cursor = 0
        self.selected: set[int] = set()

    def compose(self) -> ComposeResult:
        for i, (key, text) in enumerate(self.choices):
            yield ChoiceRow(i, key, text, self.multi)

    def on_mount(self) -> None:
        self._redraw()

    @property
    def rows(self) -> list[ChoiceRow]:
        """The rows, in order."""
        return list(self.query(ChoiceRow))

    def _redraw(self) -> None:
        for row in self.rows:
            row.show_state(row.index == self.cursor, row.index in self.selected)

    def pick(self, index: int) -> None:
        """Choose `index`: the only choice (single) or toggled (multi). Moves the cursor."""
        if not 0 <= index < len(self.choices):
            return
        if self.multi:
            self.selected ^= {index}
        else:
            self.selected = {index}
        self.cursor = index
        self._redraw()
        self._scroll_to_cursor()

    def move(self, delta: int) -> None:
        """Move the cursor up or down (it stops at the ends)."""
        self.cursor = max(0, min(len(self.choices) - 1, self.cursor + delta))
        self._redraw()
        self._scroll_to_cursor()

    def pick_cursor(self) -> None:
        """Choose (or toggle) the option under the cursor."""
        self.pick(self.cursor)

    def _scroll_to_cursor(self) -> None:
        rows = self.rows
        if rows:
            rows[self.cursor].scroll_visible(animate=False)

    def on_choice_row_clicked(self, message: ChoiceRow.Clicked) -> None:
        message.stop()
        self.pick(message.index)
