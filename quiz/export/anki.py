"""Export banks to one Anki package (.apkg) that the real Anki imports and updates in place.

This module owns the Anki side of the project: the note types (fixed ids, and fields and
templates with stable ids), how each question type becomes a note, the deck tree
(`Patient education::<n>. <bank title>`, numbered in teaching order, the disclaimer in every
deck's description), the tags, note identity, study order and the package file itself.

- Note GUIDs are `genanki.guid_for(bank id, question id)`: an edited bank, exported again and
  imported over the old one, updates its notes in place instead of duplicating them.
- Anki updates a note only when the package's modification time for it is newer than its
  own, and an update replaces the note's fields and tags. With a ledger
  (`quiz.export.anki_ledger`) each note carries the time its content last changed, so a
  re-export updates only the notes that changed; without one, every note carries the
  export's time (`export_timestamp`: the clock, or `SOURCE_DATE_EPOCH`). The same banks, the
  same ledger and the same time give a byte-identical file: the zip is written here with
  fixed entry dates, not by genanki.
- Each choice note shows its options in its own fixed order, balanced across each bank
  (`quiz.export.anki_order`); the back names options by their letters in that order.
- All bank text is HTML-escaped (`quiz.export.htmltext`) before it goes into a field.

genanki is imported here, so import this module only when exporting.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import html as html_module
import itertools
import json
import os
import re
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

import genanki

from quiz.bank.model import CHOICE_TYPES, Bank, Question, QuestionType, Source
from quiz.bank.order import option_order
from quiz.export import anki_templates as tpl
from quiz.export.anki_ledger import Ledger, LedgerChanges, LedgerUpdate, TypeChange
from quiz.export.anki_order import balanced_option_orders, study_positions
from quiz.export.atomic_file import write_atomically
from quiz.export.htmltext import escape_cloze, escape_text
from quiz.safe_text import link_url

#: The parent deck of every exported bank.
PARENT_DECK = "Patient education"
#: Prefix of every name that an id is derived from; never change it (ids would change).
_ID_NAMESPACE = "patient-quiz/anki/"
#: The zip format cannot hold dates before 1980.
_ZIP_EPOCH = 315532800


def stable_id(name: str) -> int:
    """A fixed positive id for an Anki object, derived from its stable name.

    52 bits, so the id survives a round trip through JSON numbers in any Anki client.
    """
    digest = hashlib.sha256((_ID_NAMESPACE + name).encode("utf-8")).digest()
    return (int.from_bytes(digest[:8], "big") >> 12) | (1 << 40)


# --- note types ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NoteTypeSpec:
    """One exported note type: its stable key (ids derive from it), name, fields and templates."""

    key: str
    name: str
    fields: tuple[str, ...]
    #: (template name, front, back)
    templates: tuple[tuple[str, str, str], ...]
    cloze: bool = False

    @property
    def id(self) -> int:
        """The note type's fixed id."""
        return stable_id(f"notetype/{self.key}")

    def genanki_model(self, mod: int | None = None) -> genanki.Model:
        """A fresh genanki model (genanki mutates the dicts it is given, so never share one),
        stamped with `mod` (None: the package's time)."""
        return _TimedModel(
            self.id,
            self.name,
            fields=[
                {"name": f, "id": stable_id(f"notetype/{self.key}/field/{f}")} for f in self.fields
            ],
            templates=[
                {
                    "name": name,
                    "qfmt": front,
                    "afmt": back,
                    "id": stable_id(f"notetype/{self.key}/template/{name}"),
                }
                for name, front, back in self.templates
            ],
            css=tpl.CSS,
            model_type=genanki.Model.CLOZE if self.cloze else genanki.Model.FRONT_BACK,
            mod=mod,
        )

    @property
    def digest(self) -> str:
        """A hash of everything the note type carries (name, fields, templates, style)."""
        payload = [self.key, self.name, self.fields, self.templates, tpl.CSS, self.cloze]
        raw = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(raw).hexdigest()[:32]


