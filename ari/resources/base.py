"""What every ARI resource shares: path segments, query parameters, parsing answers into models.

Keyword arguments are snake_case and map to ARI's camelCase query parameters;
``None`` means "not sent". Lists for parameters that ARI accepts several
times (``media``, ``channel``, ``eventSource``, ``appArgs``) are sent as one
comma-separated value, which is how Asterisk splits them.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar
from urllib.parse import quote

from ari.errors import AriError

M = TypeVar("M")

# RFC 3986 pchar minus nothing that needs escaping: ids such as "agent-1003;2" or
# "1795325778.73" go into the path as they are; "/", "?", "#", "%" and spaces are escaped.
_PATH_SAFE = "-._~!$&'()*+,;=:@"


def seg(value: str) -> str:
    """One path segment, percent-encoded where needed."""
    return quote(str(value), safe=_PATH_SAFE)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(_value(v) for v in value)
    return str(value)


def query(**params: Any) -> dict[str, str]:
    """Query parameters with ``None`` dropped and values as ARI expects them."""
    return {k: _value(v) for k, v in params.items() if v is not None}


class Requester(Protocol):
    """What the resources need from the client."""

    app: str

    async def request(self, method: str, path: str, params: Mapping[str, str] | None = None,
                      body: Any = None) -> Any: ...


class Resource:
    __slots__ = ("_c",)

    def __init__(self, client: Requester) -> None:
        self._c = client


def one(parse: Callable[[dict[str, Any]], M], body: Any) -> M:
    """``parse(body)``, or :class:`AriError` when the answer is not a JSON object."""
    if not isinstance(body, dict):
        what = getattr(parse, "__qualname__", "model").split(".")[0]
        raise AriError(None, f"unexpected response body for {what}: {body!r:.200}")
    return parse(body)


def many(values: Any, parse: Callable[[dict[str, Any]], M]) -> builtins.list[M]:
    if values is None:
        return []
    if not isinstance(values, list):
        raise AriError(None, f"expected a JSON list, got {values!r:.200}")
    return [parse(v) for v in values]


def variables_body(variables: Mapping[str, str] | None) -> dict[str, Any] | None:
    if variables is None:
        return None
    return {"variables": dict(variables)}
