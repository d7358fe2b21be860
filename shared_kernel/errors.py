"""The domain error every context raises.

A :class:`DomainError` says *what* went wrong (``error_id``, a message for the
reader, ``details`` naming fields and values) and *which kind* of failure it is
(:class:`ErrorKind`); it never names an HTTP status. The web layer turns a kind
into a status in one place (``contactcenter.web.errors``), so a context's
routes stay thin and a command line reports the same error the same way.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorKind(StrEnum):
    """What kind of failure an error is; the web layer maps each to one status."""

    INVALID = "invalid"  # the request is malformed or a value is not allowed
    UNAUTHENTICATED = "unauthenticated"  # who is asking is not known
    FORBIDDEN = "forbidden"  # known, but not allowed
    NOT_FOUND = "not_found"  # nothing of that id (or not visible to the asker)
    CONFLICT = "conflict"  # the current state does not allow it
    PRECONDITION = "precondition"  # an expected version or state did not hold
    UNPROCESSABLE = "unprocessable"  # well-formed but cannot be acted on
    TOO_MANY = "too_many"  # rate or attempt limit reached
    UNAVAILABLE = "unavailable"  # a part the change needs is down; nothing was changed


class DomainError(Exception):
    """An error a context reports to whoever asked: a stable id, a message and details."""

    kind: ErrorKind = ErrorKind.INVALID
    error_id: str = "invalid_request"

    def __init__(self, message: str = "", details: dict[str, Any] | None = None, *,
                 error_id: str | None = None, kind: ErrorKind | None = None) -> None:
        super().__init__(message)
        self.message = message or self.error_id.replace("_", " ")
        self.details: dict[str, Any] = dict(details or {})
        if error_id is not None:
            self.error_id = error_id
        if kind is not None:
            self.kind = kind

    def as_body(self) -> dict[str, Any]:
        """The error as the API's error body."""
        return {"error_id": self.error_id, "message": self.message, "details": self.details}
