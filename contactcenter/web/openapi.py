"""The OpenAPI 3.1 description served at ``/api/v1/openapi.json``, built from the routes.

Every route describes itself where it is written: its handler carries an
``openapi`` attribute (set by a small ``documented(...)`` decorator in each
routes module; the bounded contexts have their own, since they may not import
this package). :func:`build_openapi` collects them from the application's
router, so a new route is described in the same change that adds it and
``tests/web/test_openapi.py`` fails for a route without a description.

A route's description is a plain dict: ``summary``, ``roles`` (text),
``public`` (no login), ``query`` (name → JSON Schema; ``required_query`` lists
the required ones), ``path`` (name → JSON Schema; default a string),
``headers`` (name → schema), ``body`` (JSON Schema of the JSON body;
``body_required`` default True; ``body_media`` for other media types), ``ok``
(the success schema, or ``(status, schema)``), ``ok_media`` (its media types,
default JSON), ``errors`` (further statuses that can occur, e.g. 404, 409,
429), ``html_errors`` (a form's errors may also come back as an HTML page),
``redirects`` (what a 303 answer means, for forms), ``error_schemas`` (status →
schema, for an error status whose body is not the error body: health's 503).
The builder adds what every route shares: 400, 405; 401 and 403 (role, region
or a cross-site request) for protected routes; 413 and 415 for routes with a
body; 503 (storage unavailable) for state changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar

from aiohttp import web

from shared_kernel.routes import documented, obj

__all__ = ["OPENAPI_KEY", "describe_routes", "documented", "obj"]

ERROR = {"$ref": "#/components/schemas/Error"}
OPENAPI_KEY: web.AppKey[dict[str, Any]] = web.AppKey("openapi", dict)
H = TypeVar("H", bound=Callable[..., Any])

_REASONS = {
    400: "Bad request: a parameter or body field is missing or wrong",
    401: "Not authenticated",
    403: "Role or region not allowed, or a cross-site request",
    404: "Not found, or not in your regions",
    405: "Method not allowed (the Allow header lists the methods)",
    409: "Conflict with the current state",
    413: "Request body too large",
    415: "Unsupported media type (send application/json)",
    422: "Well-formed but not acceptable",
    429: "Too many attempts (Retry-After says when to try again)",
    503: "Storage unavailable; try again",
}


def description_of(handler: Any) -> dict[str, Any] | None:
    """The route's own description, or None when it has none."""
    return getattr(handler, "openapi", None)


def api_routes(app: web.Application) -> list[tuple[str, str, Any]]:
    """``(method, path, handler)`` of every route under ``/api/v1`` (HEAD left out)."""
    found = []
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        path = info.get("path") or info.get("formatter")
        if path and route.method != "HEAD" and _documented_path(path):
            found.append((route.method.lower(), path, route.handler))
    return found


def _documented_path(path: str) -> bool:
    return path.startswith("/api/v1/") or path in ("/login", "/logout")


def _error_response(status: int, html: bool = False) -> dict[str, Any]:
    response: dict[str, Any] = {"description": _REASONS.get(status, "Error"),
                                "content": {"application/json": {"schema": ERROR}}}
    if html:  # a form's errors come back as the page, with the message on it
        response["content"]["text/html"] = {"schema": {"type": "string"}}
    if status == 405:
        response["headers"] = {"Allow": {"schema": {"type": "string"}}}
    if status == 429:
        response["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
    return response


def _ok_response(spec: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    ok = spec.get("ok", {"type": "object"})
    status, schema = ok if isinstance(ok, tuple) else (200, ok)
    if status == 204:
        return "204", {"description": "Done"}
    media = spec.get("ok_media", ["application/json"])
    return str(status), {"description": HTTPStatus(status).phrase,
                         "content": {m: {"schema": schema} for m in media}}


def operation(method: str, path: str, spec: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI Operation of one route from its description."""
    path_names = re.findall(r"{([^}:]+)", path)
    public = bool(spec.get("public"))
    params = [{"name": name, "in": "path", "required": True,
               "schema": spec.get("path", {}).get(name, {"type": "string"})}
              for name in path_names]
    required_query = set(spec.get("required_query", ()))
    params += [{"name": name, "in": "query", "required": name in required_query,
                "schema": schema} for name, schema in spec.get("query", {}).items()]
    params += [{"name": name, "in": "header", "required": False, "schema": schema}
               for name, schema in spec.get("headers", {}).items()]
    status, ok = _ok_response(spec)
    result: dict[str, Any] = {
        "summary": spec["summary"],
        "description": f"Roles: {spec.get('roles', 'any authenticated user')}.",
        "operationId": f"{method}_{re.sub(r'[^a-zA-Z0-9]+', '_', path).strip('_')}",
        "parameters": params,
        "responses": {status: ok},
    }
    statuses = {400, 405, *spec.get("errors", ())}
    if path_names:
        statuses.add(404)
    if spec.get("redirects"):
        result["responses"]["303"] = {"description": spec["redirects"],
                                      "headers": {"Location": {"schema": {"type": "string"}}}}
    if not public:
        statuses |= {401, 403}
        result["security"] = [{"bearer": []}, {"session": []}]
    else:
        result["security"] = []
    if "body" in spec:
        statuses |= {413, 415}
        result["requestBody"] = {"required": spec.get("body_required", True),
                                 "content": spec.get("body_media") or {
                                     "application/json": {"schema": spec["body"]}}}
    if method != "get":
        statuses.add(503)
    for code in sorted(statuses):
        result["responses"][str(code)] = _error_response(code, bool(spec.get("html_errors")))
    for code, schema in spec.get("error_schemas", {}).items():
        result["responses"][str(code)]["content"] = {"application/json": {"schema": schema}}
    return result


def build_openapi(app: web.Application) -> dict[str, Any]:
    """The whole document for ``app``; routes without a description are listed as such."""
    paths: dict[str, dict[str, Any]] = {}
    for method, path, handler in api_routes(app):
        spec = description_of(handler)
        if spec is None:  # tests/web/test_openapi.py refuses this; still list it
            spec = {"summary": f"{method.upper()} {path} (undescribed)"}
        paths.setdefault(path, {})[method] = operation(method, path, spec)
    return {
        "openapi": "3.1.0",
        "info": {"title": "radgivning API", "version": "1",
                 "description": "Contact center of the health-advice line. Times are UTC "
                                "(ISO 8601). A user sees and changes the calls, queues and "
                                "nurses of their regions; an object outside them answers 404 "
                                "as if it did not exist, a region or national action that is "
                                "not theirs 403. Callers' numbers are omitted for roles that "
                                "may not see them (staffing systems)."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "API token from `radgivning token create`"},
                "session": {"type": "apiKey", "in": "cookie", "name": "rgv_session"},
            },
            "schemas": {
                "Error": obj(["error_id", "message", "details"],
                             error_id={"type": "string"}, message={"type": "string"},
                             details={"type": "object"}),
            },
        },
    }


def describe_routes(app: web.Application) -> None:
    """Build the document once the routes are added, for the ``openapi.json`` route."""
    app[OPENAPI_KEY] = build_openapi(app)
