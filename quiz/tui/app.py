"""The Textual quiz app: the app class, its factory and `run_app`, the entry point that
`quiz study` calls.

The app owns the flow between screens and the one `StudySession` of a sitting: home →
question → feedback → … → summary → home. Screens only render and post messages
(`HomeScreen.StudyRequested`, `QuestionScreen.Submitted`, `FeedbackScreen.UndoRequested`,
...); the app turns them into session calls. Every answer is committed by
`StudySession.submit` before its feedback is shown, so quitting at any moment (`q`, or
Ctrl+Q while typing) loses nothing that was answered. SIGTERM and SIGHUP end the app the
same way (the terminal is restored: main screen, mouse tracking off, cursor shown), with
exit status 128 + the signal's number.

The app offers two themes of its own, dark and light (`quiz.tui.themes`, both meeting WCAG
contrast), and watches the window's size: below `MIN_SIZE` a calm notice covers whatever
screen is showing (`quiz.tui.screens.toosmall`) until the window is big enough again.

Dependencies come in through `create_app` (store, banks, clock, options), so tests run the
same app on a temporary store with a fixed clock. Only the home and disclaimer screens are
imported at start-up; the others load when first shown, and the study session
(`quiz.engine.session`) with the first session.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.notifications import SeverityLevel
from textual.screen import Screen

from quiz.bank.catalog import BankCatalog
from quiz.bank.discover import DISCLAIMER_META_KEY, disclaimer_digest, disclaimer_text
from quiz.engine.faults import StoreFault
from quiz.engine.overview import SessionOptions
from quiz.engine.store import ReviewStore, UndoConflictError
from quiz.safe_text import safe_line, safe_text
from quiz.tui.context import AppContext
from quiz.tui.screens.home import APP_TITLE, HomeScreen
from quiz.tui.themes import DARK_THEME, LIGHT_THEME, THEMES, theme_name

if TYPE_CHECKING:
    from quiz.bank.model import Bank
    from quiz.engine.grading import Answer
    from quiz.engine.session import StudyItem, StudySession
    from quiz.tui.screens.feedback import FeedbackScreen
    from quiz.tui.screens.question import QuestionScreen
    from quiz.tui.screens.summary import SummaryScreen
    from quiz.tui.screens.toosmall import TooSmallScreen

#: the smallest window the app's screens are laid out for (columns, rows); below it the
#: app shows a notice saying so instead of a broken layout
MIN_SIZE = Size(60, 16)
#: meta key under which the learner's theme choice is remembered
THEME_META_KEY = "tui_theme"
#: benchmark hook: when set to a file path, the app writes the time (seconds since the
#: epoch) at which its first screen was painted, and its CPU time so far, into that file,
#: then exits
FIRST_SCREEN_ENV = "QUIZ_TUI_FIRST_SCREEN_FILE"
#: signals that end the app as quitting does (terminal restored, exit status 128 + signal)
EXIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP) if hasattr(signal, "SIGHUP") else ()


class QuizApp(App[int]):
    """The quiz in the terminal. Build it with `create_app`."""

    CSS_PATH = "quiz.tcss"
    TITLE = APP_TITLE

    # The tooltips are what the help screen says about each key.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", tooltip="quit; every answer you gave is already saved"),
        # While a text field has the keys, q and ? are typed: Ctrl+Q and F1 are shown instead.
        Binding("ctrl+q", "quit_typing", "Quit", priority=True),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
        Binding("question_mark", "help", "Help", key_display="?", tooltip="this help"),
        Binding("f1", "help_typing", "Help"),
        Binding("f1", "help", "Help", show=False),
        Binding(
            "ctrl+t",
            "toggle_theme",
            "Theme",
            show=False,
            tooltip="switch between the dark and the light theme",
        ),
    ]

    def __init__(self, context: AppContext, *, first_screen_marker: Path | None = None) -> None:
        super().__init__()
        # The app offers its own two themes and no other (Textual's built-in ones fall
        # below WCAG contrast in places): the stored choice is applied before the first
        # paint, so the screen is styled once.
        for theme in THEMES:
            self.register_theme(theme)
        for name in list(self.available_themes):
            if name not in (DARK_THEME, LIGHT_THEME):
                self.unregister_theme(name)
        self.theme = theme_name(context.store.get_meta(THEME_META_KEY))
        self.context = context
        self.session: StudySession | None = None
        #: answers written to the store during this run (undone ones taken off)
        self.answers_saved = 0
        self.first_screen_marker = first_screen_marker
        #: the too-small notice while it is up
        self.size_notice: TooSmallScreen | None = None
        self._watching_size = False

    # -- start-up ------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        # The home screen is the bottom of the stack (no blank screen under it to build and
        # style at start-up); every other screen is pushed on it and popped back to it.
        return HomeScreen(self.context)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A toast, with its text made safe for the terminal: messages name files and quote
        the store (Textual's own `Content` strips only BEL and BS)."""
        super().notify(
            safe_text(message),
            title=safe_line(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def on_mount(self) -> None:
        self._handle_exit_signals()
        store = self.context.store
        for notice in store.notices:
            self.notify(
                notice, title="Your progress file", severity="warning", timeout=30, markup=False
            )
        self._show_disclaimer_if_needed()
        self._watching_size = True
        self._check_size(self.size)
        if self.first_screen_marker is not None:
            self.call_after_refresh(self._first_screen_painted)

    def _handle_exit_signals(self) -> None:
        """SIGTERM and SIGHUP end the app as `q` does: the driver leaves the alternate
        screen, turns mouse tracking off and shows the cursor again; the exit status is
        128 + the signal's number. (Every answer is already in the store.)"""
        loop = asyncio.get_running_loop()
        for signum in EXIT_SIGNALS:
            try:
                loop.add_signal_handler(signum, self._exit_on_signal, signum)
            except (NotImplementedError, RuntimeError, ValueError):
                return  # not the main thread, or a platform without them (Windows)

    def _exit_on_signal(self, signum: int) -> None:
        self.exit(return_code=128 + signum)

    def _first_screen_painted(self) -> None:
        assert self.first_screen_marker is not None
        # wall clock (seconds since the epoch) and this process's CPU time so far
        stamp = f"{time.time():.6f} {time.process_time():.6f}\n"
        self.first_screen_marker.write_text(stamp, encoding="utf-8")
        self.exit(0)

    def _show_disclaimer_if_needed(self) -> None:
        try:
            text = disclaimer_text(self.context.decks_dir)
        except OSError:
            return  # nothing shipped to show
        digest = disclaimer_digest(text)
        store = self.context.store
        if store.get_meta(DISCLAIMER_META_KEY) == digest:
            return

        from quiz.tui.screens.disclaimer import DisclaimerScreen

        def acknowledged(ok: bool | None) -> None:
            if ok:
                try:
                    store.set_meta(DISCLAIMER_META_KEY, digest)
                except StoreFault:
                    pass  # not remembered: the text is shown again next time

        self.push_screen(DisclaimerScreen(text), acknowledged)

    # -- keys available everywhere -------------------------------------------------------

    @property
    def typing(self) -> bool:
        """A text field has the keys (so q, ? and s are typed, not commands)."""
        # Textual's Input is imported by the question screen; before that, nothing can be one.
        input_module = sys.modules.get("textual.widgets._input")
        return input_module is not None and isinstance(self.focused, input_module.Input)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.size_notice is not None and action in ("help", "help_typing", "command_palette"):
            return False  # nothing opens over the too-small notice
        if action in ("quit_typing", "help_typing"):
            return self.typing
        return True

    # -- the window's size ---------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        if self._watching_size:  # the first size is checked in on_mount, over the disclaimer
            self._check_size(event.size)

    def _check_size(self, size: Size) -> None:
        """Cover the app with the too-small notice while the window is smaller than
        `MIN_SIZE`, and take it away (the screen underneath as it was) once it is not."""
        too_small = size.width < MIN_SIZE.width or size.height < MIN_SIZE.height
        notice = self.size_notice
        if notice is not None and notice not in self.screen_stack:
            notice = self.size_notice = None  # replaced by a screen change meanwhile
        if too_small and notice is None:
            from quiz.tui.screens.toosmall import TooSmallScreen

            self.size_notice = TooSmallScreen(MIN_SIZE, size)
            self.push_screen(self.size_notice)
        elif too_small and notice is not None:
            notice.show_size(size)
        elif notice is not None:
            self.size_notice = None
            if self.screen is notice:
                self.pop_screen()

    def action_quit_typing(self) -> None:
        """Quit (Ctrl+Q, shown while typing)."""
        self.exit(0)

    def action_help(self) -> None:
        """Show the keys."""
        from quiz.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_help_typing(self) -> None:
        """Show the keys (F1, shown while typing)."""
        self.action_help()

    def action_toggle_theme(self) -> None:
        """Switch between the dark and the light theme; remembered for next time."""
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME
        try:
            self.context.store.set_meta(THEME_META_KEY, self.theme)
        except StoreFault:
            pass  # not remembered for next time

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        # Textual's theme picker would offer themes the app does not have, and its key
        # panel repeats the help screen (which has every key of every screen).
        left_out = (
            self.action_change_theme,
            self.action_show_help_panel,
            self.action_hide_help_panel,
        )
        for command in super().get_system_commands(screen):
            if command.callback not in left_out:
                yield command
        yield SystemCommand(
            "Light or dark theme",
            "Switch between the light and the dark theme (Ctrl+T)",
            self.action_toggle_theme,
        )
        yield SystemCommand("Help: keys", "Every key of every screen (?)", self.action_help)

    # -- the study flow ------------------------------------------------------------------

    def _question_screen(self, item: StudyItem) -> Screen[None]:
        from quiz.tui.screens.question import QuestionScreen

        assert self.session is not None
        return QuestionScreen(
            item, can_undo=self.session.can_undo, cursor_blink=self.context.cursor_blink
        )

    def start_session(self, bank_ids: Sequence[str], practice: bool) -> None:
        """Start studying these banks; tell the learner calmly when nothing is due."""
        from quiz.bank.findings import BankLoadError
        from quiz.engine.session import StudySession

        ctx = self.context
        try:
            banks = ctx.catalog.select(bank_ids)
        except (BankLoadError, ValueError) as e:
            # Only if a bank file changed while the app was open, or the loader changed
            # without a new LOADER_REVISION: say so, and stay on the home screen.
            lines = [f.format() for f in e.findings] if isinstance(e, BankLoadError) else [str(e)]
            self.notify(
                "\n".join(["A bank could not be read, so the session did not start:", *lines]),
                title="Bank problem",
                severity="error",
                timeout=30,
                markup=False,
            )
            return
        options = dataclasses.replace(ctx.options, practice=practice)
        try:
            session = StudySession(banks, ctx.store, ctx.now, options)
        except StoreFault as e:
            self.notify(e.start_message, severity="error", timeout=30, markup=False)
            return
        item = session.next_item()
        if item is None:
            self.notify(self._nothing_to_study(banks, session), timeout=10, markup=False)
            return
        self.session = session
        self.push_screen(self._question_screen(item))

    def _nothing_to_study(self, banks: Sequence[Bank], session: StudySession) -> str:
        from quiz import wording

        next_due = None if session.options.practice else session.summary().next_due
        return wording.nothing_to_study(
            len(banks), session.options.practice, next_due, self.context.now()
        )

    def on_home_screen_study_requested(self, message: HomeScreen.StudyRequested) -> None:
        self.start_session(message.bank_ids, message.practice)

    def _submit(self, item: StudyItem, answer: Answer, unsure: bool) -> None:
        from quiz.engine.grading import AnswerError
        from quiz.tui.screens.feedback import FeedbackScreen

        session = self.session
        if session is None or session.current is not item:
            return  # a stale key press after the screen moved on
        try:
            result = session.submit(answer, unsure=unsure)
        except AnswerError as e:
            from quiz.tui.screens.question import QuestionScreen

            if isinstance(self.screen, QuestionScreen):
                self.screen.answer_rejected(f"{e}. Please try again.")
            return
        except StoreFault as e:
            self._store_fault(e, item, answer, unsure)
            return
        if not session.options.practice:
            self.answers_saved += 1
        self.switch_screen(FeedbackScreen(result, answered=session.answered))

    def _store_fault(
        self, fault: StoreFault, item: StudyItem, answer: Answer, unsure: bool
    ) -> None:
        """The answer was not saved: say why in the learner's words; try again, or end the
        session (every earlier answer is saved)."""
        from quiz.tui.screens.store_fault import StoreFaultScreen

        def chosen(retry: bool | None) -> None:
            if retry:
                self._submit(item, answer, unsure)
                return
            if not fault.can_retry:
                self.exit(1)  # the file is damaged: the next start repairs it
                return
            self._end_session()

        self.push_screen(StoreFaultScreen(fault), chosen)

    def _advance(self) -> None:
        session = self.session
        if session is None or session.current is not None:
            return
        item = session.next_item()
        if item is None:
            self._show_summary()
        else:
            self.switch_screen(self._question_screen(item))

    def _undo(self) -> None:
        session = self.session
        if session is None:
            return
        from quiz import wording

        if not session.can_undo:
            self.notify(wording.NOTHING_TO_UNDO, markup=False)
            return
        try:
            item = session.undo()
        except UndoConflictError as e:
            self.notify(f"That answer cannot be taken back: {e}", severity="warning", markup=False)
            return
        except StoreFault as e:
            self.notify(e.undo_message, severity="error", timeout=30, markup=False)
            return
        if item is None:
            return
        if not session.options.practice:
            self.answers_saved -= 1
        self.switch_screen(self._question_screen(item))
        self.notify(wording.UNDONE, timeout=3, markup=False)

    def _end_session(self) -> None:
        session = self.session
        if session is None:
            return
        if session.answered == 0:
            self.session = None
            self.pop_screen()
            return
        self._show_summary()

    def _show_summary(self) -> None:
        from quiz.tui.screens.summary import SummaryScreen

        session = self.session
        assert session is not None
        self.switch_screen(
            SummaryScreen(session.summary(), now=self.context.now(), can_undo=session.can_undo)
        )

    # Messages from the screens.

    def on_question_screen_submitted(self, message: QuestionScreen.Submitted) -> None:
        self._submit(message.item, message.answer, message.unsure)

    def on_question_screen_undo_requested(self, message: QuestionScreen.UndoRequested) -> None:
        self._undo()

    def on_question_screen_end_requested(self, message: QuestionScreen.EndRequested) -> None:
        self._end_session()

    def on_feedback_screen_continue_requested(
        self, message: FeedbackScreen.ContinueRequested
    ) -> None:
        self._advance()

    def on_feedback_screen_undo_requested(self, message: FeedbackScreen.UndoRequested) -> None:
        self._undo()

    def on_feedback_screen_end_requested(self, message: FeedbackScreen.EndRequested) -> None:
        self._end_session()

    def on_summary_screen_undo_requested(self, message: SummaryScreen.UndoRequested) -> None:
        self._undo()

    def on_summary_screen_closed(self, message: SummaryScreen.Closed) -> None:
        self.session = None
        self.pop_screen()


def create_app(
    *,
    store: ReviewStore,
    banks: Sequence[Bank] | BankCatalog,
    now: Callable[[], datetime],
    options: SessionOptions | None = None,
    decks_dir: Path | None = None,
    cursor_blink: bool = True,
    first_screen_marker: Path | None = None,
) -> QuizApp:
    """The app over these banks and this store, with this clock: used by `run_app` and by
    the tests (which pass a temporary store, a fixed clock and `cursor_blink=False`)."""
    context = AppContext(
        store=store,
        catalog=banks if isinstance(banks, BankCatalog) else BankCatalog.of(banks),
        now=now,
        options=options or SessionOptions(),
        decks_dir=decks_dir,
        cursor_blink=cursor_blink,
    )
    return QuizApp(context, first_screen_marker=first_screen_marker)


def run_app(
    *,
    store: ReviewStore,
    banks: Sequence[Bank] | BankCatalog,
    now: Callable[[], datetime],
    options: SessionOptions,
    decks_dir: Path | None,
) -> int:
    """Run the app in this terminal until the learner quits; returns the exit status.

    `$QUIZ_TUI_FIRST_SCREEN_FILE` (benchmarks only) makes it exit as soon as its first
    screen is painted, after writing the time into that file.
    """
    marker = os.environ.get(FIRST_SCREEN_ENV)
    app = create_app(
        store=store,
        banks=banks,
        now=now,
        options=options,
        decks_dir=decks_dir,
        first_screen_marker=Path(marker) if marker else None,
    )
    app.run()
    if app.answers_saved > 0:
        try:
            print(f"Your answers are saved ({app.answers_saved} this time). See you next time.")
        except OSError:
            pass  # the terminal hung up (SIGHUP): nobody is there to read it
    return app.return_code or 0
