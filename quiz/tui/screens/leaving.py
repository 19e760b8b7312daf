"""The base of the session's screens (question, feedback, summary): each is left by posting
one message to the app, and a key repeat must not post it twice (two submits of one answer,
an undo of two answers)."""

from __future__ import annotations

from textual.message import Message
from textual.screen import Screen


class LeavingScreen(Screen[None]):
    """A screen that posts at most one message that leaves it (until `stay` is called)."""

    def __init__(self) -> None:
        super().__init__()
        #: a message that leaves this screen was posted; further keys are ignored
        self._left = False

    def _leave(self, message: Message) -> None:
        """Post the message that leaves this screen, once (a key repeat is ignored)."""
        if not self._left:
            self._left = True
            self.post_message(message)

    def stay(self) -> None:
        """The app did not act on the message: the screen may be left again."""
        self._left = False
