"""Where banks live: the shipped decks, and the bank files under paths a user names."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

BANK_SUFFIXES = (".yaml", ".yml")
DISCLAIMER_FILE = "disclaimer.txt"
#: Store meta key under which every front end records that the disclaimer (this exact text)
#: was read: acknowledging it in one front end counts for the others.
DISCLAIMER_META_KEY = "disclaimer_ack"


def shipped_decks_dir() -> Path:
    """The folder of banks that ships with the package.

    In an installed wheel the banks sit inside the package (`quiz/decks`); in a source
    checkout they are the repository's `decks/` folder.
    """
    here = Path(__file__).resolve().parent.parent
    packaged = here / "decks"
    if packaged.is_dir():
        return packaged
    return here.parent / "decks"


def find_bank_files(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """Expand files and folders into bank files (sorted, folders searched recursively).

    In a folder, only regular files (or links to them) named *.yaml or *.yml are banks: a
    named pipe, a device, a folder or a broken link with such a name is skipped. A path
    named on its own is kept whatever it is, and reading it refuses anything but a regular
    file (`quiz.bank.catalog.read_bank_bytes`), with an error at the file.

    Returns (bank files, paths that do not exist).
    """
    found: list[Path] = []
    missing: list[Path] = []
    for p in paths:
        if p.is_dir():
            found.extend(_bank_files_under(p))
        elif p.exists():
            found.append(p)
        else:
            missing.append(p)
    seen: set[Path] = set()
    unique = []
    for f in found:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, missing


def _bank_files_under(folder: Path) -> list[Path]:
    """The bank files anywhere under `folder`, sorted.

    An explicit stack rather than `Path.rglob`, which recurses and raised RecursionError on
    a tree 1,300 folders deep. Links to folders are not followed (as rglob does not); a
    folder that cannot be read is skipped.
    """
    out: list[Path] = []
    stack = [folder]
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(Path(entry.path))
                        elif os.path.splitext(entry.name)[1] in BANK_SUFFIXES and entry.is_file():
                            out.append(Path(entry.path))
                    except OSError:
                        continue
        except OSError:
            continue
    return sorted(out)


def disclaimer_text(decks_dir: Path | None = None) -> str:
    """The short first-run disclaimer that ships with the banks (one text for every front end)."""
    return (decks_dir or shipped_decks_dir()).joinpath(DISCLAIMER_FILE).read_text("utf-8").strip()


def disclaimer_digest(text: str) -> str:
    """The value stored under `DISCLAIMER_META_KEY` once this text has been acknowledged
    (a changed text is shown again)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
