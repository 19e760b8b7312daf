"""The study session: queue order, grading into ratings, results, undo, practice, summary."""

from __future__ import annotations

from datetime import timedelta, timezone
from pathlib import Path

import pytest
from unit_helpers import MINIMAL, T0, Clock

from quiz.bank.load import load_bank
from quiz.bank.model import Bank, Question, QuestionType
from quiz.engine.grading import (
    Answer,
    AnswerError,
    ChoiceAnswer,
    ClozeAnswer,
    FlashcardGrade,
    SelfRating,
    TextAnswer,
    TrueFalseAnswer,
)
from quiz.engine.schedule import CardState
from quiz.engine.session import (
    SessionError,
    SessionOptions,
    StudySession,
    bank_overview,
)
from quiz.engine.store import ReviewStore

OPTS = SessionOptions(day_tz=timezone.utc)


def make_bank(tmp_path: Path, bank_id: str = "sample", edit: str | None = None) -> Bank:
    text = MINIMAL.read_text(encoding="utf-8").replace("id: sample", f"id: {bank_id}", 1)
    if edit:
        old, new = edit.split("=>")
        assert old in text
        text = text.replace(old, new)
    p = tmp_path / f"{bank_id}-{abs(hash(text))}.yaml"
    p.write_text(text, encoding="utf-8")
    return load_bank(p)


def right(q: Question) -> Answer:
    if q.type in (QuestionType.SINGLE, QuestionType.MULTI):
        return ChoiceAnswer(frozenset(q.correct_options))
    if q.type is QuestionType.TRUE_FALSE:
        return TrueFalseAnswer(bool(q.answer))
    if q.type is QuestionType.TYPED:
        return TextAnswer(q.answers[0])
    if q.type is QuestionType.CLOZE:
        return ClozeAnswer(tuple(d.text for d in q.cloze_deletions()))
    return FlashcardGrade(SelfRating.GOOD)


def wrong(q: Question) -> Answer:
    if q.type in (QuestionType.SINGLE, QuestionType.MULTI):
        return ChoiceAnswer.of(next(i for i, o in enumerate(q.options) if not o.correct))
    if q.type is QuestionType.TRUE_FALSE:
        return TrueFalseAnswer(not q.answer)
    if q.type is QuestionType.TYPED:
        return TextAnswer("no idea")
    if q.type is QuestionType.CLOZE:
        return ClozeAnswer(tuple("zzz" for _ in q.cloze_deletions()))
    return FlashcardGrade(SelfRating.AGAIN)


@pytest.fixture
def store(tmp_path: Path) -> ReviewStore:
    s = ReviewStore(tmp_path / "progress.sqlite3")
    yield s  # type: ignore[misc]
    s.close()


def drain(session: StudySession, clock: Clock, answer=right) -> list[str]:  # type: ignore[no-untyped-def]
    seen = []
    while (item := session.next_item()) is not None:
        seen.append(item.question.id)
        session.submit(answer(item.question))
        clock.advance(seconds=20)
    return seen


def test_new_items_interleave_across_banks_and_respect_the_limit(
    tmp_path: Path, store: ReviewStore
) -> None:
    a, b = make_bank(tmp_path, "alpha"), make_bank(tmp_path, "beta")
    clock = Clock()
    s = StudySession([a, b], store, clock, SessionOptions(new_limit=5, day_tz=timezone.utc))
    first = s.next_item()
    # each bank has its own daily allowance of new items: five of each
    assert first is not None and first.is_new and first.total == 10 == s.size
    keys = []
    for _ in range(5):
        item = s.next_item()
        assert item is not None
        keys.append(item.key)
        s.submit(right(item.question))
    assert keys == [
        ("alpha", "weak"),  # red-flag items first, interleaved
        ("beta", "weak"),
        ("alpha", "what-is-twitch"),
        ("beta", "what-is-twitch"),
        ("alpha", "tf-common"),
    ]
    drain(s, clock)
    # Later the same day a new session gets no new items: the limit counts the log.
    clock.advance(hours=3)
    later = StudySession([a, b], store, clock, SessionOptions(new_limit=5, day_tz=timezone.utc))
    drain(later, clock)
    assert not any(r.item.is_new for r in later.results)
    # The next day, the one new item left in each bank.
    clock.advance(days=1)
    next_day = StudySession([a, b], store, clock, SessionOptions(new_limit=5, day_tz=timezone.utc))
    new = [c for c in next_day._queue.main if store.card(c.card_id).is_new]  # type: ignore[arg-type, union-attr]
    assert sorted(e.bank_id for e in new) == ["alpha", "beta"]


