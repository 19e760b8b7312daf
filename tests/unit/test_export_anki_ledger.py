"""The Anki export's memory (the ledger), option orders, study order, sources and descriptions,
without Anki: what goes into the package's rows. `test_export_anki_updates.py` imports the
same packages into the real Anki."""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import subprocess
import sys
import warnings
import zipfile
from collections import Counter
from pathlib import Path

import genanki
import pytest

from quiz.bank.discover import find_bank_files, shipped_decks_dir
from quiz.bank.load import load_bank, load_bank_bytes
from quiz.bank.model import Bank, Option, Question, QuestionType, Source, SourceRef
from quiz.cli import main
from quiz.export.anki import (
    PARENT_DECK_ID,
    STUDY_PRESET,
    STUDY_PRESET_ID,
    bank_option_orders,
    citation_html,
    citation_text,
    deck_description,
    export_anki,
    link_url,
    note_guid,
    parent_description,
    plan_package,
    section_title,
    source_title,
    type_change_message,
)
from quiz.export.anki_ledger import (
    MAX_LEDGER_BYTES,
    Ledger,
    LedgerError,
    NoteRecord,
    TypeChange,
    default_ledger_path,
    read_ledger,
    write_ledger,
)
from quiz.export.anki_order import right_positions, study_positions

DATA = Path(__file__).resolve().parent.parent / "data"
MINIMAL = DATA / "good" / "minimal.yaml"
T0 = 1_700_000_000
DISCLAIMER = "This quiz is for learning.\nIt is not medical <advice>.\n\nSee a doctor."


@pytest.fixture(scope="module")
def minimal() -> Bank:
    return load_bank(MINIMAL)


@pytest.fixture(scope="module")
def shipped() -> list[Bank]:
    files, _ = find_bank_files([shipped_decks_dir()])
    if not files:
        pytest.skip("no shipped banks in decks/ yet")
    return [load_bank(f) for f in files]


def choice_bank(
    bank_id: str, singles: int, multis: int = 0, options: int = 4, red_every: int = 0
) -> Bank:
    """A bank of choice questions whose right options are always written first."""
    questions = []
    for i in range(singles + multis):
        multi = i >= singles
        rights = 3 if multi else 1
        questions.append(
            Question(
                id=f"q{i}",
                type=QuestionType.MULTI if multi else QuestionType.SINGLE,
                prompt=f"Question {i}?",
                explanation="Because.",
                source=SourceRef("doc", "Intro"),
                topics=("t",),
                red_flag=bool(red_every) and i % red_every == 0,
                action="See a doctor." if red_every and i % red_every == 0 else None,
                options=tuple(
                    Option(f"option {k} of {i}", k < rights, f"why {k}") for k in range(options)
                ),
            )
        )
    return Bank(
        id=bank_id,
        title=f"Bank {bank_id}",
        description="A bank.",
        language="en",
        version="1",
        sources=(Source("doc", "A document"),),
        questions=tuple(questions),
    )


def edit(bank: Bank, question_id: str, **changes: object) -> Bank:
    questions = tuple(
        dataclasses.replace(q, **changes) if q.id == question_id else q  # type: ignore[arg-type]
        for q in bank.questions
    )
    return dataclasses.replace(bank, questions=questions)


def package_rows(apkg: Path, tmp_path: Path) -> dict[str, tuple[int, str, str, int]]:
    """guid -> (note mod, fields, tags, due of its first card) of a package."""
    db = tmp_path / f"{apkg.name}.anki2"
    with zipfile.ZipFile(apkg) as z:
        db.write_bytes(z.read("collection.anki2"))
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT n.guid, n.mod, n.flds, n.tags, min(c.due) FROM notes n "
            "JOIN cards c ON c.nid = n.id GROUP BY n.id"
        ).fetchall()
    finally:
        conn.close()
    db.unlink()
    return {guid: (mod, flds, tags, due) for guid, mod, flds, tags, due in rows}


# --- the ledger file ---------------------------------------------------------------------------