class _TimedModel(genanki.Model):  # type: ignore[misc]
    """A genanki model that carries its own modification time (genanki stamps every model
    with the package's time, which would make Anki rewrite the note type on every import)."""

    def __init__(self, *args: Any, mod: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mod = mod

    def to_json(self, timestamp: float, deck_id: int) -> dict[str, Any]:
        result: dict[str, Any] = super().to_json(
            timestamp if self.mod is None else self.mod, deck_id
        )
        return result


_TAIL_FIELDS = ("Explanation", "Action", "Source")

MULTIPLE_CHOICE = NoteTypeSpec(
    key="multiple-choice",
    name="Patient quiz: multiple choice",
    fields=("Question", "Instruction", "Options", "Correct", "Option feedback", *_TAIL_FIELDS),
    templates=(("Multiple choice", tpl.MULTIPLE_CHOICE_FRONT, tpl.MULTIPLE_CHOICE_BACK),),
)
TRUE_FALSE = NoteTypeSpec(
    key="true-false",
    name="Patient quiz: true or false",
    fields=("Statement", "Answer", *_TAIL_FIELDS),
    templates=(("True or false", tpl.TRUE_FALSE_FRONT, tpl.TRUE_FALSE_BACK),),
)
BASIC = NoteTypeSpec(
    key="basic",
    name="Patient quiz: basic",
    fields=("Front", "Back", *_TAIL_FIELDS),
    templates=(("Card 1", tpl.BASIC_FRONT, tpl.BASIC_BACK),),
)
BASIC_TYPING = NoteTypeSpec(
    key="basic-typing",
    name="Patient quiz: basic (type the answer)",
    fields=("Front", "Answer", "Also accepted", *_TAIL_FIELDS),
    templates=(("Card 1", tpl.BASIC_TYPING_FRONT, tpl.BASIC_TYPING_BACK),),
)
CLOZE = NoteTypeSpec(
    key="cloze",
    name="Patient quiz: cloze",
    fields=("Text", "Back Extra", "Action", "Source"),
    templates=(("Cloze", tpl.CLOZE_FRONT, tpl.CLOZE_BACK),),
    cloze=True,
)

NOTE_TYPES: tuple[NoteTypeSpec, ...] = (MULTIPLE_CHOICE, TRUE_FALSE, BASIC, BASIC_TYPING, CLOZE)

#: Which note type each question type becomes.
NOTE_TYPE_OF: Mapping[QuestionType, NoteTypeSpec] = {
    QuestionType.SINGLE: MULTIPLE_CHOICE,
    QuestionType.MULTI: MULTIPLE_CHOICE,
    QuestionType.TRUE_FALSE: TRUE_FALSE,
    QuestionType.FLASHCARD: BASIC,
    QuestionType.TYPED: BASIC_TYPING,
    QuestionType.CLOZE: CLOZE,
}

_INSTRUCTION = {
    QuestionType.SINGLE: "Choose one answer.",
    QuestionType.MULTI: "Choose every answer that is right.",
}


#: The root of every tag the export writes, so a learner can find (and remove) all of it.
TAG_ROOT = "patient-quiz"
RED_FLAG_TAG = f"{TAG_ROOT}::red-flag"


# --- notes -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NoteData:
    """One question as an Anki note: its type, field values (HTML), tags and GUID."""

    note_type: NoteTypeSpec
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    guid: str
    #: the note's cards by template ordinal (a cloze note: deletion number - 1)
    card_ords: tuple[int, ...] = (0,)
    #: the new cards' due position (the study order, from 1; 0: not planned)
    due: int = 0
    #: choice notes: the indexes of the question's options in the order shown
    order: tuple[int, ...] | None = None

    @property
    def digest(self) -> str:
        """A hash of what the note carries into Anki (note type, fields, tags)."""
        # Fields never hold NUL (escaping drops control characters): a safe separator.
        text = "\x00".join((self.note_type.key, *self.fields, " ".join(self.tags)))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


_BASE91 = genanki.util.BASE91_TABLE


def note_guid(bank_id: str, question_id: str) -> str:
    """The note's GUID: the same bank and question id always give the same note.

    Exactly `genanki.guid_for(bank_id, question_id)` (the first 8 bytes of a SHA-256 in
    Anki's base 91), in two thirds of its time; the tests hold the two equal.
    """
    digest = hashlib.sha256(f"{bank_id}__{question_id}".encode()).digest()
    value = int.from_bytes(digest[:8], "big")
    out: list[str] = []
    while value > 0:
        value, digit = divmod(value, 91)
        out.append(_BASE91[digit])
    return "".join(reversed(out))


def _tag(text: str) -> str:
    # Anki tags cannot hold spaces, and `::` nests: bank ids and topics are slugs, this guards.
    return "_".join(text.replace("::", ":").split())


def option_letter(position: int) -> str:
    """The letter an option is shown with: A, B, C, ... (0-based position)."""
    return chr(ord("A") + position) if position < 26 else str(position + 1)


# --- sources ---------------------------------------------------------------------------------

#: A title that only says there is none, or ends by saying so: "(untitled article)".
_PLACEHOLDER_TITLE_RE = re.compile(
    r"\s*[(\[]\s*(?:untitled|no title|title unknown|unknown title)\b[^)\]]*[)\]]\s*$",
    re.IGNORECASE,
)
_PLACEHOLDER_TEXTS = frozenset(
    {"", "untitled", "untitled article", "no title", "unknown", "n/a", "none", "tbd"}
)
#: Section names that a converter writes when a document has no headings.
_PLACEHOLDER_SECTIONS = frozenset(
    {"body", "main", "content", "contents", "text", "article", "section", "document"}
)


def _placeholder(text: str) -> bool:
    return text.strip().strip("()[]").strip().lower() in _PLACEHOLDER_TEXTS


def source_title(source: Source) -> str | None:
    """The source's title without a placeholder ("(untitled article)"), or None."""
    title = _PLACEHOLDER_TITLE_RE.sub("", source.title).strip()
    return None if _placeholder(title) else title


def section_title(section: str) -> str | None:
    """The section's heading, or None for a placeholder ("body")."""
    s = section.strip()
    return None if _placeholder(s) or s.lower() in _PLACEHOLDER_SECTIONS else s


def citation_html(bank: Bank, q: Question) -> str:
    """The question's source as HTML: the document's title (a link when it has a web
    address), its publisher, and the section. Placeholders are left out."""
    try:
        source: Source | None = bank.source(q.source.id)
    except KeyError:
        source = None
    url = link_url(source.url) if source is not None else None
    title = source_title(source) if source is not None else None
    publisher = source.publisher.strip() if source is not None and source.publisher else None
    if publisher and _placeholder(publisher):
        publisher = None
    name = title or publisher
    if name is None and url is not None:
        name = urlsplit(url).hostname
    if name is None:
        name = "Source document"
    html = escape_text(name)
    if url is not None:
        html = f'<a href="{escape_text(url)}">{html}</a>'
    if publisher and title:
        html += f" ({escape_text(publisher)})"
    section = section_title(q.source.section)
    if section:
        html += f", section \u201c{escape_text(section)}\u201d"
    return html


def citation_text(bank: Bank, q: Question) -> str:
    """The citation as a card shows it, as plain text (for tests and previews)."""
    return html_module.unescape(re.sub(r"<[^>]+>", "", citation_html(bank, q)))


# --- one bank's notes ------------------------------------------------------------------------


class BankNotes:
    """Turns one bank's questions into notes, reusing what questions share (citations, tags).

    `orders` fixes each choice question's option order (question id -> indexes); a question
    not in it is shown in its own hashed order (`quiz.bank.order.option_order`, seeded by
    the note's GUID). `positions` gives each question's study position.
    """

    def __init__(
        self,
        bank: Bank,
        orders: Mapping[str, tuple[int, ...]] | None = None,
        positions: Mapping[str, int] | None = None,
        guids: Mapping[str, str] | None = None,
    ) -> None:
        self.bank = bank
        self._bank_tag = f"{TAG_ROOT}::{_tag(bank.id)}"
        self._guids = guids if guids is not None else bank_guids(bank)
        self._orders = orders if orders is not None else bank_option_orders(bank, None, self._guids)
        self._positions = positions or {}
        self._sources: dict[tuple[str, str], str] = {}
        self._tags: dict[tuple[tuple[str, ...], bool], tuple[str, ...]] = {}

    def tags(self, q: Question) -> tuple[str, ...]:
        """`patient-quiz::<bank>::<topic>` for each topic (`patient-quiz::<bank>` without
        one), and `patient-quiz::red-flag` on safety items."""
        key = (q.topics, q.red_flag)
        tags = self._tags.get(key)
        if tags is None:
            found = [f"{self._bank_tag}::{_tag(t)}" for t in q.topics] or [self._bank_tag]
            if q.red_flag:
                found.append(RED_FLAG_TAG)
            tags = self._tags[key] = tuple(dict.fromkeys(found))
        return tags

    def source(self, q: Question) -> str:
        """The citation (`citation_html`)."""
        key = (q.source.id, q.source.section)
        html = self._sources.get(key)
        if html is None:
            html = self._sources[key] = citation_html(self.bank, q)
        return html

    def note(self, q: Question) -> NoteData:
        """The note for one question (every bank string escaped)."""
        explanation = escape_text(q.explanation)
        action = escape_text(q.action) if q.action else ""
        source = self.source(q)
        t = q.type
        fields: tuple[str, ...]
        card_ords: tuple[int, ...] = (0,)
        order: tuple[int, ...] | None = None
        guid = self._guids.get(q.id) or note_guid(self.bank.id, q.id)
        if t in CHOICE_TYPES:
            order = self._orders.get(q.id)
            if order is None:
                order = option_order(q, guid)
            fields = (*_choice_fields(q, order), explanation, action, source)
        elif t is QuestionType.TRUE_FALSE:
            answer = "True" if q.answer else "False"
            fields = (escape_text(q.prompt), answer, explanation, action, source)
        elif t is QuestionType.FLASHCARD:
            back = escape_text(q.back or "")
            fields = (escape_text(q.prompt), back, explanation, action, source)
        elif t is QuestionType.TYPED:
            first, *others = q.answers or ("",)
            also = ", ".join(escape_text(a) for a in others)
            fields = (escape_text(q.prompt), escape_text(first), also, explanation, action, source)
        else:
            fields = (escape_cloze(q.prompt), explanation, action, source)
            card_ords = tuple(sorted({d.index - 1 for d in q.cloze_deletions() if d.index > 0}))
        due = self._positions.get(q.id, 0)
        return NoteData(NOTE_TYPE_OF[t], fields, self.tags(q), guid, card_ords, due, order)

    def notes(self) -> list[NoteData]:
        """Every question's note, in file order."""
        return [self.note(q) for q in self.bank.questions]


def bank_guids(bank: Bank) -> dict[str, str]:
    """Each question's note GUID (question id -> GUID)."""
    return {q.id: note_guid(bank.id, q.id) for q in bank.questions}


def bank_option_orders(
    bank: Bank, ledger: Ledger | None = None, guids: Mapping[str, str] | None = None
) -> dict[str, tuple[int, ...]]:
    """Every choice question's option order: remembered by the ledger, or balanced across
    the bank from each note's own hashed order, seeded by its GUID (`quiz.export.anki_order`)."""
    known = guids if guids is not None else bank_guids(bank)
    return balanced_option_orders(
        bank,
        lambda q: known.get(q.id) or note_guid(bank.id, q.id),
        ledger.stored_order if ledger is not None else None,
    )


def bank_notes(bank: Bank) -> list[NoteData]:
    """The notes of one bank exported on its own (no ledger), in file order."""
    return BankNotes(bank, positions=_positions_of(bank, study_positions([bank]))).notes()


def _positions_of(bank: Bank, positions: Mapping[tuple[str, str], int]) -> dict[str, int]:
    return {q.id: positions.get((bank.id, q.id), 0) for q in bank.questions}


def note_tags(bank: Bank, q: Question) -> tuple[str, ...]:
    """The tags of a question's note (`BankNotes.tags`)."""
    return BankNotes(bank, orders={}).tags(q)


def source_html(bank: Bank, q: Question) -> str:
    """The citation of a question's note (`citation_html`)."""
    return citation_html(bank, q)


def _choice_fields(q: Question, order: Sequence[int]) -> tuple[str, str, str, str, str]:
    options = []
    correct = []
    feedback = []
    for position, index in enumerate(order):
        o = q.options[index]
        letter = f'<span class="pq-letter">{option_letter(position)}</span>'
        text = escape_text(o.text)
        options.append(f'<li>{letter}<span class="pq-text">{text}</span></li>')
        if o.correct:
            correct.append(f'<li>{letter}<span class="pq-text">{text}</span></li>')
            mark, cls = "\u2713 Right", "pq-right"
        else:
            mark, cls = "\u2717 Wrong", "pq-wrong"
        why = f'<span class="pq-why">{escape_text(o.why)}</span>' if o.why else ""
        feedback.append(
            f'<li class="{cls}">{letter}<span class="pq-text">'
            f'<span class="pq-mark">{mark}:</span> {text}{why}</span></li>'
        )
    return (
        escape_text(q.prompt),
        _INSTRUCTION[q.type],
        '<ol class="pq-options">' + "".join(options) + "</ol>",
        '<ol class="pq-options">' + "".join(correct) + "</ol>",
        '<ol class="pq-options pq-feedback">' + "".join(feedback) + "</ol>",
    )


def note_for(bank: Bank, q: Question) -> NoteData:
    """The note a question gets when `bank`, holding it (in place of the question with its
    id, or added last), is exported on its own. Plans the whole bank: use `bank_notes` for
    many questions."""
    questions = tuple(q if other.id == q.id else other for other in bank.questions)
    if q not in questions:
        questions += (q,)
    planned = dataclasses.replace(bank, questions=questions)
    return bank_notes(planned)[questions.index(q)]


@dataclass(slots=True)
class PackageNote:
    """A note as the package holds it: its data, note type (genanki model) and
    modification time (None: the package's time)."""

    data: NoteData
    model: genanki.Model
    mod: int | None = None

    @property
    def guid(self) -> str:
        """The note's GUID."""
        return self.data.guid

    @property
    def fields(self) -> list[str]:
        """The field values, as genanki's Note holds them."""
        return list(self.data.fields)

    @property
    def tags(self) -> list[str]:
        """The tags, as genanki's Note holds them."""
        return list(self.data.tags)


#: The options preset of every exported deck (Anki imports it when the learner ticks "Import
#: deck presets"): Anki's defaults, except that new cards are gathered in ascending position
#: across the decks studied together, which is the study order the export numbers them in
#: (red-flag items first, then the banks in turn). Anki's default gathers deck by deck.
STUDY_PRESET_ID = stable_id("deck-options/patient-education")
STUDY_PRESET: Mapping[str, object] = {
    "id": STUDY_PRESET_ID,
    "name": PARENT_DECK,
    "newGatherPriority": 1,  # ascending position
    # fixed: a later export never overwrites the learner's own changes to the preset
    "mod": 1_700_000_000,
    "usn": -1,
}

#: id, guid, mid, mod, usn -1, tags, flds, sfld, csum 0, flags 0, data ''
_INSERT_NOTE = "INSERT INTO notes VALUES(?,?,?,?,-1,?,?,?,0,0,'')"
#: id, nid, did, ord, mod, usn -1, type 0 and queue 0 (new, not suspended), due, then the
#: review state (ivl, factor, reps, lapses, left, odue, odid, flags) 0 and data ''
_INSERT_CARD = "INSERT INTO cards VALUES(?,?,?,?,?,-1,0,0,?,0,0,0,0,0,0,0,0,'')"


class PackageDeck(genanki.Deck):  # type: ignore[misc]
    """A genanki deck of `PackageNote`s, whose rows it writes itself.

    genanki writes a note with one statement per note and per card, after checks this
    export does not need: it scans every field for unescaped tags (every bank string is
    escaped here by construction) and works out the cards by rendering the templates' field
    requirements (here they follow from the question: one card, or one per cloze deletion
    number). It also stamps every note with the package's one time. This deck writes the
    same rows as genanki (the tests compare them, row for row) in two batches, each note
    with its own modification time and due position.

    The deck uses the package's own options preset (`STUDY_PRESET`), which the deck writes
    into the package beside genanki's "Default".
    """

    notes: list[PackageNote]

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = super().to_json()
        result["conf"] = STUDY_PRESET_ID
        return result

    def write_to_db(self, cursor: Any, timestamp: float, id_gen: Any) -> None:
        (raw,) = cursor.execute("SELECT dconf FROM col").fetchone()
        presets = json.loads(raw)
        if str(STUDY_PRESET_ID) not in presets:
            presets[str(STUDY_PRESET_ID)] = {**presets["1"], **STUDY_PRESET}
            cursor.execute("UPDATE col SET dconf = ?", (json.dumps(presets),))
        notes, self.notes = self.notes, []
        try:
            for note in notes:
                self.add_model(note.model)
            super().write_to_db(cursor, timestamp, id_gen)  # the deck and its note types
        finally:
            self.notes = notes
        note_rows: list[tuple[object, ...]] = []
        card_rows: list[tuple[object, ...]] = []
        deck = self.deck_id
        for note in notes:
            data, model = note.data, note.model
            mod = int(timestamp if note.mod is None else note.mod)
            nid = next(id_gen)
            tags = " " + " ".join(data.tags) + " "
            sort_field = data.fields[model.sort_field_index]
            fields = "\x1f".join(data.fields)
            note_rows.append((nid, data.guid, model.model_id, mod, tags, fields, sort_field))
            for o in data.card_ords:
                card_rows.append((next(id_gen), nid, deck, o, mod, data.due))
        cursor.executemany(_INSERT_NOTE, note_rows)
        cursor.executemany(_INSERT_CARD, card_rows)


# --- decks -----------------------------------------------------------------------------------


def deck_title(bank: Bank) -> str:
    """The bank's title as one deck name part.

    A `::` inside it would nest decks, so it is cut to `:`. A deck name is plain text in
    Anki's lists, so HTML entities would show as written; `<` and `>` become the lookalike
    `‹` and `›` instead, so that no tag can form wherever a client puts the name in HTML.
    """
    title = bank.title.replace("::", ":").replace("<", "\u2039").replace(">", "\u203a")
    return " ".join(title.split()) or bank.id


def deck_name(bank: Bank, number: int | None = None, total: int = 1) -> str:
    """`Patient education::<number>. <bank title>`: the number (zero-padded to sort, e.g.
    `01.` of 12) is the bank's place in teaching order; without one, no number."""
    if number is None:
        return f"{PARENT_DECK}::{deck_title(bank)}"
    return f"{PARENT_DECK}::{number:0{len(str(total))}d}. {deck_title(bank)}"


def deck_id(bank: Bank) -> int:
    """The bank's fixed deck id, derived from the bank id.

    Anki's importer matches decks by name, so the id only keeps the package itself stable.
    """
    return stable_id(f"deck/{bank.id}")


PARENT_DECK_ID = stable_id("deck/parent")


def disclaimer_html(disclaimer: str) -> str:
    """The disclaimer as HTML: its paragraphs (blank-line separated) reflowed and escaped."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", disclaimer.strip())]
    body = "".join(f"<p>{escape_text(p)}</p>" for p in paragraphs if p)
    return f'<div class="pq-disclaimer"><b>Please read first.</b>{body}</div>' if body else ""


def deck_description(bank: Bank, disclaimer: str = "") -> str:
    """The bank description, escaped (Anki shows a deck description as HTML), then the
    disclaimer."""
    return f"<p>{escape_text(bank.description)}</p>" + disclaimer_html(disclaimer)


def parent_description(disclaimer: str) -> str:
    """The parent deck's description: the disclaimer and how the decks are meant to be used."""
    return disclaimer_html(disclaimer) + (
        "<p>The decks are numbered in the order they are meant to be learned. New cards are "
        "numbered too: warning signs first, then the banks in turn.</p>"
    )


def shipped_disclaimer() -> str:
    """The disclaimer that ships with the banks (`decks/disclaimer.txt`), or "" without one."""
    from quiz.bank.discover import disclaimer_text

    try:
        return disclaimer_text()
    except OSError:
        return ""


#: The latest time a package can carry: the zip format stores years up to 2107.
MAX_TIMESTAMP = 4354819198  # 2107-12-31 23:59:58 UTC


def export_timestamp(environ: Mapping[str, str], now: float) -> float:
    """The time to stamp on an export: `SOURCE_DATE_EPOCH` when set, else `now`.

    Raises ValueError when `SOURCE_DATE_EPOCH` is set but is not a whole number of seconds
    (ASCII digits) from 0 to `MAX_TIMESTAMP`. The reproducible-builds specification asks a
    tool to fail on a malformed value rather than fall back to the clock, which would
    quietly make a build that is not reproducible; "-5", "abc" and a number too large for
    a date (99999999999999999999 overflowed the zip date and SQLite) are refused.
    """
    raw = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return now
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12 or int(raw) > MAX_TIMESTAMP:
        shown = raw if len(raw) <= 40 else raw[:39] + "\u2026"
        raise ValueError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, from 0 to "
            f"{MAX_TIMESTAMP} (the end of 2107), not {shown!r}"
        )
    return float(int(raw))


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """What an export wrote."""

    path: Path
    decks: int
    notes: int
    cards: int
    #: the ledger after this export (None: exported without one)
    ledger: Ledger | None = None
    #: what changed since the ledger's export (None: exported without one)
    changes: LedgerChanges | None = None


