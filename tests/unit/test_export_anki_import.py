"""Exported packages imported into a fresh collection by the real Anki library.

Anki (AGPL) is a test-only dependency: these tests run the same importer as the desktop app
and render every card as Anki would show it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from quiz.bank.discover import find_bank_files, shipped_decks_dir
from quiz.bank.load import load_bank
from quiz.bank.model import Bank
from quiz.export.anki import (
    NOTE_TYPES,
    PARENT_DECK,
    bank_option_orders,
    citation_text,
    deck_name,
    export_anki,
    note_guid,
    option_letter,
)

collection_mod = pytest.importorskip("anki.collection", reason="the anki test dependency")
Collection = collection_mod.Collection

DATA = Path(__file__).resolve().parent.parent / "data"
MINIMAL = DATA / "good" / "minimal.yaml"
HOSTILE = DATA / "anki" / "hostile.yaml"
T0 = 1_700_000_000.0
TITLE = "Markup ‹b›is‹/b› text : really"

#: What Anki writes into a card when a template cannot render.
TEMPLATE_ERRORS = (
    "has a problem",
    "front of this card is blank",
    "no such field",
    "no field called",
    "cloze deletion",
    "Expected to find",
)


class _Html(HTMLParser):
    """The tags, attribute names and visible text of rendered card HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[str] = []
        self.classes: list[str] = []
        self.hrefs: list[str] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            self.attrs.append(name)
            if name == "class" and value:
                self.classes.extend(value.split())
            if name == "href" and value is not None:
                self.hrefs.append(value)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def html(fragment: str) -> _Html:
    p = _Html()
    p.feed(fragment)
    p.close()
    return p


def plain(text: str) -> str:
    return " ".join(text.split())


def squash(text: str) -> str:
    """Text without any spaces (the parser puts one between the pieces of a link)."""
    return "".join(text.split())


Importer = Callable[[Path], Any]


@pytest.fixture
def col(tmp_path: Path) -> Iterator[Any]:
    folder = tmp_path / "anki"
    folder.mkdir()
    c = Collection(str(folder / "collection.anki2"))
    yield c
    c.close()


@pytest.fixture
def import_package(col: Any) -> Importer:
    def run(path: Path) -> Any:
        request = collection_mod.ImportAnkiPackageRequest(
            package_path=str(path), options=collection_mod.ImportAnkiPackageOptions()
        )
        response = col.import_anki_package(request)
        col.models._clear_cache()
        return response.log

    return run


@pytest.fixture(scope="module")
def banks() -> list[Bank]:
    return [load_bank(MINIMAL), load_bank(HOSTILE)]


@pytest.fixture
def imported(banks: list[Bank], col: Any, import_package: Importer, tmp_path: Path) -> Any:
    out = tmp_path / "both.apkg"
    export_anki(banks, out, timestamp=T0)
    log = import_package(out)
    assert len(log.new) == 11 and not log.conflicting and not log.missing_notetype
    return col


def _note_by_guid(col: Any) -> dict[str, Any]:
    return {col.get_note(nid).guid: col.get_note(nid) for nid in col.find_notes("")}


def _check_card_renders(col: Any, bank: Bank, cid: int) -> tuple[str, str]:
    """Render one card; assert what every card must show. Returns (front, back) HTML."""
    card = col.get_card(cid)
    out = card.render_output()
    front, back = out.question_text, out.answer_text
    qid = next(q.id for q in bank.questions if note_guid(bank.id, q.id) == card.note().guid)
    q = bank.question(qid)
    for side in (front, back):
        assert "{{" not in side and "}}" not in side, (qid, side)
        for err in TEMPLATE_ERRORS:
            assert err.lower() not in side.lower(), (qid, err, side)
        parsed = html(side)
        assert "script" not in parsed.tags, (qid, side)
        assert not [a for a in parsed.attrs if a.startswith("on")], (qid, side)
    assert not out.question_av_tags and not out.answer_av_tags
    front_text, back_text = html(front).text, html(back).text
    assert front_text, qid
    # The answer side teaches: explanation, source; a red flag's action is in its box.
    assert plain(q.explanation) in back_text, (qid, back_text)
    assert squash(citation_text(bank, q)) in squash(back_text), (qid, back_text)
    assert plain(q.explanation) not in front_text, qid
    if q.red_flag:
        assert q.action is not None  # the loader requires it
    if q.action:
        assert "pq-action" in html(back).classes, qid
        assert plain(q.action) in back_text, qid
        # Safety first: the action is the first thing under the line Anki scrolls to.
        after_line = html(back.split("<hr id=answer>", 1)[1]).text
        assert after_line.startswith("⚠ What to do " + plain(q.action)), (qid, after_line)
    else:
        assert "pq-action" not in html(back).classes, qid
    assert "pq-action" not in html(front).classes, qid
    return front, back


