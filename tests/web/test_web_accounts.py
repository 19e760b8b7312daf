"""Learner accounts: the accounts file and command, and one learner never seeing or
changing another's progress (two accounts, and two learners named by a proxy header)."""

from __future__ import annotations

import io
import stat
import sys
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from web_helpers import Learner, answer_fields, current_item, make_web

from quiz.cli import main
from quiz.engine.store import ReviewStore
from quiz.web.accounts import (
    AccountError,
    add_account,
    read_accounts,
    remove_account,
    reset_password,
    verify,
)
from quiz.web.app import QuizWeb

ALICE, BOB = "alice", "bob"
PASSWORDS = {ALICE: "alice password 1", BOB: "bob password 22"}


@pytest.fixture
def accounts(tmp_path: Path) -> Path:
    path = tmp_path / "accounts.txt"
    for name, password in PASSWORDS.items():
        add_account(path, name, password)
    return path


@pytest.fixture
def web(tmp_path: Path, accounts: Path) -> QuizWeb:
    return make_web(tmp_path, auth="accounts", accounts_file=accounts, token=None)


def sign_in(client: TestClient, name: str, password: str | None = None) -> Learner:
    who = Learner(client)
    page = who.get("/")
    assert page.path == "/login"
    page = who.post("/login", {"name": name, "password": password or PASSWORDS[name]})
    assert page.path == "/disclaimer", page.main
    who.post("/disclaimer")
    return who


# -- the accounts file ----------------------------------------------------------------------


def test_accounts_file_holds_argon2_hashes_and_is_private(accounts: Path) -> None:
    table = read_accounts(accounts)
    assert sorted(table) == [ALICE, BOB]
    assert all(h.startswith("$argon2id$") for h in table.values())
    assert PASSWORDS[ALICE] not in accounts.read_text()
    assert stat.S_IMODE(accounts.stat().st_mode) == 0o600
    assert verify(table[ALICE], PASSWORDS[ALICE])
    assert not verify(table[ALICE], PASSWORDS[BOB])
    assert not verify(None, "anything")


def test_account_rules(accounts: Path) -> None:
    for bad in ("", "Alice!", "../x", ".hidden", "a/b", "x" * 65):
        with pytest.raises(AccountError):
            add_account(accounts, bad, "long enough password")
    with pytest.raises(AccountError, match="already"):
        add_account(accounts, ALICE, "another password")
    with pytest.raises(AccountError, match="at least 8"):
        add_account(accounts, "carol", "short")
    with pytest.raises(AccountError, match="no account"):
        remove_account(accounts, "nobody")
    reset_password(accounts, BOB, "a brand new password")
    assert verify(read_accounts(accounts)[BOB], "a brand new password")
    remove_account(accounts, BOB)
    assert sorted(read_accounts(accounts)) == [ALICE]


def test_accounts_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "acc.txt"
    monkeypatch.setattr(sys, "stdin", io.StringIO("first password\n"))
    assert main(["accounts", "add", "Carol", "--file", str(path), "--password-stdin"]) == 0
    assert "Added carol." in capsys.readouterr().out
    assert main(["accounts", "list", "--file", str(path)]) == 0
    assert capsys.readouterr().out.split() == ["carol"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("second password\n"))
    assert (
        main(["accounts", "reset-password", "carol", "--file", str(path), "--password-stdin"]) == 0
    )
    assert verify(read_accounts(path)["carol"], "second password")
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    assert main(["accounts", "add", "dave", "--file", str(path), "--password-stdin"]) == 1
    assert "at least 8 characters" in capsys.readouterr().err
    assert main(["accounts", "add", "bad/name", "--file", str(path), "--password-stdin"]) == 1
    assert main(["accounts", "remove", "carol", "--file", str(path)]) == 0
    assert "progress store was kept" in capsys.readouterr().out
    assert main(["accounts", "remove", "carol", "--file", str(path)]) == 1


# -- signing in -------------------------------------------------------------------------------


def test_sign_in_gives_a_new_session_id(web: QuizWeb) -> None:
    with TestClient(web.app()) as client:
        who = Learner(client)
        who.get("/login")
        before = client.cookies.get("quiz_session")
        assert before
        who.post("/login", {"name": ALICE, "password": PASSWORDS[ALICE]})
        after = client.cookies.get("quiz_session")
        assert after and after != before
        assert web.sessions.get(before) is None


