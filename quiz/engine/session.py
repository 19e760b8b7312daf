"""The study session: the UI-free loop that every front end drives.

This module owns the order in which items are asked (the queue), turning an answer into a
result (verdict, feedback, next due time) and recording it, undo, and the end-of-session
summary. Front ends (the Textual app, the plain line mode, tests) only call this API:

    session = StudySession(banks, store, now, SessionOptions())
    while (item := session.next_item()) is not None:
        result = session.submit(answer_for(item), unsure=False)
        ...                               # show result; session.undo() to take it back
    summary = session.summary()

Queue: items due now first (most overdue first), then items in a short learning step due
within `learn_ahead`, then new items (red-flag items of every bank first, then the rest
interleaved across banks, each bank up to its own daily new limit, counted from the review
log so that it holds across sessions). The plan holds at most `SessionOptions.limit` items:
that is the N of "n of N", and it never grows. An item answered and due again within
`learn_ahead` (a missed one, or one in a short learning step) is asked once more later in
the same session, flagged `again`, without counting twice; after that it waits for the next
session, so a session always ends. After `time_limit` no item is started.
Every answer is committed to the store before `submit` returns.

Options of choice questions are shown in a fresh order on every review: the order is a
permutation fixed by the item and its review count (`quiz.bank.order`), so undo and a restart
show the same order again. Answers, feedback and the store refer to options by their index in
the bank file, never by the position shown.

Practice mode asks the active items of the banks once each (red-flag items first, then
interleaved, up to the session size), grades them and gives feedback, but writes nothing at
all to the store (no schedule change, no log entry, not even the bank sync); undo simply
forgets the last practice answer.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from quiz.bank.model import Bank, Question, QuestionType
from quiz.bank.order import option_order, review_seed
from quiz.clock import Clock
from quiz.engine.overview import (
    DEFAULT_NEW_LIMIT,
    BankOverview,
    SessionOptions,
    bank_overview,
    check_unique_ids,
    day_start,
    new_allowance,
)
from quiz.engine.schedule import RatingPreview, Scheduling, as_utc, rating_for
from quiz.engine.store import (
    BankCounts,
    CardRecord,
    ReviewStore,
    ReviewWrite,
    SyncReport,
)

if TYPE_CHECKING:
    from quiz.engine.grading import (
        Answer,
        DeletionFeedback,
        OptionFeedback,
        SelfRating,
    )

#: the options and the home screen's counts live in `quiz.engine.overview`; they are
#: re-exported here, with the session that uses them
__all__ = [
    "DEFAULT_NEW_LIMIT",
    "BankOverview",
    "Clock",
    "MissedRedFlag",
    "Result",
    "SessionError",
    "SessionOptions",
    "StudyItem",
    "StudySession",
    "Summary",
    "TopicScore",
    "bank_overview",
    "day_start",
    "new_allowance",
]


class SessionError(Exception):
    """The session was used out of order (for example `submit` with no item shown)."""


@dataclass(frozen=True, slots=True)
class StudyItem:
    """One item to show. Front ends render it; they never look up the store themselves."""

    bank: Bank
    question: Question
    #: the store's id for the item (None in practice mode when the store has never seen it)
    card_id: int | None
    #: 1-based number of the item in this session, and the session's size: "n of N"; N never
    #: grows, and an item asked again keeps its n
    position: int
    total: int
    #: asked again in this session (it was missed, or is in a short learning step)
    again: bool
    #: never answered before
    is_new: bool
    #: the question was edited since the learner last answered it
    edited: bool
    #: forgotten often (flagged for the instructor)
    is_leech: bool
    #: flashcards outside practice: what Again, Hard, Good and Easy would give, in order
    previews: tuple[RatingPreview, ...]
    #: when `next_item` returned it (the default start of the response time)
    shown_at: datetime
    practice: bool
    #: the order the options are shown in: `option_order[k]` is the index in
    #: `question.options` of the option shown (k + 1)-th
    option_order: tuple[int, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        """(bank id, question id)."""
        return (self.bank.id, self.question.id)

    @property
    def type(self) -> QuestionType:
        """The question's type."""
        return self.question.type

    @property
    def prompt(self) -> str:
        """The text to show: the prompt, with cloze deletions hidden as "[...]" (or a hint)."""
        if self.question.type is QuestionType.CLOZE:
            return self.question.cloze_masked()
        return self.question.prompt

    @property
    def options(self) -> tuple[str, ...]:
        """Option texts of a choice question in the order shown (empty otherwise); number
        them from 1."""
        opts = self.question.options
        return tuple(opts[i].text for i in self.option_order)

    def option_ids(self, shown: frozenset[int] | set[int]) -> frozenset[int]:
        """The options at these 0-based shown positions, as indexes into
        `question.options` (what a `ChoiceAnswer` holds)."""
        return frozenset(self.option_order[k] for k in shown)

    def shown_number(self, option: int) -> int:
        """The 1-based number under which option `option` (an index into
        `question.options`) is shown."""
        return self.option_order.index(option) + 1

    @property
    def blank_count(self) -> int:
        """How many texts a cloze answer needs (0 for other types)."""
        if self.question.type is not QuestionType.CLOZE:
            return 0
        return len(self.question.cloze_deletions())

    @property
    def flashcard_back(self) -> str | None:
        """What a flashcard reveals before self-grading."""
        return self.question.back


