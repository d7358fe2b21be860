"""FHIR R4 export of the catalog: Organization, Location and HealthcareService per unit.

Library: ``fhir.resources`` 8.x (pydantic 2, maintained). Its main line is R5,
so the R4-line models of ``fhir.resources.R4B`` (4.3.0) are used, the same
choice as the journal's FHIR export. R4B is a technical correction of R4; for
these three resources the elements written here are unchanged on the wire.
Every resource is built as a dict and validated by ``model_validate`` before
it is written, so the library rejects a malformed one.

Mapping (one unit):

* ``Organization`` ``org-<hsa-id>``: the unit (vårdenhet) with its HSA-id
  (``urn:oid:1.2.752.29.4.19``), phones, postal address, ``active``.
* ``Location`` ``loc-<hsa-id>``: visiting address, WGS84 ``position``, status,
  ``hoursOfOperation`` from the regular hours of a week without holidays.
* ``HealthcareService`` ``hs-<hsa-id>``: care types (local code system),
  ``availableTime`` (same derivation), ``availabilityExceptions`` (the
  ``opening_hours`` text, which also states holiday rules), ``notAvailable``
  for closing notices, ``communication`` languages and the age group as
  ``eligibility``. Internal notes are for nurses and never exported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.healthcareservice import HealthcareService
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.organization import Organization

from referral_catalog.hours import STOCKHOLM, open_intervals
from referral_catalog.model import Address, CareUnit, NoticeKind, PhoneNumber

HSA_ID_SYSTEM = "urn:oid:1.2.752.29.4.19"
CARE_TYPE_SYSTEM = "urn:radgivning:referral-catalog:care-type"
BCP47 = "urn:ietf:bcp:47"
DEFAULT_BASE = "urn:radgivning:catalog"
# A Monday starting a week without Swedish public holidays: regular hours only.
REFERENCE_WEEK = date(2026, 9, 7)
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9.-]")

MODELS = {
    "Organization": Organization,
    "Location": Location,
    "HealthcareService": HealthcareService,
}


def resource_id(prefix: str, hsa_id: str) -> str:
    """A FHIR id (``[A-Za-z0-9.-]{1,64}``) for one of the unit's resources."""
    return f"{prefix}-{_ID_UNSAFE.sub('-', hsa_id)}"[:64]


def weekly_hours(expression: str) -> list[dict[str, Any]]:
    """Regular weekly hours as ``[{"daysOfWeek", "allDay" | "start"/"end"}]``.

    Evaluated over :data:`REFERENCE_WEEK`; spans across midnight are split per
    day and the end of a day is written ``23:59:59`` (FHIR times stop there).
    """
    start = datetime.combine(REFERENCE_WEEK, time(0), STOCKHOLM)
    per_day: dict[int, list[tuple[str, str]]] = {}
    # From the day before, so a Sunday-night span reaches into Monday morning.
    for a, b in open_intervals(expression, start - timedelta(days=1), start + timedelta(days=7)):
        if b <= start:
            continue
        day = max(a, start)
        while day < b:
            midnight = datetime.combine(day.date() + timedelta(days=1), time(0), STOCKHOLM)
            end = min(b, midnight)
            span = (
                day.strftime("%H:%M:%S"),
                "23:59:59" if end == midnight else end.strftime("%H:%M:%S"),
            )
            per_day.setdefault(day.weekday(), []).append(span)
            day = end
    grouped: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for weekday in sorted(per_day):
        grouped.setdefault(tuple(per_day[weekday]), []).append(_DAYS[weekday])
    out: list[dict[str, Any]] = []
    for spans, days in grouped.items():
        if spans == (("00:00:00", "23:59:59"),):
            out.append({"daysOfWeek": days, "allDay": True})
        else:
            out.extend({"daysOfWeek": days, "start": s, "end": e} for s, e in spans)
    return out


def _address(a: Address | None, use: str, kind: str) -> list[dict[str, Any]]:
    if a is None:
        return []
    return [
        {
            "use": use,
            "type": kind,
            "line": [a.street] if a.street else None,
            "postalCode": a.postal_code or None,
            "city": a.city or None,
            "country": "SE",
        }
    ]


def _telecom(phones: Sequence[PhoneNumber], web: str | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [
        {"system": "phone", "value": p.number, "use": "work"} for p in phones
    ]
    if web:
        out.append({"system": "url", "value": web})
    return out


def _prune(value: Any) -> Any:
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, [], {}, "")}
    if isinstance(value, list):
        return [_prune(v) for v in value if v not in (None, [], {}, "")]
    return value


