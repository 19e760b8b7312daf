"""Running the web front end with uvicorn: `serve(...)` is what `quiz serve` calls."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TextIO

from quiz.bank.model import Bank
from quiz.web.app import QuizWeb, WebConfig


def serve(
    config: WebConfig,
    banks: Sequence[Bank],
    *,
    host: str,
    port: int,
    out: TextIO,
    proxy: bool = False,
) -> int:
    """Serve until interrupted; prints where (and, in token mode, the one-time link)."""
    import uvicorn

    web = QuizWeb(config, banks)
    app = web.app()
    shown_host = f"[{host}]" if ":" in host else host
    base = f"http://{shown_host}:{port}"
    if web.token is not None:
        print("The quiz is running. Open this link in your browser (it works once):", file=out)
        print(f"    {base}/login?token={web.token.token}", file=out)
    else:
        print(f"The quiz is running at {base}/", file=out)
    print("Press Ctrl+C to stop; every answer is already saved.", file=out)
    out.flush()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    uv_config = uvicorn.Config(
        app,
        host=host,
        port=port,
        proxy_headers=proxy,
        forwarded_allow_ips="127.0.0.1" if proxy else None,
        server_header=False,
        date_header=False,
        log_level="info",
        access_log=False,
        timeout_graceful_shutdown=5,
    )
    uvicorn.Server(uv_config).run()
    return 0