def test_counts_decks_and_descriptions(imported: Any, banks: list[Bank]) -> None:
    col = imported
    assert col.note_count() == 11
    assert col.card_count() == 12  # the hostile cloze has two deletions
    names = {d.name for d in col.decks.all_names_and_ids()}
    numbered = [deck_name(b, n, len(banks)) for n, b in enumerate(banks, 1)]
    assert names >= {PARENT_DECK, *numbered}
    assert numbered == ["Patient education::1. Sample bank", f"Patient education::2. {TITLE}"]
    for bank, name in zip(banks, numbered, strict=True):
        deck = col.decks.by_name(name)
        assert deck is not None
        cids = col.find_cards(f'"deck:{name}"')
        assert len({col.get_card(c).nid for c in cids}) == len(bank.questions)
        assert html(deck["desc"]).text.startswith(plain(bank.description))
        assert "script" not in html(deck["desc"]).tags


def test_note_types_keep_their_ids_fields_and_templates(imported: Any) -> None:
    col = imported
    for spec in NOTE_TYPES:
        model = col.models.get(spec.id)
        assert model is not None, spec.name
        assert model["name"] == spec.name
        assert [f["name"] for f in model["flds"]] == list(spec.fields)
        expected = spec.genanki_model()
        assert [f["id"] for f in model["flds"]] == [f["id"] for f in expected.fields]
        assert [t["id"] for t in model["tmpls"]] == [t["id"] for t in expected.templates]
        assert model["type"] == (1 if spec.cloze else 0)


def test_tags(imported: Any, banks: list[Bank]) -> None:
    notes = _note_by_guid(imported)
    for bank in banks:
        for q in bank.questions:
            tags = set(notes[note_guid(bank.id, q.id)].tags)
            expected = {f"patient-quiz::{bank.id}::{t}" for t in q.topics}
            if q.red_flag:
                expected.add("patient-quiz::red-flag")
            assert tags == expected, q.id
    # One root: a learner finds (and can remove) everything with one search.
    assert len(imported.find_notes("tag:patient-quiz")) == 11
    assert len(imported.find_notes("tag:patient-quiz::red-flag")) == 3


def _bank_of(col: Any, banks: list[Bank], cid: int) -> Bank:
    guid = col.get_card(cid).note().guid
    return next(b for b in banks for q in b.questions if note_guid(b.id, q.id) == guid)


def test_every_card_renders_cleanly(imported: Any, banks: list[Bank]) -> None:
    col = imported
    rendered = 0
    for cid in col.find_cards(""):
        _check_card_renders(col, _bank_of(col, banks, cid), cid)
        rendered += 1
    assert rendered == 12


def _card_of(col: Any, bank: Bank, qid: str, ord_: int = 0) -> tuple[str, str]:
    guid = note_guid(bank.id, qid)
    note = next(n for n in _note_by_guid(col).values() if n.guid == guid)
    card = next(c for c in note.cards() if c.ord == ord_)
    out = card.render_output()
    return out.question_text, out.answer_text


def test_multiple_choice_front_lists_options_back_marks_the_right_ones(
    imported: Any, banks: list[Bank]
) -> None:
    minimal = banks[0]
    q = minimal.question("multi-triggers")
    order = bank_option_orders(minimal)[q.id]
    letter = {q.options[i].text: option_letter(p) for p, i in enumerate(order)}
    front, back = _card_of(imported, minimal, q.id)
    f = html(front)
    assert f.tags.count("li") == 3 and "ol" in f.tags
    assert "Choose every answer that is right." in f.text
    shown = " ".join(f"{option_letter(p)} {q.options[i].text}" for p, i in enumerate(order))
    assert shown in f.text
    assert "Right" not in f.text and "A common trigger." not in f.text
    b = html(back).text
    right = sorted((letter[t], t) for t in ("Caffeine", "Stress"))
    assert "Correct answer " + " ".join(f"{x} {t}" for x, t in right) in b
    assert f"{letter['Caffeine']} ✓ Right: Caffeine A common trigger." in b
    wrong = letter["Reading a book"]
    assert f"{wrong} ✗ Wrong: Reading a book Reading does not cause twitching." in b


def test_true_false_cloze_and_typed_cards(imported: Any, banks: list[Bank]) -> None:
    minimal = banks[0]
    front, back = _card_of(imported, minimal, "tf-common")
    assert "True or false?" in html(front).text and "Answer True" in html(back).text
    front, back = _card_of(imported, minimal, "cloze-cramp")
    assert "painful" not in html(front).text and "[...]" in html(front).text
    assert "sudden painful tightening" in html(back).text
    front, back = _card_of(imported, minimal, "emg")
    # Anki's typing box, comparing without accents ("nc")
    assert "[[type:nc:Answer]]" in front and "[[type:nc:Answer]]" in back
    assert "Also right electromyography" in html(back).text


