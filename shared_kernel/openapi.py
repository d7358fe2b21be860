"""How a route describes itself for the service's OpenAPI document.

Every context's routes mark each handler with :func:`documented`; the web
layer's document builder collects the marks from the application's router, so
a route is described in the same change that adds it. No framework is needed
to mark a handler.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

H = TypeVar("H", bound=Callable[..., Any])


def documented(**operation: Any) -> Callable[[H], H]:
    """Attach ``operation`` (summary, roles, body, query, ok, errors…) to the handler."""
    def mark(handler: H) -> H:
        handler.openapi = operation  # type: ignore[attr-defined]
        return handler
    return mark


def obj(required: tuple[str, ...] | list[str] = (), *, extra: bool = True,
        **properties: Any) -> dict[str, Any]:
    """A JSON Schema object with ``properties``; ``required`` names the mandatory ones."""
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if not extra:
        schema["additionalProperties"] = False
    return schema
