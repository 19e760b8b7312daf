"""Pilot flows through the real app on a temporary store with a fixed clock: every question
type, wrong answers with their why, "not sure", undo, practice, quitting and restarting with
the state kept, the disclaimer shown once, bank text shown literally, help, theme, NO_COLOR."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.containers import VerticalScroll
from textual.widgets import Input
from tui_helpers import (
    MINIMAL,
    OPTIONS,
    AppFactory,
    Clock,
    key,
    past_the_red_flag_card,
    press,
    screen_text,
    type_text,
    write_bank,
)

from quiz.engine.grading import SelfRating
from quiz.engine.session import SessionOptions
from quiz.engine.store import ReviewStore
from quiz.tui.app import LIGHT_THEME, THEME_META_KEY, create_app
from quiz.tui.screens.disclaimer import DisclaimerScreen
from quiz.tui.screens.feedback import FeedbackScreen
from quiz.tui.screens.help import HelpScreen
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.question import QuestionScreen
from quiz.tui.screens.stats import StatsScreen
from quiz.tui.screens.summary import SummaryScreen

SIZE = (80, 24)


def kinds(store: ReviewStore) -> list[str]:
    return [json.loads(r.answer)["kind"] for r in store.reviews()]


async def test_every_question_type_answered_by_keyboard(
    make_app: AppFactory, store: ReviewStore
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await press(pilot, "enter")
        assert isinstance(app.screen, QuestionScreen)
        assert "Question 1 of 6 · Sample bank" in screen_text(pilot)

        # flashcard (the red-flag item comes first): Space reveals, 1-4 grade with each
        # interval shown
        assert "Weakness that gets worse." not in screen_text(pilot)
        await press(pilot, "space")
        text = screen_text(pilot)
        assert "Weakness that gets worse." in text
        for label in ("Again", "Hard", "Good", "Easy"):
            assert label in text
        assert text.count("back in") == 4
        await press(pilot, "3")
        text = screen_text(pilot)
        assert "You graded this one Good" in text
        assert "⚠ What to do" in text
        assert "See your doctor if you notice weakness that gets worse over weeks." in text
        # the action comes right under the verdict, before the explanation
        assert text.index("⚠ What to do") < text.index("Explanation:")

        # single: a number chooses, Enter checks
        await press(pilot, "enter")
        assert "Question 2 of 6 · Sample bank" in screen_text(pilot)
        await press(pilot, key(app, 0), "enter")
        assert isinstance(app.screen, FeedbackScreen)
        text = screen_text(pilot)
        assert "✓ Right." in text and "That is what a twitch is." in text
        assert "Why this is right:" in text
        assert "Source: A document, section “Intro”" in text
        assert "this session" in text  # a new item in its 10-minute step comes back today

        # true/false
        await press(pilot, "enter", "t", "enter")
        assert "✓ Right." in screen_text(pilot)

        # cloze: one field per blank
        await press(pilot, "enter")
        assert "A cramp is a sudden [...] tightening of a muscle." in screen_text(pilot)
        await type_text(pilot, "painful")
        await press(pilot, "enter")
        assert "you typed “painful”, the answer is “painful”" in screen_text(pilot)

        # typed: a small typo is forgiven
        await press(pilot, "enter")
        await type_text(pilot, "electromiography")
        await press(pilot, "enter")
        assert "✓ Right." in screen_text(pilot)

        # multi: numbers toggle, and the ticks show as [x] (text, not markup)
        await press(pilot, "enter")
        caffeine, stress, book = key(app, 0), key(app, 1), key(app, 2)
        await press(pilot, caffeine, book, book, stress)
        text = screen_text(pilot)
        assert f"[x] {caffeine}   Caffeine" in text and f"› [x] {stress}   Stress" in text
        assert f"[ ] {book}   Reading a book" in text
        await press(pilot, "enter")
        assert "✓ Right." in screen_text(pilot)

    assert kinds(store) == ["flashcard", "choice", "true_false", "cloze", "text", "choice"]
    reviews = store.reviews()
    assert all(r.correct for r in reviews)
    assert [r.rating for r in reviews] == [SelfRating.GOOD] * 6
    assert json.loads(reviews[-1].answer)["value"] == [0, 1]


async def test_wrong_answer_shows_the_why_and_the_right_answer(
    make_app: AppFactory, store: ReviewStore
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter")
        await past_the_red_flag_card(pilot)
        cramp, right = key(app, 1), key(app, 0)
        await press(pilot, cramp, "enter")
        text = screen_text(pilot)
        assert "✗ Not quite." in text
        assert f"You chose: ✗ {cramp}. A long, painful tightening of a whole muscle" in text
        assert "(not right)" in text and "Why not: That describes a cramp." in text
        assert f"The right answer: {right}. A small, brief movement of a few muscle fibres" in text
        assert "Why this is right: That is what a twitch is." in text
    _, review = store.reviews()
    assert not review.correct and review.confident_wrong and review.rating is SelfRating.AGAIN


async def test_not_sure_turns_a_right_answer_into_hard(
    make_app: AppFactory, store: ReviewStore
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter")
        await past_the_red_flag_card(pilot)
        await press(pilot, "s")
        assert "[x] Not sure" in screen_text(pilot)
        await press(pilot, key(app, 0), "enter")
        assert "Right, even though you were not sure" in screen_text(pilot)
    _, review = store.reviews()
    assert review.unsure and review.rating is SelfRating.HARD


async def test_not_sure_while_typing_uses_ctrl_s(make_app: AppFactory, store: ReviewStore) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter")
        await past_the_red_flag_card(pilot)
        await press(pilot, key(app, 0), "enter", "enter", "t", "enter", "enter")
        assert isinstance(app.focused, Input)
        await type_text(pilot, "sad")  # "s" is typed, not a command
        assert app.focused.value == "sad"
        await press(pilot, "ctrl+s")
        assert "[x] Not sure (Ctrl+S)" in screen_text(pilot)
        await press(pilot, "enter")
    assert store.reviews()[-1].unsure


async def test_choose_needs_a_choice_before_checking(
    make_app: AppFactory, store: ReviewStore
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter")
        await past_the_red_flag_card(pilot)
        await press(pilot, "enter")
        assert isinstance(app.screen, QuestionScreen)
        assert "Choose first: press 1 to 3." in screen_text(pilot)
        second = app.screen.item.option_order[1]
        await press(pilot, "down", "space", "enter")  # the cursor works too
        assert isinstance(app.screen, FeedbackScreen)
    assert kinds(store) == ["flashcard", "choice"]
    assert json.loads(store.reviews()[1].answer)["value"] == [second]


async def test_empty_text_answer_asks_once_then_shows_the_answer(
    make_app: AppFactory, store: ReviewStore
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter")
        await past_the_red_flag_card(pilot)
        await press(pilot, key(app, 0), "enter", "enter", "t", "enter", "enter", "enter")
        assert isinstance(app.screen, QuestionScreen)
        assert "Nothing typed in this answer yet" in screen_text(pilot)
        await press(pilot, "enter")
        assert isinstance(app.screen, FeedbackScreen)
        assert "you typed “(nothing)”" in screen_text(pilot)
    assert not store.reviews()[-1].correct


async def test_undo_from_feedback_and_from_the_next_question(
    make_app: AppFactory, store: ReviewStore
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter")
        await past_the_red_flag_card(pilot)
        shown = app.screen.item.option_order  # type: ignore[attr-defined]
        await press(pilot, key(app, 1), "enter")
        assert store.review_count() == 2
        await press(pilot, "u")
        assert isinstance(app.screen, QuestionScreen)
        assert app.screen.item.question.id == "what-is-twitch"
        assert app.screen.item.option_order == shown  # the same order after undo
        assert store.review_count() == 1
        await press(pilot, key(app, 0), "enter")
        assert [r.correct for r in store.reviews()] == [True, True]

        await press(pilot, "enter")  # on to the next question, then think better of it
        assert isinstance(app.screen, QuestionScreen)
        assert app.screen.item.question.id == "tf-common"
        await press(pilot, "u")
        assert isinstance(app.screen, QuestionScreen)
        assert app.screen.item.question.id == "what-is-twitch"
        assert store.review_count() == 1


async def test_first_run_disclaimer_is_acknowledged_once_and_state_survives_quit(
    make_app: AppFactory, store: ReviewStore, data_dir: Path, clock: Clock
) -> None:
    app = make_app(first_run=True)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, DisclaimerScreen)
        assert "This quiz is for learning. It is not a diagnosis" in screen_text(pilot)
        await press(pilot, "enter")
        assert isinstance(app.screen, HomeScreen)
        await press(pilot, "enter")
        await past_the_red_flag_card(pilot)
        await press(pilot, key(app, 0), "enter", "enter", "t", "enter", "enter")
        await type_text(pilot, "pain")  # the fourth answer is in progress...
        await press(pilot, "ctrl+q")  # ...when the learner quits
    assert app.return_code == 0
    assert store.review_count() == 3  # the answers given are kept; the one in progress is not

    # A new process: a fresh store object on the same file.
    clock.advance(minutes=15)
    with ReviewStore.open(data_dir) as reopened:
        again = make_app(first_run=True, on_store=reopened)
        async with again.run_test(size=SIZE) as pilot:
            assert isinstance(again.screen, HomeScreen)  # no disclaimer the second time
            text = screen_text(pilot)
            assert "Sample bank" in text
            home = again.screen
            assert [(o.counts.due_now, o.counts.new) for o in home.overviews] == [(3, 3)]
            await press(pilot, "enter")
            assert isinstance(again.screen, QuestionScreen)
            assert again.screen.item.question.id in ("weak", "what-is-twitch", "tf-common")
            assert not again.screen.item.is_new


async def test_quit_at_the_disclaimer_shows_it_again_next_time(
    make_app: AppFactory, store: ReviewStore
) -> None:
    app = make_app(first_run=True)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "q")
    again = make_app(first_run=True)
    async with again.run_test(size=SIZE):
        assert isinstance(again.screen, DisclaimerScreen)


async def test_q_quits_from_feedback_with_the_answer_kept(
    make_app: AppFactory, store: ReviewStore
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter", "space", "3", "q")
    assert app.return_code == 0
    assert app.answers_saved == 1
    assert store.review_count() == 1


async def test_q_and_question_mark_are_typed_in_a_text_field(
    make_app: AppFactory, store: ReviewStore
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter")
        await past_the_red_flag_card(pilot)
        await press(pilot, key(app, 0), "enter", "enter", "t", "enter", "enter")
        await type_text(pilot, "q?")
        assert isinstance(app.focused, Input) and app.focused.value == "q?"
        assert app.is_running
        text = screen_text(pilot)
        assert "^q Quit" in text and "f1 Help" in text  # the footer shows the keys that work
        await press(pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        await press(pilot, "escape")
        assert isinstance(app.screen, QuestionScreen)
        assert isinstance(app.focused, Input) and app.focused.value == "q?"


async def test_bank_text_is_shown_literally_not_as_markup(
    make_app: AppFactory, store: ReviewStore, tmp_path: Path
) -> None:
    bank = write_bank(
        tmp_path,
        """
