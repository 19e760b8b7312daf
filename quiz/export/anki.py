"""Export banks to one Anki package (.apkg) that the real Anki imports and updates in place.

This module owns the Anki side of the project: the note types (fixed ids, and fields and
templates with stable ids), how each question type becomes a note, the deck tree
(`Patient education::<bank title>`), the tags, note identity and the package file itself.

- Note GUIDs are `genanki.guid_for(bank id, question id)`: an edited bank, exported again and
  imported over the old one, updates its notes in place instead of duplicating them.
- Anki updates a note only when the package's modification time is newer than its own, so the
  caller passes the time to stamp (`export_timestamp` gives the current time, or
  `SOURCE_DATE_EPOCH` for a reproducible build). The same banks and the same time give a
  byte-identical file: the zip is written here with fixed entry dates, not by genanki.
- All bank text is HTML-escaped (`quiz.export.htmltext`) before it goes into a field.

genanki is imported here, so import this module only when exporting.
"""

from __future__ import annotations

import errno
import hashlib
import itertools
import os
import sqlite3
import stat
import tempfile
import time
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import genanki

from quiz.bank.model import Bank, Question, QuestionType
from quiz.export import anki_templates as tpl
from quiz.export.htmltext import escape_cloze, escape_text

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

    def genanki_model(self) -> genanki.Model:
        """A fresh genanki model (genanki mutates the dicts it is given, so never share one)."""
        return genanki.Model(
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
        )


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


def note_guid(bank_id: str, question_id: str) -> str:
    """The note's GUID: the same bank and question id always give the same note."""
    return str(genanki.guid_for(bank_id, question_id))


def _tag(text: str) -> str:
    # Anki tags cannot hold spaces; bank ids and topics are slugs, this only guards.
    return "_".join(text.split())


class BankNotes:
    """Turns one bank's questions into notes, reusing what questions share (citations, tags)."""

    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self._bank_tag = _tag(bank.id)
        self._sources: dict[tuple[str, str], str] = {}
        self._tags: dict[tuple[tuple[str, ...], bool], tuple[str, ...]] = {}

    def tags(self, q: Question) -> tuple[str, ...]:
        """The bank id, `bank::topic` for each topic, and `red_flag` on safety items."""
        key = (q.topics, q.red_flag)
        tags = self._tags.get(key)
        if tags is None:
            found = [self._bank_tag, *(f"{self._bank_tag}::{_tag(t)}" for t in q.topics)]
            if q.red_flag:
                found.append("red_flag")
            tags = self._tags[key] = tuple(dict.fromkeys(found))
        return tags

    def source(self, q: Question) -> str:
        """The citation (document title and section), the document's address as plain text."""
        key = (q.source.id, q.source.section)
        html = self._sources.get(key)
        if html is None:
            html = escape_text(self.bank.cite(q))
            try:
                url = self.bank.source(q.source.id).url
            except KeyError:
                url = None
            if url:
                html += f'<br><span class="pq-url">{escape_text(url)}</span>'
            self._sources[key] = html
        return html

    def note(self, q: Question) -> NoteData:
        """The note for one question (every bank string escaped)."""
        explanation = escape_text(q.explanation)
        action = escape_text(q.action) if q.action else ""
        source = self.source(q)
        t = q.type
        fields: tuple[str, ...]
        card_ords: tuple[int, ...] = (0,)
        if t is QuestionType.SINGLE or t is QuestionType.MULTI:
            fields = (*_choice_fields(q), explanation, action, source)
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
        guid = note_guid(self.bank.id, q.id)
        return NoteData(NOTE_TYPE_OF[t], fields, self.tags(q), guid, card_ords)


def note_tags(bank: Bank, q: Question) -> tuple[str, ...]:
    """The bank id, `bank::topic` for each topic, and `red_flag` on safety items."""
    return BankNotes(bank).tags(q)


def source_html(bank: Bank, q: Question) -> str:
    """The citation (document title and section), with the document's address as plain text."""
    return BankNotes(bank).source(q)


def _choice_fields(q: Question) -> tuple[str, str, str, str, str]:
    options = []
    correct = []
    feedback = []
    for n, o in enumerate(q.options, start=1):
        text = escape_text(o.text)
        options.append(f"<li>{text}</li>")
        if o.correct:
            correct.append(f'<li value="{n}">{text}</li>')
            mark, cls = "\u2713 Right", "pq-right"
        else:
            mark, cls = "\u2717 Wrong", "pq-wrong"
        why = f'<span class="pq-why">{escape_text(o.why)}</span>' if o.why else ""
        feedback.append(f'<li class="{cls}"><span class="pq-mark">{mark}:</span> {text}{why}</li>')
    return (
        escape_text(q.prompt),
        _INSTRUCTION[q.type],
        '<ol class="pq-options">' + "".join(options) + "</ol>",
        "<ol>" + "".join(correct) + "</ol>",
        '<ol class="pq-feedback">' + "".join(feedback) + "</ol>",
    )


