"""Fixtures of the web tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from web_helpers import Learner, make_web

from quiz.web.app import QuizWeb


@pytest.fixture
def web(tmp_path: Path) -> QuizWeb:
    return make_web(tmp_path)


@pytest.fixture
def client(web: QuizWeb) -> Iterator[TestClient]:
    with TestClient(web.app()) as c:
        yield c


@pytest.fixture
def learner(client: TestClient) -> Learner:
    """A learner signed in with the one-time link, past the disclaimer."""
    who = Learner(client)
    who.sign_in()
    who.acknowledge()
    return who
