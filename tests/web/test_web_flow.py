"""The web front end's study flow, in process (Starlette's TestClient): every screen of the
terminal app, each of the six question types, feedback, undo, the summary, practice mode
and statistics, all through plain form posts as a browser without JavaScript sends them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from web_helpers import (
    DISCLAIMER,
    MINIMAL,
    TOKEN,
    Learner,
    answer_fields,
    current_item,
    make_web,
)

from quiz.bank.discover import DISCLAIMER_META_KEY, disclaimer_digest
from quiz.bank.load import load_bank
from quiz.bank.model import QuestionType
from quiz.bank.order import option_order, review_seed
from quiz.engine.store import ReviewStore
from quiz.web.app import QuizWeb


def reviews(web: QuizWeb) -> int:
    """Answers in the local learner's store, read through a connection of its own."""
    store = ReviewStore.open(web.config.data_dir)
    try:
        return store.review_count()
    finally:
        store.close()


# -- signing in and the disclaimer ----------------------------------------------------------


def test_pages_need_the_one_time_link(client: TestClient) -> None:
    who = Learner(client)
    for path in ("/", "/study", "/stats", "/disclaimer"):
        page = who.get(path)
        assert page.path == "/login"
        assert "open the link that quiz serve printed" in page.main
    assert who.get("/help").status == 200  # help needs no sign-in


def test_the_link_works_once_and_a_wrong_one_never(web: QuizWeb) -> None:
    with TestClient(web.app()) as first, TestClient(web.app()) as second:
        wrong = Learner(first).get("/login?token=not-the-token")
        assert wrong.status == 403 and "not right" in wrong.main
        ok = Learner(first).sign_in()
        assert ok.path == "/disclaimer"
        again = Learner(second).sign_in()
        assert again.status == 403 and "already used" in again.main
        assert Learner(second).get("/").path == "/login"


def test_disclaimer_first_and_recorded_for_every_front_end(
    client: TestClient, web: QuizWeb
) -> None:
    who = Learner(client)
    page = who.sign_in()
    assert page.path == "/disclaimer"
    assert "This quiz teaches; it does not diagnose." in page.main
    assert who.get("/study").path == "/disclaimer"
    home = who.post("/disclaimer")
    assert home.path == "/" and "Choose what to study" in home.main
    store = ReviewStore.open(web.config.data_dir)
    try:
        assert store.get_meta(DISCLAIMER_META_KEY) == disclaimer_digest(DISCLAIMER)
    finally:
        store.close()
    assert who.get("/disclaimer").path == "/"


def test_home_lists_banks_with_counts_and_both_modes(learner: Learner) -> None:
    page = learner.get("/")
    assert "Sample bank" in page.main
    assert "0 due now, 6 new, 0 mastered, 6 questions" in page.main
    assert 'value="study"' in page.html and 'value="practice"' in page.html
    assert "New questions today: up to 6." in page.main


# -- a whole session, every question type ---------------------------------------------------


def play(learner: Learner, web: QuizWeb, *, right: bool) -> list[tuple[QuestionType, str]]:
    """Answer every item of a session; returns (type, feedback text) per answer."""
    seen = []
    page = learner.start()
    while page.path == "/study":
        item = current_item(web)
        page = learner.post("/study/answer", answer_fields(item, right))
        assert page.path == "/study/feedback", page.main
        seen.append((item.type, page.main))
        page = learner.post("/study/next")
    assert page.path == "/study/summary"
    return seen


def test_a_whole_session_right_covers_all_six_types(learner: Learner, web: QuizWeb) -> None:
    seen = play(learner, web, right=True)
    assert {t for t, _ in seen} == set(QuestionType)
    for t, text in seen:
        if t is QuestionType.FLASHCARD:
            assert text.startswith("You graded this one Good")
        else:
            assert text.startswith("✓ Right."), text
    summary = learner.page
    assert summary is not None
    # new items in a learning step come back once more in the same session
    n = len(seen)
    assert (
        f"You answered 6 questions ({n} answers with the ones asked again) and got {n} right"
        in (summary.main)
    )
    assert "Your progress is saved." in summary.main
    assert reviews(web) == n
    home = learner.post("/study/close")
    assert home.path == "/"
    assert "6 new" not in home.main


