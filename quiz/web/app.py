"""The web front end's routes: `create_app(config, banks)` builds the Starlette app.

Every page is server-rendered HTML and every action a plain form post, so the quiz works
without JavaScript; `static/keys.js` only adds keyboard shortcuts. The study flow follows
the terminal app's: disclaimer (once per text), home (banks with counts, study or
practice), a question, feedback, and the summary; undo from the question, the feedback and
the summary; statistics and help from every page.

Each form post follows Post/Redirect/Get: an answer is committed to the learner's store by
`StudySession.submit` *before* the redirect to the feedback page is sent, so a reload never
answers twice and a lost connection never loses an answer.

Work that touches a store runs in Starlette's thread pool (`run_in_threadpool`), under the
learner's lock; a learner's requests are served one at a time, different learners' in
parallel.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import jinja2
import markupsafe
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from quiz.bank.catalog import BankCatalog
from quiz.bank.discover import DISCLAIMER_META_KEY, disclaimer_digest, disclaimer_text
from quiz.bank.model import Bank, QuestionType
from quiz.clock import Clock, utc_now
from quiz.engine.faults import StoreFault
from quiz.engine.grading import (
    Answer,
    AnswerError,
    ChoiceAnswer,
    ClozeAnswer,
    FlashcardGrade,
    SelfRating,
    TextAnswer,
    TrueFalseAnswer,
)
from quiz.engine.overview import SessionOptions, bank_overview
from quiz.engine.paths import ensure_private_dir, resolve_data_dir
from quiz.engine.session import StudySession
from quiz.engine.stats import compute_stats
from quiz.engine.store import ReviewStore, StoreError, UndoConflictError
from quiz.safe_text import safe_text
from quiz.web import pages
from quiz.web.accounts import AccountsFile, learner_dir, valid_name, verify
from quiz.web.auth import (
    LOCAL_LEARNER,
    SESSION_COOKIE,
    LoginLimiter,
    LoginSession,
    OneTimeToken,
    SessionPolicy,
    SessionTable,
    fingerprint,
)
from quiz.web.learners import Learner, LearnerRegistry, LiveSession
from quiz.web.security import (
    DEFAULT_MAX_BODY,
    BodyTooLarge,
    Form,
    FormError,
    SecurityMiddleware,
    check_csrf,
    csrf_token,
    parse_form,
    security_headers,
)
from quiz.wording import (
    NOTHING_TO_UNDO,
    PRACTICE_START,
    UNDONE,
    edited_notice,
    nothing_to_study,
    session_start,
)

log = logging.getLogger("quiz.web")

#: after a store fault the learner may retry (`StoreFault.hint` names the terminal's keys)
WEB_RETRY_HINT = "Press Check to try again: every answer before this one is saved."
#: after damage found while answering: the next page reopens and repairs the store
WEB_REPAIR_HINT = (
    "Go back to the start page: your progress file will be repaired, and every answer it "
    "still holds will be kept."
)

HERE = Path(__file__).resolve().parent
AuthMode = Literal["token", "accounts", "header"]


@dataclass(frozen=True)
class WebConfig:
    """How the server runs. Tests build one with a temporary data folder and a fixed clock."""

    #: the local learner's data folder (token mode), or the folder under which each
    #: learner's store lives in `learners/<name>/` (accounts and header modes); None:
    #: `$QUIZ_DATA_DIR`, else the user data directory
    data_dir: Path | None = None
    auth: AuthMode = "token"
    accounts_file: Path | None = None
    #: header mode: the header a trusted reverse proxy puts the learner's name in
    trusted_header: str | None = None
    options: SessionOptions = field(default_factory=SessionOptions)
    #: where `disclaimer.txt` lives (None: the shipped decks)
    decks_dir: Path | None = None
    now: Clock = utc_now
    max_body: int = DEFAULT_MAX_BODY
    #: signs the CSRF tokens (random per start unless given)
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    #: token mode: the one-time sign-in token (random unless given)
    token: str | None = None
    session_policy: SessionPolicy = field(default_factory=SessionPolicy)
    #: a learner idle this long has their live session dropped and store closed
    learner_idle_seconds: float = 2 * 3600
    #: login attempts: failures allowed per name and per address in `login_window` seconds
    login_failures: int = 5
    login_window: float = 15 * 60


@dataclass(slots=True)
class Ctx:
    """One request as a page handler sees it (inside the learner's lock)."""

    request: Request
    login: LoginSession
    learner: Learner
    form: Form
    store: ReviewStore


Handler = Callable[[Ctx], Response]


class _Page(Exception):
    """Stop handling and send this response."""

    def __init__(self, response: Response) -> None:
        self.response = response


class QuizWeb:
    """The web front end over one set of banks: routes, templates, sessions, learners."""

    def __init__(self, config: WebConfig, banks: Sequence[Bank]) -> None:
        self.config = config
        self.banks = list(banks)
        self.catalog = BankCatalog.of(self.banks)
        self.by_id = {b.id: b for b in self.banks}
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            finalize=_finalize,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.sessions = SessionTable(config.session_policy)
        self.token = OneTimeToken(config.token) if config.auth == "token" else None
        self.accounts: AccountsFile | None = None
        if config.auth == "accounts":
            if config.accounts_file is None:
                raise ValueError("accounts mode needs an accounts file")
            self.accounts = AccountsFile(config.accounts_file)
        if config.auth == "header" and not config.trusted_header:
            raise ValueError("header mode needs the name of the trusted header")
        self.limiter = LoginLimiter(config.login_failures, config.login_window)
        self.registry = LearnerRegistry(self._data_dir_of, idle_seconds=config.learner_idle_seconds)
        try:
            self.disclaimer: str | None = disclaimer_text(config.decks_dir)
        except OSError:
            self.disclaimer = None

    # -- where each learner's progress lives ----------------------------------------------

    def _data_dir_of(self, learner: str) -> Path | None:
        if self.config.auth == "token":
            return self.config.data_dir
        root = resolve_data_dir(self.config.data_dir)
        ensure_private_dir(root)
        ensure_private_dir(root / "learners")
        return learner_dir(root, learner)

    # -- the app -------------------------------------------------------------------------

    def app(self) -> Starlette:
        """The ASGI application."""
        get, post = ["GET", "HEAD"], ["POST"]
        routes = [
            Route("/", self._wrap(self.home), methods=get),
            Route("/disclaimer", self._wrap(self.disclaimer_page, disclaimer=False), methods=get),
            Route("/disclaimer", self._wrap(self.disclaimer_ack, disclaimer=False), methods=post),
            Route("/study", self._wrap(self.question), methods=get),
            Route("/study/start", self._wrap(self.start), methods=post),
            Route("/study/answer", self._wrap(self.answer), methods=post),
            Route("/study/feedback", self._wrap(self.feedback), methods=get),
            Route("/study/next", self._wrap(self.next), methods=post),
            Route("/study/undo", self._wrap(self.undo), methods=post),
            Route("/study/end", self._wrap(self.end), methods=post),
            Route("/study/summary", self._wrap(self.summary), methods=get),
            Route("/study/close", self._wrap(self.close), methods=post),
            Route("/stats", self._wrap(self.stats, disclaimer=False), methods=get),
            Route("/help", self.help, methods=get),
            Route("/login", self.login_page, methods=get),
            Route("/login", self.login_post, methods=post),
            Route("/logout", self.logout, methods=post),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ]
        return Starlette(
            routes=routes,
            middleware=[
                Middleware(
                    SecurityMiddleware,
                    max_body=self.config.max_body,
                    error_page=self._refusal_page,
                )
            ],
            exception_handlers={
                HTTPException: self._http_error,
                BodyTooLarge: self._too_large,
                Exception: self._server_error,
            },
            lifespan=self._lifespan,
        )

    @contextlib.asynccontextmanager
    async def _lifespan(self, app: Starlette) -> AsyncIterator[None]:
        """At shutdown, close every learner's store (every answer is already committed)."""
        try:
            yield
        finally:
            self.registry.close_all()

    # -- rendering -----------------------------------------------------------------------

    def render(
        self,
        request: Request,
        template: str,
        *,
        login: LoginSession | None = None,
        learner: Learner | None = None,
        status: int = 200,
        title: str = "",
        **context: Any,
    ) -> HTMLResponse:
        """A page from `template`, with what every page needs (CSRF token, navigation,
        notices)."""
        notices = learner.take_notices() if learner is not None else []
        html = self.env.get_template(template).render(
            title=title,
            app_title=pages.APP_TITLE,
            csrf=csrf_token(self.config.secret, login.sid) if login else "",
            signed_in=bool(login and login.learner),
            can_sign_out=self.config.auth == "accounts" and bool(login and login.learner),
            learner_name=login.learner if login and self.config.auth != "token" else None,
            notices=notices,
            page=template.removesuffix(".html"),
            **context,
        )
        return HTMLResponse(html, status_code=status)

    def error_page(
        self, request: Request | None, status: int, heading: str, message: str, ref: str = ""
    ) -> HTMLResponse:
        """The friendly error page (never a stack trace)."""
        html = self.env.get_template("error.html").render(
            title=heading,
            app_title=pages.APP_TITLE,
            csrf="",
            signed_in=False,
            can_sign_out=False,
            learner_name=None,
            notices=[],
            page="error",
            heading=heading,
            message=message,
            ref=ref,
        )
        response = HTMLResponse(html, status_code=status)
        https = request is not None and request.url.scheme == "https"
        for k, v in security_headers(https):
            response.headers[k] = v
        return response

    # -- who is asking -------------------------------------------------------------------

    def _cookie(self, response: Response, request: Request, sid: str) -> None:
        response.set_cookie(
            SESSION_COOKIE,
            sid,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/",
        )

    def identify(self, request: Request) -> tuple[LoginSession | None, bool]:
        """The browser's signed-in session, if any, and whether it is new (header mode
        makes one for the learner the proxy names)."""
        login = self.sessions.get(request.cookies.get(SESSION_COOKIE))
        if self.config.auth == "header":
            assert self.config.trusted_header is not None
            name = request.headers.get(self.config.trusted_header, "").strip().lower()
            if not valid_name(name):
                return None, False
            if login is not None and login.learner == name:
                return login, False
            return self.sessions.new(name), True
        if login is None or login.learner is None:
            return login, False
        if self.accounts is not None:
            hashed = self.accounts.hash_of(login.learner)
            if hashed is None or fingerprint(hashed) != login.fingerprint:
                # the account was removed or its password reset: signed out everywhere
                self.sessions.drop(login.sid)
                return None, False
        return login, False

    def _wrap(
        self, handler: Handler, *, disclaimer: bool = True
    ) -> Callable[[Request], Awaitable[Response]]:
        """An endpoint: sign-in required; for a post, a url-encoded form with a valid CSRF
        token; then `handler` runs in the thread pool with the learner's store open (and,
        unless `disclaimer` is False, only after the disclaimer was acknowledged)."""

        async def endpoint(request: Request) -> Response:
            login, new = self.identify(request)
            if login is None or login.learner is None:
                if self.config.auth == "header":
                    return self.error_page(
                        request,
                        401,
                        "Not signed in",
                        "The server that signs you in did not say who you are.",
                    )
                return RedirectResponse("/login", status_code=303)
            form = Form([])
            if request.method == "POST":
                body = await request.body()
                try:
                    form = parse_form(body, request.headers.get("content-type", ""))
                except FormError:
                    return self.error_page(
                        request, 400, "Something went wrong", "That form could not be read."
                    )
                if not check_csrf(self.config.secret, login.sid, form.get("csrf")):
                    return self._expired_form(request)
            assert login.learner is not None
            name = login.learner

            def work() -> Response:
                with self.registry.use(name) as learner:
                    assert learner.store is not None
                    ctx = Ctx(request, login, learner, form, learner.store)
                    if disclaimer and not self._acknowledged(ctx):
                        return RedirectResponse("/disclaimer", status_code=303)
                    try:
                        return handler(ctx)
                    except _Page as p:
                        return p.response

            try:
                response = await run_in_threadpool(work)
            except StoreFault as e:
                log.error("progress store of %s: %s", name, e)
                return self.error_page(
                    request, 503, "Your progress could not be saved", e.start_message
                )
            except StoreError as e:
                log.error("progress store of %s: %s", name, e)
                return self.error_page(
                    request,
                    503,
                    "Your progress cannot be opened",
                    "Your progress file could not be opened, so nothing was changed. "
                    "Please tell the person who runs this quiz.",
                )
            if new:
                self._cookie(response, request, login.sid)
            return response

        return endpoint

    def _expired_form(self, request: Request) -> HTMLResponse:
        return self.error_page(
            request,
            403,
            "This form has expired",
            "The page was too old to send (or came from somewhere else). Nothing was "
            "changed. Go back to the start page and try again.",
        )

    # -- disclaimer ------------------------------------------------------------------------

    def _acknowledged(self, ctx: Ctx) -> bool:
        if self.disclaimer is None:
            return True
        return ctx.store.get_meta(DISCLAIMER_META_KEY) == disclaimer_digest(self.disclaimer)

    def disclaimer_page(self, ctx: Ctx) -> Response:
        """The first-run disclaimer (again whenever its text changes)."""
        if self.disclaimer is None or self._acknowledged(ctx):
            return RedirectResponse("/", status_code=303)
        return self.render(
            ctx.request,
            "disclaimer.html",
            login=ctx.login,
            learner=ctx.learner,
            title="Before you start",
            paragraphs=pages.disclaimer_paragraphs(self.disclaimer),
        )

    def disclaimer_ack(self, ctx: Ctx) -> Response:
        """The learner read the disclaimer (recorded in their store, for every front end)."""
        if self.disclaimer is not None:
            ctx.store.set_meta(DISCLAIMER_META_KEY, disclaimer_digest(self.disclaimer))
        return RedirectResponse("/", status_code=303)

    # -- home ------------------------------------------------------------------------------

    def home(self, ctx: Ctx) -> Response:
        """Each bank with its counts, the study/practice choice, a session in progress."""
        learner = ctx.learner
        if not learner.store_notices_shown:
            learner.store_notices_shown = True
            for notice in ctx.store.notices:
                learner.notify(notice)
        overviews = bank_overview(ctx.store, self.catalog, self.config.now(), self.config.options)
        live = learner.live
        current = None
        if live is not None:
            item = live.session.current
            current = pages.progress(item) if item is not None else None
        return self.render(
            ctx.request,
            "home.html",
            login=ctx.login,
            learner=learner,
            title="Home",
            live=live is not None,
            live_where=current,
            **pages.home_view(overviews, self.config.options.practice),
        )

    # -- the study flow ----------------------------------------------------------------------

    def start(self, ctx: Ctx) -> Response:
        """Start a session over the chosen banks, in study or practice mode."""
        choice = ctx.form.get("bank", pages.ALL_BANKS)
        practice = ctx.form.get("mode") == "practice"
        if choice == pages.ALL_BANKS:
            banks = self.banks
        elif choice in self.by_id:
            banks = [self.by_id[choice]]
        else:
            ctx.learner.notify("Choose one of the banks listed.", error=True)
            return RedirectResponse("/", status_code=303)
        options = dataclasses.replace(self.config.options, practice=practice)
        try:
            session = StudySession(banks, ctx.store, self.config.now, options)
            item = session.next_item()
        except StoreFault as e:
            ctx.learner.notify(e.start_message, error=True)
            return RedirectResponse("/", status_code=303)
        if item is None:
            next_due = None if practice else session.summary().next_due
            text = nothing_to_study(
                len(banks),
                practice,
                next_due,
                self.config.now(),
                how_to_practise="Choose Practice under How",
            )
            ctx.learner.notify(text)
            return RedirectResponse("/", status_code=303)
        ctx.learner.live = LiveSession(session)
        for report in session.sync_reports:
            edited = edited_notice(report)
            if edited:
                ctx.learner.notify(edited)
        if practice:
            ctx.learner.notify(PRACTICE_START)
        ctx.learner.notify(session_start(session.size, options.time_limit, practice))
        return RedirectResponse("/study", status_code=303)

    def _live(self, ctx: Ctx) -> LiveSession:
        live = ctx.learner.live
        if live is None:
            raise _Page(RedirectResponse("/", status_code=303))
        return live

    def _goto(self, live: LiveSession) -> RedirectResponse:
        where = {"question": "/study", "feedback": "/study/feedback", "summary": "/study/summary"}
        return RedirectResponse(where[live.phase], status_code=303)

    def question(self, ctx: Ctx, *, error: str = "", status: int = 200) -> Response:
        """The current question (the next one when none is shown)."""
        live = self._live(ctx)
        if live.phase != "question":
            return self._goto(live)
        session = live.session
        item = session.next_item()
        if item is None:
            live.phase = "summary"
            return self._goto(live)
        view = pages.question_view(item, session.answered)
        return self.render(
            ctx.request,
            "question.html",
            login=ctx.login,
            learner=ctx.learner,
            status=status,
            title=f"{view['progress']}: {item.bank.title}",
            error=error,
            given=ctx.form if error else Form([]),
            can_undo=session.can_undo,
            practice=session.options.practice,
            **view,
        )

    def answer(self, ctx: Ctx) -> Response:
        """Grade and record an answer (committed before the redirect), then the feedback."""
        live = self._live(ctx)
        session = live.session
        item = session.current
        if (
            live.phase != "question"
            or item is None
            or ctx.form.get("item") != pages.item_token(session.answered, item)
        ):
            ctx.learner.notify(
                "That page was out of date, so nothing was recorded. Here is where you are now."
            )
            return self._goto(live)
        parsed = _answer_from(item.type, ctx.form, item)
        if isinstance(parsed, str):
            return self.question(ctx, error=parsed, status=422)
        answer, unsure = parsed
        try:
            result = session.submit(answer, unsure=unsure)
        except AnswerError as e:
            return self.question(ctx, error=f"{e}. Please try again.", status=422)
        except StoreFault as e:
            log.error("progress store of %s: %s", ctx.learner.name, e)
            if e.can_retry:
                # the answer was rolled back: the same page again, ready to send once more
                return self.question(ctx, error=f"{e.learner_message} {WEB_RETRY_HINT}", status=503)
            # damaged: close the store; the next page reopens (and repairs) it
            ctx.learner.close()
            return self.error_page(
                ctx.request,
                503,
                "Your answer was not saved",
                f"{e.learner_message} {WEB_REPAIR_HINT}",
            )
        live.last = result
        live.phase = "feedback"
        return RedirectResponse("/study/feedback", status_code=303)

    def feedback(self, ctx: Ctx) -> Response:
        """The verdict and everything that explains it."""
        live = self._live(ctx)
        if live.phase != "feedback" or live.last is None:
            return self._goto(live)
        result = live.last
        session = live.session
        return self.render(
            ctx.request,
            "feedback.html",
            login=ctx.login,
            learner=ctx.learner,
            title=f"{pages.verdict_title(result)} {pages.progress(result.item)}",
            can_undo=session.can_undo,
            answered=session.answered,
            last=session.remaining == 0,
            practice=session.options.practice,
            **pages.feedback_view(result),
        )

    def next(self, ctx: Ctx) -> Response:
        """On to the next question (or the summary after the last)."""
        live = self._live(ctx)
        if live.phase == "feedback":
            live.phase = "question"
            live.last = None
        return self._goto(live)

    def undo(self, ctx: Ctx) -> Response:
        """Take back the last answer and ask that question again."""
        live = self._live(ctx)
        session = live.session
        if not session.can_undo:
            ctx.learner.notify(NOTHING_TO_UNDO)
            return self._goto(live)
        try:
            item = session.undo()
        except UndoConflictError as e:
            ctx.learner.notify(f"That answer cannot be taken back: {e}", error=True)
            return self._goto(live)
        except StoreFault as e:
            ctx.learner.notify(f"{e.undo_message} {e.hint}", error=True)
            return self._goto(live)
        if item is not None:
            live.phase = "question"
            live.last = None
            ctx.learner.notify(UNDONE)
        return self._goto(live)

    def end(self, ctx: Ctx) -> Response:
        """End the session now: the summary (or home when nothing was answered)."""
        live = self._live(ctx)
        if live.session.answered == 0:
            ctx.learner.live = None
            return RedirectResponse("/", status_code=303)
        live.phase = "summary"
        return self._goto(live)

    def summary(self, ctx: Ctx) -> Response:
        """The end-of-session summary."""
        live = self._live(ctx)
        if live.phase != "summary":
            return self._goto(live)
        session = live.session
        return self.render(
            ctx.request,
            "summary.html",
            login=ctx.login,
            learner=ctx.learner,
            title="Session summary",
            can_undo=session.can_undo,
            **pages.summary_view(session.summary(), self.config.now()),
        )

    def close(self, ctx: Ctx) -> Response:
        """Leave the summary: back home, the session forgotten (its answers are saved)."""
        ctx.learner.live = None
        return RedirectResponse("/", status_code=303)

    # -- statistics and help -----------------------------------------------------------------

    def stats(self, ctx: Ctx) -> Response:
        """The learner's progress over every bank in their store."""
        opts = self.config.options
        stats = compute_stats(
            ctx.store,
            self.config.now(),
            day_tz=opts.day_tz,
            desired_retention=opts.desired_retention,
        )
        return self.render(
            ctx.request,
            "stats.html",
            login=ctx.login,
            learner=ctx.learner,
            title="Your progress",
            **pages.stats_view(stats, self.banks),
        )

    async def help(self, request: Request) -> Response:
        """How to answer, the keys, and what the words mean (no sign-in needed)."""
        login, _ = self.identify(request)
        return self.render(request, "help.html", login=login, title="Help")

    # -- signing in and out ------------------------------------------------------------------

    async def login_page(self, request: Request) -> Response:
        """Token mode: redeem the one-time link. Accounts mode: the sign-in form."""
        if self.config.auth == "token":
            assert self.token is not None
            given = request.query_params.get("token")
            if given is None:
                signed_in, _ = self.identify(request)
                if signed_in is not None and signed_in.learner is not None:
                    return RedirectResponse("/", status_code=303)
                return self.render(request, "login_token.html", title="Sign in", state="none")
            key = f"ip:{_client(request)}"
            wait = self.limiter.retry_after([key])
            if wait:
                return self._too_many(request, wait)
            state = self.token.redeem(given)
            if state != "ok":
                if state == "wrong":
                    self.limiter.failed([key])
                return self.render(
                    request, "login_token.html", title="Sign in", state=state, status=403
                )
            local = self.sessions.new(LOCAL_LEARNER)
            # a redirect, so the token leaves the address bar and the history
            response = RedirectResponse("/", status_code=303)
            self._cookie(response, request, local.sid)
            return response
        if self.config.auth == "header":
            return RedirectResponse("/", status_code=303)
        signed_in, _ = self.identify(request)
        if signed_in is not None and signed_in.learner is not None:
            return RedirectResponse("/", status_code=303)
        return self._login_form(request)

    def _login_form(
        self, request: Request, *, error: str = "", name: str = "", status: int = 200
    ) -> Response:
        # a session before sign-in carries the form's CSRF token
        anon = self.sessions.get(request.cookies.get(SESSION_COOKIE))
        new = anon is None
        if anon is None:
            anon = self.sessions.new(None)
        response = self.render(
            request,
            "login.html",
            login=anon,
            title="Sign in",
            error=error,
            name=name,
            status=status,
        )
        if new:
            self._cookie(response, request, anon.sid)
        return response

    async def login_post(self, request: Request) -> Response:
        """Check a name and password (accounts mode), at most a few failures at a time."""
        if self.config.auth != "accounts" or self.accounts is None:
            return RedirectResponse("/login", status_code=303)
        anon = self.sessions.get(request.cookies.get(SESSION_COOKIE))
        try:
            form = parse_form(await request.body(), request.headers.get("content-type", ""))
        except FormError:
            return self._login_form(request, error="That form could not be read.", status=400)
        if anon is None or not check_csrf(self.config.secret, anon.sid, form.get("csrf")):
            return self._login_form(
                request, error="The sign-in page had expired. Please try again.", status=403
            )
        name = form.get("name").strip().lower()
        password = form.get("password")
        keys = [f"ip:{_client(request)}", f"name:{name}"]
        wait = self.limiter.retry_after(keys)
        if wait:
            return self._too_many(request, wait)
        accounts = self.accounts
        hashed = accounts.hash_of(name) if valid_name(name) else None
        ok = await run_in_threadpool(verify, hashed, password)
        if not ok or hashed is None:
            self.limiter.failed(keys)
            return self._login_form(
                request,
                error="That name and password do not match an account. Please try again.",
                name=name,
                status=401,
            )
        self.limiter.succeeded(f"name:{name}")
        # a new session id at sign-in (the one before it could have been planted)
        self.sessions.drop(anon.sid)
        login = self.sessions.new(name, fingerprint(hashed))
        response = RedirectResponse("/", status_code=303)
        self._cookie(response, request, login.sid)
        return response

    async def logout(self, request: Request) -> Response:
        """Sign out (the session in progress is kept for next time; answers are saved)."""
        login = self.sessions.get(request.cookies.get(SESSION_COOKIE))
        try:
            form = parse_form(await request.body(), request.headers.get("content-type", ""))
        except FormError:
            form = Form([])
        if login is None or not check_csrf(self.config.secret, login.sid, form.get("csrf")):
            return self._expired_form(request)
        self.sessions.drop(login.sid)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    def _too_many(self, request: Request, wait: int) -> Response:
        minutes = max(1, round(wait / 60))
        response = self.error_page(
            request,
            429,
            "Too many attempts",
            f"There were too many failed sign-ins. Please wait about {minutes} min and try again.",
        )
        response.headers["retry-after"] = str(wait)
        return response

    # -- errors ------------------------------------------------------------------------------

    async def _http_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            return self.error_page(
                request, 404, "Page not found", "There is no page at this address."
            )
        if exc.status_code == 405:
            return self.error_page(
                request, 405, "Not allowed", "This page cannot be used that way."
            )
        return self.error_page(
            request, exc.status_code, "Something went wrong", "The request could not be handled."
        )

    def _refusal_page(self, status: int) -> bytes:
        """The page of a request the security middleware refuses before any route."""
        heading, message = {
            403: ("This form has expired", "It came from another site, so nothing was changed."),
            413: ("Too much text", "What was sent is too long. Nothing was changed."),
        }.get(status, ("Something went wrong", "The request could not be read."))
        return bytes(self.error_page(None, status, heading, message).body)

    async def _too_large(self, request: Request, exc: Exception) -> Response:
        return self.error_page(
            request, 413, "Too much text", "What was sent is too long. Nothing was changed."
        )

    async def _server_error(self, request: Request, exc: Exception) -> Response:
        ref = secrets.token_hex(4)
        log.error("error %s on %s %s", ref, request.method, request.url.path, exc_info=exc)
        return self.error_page(
            request,
            500,
            "Something went wrong",
            "Sorry, something went wrong on the server. Answers you gave before this are "
            "saved. Please go back to the start page and try again.",
            ref=ref,
        )


def _finalize(value: object) -> object:
    """Every value a template prints: text with control characters and bidirectional
    overrides made visible (as the terminal front ends do), then escaped by autoescape."""
    if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
        return safe_text(value)
    return "" if value is None else value


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _answer_from(kind: QuestionType, form: Form, item: Any) -> tuple[Answer, bool] | str:
    """The answer a question form carries, or what to tell the learner when it carries none."""
    unsure = form.get("unsure") == "on"
    if kind in (QuestionType.SINGLE, QuestionType.MULTI):
        n = len(item.options)
        shown: set[int] = set()
        for raw in form.get_all("choice"):
            if not raw.isdigit() or not 1 <= int(raw) <= n:
                return "That choice is not one of the options. Please choose again."
            shown.add(int(raw) - 1)
        if not shown:
            return (
                "Choose an answer first."
                if kind is QuestionType.SINGLE
                else "Tick at least one option first."
            )
        if kind is QuestionType.SINGLE and len(shown) > 1:
            return "Only one answer is right here: choose one."
        return ChoiceAnswer(item.option_ids(shown)), unsure
    if kind is QuestionType.TRUE_FALSE:
        value = form.get("tf")
        if value not in ("true", "false"):
            return "Choose True or False first."
        return TrueFalseAnswer(value == "true"), unsure
    if kind is QuestionType.TYPED:
        text = form.get("text")
        if not text.strip():
            return "The answer is empty: type your answer first."
        return TextAnswer(text), unsure
    if kind is QuestionType.CLOZE:
        blanks = form.get_all("blank")
        if len(blanks) != item.blank_count:
            return "Fill in every blank."
        if any(not b.strip() for b in blanks):
            return "A blank is empty: type the missing word or words in every blank."
        return ClozeAnswer(tuple(blanks)), unsure
    grade = form.get("grade")
    if not grade.isdigit() or not 1 <= int(grade) <= 4:
        return "Open “Show the answer”, then say how well you knew it."
    return FlashcardGrade(SelfRating(int(grade))), False


def create_app(config: WebConfig, banks: Sequence[Bank]) -> Starlette:
    """The web front end over these banks (loaded and checked by the caller)."""
    return QuizWeb(config, banks).app()
