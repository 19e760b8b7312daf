"""The banks of one run: what a front end lists at once, and what it parses only to study.

A home screen needs each bank's id and title; the parsed `Bank` is needed only when the
learner studies it. A `BankCatalog` holds both:

- `BankCatalog.of(banks)`: banks already loaded (the usual way, and in tests).
- `BankCatalog.known(files, synced)`: bank files whose exact bytes the review store has
  already seen. Every successful load records `bank_digest(bytes)` on the bank
  (`Bank.digest`), and syncing a bank with the store records that digest beside its id and
  title. When every file's digest is one the store holds, those bytes were loaded and
  checked before, the store's items already match them, and the id and title come from
  the store: the YAML is parsed, from the same bytes kept in memory, on first use.

The digest covers the file's bytes, the package version and `LOADER_REVISION`, so a changed
file, another release, or a loader that checks banks differently always means a full load.
Nothing here imports the YAML parser or the bank model until a bank is parsed.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from quiz import __version__

if TYPE_CHECKING:
    from quiz.bank.model import Bank

#: The largest bank file the loader reads (5 MB).
MAX_FILE_BYTES = 5 * 1024 * 1024

#: Part of every digest, with the package version. Bump it whenever the loader would accept,
#: reject or build a bank differently, so that files checked by an older loader (even of
#: the same version, in a checkout) are loaded and checked again.
LOADER_REVISION = "2"  # 2: control characters, any written tag, bad cloze numbers refused
_DIGEST_PREFIX = f"patient-quiz {__version__} loader {LOADER_REVISION}\n".encode()


def bank_digest(data: bytes) -> str:
    """The digest of a bank file's bytes (and of the loader revision that checks them)."""
    return hashlib.sha256(_DIGEST_PREFIX + data).hexdigest()


class BankFile(NamedTuple):
    """A bank file's path and the bytes read from it (read once; parsed from these)."""

    path: Path
    data: bytes

    @property
    def digest(self) -> str:
        return bank_digest(self.data)


class BankFileError(Exception):
    """A named bank file cannot be read as one: why, with the rule id a finding carries."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


def file_too_large(size: int | None) -> BankFileError:
    """The refusal of a file over `MAX_FILE_BYTES` (`size` when known)."""
    said = f"{size:,} bytes" if size is not None else f"more than {MAX_FILE_BYTES:,} bytes"
    return BankFileError(
        "file-too-large", f"the file is {said}; a bank may be at most {MAX_FILE_BYTES:,} bytes"
    )


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_a_file(mode: int) -> BankFileError:
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    return BankFileError("not-a-file", f"this is {kind}, not a bank file")


def read_bank_bytes(path: Path) -> bytes:
    """The bytes of one bank file, read safely whatever the path names.

    The path (a symbolic link is followed) must be a regular file: a named pipe would block
    the reader forever, and a device such as /dev/zero would never end. It is checked
    before opening, opened without blocking (so a pipe swapped in meanwhile cannot block
    either), checked again on the open descriptor, and read to at most `MAX_FILE_BYTES` + 1
    bytes whatever its size claims. Raises `BankFileError`.
    """
    try:
        if not stat.S_ISREG(mode := os.stat(path).st_mode):
            raise _not_a_file(mode)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise _not_a_file(info.st_mode)
            if info.st_size > MAX_FILE_BYTES:
                raise file_too_large(info.st_size)
            chunks: list[bytes] = []
            left = MAX_FILE_BYTES + 1
            while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
                chunks.append(chunk)
                left -= len(chunk)
        finally:
            os.close(fd)
    except OSError as e:
        raise BankFileError("unreadable", f"cannot read the file: {e.strerror or e}") from None
    data = b"".join(chunks)
    if len(data) > MAX_FILE_BYTES:
        raise file_too_large(None)
    return data


def read_bank_files(paths: Iterable[Path]) -> list[BankFile] | None:
    """Each file's bytes; None if a file cannot be read or is larger than a bank may be
    (loading the paths then reports why, at the file)."""
    read = []
    try:
        for p in paths:
            read.append(BankFile(p, read_bank_bytes(p)))
    except BankFileError:
        return None
    return read


def load_bank_files(files: Iterable[Path | BankFile]) -> list[Bank]:
    """Load every file (a path, or bytes already read), in order. Raises `BankLoadError`
    with the findings of every file that failed, so all are reported at once."""
    from quiz.bank.findings import BankLoadError
    from quiz.bank.load import display_path, load_bank, load_bank_bytes

    banks: list[Bank] = []
    findings = []
    more_errors = 0
    for f in files:
        try:
            if isinstance(f, BankFile):
                banks.append(load_bank_bytes(f.data, display_path(f.path), f.path))
            else:
                banks.append(load_bank(f))
        except BankLoadError as e:
            findings.extend(e.findings)
            more_errors += e.more_errors
    if findings:
        raise BankLoadError(findings, more_errors)
    return banks


class BankEntry(NamedTuple):
    """What a list of banks shows: the bank's id and title."""

    id: str
    title: str


class BankCatalog:
    """The banks of a run, in order: entries now, parsed banks on first use of `banks()`."""

    def __init__(
        self,
        entries: Sequence[BankEntry],
        *,
        banks: Sequence[Bank] | None = None,
        files: Sequence[BankFile] = (),
    ) -> None:
        self.entries: tuple[BankEntry, ...] = tuple(entries)
        self._banks: tuple[Bank, ...] | None = tuple(banks) if banks is not None else None
        self._files = tuple(files)

    @classmethod
    def of(cls, banks: Iterable[Bank]) -> BankCatalog:
        """A catalog of banks already loaded."""
        loaded = tuple(banks)
        return cls([BankEntry(b.id, b.title) for b in loaded], banks=loaded)

    @classmethod
    def known(
        cls, files: Sequence[BankFile], synced: Mapping[str, BankEntry]
    ) -> BankCatalog | None:
        """A catalog that parses later, when every file's digest is in `synced` (digest ->
        the id and title the store recorded with it) and no two files are one bank; else
        None, and the files must be loaded (and checked) now."""
        entries: list[BankEntry] = []
        for f in files:
            entry = synced.get(f.digest)
            if entry is None:
                return None
            entries.append(entry)
        if len({e.id for e in entries}) != len(entries):
            return None  # two files are the same bank: loading them reports it
        return cls(entries, files=files)

    @property
    def loaded(self) -> bool:
        """The banks have been parsed (or were given parsed)."""
        return self._banks is not None

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.entries)

    def title(self, bank_id: str) -> str:
        """The title of a bank of this run, else its id."""
        for e in self.entries:
            if e.id == bank_id:
                return e.title
        return bank_id

    def banks(self) -> tuple[Bank, ...]:
        """The parsed banks, in order (parsed now if not yet). Raises `BankLoadError` with
        every file's findings if a file no longer loads (a loader changed without a new
        `LOADER_REVISION`), or ValueError if a file now holds another bank than the store
        said."""
        if self._banks is None:
            banks = load_bank_files(self._files)
            for f, bank, entry in zip(self._files, banks, self.entries, strict=True):
                if bank.id != entry.id:
                    raise ValueError(f"{f.path}: holds bank '{bank.id}', not '{entry.id}'")
            self._banks = tuple(banks)
        return self._banks

    def select(self, bank_ids: Iterable[str]) -> list[Bank]:
        """The parsed banks with these ids, in the catalog's order."""
        wanted = set(bank_ids)
        return [b for b in self.banks() if b.id in wanted]
