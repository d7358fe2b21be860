"""``radgivning nurse``: the roster of nurses the queues offer calls to.

A nurse here is an agent of the contact center: an id, a name, a home region
(whose queue they serve first), the phone endpoint Asterisk rings when a call
is offered (e.g. ``PJSIP/nurse-1001``) and, optionally, the login that may set
their state. A running service reads the roster when it starts.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from collections.abc import Awaitable, Callable

from contactcenter.settings import Settings
from queues.roster import RosterStore

NOT_MIGRATED = 4
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_ENDPOINT = re.compile(r"(PJSIP|SIP|IAX2|Local)/\S+")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("nurse", help="manage the nurse roster (agents)")
    sub = parser.add_subparsers(dest="nurse_command", metavar="SUBCOMMAND", required=True)
    add = sub.add_parser("add", help="add a nurse to the roster")
    add.add_argument("nurse_id", help="a stable id, e.g. ssk-01-1001")
    add.add_argument("--name", required=True, help="the nurse's name as supervisors see it")
    add.add_argument("--region", required=True, help="home region code from regions.toml")
    add.add_argument("--endpoint", required=True, help="phone endpoint, e.g. PJSIP/nurse-1001")
    add.add_argument("--user", help="the login that may set this nurse's state")
    add.set_defaults(func=run_add)
    lst = sub.add_parser("list", help="list the roster")
    lst.set_defaults(func=run_list)
    retire = sub.add_parser("retire", help="take a nurse off the roster (history is kept)")
    retire.add_argument("nurse_id")
    retire.set_defaults(func=run_retire)


def validate(args: argparse.Namespace, settings: Settings) -> list[str]:
    """Problems with the arguments of ``nurse add``, each naming the option."""
    problems = []
    if not _ID.fullmatch(args.nurse_id):
        problems.append(f"nurse id {args.nurse_id!r}: use letters, digits, '.', '_' or '-' "
                        "(at most 64)")
    if args.region not in settings.regions:
        problems.append(f"--region {args.region!r}: not a region in regions.toml "
                        f"(known: {', '.join(sorted(settings.regions))})")
    if not _ENDPOINT.fullmatch(args.endpoint):
        problems.append(f"--endpoint {args.endpoint!r}: expected TECH/resource, "
                        "e.g. PJSIP/nurse-1001")
    if not args.name.strip():
        problems.append("--name: must not be empty")
    return problems


def run_add(args: argparse.Namespace, settings: Settings) -> int:
    problems = validate(args, settings)
    if problems:
        for problem in problems:
            print(f"radgivning: {problem}", file=sys.stderr)
        return 2

    async def add(roster: RosterStore) -> int:
        name = args.name.strip()
        if not await roster.add(args.nurse_id, name, args.region, args.endpoint, args.user):
            print(f"radgivning: nurse {args.nurse_id} already exists", file=sys.stderr)
            return 1
        print(f"added nurse {args.nurse_id} ({name}, region {args.region}, {args.endpoint})")
        return 0

    return asyncio.run(_with_roster(settings, add))


def run_list(args: argparse.Namespace, settings: Settings) -> int:
    async def show(roster: RosterStore) -> int:
        print(f"{'ID':<20} {'NAME':<26} {'REGION':<7} {'ENDPOINT':<26} {'LOGIN':<16} ACTIVE")
        for r in await roster.all():
            print(f"{r.nurse_id:<20} {r.display_name:<26} {r.home_region:<7} {r.endpoint:<26} "
                  f"{r.username or '':<16} {'yes' if r.active else 'no'}")
        return 0

    return asyncio.run(_with_roster(settings, show))


def run_retire(args: argparse.Namespace, settings: Settings) -> int:
    async def retire(roster: RosterStore) -> int:
        if not await roster.retire(args.nurse_id):
            print(f"radgivning: no nurse {args.nurse_id}", file=sys.stderr)
            return 1
        print(f"nurse {args.nurse_id} retired")
        return 0

    return asyncio.run(_with_roster(settings, retire))


async def _with_roster(settings: Settings,
                       action: Callable[[RosterStore], Awaitable[int]]) -> int:
    from contactcenter.bootstrap import open_services
    from contactcenter.db import current_revision

    if await current_revision(settings.database.url) is None:
        print("radgivning: the database has no schema yet: run `radgivning db upgrade` first",
              file=sys.stderr)
        return NOT_MIGRATED
    async with open_services(settings) as parts:
        return await action(parts.roster)
