"""The directory's weekday hours (JSON) converted to OpenStreetMap ``opening_hours``.

Supported shape (one list per hours field, e.g. ``"weekday_hours"``)::

    [{"day": 1, "from": "08:00", "to": "17:00"},
     {"day": 5, "from": "08:00", "to": "12:00"}, {"day": 5, "from": "13:00", "to": "16:00"}]

- ``day``: ISO weekday, 1 = Monday … 7 = Sunday. Several entries per day are
  allowed (a lunch closure); days without entries are closed.
- ``from`` / ``to``: ``"HH:MM"`` in Swedish local time; ``"24:00"`` is allowed
  as an end; an end at or before the start runs past midnight (``22:00``–``07:00``).
- Public holidays (``public_holidays`` beside the list): ``"closed"`` (default,
  adds ``PH off``), ``"open"`` (holidays follow the weekday), or ``"sunday"``
  (holidays get Sunday's hours).

Example: the list above with ``"closed"`` becomes
``"Mo 08:00-17:00; Fr 08:00-12:00,13:00-16:00; PH off"``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
HOLIDAY_POLICIES = ("closed", "open", "sunday")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")


class WeekdayHoursError(ValueError):
    """The weekday hours are malformed; the message says which entry and why."""


def _clock(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _CLOCK.match(value):
        raise WeekdayHoursError(f"{where}: {value!r} is not a time HH:MM")
    return value


def _span(entry: Mapping[str, Any], index: int) -> tuple[int, str]:
    where = f"entry {index}"
    if not isinstance(entry, Mapping):
        raise WeekdayHoursError(f"{where}: must be an object with day, from and to")
    day = entry.get("day")
    if not isinstance(day, int) or isinstance(day, bool) or not 1 <= day <= 7:
        raise WeekdayHoursError(f"{where}: day {day!r} must be 1 (Monday) to 7 (Sunday)")
    start = _clock(entry.get("from"), where)
    end = _clock(entry.get("to"), where)
    if start == "24:00":
        raise WeekdayHoursError(f"{where}: a day cannot start at 24:00")
    if start == end:
        # The same time twice is a full day in the directory's export.
        end = "24:00" if start == "00:00" else end
    return day, f"{start}-{end}"


def weekday_hours_to_osm(
    entries: Sequence[Mapping[str, Any]], public_holidays: str = "closed"
) -> str:
    """Convert the directory's weekday hours to an ``opening_hours`` expression."""
    if public_holidays not in HOLIDAY_POLICIES:
        raise WeekdayHoursError(
            f"public_holidays {public_holidays!r} must be one of {', '.join(HOLIDAY_POLICIES)}"
        )
    if isinstance(entries, (str, bytes)) or not isinstance(entries, Sequence):
        raise WeekdayHoursError("weekday hours must be a list of {day, from, to} objects")
    per_day: dict[int, list[str]] = {}
    for index, entry in enumerate(entries):
        day, span = _span(entry, index)
        per_day.setdefault(day, []).append(span)
    times = {day: ",".join(sorted(spans)) for day, spans in per_day.items()}
    if times and all(times.get(d) == "00:00-24:00" for d in range(1, 8)):
        rules = ["24/7"]
    else:
        rules = _group(times)
    if not rules:
        rules = ["off"]
    if public_holidays == "closed":
        rules.append("PH off")
    elif public_holidays == "sunday":
        rules.append(f"PH {times[7]}" if 7 in times else "PH off")
    return "; ".join(rules)


def _group(times: Mapping[int, str]) -> list[str]:
    """``Mo-Fr 08:00-17:00``-style rules: consecutive days with equal times share a rule."""
    by_times: dict[str, list[int]] = {}
    for day in sorted(times):
        by_times.setdefault(times[day], []).append(day)
    rules: list[tuple[int, str]] = []
    for span, days in by_times.items():
        runs: list[list[int]] = []
        for day in days:
            if runs and day == runs[-1][-1] + 1:
                runs[-1].append(day)
            else:
                runs.append([day])
        selector = ",".join(
            OSM_DAYS[r[0] - 1] if len(r) == 1 else f"{OSM_DAYS[r[0] - 1]}-{OSM_DAYS[r[-1] - 1]}"
            for r in runs
        )
        rules.append((days[0], f"{selector} {span}"))
    return [rule for _first, rule in sorted(rules)]
