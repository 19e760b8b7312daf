"""What can go wrong with the progress store, and the words the learner reads for each.

This module owns the learner-facing wording of every store fault, in one place, so that the
plain line mode, the terminal app and the commands say the same thing. Each fault is an
exception class carrying `learner_message` (what to show, already a full sentence) and
`can_retry` (whether trying the same thing again may work: a full disk can be cleared, a
lock can be released; a damaged file needs a restart). Front ends catch `StoreFault` around
`StudySession.submit` (and at start-up), show `learner_message`, and offer "try again" when
`can_retry`, else only "quit". Nothing here imports SQLite or a UI.

The words (`learner_message` = cause + ": " + outcome):

- disk full while answering: "Your disk is full: this answer was not saved."
- the write lock held by another program for longer than the store waits: "Another program
  is using your progress file: this answer was not saved yet."
- any other failed write: "Your progress could not be written to the disk (it may be full
  or read-only): this answer was not saved."
- damage found while in use: "Your progress file is damaged: this answer was not saved.",
  then `QUIT_HINT` (the next start repairs it)
- text that is not UTF-8 (plain mode reading a terminal or a pipe): "That was not readable
  text (it is not UTF-8): please type it again."
- a damaged store repaired at start-up: `recovered_notice`, which says how many answers
  were kept and where the damaged file was put.
"""

from __future__ import annotations

from pathlib import Path

#: What a front end adds when the learner may try again (keys are the front end's own).
RETRY_HINT = "Try again, or quit: every answer before this one is saved."
#: What a front end adds when only quitting makes sense.
QUIT_HINT = (
    "Quit, then start quiz again: the file will be repaired, and every answer it still "
    "holds will be kept."
)


class StoreError(Exception):
    """The store cannot be used; the message is meant for the learner."""


class StoreVersionError(StoreError):
    """The database was written by a newer version of this program; it is left untouched."""


class UndoConflictError(StoreError):
    """The item was answered again (elsewhere) after the review being undone."""


class StoreFault(StoreError):
    """A write (or read) failed for a reason the learner can be told about in words.

    `learner_message` is the sentence to show when an answer was being saved; `start_message`
    and `undo_message` when starting a session or taking an answer back; `hint` says what
    the learner can do; `can_retry` says whether the same action may succeed if tried
    again. Whatever was being saved is not saved (the transaction was rolled back), and
    nothing saved before is lost.
    """

    #: what went wrong, as the start of a sentence
    cause: str = "Your progress could not be saved"
    #: what it means for the answer being saved
    outcome: str = "this answer was not saved"
    #: whether trying the same action again may work
    can_retry: bool = True

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        super().__init__(self.learner_message + (f" ({detail})" if detail else ""))

    @property
    def learner_message(self) -> str:
        """The words when an answer was being saved."""
        return f"{self.cause}: {self.outcome}."

    @property
    def start_message(self) -> str:
        """The words when a session (or a command) could not start."""
        return f"{self.cause}: nothing was changed, and quiz cannot go on."

    @property
    def undo_message(self) -> str:
        """The words when an answer could not be taken back."""
        return f"{self.cause}: the answer was not taken back."

    @property
    def hint(self) -> str:
        """What the learner can do next (to show after the message)."""
        return RETRY_HINT if self.can_retry else QUIT_HINT


class DiskFullError(StoreFault):
    """SQLite reported SQLITE_FULL: the disk (or a size limit) has no room."""

    cause = "Your disk is full"


class StoreBusyError(StoreFault):
    """Another process held the write lock for longer than the store waits."""

    cause = "Another program is using your progress file"
    outcome = "this answer was not saved yet"


class WriteFailedError(StoreFault):
    """The disk refused a write for another reason (an I/O error, a size limit, a read-only
    file)."""

    cause = "Your progress could not be written to the disk (it may be full or read-only)"


class StoreDamagedError(StoreFault):
    """SQLite found the file damaged while in use. The next start repairs it."""

    cause = "Your progress file is damaged"
    can_retry = False


class NotTextError(StoreFault):
    """An answer held characters that are not text (bytes that were not UTF-8)."""

    cause = "That was not readable text (it is not UTF-8)"
    outcome = "please type it again"


#: The same words, for a front end that reads the bytes itself (plain mode's stdin).
NOT_UTF8_MESSAGE = f"{NotTextError.cause}: {NotTextError.outcome}."


def recovered_notice(
    path: Path, kept_as: Path, reason: str, answers: int, items: int, dropped: int
) -> str:
    """The notice shown after a damaged store was repaired: what happened, where the
    damaged file is, and how many answers (and answered items' schedules) were kept."""
    if answers:
        n = "1 answer was" if answers == 1 else f"{answers:,} answers were"
        kept = f"{n} recovered from it into a fresh progress file"
    elif items:
        n = "1 item" if items == 1 else f"{items:,} items"
        kept = (
            f"the schedules of {n} you had answered were recovered from it into a fresh "
            "progress file (no answers could be read)"
        )
    else:
        kept = "nothing could be recovered from it, so a fresh progress file was started"
    unreadable = f" ({dropped:,} damaged entries could not be used)" if dropped else ""
    return (
        f"Your progress file {path} could not be read ({reason}). "
        f"It was kept as {kept_as}; {kept}{unreadable}."
    )


def has_surrogates(text: str) -> bool:
    """Whether `text` holds lone surrogates: bytes that were not UTF-8, decoded with
    `surrogateescape`. Such text cannot be saved or shown as it is."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
