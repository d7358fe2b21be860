"""Export of care units (export av vårdenheter) to the formats :mod:`.importing` reads.

JSON keeps everything. CSV (RFC 4180: CRLF line ends, so a carriage return inside a
field is quoted too) keeps one phone per unit (the first); ``notices``
is JSON text in its column.

CSV cells are made safe to open in a spreadsheet (OWASP's CSV-injection rule,
:func:`neutralise_cell`): a text cell that would start a formula gets a
leading ``'``, and :func:`restore_cell` (used by the CSV import) takes it off
again, so an exported file imports back to the same values. Numbers (``lat``,
``lon``, ages) are written as numbers and never prefixed, so a negative
coordinate stays ``-33.45``; a phone number such as ``+46 8 123 45 67`` is
text and is exported as ``'+46 8 123 45 67``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from referral_catalog.model import Address, CareUnit

_FORMULA_STARTS = ("=", "+", "-", "@")
_CONTROL_STARTS = ("\t", "\r")

CSV_COLUMNS = (
    "hsa_id",
    "name",
    "region",
    "municipality_code",
    "care_types",
    "unit_type",
    "activity_code",
    "visiting_street",
    "visiting_postal_code",
    "visiting_city",
    "postal_street",
    "postal_postal_code",
    "postal_city",
    "lat",
    "lon",
    "phone",
    "phone_label",
    "phone_hours",
    "opening_hours",
    "weekday_hours",
    "public_holidays",
    "drop_in_hours",
    "age_min",
    "age_max",
    "languages",
    "web_url",
    "e_service_url",
    "internal_notes",
    "notices",
    "status",
    "fictional",
)


def _starts_formula(text: str) -> bool:
    return text.startswith(_CONTROL_STARTS) or text.lstrip().startswith(_FORMULA_STARTS)


def _needs_quote(text: str) -> bool:
    # A value already starting with ' is quoted once more when what follows would be
    # unquoted on import: that keeps restore_cell(neutralise_cell(v)) == v for every v.
    return _starts_formula(text) or (text.startswith("'") and _needs_quote(text[1:]))


def neutralise_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula.

    A text whose first character, or first after leading white space, is ``=``,
    ``+``, ``-`` or ``@``, or which starts with a tab or carriage return, gets a
    leading ``'`` (so ``=HYPERLINK(...)`` cannot send a reader's click, and the
    row, elsewhere). Anything but text (numbers) is returned as it is.
    """
    if isinstance(value, str) and _needs_quote(value):
        return "'" + value
    return value


def restore_cell(text: str) -> str:
    """The value :func:`neutralise_cell` was given: one leading ``'`` it added is removed."""
    if text.startswith("'") and _needs_quote(text[1:]):
        return text[1:]
    return text


def unit_to_record(unit: CareUnit) -> dict[str, Any]:
    """The JSON-shaped record of ``unit`` (what :func:`import_records` reads back)."""

    def addr(a: Address | None) -> dict[str, str] | None:
        return (
            None
            if a is None
            else {"street": a.street, "postal_code": a.postal_code, "city": a.city}
        )

    c = unit.coordinates
    return {
        "hsa_id": unit.hsa_id,
        "name": unit.name,
        "region": unit.region,
        "municipality_code": unit.municipality_code,
        "care_types": [ct.value for ct in unit.care_types],
        "unit_type": unit.unit_type,
        "activity_code": unit.activity_code,
        "visiting_address": addr(unit.visiting_address),
        "postal_address": addr(unit.postal_address),
        "coordinates": None if c is None else {"lat": c.lat, "lon": c.lon},
        "phones": [{"number": p.number, "label": p.label, "hours": p.hours} for p in unit.phones],
        "opening_hours": unit.opening_hours,
        "drop_in_hours": unit.drop_in_hours,
        "age_group": {"min_years": unit.age_group.min_years, "max_years": unit.age_group.max_years},
        "languages": list(unit.languages),
        "web_url": unit.web_url,
        "e_service_url": unit.e_service_url,
        "internal_notes": unit.internal_notes,
        "notices": [
            {
                "kind": n.kind.value,
                "valid_from": n.valid_from.isoformat(),
                "valid_until": n.valid_until.isoformat(),
                "text": n.text,
                "opening_hours": n.opening_hours,
            }
            for n in unit.notices
        ],
        "status": unit.status.value,
        "fictional": unit.fictional,
    }


def export_json(units: Sequence[CareUnit]) -> str:
    """The catalog as JSON (``{"units": [...]}``), readable by :func:`import_json`."""
    return json.dumps({"units": [unit_to_record(u) for u in units]}, ensure_ascii=False, indent=1)


def export_csv(units: Sequence[CareUnit]) -> str:
    """The catalog as CSV (first phone only), readable by :func:`import_csv`.

    Every cell passes :func:`neutralise_cell`.
    """
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for u in units:
        rec = unit_to_record(u)
        va, pa, c = u.visiting_address, u.postal_address, u.coordinates
        phone = u.phones[0] if u.phones else None
        cells = {
            **{
                k: rec[k] or ""
                for k in (
                    "hsa_id",
                    "name",
                    "region",
                    "municipality_code",
                    "unit_type",
                    "activity_code",
                    "opening_hours",
                    "drop_in_hours",
                    "web_url",
                    "e_service_url",
                    "internal_notes",
                    "status",
                )
            },
            "care_types": "|".join(rec["care_types"]),
            "languages": "|".join(u.languages),
            "visiting_street": va.street if va else "",
            "visiting_postal_code": va.postal_code if va else "",
            "visiting_city": va.city if va else "",
            "postal_street": pa.street if pa else "",
            "postal_postal_code": pa.postal_code if pa else "",
            "postal_city": pa.city if pa else "",
            "lat": c.lat if c else "",
            "lon": c.lon if c else "",
            "phone": phone.number if phone else "",
            "phone_label": phone.label if phone else "",
            "phone_hours": (phone.hours or "") if phone else "",
            "age_min": u.age_group.min_years,
            "age_max": "" if u.age_group.max_years is None else u.age_group.max_years,
            "notices": json.dumps(rec["notices"], ensure_ascii=False) if u.notices else "",
            "fictional": "true" if u.fictional else "false",
        }
        writer.writerow({k: neutralise_cell(v) for k, v in cells.items()})
    return out.getvalue()
