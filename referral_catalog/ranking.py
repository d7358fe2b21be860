"""How one catalog query is evaluated and ranked (internal to :mod:`.search`).

Rank key of a unit: ``(tier, hours until opening, distance km, name, HSA-id)``
where tier 0 is open at the time, 1 opens within the urgency window and 2 is
neither (only when no time filter is asked for).

Units sharing a schedule share its status, so statuses are computed per
schedule first and the units are visited one status group at a time, best
first. A small group is read whole; a large one is walked by rings of grid
cells around the caller and left as soon as the units still needed are
nearer than any unvisited cell. Once ``limit`` units are found, later (worse)
groups are skipped.
"""

from __future__ import annotations

import heapq
import math
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from referral_catalog.geo import haversine_km
from referral_catalog.model import CareType, Coordinates

if TYPE_CHECKING:
    from referral_catalog.search import CatalogIndex, CatalogQuery

CELL_LAT = 0.05
CELL_LON = 0.1
MIN_CELL_KM = 3.9
"""0.1° of longitude at 69.5° N: the narrowest cell side anywhere in Sweden."""
MAX_WALK_RINGS = 30
"""Past this many rings (at least ~110 km) the rest of a group is read whole."""
NO_SCHEDULE = -1
SMALL_GROUP = 256
"""Groups up to this many units are read whole instead of walked by rings."""

Status = tuple[int, float]
RankKey = tuple[int, float, float, str, str]


