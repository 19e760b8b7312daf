"""The learner's progress as a file: export, import (merge) and reset with a backup.

The file is JSON lines, documented in docs/progress.md (format "patient-quiz-progress",
version 1): a header line, one line per bank, one per review (the history), one per
answered item (its schedule), and an end line with the counts, so that a file cut short is
refused rather than half imported.

A review is identified by its bank, question and time: importing a file twice, or a file
made from this very store, adds nothing. Imported reviews are merged into the log in one
transaction (all or nothing); every item that gained reviews has its schedule rebuilt by
replaying its whole history through the scheduler (`quiz.engine.store.replay`), except
that an item whose history is exactly the file's takes the schedule the file recorded, so
moving to a new computer keeps every due date as it was.

The file is untrusted: every line is checked (length, JSON, types, ranges, times with a
zone, text that is UTF-8); the first problem is reported with its line number and nothing
is imported.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from quiz import __version__
from quiz.engine.schedule import CardState
from quiz.engine.store import ReviewStore, to_iso
from quiz.engine.store.records import ROW_ERRORS, card_from_row, from_iso

FORMAT = "patient-quiz-progress"
VERSION = 1
#: the longest line read (a typed answer is at most a few kilobytes)
MAX_LINE_BYTES = 1 << 20
#: the longest answer text kept from a file
MAX_ANSWER_CHARS = 64 * 1024
#: the longest bank or question id kept from a file
MAX_ID_CHARS = 200


class ProgressFileError(Exception):
    """A progress file that cannot be read or written; the message is for the learner."""


@dataclass(slots=True)
class ExportReport:
    """What an export wrote."""

    path: Path
    banks: int = 0
    items: int = 0
    reviews: int = 0
    #: rows of the store that could not be read (edited by hand) and were left out
    skipped: int = 0


@dataclass(slots=True)
class ImportReport:
    """What an import did."""

    reviews_added: int = 0
    #: reviews in the file that the store already had
    reviews_known: int = 0
    banks_added: int = 0
    items_added: int = 0
    #: items whose schedule was rebuilt or taken from the file
    items_updated: int = 0
    bank_ids: set[str] = field(default_factory=set)


# -- export ---------------------------------------------------------------------------------


def _dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _state_name(state: int) -> str:
    return CardState(state).label


def progress_lines(
    store: ReviewStore, now: datetime, bank_ids: Sequence[str] | None = None
) -> Iterator[str]:
    """The lines of an export of the store (or of some banks), newline included. Rows that
    cannot be read are left out and counted in the end line's "skipped"."""
    db = store.database
    where, params = "", list(bank_ids or [])
    if bank_ids is not None:
        where = f" WHERE bank_id IN ({','.join('?' * len(params))})"
    yield (
        _dumps(
            {"format": FORMAT, "version": VERSION, "exported_at": to_iso(now), "app": __version__}
        )
        + "\n"
    )
    counts = {"banks": 0, "items": 0, "reviews": 0, "skipped": 0}
    for bank_id, title in db.read(
        f"SELECT bank_id, title FROM banks{where} ORDER BY bank_id", params
    ):
        if isinstance(bank_id, str) and isinstance(title, str):
            counts["banks"] += 1
            yield _dumps({"type": "bank", "bank": bank_id, "title": title}) + "\n"
        else:
            counts["skipped"] += 1
    reviews_sql = (
        "SELECT review_id, bank_id, question_id, reviewed_at, rating, correct, unsure, "
        f"confident_wrong, response_ms, answer FROM reviews{where}"
    )
    yield from _review_lines(store, reviews_sql, params, counts)
    from quiz.engine.store.records import CARD_COLUMNS

    card_where = " AND bank_id IN ({})".format(",".join("?" * len(params))) if bank_ids else ""
    for row in db.read(
        f"SELECT {CARD_COLUMNS} FROM cards WHERE state != 0{card_where} "
        "ORDER BY bank_id, question_id",
        params,
    ):
        try:
            card = card_from_row(row)
        except ROW_ERRORS:
            counts["skipped"] += 1
            continue
        assert card.due is not None and card.fsrs_card is not None
        counts["items"] += 1
        yield (
            _dumps(
                {
                    "type": "card",
                    "bank": card.bank_id,
                    "question": card.question_id,
                    "red_flag": card.red_flag,
                    "state": card.state.label,
                    "due": to_iso(card.due),
                    "fsrs": json.loads(str(card.fsrs_card.to_json())),
                    "reps": card.reps,
                    "lapses": card.lapses,
                    "first_seen": to_iso(card.first_seen) if card.first_seen else None,
                    "last_seen": to_iso(card.last_seen) if card.last_seen else None,
                    "interval_days": card.interval_days,
                }
            )
            + "\n"
        )
    yield _dumps({"type": "end", **counts}) + "\n"