def test_the_ledger_round_trips_sorted_one_note_per_line(minimal: Bank, tmp_path: Path) -> None:
    summary = export_anki([minimal], tmp_path / "a.apkg", timestamp=T0, ledger=Ledger())
    ledger = summary.ledger
    assert ledger is not None and len(ledger.notes) == len(minimal.questions)
    text = ledger.dumps()
    assert Ledger.loads(text) == ledger and Ledger.loads(text).dumps() == text
    lines = text.splitlines()
    assert len([line for line in lines if '"hash"' in line]) == len(minimal.questions) + 5
    for q in minimal.questions:
        line = next(line for line in lines if line.strip().startswith(json.dumps(q.id)))
        entry = json.loads(line.split(": ", 1)[1].rstrip(","))
        assert entry["type"] == q.type.value and entry["mod"] == T0
        assert ("order" in entry) == (q.type in (QuestionType.SINGLE, QuestionType.MULTI))
    path = tmp_path / "ledger.json"
    write_ledger(ledger, path)
    assert read_ledger(path) == ledger
    assert read_ledger(tmp_path / "missing.json") == Ledger()


def test_default_ledger_sits_beside_the_package() -> None:
    assert default_ledger_path(Path("out/p.apkg")) == Path("out/p.anki-ledger.json")
    assert default_ledger_path(Path("p.APKG")) == Path("p.anki-ledger.json")
    assert default_ledger_path(Path("package")) == Path("package.anki-ledger.json")


GOOD_NOTE = '{"type": "single", "note_type": "multiple-choice", "hash": "%s", "mod": 5}' % (
    "0" * 32
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "not valid JSON"),
        ("[1, 2", "not valid JSON"),
        ("[" * 100_000, "not valid JSON"),
        ('{"format": "something else"}', "not a ledger"),
        ('{"format": "patient-quiz anki ledger", "version": 2}', "version 2"),
        (
            '{"format": "patient-quiz anki ledger", "version": 1, "version": 1}',
            "duplicate key",
        ),
        ('{"format": "patient-quiz anki ledger", "version": 1, "notes": []}', "notes"),
        (
            '{"format": "patient-quiz anki ledger", "version": 1, "notes": {"b": {"q": '
            + GOOD_NOTE.replace('"mod": 5', '"mod": -1')
            + "}}}",
            "mod must be",
        ),
        (
            '{"format": "patient-quiz anki ledger", "version": 1, "notes": {"b": {"q": '
            + GOOD_NOTE.replace('"mod": 5', '"mod": true')
            + "}}}",
            "mod must be",
        ),
        (
            '{"format": "patient-quiz anki ledger", "version": 1, "notes": {"b": {"q": '
            + GOOD_NOTE.replace("0" * 32, "xyz")
            + "}}}",
            "hash must be",
        ),
        (
            '{"format": "patient-quiz anki ledger", "version": 1, "notes": {"b": {"q": '
            + GOOD_NOTE.replace('"single"', '"essay"')
            + "}}}",
            "unknown question type",
        ),
        (
            '{"format": "patient-quiz anki ledger", "version": 1, "notes": {"b": {"q": '
            + GOOD_NOTE.replace('"mod": 5', '"mod": 5, "order": [0, 0], "right": [0]')
            + "}}}",
            "permutation",
        ),
    ],
)
def test_a_damaged_ledger_is_refused_saying_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(LedgerError, match=message):
        Ledger.loads(text)


def test_a_good_entry_in_a_hand_written_ledger_loads() -> None:
    text = (
        '{"format": "patient-quiz anki ledger", "version": 1, "notes": {"b": {"q": '
        + GOOD_NOTE.replace('"mod": 5', '"mod": 5, "order": [1, 0], "right": [0]')
        + "}}}"
    )
    record = Ledger.loads(text).notes[("b", "q")]
    assert (record.mod, record.order, record.right) == (5, (1, 0), (0,))


