"""Benchmark: many learners answering at once through the web front end.

A server process (uvicorn, one worker) serves the web front end in accounts mode over the
shipped banks, and beside it, in the same app and process, a bare Starlette handler that
does only what an answer must: read the form, then, in the thread pool, commit one review
to a learner's own store (`ReviewStore.record_review`, the same SQLite transaction with its
fsync, its result precomputed). This process then drives N simulated learners over loopback
(async HTTP, each with its own account and cookies): sign in, read the disclaimer, start a
session of 20 questions and study it to the summary, page by page as a browser does (the
question, the answer, the feedback, next). Then N bare clients post the same number of
answers to the bare handler, again N at once.

Reported: errors (goal 0 at 50 learners), answers per second, and the p50 and p95 latency of
an answer request (the POST that grades, commits and redirects) as a ratio against the bare
handler's p50 and p95 in the same run (goal <= 2x). Nothing may be lost: after the run,
every answer the server acknowledged is counted in its learner's store.

    python bench/web.py [--learners N] [--limit N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

GOAL_RATIO = 2.0
PASSWORD = "bench password"


# -- the server process ------------------------------------------------------------------------


def serve(data: Path, accounts: Path, learners: int, limit: int, ready: Path) -> None:
    """Run the web front end and the bare handler until killed."""
    import socket

    import uvicorn
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Mount, Route

    from quiz.bank.selection import load_banks, resolve_bank_files
    from quiz.engine.grading import SelfRating
    from quiz.engine.overview import SessionOptions
    from quiz.engine.schedule import CardState
    from quiz.engine.store import CardRecord, ReviewStore, ReviewWrite
    from quiz.web.app import QuizWeb, WebConfig

    banks = load_banks(resolve_bank_files([]))
    web = QuizWeb(
        WebConfig(
            data_dir=data,
            auth="accounts",
            accounts_file=accounts,
            options=SessionOptions(limit=limit),
            login_failures=10_000,
        ),
        banks,
    )
    bare_stores = []
    bare_cards = []
    now = datetime.now(timezone.utc)
    for i in range(learners):
        store = ReviewStore.open(data / "bare" / f"b{i}")
        store.sync_banks(banks, now)
        bare_stores.append(store)
        bare_cards.append([c.card_id for b in banks for c in store.new_cards(b.id)])

    import fsrs

    fresh = {}
    for cards in bare_cards:
        for cid in cards:
            fresh[cid] = fsrs.Card(card_id=cid)

    def write_for(card: CardRecord) -> ReviewWrite:
        at = datetime.now(timezone.utc)
        return ReviewWrite(
            fsrs_card=card.fsrs_card or fresh[card.card_id],
            state=CardState.LEARNING,
            due=at + timedelta(minutes=10),
            interval_days=10 / 1440,
            lapse=False,
            reviewed_at=at,
            rating=SelfRating.GOOD,
            answer='{"kind": "choice", "raw": [0], "text": "1"}',
            correct=True,
            unsure=False,
            confident_wrong=False,
            response_ms=1000,
        )

    async def bare(request: Request) -> PlainTextResponse:
        body = (await request.body()).decode()
        fields = dict(p.split("=", 1) for p in body.split("&") if "=" in p)
        i, n = int(fields["learner"]), int(fields["n"])
        cards = bare_cards[i]
        card_id = cards[n % len(cards)]
        await run_in_threadpool(bare_stores[i].record_review, card_id, write_for)
        return PlainTextResponse("ok")

    app = Starlette(
        routes=[Route("/bare/answer", bare, methods=["POST"]), Mount("/", app=web.app())]
    )
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    ready.write_text(str(sock.getsockname()[1]))
    uvicorn.Server(uvicorn.Config(app, log_level="error", access_log=False)).run(sockets=[sock])


# -- the simulated learners ---------------------------------------------------------------------

CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')
ITEM = re.compile(r'name="item" value="([0-9a-f]+)"')
TYPE = re.compile(r'data-type="([a-z_]+)"')


class Tally:
    """What the learners saw."""

    def __init__(self) -> None:
        self.answer_ms: list[float] = []
        self.acknowledged: dict[str, int] = {}
        self.errors: list[str] = []


def _answer_fields(html: str) -> list[tuple[str, str]]:
    kind = TYPE.search(html)
    t = kind.group(1) if kind else ""
    if t in ("single", "multi"):
        return [("choice", "1")]
    if t == "true_false":
        return [("tf", "true")]
    if t == "typed":
        return [("text", "an answer")]
    if t == "cloze":
        return [("blank", "word")] * html.count('name="blank"')
    return [("grade", "3")]


async def learner(client: Any, name: str, tally: Tally) -> None:
    """One learner: sign in, disclaimer, a whole session, the summary."""
    r = await client.get("/login")
    r = await client.post(
        "/login",
        data={"csrf": CSRF.search(r.text).group(1), "name": name, "password": PASSWORD},
    )
    if not str(r.url).endswith("/disclaimer"):
        tally.errors.append(f"{name}: sign-in went to {r.url} ({r.status_code})")
        return
    r = await client.post("/disclaimer", data={"csrf": CSRF.search(r.text).group(1)})
    csrf = CSRF.search(r.text).group(1)
    r = await client.post("/study/start", data={"csrf": csrf, "bank": "all", "mode": "study"})
    acknowledged = 0
    while str(r.url).endswith("/study"):
        token = ITEM.search(r.text)
        if r.status_code != 200 or token is None:
            tally.errors.append(f"{name}: question page {r.status_code}")
            return
        data = [("csrf", csrf), ("item", token.group(1)), *_answer_fields(r.text)]
        t0 = time.perf_counter()
        a = await client.post(
            "/study/answer",
            content=urlencode(data).encode(),
            headers={"content-type": "application/x-www-form-urlencoded"},
            follow_redirects=False,
        )
        tally.answer_ms.append((time.perf_counter() - t0) * 1000)
        if a.status_code != 303 or a.headers.get("location") != "/study/feedback":
            tally.errors.append(f"{name}: answer gave {a.status_code}")
            return
        acknowledged += 1
        tally.acknowledged[name] = acknowledged
        r = await client.get("/study/feedback")
        if r.status_code != 200:
            tally.errors.append(f"{name}: feedback {r.status_code}")
            return
        r = await client.post("/study/next", data={"csrf": csrf})
    if not str(r.url).endswith("/study/summary") or r.status_code != 200:
        tally.errors.append(f"{name}: ended at {r.url} ({r.status_code})")


async def bare_client(
    client: Any, i: int, answers: int, times: list[float], errors: list[str]
) -> None:
    for n in range(answers):
        t0 = time.perf_counter()
        r = await client.post("/bare/answer", data={"learner": str(i), "n": str(n)})
        times.append((time.perf_counter() - t0) * 1000)
        if r.status_code != 200:
            errors.append(f"bare {i}: {r.status_code}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


async def drive(
    base: str, names: list[str], per_bare: int
) -> tuple[Tally, list[float], list[str], float, float]:
    import httpx

    limits = httpx.Limits(max_connections=1)
    tally = Tally()
    clients = [
        httpx.AsyncClient(base_url=base, follow_redirects=True, timeout=120, limits=limits)
        for _ in names
    ]
    t0 = time.perf_counter()
    await asyncio.gather(*(learner(c, n, tally) for c, n in zip(clients, names, strict=True)))
    web_s = time.perf_counter() - t0
    for c in clients:
        await c.aclose()
    bare_times: list[float] = []
    bare_errors: list[str] = []
    bare = [httpx.AsyncClient(base_url=base, timeout=120, limits=limits) for _ in names]
    t0 = time.perf_counter()
    await asyncio.gather(
        *(bare_client(c, i, per_bare, bare_times, bare_errors) for i, c in enumerate(bare))
    )
    bare_s = time.perf_counter() - t0
    for c in bare:
        await c.aclose()
    return tally, bare_times, bare_errors, web_s, bare_s


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--limit", type=int, default=20, help="questions per session")
    parser.add_argument(
        "--serve", nargs=4, metavar=("DATA", "ACCOUNTS", "N", "READY"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.serve:
        data, accounts, n, ready = args.serve
        serve(Path(data), Path(accounts), int(n), args.limit, Path(ready))
        return 0

    from quiz.engine.store import ReviewStore
    from quiz.web.accounts import hash_password, learner_dir, write_accounts

    names = [f"learner{i:03d}" for i in range(args.learners)]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data = root / "data"
        accounts = root / "accounts.txt"
        hashed = hash_password(PASSWORD)  # one hash for all: the bench is not about argon2
        write_accounts(accounts, {n: hashed for n in names})
        ready = root / "ready"
        server = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--limit",
                str(args.limit),
                "--serve",
                str(data),
                str(accounts),
                str(args.learners),
                str(ready),
            ],
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            deadline = time.monotonic() + 120
            while not ready.exists() or not ready.read_text():
                if time.monotonic() > deadline or server.poll() is not None:
                    print("bench: the server did not start", file=sys.stderr)
                    return 1
                time.sleep(0.1)
            time.sleep(0.5)
            base = f"http://127.0.0.1:{ready.read_text()}"
            per_bare = 30
            tally, bare_ms, bare_errors, web_s, bare_s = asyncio.run(drive(base, names, per_bare))
        finally:
            server.terminate()
            server.wait(timeout=30)
        lost = []
        for name in names:
            store = ReviewStore.open(learner_dir(data, name))
            try:
                stored = store.review_count()
            finally:
                store.close()
            if stored != tally.acknowledged.get(name, 0):
                lost.append(
                    f"{name}: {tally.acknowledged.get(name, 0)} acknowledged, {stored} stored"
                )
    answers = len(tally.answer_ms)
    errors = tally.errors + bare_errors
    p50, p95 = percentile(tally.answer_ms, 0.5), percentile(tally.answer_ms, 0.95)
    b50, b95 = percentile(bare_ms, 0.5), percentile(bare_ms, 0.95)
    r50, r95 = p50 / b50, p95 / b95
    print(f"{args.learners} learners at once, sessions of {args.limit}, over loopback")
    print(
        f"  answers: {answers} in {web_s:.1f} s ({answers / web_s:.0f} answers/s, "
        f"with every page of the session)"
    )
    print(f"  answer request: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    print(
        f"  bare handler (same commit): {len(bare_ms)} in {bare_s:.1f} s, "
        f"p50 {b50:.1f} ms, p95 {b95:.1f} ms"
    )
    print(f"  errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    print(f"  lost answers: {len(lost)}" + (f" (first: {lost[0]})" if lost else ""))
    print(f"ratio p50 {r50:.2f}x, p95 {r95:.2f}x")
    ok = not errors and not lost and r50 <= GOAL_RATIO and r95 <= GOAL_RATIO
    print(f"goal: 0 errors, nothing lost, <= {GOAL_RATIO}x: {'met' if ok else 'NOT met'}")
    print(
        json.dumps(
            {
                "learners": args.learners,
                "answers": answers,
                "answers_per_s": answers / web_s,
                "p50_ms": p50,
                "p95_ms": p95,
                "bare_p50_ms": b50,
                "bare_p95_ms": b95,
                "ratio_p50": r50,
                "ratio_p95": r95,
                "errors": len(errors),
                "lost": len(lost),
            }
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
