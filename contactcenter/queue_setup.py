"""The queue engine's configuration from the settings (``queues.toml``, ``regions.toml``).

The engine (:mod:`queues.engine`) never reads settings; this module translates
them. Public holidays come from a maintained calendar (the ``holidays``
package), with the eves a Swedish advice line staffs as holidays —
midsommarafton, julafton and nyårsafton — added, since they are not official
public holidays but every schedule treats them as such.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from functools import lru_cache

import holidays

from contactcenter.settings import Settings
from queues.config import (
    CallbackPolicy,
    CommonQueueRule,
    EngineConfig,
    NightPoolRule,
    OverflowRule,
    RegionRule,
    WeeklySchedule,
)


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


def engine_config(settings: Settings, *, announcements: bool = True) -> EngineConfig:
    """The :class:`~queues.config.EngineConfig` described by ``settings``."""
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
