"""Walks through every screen and state of the app and measures, in each theme the app
offers, the contrast of what it paints (quiz.tui.contrast). Used by test_contrast.py, and
by hand to print the ratios: `python tests/tui/contrast_scenes.py [theme ...]`.

The walk does not depend on the order of the items or of their options: it answers
whatever question is shown, by its type, and true/false questions both ways so that
both verdicts appear."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input
from tui_helpers import MINIMAL, OPTIONS, Clock, acknowledge_disclaimer, press, type_text

from quiz.bank.load import load_bank
from quiz.bank.model import Bank, QuestionType
from quiz.engine.store import ReviewStore
from quiz.tui.app import QuizApp, create_app
from quiz.tui.contrast import Measurement, measure_painted, measure_styles

SIZE = (80, 24)

#: a bank with a two-blank cloze (one field focused, one not) and a long prompt
TWO_BLANKS = """
id: blanks
title: Two blanks
description: A cloze with two blanks.
version: "1"
sources:
  - {id: doc, title: A document}
questions:
  - id: two-blanks
    type: cloze
    prompt: A {{c1::cramp}} hurts; a {{c2::twitch}} usually does not.
    explanation: Cramps hurt.
    source: {id: doc, section: Intro}
    topics: [basics]
"""


@dataclass
class Survey:
    """Every measurement taken, by theme, with the scene it was taken in."""

    themes: Sequence[str] = ()
    taken: dict[str, list[tuple[str, Measurement]]] = field(default_factory=dict)

    async def measure(self, pilot: Pilot[int], scene: str, *, only: str | None = None) -> None:
        """Measure the screen as it is now, in every theme (or `only` this one); the theme
        is set back after."""
        app = pilot.app
        before = app.theme
        for theme in [only] if only else self.themes:
            app.theme = theme
            await pilot.pause()
            found = measure_painted(app) + measure_styles(app)
            self.taken.setdefault(theme, []).extend((scene, m) for m in found)
        app.theme = before
        await pilot.pause()

    def failures(self) -> list[str]:
        """One line per distinct failing measurement."""
        lines = {
            f"{theme} / {scene}: {m.describe()}"
            for theme, taken in self.taken.items()
            for scene, m in taken
            if not m.passes
        }
        return sorted(lines)

    def where(self, theme: str) -> set[str]:
        """What was measured in this theme (the `where` of each measurement)."""
        return {m.where for _, m in self.taken.get(theme, [])}

    def lowest(self, theme: str, pattern: str, kind: str | None = None) -> float:
        """The lowest ratio among measurements whose `where` contains `pattern`."""
        ratios = [
            m.ratio
            for _, m in self.taken.get(theme, [])
            if pattern in m.where and (kind is None or m.kind == kind)
        ]
        return min(ratios) if ratios else float("nan")


AppBuilder = Callable[..., QuizApp]
Scene = Callable[[Pilot[int], Survey], Awaitable[None]]


def build_app(
    data_dir: Path, banks: Sequence[Bank], *, first_run: bool = False, clock: Clock | None = None
) -> tuple[QuizApp, ReviewStore]:
    store = ReviewStore.open(data_dir)
    if not first_run:
        acknowledge_disclaimer(store)
    app = create_app(
        store=store,
        banks=list(banks),
        now=clock or Clock(),
        options=OPTIONS,
        decks_dir=None,
        cursor_blink=False,
    )
    return app, store


async def answer_shown_question(pilot: Pilot[int], survey: Survey, n: int) -> None:
    """Answer the question on screen by its type, measuring the states along the way."""
    from quiz.tui.screens.question import QuestionScreen

    screen = pilot.app.screen
    assert isinstance(screen, QuestionScreen), screen
    t = screen.item.type
    label = f"question {t.value}"
    await survey.measure(pilot, label)
    if t in (QuestionType.SINGLE, QuestionType.MULTI):
        await press(pilot, "enter")  # nothing chosen: the hint turns into a warning
        await press(pilot, "down", "2", "s")
        await survey.measure(pilot, f"{label}, chosen, not sure")
        await press(pilot, "enter")
    elif t is QuestionType.TRUE_FALSE:
        await press(pilot, "t" if n % 2 else "f", "s")
        await survey.measure(pilot, f"{label}, chosen, not sure")
        await press(pilot, "enter")
    elif t in (QuestionType.CLOZE, QuestionType.TYPED):
        await press(pilot, "enter")  # nothing typed: the hint says so
        await survey.measure(pilot, f"{label}, empty answer")
        assert isinstance(pilot.app.focused, Input)
        await type_text(pilot, "painful" if t is QuestionType.CLOZE else "EMG")
        await press(pilot, "ctrl+s", "enter")
    else:
        await press(pilot, "space")
        await survey.measure(pilot, f"{label}, answer shown")
        await press(pilot, "1")
    await survey.measure(pilot, f"feedback after {label}")


async def scene_a_whole_session(pilot: Pilot[int], survey: Survey) -> None:
    """Home, every question type, every feedback, the summary (with red flags)."""
    from quiz.tui.screens.feedback import FeedbackScreen
    from quiz.tui.screens.question import QuestionScreen
    from quiz.tui.screens.summary import SummaryScreen

    await survey.measure(pilot, "home")
    await press(pilot, "p")
    await survey.measure(pilot, "home, practice mode")
    await press(pilot, "p", "enter")
    n = 0
    while isinstance(pilot.app.screen, QuestionScreen) and n < 12:
        await answer_shown_question(pilot, survey, n)
        assert isinstance(pilot.app.screen, FeedbackScreen)
        n += 1
        await press(pilot, "enter")
    if not isinstance(pilot.app.screen, SummaryScreen):
        await press(pilot, "escape")  # end the session (it may have ended by itself)
    assert isinstance(pilot.app.screen, SummaryScreen), pilot.app.screen
    await survey.measure(pilot, "summary")


async def scene_two_blanks(pilot: Pilot[int], survey: Survey) -> None:
    """A cloze with two fields: one focused, one not; placeholders showing."""
    await press(pilot, "enter")
    await survey.measure(pilot, "cloze with two blanks")
    await type_text(pilot, "cramp")
    await press(pilot, "enter")
    await survey.measure(pilot, "cloze with two blanks, second field")


async def scene_stats_and_help(pilot: Pilot[int], survey: Survey) -> None:
    """The statistics (long enough to scroll) and the help screen over it."""
    await press(pilot, "s")
    await survey.measure(pilot, "statistics")
    await press(pilot, "question_mark")
    await survey.measure(pilot, "help")
    await press(pilot, "pagedown")
    await survey.measure(pilot, "help, scrolled")


async def scene_notices(pilot: Pilot[int], survey: Survey) -> None:
    """Toasts of each severity over the home screen."""
    app = pilot.app
    app.notify("Nothing is due in this bank right now.", timeout=60)
    app.notify("Your progress file was repaired.", title="Your progress file", severity="warning")
    app.notify("A bank could not be read.", title="Bank problem", severity="error", timeout=60)
    await pilot.pause()
    await survey.measure(pilot, "notices")


async def scene_command_palette(pilot: Pilot[int], survey: Survey) -> None:
    """The command palette (Ctrl+P), listing its commands: opened in each theme (it does
    not restyle itself when the theme changes while it is open)."""
    for theme in survey.themes:
        pilot.app.theme = theme
        await pilot.pause()
        await press(pilot, "ctrl+p")
        await pilot.pause(0.2)
        await survey.measure(pilot, "command palette", only=theme)
        await press(pilot, "escape")


async def scene_disclaimer(pilot: Pilot[int], survey: Survey) -> None:
    """The first-run notice."""
    await survey.measure(pilot, "disclaimer")


async def scene_too_small(pilot: Pilot[int], survey: Survey) -> None:
    """The window made smaller than the app needs, then big again."""
    await pilot.resize_terminal(40, 12)
    await pilot.pause()
    await survey.measure(pilot, "window too small")
    await pilot.resize_terminal(*SIZE)
    await pilot.pause()


async def run_scene(
    scene: Scene,
    survey: Survey,
    data_dir: Path,
    *,
    banks: Sequence[Bank] | None = None,
    first_run: bool = False,
) -> None:
    app, store = build_app(data_dir, banks or [load_bank(MINIMAL)], first_run=first_run)
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await pilot.pause()
            await scene(pilot, survey)
    finally:
        store.close()


async def survey_everything(themes: Sequence[str], tmp: Path) -> Survey:
    """Every scene, measured in these themes."""
    survey = Survey(themes=themes)
    blanks = tmp / "blanks.yaml"
    blanks.write_text(TWO_BLANKS, encoding="utf-8")
    await run_scene(scene_a_whole_session, survey, tmp / "a")
    await run_scene(scene_two_blanks, survey, tmp / "b", banks=[load_bank(blanks)])
    await run_scene(scene_stats_and_help, survey, tmp / "c")
    await run_scene(scene_notices, survey, tmp / "d")
    await run_scene(scene_command_palette, survey, tmp / "e")
    await run_scene(scene_disclaimer, survey, tmp / "f", first_run=True)
    await run_scene(scene_too_small, survey, tmp / "g")
    return survey


def main(argv: Sequence[str]) -> None:
    themes = list(argv) or ["textual-dark", "textual-light"]
    with tempfile.TemporaryDirectory() as tmp:
        survey = asyncio.run(survey_everything(themes, Path(tmp)))
    for theme in themes:
        print(f"== {theme}")
        rows: dict[str, Measurement] = {}
        for _, m in survey.taken[theme]:
            key = f"{m.kind} {m.where}"
            if key not in rows or m.ratio < rows[key].ratio:
                rows[key] = m
        for m in sorted(rows.values(), key=lambda m: m.ratio):
            print(("FAIL " if not m.passes else "     ") + m.describe())


if __name__ == "__main__":
    main(sys.argv[1:])
