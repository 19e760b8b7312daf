"""Fixtures for the app's tests: a temporary store, a fixed clock, seeded randomness, the
minimal bank (every question type) and an app factory that builds the real app on them."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from tui_helpers import MINIMAL, OPTIONS, AppFactory, Clock, acknowledge_disclaimer

from quiz.bank.load import load_bank
from quiz.bank.model import Bank
from quiz.engine.session import SessionOptions
from quiz.engine.store import ReviewStore
from quiz.tui.app import QuizApp, create_app


@pytest.fixture(autouse=True)
def _seeded_random() -> None:
    random.seed(1234)


@pytest.fixture(autouse=True)
def _no_colour_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # Snapshots are taken in colour; a developer's NO_COLOR must not change them.
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path) -> Iterator[ReviewStore]:
    s = ReviewStore.open(data_dir)
    yield s
    s.close()


@pytest.fixture
def minimal_bank() -> Bank:
    return load_bank(MINIMAL)


@pytest.fixture
def make_app(store: ReviewStore, clock: Clock, minimal_bank: Bank) -> AppFactory:
    """Build the app on the test's store and clock; the disclaimer is acknowledged unless
    `first_run=True`."""

    def build(
        *,
        banks: Sequence[Bank] | None = None,
        options: SessionOptions = OPTIONS,
        first_run: bool = False,
        on_store: ReviewStore | None = None,
    ) -> QuizApp:
        target = on_store or store
        if not first_run:
            acknowledge_disclaimer(target)
        return create_app(
            store=target,
            banks=list(banks) if banks is not None else [minimal_bank],
            now=clock,
            options=options,
            decks_dir=None,
            cursor_blink=False,
        )

    return build
