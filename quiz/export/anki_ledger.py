"""The Anki export's memory: what each note looked like when it was last exported, and since when.

Anki updates a note on import only when the package's modification time for it is newer
than the one in the learner's collection, and an update replaces the note's fields and tags
(the learner's own tags, `marked`, `leech`, and their field edits are lost on that note). So
a note's modification time must be the time its content last changed, not the time of the
export. The ledger is a small JSON file that remembers, for every exported note (by bank id
and question id):

- `hash`: a hash of exactly what went into the note (note type, fields, tags);
- `mod`: the modification time it was given (seconds since 1970);
- `type` and `note_type`: the question type and the note type it was exported as;
- `order` and `right`, for a choice question: the order its options were shown in, and
  which options (by index in the bank) were right then.

On the next export a note whose hash is unchanged keeps its `mod` (Anki sees nothing new
and leaves it alone); a changed note gets the export's time (never earlier than its old
`mod` + 1, so Anki always sees it as newer); a new note gets the export's time. The same
is kept for each note type (templates and style), so the learner's note types are not
rewritten either. The export's time is the clock, or `SOURCE_DATE_EPOCH`: the same banks,
the same ledger and the same `SOURCE_DATE_EPOCH` give the same package and the same ledger,
byte for byte.

Entries are never removed: a question taken out of a bank, and put back later unchanged,
keeps its old time. The file is written with one note per line, sorted, so that it diffs
well in version control. A ledger that cannot be read as one is an error (never silently
replaced: it is the memory of what learners already have).
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from quiz.bank.model import Question, QuestionType
from quiz.export.atomic_file import write_atomically

#: Written into every ledger; a file without it is not one of ours.
LEDGER_FORMAT = "patient-quiz anki ledger"
LEDGER_VERSION = 1
#: A ledger entry takes about 150 bytes: this holds some 200,000 notes.
MAX_LEDGER_BYTES = 32 * 1024 * 1024
#: The latest modification time a ledger may hold (the zip format's end of 2107).
MAX_MOD = 4354819198
#: What the default ledger's name adds to the package's name (without `.apkg`).
LEDGER_SUFFIX = ".anki-ledger.json"

_HASH_RE = re.compile(r"[0-9a-f]{32}")
_QUESTION_TYPES = frozenset(t.value for t in QuestionType)

#: (bank id, question id)
NoteKey = tuple[str, str]


class LedgerError(ValueError):
    """The ledger file cannot be read or is not a ledger."""


@dataclass(frozen=True, slots=True)
class NoteRecord:
    """One note as it was last exported."""

    type: str
    note_type: str
    hash: str
    mod: int
    #: choice questions: the options (indexes in the bank) in the order shown
    order: tuple[int, ...] | None = None
    #: choice questions: the indexes of the right options when the order was chosen
    right: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class NoteTypeRecord:
    """One note type (fields, templates, style) as it was last exported."""

    hash: str
    mod: int


@dataclass(frozen=True, slots=True)
class Ledger:
    """What every note and note type looked like when last exported (empty: never)."""

    notes: Mapping[NoteKey, NoteRecord] = field(default_factory=dict)
    note_types: Mapping[str, NoteTypeRecord] = field(default_factory=dict)

    def stored_order(self, bank_id: str, question: Question) -> tuple[int, ...] | None:
        """The remembered option order of a choice question, while it still has the same
        number of options and the same right ones (else None: choose a new one)."""
        record = self.notes.get((bank_id, question.id))
        if record is None or record.order is None or record.right != question.correct_options:
            return None
        if len(record.order) != len(question.options):
            return None
        return record.order

    # --- the file ----------------------------------------------------------------------

    def dumps(self) -> str:
        """The ledger as JSON text: sorted, one note (or note type) per line."""

        def line(value: object) -> str:
            return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))

        out = ["{", f'"format": {line(LEDGER_FORMAT)},', f'"version": {LEDGER_VERSION},']
        out.append('"note_types": {')
        types = sorted(self.note_types.items())
        for i, (key, t) in enumerate(types):
            comma = "," if i < len(types) - 1 else ""
            out.append(f"  {line(key)}: {line({'hash': t.hash, 'mod': t.mod})}{comma}")
        out.append("},")
        out.append('"notes": {')
        by_bank: dict[str, list[tuple[str, NoteRecord]]] = {}
        for (bank_id, question_id), record in sorted(self.notes.items()):
            by_bank.setdefault(bank_id, []).append((question_id, record))
        for b, (bank_id, entries) in enumerate(by_bank.items()):
            out.append(f"  {line(bank_id)}: {{")
            for i, (question_id, r) in enumerate(entries):
                entry: dict[str, object] = {
                    "type": r.type,
                    "note_type": r.note_type,
                    "hash": r.hash,
                    "mod": r.mod,
                }
                if r.order is not None:
                    entry["order"] = list(r.order)
                    entry["right"] = list(r.right or ())
                comma = "," if i < len(entries) - 1 else ""
                out.append(f"    {line(question_id)}: {line(entry)}{comma}")
            out.append("  }" + ("," if b < len(by_bank) - 1 else ""))
        out.append("}")
        out.append("}")
        return "\n".join(out) + "\n"

    @classmethod
    def loads(cls, text: str) -> Ledger:
        """Parse a ledger; LedgerError says what is wrong, with the entry."""
        try:
            data = json.loads(text, object_pairs_hook=_no_duplicates)
        except (ValueError, RecursionError) as e:
            raise LedgerError(f"not valid JSON ({_short(str(e))})") from None
        if not isinstance(data, dict) or data.get("format") != LEDGER_FORMAT:
            raise LedgerError(f'not a ledger (no "format": "{LEDGER_FORMAT}")')
        if data.get("version") != LEDGER_VERSION:
            raise LedgerError(
                f"ledger version {_short(repr(data.get('version')))} is not "
                f"{LEDGER_VERSION}; it was written by another version of quiz"
            )
        types = _mapping(data.get("note_types", {}), "note_types")
        notes = _mapping(data.get("notes", {}), "notes")
        note_types: dict[str, NoteTypeRecord] = {}
        for key, value in types.items():
            where = f"note_types.{key}"
            entry = _mapping(value, where)
            note_types[key] = NoteTypeRecord(_hash(entry, where), _mod(entry, where))
        records: dict[NoteKey, NoteRecord] = {}
        for bank_id, bank_value in notes.items():
            for question_id, value in _mapping(bank_value, f"notes.{bank_id}").items():
                where = f"notes.{bank_id}.{question_id}"
                records[(bank_id, question_id)] = _note_record(_mapping(value, where), where)
        return cls(records, note_types)


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {_short(repr(key))}")
        out[key] = value
    return out


def _mapping(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise LedgerError(f"{_short(where)}: expected an object")
    return value


def _hash(entry: Mapping[str, Any], where: str) -> str:
    value = entry.get("hash")
    if not isinstance(value, str) or not _HASH_RE.fullmatch(value):
        raise LedgerError(f"{_short(where)}: hash must be 32 lowercase hex digits")
    return value


def _mod(entry: Mapping[str, Any], where: str) -> int:
    value = entry.get("mod")
    if type(value) is not int or not 0 <= value <= MAX_MOD:
        raise LedgerError(f"{_short(where)}: mod must be a whole number from 0 to {MAX_MOD}")
    return value


def _indexes(entry: Mapping[str, Any], key: str, where: str) -> tuple[int, ...]:
    value = entry.get(key)
    if not isinstance(value, list) or not all(type(i) is int and 0 <= i < 256 for i in value):
        raise LedgerError(f"{_short(where)}: {key} must be a list of option indexes")
    return tuple(value)


def _note_record(entry: Mapping[str, Any], where: str) -> NoteRecord:
    qtype, note_type = entry.get("type"), entry.get("note_type")
    if qtype not in _QUESTION_TYPES:
        raise LedgerError(f"{_short(where)}: unknown question type {_short(repr(qtype))}")
    if not isinstance(note_type, str) or not 0 < len(note_type) <= 100:
        raise LedgerError(f"{_short(where)}: note_type must be a note type's key")
    order = right = None
    if "order" in entry or "right" in entry:
        order = _indexes(entry, "order", where)
        right = _indexes(entry, "right", where)
        if sorted(order) != list(range(len(order))) or not set(right) <= set(order):
            raise LedgerError(f"{_short(where)}: order must be a permutation of its options")
    return NoteRecord(str(qtype), note_type, _hash(entry, where), _mod(entry, where), order, right)


# --- reading and writing the file ------------------------------------------------------------


def read_ledger(path: Path) -> Ledger:
    """The ledger at `path`; an empty one when there is no such file.

    The path must be a regular file (a pipe or a device is refused before it is opened,
    and again on the open descriptor), at most `MAX_LEDGER_BYTES`, UTF-8 JSON written by
    `Ledger.dumps`. Raises LedgerError.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return Ledger()
    except OSError as e:
        raise LedgerError(f"cannot read it: {e.strerror or e}") from None
    try:
        if not stat.S_ISREG(mode):
            raise LedgerError("not a regular file")
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise LedgerError("not a regular file")
            chunks: list[bytes] = []
            left = MAX_LEDGER_BYTES + 1
            while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
                chunks.append(chunk)
                left -= len(chunk)
        finally:
            os.close(fd)
    except OSError as e:
        raise LedgerError(f"cannot read it: {e.strerror or e}") from None
    data = b"".join(chunks)
    if len(data) > MAX_LEDGER_BYTES:
        raise LedgerError(f"larger than {MAX_LEDGER_BYTES // (1024 * 1024)} MB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise LedgerError("not UTF-8 text") from None
    return Ledger.loads(text)


def write_ledger(ledger: Ledger, path: Path) -> None:
    """Write the ledger whole or not at all (beside `path`, then renamed). OSError."""
    data = ledger.dumps().encode("utf-8")

    def write(raw: BinaryIO) -> None:
        raw.write(data)

    write_atomically(path, write)


def default_ledger_path(package: Path) -> Path:
    """The ledger kept beside a package: `x.apkg` -> `x.anki-ledger.json`."""
    package = Path(package)
    stem = package.stem if package.suffix.lower() == ".apkg" else package.name
    return package.with_name(stem + LEDGER_SUFFIX)


def ledger_path_problem(ledger: Path, package: Path, inputs: Iterable[Path]) -> str | None:
    """Why `ledger` must not be read and replaced, or None.

    It must be new or a regular file, and neither the package nor a bank (any `*.yaml` or
    `*.yml`, or an input bank under another name or through a link).
    """
    shown = str(ledger)
    if ledger.suffix.lower() in (".yaml", ".yml"):
        return f"{shown}: is a bank file name; give the ledger's name, e.g. --ledger banks.json"
    if ledger.suffix.lower() == ".apkg" or os.path.abspath(ledger) == os.path.abspath(package):
        return f"{shown}: is a package name; give the ledger's name, e.g. --ledger banks.json"
    try:
        info = ledger.stat()
    except FileNotFoundError:
        if not (ledger.parent if str(ledger.parent) else Path(".")).is_dir():
            return f"{shown}: its folder does not exist"
        return None
    except OSError as e:
        return f"cannot read {shown}: {e.strerror or e}"
    if not stat.S_ISREG(info.st_mode):
        return f"{shown}: the ledger exists and is not a regular file; give a file name"
    for f in (package, *inputs):
        try:
            if os.path.samefile(f, ledger):
                return f"{shown}: is {f}, not a ledger; give another name"
        except OSError:
            continue
    return None


# --- one export's changes --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TypeChange:
    """A question exported before as another type."""

    bank_id: str
    question_id: str
    old_type: str
    new_type: str
    old_note_type: str
    new_note_type: str

    @property
    def note_type_changed(self) -> bool:
        """True when the note type changed too: Anki cannot update the note in place."""
        return self.old_note_type != self.new_note_type


@dataclass(frozen=True, slots=True)
class LedgerChanges:
    """What one export found, compared with the ledger."""

    new: int
    changed: int
    unchanged: int
    #: questions the ledger knows, of the exported banks, that are no longer in them
    gone: int
    type_changes: tuple[TypeChange, ...]
    #: keys of the note types whose templates or style changed
    note_types_changed: tuple[str, ...]


class LedgerUpdate:
    """Gives each note and note type of one export its modification time, and collects
    the ledger that the export leaves behind. `timestamp` is the export's time."""

    def __init__(self, previous: Ledger, timestamp: int) -> None:
        self.previous = previous
        self.timestamp = timestamp
        self._notes: dict[NoteKey, NoteRecord] = dict(previous.notes)
        self._types: dict[str, NoteTypeRecord] = dict(previous.note_types)
        self._seen: set[NoteKey] = set()
        self._new = self._changed = self._unchanged = 0
        self._type_changes: list[TypeChange] = []
        self._types_changed: list[str] = []

    def _mod(self, old_hash: str | None, old_mod: int | None, digest: str) -> int:
        if old_hash is None or old_mod is None:
            return self.timestamp
        if old_hash == digest:
            return old_mod
        return min(max(self.timestamp, old_mod + 1), MAX_MOD)

    def note(
        self,
        bank_id: str,
        question: Question,
        note_type: str,
        digest: str,
        order: tuple[int, ...] | None,
    ) -> int:
        """The modification time of this note; records it."""
        key = (bank_id, question.id)
        self._seen.add(key)
        old = self.previous.notes.get(key)
        if old is None:
            self._new += 1
            mod = self.timestamp
        else:
            mod = self._mod(old.hash, old.mod, digest)
            if old.hash == digest:
                self._unchanged += 1
            else:
                self._changed += 1
            if old.type != question.type.value:
                new_type = question.type.value
                change = TypeChange(
                    bank_id, question.id, old.type, new_type, old.note_type, note_type
                )
                self._type_changes.append(change)
        right = question.correct_options if order is not None else None
        self._notes[key] = NoteRecord(question.type.value, note_type, digest, mod, order, right)
        return mod

    def note_type(self, key: str, digest: str) -> int:
        """The modification time of this note type; records it."""
        old = self.previous.note_types.get(key)
        if old is None:
            mod = self.timestamp
        else:
            mod = self._mod(old.hash, old.mod, digest)
            if old.hash != digest:
                self._types_changed.append(key)
        self._types[key] = NoteTypeRecord(digest, mod)
        return mod

    def finish(self, bank_ids: Iterable[str]) -> tuple[Ledger, LedgerChanges]:
        """The ledger to keep, and what changed."""
        banks = set(bank_ids)
        gone = sum(1 for k in self.previous.notes if k[0] in banks and k not in self._seen)
        changes = LedgerChanges(
            new=self._new,
            changed=self._changed,
            unchanged=self._unchanged,
            gone=gone,
            type_changes=tuple(self._type_changes),
            note_types_changed=tuple(self._types_changed),
        )
        return Ledger(self._notes, self._types), changes


__all__ = [
    "LEDGER_FORMAT",
    "LEDGER_SUFFIX",
    "LEDGER_VERSION",
    "MAX_LEDGER_BYTES",
    "Ledger",
    "LedgerChanges",
    "LedgerError",
    "LedgerUpdate",
    "NoteRecord",
    "NoteTypeRecord",
    "TypeChange",
    "default_ledger_path",
    "ledger_path_problem",
    "read_ledger",
    "write_ledger",
]
