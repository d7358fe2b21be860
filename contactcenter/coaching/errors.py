"""The errors of call coaching."""

from __future__ import annotations

from shared_kernel.errors import DomainError, ErrorKind


class CoachingError(DomainError):
    """A coaching request that is refused (the kind says why)."""


def not_found(what: str, **details: str) -> CoachingError:
    return CoachingError(f"no {what.replace('_', ' ')} with that id", details,
                         error_id=f"{what}_not_found", kind=ErrorKind.NOT_FOUND)


def invalid(error_id: str, message: str, **details: object) -> CoachingError:
    return CoachingError(message, dict(details), error_id=error_id, kind=ErrorKind.INVALID)


def conflict(error_id: str, message: str, **details: object) -> CoachingError:
    return CoachingError(message, dict(details), error_id=error_id, kind=ErrorKind.CONFLICT)


def forbidden(message: str, **details: object) -> CoachingError:
    return CoachingError(message, dict(details), error_id="forbidden",
                         kind=ErrorKind.FORBIDDEN)
