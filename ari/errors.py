"""Exceptions of the ARI client.

Every ARI error response becomes a subclass of :class:`AriError` carrying the
HTTP ``status``, the ``message`` of the body (ARI uses ``{"message": ...}``
everywhere except allocation failures, ``{"error": "Allocation failed"}``),
and the ``method`` and ``path`` of the request. Transport problems (refused
connection, reset, timeout) raise :class:`AriConnectionError`, also an
``AriError`` (with ``status`` ``None``) so that one ``except AriError`` covers
every way an ARI call can fail.
"""

from __future__ import annotations

from typing import Any


class AriError(Exception):
    """An ARI request failed."""

    def __init__(self, status: int | None, message: str, method: str = "", path: str = "") -> None:
        self.status = status
        self.message = message
        self.method = method
        self.path = path
        super().__init__(self._text())

    def _text(self) -> str:
        where = f"{self.method} {self.path}".strip()
        status = "" if self.status is None else f" -> {self.status}"
        return f"{where}{status}: {self.message}" if where else f"{self.message}"

    def __reduce__(self) -> tuple[Any, ...]:  # pickling with the custom __init__
        return (self.__class__, (self.status, self.message, self.method, self.path))


class AriBadRequest(AriError):
    """400: a parameter is missing or invalid."""


class AriUnauthorized(AriError):
    """401: wrong or missing credentials."""


class AriNotFound(AriError):
    """404: the channel, bridge, playback, recording, ... does not exist."""


class AriConflict(AriError):
    """409: the object is in the wrong state, or the id is already used."""


class AriUnprocessable(AriError):
    """422: the request is well formed but cannot be carried out."""


class AriServerError(AriError):
    """5xx: Asterisk failed (e.g. ``500 {"error": "Allocation failed"}``)."""


class AriConnectionError(AriError):
    """The request did not get an HTTP answer: connection refused or dropped, or timed out."""

    def __init__(self, message: str, method: str = "", path: str = "",
                 status: int | None = None) -> None:
        super().__init__(status, message, method, path)

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.__class__, (self.message, self.method, self.path, self.status))


_BY_STATUS: dict[int, type[AriError]] = {
    400: AriBadRequest,
    401: AriUnauthorized,
    404: AriNotFound,
    409: AriConflict,
    422: AriUnprocessable,
}


def error_for_status(status: int, message: str, method: str, path: str) -> AriError:
    """The exception for an ARI error response."""
    if status >= 500:
        return AriServerError(status, message, method, path)
    cls = _BY_STATUS.get(status, AriError)
    return cls(status, message, method, path)
