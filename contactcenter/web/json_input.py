"""Reading what a client sends: the JSON body and the numbers in a query string.

One parser for every route of the service, the bounded contexts' included:
the composition root hands :func:`read_json_object` to each context's
``routes(...)`` as ``read_json`` (the contexts may not import this package, and
one parser means one set of limits and one set of tests instead of four copies
that drift apart). What it refuses is answered by the error middleware as a 400
(413 for a body over :data:`MAX_BODY_BYTES`) with the API's error body.

Refused, because each would otherwise end in a server error or in data that
cannot be stored: bytes that are not UTF-8, nesting deeper than
:data:`MAX_DEPTH` (Python's parser would recurse until it fails), ``NaN`` and
``Infinity`` and numbers too large for a float (``1e400``), integers outside
64 bits (no column holds them), and lone UTF-16 surrogates (``"\\ud800"``: no
encoder can write them) and NUL characters (PostgreSQL's text cannot hold them).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from aiohttp import web

from contactcenter.web.errors import ApiError, http_error

MAX_BODY_BYTES = 1024**2
"""aiohttp's own default (``client_max_size``); larger bodies are answered 413."""
MAX_DEPTH = 64
"""How deeply objects and arrays may nest; no route takes more than a few levels."""
INT64 = (-(2**63), 2**63 - 1)

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_ASCII_INT = re.compile(r"[+-]?[0-9]{1,19}")


def _invalid(message: str, **details: Any) -> ApiError:
    return ApiError("invalid_json", message, {"field": "body", **details})


def _reject_constant(name: str) -> Any:
    raise _invalid(f"{name} is not a JSON number", value=name)


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _invalid("number is too large", value=text[:40])
    return value


def _int64(text: str) -> int:
    # Length first: Python refuses to convert more than 4300 digits at all.
    value = int(text) if len(text) <= 20 else None
    if value is None or not INT64[0] <= value <= INT64[1]:
        raise _invalid("integer is outside the 64-bit range", value=text[:40])
    return value


_DECODER = json.JSONDecoder(parse_float=_finite_float, parse_int=_int64,
                            parse_constant=_reject_constant)


def nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest in ``text`` (strings are skipped).

    Counted without recursion and before parsing, so deep input never reaches
    the recursive parser; on malformed input the count can only be too high.
    """
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    depth = deepest = 0
    for char in brackets:
        depth += 1 if char in "[{" else -1
        if depth > deepest:
            deepest = depth
            if deepest > MAX_DEPTH:
                break
    return deepest


def _first_unstorable(value: Any) -> str | None:
    """The first string (key or value) holding a lone surrogate or a NUL (which PostgreSQL's
    text cannot hold), found without recursion."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                return item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def parse_json(raw: bytes) -> Any:
    """``raw`` as JSON, or an :class:`ApiError` (400) saying what is wrong with it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError("invalid_body", "request body is not UTF-8 text",
                       {"field": "body", "position": exc.start}) from None
    if not text.strip():
        raise ApiError("invalid_body", "request body must be a JSON object",
                       {"field": "body", "body": "empty"})
    if nesting_depth(text) > MAX_DEPTH:
        raise _invalid(f"JSON nests deeper than {MAX_DEPTH} levels", max_depth=MAX_DEPTH)
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise _invalid("request body is not valid JSON",
                       line=exc.lineno, column=exc.colno, problem=exc.msg) from None
    if _first_unstorable(value) is not None:
        raise _invalid("a string holds a lone UTF-16 surrogate (\\ud800-\\udfff) or a NUL")
    return value


async def read_body_bytes(request: web.Request) -> bytes:
    """The raw body, or 413 (error body) when it is larger than :data:`MAX_BODY_BYTES`."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise _too_large(request.content_length)
    try:
        return await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise _too_large() from None


def _too_large(actual: int | None = None) -> web.HTTPException:
    # A refusal of the transport, not of the domain: no error kind is a 413.
    return http_error(web.HTTPRequestEntityTooLarge, "body_too_large",
                      f"request body is larger than {MAX_BODY_BYTES} bytes",
                      {"max_bytes": MAX_BODY_BYTES}, max_size=MAX_BODY_BYTES,
                      actual_size=actual if actual is not None else MAX_BODY_BYTES + 1)


async def read_json_object(request: web.Request, *, optional: bool = False,
                           any_value: bool = False) -> Any:
    """The request's JSON object, or a 400/413 naming what is wrong with it.

    ``optional``: an empty body reads as ``{}`` (for routes whose body only
    carries optional fields, such as a comment). ``any_value``: any JSON value
    is returned, not only an object (a catalog import may be a list).
    """
    raw = await read_body_bytes(request)
    if optional and not raw.strip():
        return {}
    body = parse_json(raw)
    if not any_value and not isinstance(body, dict):
        raise ApiError("invalid_body", "request body must be a JSON object",
                       {"field": "body", "type": type(body).__name__})
    return body


def ascii_int(text: str, name: str, low: int, high: int) -> int:
    """``text`` as a whole number from ``low`` to ``high``, written in ASCII digits.

    ``int()`` alone would also take ``"١٢"`` (Arabic-Indic digits), ``"1_000"``
    and surrounding spaces, and fails on ``"²"`` although ``"²".isdigit()``.
    """
    if not _ASCII_INT.fullmatch(text):
        raise ApiError("invalid_query", f"{name} must be a whole number", {name: text[:40]})
    value = int(text)
    if not low <= value <= high:
        raise ApiError("invalid_query", f"{name} must be between {low} and {high}",
                       {name: value})
    return value
