"""The terminal app when the progress store cannot save an answer: a full disk (a real
SQLITE_FULL, from `PRAGMA max_page_count` on the store's own connection) and a write lock
held by another connection. The learner reads the words from `quiz.engine.faults`, may try
again or stop, and nothing acknowledged is lost."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.pilot import Pilot
from tui_helpers import AppFactory, press, screen_text, write_bank

from quiz.bank.model import Bank
from quiz.engine.store import ReviewStore
from quiz.tui.app import QuizApp
from quiz.tui.screens.feedback import FeedbackScreen
from quiz.tui.screens.question import QuestionScreen
from quiz.tui.screens.store_fault import StoreFaultScreen
from quiz.tui.screens.summary import SummaryScreen

SIZE = (80, 24)


def tf_bank(tmp_path: Path, n: int = 40) -> Bank:
    lines = [
        "id: tf",
        "title: True or false",
        "description: Many true or false items.",
        'version: "1"',
        "sources:",
        "  - id: doc",
        "    title: A document",
        "questions:",
    ]
    for i in range(n):
        lines += [
            f"  - id: q{i}",
            "    type: true_false",
            f"    prompt: Statement number {i} is true.",
            "    answer: true",
            "    explanation: It is.",
            "    source: {id: doc, section: Intro}",
            "    topics: [t]",
        ]
    return write_bank(tmp_path, "\n".join(lines) + "\n")


def set_max_pages(store: ReviewStore, pages: int | None) -> None:
    """Let the store's file grow to `pages` pages (None: without a limit)."""
    conn = store.database.conn
    if pages is None:
        conn.execute("PRAGMA max_page_count = 1073741823")
        return
    conn.execute(f"PRAGMA max_page_count = {pages}")


def page_count(store: ReviewStore) -> int:
    return int(store.database.conn.execute("PRAGMA page_count").fetchone()[0])


def words(pilot: Pilot[int]) -> str:
    """The screen's text as one line of words (a box's wrapped lines joined)."""
    return " ".join(screen_text(pilot).replace("│", " ").split())


async def answer_until_fault(pilot: Pilot[int], app: QuizApp, store: ReviewStore) -> int:
    """Answer "true" until an answer does not fit; returns the answers saved before."""
    saved = 0
    for _ in range(40):
        await press(pilot, "t", "enter")
        if isinstance(app.screen, StoreFaultScreen):
            return saved
        assert isinstance(app.screen, FeedbackScreen)
        saved += 1
        assert store.review_count() == saved  # acknowledged means saved
        await press(pilot, "enter")
    raise AssertionError("the disk never filled")


async def test_disk_full_is_said_in_words_and_try_again_saves_the_answer(
    make_app: AppFactory, store: ReviewStore, tmp_path: Path
) -> None:
    app = make_app(banks=[tf_bank(tmp_path)])
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter")  # study: the bank is synced, the first question shown
        assert isinstance(app.screen, QuestionScreen)
        set_max_pages(store, page_count(store))  # no room for one more page
        saved = await answer_until_fault(pilot, app, store)
        text = words(pilot)
        assert "Your disk is full: this answer was not saved." in text
        assert "Try again" in text and "Quit" in text
        assert store.review_count() == saved
        await press(pilot, "r")  # still full: said again, still not saved
        assert isinstance(app.screen, StoreFaultScreen)
        assert store.review_count() == saved
        set_max_pages(store, None)  # the learner made room
        await press(pilot, "r")
        assert isinstance(app.screen, FeedbackScreen)
        assert store.review_count() == saved + 1
    assert app.answers_saved == saved + 1
    assert store.integrity_check() == "ok"


async def test_disk_full_then_quit_ends_the_session_cleanly(
    make_app: AppFactory, store: ReviewStore, tmp_path: Path
) -> None:
    app = make_app(banks=[tf_bank(tmp_path)])
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter")
        set_max_pages(store, page_count(store))
        saved = await answer_until_fault(pilot, app, store)
        assert saved > 0
        await press(pilot, "q")  # stop: the summary of the answers that were saved
        assert isinstance(app.screen, SummaryScreen)
        assert app.session is not None and app.session.answered == saved
        await press(pilot, "q")
    assert store.review_count() == saved
    assert app.answers_saved == saved
    assert app.return_code == 0


async def test_a_lock_held_by_another_program_is_said_and_try_again_saves(
    make_app: AppFactory, store: ReviewStore, tmp_path: Path
) -> None:
    app = make_app(banks=[tf_bank(tmp_path)])
    store.database.patience = 0.2  # how long a write waits before the learner is asked
    other = sqlite3.connect(store.path, isolation_level=None)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "enter")
            other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
            await press(pilot, "t", "enter")
            assert isinstance(app.screen, StoreFaultScreen)
            text = words(pilot)
            assert "Another program is using your progress file" in text
            assert "this answer was not saved yet" in text
            assert store.review_count() == 0
            other.execute("COMMIT")  # it lets go
            await press(pilot, "r")
            assert isinstance(app.screen, FeedbackScreen)
        assert store.review_count() == 1
    finally:
        other.close()