@dataclass(frozen=True, slots=True)
class Result:
    """What one answer gave: everything a feedback screen shows."""

    item: StudyItem
    answer: Answer
    correct: bool
    rating: SelfRating
    unsure: bool
    #: wrong without "unsure": recorded so stats can show misconceptions
    confident_wrong: bool
    #: the right answer as text (options joined with "; ")
    correct_answer: str
    explanation: str
    #: options the learner picked, each with its `why`
    chosen: tuple[OptionFeedback, ...]
    #: correct options the learner did not pick (multi)
    missed: tuple[OptionFeedback, ...]
    #: per-blank verdicts (cloze)
    deletions: tuple[DeletionFeedback, ...]
    #: typed: a near miss counted right, with the accepted answer it was near
    #: ("check the spelling: strength"); cloze blanks carry theirs in `deletions`
    spelling: str | None
    #: "<document title>, section “<heading>”"
    source: str
    source_url: str | None
    red_flag: bool
    #: what to do (red-flag items)
    action: str | None
    #: when the item comes back (None in practice mode)
    next_due: datetime | None
    interval: timedelta | None
    #: it will be asked again later in this session
    again_this_session: bool
    is_leech: bool
    #: this answer made the item a leech
    became_leech: bool
    #: the review log entry (None in practice mode)
    review_id: int | None
    answered_at: datetime
    response_time: timedelta


@dataclass(frozen=True, slots=True)
class TopicScore:
    """Right answers out of all answers on one topic in a session."""

    topic: str
    right: int
    total: int


@dataclass(frozen=True, slots=True)
class MissedRedFlag:
    """A red-flag item answered wrong in the session, with what to do."""

    bank_id: str
    question_id: str
    prompt: str
    action: str | None


@dataclass(frozen=True, slots=True)
class Summary:
    """The end-of-session summary."""

    answered: int
    right: int
    confident_wrong: int
    #: different items answered (an item asked again counts once)
    items: int
    #: the session's size (N of "n of N")
    planned: int
    started_at: datetime
    ended_at: datetime
    duration: timedelta
    #: by topic, in order of first appearance
    topics: tuple[TopicScore, ...]
    red_flags_missed: tuple[MissedRedFlag, ...]
    #: earliest due time among the session's banks (None: nothing scheduled, or practice)
    next_due: datetime | None
    practice: bool


@dataclass(slots=True)
class _Entry:
    bank_id: str
    question_id: str
    card_id: int | None


@dataclass(slots=True)
class _Answered:
    entry: _Entry
    result: Result
    #: the learning re-queue entry this answer added, if any
    requeued: tuple[datetime, int, _Entry] | None


@dataclass(slots=True)
class _Queue:
    main: deque[_Entry] = field(default_factory=deque)
    learning: list[tuple[datetime, int, _Entry]] = field(default_factory=list)
    counter: itertools.count[int] = field(default_factory=itertools.count)

    def __len__(self) -> int:
        return len(self.main) + len(self.learning)


def _interleave(columns: Sequence[Sequence[_Entry]]) -> list[_Entry]:
    out: list[_Entry] = []
    for row in itertools.zip_longest(*columns):
        out.extend(e for e in row if e is not None)
    return out


