"""``queues.toml``: the national queue and how regions collaborate (samverkan).

Only configuration lives here: which queues exist, when the national common
queue (nationell samverkanskö) and the night pools (nattsamverkan) are open,
which regions overflow to each other, and per-region queue options; and
:func:`engine_config`, which translates them (with the call flow's settings and
the regions) into the engine's :class:`~queues.config.EngineConfig`. The engine
never reads settings. Public holidays come from a maintained calendar (the
``holidays`` package), with the eves a Swedish advice line staffs as holidays —
midsommarafton, julafton and nyårsafton — added, since they are not official
public holidays but every schedule treats them as such.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from functools import lru_cache
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import holidays

from queues.config import (
    CallbackPolicy,
    CommonQueueRule,
    EngineConfig,
    NightPoolRule,
    OverflowRule,
    RegionRule,
    WeeklySchedule,
    Window,
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class QueueRef:
    """A queue's stable id (used in call records and the API) and its display name."""

    id: str
    name: str


@dataclass(frozen=True)
class CommonQueue:
    """The national common queue: participating regions share nurses while it is open."""

    id: str
    name: str
    regions: frozenset[str]
    schedule: WeeklySchedule


@dataclass(frozen=True)
class NightPool:
    """One region answers for a group of regions while the schedule is open."""

    id: str
    name: str
    answering_region: str
    regions: frozenset[str]
    schedule: WeeklySchedule


@dataclass(frozen=True)
class OverflowGroup:
    """Partner regions that take each other's callers after ``after_seconds`` of waiting."""

    id: str
    name: str
    regions: frozenset[str]
    after_seconds: int


@dataclass(frozen=True)
class RegionQueueOptions:
    """Per-region queue behaviour (``[region_defaults]`` overridden by ``[regions."NN"]``)."""

    announce_position: bool = True
    announce_interval_seconds: int = 60
    max_predicted_wait_seconds: int = 3600
    close_when_over_limit: bool = False
    """Ring senare: over the limit, tell new callers to call later instead of queueing them."""
    emergency_reminder_seconds: int = 300
    """Seconds between "call 112 if it is life-threatening" reminders to a waiting caller."""


@dataclass(frozen=True)
class QueueSettings:
    """Everything in ``queues.toml``."""

    national_queue: QueueRef = QueueRef(id="national", name="Nationell kö")
    national_common_queue: CommonQueue | None = None
    night_pools: tuple[NightPool, ...] = ()
    overflow_groups: tuple[OverflowGroup, ...] = ()
    region_defaults: RegionQueueOptions = RegionQueueOptions()
    region_options: Mapping[str, RegionQueueOptions] = field(default_factory=dict)

    def options_for(self, region: str) -> RegionQueueOptions:
        """The queue options of ``region`` (the defaults when it has none of its own)."""
        return self.region_options.get(region, self.region_defaults)


