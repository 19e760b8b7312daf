"""The help screen (`?` or F1 anywhere): every key of every screen, in plain words.

Nothing here is written by hand: the rows are made from the key bindings the app, each
screen and the bank list declare (their `BINDINGS`), so help cannot list a key that does
nothing or miss one that the key bar shows. A row is one action with all its keys
("1-5", "↑ / ↓", "q / Ctrl+Q") and the binding's tooltip (or, without one, its
description). Two conventions join rows: bindings of one action with different
arguments (`number(1)` … `number(5)`) are one row, and an action named `…_typing` (the
variant the key bar shows while a text field has the keys, such as Ctrl+Q for q) joins
the row of the action it stands for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import HorizontalGroup, Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

from quiz.tui.scrolling import scroll_page
from quiz.tui.widgets.keybar import KeyBar

#: how a key is written in help, where its name alone would not do
KEY_NAMES = {
    "escape": "Esc",
    "enter": "Enter",
    "space": "Space",
    "backspace": "Backspace",
    "tab": "Tab",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "question_mark": "?",
}
#: the suffix of an action that stands in for another while a text field has the keys
TYPING_SUFFIX = "_typing"


@dataclass(frozen=True)
class HelpRow:
    """One thing to do, with every key that does it."""

    #: the bound keys, as Textual names them ("escape", "ctrl+q", "1")
    keys: tuple[str, ...]
    #: the actions they run, without arguments ("number", "quit")
    actions: tuple[str, ...]
    #: what the keys do
    text: str

    @property
    def shown(self) -> str:
        """The keys as help writes them: "1-5", "q / Ctrl+Q", "↑ / ↓"."""
        if len(self.keys) >= 3 and all(len(k) == 1 and k.isdigit() for k in self.keys):
            digits = [int(k) for k in self.keys]
            if digits == list(range(digits[0], digits[0] + len(digits))):
                return f"{digits[0]}-{digits[-1]}"
        return " / ".join(key_name(k) for k in self.keys)


@dataclass(frozen=True)
class HelpSection:
    """The keys of one screen (or of every screen)."""

    title: str
    rows: tuple[HelpRow, ...]
    #: the classes whose bindings the rows come from
    owners: tuple[type[DOMNode], ...] = ()


def key_name(key: str) -> str:
    """A key as help writes it: "Esc", "Ctrl+Q", "F1", "?", "t"."""
    *modifiers, base = key.split("+")
    name = KEY_NAMES.get(base, base.upper() if re.fullmatch(r"f\d+", base) else base)
    if modifiers and len(name) == 1:
        name = name.upper()
    return "+".join([*(m.capitalize() for m in modifiers), name])


def action_name(action: str) -> str:
    """An action without its namespace and arguments: "app.quit" → "quit",
    "number(3)" → "number"."""
    return action.split("(", 1)[0].rsplit(".", 1)[-1]


def declared_bindings(owner: type[DOMNode]) -> list[Binding]:
    """The bindings a class of the app declares, its own and its bases' in the quiz
    package (Textual's own base classes left out), one per key."""
    found: list[Binding] = []
    for cls in owner.__mro__:
        if cls.__module__.startswith("quiz.") and "BINDINGS" in vars(cls):
            declared: list[BindingType] = vars(cls)["BINDINGS"]
            found.extend(Binding.make_bindings(declared))
    return found


def help_rows(bindings: Iterable[Binding]) -> tuple[HelpRow, ...]:
    """One row per action, in the order the bindings declare them (see the module's
    docstring for what joins rows)."""
    keys: dict[str, list[str]] = {}
    texts: dict[str, str] = {}
    for binding in bindings:
        if binding.system or not (binding.tooltip or binding.description):
            continue
        name = action_name(binding.action)
        row = name.removesuffix(TYPING_SUFFIX)
        row_keys = keys.setdefault(row, [])
        if binding.key not in row_keys:
            row_keys.append(binding.key)
        if binding.tooltip and not texts.get(row):
            texts[row] = binding.tooltip
        texts.setdefault(row, binding.description)
    return tuple(
        HelpRow(
            keys=tuple(row_keys),
            actions=(row, row + TYPING_SUFFIX),
            text=texts[row] or row,
        )
        for row, row_keys in keys.items()
    )


def help_sections(app: App[object]) -> tuple[HelpSection, ...]:
    """Every section of help: the keys that work everywhere, then each screen's."""
    from quiz.tui.screens.disclaimer import DisclaimerScreen
    from quiz.tui.screens.feedback import FeedbackScreen
    from quiz.tui.screens.home import HomeScreen
    from quiz.tui.screens.question import QuestionScreen
    from quiz.tui.screens.stats import StatsScreen
    from quiz.tui.screens.summary import SummaryScreen
    from quiz.tui.widgets.banklist import BankList

    everywhere = declared_bindings(type(app))
    if app.ENABLE_COMMAND_PALETTE:
        everywhere.append(
            Binding(
                app.COMMAND_PALETTE_BINDING,
                "command_palette",
                "palette",
                tooltip="the command palette: every command by name",
            )
        )
    screens: Sequence[tuple[str, tuple[type[DOMNode], ...]]] = (
        ("Home", (BankList, HomeScreen)),
        ("A question", (QuestionScreen,)),
        ("After an answer", (FeedbackScreen,)),
        ("The session summary", (SummaryScreen,)),
        ("Your progress (statistics)", (StatsScreen,)),
        ("This help", (HelpScreen,)),
        ("The notice at the first start", (DisclaimerScreen,)),
    )
    sections = [HelpSection("Everywhere", help_rows(everywhere), (type(app),))]
    for title, owners in screens:
        bindings = [b for owner in owners for b in declared_bindings(owner)]
        sections.append(HelpSection(title, help_rows(bindings), owners))
    return tuple(sections)


class HelpScreen(ModalScreen[None]):
    """All keys, scrollable; Esc, ? or F1 closes it."""

    CSS_PATH = "help.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1", "close", "Close", tooltip="close this help"),
        Binding("q", "app.quit", "Quit", tooltip="quit; every answer you gave is saved"),
        Binding("pageup", "page(-1)", "Page up", show=False, tooltip="scroll the help"),
        Binding("pagedown", "page(1)", "Page down", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static("Keys", id="help-title")
            with VerticalScroll(id="help-scroll"):
                for section in help_sections(self.app):
                    yield Static(section.title, classes="help-section", markup=False)
                    for row in section.rows:
                        with HorizontalGroup(classes="help-row"):
                            yield Static(row.shown, classes="help-keys", markup=False)
                            yield Static(row.text, classes="help-what", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#help-scroll", VerticalScroll).focus()

    def action_close(self) -> None:
        """Back to where you were."""
        self.dismiss(None)

    def action_page(self, direction: int) -> None:
        """Scroll the help by a page."""
        scroll_page(self.query_one("#help-scroll", VerticalScroll), direction)
