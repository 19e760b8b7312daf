"""The web front end in a real browser (Debian's chromium, driven by Playwright): every page
checked with axe-core in the light and the dark colour scheme (zero violations), reflow at
320 CSS pixels (no horizontal scrolling), a session answered with the keyboard alone, focus
on the verdict after an answer, and the optional keyboard shortcuts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_helpers import (
    axe_violations,
    chromium,
    describe,
    need_browser,
    no_horizontal_scroll,
    serving,
)
from web_helpers import DATA, MINIMAL, TOKEN, current_item, make_web

from quiz.bank.load import load_bank
from quiz.bank.model import QuestionType
from quiz.engine.overview import SessionOptions
from quiz.engine.session import StudyItem
from quiz.web.accounts import add_account
from quiz.web.app import QuizWeb

pytestmark = pytest.mark.browser


def _banks() -> list[Any]:
    return [load_bank(MINIMAL), load_bank(DATA / "good" / "clean.yaml")]


def nav_click(page: Any, selector: str) -> None:
    """Click something that loads another page, and wait for that page."""
    with page.expect_navigation():
        page.click(selector)
    page.wait_for_load_state("load")


class Walk:
    """Visits pages in one browser page, running axe and the reflow check on each."""

    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.base = base
        self.failures: list[str] = []
        self.checked: list[str] = []

    def check(self, name: str) -> None:
        page = self.page
        violations = axe_violations(page)
        if violations:
            self.failures.append(f"[{name}] {page.url}\n{describe(violations)}")
        size = page.viewport_size
        page.set_viewport_size({"width": 320, "height": 640})
        if not no_horizontal_scroll(page):
            self.failures.append(f"[{name}] scrolls sideways at 320 px")
        page.set_viewport_size(size)
        self.checked.append(name)

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)


def answer_in_browser(page: Any, item: StudyItem, right: bool) -> None:
    """Answer `item` the way a learner does: click labels, type, press Check."""
    q = item.question
    t = q.type
    if t in (QuestionType.SINGLE, QuestionType.MULTI):
        correct = [i for i, o in enumerate(q.options) if o.correct]
        wrong = [i for i, o in enumerate(q.options) if not o.correct]
        for i in correct if right else wrong[:1]:
            page.click(f"label[for='opt-{item.shown_number(i)}']")
    elif t is QuestionType.TRUE_FALSE:
        value = bool(q.answer) if right else not q.answer
        page.click("label[for='tf-true']" if value else "label[for='tf-false']")
    elif t is QuestionType.TYPED:
        page.fill("#answer", q.answers[0] if right else "not it")
    elif t is QuestionType.CLOZE:
        for n, d in enumerate(q.cloze_deletions(), start=1):
            page.fill(f"#blank-{n}", d.text if right else "zzz")
    else:
        if not page.evaluate("document.querySelector('details.flashcard').open"):
            page.click("details.flashcard > summary")
        nav_click(page, f"button.grade[value='{3 if right else 1}']")
        return
    nav_click(page, "#check")


def walk_every_page(web: QuizWeb, executable: str, scheme: str, tmp_path: Path) -> Walk:
    with serving(web) as base, chromium(executable) as browser:
        context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        w = Walk(page, base)
        w.goto("/login")
        w.check("sign-in link needed")
        w.goto(f"/login?token={TOKEN}")
        assert page.url.endswith("/disclaimer")
        w.check("disclaimer")
        nav_click(page, "text=I have read this: continue")
        w.check("home")
        page.click("label[for='bank-2']")
        nav_click(page, "button:has-text('Start')")
        seen: set[tuple[str, bool]] = set()
        right = False
        while page.url.endswith("/study"):
            item = current_item(web)
            kind = item.type.value
            if (kind, right) not in {(k, r) for k, r in seen} and not any(
                k == kind for k, _ in seen
            ):
                w.check(f"question {kind}")
                if item.type is QuestionType.FLASHCARD:
                    page.click("details.flashcard > summary")
                    w.check("question flashcard, answer shown")
            answer_in_browser(page, item, right)
            assert page.url.endswith("/study/feedback"), page.url
            if (kind, right) not in seen:
                w.check(f"feedback {kind} {'right' if right else 'wrong'}")
                seen.add((kind, right))
            right = not right
            nav_click(page, "#next")
        assert page.url.endswith("/study/summary")
        w.check("summary")
        nav_click(page, "#home")
        w.check("home after a session")
        w.goto("/stats")
        for details in page.query_selector_all("details"):
            details.evaluate("d => d.open = true")
        w.check("stats")
        w.goto("/help")
        w.check("help")
        w.goto("/no-such-page")
        w.check("not found")
        # a session in progress and a notice on home
        w.goto("/")
        page.click("label[for='mode-practice']")
        nav_click(page, "button:has-text('Start')")
        w.check("question in practice mode, with a notice")
        w.goto("/")
        w.check("home with a session in progress")
        page.screenshot(path=str(tmp_path / f"home-{scheme}.png"), full_page=True)
        context.close()
    kinds = {k for k, _ in seen}
    assert kinds == {t.value for t in QuestionType}
    return w


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_any_page(tmp_path: Path, scheme: str) -> None:
    executable = need_browser()
    web = make_web(tmp_path, banks=_banks(), options=SessionOptions(limit=13))
    w = walk_every_page(web, executable, scheme, tmp_path)
    assert len(w.checked) >= 20
    assert not w.failures, "\n\n".join(w.failures)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_the_sign_in_form(tmp_path: Path, scheme: str) -> None:
    executable = need_browser()
    accounts = tmp_path / "accounts.txt"
    add_account(accounts, "alice", "alice's password")
    web = make_web(tmp_path, auth="accounts", accounts_file=accounts, token=None)
    with serving(web) as base, chromium(executable) as browser:
        page = browser.new_context(color_scheme=scheme).new_page()
        w = Walk(page, base)
        w.goto("/")
        w.check("sign-in form")
        page.fill("#name", "alice")
        page.fill("#password", "not the password")
        nav_click(page, "button:has-text('Sign in')")
        assert page.locator("#error").is_visible()
        w.check("sign-in form with an error")
        page.fill("#password", "alice's password")
        nav_click(page, "button:has-text('Sign in')")
        nav_click(page, "text=I have read this: continue")
        assert "Sign out (alice)" in page.content()
        w.check("home signed in with an account")
    assert not w.failures, "\n\n".join(w.failures)


def press(page: Any, key: str) -> None:
    """Press a key that submits a form, and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def test_a_session_by_keyboard_alone(tmp_path: Path) -> None:
    executable = need_browser()
    web = make_web(tmp_path, banks=[load_bank(MINIMAL)])
    with serving(web) as base, chromium(executable) as browser:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{base}/login?token={TOKEN}")
        # the first Tab reaches the skip link, then the site's links, then the page's button
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to the main content"
        page.focus("button.primary")
        press(page, "Enter")
        assert page.url.endswith("/")
        page.focus("#bank-1")
        press(page, "Enter")  # submits the start form
        assert page.url.endswith("/study")
        answered = 0
        while page.url.endswith("/study"):
            item = current_item(web)
            t = item.type
            if t is QuestionType.FLASHCARD:
                page.focus("details.flashcard > summary")
                page.keyboard.press("Enter")
                page.focus("button.grade[value='3']")
                press(page, "Enter")
            elif t in (QuestionType.SINGLE, QuestionType.TRUE_FALSE, QuestionType.MULTI):
                first = "#tf-true" if t is QuestionType.TRUE_FALSE else "#opt-1"
                page.focus(first)
                page.keyboard.press("Space")
                press(page, "Enter")  # implicit submission: the Check button
            else:
                field = "#answer" if t is QuestionType.TYPED else "#blank-1"
                page.focus(field)
                page.keyboard.type("something")
                press(page, "Enter")
            assert page.url.endswith("/study/feedback"), (t, page.url)
            # the verdict gets focus (autofocus, at the next rendering), so a screen reader
            # reads it first
            page.wait_for_function(
                "document.activeElement && document.activeElement.id === 'verdict'"
            )
            answered += 1
            page.focus("#next")
            press(page, "Enter")
        assert page.url.endswith("/study/summary")
        assert answered >= 6
        context.close()


