"""The help screen is made from the real key bindings, so it cannot drift from them.

A walk through every screen and state of the app (each question type, typing in a field,
a flashcard turned over, feedback, summary, statistics, help, the first-run notice)
records, in each state, the keys the key bar shows and every key bound there. Then:

- every key the key bar shows, in any state, is in help, under that screen or under
  "Everywhere", for the same action;
- every key help lists is bound, on its screen, to the action help says it does;
- the help screen shows exactly those rows, in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from contrast_scenes import build_app
from textual.pilot import Pilot
from textual.widgets import Input, Static
from tui_helpers import MINIMAL, AppFactory, press, type_text

from quiz.bank.load import load_bank
from quiz.bank.model import QuestionType
from quiz.tui.screens.feedback import FeedbackScreen
from quiz.tui.screens.help import HelpRow, HelpScreen, HelpSection, action_name, help_sections
from quiz.tui.screens.question import QuestionScreen
from quiz.tui.screens.summary import SummaryScreen
from quiz.tui.widgets.keybar import KeyBar

#: (screen class name, key, action name)
Bound = tuple[str, str, str]


@dataclass
class Walk:
    """What the walk saw: the key bar's keys and every bound key, per screen class."""

    shown: set[Bound] = field(default_factory=set)
    bound: set[Bound] = field(default_factory=set)
    screens: set[str] = field(default_factory=set)
    sections: tuple[HelpSection, ...] = ()

    async def look(self, pilot: Pilot[int]) -> None:
        await pilot.pause()
        screen = pilot.app.screen
        name = type(screen).__name__
        self.screens.add(name)
        bar = screen.query_one(KeyBar)
        keys, palette = bar.shown_bindings()
        for binding in [*keys, *([palette] if palette else [])]:
            self.shown.add((name, binding.key, action_name(binding.action)))
        # every key bound on this screen now (enabled or not): the screen, the focused
        # widget and its containers, the app, as Textual dispatches keys
        for _node, bindings in screen._modal_binding_chain:
            for key, binding in bindings:
                self.bound.add((name, key, action_name(binding.action)))


async def walk_everything(pilot: Pilot[int], walk: Walk) -> None:
    """Disclaimer, home, every question type, feedback, summary, statistics, help."""
    app = pilot.app
    await walk.look(pilot)  # the first-run notice
    await press(pilot, "enter")
    await walk.look(pilot)  # home
    walk.sections = help_sections(app)
    await press(pilot, "question_mark")
    await walk.look(pilot)  # help over home
    await press(pilot, "escape", "enter")
    seen = 0
    while isinstance(app.screen, QuestionScreen) and seen < 12:
        item = app.screen.item
        await walk.look(pilot)
        if item.type in (QuestionType.SINGLE, QuestionType.MULTI):
            await press(pilot, "1")
            await walk.look(pilot)
            await press(pilot, "enter")
        elif item.type is QuestionType.TRUE_FALSE:
            await press(pilot, "t", "enter")
        elif item.type is QuestionType.FLASHCARD:
            await press(pilot, "space")
            await walk.look(pilot)  # turned over: the grades
            await press(pilot, "3")
        else:
            assert isinstance(app.focused, Input)
            await type_text(pilot, "x")
            await walk.look(pilot)  # typing: Ctrl+Q, F1, Ctrl+S
            await press(pilot, "enter")
        assert isinstance(app.screen, FeedbackScreen)
        await walk.look(pilot)
        await press(pilot, "enter")
        seen += 1
    if not isinstance(app.screen, SummaryScreen):
        await press(pilot, "escape")  # end the session (it may have ended by itself)
    assert isinstance(app.screen, SummaryScreen), app.screen
    await walk.look(pilot)
    await press(pilot, "enter", "s")
    await walk.look(pilot)  # statistics


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> Walk:
    import asyncio

    async def run() -> Walk:
        banks = [load_bank(MINIMAL)]
        app, store = build_app(tmp_path_factory.mktemp("help"), banks, first_run=True)
        seen = Walk()
        try:
            async with app.run_test(size=(80, 24)) as pilot:
                await walk_everything(pilot, seen)
        finally:
            store.close()
        return seen

    return asyncio.run(run())


