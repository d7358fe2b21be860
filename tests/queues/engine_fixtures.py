"""Builders for the engine tests: a fictional but realistic collaboration set-up on a fake clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from queues.config import (
    CommonQueueRule,
    EngineConfig,
    NightPoolRule,
    OverflowRule,
    RegionRule,
    WeeklySchedule,
    Window,
)
from queues.engine import Engine
from queues.events import Event

STHLM = ZoneInfo("Europe/Stockholm")
ALL_DAYS = frozenset(range(7))
WEEKDAYS = frozenset(range(5))
REGIONS = ("01", "03", "04", "07", "08", "10", "12", "13", "14", "17", "19", "20", "21", "22")
HOLIDAYS = frozenset({date(2025, 6, 6)})  # Sveriges nationaldag, a Friday


def local(day: date, hh: int, mm: int = 0, ss: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm, ss), tzinfo=STHLM)


MONDAY = date(2025, 3, 3)


def schedule(*windows: tuple[frozenset[int], str, str]) -> WeeklySchedule:
    return WeeklySchedule(tuple(Window(d, time.fromisoformat(s), time.fromisoformat(e))
                                for d, s, e in windows), holidays=HOLIDAYS, holiday_as=6)


def config(**overrides: object) -> EngineConfig:
    base: dict[str, object] = {
        "regions": REGIONS,
        "common": CommonQueueRule("national_common", frozenset({"03", "04", "07", "08", "13"}),
                               schedule((WEEKDAYS, "07:00", "16:00"),
                                        (ALL_DAYS, "22:00", "07:00"))),
        "night_pools": (
            NightPoolRule("night_norr", "20", frozenset({"21", "22"}),
                          schedule((ALL_DAYS, "23:00", "07:00"))),
            NightPoolRule("night_syd", "12", frozenset({"07", "08", "10"}),
                          schedule((ALL_DAYS, "00:00", "06:00"))),
        ),
        "overflow": (OverflowRule("overflow_malardalen", frozenset({"01", "03", "04", "19"}),
                               after_seconds=180, when_no_nurse_logged_in=False),
                  OverflowRule("overflow_vast", frozenset({"13", "14", "17"}),
                               after_seconds=120, when_no_nurse_logged_in=True)),
        "region_rules": {"01": RegionRule(announce_interval_seconds=90,
                                       max_predicted_wait_seconds=2700)},
        "auto_pause_after_misses": 3,
    }
    base.update(overrides)
    return EngineConfig(**base)  # type: ignore[arg-type]


def kinds(events: list[Event], kind: type) -> list:
    return [e for e in events if isinstance(e, kind)]


def offers(events: list[Event]) -> list[tuple[str, str]]:
    from queues.events import CallOffered
    return [(e.call_id, e.nurse_id) for e in events if isinstance(e, CallOffered)]


class Clock:
    """A fake clock that the test moves; the engine only ever sees the times it is given."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


def engine_at(start: datetime, **overrides: object) -> Engine:
    return Engine(config(**overrides), start)


def staff(engine: Engine, at: datetime, *nurses: tuple[str, str]) -> list[Event]:
    """Register and log in nurses given as (nurse id, region)."""
    out: list[Event] = []
    for nurse_id, region in nurses:
        out += engine.add_nurse(nurse_id, region, at)
        out += engine.log_in(nurse_id, at)
    return out


__all__ = [
    "ALL_DAYS",
    "HOLIDAYS",
    "MONDAY",
    "REGIONS",
    "UTC",
    "Clock",
    "config",
    "engine_at",
    "kinds",
    "local",
    "offers",
    "schedule",
    "staff",
]
