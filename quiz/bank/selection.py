"""Which bank files a run studies, and loading them: shared by every front end and command.

A learner names banks as shipped bank ids, bank files or folders (`resolve_bank_files`);
`load_banks` loads them (every file's findings reported together) and refuses two banks
with one id; `open_catalog` gives a front end a `BankCatalog` that does not parse files
whose exact bytes the review store has synced before (the usual case after the first
start). `quiz study`, `quiz preview`, the terminal app and the web front end all use these;
nothing here imports a front end or the session engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from quiz.bank.catalog import BankCatalog, BankFile, load_bank_files, read_bank_files
from quiz.bank.discover import find_bank_files, shipped_decks_dir
from quiz.bank.findings import BankLoadError
from quiz.safe_text import safe_line

if TYPE_CHECKING:
    from quiz.bank.model import Bank
    from quiz.engine.store import ReviewStore


class BankSelectionError(Exception):
    """The BANK arguments could not be turned into banks; the message lists every problem."""


def check_unique_ids(banks: Sequence[Bank]) -> dict[str, Bank]:
    """The banks by id; raises ValueError when two share an id."""
    by_id: dict[str, Bank] = {}
    for b in banks:
        if b.id in by_id:
            raise ValueError(
                f"two banks share the id '{b.id}' ({by_id[b.id].path} and {b.path}); "
                "bank ids must be unique"
            )
        by_id[b.id] = b
    return by_id


def _shipped_by_id(decks: Path) -> dict[str, Path]:
    from quiz.bank.load import load_bank

    found: dict[str, Path] = {}
    files, _ = find_bank_files([decks])
    for f in files:
        try:
            found.setdefault(load_bank(f).id, f)
        except BankLoadError:
            continue
    return found


def resolve_bank_files(specs: Sequence[str], decks: Path | None = None) -> list[Path]:
    """Bank files for BANK arguments: existing files and folders as given, anything else a
    shipped bank id. Raises `BankSelectionError` naming what matched nothing."""
    decks = decks or shipped_decks_dir()
    if not specs:
        files, _ = find_bank_files([decks])
        if not files:
            raise BankSelectionError(f"no banks found in {safe_line(str(decks))}")
        return files
    files = []
    problems = []
    shipped: dict[str, Path] | None = None
    for spec in specs:
        p = Path(spec)
        shown = safe_line(spec)
        if p.exists():
            found, _ = find_bank_files([p])
            if not found:
                problems.append(f"{shown}: no bank files (*.yaml) in this folder")
            files.extend(found)
            continue
        direct = decks / f"{spec}.yaml"
        if direct.is_file():
            files.append(direct)
            continue
        if shipped is None:
            shipped = _shipped_by_id(decks)
        if spec in shipped:
            files.append(shipped[spec])
        else:
            names = ", ".join(sorted(shipped)) or "none"
            problems.append(
                f"{shown}: not a shipped bank id, a bank file or a folder (shipped banks: {names})"
            )
    if problems:
        raise BankSelectionError("\n".join(problems))
    unique: dict[Path, Path] = {}
    for f in files:
        unique.setdefault(f.resolve(), f)
    return list(unique.values())


def load_banks(files: Sequence[Path | BankFile]) -> list[Bank]:
    """Load every file (a path, or bytes already read); raises `BankLoadError` with the
    findings of every file that failed, or `BankSelectionError` when two banks share an id."""
    banks = load_bank_files(files)
    try:
        check_unique_ids(banks)
    except ValueError as e:
        raise BankSelectionError(f"{e}: study them separately or give one a new id") from None
    return banks


def open_catalog(files: Sequence[Path], store: ReviewStore) -> BankCatalog:
    """The banks of these files for a front end. Files whose exact bytes the store synced
    before are not parsed until studied (`BankCatalog.known`); otherwise every file is
    loaded and checked now (raising as `load_banks` does)."""
    read = read_bank_files(files)
    if read is not None:
        known = BankCatalog.known(read, store.synced_digests())
        if known is not None:
            return known
    return BankCatalog.of(load_banks(read if read is not None else files))
