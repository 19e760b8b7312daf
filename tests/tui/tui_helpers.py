"""Shared helpers for the app's tests: the fixed clock, paths, and reading what is on screen."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from textual.pilot import Pilot

from quiz.bank.discover import DISCLAIMER_META_KEY, disclaimer_digest, disclaimer_text
from quiz.bank.load import load_bank
from quiz.bank.model import Bank
from quiz.engine.session import SessionOptions
from quiz.engine.store import ReviewStore
from quiz.tui.app import QuizApp

DATA = Path(__file__).resolve().parents[1] / "data"
MINIMAL = DATA / "good" / "minimal.yaml"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
#: days start at midnight UTC in tests, whatever the machine's zone
OPTIONS = SessionOptions(day_tz=timezone.utc)


#: builds the app on the test's store and clock (the `make_app` fixture)
AppFactory = Callable[..., QuizApp]


class Clock:
    """A fixed clock that a test moves by hand."""

    def __init__(self, t: datetime = T0) -> None:
        self.t = t

    def __call__(self) -> datetime:
        return self.t

    def advance(self, **kw: float) -> None:
        self.t += timedelta(**kw)


def acknowledge_disclaimer(store: ReviewStore) -> None:
    """Mark the shipped disclaimer as read (what the first run does)."""
    store.set_meta(DISCLAIMER_META_KEY, disclaimer_digest(disclaimer_text()))


def write_bank(tmp_path: Path, text: str, name: str = "bank.yaml") -> Bank:
    """Write a bank file under tmp_path and load it."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_bank(path)


_KEY_NAMES = {
    " ": "space",
    "?": "question_mark",
    "[": "left_square_bracket",
    "]": "right_square_bracket",
    ".": "full_stop",
    ",": "comma",
    "-": "minus",
}


async def press(pilot: Pilot[int], *keys: str) -> None:
    """Press keys one at a time, letting the app settle after each."""
    for k in keys:
        await pilot.press(k)
        await pilot.pause()


async def type_text(pilot: Pilot[int], text: str) -> None:
    """Type text into the focused field."""
    await press(pilot, *(_KEY_NAMES.get(ch, ch) for ch in text))


#: width of one terminal cell in Textual's SVG screenshots
_CELL_WIDTH = 12.2


def screen_text(pilot: Pilot[int]) -> str:
    """Everything visible on the terminal, as plain text, one line per terminal row (read
    from the app's own SVG screenshot, so it is what the learner sees)."""
    svg = pilot.app.export_screenshot()
    body = svg[svg.index("terminal-matrix") :] if "terminal-matrix" in svg else svg
    rows: dict[float, dict[int, str]] = {}
    for x, y, text in re.findall(r'<text[^>]*?x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', body):
        row = rows.setdefault(float(y), {})
        start = round(float(x) / _CELL_WIDTH)
        for i, ch in enumerate(html.unescape(text).replace("\xa0", " ")):
            row[start + i] = ch
    lines = []
    for _, cells in sorted(rows.items()):
        width = max(cells) + 1 if cells else 0
        lines.append("".join(cells.get(i, " ") for i in range(width)).rstrip())
    return "\n".join(lines)


def key(app: QuizApp, option: int) -> str:
    """The key that chooses option `option` (its index in the bank file) on the question
    shown: options are shuffled, so the key is the number it is shown under."""
    from quiz.tui.screens.question import QuestionScreen

    screen = app.screen
    assert isinstance(screen, QuestionScreen), screen
    return str(screen.item.shown_number(option))


async def past_the_red_flag_card(pilot: Pilot[int], grade: str = "3") -> None:
    """On the minimal bank's first question (its red-flag flashcard: red-flag items come
    first), show the answer, grade it and go on to the next question."""
    await press(pilot, "space", grade, "enter")