def section_of(sections: tuple[HelpSection, ...], screen: str) -> HelpSection:
    for section in sections:
        if any(owner.__name__ == screen for owner in section.owners):
            return section
    raise AssertionError(f"help has no section for {screen}")


def in_rows(rows: tuple[HelpRow, ...], key: str, action: str) -> bool:
    return any(key in row.keys and action in row.actions for row in rows)


def test_the_walk_reached_every_screen(walk: Walk) -> None:
    expected = {
        "DisclaimerScreen",
        "HomeScreen",
        "HelpScreen",
        "QuestionScreen",
        "FeedbackScreen",
        "SummaryScreen",
        "StatsScreen",
    }
    assert expected <= walk.screens


def test_every_key_the_key_bar_shows_is_in_help(walk: Walk) -> None:
    everywhere = walk.sections[0]
    assert everywhere.title == "Everywhere"
    missing = [
        (screen, key, action)
        for screen, key, action in sorted(walk.shown)
        if not in_rows(section_of(walk.sections, screen).rows, key, action)
        and not in_rows(everywhere.rows, key, action)
    ]
    assert missing == []


def test_every_key_help_lists_is_bound_to_what_help_says(walk: Walk) -> None:
    unbound = []
    for section in walk.sections:
        if section.title == "Everywhere":
            screens = walk.screens
        else:
            screens = {o.__name__ for o in section.owners if o.__name__.endswith("Screen")}
        for row in section.rows:
            for key in row.keys:
                if not any(
                    (screen, key, action) in walk.bound
                    for screen in screens
                    for action in row.actions
                ):
                    unbound.append((section.title, key, row.text))
    assert unbound == []


async def test_the_help_screen_shows_exactly_the_rows(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "question_mark")
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        shown_titles = [str(s.render()) for s in screen.query(".help-section").results(Static)]
        shown_keys = [str(s.render()) for s in screen.query(".help-keys").results(Static)]
        shown_what = [str(s.render()) for s in screen.query(".help-what").results(Static)]
        sections = help_sections(app)
        assert shown_titles == [s.title for s in sections]
        rows = [row for s in sections for row in s.rows]
        assert shown_keys == [row.shown for row in rows]
        assert shown_what == [row.text for row in rows]
        # a few rows as a learner reads them
        pairs = set(zip(shown_keys, shown_what, strict=True))
        assert ("q / Ctrl+Q", "quit; every answer you gave is already saved") in pairs
        assert ("? / F1", "this help") in pairs
        assert "1-5" in shown_keys and "s / Ctrl+S" in shown_keys and "PgUp / PgDn" in shown_keys


def test_key_names() -> None:
    from quiz.tui.screens.help import key_name

    assert [key_name(k) for k in ("escape", "ctrl+q", "f1", "question_mark", "t", "pagedown")] == [
        "Esc",
        "Ctrl+Q",
        "F1",
        "?",
        "t",
        "PgDn",
    ]
    assert HelpRow(("1", "2", "3", "4"), ("grade",), "").shown == "1-4"
    assert HelpRow(("up", "down"), ("move",), "").shown == "↑ / ↓"


async def test_a_binding_added_to_a_screen_shows_in_help(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Help follows the bindings: a new one appears without touching help.
    from textual.binding import Binding

    from quiz.tui.screens.stats import StatsScreen

    bindings = [*StatsScreen.BINDINGS, Binding("r", "refresh", "Refresh", tooltip="read again")]
    monkeypatch.setattr(StatsScreen, "BINDINGS", bindings)
    app = make_app()
    async with app.run_test(size=(80, 24)):
        stats = section_of(help_sections(app), "StatsScreen")
        assert in_rows(stats.rows, "r", "refresh")
        assert [r.text for r in stats.rows if "r" in r.keys] == ["read again"]