class StudySession:
    """One sitting over a set of banks. See the module docstring for the loop.

    The constructor syncs the banks with the store (outside practice mode) and plans the
    queue. `now` is called whenever the session needs the time.
    """

    def __init__(
        self,
        banks: Sequence[Bank],
        store: ReviewStore,
        now: Clock,
        options: SessionOptions | None = None,
    ) -> None:
        self.options = options or SessionOptions()
        self.store = store
        self.banks: tuple[Bank, ...] = tuple(banks)
        self._now_fn = now
        self._by_id = check_unique_ids(self.banks)
        self._questions: dict[tuple[str, str], Question] = {
            (b.id, q.id): q for b in self.banks for q in b.questions
        }
        self.scheduling = Scheduling(self.options.desired_retention)
        self.started_at = self._now()
        self.sync_reports: tuple[SyncReport, ...] = ()
        self._queue = _Queue()
        self._current: StudyItem | None = None
        self._current_entry: _Entry | None = None
        self._history: list[_Answered] = []
        self._ended_at: datetime | None = None
        #: "n" of each item shown so far, by key
        self._numbers: dict[tuple[str, str], int] = {}
        #: N: how many items the session holds (fixed when planned)
        self.size = 0
        if self.options.practice:
            self._plan_practice()
        else:
            self.sync_reports = tuple(store.sync_banks(self.banks, self.started_at))
            self._plan()

    # -- planning ------------------------------------------------------------------------

    def _now(self) -> datetime:
        return as_utc(self._now_fn())

    def _plan(self) -> None:
        now = self.started_at
        ids = [b.id for b in self.banks]
        if not ids:
            return
        room = self.options.limit
        due = self.store.due_cards(ids, now)[:room]
        for c in due:
            self._queue.main.append(_Entry(c.bank_id, c.question_id, c.card_id))
        room -= len(due)
        # Items in a learning step due within the learn-ahead window come back in time.
        later = now + self.options.learn_ahead
        soon = [c for c in self.store.due_cards(ids, later) if c.due is not None and c.due > now]
        for c in sorted(soon, key=lambda c: (c.due, c.card_id))[: max(room, 0)]:
            assert c.due is not None
            self._push_learning(c.due, _Entry(c.bank_id, c.question_id, c.card_id))
        room -= min(len(soon), max(room, 0))
        if room > 0:
            columns = []
            for b in self.banks:
                allowance = new_allowance(self.store, now, self.options, b.id)
                if not allowance:
                    continue
                entries = [
                    _Entry(c.bank_id, c.question_id, c.card_id) for c in self.store.new_cards(b.id)
                ]
                # the day's allowance goes to the bank's red-flag items first
                columns.append(self._new_order([entries])[:allowance])
            self._queue.main.extend(self._new_order(columns)[:room])
        self.size = len(self._queue)

    def _new_order(self, columns: Sequence[Sequence[_Entry]]) -> list[_Entry]:
        """New items: red-flag items of every bank first, then the others, each group
        interleaved across banks in file order."""
        q = self._questions
        flagged = [[e for e in col if q[(e.bank_id, e.question_id)].red_flag] for col in columns]
        others = [[e for e in col if not q[(e.bank_id, e.question_id)].red_flag] for col in columns]
        return _interleave(flagged) + _interleave(others)

    def _plan_practice(self) -> None:
        columns = [[_Entry(b.id, q.id, None) for q in b.questions] for b in self.banks]
        self._queue.main.extend(self._new_order(columns)[: self.options.limit])
        self.size = len(self._queue)

    def _push_learning(self, due: datetime, entry: _Entry) -> tuple[datetime, int, _Entry]:
        item = (due, next(self._queue.counter), entry)
        heapq.heappush(self._queue.learning, item)
        return item

    def _pop(self, now: datetime) -> _Entry | None:
        q = self._queue
        if q.learning and q.learning[0][0] <= now:
            return heapq.heappop(q.learning)[2]
        if q.main:
            return q.main.popleft()
        if q.learning and q.learning[0][0] <= now + self.options.learn_ahead:
            return heapq.heappop(q.learning)[2]
        return None

    # -- the loop ------------------------------------------------------------------------

    @property
    def current(self) -> StudyItem | None:
        """The item shown and not yet answered, if any."""
        return self._current

    @property
    def answered(self) -> int:
        """Answers given in this session (undone ones excluded)."""
        return len(self._history)

    @property
    def remaining(self) -> int:
        """Items still planned (the current one included)."""
        return len(self._queue) + (1 if self._current is not None else 0)

    @property
    def can_undo(self) -> bool:
        """There is an answer to take back."""
        return bool(self._history)

    @property
    def results(self) -> tuple[Result, ...]:
        """The session's results so far, oldest first."""
        return tuple(a.result for a in self._history)

    def next_item(self) -> StudyItem | None:
        """The item to show now, or None when the session is done.

        Calling it again before `submit` returns the same item.
        """
        if self._current is not None:
            return self._current
        now = self._now()
        entry = None if self.time_is_up(now) else self._pop(now)
        if entry is None:
            self._ended_at = self._ended_at or now
            return None
        self._ended_at = None
        self._current = self._make_item(entry, now)
        self._current_entry = entry
        return self._current

    def time_is_up(self, now: datetime | None = None) -> bool:
        """The session's time limit has passed (no item is started after it)."""
        limit = self.options.time_limit
        if limit is None:
            return False
        return (now or self._now()) - self.started_at >= limit

    def _make_item(self, entry: _Entry, now: datetime) -> StudyItem:
        bank = self._by_id[entry.bank_id]
        question = self._questions[(entry.bank_id, entry.question_id)]
        card: CardRecord | None
        if entry.card_id is not None:
            card = self.store.card(entry.card_id)
        else:
            card = self.store.card_by_key(entry.bank_id, entry.question_id)
        previews: tuple[RatingPreview, ...] = ()
        if question.type is QuestionType.FLASHCARD and not self.options.practice and card:
            previews = self.scheduling.preview(
                card.fsrs_card,
                card_id=card.card_id,
                reps=card.reps,
                now=now,
                red_flag=question.red_flag,
            )
        key = (entry.bank_id, entry.question_id)
        position = self._numbers.setdefault(key, len(self._numbers) + 1)
        again = any(
            a.entry.bank_id == key[0] and a.entry.question_id == key[1] for a in self._history
        )
        if self.options.practice:
            # nothing is stored, so the order changes with each presentation
            seed = f"practice\x00{self.started_at.isoformat()}\x00{len(self._history)}"
        else:
            seed = review_seed(entry.bank_id, entry.question_id, card.reps if card else 0)
        return StudyItem(
            bank=bank,
            question=question,
            card_id=entry.card_id,
            position=position,
            total=max(self.size, position),
            again=again,
            is_new=card is None or card.is_new,
            edited=bool(card and card.edited),
            is_leech=bool(card and card.is_leech),
            previews=previews,
            shown_at=now,
            practice=self.options.practice,
            option_order=option_order(question, seed),
        )

    def submit(
        self,
        answer: Answer,
        *,
        unsure: bool = False,
        response_time: timedelta | None = None,
    ) -> Result:
        """Grade the current item, record it (committed before returning) and return the
        result.

        `unsure` (auto-graded items) turns a right answer into Hard and keeps a wrong one
        from counting as a misconception. For flashcards pass `FlashcardGrade(rating)`.
        `response_time` defaults to the time since `next_item` showed the item. Raises
        `AnswerError` (the item stays current) if the answer does not fit the question, and
        `SessionError` if no item is shown.
        """
        item, entry = self._current, self._current_entry
        if item is None or entry is None:
            raise SessionError("no item to answer: call next_item() first")
        # Answer checking loads with the first answer, not with the home screen's counts.
        from quiz.engine.grading import FlashcardGrade, answer_to_json, check_answer

        q = item.question
        check = check_answer(q, answer)
        now = self._now()
        is_flashcard = isinstance(answer, FlashcardGrade)
        rating = answer.rating if isinstance(answer, FlashcardGrade) else None
        unsure = unsure and not is_flashcard
        if rating is None:
            rating = rating_for(check.correct, unsure)
        confident_wrong = not check.correct and not unsure and not is_flashcard
        elapsed = response_time if response_time is not None else now - item.shown_at
        elapsed = max(elapsed, timedelta(0))
        response_ms = int(elapsed.total_seconds() * 1000)

        next_due: datetime | None = None
        interval: timedelta | None = None
        review_id: int | None = None
        is_leech = item.is_leech
        became_leech = False
        requeued = None
        if not self.options.practice:
            assert entry.card_id is not None
            final_rating = rating

            def compute(card: CardRecord) -> ReviewWrite:
                outcome = self.scheduling.review(
                    card.fsrs_card,
                    card_id=card.card_id,
                    reps=card.reps,
                    rating=final_rating,
                    now=now,
                    red_flag=q.red_flag,
                    response_ms=response_ms,
                )
                return ReviewWrite(
                    fsrs_card=outcome.card,
                    state=outcome.state,
                    due=outcome.due,
                    interval_days=outcome.interval.total_seconds() / 86400,
                    lapse=outcome.lapse,
                    reviewed_at=now,
                    rating=final_rating,
                    answer=answer_to_json(answer, check),
                    correct=check.correct,
                    unsure=unsure,
                    confident_wrong=confident_wrong,
                    response_ms=response_ms,
                )

            after, log = self.store.record_review(entry.card_id, compute)
            assert after.due is not None
            next_due, interval, review_id = after.due, after.due - now, log.review_id
            became_leech = after.is_leech and not is_leech
            is_leech = after.is_leech
            if after.due <= now + self.options.learn_ahead and not item.again:
                # Asked once more in this session at most: a learner who misses an item
                # twice meets it next time, and the session has an end.
                requeued = self._push_learning(
                    after.due, _Entry(entry.bank_id, entry.question_id, entry.card_id)
                )

        source = item.bank.cite(q)
        try:
            source_url = item.bank.source(q.source.id).url
        except KeyError:
            source_url = None
        result = Result(
            item=item,
            answer=answer,
            correct=check.correct,
            rating=rating,
            unsure=unsure,
            confident_wrong=confident_wrong,
            correct_answer=q.correct_answer_text(),
            explanation=q.explanation,
            chosen=check.chosen,
            missed=check.missed,
            deletions=check.deletions,
            spelling=check.spelling,
            source=source,
            source_url=source_url,
            red_flag=q.red_flag,
            action=q.action,
            next_due=next_due,
            interval=interval,
            again_this_session=requeued is not None,
            is_leech=is_leech,
            became_leech=became_leech,
            review_id=review_id,
            answered_at=now,
            response_time=elapsed,
        )
        self._history.append(_Answered(entry, result, requeued))
        self._current = None
        self._current_entry = None
        return result

    def undo(self) -> StudyItem | None:
        """Take back the last answer: the card's state is restored, its log entry removed, and
        the item becomes current again (returned). None if there is nothing to undo.

        Raises `quiz.engine.store.UndoConflictError` if another process answered the same
        item since (the answer then stays).
        """
        if not self._history:
            return None
        last = self._history[-1]
        if last.result.review_id is not None:
            self.store.undo_review(last.result.review_id)
        self._history.pop()
        if last.requeued is not None and last.requeued in self._queue.learning:
            self._queue.learning.remove(last.requeued)
            heapq.heapify(self._queue.learning)
        shown = self._current_entry
        if shown is not None and not (last.requeued is not None and shown is last.requeued[2]):
            # The item on screen goes back to the front, unless it is the undone answer's own
            # re-ask (taken off the queue already), which undo makes pointless.
            self._queue.main.appendleft(shown)
        self._current = self._make_item(last.entry, self._now())
        self._current_entry = last.entry
        return self._current

    def bank_counts(self) -> dict[str, BankCounts]:
        """Current counts of the session's banks (for a header or a home screen)."""
        return self.store.bank_counts(self._now(), [b.id for b in self.banks])

    def summary(self) -> Summary:
        """The session so far: answers, right, time, per topic, red flags missed, next due."""
        ended = self._ended_at or self._now()
        results = self.results
        topics: dict[str, list[int]] = {}
        missed: dict[tuple[str, str], MissedRedFlag] = {}
        for r in results:
            for t in r.item.question.topics:
                score = topics.setdefault(t, [0, 0])
                score[0] += int(r.correct)
                score[1] += 1
            if r.red_flag and not r.correct and r.item.key not in missed:
                missed[r.item.key] = MissedRedFlag(
                    r.item.bank.id, r.item.question.id, r.item.prompt, r.action
                )
        next_due = None
        if not self.options.practice and self.banks:
            next_due = self.store.next_due([b.id for b in self.banks])
        return Summary(
            answered=len(results),
            right=sum(r.correct for r in results),
            confident_wrong=sum(r.confident_wrong for r in results),
            items=len({r.item.key for r in results}),
            planned=self.size,
            started_at=self.started_at,
            ended_at=ended,
            duration=ended - self.started_at,
            topics=tuple(TopicScore(t, s[0], s[1]) for t, s in topics.items()),
            red_flags_missed=tuple(missed.values()),
            next_due=next_due,
            practice=self.options.practice,
        )
