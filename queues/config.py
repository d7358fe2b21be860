"""The queue engine's own configuration: plain, pure dataclasses.

The composition root translates the settings (``queues.toml``, ``regions.toml``)
into these types; the engine never reads settings itself. Nothing here does I/O
or reads the clock: a :class:`WeeklySchedule` answers "open at this instant?"
and "when does that answer next change?" for an instant it is given.

Terms: *samverkan* (collaboration between regions), the national common queue
(nationell samverkanskö), *nattsamverkan* (night pools), overflow groups
(geographic collaboration), *efterarbete* (wrap-up), *återuppringning*
(callback).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = [
    "CallbackPolicy",
    "CommonQueueRule",
    "EngineConfig",
    "NightPoolRule",
    "OverflowRule",
    "RegionRule",
    "WeeklySchedule",
    "Window",
]

MONDAY, SUNDAY = 0, 6


@dataclass(frozen=True, slots=True)
class Window:
    """Open from ``start`` to ``end`` local time on ``days`` (0 = Monday).

    A window whose end is not after its start runs past midnight and belongs
    to the day it starts on (``fri 22:00–07:00`` covers Saturday morning).
    """

    days: frozenset[int]
    start: time
    end: time

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start


@dataclass(frozen=True)
class WeeklySchedule:
    """Opening hours in a time zone, with an optional rule for public holidays.

    ``holidays`` is a set of dates or a predicate; on a holiday the day counts
    as weekday ``holiday_as`` (``6`` = "on holidays treat as Sunday"), or as its
    own weekday when ``holiday_as`` is ``None``.
    """

    windows: tuple[Window, ...]
    timezone: str = "Europe/Stockholm"
    holidays: Collection[date] | Callable[[date], bool] = frozenset()
    holiday_as: int | None = SUNDAY

    def _kind(self, day: date) -> int:
        if self.holiday_as is not None:
            h = self.holidays
            if (h(day) if callable(h) else day in h):
                return self.holiday_as
        return day.weekday()

    def is_open(self, at: datetime) -> bool:
        """Whether the schedule is open at the aware instant ``at``."""
        local = at.astimezone(ZoneInfo(self.timezone))
        t = local.time().replace(tzinfo=None)
        today = self._kind(local.date())
        yesterday = self._kind(local.date() - timedelta(days=1))
        for w in self.windows:
            if not w.crosses_midnight:
                if today in w.days and w.start <= t < w.end:
                    return True
            elif (today in w.days and t >= w.start) or (yesterday in w.days and t < w.end):
                return True
        return False

    def next_change(self, after: datetime, horizon_days: int = 9) -> datetime | None:
        """The first instant after ``after`` at which :meth:`is_open` changes, if any soon."""
        zone = ZoneInfo(self.timezone)
        local = after.astimezone(zone)
        state = self.is_open(after)
        candidates: set[datetime] = set()
        for offset in range(horizon_days):
            day = local.date() + timedelta(days=offset)
            candidates.add(datetime.combine(day, time(0, 0), tzinfo=zone))
            for w in self.windows:
                candidates.add(datetime.combine(day, w.start, tzinfo=zone))
                candidates.add(datetime.combine(day, w.end, tzinfo=zone))
        for c in sorted(candidates):
            if c > after and self.is_open(c) != state:
                return c
        return None


def always_open() -> WeeklySchedule:
    """A schedule that is open around the clock, every day."""
    return WeeklySchedule((Window(frozenset(range(7)), time(0, 0), time(0, 0)),))


@dataclass(frozen=True)
class CommonQueueRule:
    """The national common queue (nationell samverkanskö).

    While open, a caller of a participating region may be answered by a nurse
    of any participating region.
    """

    id: str
    regions: frozenset[str]
    schedule: WeeklySchedule


@dataclass(frozen=True)
class NightPoolRule:
    """Nattsamverkan: ``answering_region`` answers for ``regions`` while the schedule is open."""

    id: str
    answering_region: str
    regions: frozenset[str]
    schedule: WeeklySchedule


@dataclass(frozen=True)
class OverflowRule:
    """Partner regions (geographic collaboration) that help each other.

    A region's callers widen to the partners' nurses after ``after_seconds`` of
    waiting (per call), or for all its callers at once while the region is
    under pressure: predicted wait over ``predicted_wait_over_seconds``, more
    than ``waiting_per_ready_over`` waiting callers per ready nurse, or (with
    ``when_no_nurse_logged_in``) no nurse of the region available.
    """

    id: str
    regions: frozenset[str]
    after_seconds: int = 120
    predicted_wait_over_seconds: int | None = None
    waiting_per_ready_over: float | None = None
    when_no_nurse_logged_in: bool = True


@dataclass(frozen=True)
class RegionRule:
    """Per-region queue behaviour.

    ``max_predicted_wait_seconds``: above it the caller is offered a callback
    (återuppringning), or, with ``close_when_over_limit``, told to call later.
    ``emergency_reminder_seconds``: interval of the "call 112 if it is
    life-threatening" reminder while waiting (``None``: never).
    """

    announce_position: bool = True
    announce_interval_seconds: int = 60
    emergency_reminder_seconds: int | None = 300
    max_predicted_wait_seconds: int = 3600
    callback_enabled: bool = True
    close_when_over_limit: bool = False
    wrap_up_seconds: int = 60


@dataclass(frozen=True)
class CallbackPolicy:
    """Återuppringning: how often and how many times a callback is dialled."""

    max_attempts: int = 3
    retry_interval_seconds: int = 600


@dataclass(frozen=True)
class EngineConfig:
    """Everything the :class:`~queues.engine.Engine` needs to know, from the composition root.

    ``regions`` are the region codes (each has its regional queue, id = code).
    ``national_regions`` serve the national queue proper (calls from abroad,
    relay calls, crisis redirects); ``None`` means every region.
    ``nurse_wrap_up_seconds`` overrides the queue's wrap-up per nurse (set on
    the nurse). ``announcements`` switches the periodic announcement timers
    off (the simulator does, to go fast).

    ``prefer_own_region``: a ready nurse's own region's callers count as having
    arrived ``own_region_head_start_seconds`` earlier than they did (``inf``: a
    strict preference). A bounded head start, because a strict one starves the
    national queue and the partners' callers whenever the own queue is never
    empty (seen in the surge simulation: the national queue was never served).
    """

    regions: tuple[str, ...]
    national_queue_id: str = "national"
    national_regions: frozenset[str] | None = None
    national_wrap_up_seconds: int = 60
    common: CommonQueueRule | None = None
    night_pools: tuple[NightPoolRule, ...] = ()
    overflow: tuple[OverflowRule, ...] = ()
    region_rules: Mapping[str, RegionRule] = field(default_factory=dict)
    default_region_rule: RegionRule = RegionRule()
    prefer_own_region: bool = True
    own_region_head_start_seconds: float = 300.0
    auto_pause_after_misses: int | None = 3
    callback: CallbackPolicy = CallbackPolicy()
    announcements: bool = True
    announce_rounding_seconds: int = 300
    announce_increase_tolerance_seconds: int = 300
    default_handle_seconds: float = 540.0
    handle_time_weight: float = 0.1

    def __post_init__(self) -> None:
        if self.national_queue_id in self.regions:
            raise ValueError("the national queue id must differ from every region code")
        known = set(self.regions)
        for pool in self.night_pools:
            if pool.answering_region not in known or not pool.regions <= known:
                raise ValueError(f"night pool {pool.id} names unknown regions")
        for rule in self.overflow:
            if not rule.regions <= known:
                raise ValueError(f"overflow group {rule.id} names unknown regions")
        if self.common is not None and not self.common.regions <= known:
            raise ValueError(f"common queue {self.common.id} names unknown regions")

    def rule_for(self, region: str) -> RegionRule:
        """The region's rule (the default rule when it has none of its own)."""
        return self.region_rules.get(region, self.default_region_rule)

    @property
    def serving_national(self) -> frozenset[str]:
        return frozenset(self.regions) if self.national_regions is None else self.national_regions
