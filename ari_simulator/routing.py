"""A small router for ``/ari/...`` that answers like Asterisk's HTTP server.

Asterisk distinguishes an unknown path (404 "Resource not found") from a known
path with an unsupported method (405 "Invalid method"), and merges a JSON
request body into the query parameters; aiohttp's router does neither, so the
simulator dispatches itself.
"""
from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .switch import AriError


@dataclass
class AriRequest:
    """One parsed ARI request: path parameters, query/body parameters, raw body."""

    method: str
    match: dict[str, str]
    params: dict[str, str]
    multi: list[tuple[str, str]]
    body: Any = None
    variables: dict[str, str] = field(default_factory=dict)

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.params.get(name, default)

    def get_list(self, name: str) -> list[str]:
        """A comma-separated or repeated list parameter."""
        values: list[str] = []
        for key, value in self.multi:
            if key == name:
                values.extend(v for v in value.split(",") if v)
        return values

    def get_int(self, name: str, default: int) -> int:
        try:
            return int(self.params.get(name, default))
        except (TypeError, ValueError):
            return default


Reply = tuple[int, Any]
Handler = Callable[[AriRequest], Awaitable[Reply]]


class Router:
    """Maps ``METHOD /path/{param}`` to handlers."""

    def __init__(self) -> None:
        self.routes: list[tuple[re.Pattern[str], dict[str, Handler]]] = []

    def add(self, method: str, path: str, handler: Handler) -> None:
        pattern = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path) + "$")
        for existing, methods in self.routes:
            if existing.pattern == pattern.pattern:
                methods[method] = handler
                return
        self.routes.append((pattern, {method: handler}))

    async def dispatch(self, request: web.Request, path: str) -> web.Response:
        for pattern, methods in self.routes:
            found = pattern.match(path)
            if found is None:
                continue
            handler = methods.get(request.method)
            if handler is None:
                return error_response(405, "Invalid method")
            try:
                ari_request = await parse(request, found.groupdict())
                status, body = await handler(ari_request)
            except AriError as exc:
                return error_response(exc.status, exc.message, exc.key)
            return json_response(status, body)
        return error_response(404, "Resource not found")


async def parse(request: web.Request, match: dict[str, str]) -> AriRequest:
    """Query parameters plus, for a JSON object body, its fields (``variables`` apart)."""
    multi = [(k, v) for k, v in request.query.items()]
    params = dict(multi)
    raw = await request.read()
    body: Any = None
    variables: dict[str, str] = {}
    if raw.strip():
        try:
            body = json.loads(raw)
        except ValueError:
            raise AriError(400, "Error parsing request body") from None
        if isinstance(body, dict):
            for key, value in body.items():
                if key == "variables":
                    if isinstance(value, dict):
                        variables = {str(k): str(v) for k, v in value.items()}
                    continue
                if isinstance(value, (dict, list)):
                    continue
                text = str(value).lower() if isinstance(value, bool) else str(value)
                params.setdefault(key, text)
                multi.append((key, text))
    return AriRequest(request.method, match, params, multi, body, variables)


def json_response(status: int, body: Any) -> web.Response:
    if status == 204 or body is None:
        return web.Response(status=status)
    if isinstance(body, bytes):
        return web.Response(status=status, body=body, content_type="audio/wav")
    return web.Response(status=status, text=json.dumps(body), content_type="application/json")


def error_response(status: int, message: str, key: str = "message") -> web.Response:
    return web.Response(status=status, text=json.dumps({key: message}),
                        content_type="application/json")
