"""A national set-up for the simulator and the benchmarks: 21 regions, every collaboration mode.

The collaboration rules mirror ``config/queues.toml`` (fictional but shaped like
the real agreements); the load follows a typical day of an advice line (quiet
nights, a morning peak, a long evening); populations are rounded public
figures in thousands and only set each region's share of the calls.
"""

from __future__ import annotations

import math
from datetime import time
from typing import Any

from queues.config import (
    CommonQueueRule,
    EngineConfig,
    NightPoolRule,
    OverflowRule,
    RegionRule,
    WeeklySchedule,
    Window,
)

__all__ = ["HOURLY_SHARE", "POPULATION", "REGIONS", "national_setup", "national_tables"]

POPULATION = {
    "01": 2450, "03": 400, "04": 300, "05": 470, "06": 370, "07": 205, "08": 245, "09": 60,
    "10": 160, "12": 1420, "13": 340, "14": 1750, "17": 283, "18": 310, "19": 280, "20": 288,
    "21": 288, "22": 244, "23": 131, "24": 275, "25": 250,
}
REGIONS = tuple(sorted(POPULATION))
_CURVE = [1.5, 1.0, 0.8, 0.7, 0.8, 1.2, 2.5, 5.0, 7.5, 7.5, 7.0, 6.5, 6.0, 6.0, 5.5, 5.5,
          5.5, 5.5, 5.5, 5.0, 4.5, 4.0, 3.0, 2.0]
HOURLY_SHARE = tuple(x / sum(_CURVE) for x in _CURVE)
ALL_DAYS = frozenset(range(7))
NIGHT_NORR = frozenset({"21", "22", "23", "24", "25"})
NIGHT_SYD = frozenset({"07", "08", "10"})


def _window(days: frozenset[int], start: str, end: str) -> Window:
    return Window(days, time.fromisoformat(start), time.fromisoformat(end))


def national_setup(**overrides: Any) -> EngineConfig:
    """The engine configuration of the national set-up (every collaboration mode in use)."""
    base: dict[str, Any] = {
        "regions": REGIONS,
        "common": CommonQueueRule(
            "national_common",
            frozenset({"03", "04", "05", "06", "07", "08", "09", "10", "13", "17", "18", "19"}),
            WeeklySchedule((_window(frozenset(range(5)), "07:00", "16:00"),
                            _window(ALL_DAYS, "22:00", "07:00")))),
        "night_pools": (
            NightPoolRule("night_norr", "20", NIGHT_NORR,
                          WeeklySchedule((_window(ALL_DAYS, "23:00", "07:00"),))),
            NightPoolRule("night_syd", "12", NIGHT_SYD,
                          WeeklySchedule((_window(ALL_DAYS, "00:00", "06:00"),))),
        ),
        "overflow": (
            OverflowRule("overflow_malardalen", frozenset({"01", "03", "04", "19"}), 180,
                         predicted_wait_over_seconds=1800),
            OverflowRule("overflow_vast", frozenset({"13", "14", "17"}), 120,
                         waiting_per_ready_over=3.0),
        ),
        "region_rules": {"01": RegionRule(announce_interval_seconds=90,
                                       max_predicted_wait_seconds=2700),
                      "09": RegionRule(announce_position=False)},
    }
    base.update(overrides)
    return EngineConfig(**base)


def _night_closed(region: str, hour: int) -> bool:
    """Regions whose night pool answers for them staff nobody in those hours."""
    if region in NIGHT_NORR and (hour >= 23 or hour < 7):
        return True
    return region in NIGHT_SYD and hour < 6


def national_tables(calls_per_day: float, staffing_factor: float = 1.0,
                    handle_seconds: float = 480.0, occupancy: float = 0.85,
                    national_share: float = 0.01
                    ) -> tuple[dict[str, list[float]], dict[str, list[int]], list[float]]:
    """Hourly arrival rates and staffing per region, and the national queue's rates.

    Staffing covers the offered load (rate × handle time) at ``occupancy``,
    times ``staffing_factor``; pooled regions staff nobody at night and their
    night pool's answering region staffs for them.
    """
    people = sum(POPULATION.values())
    regional = calls_per_day * (1 - national_share)
    arrivals = {r: [regional * POPULATION[r] / people * s for s in HOURLY_SHARE]
                for r in REGIONS}
    staffing: dict[str, list[int]] = {}
    for region in REGIONS:
        row = []
        for hour in range(24):
            load = arrivals[region][hour] * handle_seconds / 3600.0
            if region == "20" and (hour >= 23 or hour < 7):
                load += sum(arrivals[r][hour] for r in NIGHT_NORR) * handle_seconds / 3600
            if region == "12" and hour < 6:
                load += sum(arrivals[r][hour] for r in NIGHT_SYD) * handle_seconds / 3600
            row.append(0 if _night_closed(region, hour)
                       else max(1, math.ceil(load / occupancy * staffing_factor)))
        staffing[region] = row
    national = [calls_per_day * national_share * s for s in HOURLY_SHARE]
    return arrivals, staffing, national