def test_keyboard_shortcuts_match_the_terminal_app(tmp_path: Path) -> None:
    executable = need_browser()
    web = make_web(tmp_path, banks=[load_bank(MINIMAL)])
    with serving(web) as base, chromium(executable) as browser:
        page = browser.new_page()
        page.goto(f"{base}/login?token={TOKEN}")
        nav_click(page, "text=I have read this: continue")
        nav_click(page, "button:has-text('Start')")
        item = current_item(web)
        assert item.type is QuestionType.FLASHCARD  # the red-flag item comes first
        page.focus("body")
        page.keyboard.press("Space")  # show the answer
        assert page.evaluate("document.querySelector('details.flashcard').open")
        press(page, "3")  # grade Good
        assert page.url.endswith("/study/feedback")
        press(page, "u")  # take it back
        assert page.url.endswith("/study")
        page.keyboard.press("Space")
        press(page, "4")
        assert page.url.endswith("/study/feedback")
        press(page, "Enter")  # next question
        assert page.url.endswith("/study")
        item = current_item(web)
        assert item.type is QuestionType.SINGLE
        page.keyboard.press("s")  # not sure
        assert page.is_checked("#unsure")
        page.keyboard.press("2")
        assert page.is_checked("#opt-2")
        press(page, "Enter")
        assert page.url.endswith("/study/feedback")
        press(page, "Escape")  # end the session
        assert page.url.endswith("/study/summary")
        press(page, "?")
        assert page.url.endswith("/help")
