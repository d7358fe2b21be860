"""The OpenAPI 3.1 description served at ``/api/v1/openapi.json``."""

from __future__ import annotations

from typing import Any

_ERROR = {"$ref": "#/components/schemas/Error"}


def _op(summary: str, ok: dict[str, Any], *, roles: str, params: list[dict[str, Any]] | None = None,
        body: dict[str, Any] | None = None, public: bool = False) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "description": f"Roles: {roles}.",
        "responses": {
            "200": {"description": "OK", "content": {"application/json": {"schema": ok}}},
            "400": {"description": "Bad request", "content": {"application/json": {"schema": _ERROR}}},
        },
    }
    if not public:
        op["responses"]["401"] = {"description": "Not authenticated",
                                  "content": {"application/json": {"schema": _ERROR}}}
        op["responses"]["403"] = {"description": "Role or region not allowed",
                                  "content": {"application/json": {"schema": _ERROR}}}
    else:
        op["security"] = []
    if params:
        op["parameters"] = params
    if body:
        op["requestBody"] = {"required": True,
                             "content": {"application/json": {"schema": body}}}
    return op


def _health_op() -> dict[str, Any]:
    """200 when every part works; 503 (same body) naming the failing parts, since when."""
    part = {"type": "object", "properties": {
        "status": {"type": "string", "enum": ["ok", "failing"]},
        "since": {"type": "string", "format": "date-time"}, "cause": {"type": "string"},
        "failures": {"type": "integer"}, "unwritten": {"type": "integer"}}}
    schema = {"type": "object", "properties": {
        "status": {"type": "string", "enum": ["ok", "failing"]},
        "failing": {"type": "array", "items": {"type": "string"}},
        "parts": {"type": "object", "properties": {name: part for name in (
            "database", "call_log", "queue_log", "queue_replica", "ari")}},
        "ari_connected": {"type": "boolean"}, "database": {"type": "string"},
        "instance_id": {"type": "string"}, "version": {"type": "string"}}}
    op = _op("Service health: each part's state", schema, roles="none (public)", public=True)
    op["responses"]["503"] = {"description": "A part is failing (see failing and parts)",
                              "content": {"application/json": {"schema": schema}}}
    return op