def text_key(text: str) -> str:
    """Case- and diacritic-free search key: ``"Vårdcentralen Åby"`` → ``"vardcentralen aby"``."""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class QueryRun:
    """One query's evaluation: per-schedule status, group-wise walk, top ``limit``."""

    def __init__(
        self,
        index: CatalogIndex,
        query: CatalogQuery,
        ts: float | None,
        window: float,
        point: Coordinates | None,
    ) -> None:
        self.ix = index
        self.q = query
        self.ts = ts
        self.window = window
        self.point = point
        self.types: tuple[CareType | None, ...] = query.care_types or (None,)
        self.drop_in = bool(query.drop_in)
        self.schedules = index._drop_in if self.drop_in else index._regular
        self.memo: dict[int, Status | None] = {}
        self.text = None if not query.text else text_key(query.text)
        self.time_filter = query.open_now or query.within is not None
        self.seen: set[int] = set()

    def status(self, sid: int) -> Status | None:
        """``(tier, hours until opening)`` of a schedule, or ``None`` when filtered out."""
        if sid in self.memo:
            return self.memo[sid]
        result: Status | None
        if sid == NO_SCHEDULE:
            result = None if (self.drop_in or self.time_filter) else (2, math.inf)
        elif self.ts is None:
            result = (0, 0.0)
        else:
            is_open, _closes, opens = self.ix._timeline(sid).state_at(self.ts)
            if is_open:
                result = (0, 0.0)
            else:
                wait = math.inf if opens is None else float(math.ceil((opens - self.ts) / 3600))
                in_window = opens is not None and opens - self.ts <= self.window
                if in_window and self.q.within is not None:
                    result = (1, wait)
                elif self.time_filter:
                    result = None
                else:
                    result = (2, wait)
        self.memo[sid] = result
        return result

    def _groups(self) -> list[tuple[Status, list[list[int]]]]:
        """Status groups, best first, each with the member lists of its schedules."""
        groups: dict[Status, list[list[int]]] = {}
        for ct in self.types:
            for sid, members in self.ix._members.get((ct, self.drop_in), {}).items():
                st = self.status(sid)
                if st is not None:
                    groups.setdefault(st, []).append(members)
        return sorted(groups.items())

    def _accept(self, i: int) -> float | None:
        """Distance (``inf`` without a point) when unit ``i`` passes the filters, else None."""
        ix, q = self.ix, self.q
        if q.region is not None and ix._region[i] != q.region:
            return None
        if q.age is not None:
            lo, hi = ix._age[i]
            if q.age < lo or (hi is not None and q.age > hi):
                return None
        if q.drop_in is False and ix._drop_in[i] != NO_SCHEDULE:
            return None
        if q.language is not None and q.language not in ix._langs[i]:
            return None
        if self.text is not None and self.text not in ix._name_key[i]:
            return None
        if self.point is None:
            return math.inf
        lat = ix._lat[i]
        if lat is None:
            return math.inf
        km = haversine_km(self.point.lat, self.point.lon, lat, ix._lon[i])  # type: ignore[arg-type]
        if q.max_distance_km is not None and km > q.max_distance_km:
            return None
        return km

    def collect(self) -> list[tuple[RankKey, int]]:
        """The best ``limit`` units as ``(rank key, unit position)``, best first."""
        found: list[tuple[RankKey, int]] = []
        limit = self.q.limit
        for status, member_lists in self._groups():
            size = sum(len(m) for m in member_lists)
            if self.point is None or size <= SMALL_GROUP:
                batch = self._read_whole(status, member_lists)
            else:
                batch = self._walk(status, limit - len(found), size, member_lists)
            found.extend(heapq.nsmallest(limit - len(found), batch))
            if len(found) >= limit:
                break
        return found

    def _key(self, status: Status, km: float, i: int) -> tuple[RankKey, int]:
        unit = self.ix._units[i]
        return (status[0], status[1], km, unit.name, unit.hsa_id), i

    def _read_whole(
        self, status: Status, member_lists: list[list[int]]
    ) -> list[tuple[RankKey, int]]:
        out = []
        for members in member_lists:
            for i in members:
                if i in self.seen:
                    continue
                self.seen.add(i)
                km = self._accept(i)
                if km is not None:
                    out.append(self._key(status, km, i))
        return out

    def _walk(
        self, status: Status, need: int, size: int, member_lists: list[list[int]]
    ) -> list[tuple[RankKey, int]]:
        """Ring walk over the grid keeping only units whose schedule has ``status``."""
        assert self.point is not None
        ix = self.ix
        out: list[tuple[RankKey, int]] = []
        nearest: list[float] = []  # max-heap (negated) of the ``need`` smallest distances
        ci0, cj0 = int(self.point.lat // CELL_LAT), int(self.point.lon // CELL_LON)
        lo_i, hi_i, lo_j, hi_j = ix._extent
        max_r = max(abs(ci0 - lo_i), abs(ci0 - hi_i), abs(cj0 - lo_j), abs(cj0 - hi_j))
        visited = 0
        for r in range(max_r + 1):
            bound_km = max(0, r - 1) * MIN_CELL_KM
            if self.q.max_distance_km is not None and bound_km > self.q.max_distance_km:
                return out
            if len(nearest) >= need and -nearest[0] < bound_km:
                return out
            if r > MAX_WALK_RINGS:
                return out + self._read_whole(status, member_lists)
            for ci, cj in _ring(ci0, cj0, r):
                for ct in self.types:
                    for i in ix._grid.get((ct, ci, cj), ()):
                        if self.memo.get(self.schedules[i]) != status:
                            continue
                        visited += 1
                        if i in self.seen:
                            continue
                        self.seen.add(i)
                        km = self._accept(i)
                        if km is not None:
                            out.append(self._key(status, km, i))
                            if len(nearest) < need:
                                heapq.heappush(nearest, -km)
                            elif km < -nearest[0]:
                                heapq.heapreplace(nearest, -km)
            if visited >= size:
                break
        for i in ix._no_coords:
            if (
                self.memo.get(self.schedules[i]) == status
                and i not in self.seen
                and any(ct is None or ct in ix._units[i].care_types for ct in self.types)
            ):
                self.seen.add(i)
                km = self._accept(i)
                if km is not None:
                    out.append(self._key(status, km, i))
        return out


def _ring(ci: int, cj: int, r: int) -> Iterable[tuple[int, int]]:
    if r == 0:
        yield ci, cj
        return
    for dj in range(-r, r + 1):
        yield ci - r, cj + dj
        yield ci + r, cj + dj
    for di in range(-r + 1, r):
        yield ci + di, cj - r
        yield ci + di, cj + r
