"""Errors of the nurse console; each a :class:`~shared_kernel.errors.DomainError` with a
kind, never an HTTP status (the web layer maps kinds in one place)."""

from __future__ import annotations

from shared_kernel.errors import DomainError, ErrorKind


class ConsoleError(DomainError):
    """Base class of the console's errors."""

    kind = ErrorKind.INVALID
    error_id = "console_error"


class NotOnRoster(ConsoleError):
    """The login is not linked to a nurse on the roster."""

    kind = ErrorKind.FORBIDDEN
    error_id = "not_on_roster"


class NoCallWork(ConsoleError):
    """The nurse has no call to work on now."""

    kind = ErrorKind.CONFLICT
    error_id = "no_call"


class CannotAnswerHere(ConsoleError):
    """The nurse's phone cannot be answered from the console (a desk phone)."""

    kind = ErrorKind.CONFLICT
    error_id = "answer_on_phone"


class DraftConflict(ConsoleError):
    """The draft was saved elsewhere (another tab, the terminal) since this text was
    based on it; ``details`` holds the stored draft so nothing typed is lost."""

    kind = ErrorKind.CONFLICT
    error_id = "draft_conflict"


class InvalidChoice(ConsoleError):
    """A code or value that is not one of the configured ones."""

    error_id = "invalid_choice"


class CannotSign(ConsoleError):
    """The journal entry cannot be signed yet; ``details.missing`` lists what is missing,
    in Swedish."""

    kind = ErrorKind.UNPROCESSABLE
    error_id = "cannot_sign"
