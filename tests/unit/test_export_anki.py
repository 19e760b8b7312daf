"""The Anki export without Anki: ids, GUIDs, tags, escaping, timestamps and reproducible files."""

from __future__ import annotations

import dataclasses
import re
import sqlite3
import time
import warnings
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import genanki
import pytest

from quiz.bank.load import load_bank
from quiz.bank.model import Bank, QuestionType, cloze_spans
from quiz.export import anki_templates
from quiz.export.anki import (
    NOTE_TYPE_OF,
    NOTE_TYPES,
    DuplicateBankError,
    build_decks,
    deck_name,
    export_anki,
    export_timestamp,
    note_for,
    note_guid,
    note_tags,
)
from quiz.export.htmltext import escape_cloze, escape_text

DATA = Path(__file__).resolve().parent.parent / "data"
MINIMAL = DATA / "good" / "minimal.yaml"
HOSTILE = DATA / "anki" / "hostile.yaml"
T0 = 1_700_000_000.0

#: genanki's README example ids: copying them makes note types collide with other decks.
README_EXAMPLE_IDS = {1607392319, 2059400110}


@pytest.fixture(scope="module")
def minimal() -> Bank:
    return load_bank(MINIMAL)


@pytest.fixture(scope="module")
def hostile() -> Bank:
    return load_bank(HOSTILE)


