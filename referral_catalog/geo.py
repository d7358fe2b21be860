"""Distances (avstånd) and municipality centres (kommuncentrum).

Great-circle distance on a spherical Earth is plenty for "which unit is
nearest": the error against the WGS84 ellipsoid is below 0.5 %.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from pathlib import Path

from referral_catalog.errors import UnknownMunicipality
from referral_catalog.model import Coordinates

EARTH_RADIUS_KM = 6371.0088
DEFAULT_CENTRES_PATH = (
    Path(__file__).resolve().parent.parent / "config" / "catalog" / "municipality_centres.csv"
)


def distance_km(a: Coordinates, b: Coordinates) -> float:
    """Great-circle (haversine) distance between two points, in kilometres."""
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in kilometres between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


class MunicipalityCentres:
    """Centre coordinates per municipality code (kommunkod).

    The default file is derived from GeoNames places (the municipality seat,
    centralort) — see ``config/catalog/README.md``.
    """

    def __init__(self, centres: Mapping[str, Coordinates]) -> None:
        self._centres = dict(centres)

    @classmethod
    def load(cls, path: Path | str = DEFAULT_CENTRES_PATH) -> MunicipalityCentres:
        """Read a CSV with the columns ``kommunkod``, ``lat`` and ``lon``."""
        with open(path, encoding="utf-8", newline="") as fh:
            rows = csv.DictReader(fh)
            return cls(
                {r["kommunkod"]: Coordinates(float(r["lat"]), float(r["lon"])) for r in rows}
            )

    def __contains__(self, code: object) -> bool:
        return code in self._centres

    def __len__(self) -> int:
        return len(self._centres)

    def codes(self) -> tuple[str, ...]:
        """Every known municipality code, sorted."""
        return tuple(sorted(self._centres))

    def centre(self, code: str) -> Coordinates:
        """The centre of municipality ``code``; raises :class:`UnknownMunicipality`."""
        try:
            return self._centres[code]
        except KeyError:
            raise UnknownMunicipality(code) from None
