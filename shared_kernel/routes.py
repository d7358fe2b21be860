"""How a context's routes are written: a class of handlers, each marked with its route
and its OpenAPI description.

A context's ``http.py`` has one class whose methods are the handlers; each
carries :func:`route` (method and path) and :func:`documented` (the OpenAPI
operation), so a route is described in the same change that adds it. Its
``routes(service, actor_of, ...)`` binds the class to the service and returns
:func:`marked` — every marked handler, in the order written — for the web
layer to serve. The web layer's document builder reads the descriptions. No
framework is needed to mark a handler.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

H = TypeVar("H", bound=Callable[..., Any])


class ReadJson(Protocol):
    """Reads a request's JSON body; refuses a bad body itself (400/413 with the error body).
    The composition root passes the service's one parser, so every route reads JSON with
    the same limits. ``optional``: an empty body reads as ``{}``; ``any_value``: a JSON
    value other than an object is accepted too."""

    def __call__(self, request: Any, *, optional: bool = False,
                 any_value: bool = False) -> Awaitable[Any]: ...


def documented(**operation: Any) -> Callable[[H], H]:
    """Attach ``operation`` (summary, roles, body, query, ok, errors…) to the handler."""
    def mark(handler: H) -> H:
        handler.openapi = operation  # type: ignore[attr-defined]
        return handler
    return mark


def route(method: str, path: str) -> Callable[[H], H]:
    """Where the handler answers (``GET``, ``/api/v1/…``)."""
    def mark(handler: H) -> H:
        handler.route = (method, path)  # type: ignore[attr-defined]
        return handler
    return mark


def marked(handlers: object) -> list[tuple[str, str, Callable[..., Any]]]:
    """``(method, path, bound handler)`` of every method of ``handlers``' class marked with
    :func:`route`, in the order the class defines them."""
    found = []
    for name, member in vars(type(handlers)).items():
        where = getattr(member, "route", None)
        if where is not None:
            found.append((*where, getattr(handlers, name)))
    return found


def obj(required: tuple[str, ...] | list[str] = (), *, extra: bool = True,
        **properties: Any) -> dict[str, Any]:
    """A JSON Schema object with ``properties``; ``required`` names the mandatory ones."""
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if not extra:
        schema["additionalProperties"] = False
    return schema
