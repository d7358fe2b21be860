"""The nurse's catalog search (sök i hänvisningskatalogen): filters, ranking and "why".

:class:`CatalogIndex` is an immutable in-memory index over care units. A query
filters by care type, region, age, drop-in, language and name, evaluates the
opening hours at the given time (open now, or opening within the urgency
window), measures the distance from the caller and ranks by suitability:

1. open at the time, then opening within the window, then the rest;
2. among those opening later: sooner first, in whole hours;
3. nearer first (then name, then HSA-id, so the order is stable).

Speed: units that share hours (same expression, no notices) share one
:class:`~referral_catalog.hours.Timeline`, evaluated once per query; with a
point, units are visited by rings of grid cells around it and the search stops
as soon as no unvisited unit can enter the result (usually after a few rings).
Timelines cover a horizon of about two weeks around the searched time and are
re-made when a query falls outside it (``prepare(at)`` does it up front).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from referral_catalog.errors import InvalidQuery
from referral_catalog.geo import MunicipalityCentres
from referral_catalog.hours import (
    STOCKHOLM,
    HoursState,
    Timeline,
    build_timeline,
    holiday_name,
    state_from_timeline,
    to_local,
)
from referral_catalog.model import CareType, CareUnit, Coordinates, TemporaryNotice
from referral_catalog.ranking import CELL_LAT, CELL_LON, NO_SCHEDULE, QueryRun, RankKey, text_key
from referral_catalog.why import Reason, age_reason, distance_reason, drop_in_reason, hours_reasons

_HORIZON_DAYS = 16
_INF = math.inf


@dataclass(frozen=True, slots=True)
class CatalogQuery:
    """What the nurse searches for. Times are aware; ``at`` is required for time filters.

    ``open_now``: open at ``at``. ``within``: open at ``at`` or opening before
    ``at + within`` (the urgency window). ``municipality`` (kommunkod) or
    ``point`` give the caller's position; ``point`` wins when both are given.
    ``drop_in=True`` keeps units with drop-in and evaluates their drop-in hours.
    """

    region: str | None = None
    care_types: tuple[CareType, ...] = ()
    at: datetime | None = None
    open_now: bool = False
    within: timedelta | None = None
    age: int | None = None
    municipality: str | None = None
    point: Coordinates | None = None
    drop_in: bool | None = None
    language: str | None = None
    text: str | None = None
    limit: int = 20
    max_distance_km: float | None = None


@dataclass(frozen=True, slots=True)
class UnitHit:
    """One suggested unit and why. ``open`` is ``None`` when no time was given."""

    unit: CareUnit
    open: bool | None
    opens_at: datetime | None
    closes_at: datetime | None
    distance_km: float | None
    why: tuple[str, ...]
    reasons: tuple[Reason, ...]


@dataclass(slots=True)
class _Prepared:
    start: float
    end: float
    timelines: dict[int, Timeline]


class CatalogIndex:
    """In-memory search index over care units (inactive units are left out).

    The indexed units never change (build a new index for a new catalog); the
    only mutable state is the cache of timelines for the current horizon, so a
    query never blocks on I/O and needs no lock in one event loop.
    """

    def __init__(
        self, units: Sequence[CareUnit], centres: MunicipalityCentres | None = None
    ) -> None:
        self._all = {u.hsa_id: u for u in units}
        self._units = tuple(u for u in units if u.is_active)
        self._centres = centres
        self._schedules: list[tuple[str, tuple[TemporaryNotice, ...]]] = []
        sched_ids: dict[tuple[str, tuple[TemporaryNotice, ...]], int] = {}

        def schedule_of(expr: str | None, unit: CareUnit) -> int:
            if expr is None:
                return NO_SCHEDULE
            key = (expr, tuple(n for n in unit.notices if n.overrides_hours))
            if key not in sched_ids:
                sched_ids[key] = len(self._schedules)
                self._schedules.append(key)
            return sched_ids[key]

        self._regular = [schedule_of(u.opening_hours, u) for u in self._units]
        self._drop_in = [schedule_of(u.drop_in_hours, u) for u in self._units]
        self._region = [u.region for u in self._units]
        self._age = [(u.age_group.min_years, u.age_group.max_years) for u in self._units]
        self._langs = [frozenset(u.languages) for u in self._units]
        self._name_key = [text_key(u.name) for u in self._units]
        self._lat: list[float | None] = []
        self._lon: list[float | None] = []
        self._by_type: dict[CareType | None, list[int]] = {None: list(range(len(self._units)))}
        self._grid: dict[tuple[CareType | None, int, int], list[int]] = {}
        # (care type or None, drop-in?) -> schedule -> units: walked one status at a time
        self._members: dict[tuple[CareType | None, bool], dict[int, list[int]]] = {}
        for i, unit in enumerate(self._units):
            c = unit.coordinates
            self._lat.append(None if c is None else c.lat)
            self._lon.append(None if c is None else c.lon)
            for ct in (None, *unit.care_types):
                if ct is not None:
                    self._by_type.setdefault(ct, []).append(i)
                for drop, sid in ((False, self._regular[i]), (True, self._drop_in[i])):
                    self._members.setdefault((ct, drop), {}).setdefault(sid, []).append(i)
                if c is not None:
                    cell = (ct, int(c.lat // CELL_LAT), int(c.lon // CELL_LON))
                    self._grid.setdefault(cell, []).append(i)
        self._no_coords = [i for i, lat in enumerate(self._lat) if lat is None]
        cells = [(ci, cj) for (_ct, ci, cj) in self._grid]
        self._extent = (
            (
                min(c[0] for c in cells),
                max(c[0] for c in cells),
                min(c[1] for c in cells),
                max(c[1] for c in cells),
            )
            if cells
            else (0, 0, 0, 0)
        )
        self._prepared: _Prepared | None = None

    @classmethod
    def build(
        cls, units: Iterable[CareUnit], centres: MunicipalityCentres | None = None
    ) -> CatalogIndex:
        """Index ``units``; ``centres`` (default: the shipped file) locate municipalities."""
        return cls(list(units), centres)

    def __len__(self) -> int:
        return len(self._units)

    def get(self, hsa_id: str) -> CareUnit | None:
        """The unit with this HSA-id (active or not), if indexed."""
        return self._all.get(hsa_id)

    @property
    def centres(self) -> MunicipalityCentres:
        """The municipality centres used for distances."""
        if self._centres is None:
            self._centres = MunicipalityCentres.load()
        return self._centres

    def prepare(self, at: datetime, margin: timedelta = timedelta(days=2)) -> None:
        """Make every timeline for a horizon around ``at`` now (else lazily on first use)."""
        self._ensure_horizon(to_local(at).timestamp(), margin.total_seconds())
        assert self._prepared is not None
        for sid in range(len(self._schedules)):
            self._timeline(sid)
        holiday_name(to_local(at).date())  # loads the holiday calendar up front

    def suggest(
        self,
        care_types: Iterable[CareType],
        at: datetime,
        within: timedelta | None,
        *,
        municipality: str | None = None,
        point: Coordinates | None = None,
        age: int | None = None,
        region: str | None = None,
        drop_in: bool | None = None,
        language: str | None = None,
        limit: int = 10,
    ) -> list[UnitHit]:
        """The suggestion list for an assessment: the care types and urgency window it gave.

        ``within=None`` asks for units open at ``at``.
        """
        return self.search(
            CatalogQuery(
                care_types=tuple(care_types),
                at=at,
                open_now=within is None,
                within=within,
                municipality=municipality,
                point=point,
                age=age,
                region=region,
                drop_in=drop_in,
                language=language,
                limit=limit,
            )
        )

    def search(self, query: CatalogQuery) -> list[UnitHit]:
        """Units matching ``query``, best first, each with why it was suggested."""
        if (query.open_now or query.within is not None) and query.at is None:
            raise InvalidQuery("open_now and within need the time 'at'")
        if query.limit <= 0:
            return []
        point = query.point
        if point is None and query.municipality is not None:
            point = self.centres.centre(query.municipality)
        ts = None if query.at is None else to_local(query.at).timestamp()
        window = 0.0 if query.within is None else query.within.total_seconds()
        if ts is not None:
            self._ensure_horizon(ts, window)
        run = QueryRun(self, query, ts, window, point)
        ranked = run.collect()
        return [self._hit(i, key, query, point) for key, i in ranked]

    # -- internals ---------------------------------------------------------------

    def _ensure_horizon(self, ts: float, window: float) -> None:
        p = self._prepared
        if p is not None and p.start <= ts and ts + window + 86400 * 2 < p.end:
            return
        local = datetime.fromtimestamp(ts, STOCKHOLM)
        start = local.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=1)
        days = _HORIZON_DAYS + math.ceil(window / 86400)
        end = start + timedelta(days=days)
        self._prepared = _Prepared(start.timestamp(), end.timestamp(), {})

    def _timeline(self, sid: int) -> Timeline:
        p = self._prepared
        assert p is not None
        tl = p.timelines.get(sid)
        if tl is None:
            expr, notices = self._schedules[sid]
            tl = build_timeline(
                expr,
                datetime.fromtimestamp(p.start, STOCKHOLM),
                datetime.fromtimestamp(p.end, STOCKHOLM),
                notices,
            )
            p.timelines[sid] = tl
        return tl

    def _hit(self, i: int, key: RankKey, query: CatalogQuery, point: Coordinates | None) -> UnitHit:
        unit = self._units[i]
        reasons: list[Reason] = []
        state: HoursState | None = None
        if query.at is not None:
            sid = self._drop_in[i] if query.drop_in else self._regular[i]
            if sid != NO_SCHEDULE:
                state = state_from_timeline(self._timeline(sid), query.at, unit.notices)
            if state is not None:
                mentions_ph = "PH" in (self._schedules[sid][0])
                reasons.extend(hours_reasons(state, query.at, regular_mentions_ph=mentions_ph))
        if query.drop_in:
            reasons.append(drop_in_reason())
        km = key[2] if key[2] != _INF else None
        if point is not None and km is not None:
            reasons.append(distance_reason(km))
        if query.age is not None and unit.age_group.is_limited:
            reasons.append(age_reason(unit.age_group))
        return UnitHit(
            unit=unit,
            open=None if state is None else state.open,
            opens_at=None if state is None else state.opens_at,
            closes_at=None if state is None else state.closes_at,
            distance_km=None if km is None else round(km, 1),
            why=tuple(r.text for r in reasons),
            reasons=tuple(reasons),
        )
