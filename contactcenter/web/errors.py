"""One place that turns errors into ``{"error_id", "message", "details"}`` responses.

Every context raises :class:`~shared_kernel.errors.DomainError` subclasses that name
a *kind* of failure, never an HTTP status; :data:`STATUS_OF_KIND` is the only table
that turns a kind into a status, and :func:`error_middleware` the only code that
renders an error body from one. The middleware also answers aiohttp's own HTTP
errors (404 for an unknown route, 405 with its ``Allow`` header, 413…), and a
database that refuses writes, with the same body.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web
from sqlalchemy.exc import DBAPIError, IntegrityError

from shared_kernel.errors import DomainError, ErrorKind
from shared_kernel.health import describe

if TYPE_CHECKING:
    from contactcenter.services import Services

log = logging.getLogger(__name__)

SERVICES: web.AppKey[Services] = web.AppKey("services")
"""Where the application keeps the running services (for pages outside the API routes)."""

STATUS_OF_KIND: dict[ErrorKind, int] = {
    ErrorKind.INVALID: 400,
    ErrorKind.UNAUTHENTICATED: 401,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.PRECONDITION: 412,
    ErrorKind.UNPROCESSABLE: 422,
    ErrorKind.TOO_MANY: 429,
    ErrorKind.UNAVAILABLE: 503,
}
"""The HTTP status of each kind of domain error: the only such table in the service."""


def status_of(error: DomainError) -> int:
    """The HTTP status a domain error is answered with."""
    return STATUS_OF_KIND[error.kind]


class ApiError(DomainError):
    """A request-level error of the web layer itself (a malformed query or body, a
    route's own refusal), answered like any domain error of its ``kind``."""

    def __init__(self, error_id: str, message: str, details: dict[str, Any] | None = None,
                 *, kind: ErrorKind | None = None) -> None:
        super().__init__(message, details, error_id=error_id, kind=kind)


class NotFound(ApiError):
    """Nothing of that id (or nothing the asker may see): answered 404."""

    kind = ErrorKind.NOT_FOUND


def error_response(status: int, error_id: str, message: str,
                   details: dict[str, Any] | None = None) -> web.Response:
    """The error body with ``status``, for the web layer's own refusals."""
    return web.json_response(
        {"error_id": error_id, "message": message, "details": details or {}}, status=status
    )


def http_error(error: type[web.HTTPException], error_id: str, message: str,
               details: dict[str, Any] | None = None, **arguments: Any) -> web.HTTPException:
    """An aiohttp HTTP error that carries the error body, for a refusal of the transport
    rather than of the domain (a body over the size limit: 413); ``arguments`` are the
    error class's own (``max_size`` and ``actual_size`` for 413)."""
    body = {"error_id": error_id, "message": message, "details": details or {}}
    return error(text=json.dumps(body), content_type="application/json", **arguments)


def domain_error_response(error: DomainError) -> web.Response:
    """The answer to a domain error: its kind's status, its body, and ``Retry-After``
    when the error says when to try again (a ``retry_after`` in seconds)."""
    response = web.json_response(error.as_body(), status=status_of(error))
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


_KEPT_HEADERS = ("Allow", "Retry-After")
"""Headers of an aiohttp HTTP error that the error body must keep (405 says what is allowed)."""


@web.middleware
async def error_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Answer errors with the error body; an unexpected exception stays a logged 500."""
    if "\x00" in request.path or any("\x00" in f"{k}{v}" for k, v in request.query.items()):
        # A NUL (%00) cannot be stored in or compared with PostgreSQL's text.
        return error_response(400, "invalid_request", "the path or query holds a NUL character",
                              {"field": "path or query"})
    api = request.path.startswith("/api/")
    try:
        return await handler(request)
    except DomainError as exc:
        if exc.kind is ErrorKind.UNAVAILABLE and not api:
            raise  # a page, not the API: the server's own error page
        return domain_error_response(exc)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        if not api:
            if request.method in ("GET", "HEAD") and exc.content_type != "application/json":
                return _with_headers(error_page(exc.status), exc)  # a browser's navigation
            raise
        if exc.content_type == "application/json" and exc.text:
            return _with_headers(web.json_response(text=exc.text, status=exc.status), exc)
        return _with_headers(error_response(exc.status, _id_for(exc.status),
                                            exc.reason or "error"), exc)
    except Exception as exc:
        if isinstance(exc, DBAPIError) and not isinstance(exc, IntegrityError) and api:
            # The database refused or is away (disk full, read-only…): a 503, never a 500.
            # A conflict in stored data (IntegrityError) is a bug and answered as one.
            log.error("database error on %s %s: %s", request.method, request.path,
                      describe(exc))
            return error_response(503, "storage_unavailable", "the database is not available",
                                  {"cause": describe(exc)})
        log.exception("unhandled error on %s %s", request.method, request.path)
        if not api:
            raise
        return error_response(500, "internal_error", "internal error; see the service log")


_PAGE_TEXT = {
    401: ("Du är inte inloggad", "Logga in för att fortsätta."),
    403: ("Du har inte behörighet", "Din inloggning ger inte tillgång till den här sidan."),
    404: ("Sidan finns inte", "Adressen kan vara felskriven, eller så har sidan flyttats."),
    405: ("Det går inte att göra så här", "Sidan tar inte emot den sortens förfrågan."),
}


def error_page(status: int) -> web.Response:
    """A page (not bare text) for a browser that reached an error outside the API."""
    title, text = _PAGE_TEXT.get(status, ("Något gick fel", "Försök igen om en stund."))
    body = (f'<!doctype html><html lang="sv"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{title} – Rådgivning</title><link rel="stylesheet" href="/static/live.css">'
            f'</head><body><header><h1>Rådgivning</h1></header><main><h2>{title}</h2>'
            f'<p>{text}</p><p><a href="/">Till startsidan</a></p></main></body></html>')
    return web.Response(text=body, status=status, content_type="text/html")


def _with_headers(response: web.Response, exc: web.HTTPException) -> web.Response:
    for name in _KEPT_HEADERS:
        if name in exc.headers:
            response.headers[name] = exc.headers[name]
    return response


def _id_for(status: int) -> str:
    return {400: "bad_request", 404: "not_found", 405: "method_not_allowed",
            401: "unauthenticated", 403: "forbidden", 413: "body_too_large",
            415: "unsupported_media_type"}.get(status, "http_error")