def test_special_files_are_not_ledgers(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    with pytest.raises(LedgerError, match="not a regular file"):
        read_ledger(fifo)  # refused before it is opened: never blocks
    with pytest.raises(LedgerError, match="not a regular file"):
        read_ledger(tmp_path)
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(MAX_LEDGER_BYTES + 1)
    with pytest.raises(LedgerError, match="larger than"):
        read_ledger(big)
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"format": "\xe9"}')
    with pytest.raises(LedgerError, match="UTF-8"):
        read_ledger(latin)


# --- modification times ------------------------------------------------------------------------


def test_an_unchanged_re_export_is_the_same_file_whatever_the_clock(
    minimal: Bank, tmp_path: Path
) -> None:
    first = export_anki([minimal], tmp_path / "a.apkg", timestamp=T0, ledger=Ledger())
    assert first.ledger is not None and first.changes is not None
    assert (first.changes.new, first.changes.changed, first.changes.unchanged) == (6, 0, 0)
    again = export_anki([minimal], tmp_path / "b.apkg", timestamp=T0 + 9999, ledger=first.ledger)
    assert again.changes is not None and again.ledger is not None
    assert (again.changes.new, again.changes.changed, again.changes.unchanged) == (0, 0, 6)
    assert (tmp_path / "a.apkg").read_bytes() == (tmp_path / "b.apkg").read_bytes()
    assert again.ledger.dumps() == first.ledger.dumps()


def test_an_edit_stamps_only_the_edited_notes(minimal: Bank, tmp_path: Path) -> None:
    first = export_anki([minimal], tmp_path / "a.apkg", timestamp=T0, ledger=Ledger())
    edited = edit(minimal, "what-is-twitch", prompt="What is a twitch, in plain words?")
    edited = edit(edited, "tf-common", explanation="Most healthy people twitch now and then.")
    edited = edit(edited, "emg", topics=("tests", "emg"))  # a new tag is a change too
    second = export_anki([edited], tmp_path / "b.apkg", timestamp=T0 + 60, ledger=first.ledger)
    assert second.changes is not None
    assert (second.changes.new, second.changes.changed, second.changes.unchanged) == (0, 3, 3)
    mods = {g: row[0] for g, row in package_rows(tmp_path / "b.apkg", tmp_path).items()}
    changed = {note_guid(minimal.id, q) for q in ("what-is-twitch", "tf-common", "emg")}
    assert {g for g, m in mods.items() if m == T0 + 60} == changed
    assert {g for g, m in mods.items() if m == T0} == set(mods) - changed


def test_a_changed_note_is_always_newer_than_before(minimal: Bank, tmp_path: Path) -> None:
    """Even when the new export's time is earlier (a SOURCE_DATE_EPOCH from an older commit,
    a clock set back), an edited note gets a later time than before, or Anki would skip it."""
    first = export_anki([minimal], tmp_path / "a.apkg", timestamp=T0, ledger=Ledger())
    edited = edit(minimal, "weak", back="Weakness that keeps getting worse.")
    second = export_anki([edited], tmp_path / "b.apkg", timestamp=T0 - 500, ledger=first.ledger)
    assert second.ledger is not None
    assert second.ledger.notes[(minimal.id, "weak")].mod == T0 + 1
    assert second.ledger.notes[(minimal.id, "emg")].mod == T0


def test_note_types_keep_their_time_until_they_change(minimal: Bank, tmp_path: Path) -> None:
    first = export_anki([minimal], tmp_path / "a.apkg", timestamp=T0, ledger=Ledger())
    assert first.ledger is not None
    types = dict(first.ledger.note_types)
    types["basic"] = dataclasses.replace(types["basic"], hash="f" * 32)  # as if restyled since
    old = dataclasses.replace(first.ledger, note_types=types)
    second = export_anki([minimal], tmp_path / "b.apkg", timestamp=T0 + 60, ledger=old)
    assert second.changes is not None and second.ledger is not None
    assert second.changes.note_types_changed == ("basic",)
    mods = {k: t.mod for k, t in second.ledger.note_types.items()}
    assert mods.pop("basic") == T0 + 60 and set(mods.values()) == {T0}
    with zipfile.ZipFile(tmp_path / "b.apkg") as z:
        (tmp_path / "b.anki2").write_bytes(z.read("collection.anki2"))
    conn = sqlite3.connect(tmp_path / "b.anki2")
    models = json.loads(conn.execute("SELECT models FROM col").fetchone()[0])
    conn.close()
    assert {m["name"]: m["mod"] for m in models.values()}["Patient quiz: basic"] == T0 + 60
    assert sorted(m["mod"] for m in models.values()) == [T0] * 4 + [T0 + 60]