def type_change_message(change: TypeChange) -> str:
    """What an instructor should know about a question whose type changed (one line)."""
    where = f"{change.bank_id}/{change.question_id}"
    if not change.note_type_changed:
        return (
            f"{where}: note: its type changed from {change.old_type} to {change.new_type} since "
            "the last export; both are multiple-choice notes, so the note updates in place."
        )
    return (
        f"{where}: warning: its type changed from {change.old_type} to {change.new_type} since "
        "the last export. Anki cannot change the type of a note a learner already has: the "
        "import reports a conflict and keeps the old card. To give learners the new question, "
        "give it a new id (it then arrives as a new note; they can delete the old one)."
    )


def changes_message(changes: LedgerChanges) -> str:
    """One line: how many notes are new, changed and unchanged since the last export."""
    parts = [
        f"{changes.changed} note(s) changed",
        f"{changes.new} new",
        f"{changes.unchanged} unchanged",
    ]
    if changes.gone:
        parts.append(f"{changes.gone} no longer in the banks (Anki keeps them)")
    if changes.note_types_changed:
        parts.append(f"{len(changes.note_types_changed)} note type(s) restyled")
    return ", ".join(parts)


class DuplicateBankError(ValueError):
    """Two banks with the same id cannot go in one package (their notes would collide)."""


