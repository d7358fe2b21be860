"""Distances (avstånd) and municipality centres (kommuncentrum).

Great-circle distance on a spherical Earth is plenty for "which unit is
nearest": the error against the WGS84 ellipsoid is below 0.5 %.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator, Mapping
from pathlib import Path

from referral_catalog.errors import InvalidCareUnit, UnknownMunicipality
from referral_catalog.model import Coordinates

EARTH_RADIUS_KM = 6371.0088
DEFAULT_CENTRES_PATH = (
    Path(__file__).resolve().parent.parent / "config" / "catalog" / "municipality_centres.csv"
)


class CentresFileError(ValueError):
    """The municipality centres file is wrong; ``problems`` lists ``file: line N: problem``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


def _centre_rows(path: Path, problems: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        problems.append(f"{path.name}: cannot be read: {exc.strerror or exc}")
        return
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        problems.append(f"{path.name}: line {line}: not valid UTF-8")
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    if not {"kommunkod", "lat", "lon"} <= set(header):
        problems.append(f"{path.name}: line 1: the header must name kommunkod, lat and lon")
        return
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(f"{path.name}: line {reader.line_num}: expected {len(header)} "
                            f"columns, got {len(cells)}")
            continue
        yield reader.line_num, dict(zip(header, (c.strip() for c in cells), strict=True))


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
        """Read a CSV with the columns ``kommunkod``, ``lat`` and ``lon``.

        Raises :class:`CentresFileError` naming the file and line of every problem
        (it is read when the service starts: a bad line must not be a traceback).
        """
        path = Path(path)
        problems: list[str] = []
        centres: dict[str, Coordinates] = {}
        for line, row in _centre_rows(path, problems):
            code, lat, lon = (row.get(k) or "" for k in ("kommunkod", "lat", "lon"))
            try:
                if not (len(code) == 4 and code.isascii() and code.isdigit()):
                    raise ValueError(f"kommunkod {code!r} is not four digits")
                centres[code] = Coordinates(float(lat), float(lon))
            except InvalidCareUnit as exc:
                problems.append(f"{path.name}: line {line}: {exc.problem}")
            except ValueError as exc:
                problems.append(f"{path.name}: line {line}: {exc}")
        if problems:
            raise CentresFileError(problems)
        return cls(centres)

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