def test_questions_gone_from_a_bank_are_counted_and_remembered(
    minimal: Bank, tmp_path: Path
) -> None:
    first = export_anki([minimal], tmp_path / "a.apkg", timestamp=T0, ledger=Ledger())
    fewer = dataclasses.replace(minimal, questions=minimal.questions[:4])
    second = export_anki([fewer], tmp_path / "b.apkg", timestamp=T0 + 5, ledger=first.ledger)
    assert second.changes is not None and second.changes.gone == 2
    assert second.ledger is not None and len(second.ledger.notes) == 6
    # put back unchanged: the old time, so learners see nothing new
    third = export_anki([minimal], tmp_path / "c.apkg", timestamp=T0 + 9, ledger=second.ledger)
    assert third.changes is not None and third.changes.unchanged == 6


def test_without_a_ledger_every_note_gets_the_export_time(minimal: Bank, tmp_path: Path) -> None:
    summary = export_anki([minimal], tmp_path / "a.apkg", timestamp=T0 + 7)
    assert summary.ledger is None and summary.changes is None
    rows = package_rows(tmp_path / "a.apkg", tmp_path)
    assert {row[0] for row in rows.values()} == {T0 + 7}


# --- type changes ------------------------------------------------------------------------------


def test_a_type_change_is_reported(minimal: Bank, tmp_path: Path) -> None:
    first = export_anki([minimal], tmp_path / "a.apkg", timestamp=T0, ledger=Ledger())
    flashcard = minimal.question("weak")
    typed = dataclasses.replace(
        flashcard, type=QuestionType.TYPED, back=None, answers=("weakness",)
    )
    multi = dataclasses.replace(minimal.question("what-is-twitch"), type=QuestionType.MULTI)
    changed = edit(edit(minimal, "weak", **_fields(typed)), "what-is-twitch", type=multi.type)
    second = export_anki([changed], tmp_path / "b.apkg", timestamp=T0 + 1, ledger=first.ledger)
    assert second.changes is not None
    by_id = {c.question_id: c for c in second.changes.type_changes}
    assert set(by_id) == {"weak", "what-is-twitch"}
    assert by_id["weak"] == TypeChange(
        "sample", "weak", "flashcard", "typed", "basic", "basic-typing"
    )
    assert by_id["weak"].note_type_changed and not by_id["what-is-twitch"].note_type_changed
    warning = type_change_message(by_id["weak"])
    assert warning.startswith("sample/weak: warning: its type changed from flashcard to typed")
    assert "give it a new id" in warning
    assert "updates in place" in type_change_message(by_id["what-is-twitch"])
    # Said once: the ledger now knows the new types.
    third = export_anki([changed], tmp_path / "c.apkg", timestamp=T0 + 2, ledger=second.ledger)
    assert third.changes is not None and third.changes.type_changes == ()


def _fields(q: Question) -> dict[str, object]:
    return {"type": q.type, "back": q.back, "answers": q.answers}


# --- option orders -----------------------------------------------------------------------------


def _right_counts(bank: Bank, orders: dict[str, tuple[int, ...]]) -> Counter[int]:
    counts: Counter[int] = Counter()
    for q in bank.questions:
        if q.id in orders:
            counts.update(right_positions(q, orders[q.id]))
    return counts


