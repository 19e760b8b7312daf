"""The bank catalog: bank files the store has synced before are listed from the store and
parsed only when studied; anything else is loaded and checked at once."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from quiz.bank.catalog import (
    MAX_FILE_BYTES,
    BankCatalog,
    BankEntry,
    BankFile,
    bank_digest,
    read_bank_files,
)
from quiz.bank.findings import BankLoadError
from quiz.bank.load import load_bank, load_bank_bytes
from quiz.bank.selection import BankSelectionError, open_catalog
from quiz.engine.overview import bank_overview
from quiz.engine.store import _SCHEMA_1, SCHEMA_VERSION, ReviewStore

MINIMAL = Path(__file__).resolve().parents[1] / "data" / "good" / "minimal.yaml"
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def bank_file(tmp_path: Path) -> Path:
    p = tmp_path / "banks" / "sample.yaml"
    p.parent.mkdir()
    p.write_bytes(MINIMAL.read_bytes())
    return p


@pytest.fixture
def store(tmp_path: Path) -> ReviewStore:
    return ReviewStore.open(tmp_path / "data")


def test_a_loaded_bank_carries_the_digest_of_its_bytes(bank_file: Path) -> None:
    data = bank_file.read_bytes()
    bank = load_bank(bank_file)
    assert bank.digest == bank_digest(data) == BankFile(bank_file, data).digest
    # one more byte (a trailing comment) is another digest
    assert bank_digest(data + b"#\n") != bank.digest
    assert load_bank_bytes(data + b"#\n").digest == bank_digest(data + b"#\n")


def test_sync_records_the_digest_and_the_store_lists_it(
    bank_file: Path, store: ReviewStore
) -> None:
    assert store.synced_digests() == {}
    bank = load_bank(bank_file)
    store.sync_bank(bank, T0)
    assert store.synced_digests() == {bank.digest: BankEntry("sample", bank.title)}
    # a bank built in code has no file digest: syncing it forgets the old one
    from dataclasses import replace

    store.sync_bank(replace(bank, digest=None), T0)
    assert store.synced_digests() == {}


def test_known_files_are_listed_without_parsing_and_parsed_on_first_use(
    bank_file: Path, store: ReviewStore
) -> None:
    first = open_catalog([bank_file], store)
    assert first.loaded  # never synced: loaded and checked now
    assert [o.bank for o in bank_overview(store, first, T0)] == [
        BankEntry("sample", first.banks()[0].title)
    ]

    second = open_catalog([bank_file], store)
    assert not second.loaded
    assert second.entries == first.entries
    assert second.title("sample") == first.banks()[0].title
    assert second.title("nope") == "nope"
    # the home screen's counts come from the store, without a parse
    counts = bank_overview(store, second, T0)
    assert [(o.bank.id, o.counts.new) for o in counts] == [("sample", 6)]
    assert not second.loaded
    # studying parses the same bytes, into the same bank
    assert second.select(["sample"]) == list(first.banks())
    assert second.loaded


def test_a_changed_file_is_loaded_and_checked_again(bank_file: Path, store: ReviewStore) -> None:
    store.sync_banks(open_catalog([bank_file], store).banks(), T0)
    bank_file.write_text(
        bank_file.read_text(encoding="utf-8").replace("title:", "title: Changed", 1),
        encoding="utf-8",
    )
    again = open_catalog([bank_file], store)
    assert again.loaded
    # ... and a broken file is reported at its line, as on the first start
    bank_file.write_text("id: sample\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(BankLoadError) as e:
        open_catalog([bank_file], store)
    assert e.value.findings[0].path.endswith("sample.yaml")
    assert e.value.findings[0].rule == "yaml-syntax"


def test_two_files_of_one_bank_are_loaded_so_the_clash_is_reported(
    bank_file: Path, store: ReviewStore
) -> None:
    store.sync_banks(open_catalog([bank_file], store).banks(), T0)
    twin = bank_file.with_name("twin.yaml")
    twin.write_bytes(bank_file.read_bytes())
    with pytest.raises(BankSelectionError, match="share the id 'sample'"):
        open_catalog([bank_file, twin], store)


def test_unreadable_or_oversized_files_go_through_the_loader(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as out:
        out.truncate(MAX_FILE_BYTES + 1)
    assert read_bank_files([big]) is None
    assert read_bank_files([tmp_path / "missing.yaml"]) is None


def test_kept_bytes_that_no_longer_load_raise_the_loaders_findings(bank_file: Path) -> None:
    # As if the store had synced these bytes under an older loader that accepted them.
    bad = BankFile(bank_file, b"id: sample\nquestions: 3\n")
    catalog = BankCatalog.known([bad], {bad.digest: BankEntry("sample", "Sample")})
    assert catalog is not None and not catalog.loaded
    with pytest.raises(BankLoadError) as e:
        catalog.banks()
    assert all(f.path.endswith("sample.yaml") for f in e.value.findings)
    # bytes of another bank than the store said
    other = BankFile(bank_file, MINIMAL.read_bytes())
    wrong = BankCatalog.known([other], {other.digest: BankEntry("elsewhere", "Elsewhere")})
    assert wrong is not None
    with pytest.raises(ValueError, match="holds bank 'sample', not 'elsewhere'"):
        wrong.banks()


def test_an_unknown_digest_means_a_full_load(bank_file: Path) -> None:
    f = BankFile(bank_file, bank_file.read_bytes())
    assert BankCatalog.known([f], {}) is None
    assert BankCatalog.known([f], {"0" * 64: BankEntry("sample", "Sample")}) is None


def test_a_schema_1_store_is_migrated_keeping_its_banks(tmp_path: Path) -> None:
    db = tmp_path / "progress.sqlite3"
    with sqlite3.connect(db) as c:
        for statement in _SCHEMA_1:
            c.execute(statement)
        c.execute("INSERT INTO banks VALUES ('sample', 'Sample', NULL, '2026-03-01T09:00:00Z')")
        c.execute("PRAGMA user_version = 1")
    c.close()
    store = ReviewStore(db)
    assert store.schema_version == SCHEMA_VERSION == 2
    assert store.bank_titles() == {"sample": "Sample"}
    assert store.synced_digests() == {}  # no digest yet: the next start loads the banks
    store.close()


def test_the_usual_start_imports_no_yaml_and_no_bank_model(bank_file: Path, tmp_path: Path) -> None:
    # In a fresh interpreter: the second open of the same files, then the home counts.
    script = f"""
import sys
from datetime import datetime, timezone
from pathlib import Path
from quiz.bank.selection import open_catalog
from quiz.engine.overview import bank_overview
from quiz.engine.store import ReviewStore

with ReviewStore.open(Path({str(tmp_path / "d")!r})) as store:
    files = [Path({str(bank_file)!r})]
    if sys.argv[1] == "first":
        catalog = open_catalog(files, store)
        bank_overview(store, catalog, datetime.now(timezone.utc))
    else:
        catalog = open_catalog(files, store)
        rows = bank_overview(store, catalog, datetime.now(timezone.utc))
        assert [o.counts.new for o in rows] == [6], rows
        print(sorted(m for m in sys.modules if m.startswith(("yaml", "quiz.bank.load",
                                                             "quiz.bank.model"))))
"""
    run = [sys.executable, "-c", script]
    subprocess.run([*run, "first"], check=True, timeout=60)
    out = subprocess.run([*run, "usual"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