def unit_resources(unit: CareUnit) -> list[dict[str, Any]]:
    """The unit's Organization, Location and HealthcareService as validated JSON dicts."""
    org_id = resource_id("org", unit.hsa_id)
    loc_id = resource_id("loc", unit.hsa_id)
    identifier = [{"system": HSA_ID_SYSTEM, "value": unit.hsa_id}]
    telecom = _telecom(unit.phones, unit.web_url)
    hours = weekly_hours(unit.opening_hours)
    organization = {
        "resourceType": "Organization",
        "id": org_id,
        "identifier": identifier,
        "active": unit.is_active,
        "type": [{"text": unit.unit_type}] if unit.unit_type else None,
        "name": unit.name,
        "telecom": telecom,
        "address": _address(unit.postal_address, "work", "postal"),
    }
    location = _location(unit, loc_id, org_id, identifier, telecom, hours)
    service = _healthcare_service(unit, loc_id, org_id, identifier, telecom, hours)
    return [_validated(r) for r in (organization, location, service)]


def _location(unit: CareUnit, loc_id: str, org_id: str, identifier: list[dict[str, Any]],
              telecom: list[dict[str, Any]], hours: list[dict[str, Any]]) -> dict[str, Any]:
    """Where the unit is (besöksadress, position) and when it is open."""
    c = unit.coordinates
    return {
        "resourceType": "Location",
        "id": loc_id,
        "identifier": identifier,
        "status": "active" if unit.is_active else "inactive",
        "name": unit.name,
        "mode": "instance",
        "telecom": telecom,
        "address": next(iter(_address(unit.visiting_address, "work", "physical")), None),
        "position": None if c is None else {"longitude": c.lon, "latitude": c.lat},
        "managingOrganization": {"reference": f"Organization/{org_id}"},
        "hoursOfOperation": [_location_hours(h) for h in hours],
        "availabilityExceptions": unit.opening_hours,
    }


def _healthcare_service(unit: CareUnit, loc_id: str, org_id: str,
                        identifier: list[dict[str, Any]], telecom: list[dict[str, Any]],
                        hours: list[dict[str, Any]]) -> dict[str, Any]:
    """What the unit offers (care types), to whom (ages, languages) and when."""
    age = unit.age_group
    return {
        "resourceType": "HealthcareService",
        "id": resource_id("hs", unit.hsa_id),
        "identifier": identifier,
        "active": unit.is_active,
        "providedBy": {"reference": f"Organization/{org_id}", "display": unit.name},
        "category": [{"text": unit.unit_type}] if unit.unit_type else None,
        "type": [
            {
                "coding": [{"system": CARE_TYPE_SYSTEM, "code": ct.value, "display": ct.label}],
                "text": ct.label,
            }
            for ct in unit.care_types
        ],
        "location": [{"reference": f"Location/{loc_id}"}],
        "name": unit.name,
        "telecom": telecom,
        "eligibility": (
            [{"code": {"text": "ålder"}, "comment": _age_text(age.min_years, age.max_years)}]
            if age.is_limited
            else None
        ),
        "communication": [{"coding": [{"system": BCP47, "code": lang}]} for lang in unit.languages],
        "availableTime": [_service_hours(h) for h in hours],
        "notAvailable": [
            {
                "description": n.text or "Tillfälligt stängt",
                "during": {"start": n.valid_from.isoformat(), "end": n.valid_until.isoformat()},
            }
            for n in unit.notices
            if n.kind is NoticeKind.CLOSED
        ],
        "availabilityExceptions": unit.opening_hours,
    }


def _age_text(lo: int, hi: int | None) -> str:
    return f"{lo} år och äldre" if hi is None else f"{lo}–{hi} år"


def _location_hours(h: dict[str, Any]) -> dict[str, Any]:
    if h.get("allDay"):
        return {"daysOfWeek": h["daysOfWeek"], "allDay": True}
    return {"daysOfWeek": h["daysOfWeek"], "openingTime": h["start"], "closingTime": h["end"]}


def _service_hours(h: dict[str, Any]) -> dict[str, Any]:
    if h.get("allDay"):
        return {"daysOfWeek": h["daysOfWeek"], "allDay": True}
    return {
        "daysOfWeek": h["daysOfWeek"],
        "availableStartTime": h["start"],
        "availableEndTime": h["end"],
    }


def _validated(resource: dict[str, Any]) -> dict[str, Any]:
    pruned = _prune(resource)
    model_class: Any = MODELS[pruned["resourceType"]]
    model = model_class.model_validate(pruned)
    return json.loads(model.model_dump_json())  # type: ignore[no-any-return]


def export_bundle(
    units: Iterable[CareUnit], at: datetime, base: str = DEFAULT_BASE
) -> dict[str, Any]:
    """A ``collection`` Bundle with three resources per unit, validated as a whole."""
    entries = []
    for unit in units:
        for r in unit_resources(unit):
            entries.append({"fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r})
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": at.isoformat(),
        "total": None,
        "entry": entries,
    }
    Bundle.model_validate(_prune(bundle))
    return _prune(bundle)  # type: ignore[no-any-return]


def export_bundle_json(units: Iterable[CareUnit], at: datetime) -> str:
    """:func:`export_bundle` as JSON text."""
    return json.dumps(export_bundle(units, at), ensure_ascii=False, indent=1)
