"""The web defences, each tested: CSRF on every form, cookie flags, the Content-Security-
Policy and framing, cross-site posts, the body cap, friendly error pages, escaping of bank
text, and rate-limited sign-in."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from web_helpers import TOKEN, Learner, answer_fields, current_item, make_web

from quiz.bank.load import load_bank_bytes
from quiz.engine.store import ReviewStore
from quiz.web.accounts import add_account
from quiz.web.app import QuizWeb
from quiz.web.security import CSP, DEFAULT_MAX_BODY

POST_ROUTES = [
    "/disclaimer",
    "/study/start",
    "/study/answer",
    "/study/next",
    "/study/undo",
    "/study/end",
    "/study/close",
    "/logout",
]


def every_page(learner: Learner, web: QuizWeb) -> list[str]:
    """Visit a page of each kind; returns their HTML."""
    pages = [learner.get("/").html, learner.get("/help").html, learner.get("/stats").html]
    page = learner.start()
    while page.path == "/study":
        pages.append(page.html)
        page = learner.post("/study/answer", answer_fields(current_item(web), False))
        pages.append(page.html)
        page = learner.post("/study/next")
    pages.append(page.html)
    pages.append(learner.get("/no-such-page").html)
    return pages


# -- headers, cookies, no inline script -----------------------------------------------------


def test_strict_csp_and_no_framing_on_every_response(learner: Learner) -> None:
    assert "'unsafe-inline'" not in CSP and "'unsafe-eval'" not in CSP
    assert "frame-ancestors 'none'" in CSP and "script-src 'self'" in CSP
    for path in ("/", "/help", "/stats", "/no-such-page", "/static/quiz.css", "/login"):
        r = learner.client.get(path)
        assert r.headers["content-security-policy"] == CSP, path
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"
    assert learner.client.get("/").headers["cache-control"] == "no-store"


def test_no_inline_script_style_or_handlers_in_any_page(learner: Learner, web: QuizWeb) -> None:
    for html in every_page(learner, web):
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script"
        assert not re.search(r"\sstyle=", html), "inline style"
        assert not re.search(r"\son[a-z]+=", html), "event handler attribute"
        assert "<style" not in html


def test_session_cookie_is_httponly_and_samesite(web: QuizWeb) -> None:
    with TestClient(web.app()) as client:
        r = client.get(f"/login?token={TOKEN}", follow_redirects=False)
        cookie = r.headers["set-cookie"]
        assert cookie.startswith("quiz_session=")
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
        assert "Secure" not in cookie  # plain http on this computer


def test_cookie_is_secure_and_hsts_sent_over_https(tmp_path: Path) -> None:
    web = make_web(tmp_path)
    with TestClient(web.app(), base_url="https://testserver") as client:
        r = client.get(f"/login?token={TOKEN}", follow_redirects=False)
        assert "Secure" in r.headers["set-cookie"]
        assert r.headers["strict-transport-security"].startswith("max-age=")


# -- CSRF -----------------------------------------------------------------------------------


@pytest.mark.parametrize("route", POST_ROUTES)
def test_every_post_needs_the_csrf_token(learner: Learner, web: QuizWeb, route: str) -> None:
    learner.start()
    before = current_item(web)
    for data in ({}, {"csrf": "0" * 64}, {"csrf": ""}):
        r = learner.client.post(route, data=data, follow_redirects=False)
        assert r.status_code == 403, (route, data)
        assert "This form has expired" in r.text
    assert current_item(web) is before


def test_a_token_from_another_browser_does_not_work(web: QuizWeb) -> None:
    with TestClient(web.app()) as a:
        alice = Learner(a)
        alice.sign_in()
        home = alice.acknowledge()
        token = home.form("/study/start")["csrf"]
        with TestClient(web.app()) as b:
            r = b.post("/study/start", data={"csrf": token}, follow_redirects=False)
            assert r.status_code == 303 and r.headers["location"] == "/login"


def test_a_post_from_another_site_is_refused(learner: Learner) -> None:
    home = learner.get("/")
    data = home.form("/study/start")
    for headers in ({"origin": "https://evil.example"}, {"sec-fetch-site": "cross-site"}):
        r = learner.client.post("/study/start", data=data, headers=headers, follow_redirects=False)
        assert r.status_code == 403, headers
    ok = learner.client.post(
        "/study/start", data=data, headers={"origin": "http://testserver"}, follow_redirects=False
    )
    assert ok.status_code == 303


def test_a_form_that_is_not_a_form_is_refused(learner: Learner) -> None:
    r = learner.client.post(
        "/study/start", content=b'{"bank": "all"}', headers={"content-type": "application/json"}
    )
    assert r.status_code == 400


# -- body size cap ------------------------------------------------------------------------------


def test_request_bodies_are_size_capped(learner: Learner, web: QuizWeb) -> None:
    page = learner.start()
    data = page.form("/study/answer")
    big = "x" * (DEFAULT_MAX_BODY + 1)
    r = learner.client.post("/study/answer", data={**data, "text": big})
    assert r.status_code == 413 and "too long" in r.text

    def chunks():  # no Content-Length: the cap is counted as the body arrives
        yield b"csrf=" + data["csrf"].encode() + b"&text="
        for _ in range(DEFAULT_MAX_BODY // 1024 + 2):
            yield b"y" * 1024

    r = learner.client.post(
        "/study/answer",
        content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 413
    assert current_item(web).key  # the session is untouched
    store = ReviewStore.open(web.config.data_dir)
    try:
        assert store.review_count() == 0
    finally:
        store.close()


# -- errors ---------------------------------------------------------------------------------------


def test_a_server_error_shows_a_friendly_page_and_logs_the_details(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    web = make_web(tmp_path)

    def broken(*args: object, **kw: object) -> None:
        raise RuntimeError("secret internal detail /etc/passwd")

    monkeypatch.setattr("quiz.web.app.compute_stats", broken)
    with TestClient(web.app(), raise_server_exceptions=False) as client:
        who = Learner(client)
        who.sign_in()
        who.acknowledge()
        with caplog.at_level(logging.ERROR, logger="quiz.web"):
            r = client.get("/stats")
    assert r.status_code == 500
    assert "Something went wrong" in r.text and "Answers you gave before this are saved" in r.text
    for leak in ("Traceback", "RuntimeError", "secret internal detail", "quiz/web"):
        assert leak not in r.text
    assert r.headers["content-security-policy"] == CSP
    ref = re.search(r"reference <strong>([0-9a-f]{8})</strong>", r.text)
    assert ref is not None
    logged = "\n".join(rec.getMessage() for rec in caplog.records)
    assert ref.group(1) in logged
    assert any(
        rec.exc_info and "secret internal detail" in str(rec.exc_info[1]) for rec in caplog.records
    )


def test_not_found_and_wrong_method_are_friendly(learner: Learner) -> None:
    r = learner.client.get("/nowhere")
    assert r.status_code == 404 and "Page not found" in r.text and "<main" in r.text
    r = learner.client.put("/study/answer")
    assert r.status_code == 405 and "Not allowed" in r.text


# -- bank text is data ----------------------------------------------------------------------------

HOSTILE = """\
id: hostile
title: "<script>alert('title')</script> Bank"
description: x
version: "1"
sources:
  - id: doc
    title: "<b>doc</b>"
    url: "javascript:alert(1)"
