"""The app in windows of other sizes than 80x24: lines stop at about 80 columns in a wide
terminal, and a window smaller than the app needs gets a calm notice (and nothing is
answered blind) until it is big enough again, with the screen underneath as it was."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, Static
from tui_helpers import AppFactory, press, screen_text, type_text, write_bank

from quiz.engine.store import ReviewStore
from quiz.tui.app import MIN_SIZE
from quiz.tui.screens.feedback import FeedbackScreen
from quiz.tui.screens.help import HelpScreen
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.question import QuestionScreen
from quiz.tui.screens.stats import StatsScreen
from quiz.tui.screens.summary import SummaryScreen
from quiz.tui.screens.toosmall import TooSmallScreen
from quiz.tui.widgets.banklist import BankList
from quiz.tui.widgets.choices import ChoiceList

WIDE = (200, 50)
#: the longest a line of text may be in a wide terminal
READABLE = 80
NOTICE = f"This window is too small: make it at least {MIN_SIZE.width}×{MIN_SIZE.height}."


def text_blocks(pilot: Pilot[int]) -> list[Widget]:
    """The widgets of the screen that hold lines of text (not the top and key bars)."""
    kinds = (Static, BankList, ChoiceList, Input)
    found = []
    for widget in pilot.app.screen.walk_children(Widget):
        if isinstance(widget, kinds) and widget.display and widget.region.width:
            if not widget.has_class("choice-marker", "choice-text", "help-keys", "help-what"):
                found.append(widget)
    return found


def assert_readable_width(pilot: Pilot[int], where: str) -> None:
    blocks = text_blocks(pilot)
    assert blocks, where
    too_wide = [(w, w.region.width) for w in blocks if w.region.width > READABLE]
    assert too_wide == [], where
    # (the screenshot's rows: its title, the top bar, the page, the key bar)
    longest = max(len(line.rstrip()) for line in screen_text(pilot).splitlines()[2:-1])
    # the longest painted line, margins included, is far from the window's 200 columns
    assert longest <= READABLE + 4, where


LONG = (
    "This sentence is here to be long: far longer than eighty columns, so that a wide "
    "terminal would show it on one line of some two hundred characters if nothing stopped it."
)
#: one red-flag choice question whose every text is long
WIDE_BANK = f"""
id: wide
title: A bank for wide windows
description: One question with long texts.
version: "1"
sources:
  - {{id: doc, title: A document}}
questions:
  - id: long
    type: single
    prompt: "{LONG}"
    explanation: "{LONG}"
    source: {{id: doc, section: Intro}}
    topics: [red-flags]
    red_flag: true
    action: "{LONG}"
    options:
      - {{text: "{LONG}", correct: true, why: "{LONG}"}}
      - {{text: "A second option, short.", why: "{LONG}"}}
      - {{text: "A third option, short.", why: "{LONG}"}}
"""
#: one choice question
CHOICE_BANK = """
id: choice
title: One choice
description: One single-choice question.
version: "1"
sources:
  - {id: doc, title: A document}
questions:
  - id: twitch
    type: single
    prompt: What is a muscle twitch?
    explanation: A twitch is a small, brief movement of a few muscle fibres.
    source: {id: doc, section: Intro}
    topics: [basics]
    options:
      - {text: "A small, brief movement of a few muscle fibres", correct: true, why: It is.}
      - {text: "A long, painful tightening of a whole muscle", why: That is a cramp.}
      - {text: A broken bone, why: Twitches have nothing to do with bones.}
"""


async def test_lines_stop_at_about_80_columns_in_a_wide_terminal(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app = make_app(banks=[write_bank(tmp_path, WIDE_BANK)])
    async with app.run_test(size=WIDE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        assert_readable_width(pilot, "home")
        await press(pilot, "enter")
        assert isinstance(app.screen, QuestionScreen)
        assert_readable_width(pilot, "question")
        await press(pilot, "2", "enter")
        assert isinstance(app.screen, FeedbackScreen)
        assert app.screen.query_one("#fb-action").region.width <= READABLE
        assert_readable_width(pilot, "feedback")
        await press(pilot, "escape")
        assert isinstance(app.screen, SummaryScreen)
        assert_readable_width(pilot, "summary")
        await press(pilot, "enter", "s")
        assert isinstance(app.screen, StatsScreen)
        assert_readable_width(pilot, "statistics")
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        box = app.screen.query_one("#help-box")
        assert box.region.width <= READABLE
        # the top and key bars still span the window
        assert app.screen.query_one("KeyBar").region.width == WIDE[0]


async def test_a_window_too_small_says_so_and_the_app_comes_back_as_it_was(
    make_app: AppFactory, store: ReviewStore, tmp_path: Path
) -> None:
    app = make_app(banks=[write_bank(tmp_path, CHOICE_BANK)])
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "enter", "2", "s")
        question = app.screen
        assert isinstance(question, QuestionScreen)

        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        text = " ".join(screen_text(pilot).split())
        assert NOTICE in text and "It is 40×12 now." in text
        # keys do not reach the question underneath, and nothing opens over the notice
        await press(pilot, "1", "enter", "question_mark", "ctrl+p", "escape")
        assert isinstance(app.screen, TooSmallScreen)
        assert store.review_count() == 0

        await pilot.resize_terminal(50, 14)  # bigger, still too small: the size follows
        await pilot.pause()
        assert "It is 50×14 now." in " ".join(screen_text(pilot).split())

        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.screen is question
        assert question.query_one("#q-choices", ChoiceList).selected == {1}
        assert "[x] Not sure" in screen_text(pilot)
        await press(pilot, "enter")
        assert isinstance(app.screen, FeedbackScreen)
    assert store.review_count() == 1


async def test_the_exact_minimum_is_enough(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(MIN_SIZE.width, MIN_SIZE.height)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await pilot.resize_terminal(MIN_SIZE.width - 1, MIN_SIZE.height)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.resize_terminal(MIN_SIZE.width, MIN_SIZE.height - 1)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.resize_terminal(MIN_SIZE.width, MIN_SIZE.height)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


TYPED_BANK = """
id: typed
title: One typed question
description: A bank of one typed question.
version: "1"
sources:
  - {id: doc, title: A document}
questions:
  - id: emg
    type: typed
    prompt: Which test records the electrical activity of muscles?
    answers: [EMG]
    explanation: EMG stands for electromyography.
    source: {id: doc, section: Intro}
    topics: [tests]
"""


async def test_starting_in_a_small_window_and_typing_kept(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app = make_app(banks=[write_bank(tmp_path, TYPED_BANK)], first_run=True)
    async with app.run_test(size=(40, 12)) as pilot:
        assert isinstance(app.screen, TooSmallScreen)  # over the first-run disclaimer
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert "Before you start" in screen_text(pilot)
        await press(pilot, "enter", "enter")  # the disclaimer read; the bank started
        field = app.focused
        assert isinstance(field, Input)
        await type_text(pilot, "half")

        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        await press(pilot, "x", "y")  # not typed into the field underneath
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.focused is field and field.value == "half"


async def test_q_quits_from_the_notice(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(40, 12)) as pilot:
        assert isinstance(app.screen, TooSmallScreen)
        await press(pilot, "q")
    assert app.return_code == 0
