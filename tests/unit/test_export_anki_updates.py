"""Updating a learner's collection with the real Anki: only what changed is touched.

A learner imports a package, studies, tags notes (`marked`, their own tags), edits a field or
the style; the instructor edits a few questions and exports again with the ledger. These
tests import both packages with the same importer as the desktop app and check what the
learner ends up with. Also here, on the imported collection: balanced answer positions,
study order, the disclaimer, and the action first on every red-flag back.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from quiz.bank.discover import find_bank_files, shipped_decks_dir
from quiz.bank.load import load_bank
from quiz.bank.model import Bank
from quiz.export.anki import PARENT_DECK, deck_name, export_anki, note_guid, shipped_disclaimer
from quiz.export.anki_ledger import Ledger

collection_mod = pytest.importorskip("anki.collection", reason="the anki test dependency")
Collection = collection_mod.Collection

DATA = Path(__file__).resolve().parent.parent / "data"
MINIMAL = DATA / "good" / "minimal.yaml"
T1 = 1_700_000_000

Importer = Callable[..., Any]


@pytest.fixture
def col(tmp_path: Path) -> Iterator[Any]:
    folder = tmp_path / "anki"
    folder.mkdir()
    c = Collection(str(folder / "collection.anki2"))
    yield c
    c.close()


@pytest.fixture
def import_package(col: Any) -> Importer:
    def run(path: Path, **options: Any) -> Any:
        request = collection_mod.ImportAnkiPackageRequest(
            package_path=str(path), options=collection_mod.ImportAnkiPackageOptions(**options)
        )
        response = col.import_anki_package(request)
        col.models._clear_cache()
        return response.log

    return run


@pytest.fixture(scope="module")
def shipped() -> list[Bank]:
    files, _ = find_bank_files([shipped_decks_dir()])
    if not files:
        pytest.skip("no shipped banks in decks/ yet")
    return [load_bank(f) for f in files]


def _later() -> int:
    """A time after anything the learner did in the collection (Anki stamps a learner's
    edit with the clock; an update must be newer than that)."""
    return int(time.time()) + 3600


def _note(col: Any, bank: Bank, question_id: str) -> Any:
    guid = note_guid(bank.id, question_id)  # base 91: not safe to put in a search
    return next(n for n in map(col.get_note, col.find_notes("")) if n.guid == guid)


def _edit_file(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def _counts(log: Any) -> tuple[int, int, int, int]:
    return len(log.new), len(log.updated), len(log.duplicate), len(log.conflicting)


def test_editing_three_questions_updates_exactly_three_notes_and_keeps_the_learners_work(
    col: Any, import_package: Importer, tmp_path: Path
) -> None:
    bank_file = tmp_path / "bank.yaml"
    shutil.copyfile(MINIMAL, bank_file)
    first = export_anki(
        [load_bank(bank_file)], tmp_path / "first.apkg", timestamp=T1, ledger=Ledger()
    )
    assert _counts(import_package(tmp_path / "first.apkg")) == (6, 0, 0, 0)
    bank = load_bank(bank_file)

    # The learner studies, marks a note, adds a tag of their own, writes in a field.
    marked = _note(col, bank, "emg")
    marked.tags += ["marked", "my-exam"]
    col.update_note(marked)
    annotated = _note(col, bank, "weak")
    annotated["Explanation"] += "<br>My own note: ask Dr Lee."
    col.update_note(annotated)
    cards_before = sorted(col.find_cards(""))

    _edit_file(bank_file, "What is a muscle twitch?", "What is a muscle twitch, in plain words?")
    _edit_file(bank_file, "Many healthy people twitch.", "Most healthy people twitch sometimes.")
    _edit_file(bank_file, "twitches usually do not.", "twitches rarely do.")
    edited = load_bank(bank_file)
    second = export_anki(
        [edited], tmp_path / "second.apkg", timestamp=_later(), ledger=first.ledger
    )
    assert second.changes is not None
    assert (second.changes.changed, second.changes.new, second.changes.unchanged) == (3, 0, 3)

    log = import_package(tmp_path / "second.apkg")
    assert _counts(log) == (0, 3, 3, 0)
    updated = {n.fields[0] for n in log.updated}
    assert "What is a muscle twitch, in plain words?" in updated
    assert sorted(col.find_cards("")) == cards_before  # same cards: review history kept
    assert set(_note(col, edited, "emg").tags) >= {"marked", "my-exam"}
    assert "My own note: ask Dr Lee." in _note(col, edited, "weak")["Explanation"]
    assert _note(col, edited, "tf-common")["Explanation"] == "Most healthy people twitch sometimes."
    assert "twitches rarely do" in _note(col, edited, "cloze-cramp")["Back Extra"]

    # Exporting the unchanged banks again changes nothing: the same file, nothing imported.
    third = export_anki(
        [edited], tmp_path / "third.apkg", timestamp=_later() + 60, ledger=second.ledger
    )
    assert (tmp_path / "third.apkg").read_bytes() == (tmp_path / "second.apkg").read_bytes()
    assert third.changes is not None and third.changes.unchanged == 6
    assert _counts(import_package(tmp_path / "third.apkg")) == (0, 0, 6, 0)


def test_note_types_are_not_rewritten_unless_they_change(
    col: Any, import_package: Importer, tmp_path: Path, shipped: list[Bank]
) -> None:
    banks = shipped[:1]
    first = export_anki(banks, tmp_path / "a.apkg", timestamp=T1, ledger=Ledger())
    import_package(tmp_path / "a.apkg")
    model = col.models.by_name("Patient quiz: multiple choice")
    model["css"] += "\n.card { font-size: 26px; } /* the learner's own */"
    col.models.update_dict(model)
    # An unchanged export leaves the learner's style alone, also with "merge note types".
    second = export_anki(banks, tmp_path / "b.apkg", timestamp=_later(), ledger=first.ledger)
    notes = len(banks[0].questions)
    assert _counts(import_package(tmp_path / "b.apkg", merge_notetypes=True)) == (0, 0, notes, 0)
    kept = col.models.by_name("Patient quiz: multiple choice")
    assert "the learner's own" in kept["css"]
    fields = [f["name"] for f in kept["flds"]]
    assert fields == [
        "Question",
        "Instruction",
        "Options",
        "Correct",
        "Option feedback",
        "Explanation",
        "Action",
        "Source",
    ]
    # When the templates or style do change, the note type is updated (fields unchanged).
    assert second.ledger is not None
    types = dict(second.ledger.note_types)
    types["multiple-choice"] = dataclasses.replace(types["multiple-choice"], hash="0" * 32)
    restyled = dataclasses.replace(second.ledger, note_types=types)
    third = export_anki(banks, tmp_path / "c.apkg", timestamp=_later() + 5, ledger=restyled)
    assert third.changes is not None and third.changes.note_types_changed == ("multiple-choice",)
    assert _counts(import_package(tmp_path / "c.apkg", merge_notetypes=True)) == (0, 0, notes, 0)
    updated = col.models.by_name("Patient quiz: multiple choice")
    assert "the learner's own" not in updated["css"]
    assert [f["name"] for f in updated["flds"]] == fields
    for spec_name in ("Patient quiz: basic", "Patient quiz: cloze"):
        assert len(col.models.by_name(spec_name)["flds"]) in (4, 5)


def test_a_changed_question_type_is_reported_and_why(
    col: Any, import_package: Importer, tmp_path: Path
) -> None:
    """Anki cannot change a note's type on import: it reports a conflict and keeps the old
    note. The export warns, and the policy (docs/anki.md) is a new id for a new type."""
    bank_file = tmp_path / "bank.yaml"
    shutil.copyfile(MINIMAL, bank_file)
    first = export_anki([load_bank(bank_file)], tmp_path / "a.apkg", timestamp=T1, ledger=Ledger())
    import_package(tmp_path / "a.apkg")
    _edit_file(bank_file, "    type: flashcard\n", "    type: typed\n")
    _edit_file(bank_file, "    back: Weakness that gets worse.\n", "    answers: [weakness]\n")
    changed = load_bank(bank_file)
    second = export_anki([changed], tmp_path / "b.apkg", timestamp=_later(), ledger=first.ledger)
    assert second.changes is not None
    assert [(c.question_id, c.old_type, c.new_type) for c in second.changes.type_changes] == [
        ("weak", "flashcard", "typed")
    ]
    log = import_package(tmp_path / "b.apkg")
    assert _counts(log) == (0, 0, 5, 1)
    # With a new id, the question arrives as a new note.
    _edit_file(bank_file, "  - id: weak\n", "  - id: weak-typed\n")
    renamed = load_bank(bank_file)
    export_anki([renamed], tmp_path / "c.apkg", timestamp=_later() + 1, ledger=second.ledger)
    assert _counts(import_package(tmp_path / "c.apkg")) == (1, 0, 5, 0)


# --- the shipped banks, imported -------------------------------------------------------------


@pytest.fixture
def shipped_col(col: Any, import_package: Importer, tmp_path: Path, shipped: list[Bank]) -> Any:
    export_anki(shipped, tmp_path / "shipped.apkg", timestamp=T1, ledger=Ledger())
    log = import_package(tmp_path / "shipped.apkg")
    assert len(log.new) == sum(len(b.questions) for b in shipped)
    return col


def test_the_disclaimer_is_in_every_deck_description(shipped_col: Any, shipped: list[Bank]) -> None:
    disclaimer = " ".join(shipped_disclaimer().split())
    assert disclaimer
    names = [PARENT_DECK] + [deck_name(b, n, len(shipped)) for n, b in enumerate(shipped, 1)]
    for name in names:
        deck = shipped_col.decks.by_name(name)
        text = " ".join(re.sub(r"<[^>]+>", " ", deck["desc"]).split())
        assert disclaimer in text, name


def test_the_decks_sort_in_teaching_order(shipped_col: Any, shipped: list[Bank]) -> None:
    children = [
        name for name, _ in shipped_col.decks.children(shipped_col.decks.id_for_name(PARENT_DECK))
    ]
    assert children == sorted(children)
    assert children == [deck_name(b, n, len(shipped)) for n, b in enumerate(shipped, 1)]


def test_right_answers_are_spread_over_the_positions(shipped_col: Any) -> None:
    places: Counter[int] = Counter()
    for nid in shipped_col.find_notes('"note:Patient quiz: multiple choice"'):
        note = shipped_col.get_note(nid)
        shown = re.findall(r'class="pq-letter">([A-Z])<', note["Options"])
        right = re.findall(r'class="pq-letter">([A-Z])<', note["Correct"])
        assert shown == [chr(ord("A") + i) for i in range(len(shown))]
        places.update(ord(letter) - ord("A") for letter in right)
    assert places, "no choice notes"
    assert max(places.values()) <= sum(places.values()) / 2, places
    assert len(places) >= 4, places


def test_new_cards_come_red_flags_first_then_banks_in_turn(
    shipped_col: Any, shipped: list[Bank]
) -> None:
    col = shipped_col
    cards = sorted((col.get_card(c) for c in col.find_cards("")), key=lambda c: (c.due, c.ord))
    assert all(c.queue == 0 and c.type == 0 for c in cards)  # new, in the new queue
    flagged = ["patient-quiz::red-flag" in c.note().tags for c in cards]
    red = sum(flagged)
    assert red and flagged == [True] * red + [False] * (len(flagged) - red)
    # Among the rest, the banks take turns while each still has items.
    decks = [col.decks.name(c.did) for c in cards[red:]]
    with_rest = [
        deck_name(b, n, len(shipped))
        for n, b in enumerate(shipped, 1)
        if any(not q.red_flag for q in b.questions)
    ]
    assert decks[: len(with_rest)] == with_rest
    assert len({c.due for c in cards if c.ord == 0}) == len(cards) - sum(c.ord > 0 for c in cards)


def test_every_red_flag_back_puts_the_action_first(shipped_col: Any) -> None:
    col = shipped_col
    cids = col.find_cards("tag:patient-quiz::red-flag")
    assert cids
    for cid in cids:
        back = col.get_card(cid).render_output().answer_text
        after = back.split("<hr id=answer>", 1)[1]
        action = after.index('class="pq-action"')
        assert after.lstrip().startswith('<div class="pq-action">'), after[:200]
        for later in ('class="pq-explanation"', 'class="pq-answer"', "pq-source"):
            if later in after:
                assert action < after.index(later), (cid, later)


def test_card_html_has_no_placeholder_source(shipped_col: Any) -> None:
    for cid in shipped_col.find_cards(""):
        back = shipped_col.get_card(cid).render_output().answer_text
        source = back.split('class="pq-source">', 1)[1]
        assert "untitled" not in source.lower(), source
        assert "\u201cbody\u201d" not in source.lower(), source


def test_three_edits_across_the_shipped_banks_update_three_notes(
    col: Any, import_package: Importer, tmp_path: Path, shipped: list[Bank]
) -> None:
    """Three edits across the shipped banks: exactly three notes updated."""
    first = export_anki(shipped, tmp_path / "a.apkg", timestamp=T1, ledger=Ledger())
    total = sum(len(b.questions) for b in shipped)
    assert _counts(import_package(tmp_path / "a.apkg")) == (total, 0, 0, 0)
    edited = list(shipped)
    for i, bank in enumerate(edited[:3]):
        q = bank.questions[-1]
        new_q = dataclasses.replace(q, explanation=q.explanation + " (Edited.)")
        edited[i] = dataclasses.replace(bank, questions=(*bank.questions[:-1], new_q))
    export_anki(edited, tmp_path / "b.apkg", timestamp=_later(), ledger=first.ledger)
    assert _counts(import_package(tmp_path / "b.apkg")) == (0, 3, total - 3, 0)


def _first_new_cards(col: Any, count: int) -> list[Any]:
    """The new cards Anki's scheduler would show first when the parent deck is studied."""
    col.decks.select(col.decks.id_for_name(PARENT_DECK))
    queued = col.sched.get_queued_cards(fetch_limit=count)
    return [col.get_card(q.card.id) for q in queued.cards]


