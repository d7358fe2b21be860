"""One place that turns errors into ``{"error_id", "message", "details"}`` responses."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from sqlalchemy.exc import DBAPIError, IntegrityError

from contactcenter.health import StorageUnavailable, describe

log = logging.getLogger(__name__)

SERVICES: web.AppKey[Any] = web.AppKey("services", object)
"""Where the application keeps the running services (``bootstrap.Services``)."""


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


@web.middleware
async def error_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
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
    except web.HTTPException as exc:
        if not request.path.startswith("/api/") or exc.status < 400:
            raise
        return error_response(exc.status, _id_for(exc.status), exc.reason or "error")
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


def _id_for(status: int) -> str:
    return {404: "not_found", 405: "method_not_allowed", 401: "unauthenticated",
            403: "forbidden"}.get(status, "http_error")


async def json_body(request: web.Request) -> dict[str, Any]:
    """The request's JSON object, or a 400 naming what is wrong with it."""
    raw = await request.text()
    if not raw.strip():
        raise ApiError("invalid_body", "request body must be a JSON object", {"body": "empty"})
    try:
        body = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ApiError("invalid_json", "request body is not valid JSON",
                       {"line": exc.lineno, "column": exc.colno, "problem": exc.msg}) from exc
    if not isinstance(body, dict):
        raise ApiError("invalid_body", "request body must be a JSON object",
                       {"type": type(body).__name__})
    return body