class _Tags(HTMLParser):
    """Collects the tags, attributes and text of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(name for name, _ in attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Tags:
    p = _Tags()
    p.feed(html)
    p.close()
    return p


# --- ids ---------------------------------------------------------------------------------------


def test_note_type_ids_are_pinned() -> None:
    # These ids are what existing Anki collections know the note types by: never change them.
    assert {spec.key: spec.id for spec in NOTE_TYPES} == {
        "multiple-choice": 3476328690904130,
        "true-false": 4364917145891251,
        "basic": 731271888571074,
        "basic-typing": 3527028213282976,
        "cloze": 38794653024909,
    }


def test_ids_of_fields_and_templates_are_stable_and_distinct() -> None:
    seen: set[int] = set()
    for spec in NOTE_TYPES:
        first, again = spec.genanki_model(), spec.genanki_model()
        assert first.fields == again.fields and first.templates == again.templates
        ids = [f["id"] for f in first.fields] + [t["id"] for t in first.templates]
        assert all(isinstance(i, int) and 0 < i < 2**53 for i in ids)
        seen.update(ids)
        seen.add(spec.id)
        assert "Source" in spec.fields
    assert len(seen) == sum(len(s.fields) + len(s.templates) + 1 for s in NOTE_TYPES)
    assert not seen & README_EXAMPLE_IDS


def test_every_question_type_has_a_note_type_with_matching_fields(minimal: Bank) -> None:
    assert set(NOTE_TYPE_OF) == set(QuestionType)
    assert NOTE_TYPE_OF[QuestionType.CLOZE].cloze
    for q in minimal.questions:
        note = note_for(minimal, q)
        assert len(note.fields) == len(note.note_type.fields), q.id


def test_cards_are_those_genanki_would_make(minimal: Bank, hostile: Bank) -> None:
    # The export tells genanki each note's cards; they must be the ones genanki works out.
    cloze = minimal.question("cloze-cramp")
    extra = dataclasses.replace(
        cloze, prompt="{{c3::a}} and {{c2::b}} and {{c3::c::hint}}, not {c1::d}."
    )
    cases = [(minimal, q) for q in minimal.questions] + [(hostile, q) for q in hostile.questions]
    cases.append((minimal, extra))
    for bank, q in cases:
        note = note_for(bank, q)
        model = note.note_type.genanki_model()
        expected = genanki.Note(model=model, fields=list(note.fields)).cards
        assert note.card_ords == tuple(sorted(c.ord for c in expected)), q.id
    assert note_for(minimal, extra).card_ords == (1, 2)


def test_guid_comes_from_bank_and_question_id_only(minimal: Bank) -> None:
    q = minimal.questions[0]
    note = note_for(minimal, q)
    assert note.guid == genanki.guid_for(minimal.id, q.id) == note_guid(minimal.id, q.id)
    edited = dataclasses.replace(q, prompt="Something else entirely?", explanation="New.")
    assert note_for(minimal, edited).guid == note.guid
    other_bank = dataclasses.replace(minimal, id="other")
    assert note_for(other_bank, q).guid != note.guid


def test_tags_are_under_one_root(minimal: Bank) -> None:
    assert note_tags(minimal, minimal.question("what-is-twitch")) == (
        "patient-quiz::sample::basics",
    )
    assert note_tags(minimal, minimal.question("weak")) == (
        "patient-quiz::sample::red-flags",
        "patient-quiz::red-flag",
    )
    untagged = dataclasses.replace(minimal.question("weak"), topics=("a::b c",), red_flag=False)
    assert note_tags(minimal, untagged) == ("patient-quiz::sample::a:b_c",)
    assert note_tags(minimal, dataclasses.replace(untagged, topics=())) == ("patient-quiz::sample",)


def test_deck_name_is_under_the_parent_numbered_and_cannot_nest_further(
    minimal: Bank, hostile: Bank
) -> None:
    assert deck_name(minimal) == "Patient education::Sample bank"
    assert deck_name(hostile) == "Patient education::Markup ‹b›is‹/b› text : really"
    assert deck_name(minimal, 2, 4) == "Patient education::2. Sample bank"
    # zero-padded, so that deck 10 sorts after deck 9
    assert deck_name(minimal, 3, 12) == "Patient education::03. Sample bank"
    names = [deck_name(minimal, n, 12) for n in range(1, 13)]
    assert sorted(names) == names


# --- escaping ----------------------------------------------------------------------------------


def test_escape_text_leaves_no_markup() -> None:
    raw = "<script>alert(1)</script> [sound:a.mp3] {{c1::x}} & \"q\" 'a'\nline\x1ftwo\n"
    out = escape_text(raw)
    assert parse(out).tags == ["br"]
    assert not set("<>[{}\x1f\"'") & set(out.replace("<br>", ""))
    text = "".join(parse(out).text)
    assert text == "<script>alert(1)</script> [sound:a.mp3] {{c1::x}} & \"q\" 'a'linetwo"


def test_escape_cloze_keeps_deletions_and_escapes_inside_them() -> None:
    raw = "A <b>{x}</b> is {{c1::<i>hidden</i>::a <hint>}}\nand {{c2::two [2]}}.\n"
    out = escape_cloze(raw)
    deletions = [(s.digits, s.text, s.hint) for s in cloze_spans(out)]
    assert deletions == [
        ("1", "&lt;i&gt;hidden&lt;/i&gt;", "a &lt;hint&gt;"),
        ("2", "two &#91;2]", None),
    ]
    assert out.startswith("A &lt;b&gt;&#123;x&#125;&lt;/b&gt; is {{c1::")
    assert "}}<br>and {{c2::" in out and out.endswith("}}.")
    assert "<" not in out.replace("<br>", "")


def test_no_field_of_any_note_carries_bank_markup(hostile: Bank) -> None:
    allowed = {"ol", "li", "span", "br", "a"}
    for q in hostile.questions:
        note = note_for(hostile, q)
        for value in note.fields:
            p = parse(value)
            assert set(p.tags) <= allowed, (q.id, value)
            assert set(p.attrs) <= {"class", "href"}, (q.id, value)
            # the one link is the source's address, in the Source field
            assert "a" not in p.tags or value == note.fields[-1], (q.id, value)
            assert "[" not in value, (q.id, value)
            if not note.note_type.cloze:
                assert "{" not in value, (q.id, value)
    choice = note_for(hostile, hostile.question("choice-script"))
    assert "Is <script>alert(1)</script> a [bold] question?" in "".join(
        parse(choice.fields[0]).text
    )


def test_genanki_finds_no_invalid_html_in_fields(
    minimal: Bank, hostile: Bank, tmp_path: Path
) -> None:
    # The export skips genanki's per-field check for unescaped markup; run it here instead.
    for bank in (minimal, hostile):
        for q in bank.questions:
            for value in note_for(bank, q).fields:
                assert genanki.Note._find_invalid_html_tags_in_field(value) == [], (q.id, value)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        export_anki([hostile], tmp_path / "h.apkg", timestamp=T0)


def test_templates_use_no_javascript_and_follow_night_mode() -> None:
    for spec in NOTE_TYPES:
        for _, front, back in spec.templates:
            for template in (front, back):
                assert "<script" not in template.lower()
                assert not re.search(r"\son\w+\s*=", template), template
                assert "{{Source}}" in back
    css = anki_templates.CSS
    assert ".nightMode" in css and ".night_mode" in css and "max-width" in css
    assert "javascript" not in css.lower()


# --- timestamps and files ----------------------------------------------------------------------


def test_export_timestamp_prefers_source_date_epoch() -> None:
    assert export_timestamp({}, 123.5) == 123.5
    assert export_timestamp({"SOURCE_DATE_EPOCH": ""}, 123.5) == 123.5
    assert export_timestamp({"SOURCE_DATE_EPOCH": "1700000000"}, 123.5) == 1_700_000_000
    for bad in ("abc", "-5", "1.5"):
        with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH"):
            export_timestamp({"SOURCE_DATE_EPOCH": bad}, 0)


def _collection_rows(apkg: Path, tmp_path: Path) -> tuple[list[int], list[int]]:
    with zipfile.ZipFile(apkg) as z:
        assert sorted(z.namelist()) == ["collection.anki2", "media"]
        db = tmp_path / f"{apkg.stem}.anki2"
        db.write_bytes(z.read("collection.anki2"))
    conn = sqlite3.connect(db)
    try:
        notes = [r[0] for r in conn.execute("SELECT mod FROM notes")]
        cards = [r[0] for r in conn.execute("SELECT mod FROM cards")]
    finally:
        conn.close()
    return notes, cards


def test_same_timestamp_gives_a_byte_identical_package(
    minimal: Bank, hostile: Bank, tmp_path: Path
) -> None:
    a, b, c = tmp_path / "a.apkg", tmp_path / "b.apkg", tmp_path / "c.apkg"
    export_anki([minimal, hostile], a, timestamp=T0)
    export_anki([minimal, hostile], b, timestamp=T0)
    export_anki([minimal, hostile], c, timestamp=T0 + 1)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    # The zip entries carry the export's time, not the wall clock.
    with zipfile.ZipFile(a) as z:
        stamp = time.gmtime(T0)[:6]
        assert {i.date_time for i in z.infolist()} == {stamp}
    notes, cards = _collection_rows(c, tmp_path)
    assert set(notes) == set(cards) == {int(T0) + 1}
    assert len(notes) == len(minimal.questions) + len(hostile.questions)


def test_export_summary_counts_notes_and_cards(
    minimal: Bank, hostile: Bank, tmp_path: Path
) -> None:
    summary = export_anki([minimal, hostile], tmp_path / "s.apkg", timestamp=T0)
    assert (summary.decks, summary.notes) == (2, 11)
    # hostile's cloze has two deletions: two cards
    assert summary.cards == 12


def test_two_banks_with_one_id_are_refused(minimal: Bank, tmp_path: Path) -> None:
    twin = dataclasses.replace(minimal, title="Another title")
    with pytest.raises(DuplicateBankError, match="sample"):
        build_decks([minimal, twin])
    with pytest.raises(DuplicateBankError):
        export_anki([minimal, twin], tmp_path / "d.apkg", timestamp=T0)
    assert not (tmp_path / "d.apkg").exists()


def test_unwritable_output_raises_oserror_and_leaves_nothing(minimal: Bank, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OSError):
        export_anki([minimal], blocker / "x.apkg", timestamp=T0)
    assert list(tmp_path.iterdir()) == [blocker]


def test_overwrite_replaces_an_existing_package(minimal: Bank, tmp_path: Path) -> None:
    out = tmp_path / "o.apkg"
    out.write_bytes(b"old")
    export_anki([minimal], out, timestamp=T0)
    assert zipfile.is_zipfile(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.apkg"]


def test_note_guid_is_exactly_genankis_guid_for() -> None:
    ids = ["", "a", "red-flags", "é", "日本", "x" * 300, "a__b", "__", "0", " s p "]
    for bank_id in ids:
        for question_id in ids:
            assert note_guid(bank_id, question_id) == genanki.guid_for(bank_id, question_id)


def test_every_back_starts_with_the_action_box_and_typing_ignores_accents() -> None:
    for spec in NOTE_TYPES:
        for _, front, back in spec.templates:
            after = back.split("<hr id=answer>\n", 1)[1]
            assert after.startswith('{{#Action}}<div class="pq-action">'), spec.key
            assert "{{type:Answer}}" not in front + back
    typing = NOTE_TYPE_OF[QuestionType.TYPED].templates[0]
    assert "{{type:nc:Answer}}" in typing[1] and "{{type:nc:Answer}}" in typing[2]