@dataclass(frozen=True, slots=True)
class PackagePlan:
    """Everything one package holds, before it is written."""

    decks: list[genanki.Deck]
    #: the time of the package: ids of new rows, the zip entries' dates
    timestamp: float
    ledger: Ledger | None
    changes: LedgerChanges | None


def _check_unique(banks: Iterable[Bank]) -> None:
    seen: dict[str, Bank] = {}
    for bank in banks:
        if bank.id in seen:
            first = seen[bank.id].path or "a bank"
            raise DuplicateBankError(
                f"{bank.path or 'a bank'}: bank id '{bank.id}' is also the id of {first}"
            )
        seen[bank.id] = bank


def plan_package(
    banks: Sequence[Bank],
    *,
    timestamp: float,
    ledger: Ledger | None = None,
    disclaimer: str | None = None,
) -> PackagePlan:
    """The decks of a package: a parent deck, then one deck per bank in the given (teaching)
    order, with their notes; with a ledger, each note and note type stamped with the time
    its content last changed (see `quiz.export.anki_ledger`)."""
    _check_unique(banks)
    text = shipped_disclaimer() if disclaimer is None else disclaimer
    positions = study_positions(banks)
    update = LedgerUpdate(ledger, int(timestamp)) if ledger is not None else None
    models: dict[str, genanki.Model] = {}
    for spec in NOTE_TYPES:
        mod = update.note_type(spec.key, spec.digest) if update is not None else None
        models[spec.key] = spec.genanki_model(mod)
    parent = PackageDeck(PARENT_DECK_ID, PARENT_DECK, parent_description(text))
    decks = [parent]
    for number, bank in enumerate(banks, 1):
        deck = PackageDeck(
            deck_id(bank), deck_name(bank, number, len(banks)), deck_description(bank, text)
        )
        guids = bank_guids(bank)
        orders = bank_option_orders(bank, ledger, guids)
        notes = BankNotes(bank, orders, _positions_of(bank, positions), guids)
        for q in bank.questions:
            data = notes.note(q)
            mod = None
            if update is not None:
                mod = update.note(bank.id, q, data.note_type.key, data.digest, data.order)
            deck.notes.append(PackageNote(data, models[data.note_type.key], mod))
        decks.append(deck)
    if update is None:
        return PackagePlan(decks, timestamp, None, None)
    new_ledger, changes = update.finish(b.id for b in banks)
    # The package's own time is its newest content: an unchanged export is the same file.
    mods = [n.mod for d in decks for n in d.notes] + [m.mod for m in models.values()]
    return PackagePlan(decks, float(max(mods)), new_ledger, changes)


