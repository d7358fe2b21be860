"""Parsing ``decision_support.toml``: urgency levels, care types, deviation reasons, office hours.

Like :mod:`decision_support.schema`, parsers record every problem (file, field
path, what is wrong) instead of raising.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from decision_support.model import (
    CareType,
    DecisionSupportConfig,
    DeviationReason,
    OfficeHours,
    UrgencyLevel,
)
from decision_support.schema import CODE_PATTERN, Problems, Reader

__all__ = ["parse_config"]


def parse_config(data: Mapping[str, Any], file: Path, problems: Problems) -> DecisionSupportConfig:
    """Parse ``decision_support.toml`` (urgency levels, care types, deviation reasons)."""
    r = Reader(file, problems)
    r.unknown_keys(data, {"urgency_levels", "care_types", "deviation_reasons", "office_hours"})
    levels: list[UrgencyLevel] = []
    cares: list[CareType] = []
    reasons: list[DeviationReason] = []
    for section in ("urgency_levels", "care_types"):
        is_level = section == "urgency_levels"
        entries = r.tables(data, section, section)
        if not entries:
            r.add(section, "must list at least one entry")
        seen: set[str] = set()
        for i, entry in enumerate(entries):
            p = f"{section}[{i}]."
            allowed = {"code", "name", "description"} | ({"rank"} if is_level else set())
            r.unknown_keys(entry, allowed, p)
            code = r.string(entry, "code", p + "code")
            if code and not CODE_PATTERN.match(code):
                r.add(p + "code", f"{code!r} must be UPPER_CASE letters, digits and _")
            if code in seen:
                r.add(p + "code", f"{code!r} is listed twice")
            seen.add(code)
            name = r.string(entry, "name", p + "name")
            desc = r.string(entry, "description", p + "description", required=False)
            if is_level:
                rank = entry.get("rank")
                if not isinstance(rank, int) or rank < 1:
                    r.add(p + "rank", "must be a whole number from 1 (most urgent)")
                    rank = 0
                levels.append(UrgencyLevel(code, name, rank, desc))
            else:
                cares.append(CareType(code, name, desc))
    ranks = [u.rank for u in levels]
    if len(set(ranks)) != len(ranks):
        r.add("urgency_levels", "ranks must be unique")
    for i, entry in enumerate(r.tables(data, "deviation_reasons", "deviation_reasons")):
        p = f"deviation_reasons[{i}]."
        r.unknown_keys(entry, {"code", "name"}, p)
        reasons.append(
            DeviationReason(
                r.string(entry, "code", p + "code"), r.string(entry, "name", p + "name")
            )
        )
    if not reasons:
        r.add("deviation_reasons", "must list at least one coded reason")
    levels.sort(key=lambda u: u.rank)
    office = _parse_office_hours(r, data) if "office_hours" in data else None
    return DecisionSupportConfig(tuple(levels), tuple(cares), tuple(reasons), office)


def _parse_office_hours(r: Reader, data: Mapping[str, Any]) -> OfficeHours | None:
    t = r.table(data, "office_hours", "office_hours")
    r.unknown_keys(t, {"timezone", "opens", "closes", "weekdays"}, "office_hours.")
    name = r.string(t, "timezone", "office_hours.timezone")
    try:
        zone = ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        r.add("office_hours.timezone", f"{name!r} is not a known time zone (e.g. Europe/Stockholm)")
        zone = None
    hours = []
    for key in ("opens", "closes"):
        text = r.string(t, key, f"office_hours.{key}")
        try:
            hours.append(time.fromisoformat(text))
        except ValueError:
            r.add(f"office_hours.{key}", f"{text!r} is not a time of day like '08:00'")
    days = t.get("weekdays", [1, 2, 3, 4, 5])
    if not isinstance(days, list) or not all(isinstance(d, int) and 1 <= d <= 7 for d in days):
        r.add("office_hours.weekdays", "must be a list of ISO weekdays, 1 (Monday) to 7")
        days = []
    if zone is None or len(hours) != 2:
        return None
    return OfficeHours(zone, hours[0], hours[1], frozenset(days))