def test_one_bank_studied_alone_does_not_use_up_another_banks_new_items(
    tmp_path: Path, store: ReviewStore
) -> None:
    a, b = make_bank(tmp_path, "alpha"), make_bank(tmp_path, "beta")
    clock = Clock()
    opts = SessionOptions(new_limit=4, day_tz=timezone.utc)
    drain(StudySession([a], store, clock, opts), clock)
    assert bank_overview(store, [a, b], clock(), opts)[0].new_today == 0
    assert bank_overview(store, [a, b], clock(), opts)[1].new_today == 4
    s = StudySession([b], store, clock, opts)
    item = s.next_item()
    assert item is not None and item.is_new and item.key == ("beta", "weak")


def test_the_session_size_is_fixed_and_missed_items_come_back_as_again(
    tmp_path: Path, store: ReviewStore
) -> None:
    bank = make_bank(tmp_path)
    clock = Clock()
    s = StudySession([bank], store, clock, SessionOptions(limit=4, day_tz=timezone.utc))
    shown = []
    while (item := s.next_item()) is not None:
        shown.append((item.position, item.total, item.again, item.question.id))
        r = s.submit(wrong(item.question) if not item.again else right(item.question))
        assert r.again_this_session == (not item.again)  # asked once more at most
        clock.advance(minutes=2)
    firsts = [x for x in shown if not x[2]]
    assert [x[0] for x in firsts] == [1, 2, 3, 4]  # n of N counts each item once
    assert {x[1] for x in shown} == {4}  # N never grows
    agains = [x for x in shown if x[2]]
    assert {x[3] for x in agains} == {x[3] for x in firsts}  # every miss came back
    assert all(x[0] == next(f[0] for f in firsts if f[3] == x[3]) for x in agains)
    summary = s.summary()
    assert summary.items == 4 and summary.planned == 4 and summary.answered > 4


def test_no_item_is_started_after_the_time_limit(tmp_path: Path, store: ReviewStore) -> None:
    bank = make_bank(tmp_path)
    clock = Clock()
    opts = SessionOptions(time_limit=timedelta(minutes=3), day_tz=timezone.utc)
    s = StudySession([bank], store, clock, opts)
    asked = 0
    while (item := s.next_item()) is not None:
        s.submit(right(item.question))
        asked += 1
        clock.advance(minutes=1)
    assert asked == 3 and s.time_is_up()


def test_options_are_shown_in_a_fresh_order_each_review_and_the_same_after_undo(
    tmp_path: Path, store: ReviewStore
) -> None:
    bank = make_bank(tmp_path)
    clock = Clock()
    q = bank.question("what-is-twitch")
    orders = []
    for _ in range(8):
        s = StudySession([bank], store, clock, SessionOptions(limit=50, day_tz=timezone.utc))
        while (item := s.next_item()) is not None and item.question.id != "what-is-twitch":
            s.submit(right(item.question))
        assert item is not None
        orders.append(item.option_order)
        assert item.options == tuple(q.options[i].text for i in item.option_order)
        # a restart before answering (a new process on the same store) shows the same order
        restarted = StudySession(
            [bank], store, clock, SessionOptions(limit=50, day_tz=timezone.utc)
        )
        while (again := restarted.next_item()) is not None and again.key != item.key:
            restarted.submit(right(again.question))
        assert again is not None and again.option_order == item.option_order
        shown_right = item.shown_number(0)
        # the learner picks the option at the shown position; the answer holds its identity
        answer = ChoiceAnswer(item.option_ids({shown_right - 1}))
        assert answer.chosen == frozenset({0})
        r = s.submit(answer)
        assert r.correct
        back = s.undo()
        assert back is not None and back.option_order == item.option_order
        s.submit(answer)
        card = store.card_by_key("sample", "what-is-twitch")
        assert card is not None and card.due is not None
        clock.t = card.due + timedelta(minutes=1)
    assert len(set(orders)) > 2


