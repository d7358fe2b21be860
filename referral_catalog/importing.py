"""Import of care units (import av vårdenheter) from CSV and JSON (export: :mod:`.exporting`).

All or nothing: :func:`import_json` and :func:`~.csv_import.import_csv` return an
:class:`ImportResult` holding either every unit or every problem found, one
:class:`RowError` per row and field, never a partial list. ``row`` is the
1-based number of the record (the first unit is row 1; in a CSV file that is
the line after the header).

JSON: a list of unit objects, or ``{"units": [...]}``. Keys follow
:class:`~referral_catalog.model.CareUnit`; nested objects for addresses
(``street``, ``postal_code``, ``city``), ``coordinates`` (``lat``, ``lon``),
``phones`` (``number``, ``label``, ``hours``), ``age_group`` (``min_years``,
``max_years``) and ``notices`` (``kind``, ``valid_from``, ``valid_until`` as
ISO 8601 with offset, ``text``, ``opening_hours``). Hours are given either as
``opening_hours`` (OSM syntax) or as the directory's ``weekday_hours`` with
``public_holidays`` (see :mod:`.weekday_hours`); likewise ``drop_in_hours`` or
``drop_in_weekday_hours``.

CSV: one unit per line, read into the same records by :mod:`.csv_import`.

Every field is also checked by :func:`~referral_catalog.validation.unit_problems`:
URLs must be ``http``/``https`` and no field may hold control characters.
:func:`decode_import` turns a file's bytes into text, naming the line of any
invalid UTF-8 (the CLI reads files through it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from referral_catalog.errors import InvalidCareUnit
from referral_catalog.model import (
    Address,
    AgeGroup,
    CareType,
    CareUnit,
    Coordinates,
    NoticeKind,
    PhoneNumber,
    TemporaryNotice,
    UnitStatus,
)
from referral_catalog.validation import unit_problems
from referral_catalog.weekday_hours import WeekdayHoursError, weekday_hours_to_osm


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one field of one imported record (rad, fält, problem)."""

    row: int
    field: str
    problem: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.field}: {self.problem}"


