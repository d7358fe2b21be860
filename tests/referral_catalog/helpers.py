"""Builders for referral-catalog tests: units with sensible defaults, Stockholm times."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from referral_catalog.hours import STOCKHOLM
from referral_catalog.model import CareType, CareUnit, Coordinates

# Region Stockholm's organisation number (config/regions.toml): valid check digit.
ORGNR = "2321000016"


def at(text: str) -> datetime:
    """A Stockholm wall-clock time, e.g. ``at("2026-06-19 10:00")``."""
    return datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


def unit(suffix: str = "T1", **overrides: Any) -> CareUnit:
    """A valid active vårdcentral in Stockholm (0180) open weekdays 08-17, closed on PH."""
    fields: dict[str, Any] = {
        "hsa_id": f"SE{ORGNR}-{suffix}",
        "name": f"Vårdcentralen Exempelby {suffix}",
        "region": "01",
        "municipality_code": "0180",
        "care_types": (CareType.VARDCENTRAL,),
        "opening_hours": "Mo-Fr 08:00-17:00; PH off",
        "coordinates": Coordinates(59.3294, 18.0687),
        "fictional": True,
    }
    fields.update(overrides)
    return CareUnit(**fields)
