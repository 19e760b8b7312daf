"""Screenshots of the web front end (`quiz serve`), taken in the real browser (README).

Serves the shipped banks from a temporary data folder on a free loopback port, signs in with
the one-time link in headless Chromium (Debian's `chromium`, driven by Playwright), reads the
disclaimer, starts a session on the warning-signs bank and photographs a question, then the
feedback on a wrong answer (with the red-flag "What to do" box), in light and dark, at phone
width (390 px) unless `--width` says otherwise.

    python docs/screenshots/web-screenshots.py [--chromium /usr/bin/chromium] [--width 390]

Writes docs/screenshots/web-question-<light|dark>.png and web-feedback-<light|dark>.png.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "tests" / "web"))

from browser_helpers import chromium, serving  # noqa: E402

from quiz.bank.model import QuestionType  # noqa: E402
from quiz.bank.selection import load_banks, resolve_bank_files  # noqa: E402
from quiz.engine.overview import SessionOptions  # noqa: E402
from quiz.web.app import QuizWeb, WebConfig  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--width", type=int, default=390)
    args = parser.parse_args()
    banks = load_banks(resolve_bank_files(["red-flags"]))
    for scheme in ("light", "dark"):
        with tempfile.TemporaryDirectory() as tmp:
            web = QuizWeb(
                WebConfig(
                    data_dir=Path(tmp),
                    token="screenshot",
                    options=SessionOptions(limit=20),
                    now=lambda: datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc),
                ),
                banks,
            )
            with serving(web) as base, chromium(args.chromium) as browser:
                context = browser.new_context(
                    color_scheme=scheme,
                    viewport={"width": args.width, "height": 844},
                    device_scale_factor=2,
                )
                page = context.new_page()
                page.goto(f"{base}/login?token=screenshot")
                with page.expect_navigation():
                    page.click("text=I have read this: continue")
                with page.expect_navigation():
                    page.click("button:has-text('Start')")
                live = web.registry._learners["local"].live
                assert live is not None
                item = live.session.current
                # red-flag items come first: the first is a multiple-choice question
                assert item is not None and item.type is QuestionType.SINGLE
                page.screenshot(path=str(HERE / f"web-question-{scheme}.png"), full_page=True)
                q = item.question
                wrong = next(i for i, o in enumerate(q.options) if not o.correct)
                page.click(f"label[for='opt-{item.shown_number(wrong)}']")
                with page.expect_navigation():
                    page.click("#check")
                page.wait_for_load_state("load")
                page.evaluate("document.activeElement.blur()")
                page.screenshot(path=str(HERE / f"web-feedback-{scheme}.png"), full_page=True)
                context.close()
    names = [f"web-{k}-{s}.png" for k in ("question", "feedback") for s in ("light", "dark")]
    print("wrote", ", ".join(names))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
