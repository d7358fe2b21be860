"""What a request to the decision-support routes may carry, checked field by field.

Each reader refuses a value of the wrong type or out of range with
:class:`~decision_support.errors.InvalidRequest` (a 400 naming the field), so
no client input reaches the service as something it cannot handle. Numbers in
query strings must be ASCII: ``int()`` and ``float()`` also take ``"١٢"``, and
``float()`` takes ``"nan"``.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Any

from decision_support import errors
from decision_support.model import Age, Deviation, Sex

ASCII_INT = re.compile(r"[+-]?[0-9]{1,19}")
_ASCII_DECIMAL = re.compile(r"[+-]?[0-9]{1,10}(\.[0-9]{1,15})?")
EARLIEST, LATEST = datetime(1900, 1, 1, tzinfo=UTC), datetime(2999, 12, 31, tzinfo=UTC)
MAX_AGE = {"days": 130 * 366, "months": 130 * 12, "years": 130}


def text(body: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    """A string field (None when absent or null, unless ``required``)."""
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value):
        raise errors.InvalidRequest(f"{name} must be a string")
    return value


def age(body: dict[str, Any]) -> Age:
    """``age`` ({"days"|"months"|"years": N} or years) or ``age_days`` etc., 0 to 130 years."""
    raw = body.get("age")
    spec = raw if isinstance(raw, dict) else {"years": raw} if raw is not None else {}
    for key in ("days", "months", "years"):
        flat = body.get(f"age_{key}")
        if flat is not None:
            spec = {key: flat}
    if len(spec) != 1:
        raise errors.InvalidRequest("age is required: {\"days\": N}, {\"months\": N} or {\"years\": N}")
    (unit, value), = spec.items()
    if unit not in MAX_AGE or isinstance(value, bool) or not isinstance(value, int | float) \
            or not 0 <= value <= MAX_AGE[unit]:
        raise errors.InvalidRequest(f"age must be a number of days, months or years from 0 to "
                               f"{MAX_AGE['years']} years")
    return {"days": lambda: Age.of_days(int(value)), "months": lambda: Age.of_months(value),
            "years": lambda: Age.of_years(value)}[unit]()


def sex(value: Any) -> Sex | None:
    """``female``, ``male``, or None when not given."""
    if value in (None, ""):
        return None
    try:
        if isinstance(value, str):
            return Sex(value)
    except ValueError:
        pass
    raise errors.InvalidRequest("sex must be female or male")


def time(value: Any, name: str) -> datetime | None:
    """An ISO 8601 time (UTC when it has no offset) from 1900 to 2999, or None."""
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        parsed = parsed if parsed is None or parsed.tzinfo else parsed.replace(tzinfo=UTC)
        if parsed is not None and not EARLIEST <= parsed.astimezone(UTC) <= LATEST:
            parsed = None
    except (ValueError, OverflowError):
        parsed = None
    if parsed is None:
        raise errors.InvalidRequest(f"{name} must be an ISO 8601 time from {EARLIEST.year} to "
                               f"{LATEST.year}")
    return parsed


def criteria(body: dict[str, Any]) -> list[str]:
    """The ticked criterion ids: a list of strings (empty when not given)."""
    criteria = body.get("criteria")
    if criteria is None:
        return []
    if not isinstance(criteria, list) or not all(isinstance(c, str) for c in criteria):
        raise errors.InvalidRequest("criteria must be a list of criterion ids")
    return criteria


def deviation(body: dict[str, Any]) -> Deviation | None:
    """``{reason_code, text}`` of a decision that deviates, or None."""
    dev = body.get("deviation")
    if dev is None:
        return None
    if not isinstance(dev, dict):
        raise errors.InvalidRequest("deviation must be an object {reason_code, text}")
    return Deviation(text(dev, "reason_code") or "", text(dev, "text") or "")


def query_number(text: str, name: str, low: float, high: float) -> float:
    """A query parameter as a decimal number in ASCII (float() also takes "١" and "nan")."""
    if not _ASCII_DECIMAL.fullmatch(text) or not math.isfinite(number := float(text)) \
            or not low <= number <= high:
        raise errors.InvalidRequest(f"{name} must be a number from {low:g} to {high:g}")
    return number


