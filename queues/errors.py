"""Errors of the queue context (kö och sjuksköterskestatus).

Every error here is a :class:`QueueError`, so an adapter can catch the whole
family in one place and still tell the cases apart.
"""

from __future__ import annotations

from shared_kernel.errors import DomainError, ErrorKind


class QueueError(Exception):
    """Base class of every error raised by the queue engine (:mod:`queues.engine`)."""


class InvalidTransition(QueueError):
    """A nurse was asked for a state change that their current state does not allow.

    The message names the nurse, the state they are in and the attempted action,
    e.g. ``nurse ssk-01-1 is ringing (ringer); cannot log_out``.
    """

    def __init__(self, nurse_id: str, state: str, action: str, hint: str = "") -> None:
        self.nurse_id = nurse_id
        self.state = state
        self.action = action
        message = f"nurse {nurse_id} is {state}; cannot {action}"
        if hint:
            message = f"{message} ({hint})"
        super().__init__(message)


class DuplicateCall(QueueError, ValueError):
    """A call that is already waiting (or already offered) was added again."""

    def __init__(self, call_id: str, where: str) -> None:
        self.call_id = call_id
        super().__init__(f"call {call_id} is already {where}")


class UnknownCall(QueueError, LookupError):
    """No call with this id is waiting where it was looked for."""

    def __init__(self, call_id: str, where: str = "in the queue") -> None:
        self.call_id = call_id
        super().__init__(f"call {call_id} is not {where}")


class UnknownNurse(QueueError, LookupError):
    """A nurse id that the dispatcher does not know."""

    def __init__(self, nurse_id: str) -> None:
        self.nurse_id = nurse_id
        super().__init__(f"nurse {nurse_id!r} is not known to the dispatcher")


class DuplicateNurse(QueueError, ValueError):
    """A nurse id that is already registered with the dispatcher."""

    def __init__(self, nurse_id: str) -> None:
        self.nurse_id = nurse_id
        super().__init__(f"nurse {nurse_id!r} is already registered")



class NurseStateRefused(QueueError, DomainError):
    """A person asked for a nurse state change the nurse's current state does not allow
    (``invalid_transition``, naming the nurse and her state)."""

    kind = ErrorKind.CONFLICT
    error_id = "invalid_transition"

    def __init__(self, message: str, nurse_id: str, state: str) -> None:
        super().__init__(message, {"nurse_id": nurse_id, "state": state})


class ControlRejected(QueueError, DomainError):
    """A supervisor's control the engine refused in the current state (``rejected``)."""

    kind = ErrorKind.CONFLICT
    error_id = "rejected"

    def __init__(self, message: str, command: str) -> None:
        super().__init__(message, {"command": command})