class _Reader:
    """Collects problems while reading one file, so all of them are reported at once."""

    def __init__(self, source: str, regions: Collection[str], problems: list[str]) -> None:
        self.source = source
        self.regions = regions
        self.problems = problems

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{self.source}: {key}: {message}")

    def table(self, data: Any, key: str, allowed: Collection[str]) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.problem(key, f"expected a table, got {type(data).__name__}")
            return {}
        for name in data:
            if name not in allowed:
                self.problem(f"{key}.{name}" if key else name,
                             f"unknown key (allowed: {', '.join(sorted(allowed))})")
        return data

    def value(self, data: dict[str, Any], key: str, name: str, kind: type, default: Any) -> Any:
        if name not in data:
            if default is _REQUIRED:
                self.problem(f"{key}.{name}", "missing")
            return None if default is _REQUIRED else default
        value = data[name]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if not ok:
            self.problem(f"{key}.{name}", f"expected {kind.__name__}, got {value!r}")
            return None if default is _REQUIRED else default
        return value

    def region(self, key: str, code: Any) -> str | None:
        if not isinstance(code, str) or code not in self.regions:
            self.problem(key, f"unknown region code {code!r} (not in regions.toml)")
            return None
        return code

    def region_set(self, data: dict[str, Any], key: str, name: str) -> frozenset[str]:
        codes = data.get(name)
        if not isinstance(codes, list) or not codes:
            self.problem(f"{key}.{name}", "expected a non-empty list of region codes")
            return frozenset()
        return frozenset(c for i, c in enumerate(codes)
                         if self.region(f"{key}.{name}[{i}]", c) is not None)

    def clock_time(self, key: str, value: Any) -> time:
        match = _HHMM.match(value) if isinstance(value, str) else None
        if match is None:
            self.problem(key, f"expected a time as \"HH:MM\", got {value!r}")
            return time(0, 0)
        return time(int(match[1]), int(match[2]))

    def schedule(self, data: Any, key: str) -> WeeklySchedule:
        data = self.table(data, key, ("timezone", "windows"))
        zone = self.value(data, key, "timezone", str, "Europe/Stockholm")
        try:
            ZoneInfo(zone)
        except (ValueError, KeyError, OSError):
            self.problem(f"{key}.timezone", f"unknown time zone {zone!r}")
        raw_windows = data.get("windows")
        if not isinstance(raw_windows, list) or not raw_windows:
            self.problem(f"{key}.windows", "expected a non-empty list of {days, start, end}")
            raw_windows = []
        windows = []
        for i, raw in enumerate(raw_windows):
            wkey = f"{key}.windows[{i}]"
            raw = self.table(raw, wkey, ("days", "start", "end"))
            days = raw.get("days")
            if not isinstance(days, list) or not days or any(d not in WEEKDAYS for d in days):
                self.problem(f"{wkey}.days", f"expected a non-empty list of {', '.join(WEEKDAYS)}")
                days = []
            start = self.clock_time(f"{wkey}.start", raw.get("start"))
            end = self.clock_time(f"{wkey}.end", raw.get("end"))
            if start == end and "start" in raw:
                self.problem(wkey, "start and end are equal; a window must have a length")
            windows.append(Window(frozenset(WEEKDAYS.index(d) for d in days), start, end))
        # The queue engine's own schedule type; public holidays are added where the engine
        # is configured (queues.settings), none here.
        return WeeklySchedule(tuple(windows), timezone=zone, holidays=frozenset())

    def options(self, data: Any, key: str, base: RegionQueueOptions) -> RegionQueueOptions:
        data = self.table(data, key, ("announce_position", "announce_interval_seconds",
                                      "max_predicted_wait_seconds", "close_when_over_limit",
                                      "emergency_reminder_seconds"))
        out = RegionQueueOptions(
            announce_position=self.value(data, key, "announce_position", bool,
                                         base.announce_position),
            announce_interval_seconds=self.value(data, key, "announce_interval_seconds", int,
                                                 base.announce_interval_seconds),
            max_predicted_wait_seconds=self.value(data, key, "max_predicted_wait_seconds", int,
                                                  base.max_predicted_wait_seconds),
            close_when_over_limit=self.value(data, key, "close_when_over_limit", bool,
                                             base.close_when_over_limit),
            emergency_reminder_seconds=self.value(data, key, "emergency_reminder_seconds", int,
                                                  base.emergency_reminder_seconds),
        )
        for name in ("announce_interval_seconds", "max_predicted_wait_seconds",
                     "emergency_reminder_seconds"):
            if getattr(out, name) <= 0:
                self.problem(f"{key}.{name}", "must be greater than zero")
        return out


_REQUIRED = object()
_TOP = ("national_queue", "national_common_queue", "night_pools", "overflow_groups",
        "region_defaults", "regions")


def parse_queues(data: dict[str, Any], source: str, regions: Collection[str],
                 problems: list[str]) -> QueueSettings:
    """Read the parsed ``queues.toml``; problems are appended as ``file: key: message``."""
    r = _Reader(source, regions, problems)
    r.table(data, "", _TOP)
    nq = r.table(data.get("national_queue", {}), "national_queue", ("id", "name"))
    national = QueueRef(id=r.value(nq, "national_queue", "id", str, "national"),
                        name=r.value(nq, "national_queue", "name", str, "Nationell kö"))
    common = None
    if "national_common_queue" in data:
        key = "national_common_queue"
        cq = r.table(data[key], key, ("id", "name", "regions", "schedule"))
        common = CommonQueue(
            id=r.value(cq, key, "id", str, "national_common"),
            name=r.value(cq, key, "name", str, "Nationell samverkanskö"),
            regions=r.region_set(cq, key, "regions"),
            schedule=r.schedule(cq.get("schedule", {}), f"{key}.schedule"),
        )
    pools = []
    for i, raw in enumerate(_list(r, data, "night_pools")):
        key = f"night_pools[{i}]"
        raw = r.table(raw, key, ("id", "name", "answering_region", "regions", "schedule"))
        answering = r.region(f"{key}.answering_region", raw.get("answering_region"))
        pools.append(NightPool(
            id=r.value(raw, key, "id", str, _REQUIRED),
            name=r.value(raw, key, "name", str, _REQUIRED),
            answering_region=answering or "",
            regions=r.region_set(raw, key, "regions"),
            schedule=r.schedule(raw.get("schedule", {}), f"{key}.schedule"),
        ))
    groups = []
    for i, raw in enumerate(_list(r, data, "overflow_groups")):
        key = f"overflow_groups[{i}]"
        raw = r.table(raw, key, ("id", "name", "regions", "after_seconds"))
        groups.append(OverflowGroup(
            id=r.value(raw, key, "id", str, _REQUIRED),
            name=r.value(raw, key, "name", str, _REQUIRED),
            regions=r.region_set(raw, key, "regions"),
            after_seconds=r.value(raw, key, "after_seconds", int, 120),
        ))
    defaults = r.options(data.get("region_defaults", {}), "region_defaults",
                         RegionQueueOptions())
    per_region = {}
    raw_regions = r.table(data.get("regions", {}), "regions", list(data.get("regions", {})))
    for code, raw in raw_regions.items():
        if r.region(f"regions.{code}", code) is not None:
            per_region[code] = r.options(raw, f"regions.{code}", defaults)
    _check_unique_ids(r, [national.id] + ([common.id] if common else [])
                      + [p.id for p in pools] + [g.id for g in groups])
    return QueueSettings(national, common, tuple(pools), tuple(groups), defaults, per_region)