def build_decks(banks: Iterable[Bank]) -> list[genanki.Deck]:
    """One genanki deck per bank, with its notes (no ledger; the parent deck left out)."""
    return plan_package(list(banks), timestamp=0.0, disclaimer="").decks[1:]


def _zip_date(timestamp: float) -> tuple[int, int, int, int, int, int]:
    t = time.gmtime(max(int(timestamp), _ZIP_EPOCH))
    return (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec)


def _zip_entry(name: str, date: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=date)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3
    return info


def write_package(decks: Sequence[genanki.Deck], out: Path, timestamp: float) -> int:
    """Write decks to `out` as an .apkg stamped with `timestamp`; returns the number of cards.

    The file appears whole or not at all (`write_atomically`). OSError when the folder
    cannot be written, or when `out` exists and is not a regular file.
    """
    with tempfile.TemporaryDirectory(prefix="quiz-anki-") as tmp:
        db_path = os.path.join(tmp, "collection.anki2")
        conn = sqlite3.connect(db_path)
        try:
            cursor = conn.cursor()
            ids = itertools.count(int(timestamp * 1000))
            genanki.Package(list(decks)).write_to_db(cursor, timestamp, ids)
            conn.commit()
            cards = int(cursor.execute("SELECT count() FROM cards").fetchone()[0])
        except sqlite3.Error as e:  # e.g. the temporary folder's disk is full
            raise OSError(errno.EIO, f"cannot build the collection ({e})") from None
        finally:
            conn.close()
        collection = Path(db_path).read_bytes()
    date = _zip_date(timestamp)

    def write(raw: BinaryIO) -> None:
        with zipfile.ZipFile(raw, "w") as z:
            # Fast deflate: a tenth of genanki's stored size at a third of level 6's cost.
            z.writestr(_zip_entry("collection.anki2", date), collection, compresslevel=1)
            z.writestr(_zip_entry("media", date), "{}")

    write_atomically(Path(out), write)
    return cards