def test_due_items_come_first_most_overdue_first(tmp_path: Path, store: ReviewStore) -> None:
    bank = make_bank(tmp_path)
    clock = Clock()
    s = StudySession([bank], store, clock, SessionOptions(new_limit=2, day_tz=timezone.utc))
    drain(s, clock)  # two new items learned to the Review state
    dues = {c.question_id: c.due for c in store.cards(["sample"]) if c.due}
    assert set(dues) == {"weak", "what-is-twitch"}  # the red-flag item first
    clock.t = max(d for d in dues.values() if d) + timedelta(days=3)  # both overdue
    s2 = StudySession([bank], store, clock, SessionOptions(new_limit=2, day_tz=timezone.utc))
    order = [s2.next_item().question.id]  # type: ignore[union-attr]
    s2.submit(right(s2.current.question))  # type: ignore[union-attr]
    order.append(s2.next_item().question.id)  # type: ignore[union-attr]
    s2.submit(right(s2.current.question))  # type: ignore[union-attr]
    assert order == sorted(dues, key=lambda k: dues[k])  # type: ignore[arg-type, return-value]
    third = s2.next_item()
    assert third is not None and third.is_new  # new items after the due ones


def test_wrong_right_and_unsure_become_again_good_and_hard(
    tmp_path: Path, store: ReviewStore
) -> None:
    bank = make_bank(tmp_path)
    clock = Clock()
    s = StudySession([bank], store, clock, OPTS)
    item = s.next_item()
    assert item is not None and item.question.id == "weak"  # the red-flag item comes first
    s.submit(FlashcardGrade(SelfRating.GOOD))
    item = s.next_item()
    assert item is not None and item.question.id == "what-is-twitch"
    r = s.submit(ChoiceAnswer.of(1))
    assert not r.correct and r.rating is SelfRating.AGAIN and r.confident_wrong
    assert r.chosen[0].why == "That describes a cramp."
    assert r.correct_answer == "A small, brief movement of a few muscle fibres"
    assert r.explanation.startswith("A twitch is")
    assert r.source == "A document, section \u201cIntro\u201d"
    assert r.interval == timedelta(minutes=1) and r.next_due == T0 + timedelta(minutes=1)

    item = s.next_item()
    assert item is not None and item.question.id == "tf-common"
    r = s.submit(TrueFalseAnswer(True), unsure=True)
    assert r.correct and r.rating is SelfRating.HARD and not r.confident_wrong
    item = s.next_item()
    r = s.submit(ClozeAnswer(("gentle",)), unsure=True)
    assert r.rating is SelfRating.AGAIN and not r.confident_wrong  # unsure wrong: no misconception

    logs = store.reviews()
    assert [(x.question_id, x.rating, x.correct, x.confident_wrong) for x in logs] == [
        ("weak", SelfRating.GOOD, True, False),
        ("what-is-twitch", SelfRating.AGAIN, False, True),
        ("tf-common", SelfRating.HARD, True, False),
        ("cloze-cramp", SelfRating.AGAIN, False, False),
    ]
    assert all(x.state_before is CardState.NEW and x.was_new for x in logs)


def test_each_answer_is_committed_before_submit_returns(tmp_path: Path, store: ReviewStore) -> None:
    bank = make_bank(tmp_path)
    s = StudySession([bank], store, Clock(), OPTS)
    item = s.next_item()
    assert item is not None
    s.submit(right(item.question), response_time=timedelta(seconds=4))
    other = ReviewStore(store.path)  # a second connection sees it at once
    logs = other.reviews()
    assert len(logs) == 1 and logs[0].response_ms == 4000
    other.close()


def test_flashcard_previews_match_the_result_and_red_flag_action_shown(
    tmp_path: Path, store: ReviewStore
) -> None:
    bank = make_bank(tmp_path)
    clock = Clock()
    s = StudySession([bank], store, clock, OPTS)
    while (item := s.next_item()) is not None and item.question.id != "weak":
        s.submit(right(item.question))
    assert item is not None and item.flashcard_back == "Weakness that gets worse."
    labels = [p.rating for p in item.previews]
    assert labels == [SelfRating.AGAIN, SelfRating.HARD, SelfRating.GOOD, SelfRating.EASY]
    easy = item.previews[3]
    r = s.submit(FlashcardGrade(SelfRating.EASY))
    assert r.interval == easy.interval and r.next_due == easy.due
    assert r.red_flag and r.action and r.action.startswith("See your doctor")


