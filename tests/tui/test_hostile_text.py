"""Hostile text in the app, through Pilot: every screen that shows bank or store text shows
terminal commands as visible escapes (`\\x1b]52;...`), never as the characters themselves.

(The raw bytes the app writes to a real terminal are checked in `test_pty.py`.)
"""

from __future__ import annotations

import sqlite3

from hostile_helpers import HOSTILE, hostile_bank
from tui_helpers import MINIMAL, OPTIONS, AppFactory, Clock, press, screen_text, type_text

from quiz.bank.catalog import BankCatalog, read_bank_files
from quiz.engine.store import ReviewStore
from quiz.safe_text import safe_line
from quiz.tui.app import create_app
from quiz.tui.screens.feedback import FeedbackScreen
from quiz.tui.screens.question import QuestionScreen
from quiz.tui.screens.stats import StatsScreen
from quiz.tui.screens.summary import SummaryScreen
from quiz.tui.widgets.text import assemble, clip, fit, labelled, literal, styled

SIZE = (100, 40)
SHOWN = "\\x1b]52;c;"
RAW = ("\x1b", "\x07", "\x9b", "\x9d", "\x9c", "\u202e")


def assert_safe(text: str) -> None:
    """The screen shows the hostile text escaped, and none of its characters raw."""
    assert SHOWN in text
    for c in RAW:
        assert c not in text, repr(c)


def test_text_helpers_escape_terminal_commands() -> None:
    for content in (
        literal(HOSTILE),
        styled(HOSTILE, "bold"),
        labelled(HOSTILE, HOSTILE),
        assemble(HOSTILE, (HOSTILE, "bold")),
    ):
        for c in RAW:
            assert c not in content.plain
        assert SHOWN in content.plain
    assert clip(HOSTILE, 500) == safe_line(HOSTILE)
    assert "\n" not in fit("two\nlines", 20)


def test_real_unicode_is_kept() -> None:
    for text in ("👩\u200d⚕️", "می\u200cخواهم", "fasci\u00adculation", "e\u0301"):
        assert literal(text).plain == text
        assert fit(text, 30).rstrip(" ") == text


async def test_every_screen_escapes_hostile_bank_text(
    make_app: AppFactory, store: ReviewStore
) -> None:
    app = make_app(banks=[hostile_bank()])
    async with app.run_test(size=SIZE) as pilot:
        assert_safe(screen_text(pilot))  # home: the bank's title
        await press(pilot, "enter")
        screens = []
        # single (wrong: the chosen option's why and the missed one), true/false, cloze,
        # flashcard (a red flag: the "What to do" box), typed, multi
        answers = {
            "single": (("2",), ""),
            "true_false": (("f",), ""),
            "cloze": ((), "wrong"),
            "flashcard": (("space", "1"), ""),
            "typed": ((), "wrong"),
            "multi": (("3",), ""),
        }
        for _ in range(6):
            assert isinstance(app.screen, QuestionScreen)
            flashcard = app.screen.is_flashcard
            keys, typed = answers[app.screen.item.type.value]
            assert_safe(screen_text(pilot))
            if keys:
                await press(pilot, *keys)
            if typed:
                await type_text(pilot, typed)
            if not flashcard:  # a flashcard's grade is its answer
                await press(pilot, "enter")
            assert isinstance(app.screen, FeedbackScreen)
            screens.append(app.screen.result.item.type.value)
            assert_safe(screen_text(pilot))
            await press(pilot, "enter")
        assert sorted(screens) == sorted(answers)
        if isinstance(app.screen, QuestionScreen):
            await press(pilot, "escape")  # wrong answers come back: end the session here
        assert isinstance(app.screen, SummaryScreen)
        assert_safe(screen_text(pilot))  # topics, the red flag missed and its action
        await press(pilot, "enter", "s")
        assert isinstance(app.screen, StatsScreen)
        assert_safe(screen_text(pilot))  # progress per bank


async def test_a_hostile_title_in_the_store_is_escaped(
    make_app: AppFactory, store: ReviewStore, clock: Clock
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pass  # the first run syncs the bank into the store
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE banks SET title = ?", (HOSTILE,))
    # the usual start: the store knows these bytes, so the title comes from the store
    catalog = BankCatalog.known(read_bank_files([MINIMAL]) or [], store.synced_digests())
    assert catalog is not None
    app = create_app(store=store, banks=catalog, now=clock, options=OPTIONS, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        assert_safe(screen_text(pilot))  # home
        await press(pilot, "s")
        assert isinstance(app.screen, StatsScreen)
        assert_safe(screen_text(pilot))
        app.notify(f"A notice that names {HOSTILE}", title=HOSTILE)
        await pilot.pause()
        assert_safe(screen_text(pilot))
