"""``radgivning demo``: the whole system with embedded defaults and simulated calls."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys

from contactcenter.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "demo", help="run everything locally: SQLite, the ARI simulator, simulated calls")
    parser.add_argument("--port", type=int, default=8080, help="web port (default 8080)")
    parser.add_argument("--speed", type=float, help="simulated time runs this many times faster")
    parser.add_argument("--rate", type=float, help="simulated callers per minute")
    parser.add_argument("--no-callers", action="store_true", help="start without simulated callers")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from dataclasses import replace

    from contactcenter.demo import run_demo

    demo = settings.demo
    if args.speed is not None:
        demo = replace(demo, speed=args.speed)
    if args.rate is not None:
        demo = replace(demo, caller_rate_per_minute=args.rate)
    settings = replace(settings, demo=demo)
    from contactcenter.commands.serve import NOT_WRITABLE
    from contactcenter.health import DatabaseNotWritable

    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run_demo(settings, port=args.port, callers=not args.no_callers))
    except DatabaseNotWritable as exc:
        print(f"radgivning demo: not starting: {exc}", file=sys.stderr)
        return NOT_WRITABLE
    return 0
