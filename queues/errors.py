"""Errors of the queue context (kö och sjuksköterskestatus).

Every error here is a :class:`QueueError`, a :class:`~shared_kernel.errors.DomainError`
with a stable ``error_id`` and a kind (never an HTTP status), so an adapter can
catch the whole family in one place and still tell the cases apart.
"""

from __future__ import annotations

from shared_kernel.errors import DomainError, ErrorKind


class QueueError(DomainError):
    """Base class of every error raised by the queue engine (:mod:`queues.engine`): the
    engine refused a command in its current state."""

    kind = ErrorKind.CONFLICT
    error_id = "rejected"


class InvalidTransition(QueueError):
    """A nurse was asked for a state change that their current state does not allow.

    The message names the nurse, the state they are in and the attempted action,
    e.g. ``nurse ssk-01-1 is ringing (ringer); cannot log_out``; ``details`` the nurse
    and the state.
    """

    error_id = "invalid_transition"

    def __init__(self, nurse_id: str, state: str, action: str, hint: str = "") -> None:
        self.nurse_id = nurse_id
        self.state = state
        self.action = action
        message = f"nurse {nurse_id} is {state}; cannot {action}"
        if hint:
            message = f"{message} ({hint})"
        super().__init__(message, {"nurse_id": nurse_id, "state": state})


class DuplicateCall(QueueError, ValueError):
    """A call that is already waiting (or already offered) was added again."""

    error_id = "duplicate_call"

    def __init__(self, call_id: str, where: str) -> None:
        self.call_id = call_id
        super().__init__(f"call {call_id} is already {where}", {"call_id": call_id})


class UnknownCall(QueueError, LookupError):
    """No call with this id is waiting where it was looked for."""

    kind = ErrorKind.NOT_FOUND
    error_id = "call_not_found"

    def __init__(self, call_id: str, where: str = "in the queue") -> None:
        self.call_id = call_id
        super().__init__(f"call {call_id} is not {where}", {"call_id": call_id})


class UnknownNurse(QueueError, LookupError):
    """A nurse id that the dispatcher does not know."""

    kind = ErrorKind.NOT_FOUND
    error_id = "agent_not_found"

    def __init__(self, nurse_id: str) -> None:
        self.nurse_id = nurse_id
        super().__init__(f"nurse {nurse_id!r} is not known to the dispatcher",
                         {"nurse_id": nurse_id})


class DuplicateNurse(QueueError, ValueError):
    """A nurse id that is already registered with the dispatcher."""

    error_id = "nurse_exists"

    def __init__(self, nurse_id: str) -> None:
        self.nurse_id = nurse_id
        super().__init__(f"nurse {nurse_id!r} is already registered", {"nurse_id": nurse_id})


class NurseStateRefused(QueueError):
    """A person asked for a nurse state change the nurse's current state does not allow
    (``invalid_transition``, naming the nurse and her state as the API shows it)."""

    error_id = "invalid_transition"

    def __init__(self, message: str, nurse_id: str, state: str) -> None:
        super().__init__(message, {"nurse_id": nurse_id, "state": state})


class ControlRejected(QueueError):
    """A supervisor's control the engine refused in the current state (``rejected``)."""

    error_id = "rejected"

    def __init__(self, message: str, command: str) -> None:
        super().__init__(message, {"command": command})


class InvalidRequest(DomainError):
    """A value a queue route cannot take (400, naming the field)."""


class NotVisible(DomainError):
    """Nothing of that id, or nothing the asker may see (404, as if it did not exist)."""

    kind = ErrorKind.NOT_FOUND


class NotYours(DomainError):
    """Seen, but not the asker's to change: another region, or national scope needed (403)."""

    kind = ErrorKind.FORBIDDEN
    error_id = "forbidden"


class IdTaken(DomainError):
    """An id already in use by another region's object (409)."""

    kind = ErrorKind.CONFLICT
