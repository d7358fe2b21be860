"""Reporting a part that fails, shared by every part that stores something.

A part that writes or follows stored state (the call log's writer, the queue
log, the replica following other instances) tells a :class:`HealthReporter`
when it fails and when it works again; the service's health keeps them for the
operator. A change that cannot be stored is refused with
:class:`StorageUnavailable`, so no one is told a change was made that a
restart would forget.
"""

from __future__ import annotations

from typing import Protocol

from shared_kernel.errors import DomainError, ErrorKind

CAUSE_LENGTH = 160


class HealthReporter(Protocol):
    """Where a part reports its failures and recoveries (the service's ``Health``)."""

    def failed(self, part: str, cause: BaseException | str) -> None: ...

    def recovered(self, part: str) -> None: ...


class Unreported:
    """A reporter that keeps nothing, for a part used on its own (tools, tests)."""

    def failed(self, part: str, cause: BaseException | str) -> None:
        """Ignore the failure."""

    def recovered(self, part: str) -> None:
        """Ignore the recovery."""


class StorageUnavailable(DomainError):
    """A change could not be stored, so it was not made (the client may try again)."""

    kind = ErrorKind.UNAVAILABLE
    error_id = "storage_unavailable"

    def __init__(self, what: str, cause: BaseException | str) -> None:
        self.what = what
        self.cause = describe(cause)
        super().__init__(f"{what} could not be stored, so it was not made",
                         {"cause": self.cause})

    def __str__(self) -> str:
        return f"{self.what} could not be stored: {self.cause}"


def describe(cause: BaseException | str) -> str:
    """A short cause fit for a public health page and the log: the driver's own message
    (a database library's text would add the statement and its parameters, i.e. patient
    data). An error wrapping the driver's (``orig``) is described by the driver's."""
    if isinstance(cause, str):
        text = cause
    else:
        orig = getattr(cause, "orig", None)
        error = orig if isinstance(orig, BaseException) else cause
        first = (str(error).strip().splitlines() or [""])[0]
        text = f"{type(error).__name__}: {first}" if first else type(error).__name__
    return text if len(text) <= CAUSE_LENGTH else text[:CAUSE_LENGTH - 1] + "…"