def export_anki(
    banks: Sequence[Bank],
    out: Path,
    *,
    timestamp: float,
    ledger: Ledger | None = None,
    disclaimer: str | None = None,
) -> ExportSummary:
    """Write `banks` to one Anki package at `out`, in the given (teaching) order.

    Without a ledger every note is stamped with `timestamp`; with one, each note keeps the
    time its content last changed and only changed or new notes get `timestamp` (the
    summary carries the ledger to keep, and what changed). `disclaimer` goes into every
    deck's description (None: the shipped `decks/disclaimer.txt`).

    Raises DuplicateBankError when two banks share an id, OSError when `out` cannot be written.
    """
    plan = plan_package(banks, timestamp=timestamp, ledger=ledger, disclaimer=disclaimer)
    cards = write_package(plan.decks, out, plan.timestamp)
    notes = sum(len(d.notes) for d in plan.decks)
    return ExportSummary(
        path=Path(out),
        decks=len(plan.decks) - 1,
        notes=notes,
        cards=cards,
        ledger=plan.ledger,
        changes=plan.changes,
    )


__all__ = [
    "BASIC",
    "BASIC_TYPING",
    "CLOZE",
    "MULTIPLE_CHOICE",
    "NOTE_TYPES",
    "NOTE_TYPE_OF",
    "PARENT_DECK",
    "PARENT_DECK_ID",
    "RED_FLAG_TAG",
    "STUDY_PRESET",
    "STUDY_PRESET_ID",
    "TAG_ROOT",
    "TRUE_FALSE",
    "BankNotes",
    "DuplicateBankError",
    "ExportSummary",
    "NoteData",
    "NoteTypeSpec",
    "PackageDeck",
    "PackageNote",
    "PackagePlan",
    "bank_guids",
    "bank_notes",
    "bank_option_orders",
    "build_decks",
    "changes_message",
    "citation_html",
    "citation_text",
    "deck_description",
    "deck_id",
    "deck_name",
    "deck_title",
    "disclaimer_html",
    "export_anki",
    "export_timestamp",
    "link_url",
    "note_for",
    "note_guid",
    "note_tags",
    "option_letter",
    "parent_description",
    "plan_package",
    "section_title",
    "shipped_disclaimer",
    "source_html",
    "source_title",
    "stable_id",
    "type_change_message",
    "write_package",
]
