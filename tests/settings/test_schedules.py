"""Opening hours of collaboration schedules (local time, windows past midnight)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

from contactcenter.settings import load_settings
from queues.config import WeeklySchedule, Window

WEEKDAYS = frozenset(range(5))
EVERY_DAY = frozenset(range(7))


def stockholm(*windows: Window) -> WeeklySchedule:
    return WeeklySchedule(windows, timezone="Europe/Stockholm", holidays=frozenset())


def test_a_daytime_window_is_open_on_weekdays_and_closed_at_weekends():
    schedule = stockholm(Window(WEEKDAYS, time(7), time(16)))
    # Wednesday 2026-12-02 10:00 local = 09:00 UTC (CET, UTC+1)
    assert schedule.is_open(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    assert not schedule.is_open(datetime(2026, 12, 5, 9, 0, tzinfo=UTC))  # Saturday


def test_the_end_of_a_window_is_exclusive_in_local_time():
    schedule = stockholm(Window(WEEKDAYS, time(7), time(16)))
    assert schedule.is_open(datetime(2026, 12, 2, 14, 59, tzinfo=UTC))
    assert not schedule.is_open(datetime(2026, 12, 2, 15, 0, tzinfo=UTC))  # 16:00 local


def test_a_night_window_runs_past_midnight_into_the_next_morning():
    schedule = stockholm(Window(frozenset({4}), time(22), time(7)))  # Friday night
    assert schedule.is_open(datetime(2026, 12, 4, 21, 30, tzinfo=UTC))  # Fri 22:30
    assert schedule.is_open(datetime(2026, 12, 5, 5, 0, tzinfo=UTC))  # Sat 06:00
    assert not schedule.is_open(datetime(2026, 12, 5, 6, 0, tzinfo=UTC))  # Sat 07:00
    assert not schedule.is_open(datetime(2026, 12, 3, 23, 0, tzinfo=UTC))  # Fri 00:00: Thu night


def test_schedules_follow_summer_time_in_stockholm():
    schedule = stockholm(Window(EVERY_DAY, time(7), time(16)))
    # In July Stockholm is UTC+2: 05:30 UTC is 07:30 local.
    assert schedule.is_open(datetime(2026, 7, 1, 5, 30, tzinfo=UTC))
    assert not schedule.is_open(datetime(2026, 12, 1, 5, 30, tzinfo=UTC))  # 06:30 local


def test_the_shipped_common_queue_is_open_on_weekday_days_and_every_night(config_copy: Path):
    queues = load_settings(config_dir=config_copy, env={}).queues
    common = queues.national_common_queue
    assert common is not None and "03" in common.regions and "01" not in common.regions
    assert common.schedule.is_open(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))  # Wed 10:00
    assert not common.schedule.is_open(datetime(2026, 12, 5, 12, 0, tzinfo=UTC))  # Sat 13:00
    assert common.schedule.is_open(datetime(2026, 12, 5, 23, 0, tzinfo=UTC))  # Sun 00:00
    north = queues.night_pools[0]
    assert north.answering_region == "20" and "25" in north.regions
