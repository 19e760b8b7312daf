"""Helpers for the web tests: an app on a temporary store and a fixed clock, a browser-like
client that fills in forms as a learner would, and right or wrong answers for an item."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path

from starlette.testclient import TestClient

from quiz.bank.load import load_bank
from quiz.bank.model import Bank, QuestionType
from quiz.engine.session import StudyItem
from quiz.web.app import QuizWeb, WebConfig

DATA = Path(__file__).resolve().parents[1] / "data"
MINIMAL = DATA / "good" / "minimal.yaml"
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
DISCLAIMER = "This quiz teaches; it does not diagnose.\nSee a doctor if a muscle gets weaker."
TOKEN = "test-token-0123456789"


class Clock:
    """A clock that moves 5 seconds each time it is read."""

    def __init__(self, t: datetime = T0) -> None:
        self.t = t

    def __call__(self) -> datetime:
        self.t += timedelta(seconds=5)
        return self.t


def make_decks(tmp: Path) -> Path:
    """A decks folder with a disclaimer."""
    d = tmp / "decks"
    d.mkdir(exist_ok=True)
    (d / "disclaimer.txt").write_text(DISCLAIMER + "\n", encoding="utf-8")
    return d


def make_web(tmp: Path, banks: list[Bank] | None = None, **config: object) -> QuizWeb:
    """A web front end over the minimal bank (or `banks`) with its own data folder."""
    settings: dict[str, object] = {
        "data_dir": tmp / "data",
        "decks_dir": make_decks(tmp),
        "now": Clock(),
        "token": TOKEN,
    }
    settings.update(config)
    return QuizWeb(WebConfig(**settings), banks or [load_bank(MINIMAL)])  # type: ignore[arg-type]


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, object]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "hidden": {}, "buttons": []})
        elif self.forms and tag == "input" and a.get("type") == "hidden":
            hidden = self.forms[-1]["hidden"]
            assert isinstance(hidden, dict)
            hidden[a["name"]] = a.get("value", "")
        elif self.forms and tag == "button":
            buttons = self.forms[-1]["buttons"]
            assert isinstance(buttons, list)
            buttons.append(a)


@dataclass
class Page:
    """A page the client received."""

    status: int
    url: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return re.sub(r"^https?://[^/]+", "", self.url)

    @property
    def main(self) -> str:
        """The text inside <main>, tags removed, whitespace collapsed."""
        m = re.search(r"<main[^>]*>(.*)</main>", self.html, re.S)
        inner = m.group(1) if m else self.html
        import html

        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inner)).split())

    def forms(self) -> list[dict[str, object]]:
        p = _FormParser()
        p.feed(self.html)
        return p.forms

    def form(self, action: str) -> dict[str, str]:
        """The hidden fields of the form posting to `action` (or with a button that does)."""
        for f in self.forms():
            buttons = f["buttons"]
            assert isinstance(buttons, list)
            if f["action"] == action or any(b.get("formaction") == action for b in buttons):
                hidden = f["hidden"]
                assert isinstance(hidden, dict)
                return dict(hidden)
        raise AssertionError(f"no form for {action} on {self.path}:\n{self.main}")

    def has_action(self, action: str) -> bool:
        try:
            self.form(action)
        except AssertionError:
            return False
        return True


class Learner:
    """A learner at a browser: follows redirects, posts the forms the pages show."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.page: Page | None = None

    def _page(self, r: object) -> Page:
        import httpx

        assert isinstance(r, httpx.Response)
        self.page = Page(r.status_code, str(r.url), r.text, dict(r.headers))
        return self.page

    def get(self, path: str) -> Page:
        return self._page(self.client.get(path))

    def post(
        self, action: str, fields: dict[str, str] | list[tuple[str, str]] | None = None
    ) -> Page:
        """Post the current page's form for `action` with these extra fields."""
        assert self.page is not None
        data: list[tuple[str, str]] = list(self.page.form(action).items())
        if isinstance(fields, dict):
            data += list(fields.items())
        elif fields:
            data += fields
        return self._page(
            self.client.post(
                action,
                content="&".join(f"{_q(k)}={_q(v)}" for k, v in data).encode(),
                headers={"content-type": "application/x-www-form-urlencoded"},
            )
        )

    def sign_in(self, token: str = TOKEN) -> Page:
        return self.get(f"/login?token={token}")

    def acknowledge(self) -> Page:
        page = self.get("/")
        if page.path == "/disclaimer":
            return self.post("/disclaimer")
        return page

    def start(self, bank: str = "all", mode: str = "study") -> Page:
        self.get("/")
        return self.post("/study/start", {"bank": bank, "mode": mode})


def _q(s: str) -> str:
    from urllib.parse import quote_plus

    return quote_plus(s)


def answer_fields(item: StudyItem, right: bool) -> list[tuple[str, str]]:
    """The form fields a learner sends to answer `item` right (or wrong), using the option
    numbers as the page shows them."""
    q = item.question
    t = q.type
    if t in (QuestionType.SINGLE, QuestionType.MULTI):
        correct = [i for i, o in enumerate(q.options) if o.correct]
        wrong = [i for i, o in enumerate(q.options) if not o.correct]
        picks = correct if right else wrong[:1]
        return [("choice", str(item.shown_number(i))) for i in picks]
    if t is QuestionType.TRUE_FALSE:
        value = bool(q.answer) if right else not q.answer
        return [("tf", "true" if value else "false")]
    if t is QuestionType.TYPED:
        return [("text", q.answers[0] if right else "a wrong answer")]
    if t is QuestionType.CLOZE:
        return [("blank", d.text if right else "zzzz") for d in q.cloze_deletions()]
    return [("grade", "3" if right else "1")]


def current_item(web: QuizWeb, learner: str = "local") -> StudyItem:
    """The item the server shows the learner now."""
    state = web.registry._learners[learner]
    assert state.live is not None
    item = state.live.session.current
    assert item is not None
    return item