def _review_line(row: Sequence[Any]) -> str | None:
    bank, qid, at, rating, correct, unsure, cw, ms, answer = row
    try:
        if not (isinstance(bank, str) and isinstance(qid, str) and isinstance(answer, str)):
            return None
        if rating not in (1, 2, 3, 4) or not all(v in (0, 1) for v in (correct, unsure, cw)):
            return None
        if ms is not None and not isinstance(ms, int):
            return None
        when = to_iso(from_iso(at))
    except ROW_ERRORS:
        return None
    return (
        _dumps(
            {
                "type": "review",
                "bank": bank,
                "question": qid,
                "at": when,
                "rating": rating,
                "correct": bool(correct),
                "unsure": bool(unsure),
                "confident_wrong": bool(cw),
                "response_ms": ms,
                "answer": answer,
            }
        )
        + "\n"
    )


def _review_lines(
    store: ReviewStore, base: str, params: list[Any], counts: dict[str, int]
) -> Iterator[str]:
    """The review lines in time order, read 10,000 at a time (the log can be long)."""
    db = store.database
    batch = 10_000
    after: tuple[str, int] | None = None
    joiner = " AND " if " WHERE " in base else " WHERE "
    while True:
        if after is None:
            page_sql = base + " ORDER BY reviewed_at, review_id LIMIT ?"
            page_params = [*params, batch]
        else:
            page_sql = (
                base + joiner + "(reviewed_at, review_id) > (?, ?) "
                "ORDER BY reviewed_at, review_id LIMIT ?"
            )
            page_params = [*params, after[0], after[1], batch]
        rows = db.read(page_sql, page_params)
        for row in rows:
            line = _review_line(row[1:])
            if line is None:
                counts["skipped"] += 1
            else:
                counts["reviews"] += 1
                yield line
        if len(rows) < batch:
            return
        after = (rows[-1][3], rows[-1][0])