questions:
  - id: q1
    type: single
    prompt: "<img src=x onerror=alert(1)> Which?"
    explanation: "<script>alert('expl')</script>"
    source: {id: doc, section: "<i>s</i>"}
    topics: [a]
    red_flag: true
    action: "<a href='javascript:x'>act</a> now"
    options:
      - {text: "<b>right</b>", correct: true, why: "</p><script>x()</script>"}
      - {text: "&amp; wrong", why: "\\" onfocus=\\"alert(1)"}
      - {text: "a third", why: "x"}
"""


def test_bank_text_is_escaped_never_markup(tmp_path: Path) -> None:
    bank = load_bank_bytes(HOSTILE.encode(), "hostile.yaml")
    web = make_web(tmp_path, banks=[bank])
    with TestClient(web.app()) as client:
        who = Learner(client)
        who.sign_in()
        who.acknowledge()
        pages = [who.get("/").html]
        page = who.start()
        pages.append(page.html)
        page = who.post("/study/answer", [("choice", "2")])
        pages.append(page.html)
        pages.append(who.post("/study/end").html)
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "<b>right</b>" not in html and "<i>s</i>" not in html
        assert not re.search(r"href=[\"']?javascript", html, re.I)
        assert 'onfocus="alert' not in html
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; Bank" in pages[0]
    assert "&lt;img src=x onerror=alert(1)&gt; Which?" in pages[1]
    assert "&amp;amp; wrong" in pages[1]
    assert "&lt;a href=&#39;javascript:x&#39;&gt;act&lt;/a&gt; now" in pages[2]
    assert "&lt;b&gt;doc&lt;/b&gt;" in pages[2]  # the source, not made a link


def test_control_characters_from_the_store_are_made_visible(learner: Learner, web: QuizWeb) -> None:
    learner.start()
    item = current_item(web)
    # a typed answer is stored and shown back: ESC and a bidi override become visible escapes
    while item.question.type.value != "typed":
        learner.post("/study/answer", answer_fields(item, True))
        learner.post("/study/next")
        item = current_item(web)
    page = learner.post("/study/answer", [("text", "a\x1b]52;c;x\x07b\u202eevil")])
    assert "\x1b" not in page.html and "\u202e" not in page.html
    assert "\\x1b" in page.html and "\\u202e" in page.html


# -- sign-in is rate limited ----------------------------------------------------------------------


def test_wrong_passwords_are_rate_limited(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.txt"
    add_account(accounts, "alice", "correct horse battery")
    web = make_web(tmp_path, auth="accounts", accounts_file=accounts, token=None)
    with TestClient(web.app()) as client:
        who = Learner(client)
        for _ in range(5):
            page = who.get("/login")
            page = who.post("/login", {"name": "alice", "password": "wrong password"})
            assert page.status == 401
            assert "do not match an account" in page.main
        who.get("/login")
        page = who.post("/login", {"name": "alice", "password": "correct horse battery"})
        assert page.status == 429 and "Too many attempts" in page.main
        assert int(page.headers["retry-after"]) > 0


def test_wrong_tokens_are_rate_limited(web: QuizWeb) -> None:
    with TestClient(web.app()) as client:
        for _ in range(5):
            assert client.get("/login?token=guess").status_code == 403
        r = client.get(f"/login?token={TOKEN}")
        assert r.status_code == 429