id: markup
title: "[b]Bold[/b] [link=x]bank[/link]"
description: Text that looks like markup.
version: "1"
sources:
  - {id: doc, title: "A [i]document[/i]"}
questions:
  - id: markup-q
    type: single
    prompt: "What does [bold]this[/bold] mean? [link=https://example.com]click[/link]"
    explanation: "An [red]explanation[/red] with $variables and \\\\[escapes]."
    source: {id: doc, section: "[u]Intro[/u]"}
    topics: [basics]
    options:
      - {text: "[red]Red[/red] text", correct: true, why: "[i]Because[/i] it is."}
      - {text: "[@click=app.quit]Quit[/]", why: "A click action, shown as text."}
      - {text: "Plain", why: "Plain."}
""",
    )
    app = make_app(banks=[bank])
    async with app.run_test(size=SIZE) as pilot:
        assert "[b]Bold[/b] [link=x]bank[/link]" in screen_text(pilot)
        await press(pilot, "enter")
        text = screen_text(pilot)
        assert "Question 1 of 1 · [b]Bold[/b] [link=x]bank[/link]" in text
        assert "What does [bold]this[/bold] mean? [link=https://example.com]click[/link]" in text
        assert "[red]Red[/red] text" in text
        assert "[@click=app.quit]Quit[/]" in text
        await press(pilot, key(app, 0), "enter")
        text = screen_text(pilot)
        assert "[i]Because[/i] it is." in text
        assert "An [red]explanation[/red] with $variables and \\[escapes]." in text
        assert "A [i]document[/i], section “[u]Intro[/u]”" in text


async def test_practice_mode_writes_nothing(make_app: AppFactory, store: ReviewStore) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "p")
        assert "Mode: practice." in screen_text(pilot)
        await press(pilot, "enter")
        assert "practice" in screen_text(pilot)
        await press(pilot, "space", "3")
        assert "Practice mode: your schedule did not change." in screen_text(pilot)
        await press(pilot, "escape")
        assert isinstance(app.screen, SummaryScreen)
        assert "Practice mode: nothing was saved." in screen_text(pilot)
    assert store.review_count() == 0


async def test_nothing_due_is_said_calmly_on_the_home_screen(
    make_app: AppFactory, store: ReviewStore
) -> None:
    app = make_app(options=SessionOptions(new_limit=0, day_tz=OPTIONS.day_tz))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await press(pilot, "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        text = screen_text(pilot)
        assert "Nothing is due in this bank right" in text  # a toast, wrapped
        assert "Press p for practice mode" in text


async def test_a_whole_session_ends_with_its_summary(
    make_app: AppFactory, store: ReviewStore
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter")
        answered = 0
        while isinstance(app.screen, QuestionScreen) and answered < 40:
            item = app.screen.item
            q = item.question
            if q.type.value in ("single", "multi"):
                wrong = q.id == "multi-triggers" and answered < 6
                options = q.correct_options if not wrong else (2,)
                picks = [key(app, i) for i in options]
                await press(pilot, *picks, "enter")
            elif q.type.value == "true_false":
                await press(pilot, "t", "enter")
            elif q.type.value == "flashcard":
                await press(pilot, "space", "1" if answered < 6 else "3")
            else:
                await type_text(pilot, q.answers[0] if q.answers else "painful")
                await press(pilot, "enter")
            answered += 1
            assert isinstance(app.screen, FeedbackScreen)
            await press(pilot, "enter")
        assert isinstance(app.screen, SummaryScreen)
        text = screen_text(pilot)
        s = app.screen.summary
        assert s.answered == answered == store.review_count()
        flat = " ".join(text.split())
        assert f"You answered {s.items} questions ({s.answered} answers with the ones" in flat
        assert f"and got {s.right} right" in flat
        assert "By topic" in text and "basics" in text
        assert "Worth another look: warning signs" in text  # the red-flag flashcard, "Again"
        assert "What to do: See your doctor" in text
        assert "The next review is due in" in text
        await press(pilot, "enter")
        assert isinstance(app.screen, HomeScreen)


async def test_end_early_then_undo_from_the_summary(
    make_app: AppFactory, store: ReviewStore
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter", "space", "3", "enter", "escape")
        assert isinstance(app.screen, SummaryScreen)
        assert "You answered 1 question and got 1 right" in screen_text(pilot)
        await press(pilot, "u")
        assert isinstance(app.screen, QuestionScreen)
        assert app.screen.item.question.id == "weak"
        assert store.review_count() == 0
        await press(pilot, "escape")  # nothing answered: straight home
        assert isinstance(app.screen, HomeScreen)


async def test_stats_screen_shows_charts_retention_banks_and_leeches(
    make_app: AppFactory, store: ReviewStore
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 60)) as pilot:
        await press(pilot, "enter", "space", "3", "escape", "enter", "s")
        assert isinstance(app.screen, StatsScreen)
        text = screen_text(pilot)
        assert "Due now: 0.  Answers so far: 1 (1 today)." in text
        assert "Due in the next 30 days" in text and "Answers in the last 30 days" in text
        assert "1 review in the next 30 days; the busiest day is today (1)." in text
        assert "1 answer on 1 day in the last 30 days." in text
        assert "Sample bank" in text and "Retention: not measured yet" in text
        assert "Leeches: items forgotten 4 times or more" in text
        await press(pilot, "escape")
        assert isinstance(app.screen, HomeScreen)


async def test_page_keys_scroll_long_screens_at_80x24(make_app: AppFactory) -> None:
    # The stats screen is taller than 24 rows: PgDn must reveal its end, PgUp its top.
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "enter", "space", "3", "escape", "enter", "s")
        assert isinstance(app.screen, StatsScreen)
        body = app.screen.query_one("#stats-body", VerticalScroll)
        assert body.max_scroll_y > 0
        await press(pilot, "pagedown", "pagedown", "pagedown")
        assert body.scroll_y == body.max_scroll_y
        await press(pilot, "pageup", "pageup", "pageup")
        assert body.scroll_y == 0
        # The screen's own page action (used when a field, not the body, has focus).
        await app.screen.run_action("page(1)")
        await pilot.pause()
        assert body.scroll_y > 0
        await app.screen.run_action("page(-1)")
        await pilot.pause()
        assert body.scroll_y == 0
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        help_body = app.screen.query_one("#help-scroll", VerticalScroll)
        await press(pilot, "pagedown")
        assert help_body.scroll_y > 0 or help_body.max_scroll_y == 0


async def test_help_opens_anywhere_and_closes(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "Everywhere" in screen_text(pilot)
        await press(pilot, "escape", "enter", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, QuestionScreen)


async def test_theme_toggle_is_remembered(make_app: AppFactory, store: ReviewStore) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert app.current_theme.dark
        await press(pilot, "ctrl+t")
        assert app.theme == LIGHT_THEME
    assert store.get_meta(THEME_META_KEY) == LIGHT_THEME
    again = make_app()
    async with again.run_test(size=SIZE):
        assert again.theme == LIGHT_THEME


async def test_no_color_is_respected(make_app: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.filter import Monochrome, NoColor

    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert app.no_color
        assert any(isinstance(f, (Monochrome, NoColor)) for f in app._filters)
        await press(pilot, "enter", "space", "1")
        assert "You graded this one Again" in screen_text(pilot)  # the verdict is in words
        await press(pilot, "enter")
        await press(pilot, key(app, 1), "enter")
        assert "✗ Not quite." in screen_text(pilot)  # the verdict is words and a mark


async def test_first_screen_marker_exits_after_the_first_paint(
    store: ReviewStore, clock: Clock, tmp_path: Path
) -> None:
    from tui_helpers import acknowledge_disclaimer

    from quiz.bank.load import load_bank

    acknowledge_disclaimer(store)
    marker = tmp_path / "painted"
    app = create_app(
        store=store,
        banks=[load_bank(MINIMAL)],
        now=clock,
        options=OPTIONS,
        cursor_blink=False,
        first_screen_marker=marker,
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    assert app.return_code == 0
    wall, cpu = (float(x) for x in marker.read_text().split())
    assert wall > 0 and cpu > 0


async def test_a_restart_lists_known_banks_from_the_store_and_parses_them_to_study(
    store: ReviewStore, clock: Clock, tmp_path: Path
) -> None:
    # What `quiz study` does: the first start loads and syncs; the next one finds the same
    # bytes in the store, shows home from it, and parses the bank only to study it.
    from tui_helpers import acknowledge_disclaimer

    from quiz.bank.selection import open_catalog

    acknowledge_disclaimer(store)
    bank_file = tmp_path / "sample.yaml"
    bank_file.write_bytes(MINIMAL.read_bytes())
    first = create_app(
        store=store,
        banks=open_catalog([bank_file], store),
        now=clock,
        options=OPTIONS,
        cursor_blink=False,
    )
    async with first.run_test(size=SIZE) as pilot:
        await press(pilot, "enter", "space", "3")
        assert isinstance(first.screen, FeedbackScreen)
        await press(pilot, "q")
    assert store.review_count() == 1

    catalog = open_catalog([bank_file], store)
    assert not catalog.loaded
    app = create_app(store=store, banks=catalog, now=clock, options=OPTIONS, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        text = screen_text(pilot)
        assert "Sample bank" in text
        assert [(o.counts.due_now, o.counts.new) for o in app.screen.overviews] == [(0, 5)]
        assert not catalog.loaded  # the home screen came from the store
        await press(pilot, "enter")
        assert isinstance(app.screen, QuestionScreen)
        assert catalog.loaded
        assert "Question 1 of 6 · Sample bank" in screen_text(pilot)


async def test_a_bank_that_no_longer_loads_is_reported_and_home_stays(
    store: ReviewStore, clock: Clock, tmp_path: Path
) -> None:
    # Bytes the store knows but today's loader refuses (a loader changed without a new
    # LOADER_REVISION): the learner is told which file and line, and nothing starts.
    from tui_helpers import acknowledge_disclaimer

    from quiz.bank.catalog import BankCatalog, BankEntry, BankFile

    acknowledge_disclaimer(store)
    bad = BankFile(tmp_path / "sample.yaml", b"id: sample\nquestions: 3\n")
    catalog = BankCatalog.known([bad], {bad.digest: BankEntry("sample", "Sample bank")})
    assert catalog is not None
    app = create_app(store=store, banks=catalog, now=clock, options=OPTIONS, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        assert "Sample bank" in screen_text(pilot)
        await press(pilot, "enter")
        assert isinstance(app.screen, HomeScreen)
        notes = [n.message for n in app._notifications]
        assert any("A bank could not be read" in m and "sample.yaml:" in m for m in notes), notes
    assert store.review_count() == 0