def _list(r: _Reader, data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        r.problem(key, "expected an array of tables ([[" + key + "]])")
        return []
    return value


def _check_unique_ids(r: _Reader, ids: Sequence[str | None]) -> None:
    seen: set[str] = set()
    for queue_id in ids:
        if queue_id is None:
            continue
        if queue_id in seen:
            r.problem("id", f"queue id {queue_id!r} is used more than once")
        seen.add(queue_id)


class CallflowRules(Protocol):
    """The call flow's settings the engine follows (``[callflow]`` of ``service.toml``)."""

    wrapup_seconds: float
    max_unanswered_offers: int
    callback_max_attempts: int
    callback_retry_seconds: float


class SettingsSource(Protocol):
    """The parts of the service's settings the queue engine's configuration comes from."""

    @property
    def queues(self) -> QueueSettings: ...

    @property
    def callflow(self) -> CallflowRules: ...

    @property
    def regions(self) -> Mapping[str, Any]: ...


@lru_cache(maxsize=64)
def _swedish_holidays(year: int) -> frozenset[date]:
    official = set(holidays.Sweden(years=year, include_sundays=False))
    midsummer_day = next(d for d in official if d.month == 6 and d.day >= 20)
    eves = {midsummer_day - timedelta(days=1), date(year, 12, 24), date(year, 12, 31)}
    return frozenset(official | eves)


def is_swedish_holiday(day: date) -> bool:
    """Public holiday or holiday eve (midsommarafton, julafton, nyårsafton)."""
    return day in _swedish_holidays(day.year)


def weekly_schedule(schedule: WeeklySchedule) -> WeeklySchedule:
    """A configured schedule with the Swedish holiday calendar (holidays count as Sundays)."""
    return replace(schedule, holidays=is_swedish_holiday)


def engine_config(settings: SettingsSource, *, announcements: bool = True) -> EngineConfig:
    """The :class:`~queues.config.EngineConfig` described by the service's ``settings``
    (its ``queues``, ``callflow`` and ``regions``)."""
    q = settings.queues
    cf = settings.callflow
    wrap_up = round(cf.wrapup_seconds)
    common = None
    if q.national_common_queue is not None:
        c = q.national_common_queue
        common = CommonQueueRule(c.id, frozenset(c.regions), weekly_schedule(c.schedule))
    pools = tuple(NightPoolRule(p.id, p.answering_region, frozenset(p.regions),
                                weekly_schedule(p.schedule)) for p in q.night_pools)
    overflow = tuple(OverflowRule(g.id, frozenset(g.regions), g.after_seconds)
                     for g in q.overflow_groups)

    def rule(code: str) -> RegionRule:
        options = q.options_for(code)
        return RegionRule(announce_position=options.announce_position,
                          announce_interval_seconds=options.announce_interval_seconds,
                          max_predicted_wait_seconds=options.max_predicted_wait_seconds,
                          close_when_over_limit=options.close_when_over_limit,
                          emergency_reminder_seconds=options.emergency_reminder_seconds,
                          wrap_up_seconds=wrap_up)

    regions = tuple(sorted(settings.regions))
    return EngineConfig(
        regions=regions,
        national_queue_id=q.national_queue.id,
        national_wrap_up_seconds=wrap_up,
        common=common,
        night_pools=pools,
        overflow=overflow,
        region_rules={code: rule(code) for code in regions},
        auto_pause_after_misses=cf.max_unanswered_offers,
        callback=CallbackPolicy(max_attempts=cf.callback_max_attempts,
                                retry_interval_seconds=cf.callback_retry_seconds),
        announcements=announcements,
    )