def test_with_the_package_preset_anki_studies_red_flags_first_then_banks_in_turn(
    col: Any, import_package: Importer, tmp_path: Path, shipped: list[Bank]
) -> None:
    export_anki(shipped, tmp_path / "p.apkg", timestamp=T1, ledger=Ledger())
    import_package(tmp_path / "p.apkg", with_deck_configs=True)  # "Import deck presets"
    preset = col.decks.config_dict_for_deck_id(col.decks.id_for_name(PARENT_DECK))
    assert (preset["name"], preset["newGatherPriority"]) == (PARENT_DECK, 1)
    red = sum(q.red_flag for b in shipped for q in b.questions)
    first = _first_new_cards(col, 20)
    flags = ["patient-quiz::red-flag" in c.note().tags for c in first]
    assert flags == [True] * min(red, 20) + [False] * (20 - min(red, 20))
    assert [c.due for c in first] == sorted(c.due for c in first)


def test_with_anki_default_options_the_decks_come_in_their_numbered_order(
    col: Any, import_package: Importer, tmp_path: Path, shipped: list[Bank]
) -> None:
    """Without the preset Anki gathers new cards deck by deck, in the decks' name order:
    the numbers make that the teaching order (and within a deck, red-flag items first)."""
    export_anki(shipped, tmp_path / "p.apkg", timestamp=T1, ledger=Ledger())
    import_package(tmp_path / "p.apkg")
    preset = col.decks.config_dict_for_deck_id(col.decks.id_for_name(PARENT_DECK))
    assert preset["id"] == 1 and preset["newGatherPriority"] == 0
    first = _first_new_cards(col, 20)
    first_deck = deck_name(shipped[0], 1, len(shipped))
    assert col.decks.name(first[0].did) == first_deck
    in_first = [c for c in first if col.decks.name(c.did) == first_deck]
    flags = ["patient-quiz::red-flag" in c.note().tags for c in in_first]
    assert flags == sorted(flags, reverse=True)
