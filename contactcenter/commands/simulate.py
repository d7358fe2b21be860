"""``radgivning simulate``: a day of traffic on a simulated clock, with the configured rules.

Runs the queue engine (:mod:`queues.simulation`) faster than real time with the
collaboration rules of ``queues.toml``: arrivals per hour and region shaped like
the advice line's day, staffing sized for a given load, patience and handle
times drawn from distributions. ``--borrow`` answers a supervisor's what-if by
running the same day (same seed, same callers) twice.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from datetime import date

from contactcenter.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "simulate", help="simulate a day of calls with the configured collaboration rules")
    parser.add_argument("--calls", type=int, default=13_000,
                        help="calls in the day, all regions (default 13000: 400,000 a month)")
    parser.add_argument("--staffed-for", type=int,
                        help="size staffing for this many calls (default: --calls)")
    parser.add_argument("--staffing-factor", type=float, default=1.0,
                        help="multiply the sized staffing (default 1.0)")
    parser.add_argument("--day", type=date.fromisoformat, default=date(2026, 3, 3),
                        help="the date simulated (weekday and holidays matter), YYYY-MM-DD")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same day)")
    parser.add_argument("--service-level", type=float, default=180.0,
                        help="answered within this many seconds counts as in service level")
    parser.add_argument("--borrow", action="append", default=[], metavar="REGION:N:FROM[:LENDER]",
                        help="what-if: REGION gets N extra nurses from hour FROM (repeatable)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(func=run)


def parse_borrow(text: str, regions: set[str]) -> object:
    """``01:10:18`` or ``01:10:18:14`` → a :class:`queues.simulation.Borrow`."""
    from queues.simulation import Borrow

    parts = text.split(":")
    if len(parts) not in (3, 4):
        raise ValueError(f"--borrow {text!r}: expected REGION:N:FROM_HOUR[:LENDER]")
    region, count, hour = parts[:3]
    lender = parts[3] if len(parts) == 4 else None
    for code in (region, lender):
        if code is not None and code not in regions:
            raise ValueError(f"--borrow {text!r}: {code!r} is not a region in regions.toml")
    if not count.isdigit() or not hour.isdigit() or not 0 <= int(hour) <= 23:
        raise ValueError(f"--borrow {text!r}: N must be a whole number and FROM an hour 0-23")
    return Borrow(region, int(count), int(hour), lender=lender)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from queues.settings import engine_config
    from queues.simulation import compare, national_day, simulate

    if args.calls <= 0 or args.staffing_factor <= 0:
        print("radgivning: --calls and --staffing-factor must be positive", file=sys.stderr)
        return 2
    try:
        borrows = [parse_borrow(b, set(settings.regions)) for b in args.borrow]
    except ValueError as exc:
        print(f"radgivning: {exc}", file=sys.stderr)
        return 2
    config = national_day(args.calls, seed=args.seed, day=args.day,
                          staffed_for=args.staffed_for, staffing_factor=args.staffing_factor)
    config = replace(config, engine=engine_config(settings, announcements=False))
    if borrows:
        comparison = compare(config, *borrows)  # type: ignore[arg-type]
        print(comparison.as_json() if args.json else comparison.summary())
        return 0
    result = simulate(config)
    if args.json:
        print(json.dumps(result.as_dict(), indent=2, sort_keys=True))
    else:
        print(result.summary())
    return 0