@dataclass(frozen=True, slots=True)
class ImportResult:
    """Either every unit (``errors`` empty) or every problem (``units`` empty)."""

    units: tuple[CareUnit, ...] = ()
    errors: tuple[RowError, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when the whole file was accepted."""
        return not self.errors


class _Row:
    """Collects the problems of one record while its fields are parsed."""

    def __init__(self, row: int, record: Mapping[str, Any]) -> None:
        self.row = row
        self.record = record
        self.errors: list[RowError] = []

    def fail(self, name: str, problem: str) -> None:
        self.errors.append(RowError(self.row, name, problem))

    def text(self, name: str, *, required: bool = False) -> str | None:
        value = self.record.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(name, "is required")
            return None
        if not isinstance(value, str):
            self.fail(name, "must be text")
            return None
        return value.strip()

    def number(self, name: str, value: Any, kind: type = float) -> Any:
        if value is None or value == "":
            return None
        try:
            if kind is int and isinstance(value, float):
                raise ValueError
            return kind(value)
        except (TypeError, ValueError):
            self.fail(name, f"{value!r} is not a {'whole ' if kind is int else ''}number")
            return None

    def hours(self, name: str, weekday_name: str, holidays: Any = "closed") -> str | None:
        expression = self.text(name)
        weekdays = self.record.get(weekday_name)
        if weekdays in (None, "", []):
            return expression
        if expression is not None:
            self.fail(weekday_name, f"give either {name} or {weekday_name}, not both")
            return expression
        try:
            return weekday_hours_to_osm(weekdays, holidays or "closed")
        except WeekdayHoursError as exc:
            self.fail(weekday_name, str(exc))
            return None


def _address(row: _Row, name: str) -> Address | None:
    value = row.record.get(name)
    if value is None:
        return None
    if not isinstance(value, Mapping):
        row.fail(name, "must be an object with street, postal_code and city")
        return None
    return Address(
        str(value.get("street", "")), str(value.get("postal_code", "")), str(value.get("city", ""))
    )


def _care_types(row: _Row, name: str) -> tuple[CareType, ...]:
    values = row.record.get(name) or []
    if not isinstance(values, list):
        row.fail(name, "must be a list")
        return ()
    out = []
    for v in values:
        try:
            out.append(CareType.parse(str(v)))
        except ValueError:
            row.fail(name, f"unknown care type {v!r}")
    return tuple(out)


def _notices(row: _Row) -> tuple[TemporaryNotice, ...]:
    values = row.record.get("notices") or []
    if not isinstance(values, list):
        row.fail("notices", "must be a list")
        return ()
    notices = []
    for n, item in enumerate(values, 1):
        try:
            notices.append(
                TemporaryNotice(
                    kind=NoticeKind(item["kind"]),
                    valid_from=datetime.fromisoformat(item["valid_from"]),
                    valid_until=datetime.fromisoformat(item["valid_until"]),
                    text=str(item.get("text", "")),
                    opening_hours=item.get("opening_hours"),
                )
            )
        except InvalidCareUnit as exc:
            row.fail("notices", f"notice {n}: {exc.problem}")
        except (KeyError, TypeError, ValueError) as exc:
            row.fail("notices", f"notice {n}: {exc.__class__.__name__} {exc}")
    return tuple(notices)


def _coordinates(row: _Row) -> Coordinates | None:
    c = row.record.get("coordinates")
    if c is None:
        return None
    if not isinstance(c, Mapping):
        row.fail("coordinates", "must be an object with lat and lon")
        return None
    lat, lon = row.number("lat", c.get("lat")), row.number("lon", c.get("lon"))
    if lat is None or lon is None:
        row.fail("coordinates", "needs both lat and lon")
        return None
    try:
        return Coordinates(lat, lon)
    except InvalidCareUnit as exc:
        row.fail(exc.field, exc.problem)
        return None


def _phones(row: _Row) -> tuple[PhoneNumber, ...]:
    phones = []
    for p in row.record.get("phones") or []:
        if not isinstance(p, Mapping) or not p.get("number"):
            row.fail("phones", "each phone needs a number")
            continue
        phones.append(PhoneNumber(str(p["number"]), str(p.get("label", "")), p.get("hours")))
    return tuple(phones)


def _status(row: _Row) -> UnitStatus:
    status_text = row.text("status") or UnitStatus.ACTIVE.value
    try:
        return UnitStatus(status_text)
    except ValueError:
        row.fail(
            "status", f"{status_text!r} is not one of {', '.join(s.value for s in UnitStatus)}"
        )
        return UnitStatus.ACTIVE


def _parse_record(row: _Row) -> CareUnit | None:
    rec = row.record
    coords = _coordinates(row)
    age = rec.get("age_group") or {}
    age_min = row.number("age_min", age.get("min_years", 0), int) or 0
    age_max = row.number("age_max", age.get("max_years"), int)
    phones = _phones(row)
    languages = rec.get("languages") or ["sv"]
    status = _status(row)
    fields = {
        "hsa_id": row.text("hsa_id", required=True),
        "name": row.text("name", required=True),
        "region": row.text("region", required=True),
        "municipality_code": row.text("municipality_code", required=True),
        "care_types": _care_types(row, "care_types"),
        "opening_hours": row.hours("opening_hours", "weekday_hours", rec.get("public_holidays")),
        "unit_type": row.text("unit_type") or "",
        "activity_code": row.text("activity_code"),
        "visiting_address": _address(row, "visiting_address"),
        "postal_address": _address(row, "postal_address"),
        "coordinates": coords,
        "phones": phones,
        "drop_in_hours": row.hours(
            "drop_in_hours", "drop_in_weekday_hours", rec.get("drop_in_public_holidays")
        ),
        "languages": tuple(str(x) for x in languages),
        "web_url": row.text("web_url"),
        "e_service_url": row.text("e_service_url"),
        "internal_notes": row.text("internal_notes") or "",
        "notices": _notices(row),
        "status": status,
        "fictional": bool(rec.get("fictional", False)),
    }
    if fields["opening_hours"] is None and rec.get("weekday_hours") in (None, "", []):
        row.fail("opening_hours", "is required (opening_hours or weekday_hours)")
    if row.errors:
        return None
    try:
        unit = CareUnit(age_group=AgeGroup(age_min, age_max), **fields)  # type: ignore[arg-type]
    except InvalidCareUnit as exc:
        row.fail(exc.field, exc.problem)
        return None
    for problem in unit_problems(unit):
        row.fail(problem.field, problem.problem)
    return None if row.errors else unit


def import_records(records: Iterable[Mapping[str, Any]]) -> ImportResult:
    """Validate unit records (JSON-shaped dicts); all of them or none."""
    return import_numbered(enumerate(records, 1))


def import_numbered(
    records: Iterable[tuple[int, Mapping[str, Any]]], errors: Iterable[RowError] = ()
) -> ImportResult:
    """Validate ``(row, record)`` pairs; ``errors`` found earlier are merged by row."""
    units: list[CareUnit] = []
    errors = list(errors)
    first_row: dict[str, int] = {}
    for number, record in records:
        row = _Row(number, record if isinstance(record, Mapping) else {})
        if not isinstance(record, Mapping):
            row.fail("record", "must be an object")
        unit = None
        if not row.errors:
            try:
                unit = _parse_record(row)
            except (AttributeError, KeyError, TypeError, ValueError) as exc:
                # A field of the wrong JSON type somewhere the parsers above do not check.
                row.fail("record", f"malformed record ({exc.__class__.__name__}: {exc})")
        if unit is not None:
            if unit.hsa_id in first_row:
                row.fail("hsa_id", f"{unit.hsa_id} already given in row {first_row[unit.hsa_id]}")
            else:
                first_row[unit.hsa_id] = number
                units.append(unit)
        errors.extend(row.errors)
    if errors:
        return ImportResult(errors=tuple(sorted(errors, key=lambda e: e.row)))
    return ImportResult(units=tuple(units))


def decode_import(data: bytes) -> tuple[str | None, tuple[RowError, ...]]:
    """An imported file's text (UTF-8, with or without a byte order mark), or the error.

    Invalid UTF-8 is one ``file`` error naming the line and the byte, e.g. a file
    saved as Latin-1 by a spreadsheet.
    """
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problem = (
            f"line {line}, column {column}: not valid UTF-8 (byte 0x{data[exc.start]:02x}); "
            "save the file as UTF-8"
        )
        return None, (RowError(0, "file", problem),)


def import_json(text: str) -> ImportResult:
    """Parse a JSON catalog (a list of units, or ``{"units": [...]}``)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return ImportResult(errors=(RowError(0, "file", f"not JSON: {exc}"),))
    if isinstance(data, Mapping):
        data = data.get("units")
    if not isinstance(data, list):
        return ImportResult(errors=(RowError(0, "file", "expected a list of units"),))
    return import_records(data)