def test_every_right_option_written_first_still_lands_evenly() -> None:
    bank = choice_bank("even", singles=40, multis=12)
    orders = bank_option_orders(bank)
    singles = _right_counts(dataclasses.replace(bank, questions=bank.questions[:40]), orders)
    assert singles == Counter({0: 10, 1: 10, 2: 10, 3: 10})
    multis = _right_counts(dataclasses.replace(bank, questions=bank.questions[40:]), orders)
    assert multis == Counter({0: 9, 1: 9, 2: 9, 3: 9})
    # The orders differ from note to note, not just rotate the right option around.
    assert len({orders[q.id] for q in bank.questions}) > 20


def test_plain_hashing_alone_would_be_uneven() -> None:
    """Why the export balances: each note's own hashed order, alone, is fair on average
    but not across one deck."""
    from quiz.bank.order import option_order

    bank = choice_bank("hash", singles=40)
    hashed = {q.id: option_order(q, note_guid(bank.id, q.id)) for q in bank.questions}
    counts = _right_counts(bank, hashed)
    assert max(counts.values()) - min(counts.values()) > 1
    balanced = _right_counts(bank, bank_option_orders(bank))
    assert max(balanced.values()) - min(balanced.values()) == 0


def test_the_shipped_banks_are_balanced(shipped: list[Bank]) -> None:
    total: Counter[int] = Counter()
    for bank in shipped:
        orders = bank_option_orders(bank)
        counts = _right_counts(bank, orders)
        total.update(counts)
        if counts:
            assert max(counts.values()) <= sum(counts.values()) / 2, (bank.id, counts)
        # near-even within each group of questions with the same number of options
        for n in {len(q.options) for q in bank.questions if q.id in orders}:
            group = [q for q in bank.questions if q.id in orders and len(q.options) == n]
            by_place = Counter({p: 0 for p in range(n)})
            for q in group:
                by_place.update(right_positions(q, orders[q.id]))
            assert max(by_place.values()) - min(by_place.values()) <= 2, (bank.id, n, by_place)
    assert total and max(total.values()) <= sum(total.values()) / 2, total


def test_a_note_keeps_its_order_on_every_export(minimal: Bank, tmp_path: Path) -> None:
    a = bank_option_orders(minimal)
    assert a == bank_option_orders(minimal)
    first = export_anki([minimal], tmp_path / "a.apkg", timestamp=T0, ledger=Ledger())
    assert first.ledger is not None
    assert {k[1]: r.order for k, r in first.ledger.notes.items() if r.order} == a
    assert bank_option_orders(minimal, first.ledger) == a


def test_adding_notes_never_changes_the_order_of_notes_already_exported(tmp_path: Path) -> None:
    bank = choice_bank("grow", singles=12, multis=3)
    first = export_anki([bank], tmp_path / "a.apkg", timestamp=T0, ledger=Ledger())
    assert first.ledger is not None
    extra = choice_bank("grow", singles=8, multis=2).questions
    extra = tuple(dataclasses.replace(q, id=f"new-{q.id}") for q in extra)
    grown = dataclasses.replace(bank, questions=extra[:5] + bank.questions + extra[5:])
    second = export_anki([grown], tmp_path / "b.apkg", timestamp=T0 + 60, ledger=first.ledger)
    assert second.changes is not None and second.ledger is not None
    assert (second.changes.new, second.changes.changed, second.changes.unchanged) == (10, 0, 15)
    for q in bank.questions:
        key = ("grow", q.id)
        assert second.ledger.notes[key] == first.ledger.notes[key]
    counts = _right_counts(grown, bank_option_orders(grown, second.ledger))
    assert max(counts.values()) <= sum(counts.values()) / 2


def test_a_remembered_order_is_dropped_when_the_options_change(minimal: Bank) -> None:
    q = minimal.question("what-is-twitch")
    remembered = tuple(reversed(bank_option_orders(minimal)[q.id]))
    record = NoteRecord("single", "multiple-choice", "0" * 32, T0, remembered, q.correct_options)
    ledger = Ledger({(minimal.id, q.id): record})
    assert bank_option_orders(minimal, ledger)[q.id] == remembered
    # another right option, or another number of options: chosen afresh
    moved = (dataclasses.replace(q.options[0], correct=False), q.options[1], q.options[2])
    moved = (moved[0], dataclasses.replace(moved[1], correct=True), moved[2])
    assert ledger.stored_order(minimal.id, dataclasses.replace(q, options=moved)) is None
    more = (*q.options, Option("Another", False, "w"))
    assert ledger.stored_order(minimal.id, dataclasses.replace(q, options=more)) is None