_CALL = {
    "type": "object",
    "properties": {
        "call_id": {"type": "string"}, "channel_id": {"type": "string"},
        "state": {"type": "string", "enum": ["ivr", "queued", "offered", "connected", "abandoned", "ended"]},
        "caller_number": {"type": ["string", "null"]}, "region": {"type": ["string", "null"]},
        "region_source": {"type": ["string", "null"]}, "queue": {"type": ["string", "null"]},
        "nurse_id": {"type": ["string", "null"]}, "arrived_at": {"type": "string", "format": "date-time"},
        "queued_at": {"type": ["string", "null"]}, "answered_at": {"type": ["string", "null"]},
        "ended_at": {"type": ["string", "null"]}, "wait_seconds": {"type": ["number", "null"]},
        "end_cause": {"type": ["string", "null"]},
    },
}
_QUEUE = {
    "type": "object",
    "properties": {
        "queue_id": {"type": "string"}, "name": {"type": "string"},
        "waiting": {"type": "integer"}, "longest_wait_seconds": {"type": ["number", "null"]},
        "nurses_ready": {"type": "integer"}, "nurses_logged_in": {"type": "integer"},
        "calls": {"type": "array", "items": {"type": "string"}},
    },
}
_AGENT = {
    "type": "object",
    "properties": {
        "nurse_id": {"type": "string"}, "display_name": {"type": "string"},
        "region": {"type": "string"}, "state": {"type": "string",
                                                "enum": ["logged_out", "ready", "offered", "on_call", "wrap_up", "paused"]},
        "since": {"type": ["string", "null"], "format": "date-time"},
        "call_id": {"type": ["string", "null"]},
    },
}

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "radgivning API", "version": "1",
             "description": "Contact center of the health-advice line. Times are UTC (ISO 8601)."},
    "servers": [{"url": "/"}],
    "security": [{"bearer": []}, {"session": []}],
    "paths": {
        "/api/v1/health": {"get": _health_op()},
        "/api/v1/calls": {"get": _op(
            "Live or recent calls",
            {"type": "object", "properties": {"scope": {"type": "string"},
                                              "calls": {"type": "array", "items": _CALL}}},
            roles="nurse, supervisor, staffing_system, region_admin",
            params=[{"name": "scope", "in": "query", "schema": {"type": "string", "enum": ["live", "recent"]}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}}])},
        "/api/v1/calls/{call_id}/events": {"get": _op(
            "Every recorded step of one call",
            {"type": "object", "properties": {"events": {"type": "array", "items": {"type": "object"}}}},
            roles="supervisor, staffing_system",
            params=[{"name": "call_id", "in": "path", "required": True, "schema": {"type": "string"}}])},
        "/api/v1/queues": {"get": _op(
            "Queues with waiting calls and nurses",
            {"type": "object", "properties": {"queues": {"type": "array", "items": _QUEUE}}},
            roles="nurse, supervisor, staffing_system, region_admin")},
        "/api/v1/agents": {"get": _op(
            "Nurses and their states",
            {"type": "object", "properties": {"agents": {"type": "array", "items": _AGENT}}},
            roles="nurse, supervisor, staffing_system, region_admin")},
        "/api/v1/agents/{nurse_id}/state": {"post": _op(
            "Log a nurse in (ready), pause them with a reason, or log them out",
            {"type": "object", "properties": {"agent": _AGENT}},
            roles="the nurse themself, or a supervisor of the nurse's region",
            params=[{"name": "nurse_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            body={"type": "object", "required": ["state"],
                  "properties": {"state": {"type": "string", "enum": ["ready", "paused", "logged_out"]},
                                 "reason": {"type": "string",
                                            "description": "pause reason code (required for paused)"}}})},
        "/api/v1/live": {"get": {
            "summary": "WebSocket feed of snapshots (calls, queues, agents) whenever they change",
            "description": "Roles: nurse, supervisor, staffing_system, region_admin.",
            "responses": {"101": {"description": "Switching protocols"}}}},
        "/api/v1/auth/whoami": {"get": _op(
            "The authenticated user", {"type": "object"}, roles="any authenticated user")},
    },
    "components": {
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer",
                       "description": "API token from `radgivning token create`"},
            "session": {"type": "apiKey", "in": "cookie", "name": "rgv_session"},
        },
        "schemas": {
            "Error": {"type": "object", "required": ["error_id", "message", "details"],
                      "properties": {"error_id": {"type": "string"}, "message": {"type": "string"},
                                     "details": {"type": "object"}}},
        },
    },
}


def describe_routes(app: Any) -> None:
    """Add every ``/api/v1`` route of ``app`` that the document does not describe yet.

    The bounded contexts register their own routes; each is listed with its
    handler's docstring as summary, so the document never leaves a route out.
    """
    paths = OPENAPI["paths"]
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        path = info.get("path") or info.get("formatter")
        method = route.method.lower()
        if not path or not path.startswith("/api/v1/") or method == "head":
            continue
        entry = paths.setdefault(path, {})
        if method in entry:
            continue
        doc = (getattr(route.handler, "__doc__", None) or "").strip()
        params = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                  for name in _path_params(path)]
        entry[method] = {
            "summary": doc.splitlines()[0] if doc else f"{method.upper()} {path}",
            "parameters": params,
            "responses": {"200": {"description": "OK"},
                          "400": {"description": "Bad request",
                                  "content": {"application/json": {
                                      "schema": {"$ref": "#/components/schemas/Error"}}}},
                          "401": {"description": "Not authenticated"},
                          "403": {"description": "Missing role or region"}},
        }


def _path_params(path: str) -> list[str]:
    import re

    return re.findall(r"{([^}:]+)", path)