def test_undo_restores_the_card_and_removes_the_log_entry(
    tmp_path: Path, store: ReviewStore
) -> None:
    bank = make_bank(tmp_path)
    clock = Clock()
    s = StudySession([bank], store, clock, OPTS)
    first = s.next_item()
    assert first is not None and not s.can_undo
    before = store.card(first.card_id)  # type: ignore[arg-type]
    s.submit(wrong(first.question))
    clock.advance(seconds=30)
    second = s.next_item()
    assert second is not None and second.question.id != first.question.id
    again = s.undo()
    assert again is not None and again.key == first.key and s.current is again
    assert again.position == 1 and s.answered == 0
    assert store.card(first.card_id) == before  # type: ignore[arg-type]
    assert store.review_count() == 0
    # the item shown when undo was pressed is still to come, and nothing is lost
    r = s.submit(right(again.question))
    assert r.correct
    nxt = s.next_item()
    assert nxt is not None and nxt.key == second.key
    assert s.undo() is not None and s.undo() is None  # only answered items can be undone


def test_answer_that_does_not_fit_keeps_the_item(tmp_path: Path, store: ReviewStore) -> None:
    s = StudySession([make_bank(tmp_path)], store, Clock(), OPTS)
    with pytest.raises(SessionError):
        s.submit(TrueFalseAnswer(True))
    item = s.next_item()
    with pytest.raises(AnswerError):
        s.submit(TrueFalseAnswer(True))  # a single-choice question
    assert s.current is item and store.review_count() == 0
    assert s.next_item() is item


def test_practice_mode_writes_nothing(tmp_path: Path, store: ReviewStore) -> None:
    bank = make_bank(tmp_path)
    clock = Clock()
    s = StudySession([bank], store, clock, SessionOptions(practice=True, new_limit=0))
    seen = drain(s, clock, answer=wrong)
    # every item once (the red-flag one first), no repeats
    assert seen == ["weak"] + [q.id for q in bank.questions if q.id != "weak"]
    assert all(r.next_due is None and r.review_id is None for r in s.results)
    assert s.undo() is not None
    assert store.review_count() == 0 and store.cards() == []
    summary = s.summary()
    assert summary.practice and summary.answered == 5 and summary.next_due is None


def test_summary_counts_topics_and_missed_red_flags(tmp_path: Path, store: ReviewStore) -> None:
    bank = make_bank(tmp_path)
    clock = Clock()
    s = StudySession([bank], store, clock, SessionOptions(new_limit=6, day_tz=timezone.utc))
    for _ in range(6):
        item = s.next_item()
        assert item is not None
        ans = wrong if item.question.id in ("weak", "emg") else right
        s.submit(ans(item.question))
        clock.advance(seconds=10)
    summary = s.summary()
    assert summary.answered == 6 and summary.right == 4
    assert summary.duration == timedelta(seconds=60)
    topics = {t.topic: (t.right, t.total) for t in summary.topics}
    assert topics == {"basics": (3, 3), "red-flags": (0, 1), "tests": (0, 1), "triggers": (1, 1)}
    assert [m.question_id for m in summary.red_flags_missed] == ["weak"]
    assert summary.red_flags_missed[0].action is not None
    assert summary.confident_wrong == 1  # the typed miss; a flashcard Again is not one
    assert summary.next_due == T0 + timedelta(minutes=1)  # the red-flag miss, asked first


def test_a_leech_is_flagged_but_still_asked(tmp_path: Path, store: ReviewStore) -> None:
    bank = make_bank(tmp_path)
    clock = Clock()
    opts = SessionOptions(new_limit=1, day_tz=timezone.utc)  # the red-flag flashcard
    drain(StudySession([bank], store, clock, opts), clock)
    became = []
    for _ in range(4):
        card = store.card_by_key("sample", "weak")
        assert card is not None and card.state is CardState.REVIEW and card.due
        clock.t = card.due + timedelta(hours=1)
        s = StudySession([bank], store, clock, SessionOptions(new_limit=0, day_tz=timezone.utc))
        r = s.submit(wrong(s.next_item().question))  # type: ignore[union-attr]
        became.append(r.became_leech)
        drain(s, clock)  # relearn back to Review
    assert became == [False, False, False, True]
    card = store.card_by_key("sample", "weak")
    assert card is not None and card.lapses == 4 and card.is_leech
    clock.t = card.due + timedelta(hours=1)  # type: ignore[operator]
    item = StudySession([bank], store, clock, SessionOptions(new_limit=0)).next_item()
    assert item is not None and item.is_leech