def test_shuffle_false_keeps_the_written_order() -> None:
    bank = choice_bank("scale", singles=5)
    fixed = dataclasses.replace(bank.questions[0], shuffle=False)
    bank = dataclasses.replace(bank, questions=(fixed, *bank.questions[1:]))
    orders = bank_option_orders(bank)
    assert orders[fixed.id] == (0, 1, 2, 3)
    # the other notes balance around it: its place is not chosen again before the others
    first_four = dataclasses.replace(bank, questions=bank.questions[:4])
    assert _right_counts(first_four, orders) == Counter({0: 1, 1: 1, 2: 1, 3: 1})
    assert sorted(_right_counts(bank, orders).values()) == [1, 1, 1, 2]


# --- study order and decks ---------------------------------------------------------------------


def test_new_cards_red_flags_first_then_banks_in_turn(tmp_path: Path) -> None:
    a = choice_bank("a", singles=6, red_every=3)  # red flags: q0, q3
    b = choice_bank("b", singles=3, red_every=2)  # red flags: q0, q2
    positions = study_positions([a, b])
    ordered = sorted(positions, key=positions.__getitem__)
    assert ordered == [
        ("a", "q0"),
        ("b", "q0"),
        ("a", "q3"),
        ("b", "q2"),
        ("a", "q1"),
        ("b", "q1"),
        ("a", "q2"),
        ("a", "q4"),
        ("a", "q5"),
    ]
    assert sorted(positions.values()) == list(range(1, 10))
    export_anki([a, b], tmp_path / "p.apkg", timestamp=T0)
    dues = {g: row[3] for g, row in package_rows(tmp_path / "p.apkg", tmp_path).items()}
    assert dues == {note_guid(bank, q): n for (bank, q), n in positions.items()}


def test_the_disclaimer_is_in_every_deck_description(minimal: Bank) -> None:
    plan = plan_package([minimal], timestamp=T0, disclaimer=DISCLAIMER)
    parent, deck = plan.decks
    assert parent.deck_id == PARENT_DECK_ID and parent.name == "Patient education"
    for description in (parent.description, deck.description):
        assert "This quiz is for learning. It is not medical &lt;advice&gt;." in description
        assert "<p>See a doctor.</p>" in description
        assert "<advice>" not in description
    assert deck.description.startswith("<p>A small bank that uses every question type.</p>")
    assert deck.name == "Patient education::1. Sample bank"
    assert parent_description(DISCLAIMER) == parent.description
    assert deck_description(minimal, DISCLAIMER) == deck.description
    # without a disclaimer given, the shipped one
    shipped_plan = plan_package([minimal], timestamp=T0)
    assert "not medical advice" in shipped_plan.decks[0].description


# --- sources -----------------------------------------------------------------------------------


def _cited(source: Source, section: str) -> tuple[str, str]:
    q = Question("q", QuestionType.FLASHCARD, "p", "e", SourceRef(source.id, section), ("t",))
    bank = Bank("b", "B", "d", "en", "1", (source,), (q,))
    return citation_html(bank, q), citation_text(bank, q)


def test_sources_never_show_a_placeholder_and_web_addresses_are_links() -> None:
    title = "Benign twitches versus ALS-related fasciculations (untitled article)"
    html, text = _cited(Source("s", title, url="https://example.org/x?a=1&b=2"), "body")
    assert text == "Benign twitches versus ALS-related fasciculations"
    assert html == (
        '<a href="https://example.org/x?a=1&amp;b=2">'
        "Benign twitches versus ALS-related fasciculations</a>"
    )
    assert _cited(Source("s", "Cramps", publisher="NHS"), "Causes")[1] == (
        "Cramps (NHS), section \u201cCauses\u201d"
    )
    assert _cited(Source("s", "(untitled article)", publisher="NHS"), "Body")[1] == "NHS"
    assert _cited(Source("s", "Untitled", url="https://www.nhs.uk/a"), "main")[1] == "www.nhs.uk"
    assert source_title(Source("s", "[Untitled]")) is None
    assert section_title(" body ") is None and section_title("Body text") == "Body text"
    for bad in ("javascript:alert(1)", "data:text/html,x", "ftp://example.org/x", "https://", "/x"):
        assert link_url(bad) is None, bad
        assert "<a" not in _cited(Source("s", "T", url=bad), "S")[0]
    assert link_url("https://example.org/a b") is None
    assert link_url("HTTP://Example.org/") == "HTTP://Example.org/"


