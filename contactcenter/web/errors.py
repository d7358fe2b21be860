"""One place that turns errors into ``{"error_id", "message", "details"}`` responses."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web
from sqlalchemy.exc import DBAPIError, IntegrityError

from shared_kernel.errors import DomainError, ErrorKind
from shared_kernel.health import StorageUnavailable, describe

if TYPE_CHECKING:
    from contactcenter.services import Services

log = logging.getLogger(__name__)

SERVICES: web.AppKey[Services] = web.AppKey("services")
"""Where the application keeps the running services (for pages outside the API routes)."""


KIND_STATUS = {
    ErrorKind.INVALID: 400, ErrorKind.UNAUTHENTICATED: 401, ErrorKind.FORBIDDEN: 403,
    ErrorKind.NOT_FOUND: 404, ErrorKind.CONFLICT: 409, ErrorKind.PRECONDITION: 412,
    ErrorKind.UNPROCESSABLE: 422, ErrorKind.TOO_MANY: 429, ErrorKind.UNAVAILABLE: 503,
}
"""The one table from a domain error's kind to the HTTP status that answers it."""


class ApiError(Exception):
    """An error the API reports to its client with a status and a stable id."""

    status = 400

    def __init__(self, error_id: str, message: str, details: dict[str, Any] | None = None,
                 *, status: int | None = None) -> None:
        super().__init__(message)
        self.error_id = error_id
        self.message = message
        self.details = details or {}
        if status is not None:
            self.status = status


class NotFound(ApiError):
    status = 404


def error_response(status: int, error_id: str, message: str,
                   details: dict[str, Any] | None = None) -> web.Response:
    return web.json_response(
        {"error_id": error_id, "message": message, "details": details or {}}, status=status
    )


_KEPT_HEADERS = ("Allow", "Retry-After")
"""Headers of an aiohttp HTTP error that the error body must keep (405 says what is allowed)."""


@web.middleware
async def error_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Answer API errors with the error body; an unexpected exception stays a logged 500."""
    if "\x00" in request.path or any("\x00" in f"{k}{v}" for k, v in request.query.items()):
        # A NUL (%00) cannot be stored in or compared with PostgreSQL's text.
        return error_response(400, "invalid_request", "the path or query holds a NUL character",
                              {"field": "path or query"})
    try:
        return await handler(request)
    except ApiError as exc:
        return error_response(exc.status, exc.error_id, exc.message, exc.details)
    except StorageUnavailable as exc:  # not made: the client may try again later
        if not request.path.startswith("/api/"):
            raise
        return error_response(503, "storage_unavailable",
                              f"{exc.what} could not be stored, so it was not made",
                              {"cause": exc.cause})
    except DomainError as exc:
        return error_response(KIND_STATUS[exc.kind], exc.error_id, exc.message, exc.details)
    except web.HTTPException as exc:
        if not request.path.startswith("/api/") or exc.status < 400:
            raise
        if exc.content_type == "application/json" and exc.text:
            return _with_headers(web.json_response(text=exc.text, status=exc.status), exc)
        return _with_headers(error_response(exc.status, _id_for(exc.status),
                                            exc.reason or "error"), exc)
    except Exception as exc:
        if isinstance(exc, DBAPIError) and not isinstance(exc, IntegrityError) \
                and request.path.startswith("/api/"):
            # The database refused or is away (disk full, read-only…): a 503, never a 500.
            # A conflict in stored data (IntegrityError) is a bug and answered as one.
            log.error("database error on %s %s: %s", request.method, request.path,
                      describe(exc))
            return error_response(503, "storage_unavailable", "the database is not available",
                                  {"cause": describe(exc)})
        log.exception("unhandled error on %s %s", request.method, request.path)
        if not request.path.startswith("/api/"):
            raise
        return error_response(500, "internal_error", "internal error; see the service log")


def _with_headers(response: web.Response, exc: web.HTTPException) -> web.Response:
    for name in _KEPT_HEADERS:
        if name in exc.headers:
            response.headers[name] = exc.headers[name]
    return response


def _id_for(status: int) -> str:
    return {400: "bad_request", 404: "not_found", 405: "method_not_allowed",
            401: "unauthenticated", 403: "forbidden", 413: "body_too_large",
            415: "unsupported_media_type"}.get(status, "http_error")