def export_progress(
    store: ReviewStore,
    target: Path,
    now: datetime,
    *,
    bank_ids: Sequence[str] | None = None,
    replace: bool = False,
) -> ExportReport:
    """Write the store's progress (or some banks') to `target`, atomically (a temporary
    file in the same folder, flushed to disk, then renamed), private to the user (0600).
    Refuses to replace an existing file unless `replace`, and never replaces anything but
    a regular file."""
    target = Path(target)
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as e:
        raise ProgressFileError(f"{target}: {e.strerror}") from None
    if info is not None:
        if not stat.S_ISREG(info.st_mode):
            raise ProgressFileError(f"{target}: exists and is not a regular file")
        if not replace:
            raise ProgressFileError(
                f"{target}: the file exists; choose another name, or add --force to replace it"
            )
    folder = target.parent if str(target.parent) else Path(".")
    report = ExportReport(target)
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as e:
        raise ProgressFileError(f"{target}: cannot write here: {e.strerror}") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            for line in progress_lines(store, now, bank_ids):
                f.write(line)
                if line.startswith('{"type":"end"'):
                    end = json.loads(line)
                    report.banks, report.items = end["banks"], end["items"]
                    report.reviews, report.skipped = end["reviews"], end["skipped"]
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise ProgressFileError(f"{target}: cannot write the file: {e.strerror or e}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return report


# -- import ---------------------------------------------------------------------------------


class _Line:
    """Checks on one parsed line, each raising `ProgressFileError` with the line number."""

    def __init__(self, number: int, value: dict[str, Any]) -> None:
        self.n = number
        self.v = value

    def fail(self, what: str) -> ProgressFileError:
        return ProgressFileError(f"line {self.n}: {what}")

    def text(self, key: str, limit: int = MAX_ID_CHARS, *, empty: bool = False) -> str:
        value = self.v.get(key)
        if not isinstance(value, str) or (not value and not empty):
            raise self.fail(f'"{key}" must be text')
        if len(value) > limit:
            raise self.fail(f'"{key}" is longer than {limit:,} characters')
        if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
            raise self.fail(f'"{key}" is not valid text')
        return value

    def flag(self, key: str) -> bool:
        value = self.v.get(key)
        if not isinstance(value, bool):
            raise self.fail(f'"{key}" must be true or false')
        return value

    def whole(self, key: str, lo: int, hi: int, *, null: bool = False) -> int | None:
        value = self.v.get(key)
        if value is None and null:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise self.fail(f'"{key}" must be a whole number from {lo} to {hi}')
        return value

    def time(self, key: str, *, null: bool = False) -> str | None:
        value = self.v.get(key)
        if value is None and null:
            return None
        try:
            return to_iso(from_iso(value))  # type: ignore[arg-type]
        except ROW_ERRORS:
            raise self.fail(f'"{key}" must be a time with its time zone (ISO 8601)') from None

    def number(self, key: str) -> float | None:
        value = self.v.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise self.fail(f'"{key}" must be a number of days')
        return float(value)


def read_lines(stream: IO[bytes]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each line of a progress file as (line number, JSON object); raises
    `ProgressFileError` at the first line that is not one."""
    number = 0
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            raise ProgressFileError(f"line {number}: longer than {MAX_LINE_BYTES:,} bytes")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ProgressFileError(f"line {number}: not UTF-8 text") from None
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            raise ProgressFileError(f"line {number}: not a JSON object") from None
        if not isinstance(value, dict):
            raise ProgressFileError(f"line {number}: not a JSON object")
        yield number, value


def _open_progress_file(path: Path) -> IO[bytes]:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as e:
        raise ProgressFileError(f"{path}: {e.strerror}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ProgressFileError(f"{path}: not a regular file")
    return os.fdopen(fd, "rb")


def _check_header(number: int, value: dict[str, Any]) -> None:
    if value.get("format") != FORMAT:
        raise ProgressFileError(
            f"line {number}: this is not a progress file of this quiz "
            f'(its first line must say "format": "{FORMAT}")'
        )
    version = value.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ProgressFileError(f'line {number}: "version" must be a whole number')
    if version > VERSION:
        raise ProgressFileError(
            f"this progress file was written by a newer version of quiz (format version "
            f"{version}; this version reads version {VERSION}). Upgrade patient-quiz to "
            "import it."
        )


class _CardLine:
    """A checked "card" line."""

    def __init__(self, line: _Line) -> None:
        from quiz.engine.schedule import card_from_json

        state = line.v.get("state")
        states = {s.label: s for s in CardState if s is not CardState.NEW}
        if state not in states:
            raise line.fail('"state" must be one of ' + ", ".join(states))
        self.red_flag = line.flag("red_flag")
        self.state = int(states[state])
        self.due = line.time("due")
        fsrs = line.v.get("fsrs")
        if not isinstance(fsrs, dict):
            raise line.fail('"fsrs" must be an object')
        self.fsrs = json.dumps(fsrs)
        try:
            card_from_row(
                (1, "b", "q", 0, 0, self.state, self.due, self.fsrs, 1, 0, None, None, None,
                 "", 0, None, 0, None)
            )  # fmt: skip
            card_from_json(self.fsrs)
        except ROW_ERRORS:
            raise line.fail('"fsrs" is not a schedule this quiz can read') from None
        self.reps = line.whole("reps", 1, 10**9)
        self.lapses = line.whole("lapses", 0, 10**9)
        self.first_seen = line.time("first_seen", null=True)
        self.last_seen = line.time("last_seen", null=True)
        self.interval_days = line.number("interval_days")


def import_progress(
    store: ReviewStore, path: Path, now: datetime, *, progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Merge the progress file at `path` into the store (all or nothing); see the module
    docstring. Raises `ProgressFileError` for a file that cannot be used (nothing
    imported), and the store's `StoreFault`s."""
    with _open_progress_file(path) as stream:
        return _import(store, read_lines(stream), now, progress)


def _import(
    store: ReviewStore,
    lines: Iterable[tuple[int, dict[str, Any]]],
    now: datetime,
    progress: Callable[[int], None] | None,
) -> ImportReport:
    from quiz.engine.schedule import Scheduling
    from quiz.engine.store.replay import LoggedAnswer, replay

    stamp = to_iso(now)
    scheduling = Scheduling()

    def run(c: sqlite3.Connection) -> ImportReport:
        report = ImportReport()
        it = iter(lines)
        first = next(it, None)
        if first is None:
            raise ProgressFileError("the file is empty")
        _check_header(*first)
        card_ids: dict[tuple[str, str], int] = {}
        created: set[tuple[str, str]] = set()
        in_file: dict[tuple[str, str], int] = {}
        card_lines: dict[tuple[str, str], _CardLine] = {}
        affected: set[tuple[str, str]] = set()
        ended: dict[str, Any] | None = None
        seen = {"reviews": 0, "banks": 0, "items": 0}

        def card_id(key: tuple[str, str]) -> int:
            found = card_ids.get(key)
            if found is not None:
                return found
            row = c.execute(
                "SELECT card_id FROM cards WHERE bank_id = ? AND question_id = ?", key
            ).fetchone()
            if row is None:
                cur = c.execute(
                    "INSERT INTO cards (bank_id, question_id, position, content_hash) "
                    "VALUES (?, ?, 0, '')",
                    key,
                )
                created.add(key)
                card_ids[key] = int(cur.lastrowid or 0)
            else:
                card_ids[key] = int(row[0])
            return card_ids[key]

        for number, value in it:
            line = _Line(number, value)
            if ended is not None:
                raise line.fail('nothing may follow the "end" line')
            kind = value.get("type")
            if kind == "review":
                seen["reviews"] += 1
                key = (line.text("bank"), line.text("question"))
                at = line.time("at")
                rating = line.whole("rating", 1, 4)
                correct, unsure = line.flag("correct"), line.flag("unsure")
                confident_wrong = line.flag("confident_wrong")
                ms = line.whole("response_ms", 0, 10**10, null=True)
                answer = line.text("answer", MAX_ANSWER_CHARS, empty=True)
                in_file[key] = in_file.get(key, 0) + 1
                exists = c.execute(
                    "SELECT 1 FROM reviews WHERE reviewed_at = ? AND bank_id = ? "
                    "AND question_id = ? LIMIT 1",
                    (at, *key),
                ).fetchone()
                if exists:
                    report.reviews_known += 1
                    continue
                c.execute(
                    "INSERT INTO reviews (card_id, bank_id, question_id, reviewed_at, rating, "
                    "answer, correct, unsure, confident_wrong, response_ms, state_before, "
                    "was_new, card_before) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, '{}')",
                    (card_id(key), *key, at, rating, answer, correct, unsure, confident_wrong, ms),
                )
                affected.add(key)
                report.reviews_added += 1
                if progress is not None and report.reviews_added % 10_000 == 0:
                    progress(report.reviews_added)
            elif kind == "card":
                seen["items"] += 1
                key = (line.text("bank"), line.text("question"))
                card_lines[key] = _CardLine(line)
            elif kind == "bank":
                seen["banks"] += 1
                bank_id, title = line.text("bank"), line.text("title", 1000)
                cur = c.execute(
                    "INSERT INTO banks (bank_id, title, path, synced_at, digest) "
                    "VALUES (?, ?, NULL, ?, NULL) ON CONFLICT (bank_id) DO NOTHING",
                    (bank_id, title, stamp),
                )
                report.banks_added += cur.rowcount
                report.bank_ids.add(bank_id)
            elif kind == "end":
                ended = value
                for name, count in seen.items():
                    if value.get(name) != count:
                        raise line.fail(
                            f"the file says {value.get(name)!r} {name}, but holds {count}: "
                            "it is damaged"
                        )
            else:
                raise line.fail(f'unknown "type": {str(kind)[:40]!r}')
        if ended is None:
            raise ProgressFileError(
                'the file ends early (no "end" line): it was cut short; nothing was imported'
            )
        for key in sorted(affected):
            cid = card_ids[key]
            cl = card_lines.get(key)
            flag_row = c.execute("SELECT red_flag FROM cards WHERE card_id = ?", (cid,)).fetchone()
            red_flag = bool(flag_row[0] == 1) if flag_row else False
            if key in created and cl is not None:
                red_flag = cl.red_flag
                c.execute("UPDATE cards SET red_flag = ? WHERE card_id = ?", (int(red_flag), cid))
            answers = []
            for rid, at, rating, ms in c.execute(
                "SELECT review_id, reviewed_at, rating, response_ms FROM reviews WHERE card_id = ?",
                (cid,),
            ):
                try:
                    if rating in (1, 2, 3, 4):
                        answers.append(
                            LoggedAnswer(
                                rid, from_iso(at), rating, ms if isinstance(ms, int) else None
                            )
                        )
                except ROW_ERRORS:
                    continue
            result = replay(answers, card_id=cid, red_flag=red_flag, scheduling=scheduling)
            c.executemany(
                "UPDATE reviews SET state_before = ?, was_new = ?, card_before = ? "
                "WHERE review_id = ?",
                [
                    (r.state_before, int(r.was_new), r.card_before, r.review_id)
                    for r in result.reviews
                ],
            )
            columns = result.card_columns()
            if (
                cl is not None
                and len(answers) == in_file.get(key)
                and cl.last_seen == columns["last_seen"]
            ):
                # The item's whole history is the file's: keep the schedule it recorded.
                columns.update(
                    state=cl.state,
                    due=cl.due,
                    fsrs=cl.fsrs,
                    reps=cl.reps,
                    lapses=cl.lapses,
                    first_seen=cl.first_seen,
                    last_seen=cl.last_seen,
                    interval_days=cl.interval_days,
                )
            sets = ", ".join(f"{col} = ?" for col in columns)
            c.execute(f"UPDATE cards SET {sets} WHERE card_id = ?", [*columns.values(), cid])
            report.items_updated += 1
        report.items_added = len(created)
        return report

    return store.database.write(run)


# -- reset ----------------------------------------------------------------------------------


@dataclass(slots=True)
class ResetReport:
    """What a reset removed, and where the backup is."""

    backup: ExportReport
    reviews: int
    items: int


def progress_counts(store: ReviewStore, bank_ids: Sequence[str] | None) -> tuple[int, int]:
    """(answers, answered items) of these banks (every bank if None)."""
    where, params = "", list(bank_ids or [])
    if bank_ids is not None:
        where = f" WHERE bank_id IN ({','.join('?' * len(params))})"
    reviews = store.database.read(f"SELECT count(*) FROM reviews{where}", params)[0][0]
    and_ = " AND " if where else " WHERE "
    items = store.database.read(f"SELECT count(*) FROM cards{where}{and_}reps > 0", params)[0][0]
    return int(reviews), int(items)


def backup_path(data_dir: Path, now: datetime) -> Path:
    """A free name for a backup in the data directory."""
    base = f"progress-backup-{now.strftime('%Y%m%dT%H%M%SZ')}"
    path = data_dir / f"{base}.jsonl"
    n = 1
    while path.exists() or path.is_symlink():
        n += 1
        path = data_dir / f"{base}-{n}.jsonl"
    return path


def reset_progress(
    store: ReviewStore, now: datetime, bank_ids: Sequence[str] | None = None
) -> ResetReport:
    """Remove the progress of these banks (every bank if None): first an export of it to a
    backup file beside the store (`quiz progress import` brings it back), then the banks'
    reviews, items and sync records, in one transaction. The next session adds the items
    again as new. Settings (the disclaimer, the theme) are kept."""
    backup = export_progress(store, backup_path(store.path.parent, now), now, bank_ids=bank_ids)
    reviews, items = progress_counts(store, bank_ids)
    where, params = "", list(bank_ids or [])
    if bank_ids is not None:
        where = f" WHERE bank_id IN ({','.join('?' * len(params))})"

    def run(c: sqlite3.Connection) -> None:
        for table in ("reviews", "cards", "banks"):
            c.execute(f"DELETE FROM {table}{where}", params)

    store.database.write(run)
    return ResetReport(backup, reviews, items)