# --- the rows written --------------------------------------------------------------------------


def test_package_rows_are_the_ones_genanki_writes(minimal: Bank, tmp_path: Path) -> None:
    """The export writes notes and cards itself (in two batches); genanki's own code, given
    the same notes, writes the same rows."""
    hostile = load_bank(DATA / "anki" / "hostile.yaml")
    plan = plan_package([minimal, hostile], timestamp=T0, disclaimer=DISCLAIMER)
    theirs = []
    for deck in plan.decks:
        copy = genanki.Deck(deck.deck_id, deck.name, deck.description)
        for n in deck.notes:
            copy.add_note(
                genanki.Note(
                    model=n.model, fields=n.fields, tags=n.tags, guid=n.guid, due=n.data.due
                )
            )
        theirs.append(copy)

    def rows(decks: list[genanki.Deck], name: str) -> tuple[object, ...]:
        conn = sqlite3.connect(tmp_path / name)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                genanki.Package(decks).write_to_db(conn.cursor(), T0, iter(range(10**6, 10**7)))
            conn.commit()
            models, deck_json, presets = conn.execute(
                "SELECT models, decks, dconf FROM col"
            ).fetchone()
            return (
                conn.execute("SELECT * FROM notes ORDER BY id").fetchall(),
                conn.execute("SELECT * FROM cards ORDER BY id").fetchall(),
                json.loads(models),
                json.loads(deck_json),
                json.loads(presets),
            )
        finally:
            conn.close()

    notes, cards, models, decks, presets = rows(plan.decks, "ours.db")
    g_notes, g_cards, g_models, g_decks, g_presets = rows(theirs, "theirs.db")
    assert (notes, cards, models) == (g_notes, g_cards, g_models)
    assert len(notes) == 11 and len(cards) == 12
    # The one difference: the decks use the package's own options preset.
    for deck_id, deck in decks.items():
        if deck_id != "1":
            assert deck.pop("conf") == STUDY_PRESET_ID
            g_decks[deck_id].pop("conf")
    assert decks == g_decks
    assert presets[str(STUDY_PRESET_ID)] == {**g_presets["1"], **STUDY_PRESET}
    assert presets[str(STUDY_PRESET_ID)]["newGatherPriority"] == 1
    assert {k: v for k, v in presets.items() if k != str(STUDY_PRESET_ID)} == g_presets


# --- the command -------------------------------------------------------------------------------