def test_wrong_answers_say_why_not_and_come_back(learner: Learner, web: QuizWeb) -> None:
    seen = play(learner, web, right=False)
    by_type: dict[QuestionType, str] = {}
    for t, text in seen:
        by_type.setdefault(t, text)  # the first time each type was asked
    single = by_type[QuestionType.SINGLE]
    assert single.startswith("✗ Not quite. Here is the answer.")
    assert "Why not:" in single and "The right answer:" in single
    assert "You typed: a wrong answer" in by_type[QuestionType.TYPED]
    assert "You will see this one again later in this session." in single
    summary = learner.page
    assert summary is not None
    assert "Worth another look: warning signs" in summary.main
    assert "What to do: See your doctor" in summary.main


def test_red_flag_feedback_puts_what_to_do_right_after_the_verdict(
    learner: Learner, web: QuizWeb
) -> None:
    learner.start()
    item = current_item(web)
    assert item.question.red_flag  # red-flag items come first
    page = learner.post("/study/answer", answer_fields(item, right=False))
    html = page.html
    verdict = html.index('id="verdict"')
    action = html.index('class="action"')
    question = html.index('class="asked"')
    assert verdict < action < question
    assert "What to do" in page.main and "See your doctor if you notice weakness" in page.main
    assert "autofocus" in html[verdict - 200 : verdict + 200]
    assert re.search(r"<title>You graded this one Again", html)


def test_options_are_shown_in_the_shuffled_order_of_the_review(
    learner: Learner, web: QuizWeb
) -> None:
    bank = load_bank(MINIMAL)
    page = learner.start()
    while current_item(web).type is not QuestionType.SINGLE:
        page = learner.post("/study/answer", answer_fields(current_item(web), True))
        page = learner.post("/study/next")
    q = bank.question("what-is-twitch")
    order = option_order(q, review_seed(bank.id, q.id, 0))
    shown = re.findall(r'<span class="num">(\d)\.</span> ([^<]+)</label>', page.html)
    assert [text.strip() for _, text in shown] == [q.options[i].text for i in order]
    assert [n for n, _ in shown] == ["1", "2", "3"]


def test_each_type_has_its_controls(learner: Learner, web: QuizWeb) -> None:
    page = learner.start()
    found = set()
    while page.path == "/study":
        item = current_item(web)
        html = page.html
        t = item.type
        found.add(t)
        if t is QuestionType.SINGLE:
            assert html.count('type="radio" name="choice"') == len(item.options)
        elif t is QuestionType.MULTI:
            assert html.count('type="checkbox" name="choice"') == len(item.options)
        elif t is QuestionType.TRUE_FALSE:
            assert 'name="tf" value="true"' in html and 'name="tf" value="false"' in html
        elif t is QuestionType.TYPED:
            assert '<label for="answer">Your answer</label>' in html
            assert 'spellcheck="false"' in html
        elif t is QuestionType.CLOZE:
            assert '<label for="blank-1">The missing word(s)</label>' in html
            assert "[...]" in page.main
        else:
            assert "<summary>Show the answer</summary>" in html
            assert "Weakness that gets worse." in html
            assert html.count('name="grade"') == 4
            assert "Again: I did not remember (back in" in page.main
        if t is not QuestionType.FLASHCARD:
            assert 'name="unsure"' in html
        page = learner.post("/study/answer", answer_fields(item, True))
        page = learner.post("/study/next")
    assert found == set(QuestionType)


def test_not_sure_is_recorded(learner: Learner, web: QuizWeb) -> None:
    learner.start()
    learner.post("/study/answer", answer_fields(current_item(web), True))
    learner.post("/study/next")
    item = current_item(web)
    page = learner.post("/study/answer", [*answer_fields(item, True), ("unsure", "on")])
    assert page.main.startswith("✓ Right, even though you were not sure.")


# -- answers are committed first; nothing is answered twice ---------------------------------