def note_for(bank: Bank, q: Question) -> NoteData:
    """The note for one question (every bank string escaped)."""
    return BankNotes(bank).note(q)


class _BuiltNote(genanki.Note):  # type: ignore[misc]
    """A genanki note built here, whose fields and cards are known in advance.

    genanki scans every field with a regex for tags that look invalid, to warn callers who
    forgot to escape, and works out each note's cards by rendering the front template's
    field requirements (or by searching the cloze text). Here every bank string is escaped by
    construction and the cards follow from the question (one per note, or one per cloze
    deletion number), so both are skipped; the tests check both against genanki's own code.
    """

    def __init__(self, data: NoteData, model: genanki.Model) -> None:
        super().__init__(model=model, fields=list(data.fields), tags=data.tags, guid=data.guid)
        # Shadows genanki's cached `cards` property.
        self.cards = [genanki.Card(o) for o in data.card_ords]

    def _check_invalid_html_tags_in_fields(self) -> None:
        return None


# --- decks and package -----------------------------------------------------------------------


def deck_name(bank: Bank) -> str:
    """`Patient education::<bank title>` (a `::` inside a title would nest decks, so it is cut)."""
    title = " ".join(bank.title.replace("::", ":").split()) or bank.id
    return f"{PARENT_DECK}::{title}"


def deck_id(bank: Bank) -> int:
    """The bank's fixed deck id, derived from the bank id.

    Anki's importer matches decks by name, so the id only keeps the package itself stable.
    """
    return stable_id(f"deck/{bank.id}")


def deck_description(bank: Bank) -> str:
    """The bank description, escaped (Anki shows a deck description as HTML)."""
    return escape_text(bank.description)


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


class DuplicateBankError(ValueError):
    """Two banks with the same id cannot go in one package (their notes would collide)."""


def build_decks(banks: Iterable[Bank]) -> list[genanki.Deck]:
    """One genanki deck per bank, with its notes, on fresh models."""
    models = {spec.key: spec.genanki_model() for spec in NOTE_TYPES}
    decks: list[genanki.Deck] = []
    seen: dict[str, Bank] = {}
    for bank in banks:
        if bank.id in seen:
            first = seen[bank.id].path or "a bank"
            raise DuplicateBankError(
                f"{bank.path or 'a bank'}: bank id '{bank.id}' is also the id of {first}"
            )
        seen[bank.id] = bank
        deck = genanki.Deck(deck_id(bank), deck_name(bank), deck_description(bank))
        notes = BankNotes(bank)
        for q in bank.questions:
            data = notes.note(q)
            deck.add_note(_BuiltNote(data, models[data.note_type.key]))
        decks.append(deck)
    return decks


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

    The file appears whole or not at all (written beside `out`, then renamed). OSError when the
    folder cannot be written, or when `out` exists and is not a regular file.
    """
    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    try:
        mode = os.stat(out).st_mode
    except FileNotFoundError:
        # a new file gets what the umask allows, as open() would give it
        umask = os.umask(0)
        os.umask(umask)
        permissions = 0o666 & ~umask
    else:
        if not stat.S_ISREG(mode):  # a folder, a device, a pipe: never replaced
            raise OSError(errno.EEXIST, "exists and is not a regular file", str(out))
        permissions = stat.S_IMODE(mode)  # a replaced file keeps its permissions
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
        date = _zip_date(timestamp)
        fd, partial = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=folder)
        try:
            collection = Path(db_path).read_bytes()
            with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w") as z:
                # Fast deflate: a tenth of genanki's stored size at a third of level 6's cost.
                z.writestr(_zip_entry("collection.anki2", date), collection, compresslevel=1)
                z.writestr(_zip_entry("media", date), "{}")
            os.chmod(partial, permissions)
            os.replace(partial, out)
        except BaseException:
            try:
                os.unlink(partial)
            except FileNotFoundError:
                pass
            raise
    return cards


def export_anki(banks: Sequence[Bank], out: Path, *, timestamp: float) -> ExportSummary:
    """Write `banks` to one Anki package at `out`, every note stamped with `timestamp`.

    Raises DuplicateBankError when two banks share an id, OSError when `out` cannot be written.
    """
    decks = build_decks(banks)
    cards = write_package(decks, out, timestamp)
    notes = sum(len(d.notes) for d in decks)
    return ExportSummary(path=Path(out), decks=len(decks), notes=notes, cards=cards)


__all__ = [
    "BASIC",
    "BASIC_TYPING",
    "CLOZE",
    "MULTIPLE_CHOICE",
    "NOTE_TYPES",
    "NOTE_TYPE_OF",
    "PARENT_DECK",
    "TRUE_FALSE",
    "DuplicateBankError",
    "ExportSummary",
    "BankNotes",
    "NoteData",
    "NoteTypeSpec",
    "build_decks",
    "deck_id",
    "deck_name",
    "export_anki",
    "export_timestamp",
    "note_for",
    "note_guid",
    "note_tags",
    "source_html",
    "stable_id",
    "write_package",
]