def test_the_command_keeps_a_ledger_and_says_what_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = tmp_path / "bank.yaml"
    bank.write_text(MINIMAL.read_text("utf-8"), "utf-8")
    out = tmp_path / "p.apkg"
    assert main(["export", "anki", str(bank), "-o", str(out)]) == 0
    ledger = tmp_path / "p.anki-ledger.json"
    assert f"Ledger {ledger}: 0 note(s) changed, 6 new, 0 unchanged" in capsys.readouterr().out
    first = ledger.read_bytes()
    assert main(["export", "anki", str(bank), "-o", str(out)]) == 0
    assert "0 note(s) changed, 0 new, 6 unchanged" in capsys.readouterr().out
    assert ledger.read_bytes() == first
    text = bank.read_text("utf-8").replace("Weakness that gets worse.", "Weakness, getting worse.")
    text = text.replace("    type: flashcard\n", "    type: typed\n").replace(
        "    back: Weakness, getting worse.\n", "    answers: [weakness]\n"
    )
    bank.write_text(text, "utf-8")
    other = tmp_path / "elsewhere.json"
    assert main(["export", "anki", str(bank), "-o", str(out), "--ledger", str(other)]) == 0
    assert "6 new" in capsys.readouterr().out  # a new ledger knows nothing yet
    assert main(["export", "anki", str(bank), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert "1 note(s) changed, 0 new, 5 unchanged" in captured.out
    assert (
        "quiz export anki: sample/weak: warning: its type changed from flashcard to typed"
        in captured.err
    )


def test_reproducible_with_source_date_epoch(tmp_path: Path) -> None:
    """The same banks, the same ledger and the same SOURCE_DATE_EPOCH give the same package
    and the same ledger, byte for byte."""
    bank = tmp_path / "bank.yaml"
    bank.write_text(MINIMAL.read_text("utf-8"), "utf-8")
    start = tmp_path / "start.json"
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(T0)}
    results = []
    for run in ("a", "b"):
        ledger = tmp_path / f"{run}.json"
        if start.exists():
            ledger.write_bytes(start.read_bytes())
        done = subprocess.run(
            [sys.executable, "-m", "quiz", "export", "anki", str(bank), "-o"]
            + [str(tmp_path / f"{run}.apkg"), "--ledger", str(ledger)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        results.append(((tmp_path / f"{run}.apkg").read_bytes(), ledger.read_bytes()))
    assert results[0] == results[1]
    assert Ledger.loads(results[0][1].decode()).notes[("sample", "emg")].mod == T0


@pytest.mark.parametrize(
    ("ledger", "message"),
    [
        ("bank.yaml", "is a bank file name"),
        ("p.apkg", "is a package name"),
        ("folder", "not a regular file"),
        ("link.json", "is "),
        ("no-such-folder/l.json", "its folder does not exist"),
    ],
)
def test_the_command_refuses_a_ledger_path_that_is_not_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], ledger: str, message: str
) -> None:
    bank = tmp_path / "bank.yaml"
    bank.write_text(MINIMAL.read_text("utf-8"), "utf-8")
    (tmp_path / "folder").mkdir()
    (tmp_path / "link.json").symlink_to("bank.yaml")
    before = sorted(p.name for p in tmp_path.iterdir())
    argv = ["export", "anki", str(bank), "-o", str(tmp_path / "p.apkg")]
    assert main([*argv, "--ledger", str(tmp_path / ledger)]) == 1
    assert message in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert bank.read_text("utf-8") == MINIMAL.read_text("utf-8")


def test_a_damaged_ledger_stops_the_export_and_is_left_as_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = tmp_path / "bank.yaml"
    bank.write_text(MINIMAL.read_text("utf-8"), "utf-8")
    ledger = tmp_path / "p.anki-ledger.json"
    ledger.write_text('{"format": "patient-quiz anki ledger", "version": 1, "notes": 3}')
    assert main(["export", "anki", str(bank), "-o", str(tmp_path / "p.apkg")]) == 1
    err = capsys.readouterr().err
    assert f"quiz export anki: error: ledger {ledger}: notes: expected an object" in err
    assert not (tmp_path / "p.apkg").exists()
    assert ledger.read_text() == '{"format": "patient-quiz anki ledger", "version": 1, "notes": 3}'


def test_load_bank_bytes_banks_export_with_their_file_order(tmp_path: Path) -> None:
    """Banks come in the order given: that order numbers the decks."""
    text = MINIMAL.read_text("utf-8")
    one = load_bank_bytes(text.encode(), "one.yaml")
    second = text.replace("id: sample", "id: second", 1).replace("Sample bank", "Second", 1)
    two = load_bank_bytes(second.encode(), "two.yaml")
    plan = plan_package([two, one], timestamp=T0, disclaimer="")
    assert [d.name for d in plan.decks[1:]] == [
        "Patient education::1. Second",
        "Patient education::2. Sample bank",
    ]
    assert plan.decks[1].deck_id != plan.decks[2].deck_id