def test_wrong_name_or_password_signs_nobody_in(web: QuizWeb) -> None:
    with TestClient(web.app()) as client:
        who = Learner(client)
        who.get("/login")
        page = who.post("/login", {"name": ALICE, "password": PASSWORDS[BOB]})
        assert page.status == 401 and page.path == "/login"
        page = who.post("/login", {"name": "nobody", "password": "whatever it is"})
        assert page.status == 401
        assert who.get("/").path == "/login"


def test_sign_out(web: QuizWeb) -> None:
    with TestClient(web.app()) as client:
        alice = sign_in(client, ALICE)
        page = alice.get("/")
        assert "Sign out (alice)" in page.html
        page = alice.post("/logout")
        assert page.path == "/login"
        assert alice.get("/stats").path == "/login"


def test_new_password_or_removed_account_signs_out_at_once(web: QuizWeb, accounts: Path) -> None:
    with TestClient(web.app()) as a, TestClient(web.app()) as b:
        alice = sign_in(a, ALICE)
        bob = sign_in(b, BOB)
        reset_password(accounts, ALICE, "a new password for alice")
        assert alice.get("/").path == "/login"
        remove_account(accounts, BOB)
        assert bob.get("/").path == "/login"


# -- two learners, two stores -----------------------------------------------------------------


def test_two_accounts_cannot_see_or_change_each_other(web: QuizWeb, tmp_path: Path) -> None:
    with TestClient(web.app()) as a, TestClient(web.app()) as b:
        alice = sign_in(a, ALICE)
        bob = sign_in(b, BOB)
        alice.start()
        for _ in range(3):
            item = current_item(web, ALICE)
            alice.post("/study/answer", answer_fields(item, False))
            alice.post("/study/next")
        # Bob sees none of it: his home, his stats, no session of his
        home = bob.get("/")
        assert "0 due now, 6 new" in home.main
        assert "A session is in progress" not in home.main
        assert "Answers so far: 0" in bob.get("/stats").main
        assert bob.get("/study").path == "/"
        assert bob.get("/study/feedback").path == "/"
        # Alice's form tokens do not work in Bob's browser, nor her item tokens
        alice_form = alice.get("/study").form("/study/answer")
        r = b.post("/study/answer", data={**alice_form, "choice": "1"}, follow_redirects=False)
        assert r.status_code == 403
        # Bob studies too; Alice's stats count only her answers
        bob.start()
        bob.post("/study/answer", answer_fields(current_item(web, BOB), True))
        assert "Answers so far: 3" in alice.get("/stats").main
        assert "Answers so far: 1" in bob.get("/stats").main
    root = tmp_path / "data" / "learners"
    assert sorted(p.name for p in root.iterdir()) == [ALICE, BOB]
    for name, n in ((ALICE, 3), (BOB, 1)):
        store = ReviewStore.open(root / name)
        try:
            assert store.review_count() == n
        finally:
            store.close()
    assert stat.S_IMODE((root / ALICE).stat().st_mode) == 0o700


def test_learners_named_by_a_trusted_proxy_header(tmp_path: Path) -> None:
    web = make_web(tmp_path, auth="header", trusted_header="X-Remote-User", token=None)
    with TestClient(web.app()) as client:
        assert client.get("/").status_code == 401
        assert client.get("/", headers={"X-Remote-User": "../etc"}).status_code == 401
        alice = Learner(client)
        client.headers["X-Remote-User"] = ALICE
        alice.acknowledge()
        alice.start()
        alice.post("/study/answer", answer_fields(current_item(web, ALICE), True))
        token = alice.get("/study/feedback").form("/study/next")["csrf"]
        # the same browser, now named as Bob by the proxy: Alice's session and token are gone
        client.headers["X-Remote-User"] = BOB
        r = client.post("/study/next", data={"csrf": token}, follow_redirects=False)
        assert r.status_code == 403
        bob = Learner(client)
        bob.acknowledge()
        assert "Answers so far: 0" in bob.get("/stats").main
        assert "A session is in progress" not in bob.get("/").main
