"""What a request to the catalog's routes may carry, checked parameter by parameter.

Each reader refuses a value of the wrong type or out of range with
:class:`~referral_catalog.errors.InvalidField` (a 400 ``invalid_request`` naming
the field), so no client input reaches the service as something it cannot
handle. Numbers must be ASCII: ``int()`` also takes ``"١٢"`` and ``"1_000"``
(and ``"²".isdigit()`` is True).
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta

from aiohttp import web

from referral_catalog.errors import InvalidCareUnit, InvalidField
from referral_catalog.model import CareType, Coordinates
from referral_catalog.search import CatalogQuery

MAX_LIMIT = 200
_ASCII_INT = re.compile(r"[+-]?[0-9]{1,19}")
_ASCII_DECIMAL = re.compile(r"[+-]?[0-9]{1,10}(\.[0-9]{1,15})?")
EARLIEST, LATEST = datetime(1900, 1, 1, tzinfo=UTC), datetime(2999, 12, 31, tzinfo=UTC)


def param(request: web.Request, name: str) -> str | None:
    """The query parameter ``name``; ``None`` when absent or empty."""
    value = request.query.get(name)
    return value if value not in (None, "") else None


def _int(request: web.Request, name: str, lo: int = 0, hi: int | None = None) -> int | None:
    text = param(request, name)
    if text is None:
        return None
    # ASCII only: int() also takes "١٢" and "1_000" (and "²".isdigit() is True).
    if not _ASCII_INT.fullmatch(text):
        raise InvalidField(name, f"{text[:40]!r} is not a whole number")
    value = int(text)
    if value < lo or (hi is not None and value > hi):
        raise InvalidField(name, f"must be between {lo} and {hi if hi is not None else 'any'}")
    return value


def _float(request: web.Request, name: str) -> float | None:
    text = param(request, name)
    if text is None:
        return None
    if not _ASCII_DECIMAL.fullmatch(text) or not math.isfinite(value := float(text)):
        raise InvalidField(name, f"{text[:40]!r} is not a decimal number")
    return value


def _bool(request: web.Request, name: str) -> bool | None:
    text = param(request, name)
    if text is None:
        return None
    if text.lower() in ("1", "true", "yes", "ja"):
        return True
    if text.lower() in ("0", "false", "no", "nej"):
        return False
    raise InvalidField(name, f"{text!r} is not true or false")


def _time(request: web.Request, name: str) -> datetime | None:
    text = param(request, name)
    if text is None:
        return None
    try:
        at = datetime.fromisoformat(text)
        in_utc = at.astimezone(UTC) if at.tzinfo is not None else None
    except (ValueError, OverflowError):
        raise InvalidField(name, f"{text[:40]!r} is not an ISO 8601 time") from None
    if in_utc is None:
        raise InvalidField(name, "needs a UTC offset, e.g. 2026-12-02T10:00:00+01:00")
    if not EARLIEST <= in_utc <= LATEST:
        raise InvalidField(name, f"must be between {EARLIEST.year} and {LATEST.year}")
    return at


def query_from_request(request: web.Request, now: datetime) -> CatalogQuery:
    """The search asked for by the query string (``at`` defaults to ``now``)."""
    types = []
    for text in request.query.getall("care_type", []):
        try:
            types.append(CareType.parse(text))
        except ValueError:
            raise InvalidField("care_type", f"unknown care type {text!r}") from None
    lat, lon = _float(request, "lat"), _float(request, "lon")
    if (lat is None) != (lon is None):
        raise InvalidField("lat" if lat is None else "lon", "give both lat and lon")
    try:
        point = None if lat is None or lon is None else Coordinates(lat, lon)
    except InvalidCareUnit as exc:
        raise InvalidField("lat", exc.problem) from None
    within = _int(request, "within_minutes", 0, 60 * 24 * 14)
    open_now = bool(_bool(request, "open_now"))
    at = _time(request, "at")
    if at is None and (open_now or within is not None):
        at = now
    return CatalogQuery(
        region=param(request, "region"),
        care_types=tuple(types),
        at=at,
        open_now=open_now,
        within=None if within is None else timedelta(minutes=within),
        age=_int(request, "age", 0, 130),
        municipality=param(request, "municipality"),
        point=point,
        drop_in=_bool(request, "drop_in"),
        language=param(request, "language"),
        text=param(request, "text"),
        limit=_int(request, "limit", 1, MAX_LIMIT) or 20,
    )
