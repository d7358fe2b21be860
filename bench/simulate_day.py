"""Benchmark: how much faster than real time the day simulator runs.

Two days on the national set-up (21 regions, every collaboration mode):

* **normal day**: the pace of 400,000 calls a month (about 13,000 calls a day),
  staffed for the load;
* **surge day**: 100,000 calls (spring 2020), staffed at twice a normal day.

Reports simulated seconds per wall-clock second, engine events per second and
the day's headline figures. Baseline in the same run: the same day's callers
drawn and sorted without an engine (the floor of the simulator's own work).

    .venv/bin/python bench/simulate_day.py [--seed 1] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from datetime import time as clock
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from queues.simulation import _draw_callers, national_day, simulate

DAYS = {
    "normal day (13,000 calls)": {"calls_per_day": 13_000},
    "surge day (100,000 calls)": {"calls_per_day": 100_000, "staffed_for": 13_000,
                                      "staffing_factor": 2.0},
}


def run(name: str, seed: int, **kwargs: Any) -> dict[str, Any]:
    config = national_day(seed=seed, **kwargs)
    start = datetime.combine(config.day, clock(0), tzinfo=ZoneInfo(config.timezone))
    t0 = time.perf_counter()
    _draw_callers(config, start.timestamp())
    baseline = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = simulate(config)
    wall = time.perf_counter() - t0
    total = result.total()
    return {
        "day": name, "callers": result.callers, "wall_seconds": wall,
        "simulated_seconds": result.simulated_seconds,
        "speed": result.simulated_seconds / wall, "events": result.events,
        "events_per_second": result.events / wall, "baseline_draw_seconds": baseline,
        "answered": total.answered, "abandoned": total.abandoned,
        "callbacks": total.callbacks_requested, "service_level": total.service_level,
        "average_wait": total.average_wait, "longest_wait": total.longest_wait,
        "unfinished": result.unfinished,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args()
    rows = [run(name, args.seed, **kw) for name, kw in DAYS.items()]
    print(f"{'day':<28}{'wall':>8}{'sim s/wall s':>14}{'events/s':>10}{'draw only':>10}"
          f"{'answered':>9}{'aband.':>8}{'SL':>6}{'avg wait':>9}")
    for r in rows:
        sl = "-" if r["service_level"] is None else f"{r['service_level']:.0%}"
        print(f"{r['day']:<28}{r['wall_seconds']:>7.1f}s{r['speed']:>14,.0f}"
              f"{r['events_per_second']:>10,.0f}{r['baseline_draw_seconds']:>9.2f}s"
              f"{r['answered']:>9}{r['abandoned']:>8}{sl:>6}{r['average_wait']:>8.0f}s")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