def test_edited_question_keeps_history_removed_one_is_not_asked(
    tmp_path: Path, store: ReviewStore
) -> None:
    bank = make_bank(tmp_path)
    clock = Clock()
    drain(StudySession([bank], store, clock, OPTS), clock)
    edited = make_bank(
        tmp_path, edit="Many healthy people twitch.=>Many healthy people twitch at times."
    )
    trimmed_text = edited.questions
    clock.advance(days=40)
    shrunk = Bank(
        **{
            **{f: getattr(edited, f) for f in edited.__dataclass_fields__},
            "questions": tuple(q for q in trimmed_text if q.id != "emg"),
        }
    )
    s = StudySession([shrunk], store, clock, OPTS)
    assert s.sync_reports[0].edited == ("tf-common",) and s.sync_reports[0].retired == ("emg",)
    items = {}
    while (item := s.next_item()) is not None:
        items[item.question.id] = item
        s.submit(right(item.question))
    assert "emg" not in items
    assert items["tf-common"].edited and not items["tf-common"].is_new
    tf = store.card_by_key("sample", "tf-common")
    assert tf is not None and tf.reps >= 3 and not tf.edited


def test_bank_overview_for_a_home_screen(tmp_path: Path, store: ReviewStore) -> None:
    a, b = make_bank(tmp_path, "alpha"), make_bank(tmp_path, "beta")
    clock = Clock()
    ov = bank_overview(store, [a, b], clock(), SessionOptions(new_limit=4, day_tz=timezone.utc))
    assert [(o.bank.id, o.counts.new, o.new_today) for o in ov] == [("alpha", 6, 4), ("beta", 6, 4)]
    s = StudySession([a], store, clock, SessionOptions(new_limit=4, day_tz=timezone.utc))
    s.submit(wrong(s.next_item().question))  # type: ignore[union-attr]
    ov = bank_overview(store, [a, b], clock(), SessionOptions(new_limit=4, day_tz=timezone.utc))
    assert ov[0].counts.new == 5 and ov[0].counts.learning == 1 and ov[0].new_today == 3


def test_duplicate_bank_ids_are_refused(tmp_path: Path, store: ReviewStore) -> None:
    with pytest.raises(ValueError, match="share the id"):
        StudySession(
            [make_bank(tmp_path), make_bank(tmp_path, edit="A document=>Doc")], store, Clock(), OPTS
        )


def test_undo_while_the_re_ask_of_the_same_item_is_shown(
    tmp_path: Path, store: ReviewStore
) -> None:
    bank = make_bank(tmp_path)
    clock = Clock()
    s = StudySession([bank], store, clock, SessionOptions(new_limit=1, day_tz=timezone.utc))
    item = s.next_item()
    assert item is not None
    s.submit(wrong(item.question))
    re_ask = s.next_item()  # nothing else left: the 1-minute step comes back early
    assert re_ask is not None and re_ask.key == item.key
    back = s.undo()
    assert back is not None and back.key == item.key and store.review_count() == 0
    s.submit(right(back.question))
    following = s.next_item()
    assert following is not None and following.key == item.key  # its own 10-minute step
    s.submit(right(following.question))
    assert s.next_item() is None  # no duplicate left behind


def test_an_item_missed_again_and_again_in_its_learning_steps_becomes_a_leech(
    tmp_path: Path, store: ReviewStore
) -> None:
    # Found by a learner: an item failed 29 times was never listed as a leech, because only an
    # Again on an item in review counted as a lapse.
    bank = make_bank(tmp_path)
    clock = Clock()
    flags = []
    for _ in range(6):
        s = StudySession([bank], store, clock, SessionOptions(new_limit=1, day_tz=timezone.utc))
        item = s.next_item()
        assert item is not None and item.question.id == "weak"
        flags.append(s.submit(wrong(item.question)).is_leech)
        clock.advance(hours=1)
    card = store.card_by_key("sample", "weak")
    assert card is not None and card.state is not CardState.REVIEW  # never learned
    assert card.lapses == 5 and card.is_leech
    assert flags == [False, False, False, False, True, True]


def test_estimated_knowledge_counts_only_items_answered_right(
    tmp_path: Path, store: ReviewStore
) -> None:
    # Found by a learner: "about 13 items you would recall now" after 3 right of 13.
    from quiz.engine.stats import compute_stats

    bank = make_bank(tmp_path)
    clock = Clock()
    s = StudySession([bank], store, clock, SessionOptions(day_tz=timezone.utc))
    right_ids = {"what-is-twitch", "tf-common"}
    while (item := s.next_item()) is not None and not item.again:
        q = item.question
        s.submit(right(q) if q.id in right_ids else wrong(q))
        clock.advance(seconds=1)
    assert len(s.results) == 6
    stats = compute_stats(store, clock(), day_tz=timezone.utc)
    assert 1.9 < stats.estimated_knowledge <= 2.0  # the two right ones, nothing for the misses