def test_the_answer_is_in_the_store_before_the_feedback_page(
    learner: Learner, web: QuizWeb, client: TestClient
) -> None:
    page = learner.start()
    item = current_item(web)
    fields = list(page.form("/study/answer").items()) + answer_fields(item, True)
    r = client.post("/study/answer", data=dict(fields), follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/study/feedback"
    assert reviews(web) == 1


def test_an_old_page_is_never_taken_as_an_answer(learner: Learner, web: QuizWeb) -> None:
    page = learner.start()
    old = page
    item = current_item(web)
    learner.post("/study/answer", answer_fields(item, True))
    learner.post("/study/next")
    learner.page = old  # the back button
    page = learner.post("/study/answer", answer_fields(item, True))
    assert page.path == "/study"
    assert "That page was out of date, so nothing was recorded" in page.main
    assert reviews(web) == 1


def test_reloading_feedback_does_not_answer_again(learner: Learner, web: QuizWeb) -> None:
    learner.start()
    learner.post("/study/answer", answer_fields(current_item(web), True))
    for _ in range(3):
        assert learner.get("/study/feedback").status == 200
        assert learner.get("/study").path == "/study/feedback"
    assert reviews(web) == 1


@pytest.mark.parametrize(
    ("kind", "fields", "message"),
    [
        (QuestionType.FLASHCARD, [], "Open “Show the answer”"),
        (QuestionType.FLASHCARD, [("grade", "9")], "Open “Show the answer”"),
    ],
)
def test_an_empty_or_impossible_answer_is_asked_again(
    learner: Learner,
    web: QuizWeb,
    kind: QuestionType,
    fields: list[tuple[str, str]],
    message: str,
) -> None:
    learner.start()
    assert current_item(web).type is kind
    page = learner.post("/study/answer", fields)
    assert page.status == 422
    assert 'role="alert"' in page.html and message in page.main
    assert reviews(web) == 0


def test_empty_answers_of_every_type_are_refused(learner: Learner, web: QuizWeb) -> None:
    page = learner.start()
    refused = set()
    while page.path == "/study":
        item = current_item(web)
        if item.type is not QuestionType.FLASHCARD:
            empty = [("text", "  ")] if item.type is QuestionType.TYPED else []
            if item.type is QuestionType.CLOZE:
                empty = [("blank", "")]
            bad = learner.post("/study/answer", empty)
            assert bad.status == 422, item.type
            assert 'role="alert"' in bad.html
            refused.add(item.type)
        if item.type is QuestionType.SINGLE:
            two = learner.post("/study/answer", [("choice", "1"), ("choice", "2")])
            assert "Only one answer is right here" in two.main
            nine = learner.post("/study/answer", [("choice", "9")])
            assert "not one of the options" in nine.main
        learner.post("/study/answer", answer_fields(item, True))
        page = learner.post("/study/next")
    assert len(refused) == 5


def test_a_refused_typed_answer_keeps_what_was_typed(learner: Learner, web: QuizWeb) -> None:
    page = learner.start()
    while current_item(web).type is not QuestionType.MULTI:
        learner.post("/study/answer", answer_fields(current_item(web), True))
        page = learner.post("/study/next")
    page = learner.post("/study/answer", [("unsure", "on")])
    assert page.status == 422
    assert 'id="unsure" checked' in page.html


# -- undo, ending, the summary ------------------------------------------------------------


def test_undo_takes_the_answer_back_and_asks_again(learner: Learner, web: QuizWeb) -> None:
    learner.start()
    first = current_item(web)
    page = learner.post("/study/answer", answer_fields(first, False))
    assert page.has_action("/study/undo")
    assert reviews(web) == 1
    page = learner.post("/study/undo")
    assert page.path == "/study"
    assert "Answer taken back. Here is the question again." in page.main
    assert current_item(web).key == first.key
    assert reviews(web) == 0
    page = learner.post("/study/answer", answer_fields(current_item(web), True))
    assert "You graded this one Good" in page.main
    # from the next question, undo takes back the previous answer
    page = learner.post("/study/next")
    page = learner.post("/study/undo")
    assert current_item(web).key == first.key
    assert reviews(web) == 0


def test_nothing_to_undo_is_said(learner: Learner) -> None:
    page = learner.start()
    assert not page.has_action("/study/undo")
    csrf = page.form("/study/answer")["csrf"]
    r = learner.client.post("/study/undo", data={"csrf": csrf})
    assert "Nothing to undo yet." in r.text


def test_ending_early_shows_the_summary_and_undo_from_it(learner: Learner, web: QuizWeb) -> None:
    learner.start()
    learner.post("/study/answer", answer_fields(current_item(web), True))
    page = learner.post("/study/end")
    assert page.path == "/study/summary"
    assert "You answered 1 question and got 1 right" in page.main
    page = learner.post("/study/undo")
    assert page.path == "/study"
    assert reviews(web) == 0


def test_ending_before_any_answer_goes_home(learner: Learner) -> None:
    learner.start()
    assert learner.post("/study/end").path == "/"


def test_a_session_in_progress_is_offered_on_home(learner: Learner, web: QuizWeb) -> None:
    learner.start()
    learner.post("/study/answer", answer_fields(current_item(web), True))
    learner.post("/study/next")
    home = learner.get("/")
    assert "A session is in progress" in home.main and "Question 2 of 6" in home.main
    assert learner.get("/study").path == "/study"


def test_nothing_to_study_is_said_calmly(tmp_path: Path) -> None:
    web = make_web(tmp_path, options=__import__("quiz").engine.overview.SessionOptions(new_limit=0))
    with TestClient(web.app()) as client:
        who = Learner(client)
        who.sign_in()
        who.acknowledge()
        page = who.start()
        assert page.path == "/"
        assert "Nothing is due in this bank right now" in page.main
        assert "Choose Practice under How" in page.main


# -- practice mode, statistics, help ------------------------------------------------------


def test_practice_mode_writes_nothing(learner: Learner, web: QuizWeb) -> None:
    page = learner.start(mode="practice")
    assert "Practice mode: your answers are not saved" in page.main
    assert "practice" in page.main
    while page.path == "/study":
        page = learner.post("/study/answer", answer_fields(current_item(web), True))
        assert "Practice mode: your schedule did not change." in page.main
        page = learner.post("/study/next")
    assert "Practice mode: nothing was saved." in page.main
    assert reviews(web) == 0


def test_stats_has_words_charts_and_data_tables(learner: Learner, web: QuizWeb) -> None:
    play(learner, web, right=False)
    page = learner.get("/stats")
    assert page.status == 200
    assert "Answers so far: 12 (12 today)" in page.main
    assert page.html.count('role="img"') == 2
    assert page.html.count("<caption") == 3
    assert "Due in the next 30 days" in page.main and "Answers in the last 30 days" in page.main
    assert "Sample bank" in page.main
    assert re.search(r"<th scope=\"row\">today</th><td>12</td>", page.html)


def test_help_page(learner: Learner) -> None:
    page = learner.get("/help")
    assert "How to answer" in page.main and "Keyboard shortcuts" in page.main
    assert 'aria-current="page"' in page.html


def test_token_is_a_fixed_string_only_in_tests(tmp_path: Path) -> None:
    web = make_web(tmp_path, token=None)
    assert web.token is not None and web.token.token != TOKEN and len(web.token.token) >= 40


# -- store faults: the learner's words, and nothing half-saved ------------------------------


def test_a_full_disk_keeps_the_question_and_the_answer_can_be_sent_again(
    learner: Learner, web: QuizWeb, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quiz.engine.faults import DiskFullError
    from quiz.engine.session import StudySession

    page = learner.start()
    item = current_item(web)
    real = StudySession.submit
    calls = {"n": 0}

    def full_once(self: StudySession, *args: object, **kw: object) -> object:
        calls["n"] += 1
        if calls["n"] == 1:
            raise DiskFullError("test")
        return real(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(StudySession, "submit", full_once)
    page = learner.post("/study/answer", answer_fields(item, True))
    assert page.status == 503 and page.path == "/study/answer"  # the page sent again
    assert "Your disk is full: this answer was not saved." in page.main
    assert "Press Check to try again" in page.main
    assert reviews(web) == 0
    page = learner.post("/study/answer", answer_fields(current_item(web), True))
    assert page.path == "/study/feedback"
    assert reviews(web) == 1


def test_damage_found_while_answering_closes_the_store_for_repair(
    learner: Learner, web: QuizWeb, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quiz.engine.faults import StoreDamagedError
    from quiz.engine.session import StudySession

    learner.start()
    item = current_item(web)

    def damaged(self: StudySession, *args: object, **kw: object) -> object:
        raise StoreDamagedError("test")

    monkeypatch.setattr(StudySession, "submit", damaged)
    page = learner.post("/study/answer", answer_fields(item, True))
    assert page.status == 503
    assert "Your progress file is damaged: this answer was not saved." in page.main
    assert "will be repaired" in page.main and "Traceback" not in page.html
    assert web.registry._learners["local"].store is None  # closed; reopened on the next page
    monkeypatch.undo()
    assert learner.get("/").status == 200