def test_bank_markup_arrives_as_visible_text(imported: Any, banks: list[Bank]) -> None:
    hostile = banks[1]
    front, back = _card_of(imported, hostile, "choice-script")
    for side in (front, back):
        assert "Is <script>alert(1)</script> a [bold] question?" in html(side).text
        assert "<script" not in side
        assert "<img" not in side
    b = html(back).text
    assert "Yes <img src=x onerror=alert(3)>" in b
    assert "{{c1::not a cloze}} here." in b
    assert "[sound:alarm.mp3]" in b and "<a href='tel:1'>your doctor</a>" in b
    # The source is a link to its address, which stays one attribute value.
    assert html(back).hrefs == ['https://example.org/a?b=1&c="><script>alert(2)</script>']
    assert squash("Source: A <i>document</i>, section “Section <h1>one</h1>”") in squash(b)
    assert html(back).tags.count("a") == 1 and "img" not in html(back).tags
    # Cloze syntax still works with markup around and inside the deletions.
    front1, back1 = _card_of(imported, hostile, "cloze-script", 0)
    assert "A <b>cramp</b> is [a <hint>] and painful [x] ." in html(front1).text
    assert "<script>alert(5)</script> sudden" in html(back1).text
    assert "script" not in html(front1).tags + html(back1).tags
    front2, _ = _card_of(imported, hostile, "cloze-script", 1)
    assert "<script>alert(5)</script> sudden and [...]" in html(front2).text


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def test_reimport_after_an_edit_updates_notes_in_place(
    col: Any, import_package: Importer, tmp_path: Path
) -> None:
    bank_file = tmp_path / "bank.yaml"
    shutil.copyfile(MINIMAL, bank_file)
    first = tmp_path / "first.apkg"
    export_anki([load_bank(bank_file)], first, timestamp=T0)
    assert len(import_package(first).new) == 6

    cards_before = sorted(col.find_cards(""))
    # Importing the same package again changes nothing.
    log = import_package(first)
    assert not log.new and not log.updated and col.note_count() == 6

    _edit(bank_file, "What is a muscle twitch?", "What is a muscle twitch, in plain words?")
    _edit(bank_file, "Cramps hurt; twitches usually do not.", "Cramps hurt; twitches rarely do.")
    second = tmp_path / "second.apkg"
    edited = load_bank(bank_file)
    export_anki([edited], second, timestamp=T0 + 60)
    log = import_package(second)

    assert not log.new and not log.duplicate and not log.conflicting
    assert len(log.updated) == 6
    assert col.note_count() == 6 and col.card_count() == 6
    assert sorted(col.find_cards("")) == cards_before  # same cards: review history kept
    questions = [n["Question"] for n in _note_by_guid(col).values() if "Question" in n]
    assert "What is a muscle twitch, in plain words?" in questions
    assert "What is a muscle twitch?" not in questions
    assert not col.find_notes('"What is a muscle twitch?"')
    _, back = _card_of(col, edited, "cloze-cramp")
    assert "Cramps hurt; twitches rarely do." in html(back).text


def test_shipped_banks_export_and_import(
    col: Any, import_package: Importer, tmp_path: Path
) -> None:
    files, _ = find_bank_files([shipped_decks_dir()])
    if not files:
        pytest.skip("no shipped banks in decks/ yet")
    banks = [load_bank(f) for f in files]
    out = tmp_path / "shipped.apkg"
    summary = export_anki(banks, out, timestamp=T0)
    log = import_package(out)
    total = sum(len(b.questions) for b in banks)
    assert len(log.new) == total == summary.notes == col.note_count()
    assert col.card_count() == summary.cards
    names = {d.name for d in col.decks.all_names_and_ids()}
    assert {deck_name(b, n, len(banks)) for n, b in enumerate(banks, 1)} <= names
    for cid in col.find_cards(""):
        _check_card_renders(col, _bank_of(col, banks, cid), cid)


def test_the_highest_cloze_number_the_loader_accepts_imports_and_renders(
    col: Any, import_package: Importer, tmp_path: Path
) -> None:
    """c65535 is Anki's last: card 65534 renders its blank (c65536 would show as literal
    text, and a card number past 65535 makes the importer refuse the package)."""
    from quiz.bank.load import MAX_CLOZE_NUMBER, load_bank_bytes

    text = MINIMAL.read_text("utf-8").replace(
        "{{c1::painful}}", f"{{{{c1::painful}}}} and {{{{c{MAX_CLOZE_NUMBER}::secretword}}}}"
    )
    bank = load_bank_bytes(text.encode("utf-8"), "max.yaml")
    out = tmp_path / "max.apkg"
    export_anki([bank], out, timestamp=T0)
    log = import_package(out)
    assert len(log.new) == len(bank.questions)
    cards = [col.get_card(cid) for cid in col.find_cards("secretword")]
    assert sorted(c.ord for c in cards) == [0, MAX_CLOZE_NUMBER - 1]
    for card in cards:
        front = html(card.render_output().question_text).text
        assert ("secretword" in front) == (card.ord == 0), front
        assert "{{" not in front
