"""``radgivning journal``: export the journal for follow-up, fill it with demo entries.

Registered by adding ``"contactcenter.commands.journal"`` to
:data:`contactcenter.cli.COMMAND_MODULES`. Exports run as the system actor
``cli:<os user>`` and are written to the access log like any other export.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import secrets
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from contactcenter.settings import Settings
from journal.export import FORMATS as EXPORT_FORMATS

PSEUDONYM_KEY_ENV = "RADGIVNING_JOURNAL_PSEUDONYM_KEY"
NO_SCHEMA = 4


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("journal", help="journal export and demo data")
    sub = parser.add_subparsers(dest="journal_command", metavar="SUBCOMMAND", required=True)
    export = sub.add_parser("export", help="export signed entries (JSON Lines, CSV, FHIR R4)")
    export.add_argument("--format", choices=tuple(EXPORT_FORMATS), default="jsonl")
    export.add_argument("--since", type=_date, help="from this date/time (UTC), inclusive")
    export.add_argument("--until", type=_date, help="up to this date/time (UTC), exclusive")
    export.add_argument("--region", help="a region (county code)")
    export.add_argument("--contact-reason", help="a contact reason code")
    export.add_argument("--urgency", help="an urgency level")
    export.add_argument("--pseudonymise", action="store_true",
                        help=f"pseudonyms instead of identity numbers (key from {PSEUDONYM_KEY_ENV}; "
                             "a random one-off key if unset)")
    export.add_argument("--output", help="write to this file (default: standard output)")
    export.set_defaults(func=run_export)
    purge = sub.add_parser("purge", help="archive, then delete calls older than the retention")
    purge.add_argument("--years", type=int,
                       help="retention in years (default: retention.years in journal.toml)")
    purge.add_argument("--archive", help="JSON Lines archive file (default: a dated file in "
                                         "retention.archive_dir)")
    purge.set_defaults(func=run_purge)
    fill = sub.add_parser("demo-fill", help="add fictional signed entries (demo data)")
    fill.add_argument("--entries", type=int, default=200)
    fill.add_argument("--seed", type=int, default=1177)
    fill.set_defaults(func=run_demo_fill)


def _date(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date: {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _cli_actor():  # type: ignore[no-untyped-def]
    from journal.ports import Actor

    return Actor.system_actor(f"cli:{getpass.getuser()}")


async def _has_schema(engine) -> bool:  # type: ignore[no-untyped-def]
    from sqlalchemy import inspect

    async with engine.connect() as conn:
        return await conn.run_sync(lambda c: inspect(c).has_table("journal_entries"))


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    key = os.environ.get(PSEUDONYM_KEY_ENV, "").encode() or secrets.token_bytes(32)
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            return asyncio.run(_export(args, settings, out, key))
    return asyncio.run(_export(args, settings, sys.stdout, key))


async def _export(args: argparse.Namespace, settings: Settings, out: TextIO, key: bytes) -> int:
    from contactcenter.bootstrap import open_services
    from journal.errors import JournalError
    from journal.export import ExportFilter

    async with open_services(settings) as parts:
        if not await _has_schema(parts.engine):
            print("radgivning: no journal tables: run `radgivning db upgrade` first",
                  file=sys.stderr)
            return NO_SCHEMA
        try:
            chunks = await parts.journal.export(
                _cli_actor(), args.format,
                ExportFilter(args.since, args.until, args.region, args.contact_reason,
                             args.urgency),
                key if args.pseudonymise else None)
        except JournalError as exc:
            print(f"radgivning: {exc.message}", file=sys.stderr)
            return 1
        async for chunk in chunks:
            out.write(chunk)
        out.flush()
        return 0


def run_demo_fill(args: argparse.Namespace, settings: Settings) -> int:
    async def fill() -> int:
        from contactcenter.bootstrap import open_services
        from contactcenter.contexts import care_providers
        from journal.demo_data import bulk_load, demo_entries

        async with open_services(settings) as parts:
            if not await _has_schema(parts.engine):
                print("radgivning: no journal tables: run `radgivning db upgrade` first",
                      file=sys.stderr)
                return NO_SCHEMA
            count = await bulk_load(parts.engine, demo_entries(
                args.entries, seed=args.seed, end=datetime.now(UTC), days=30,
                care_providers=care_providers(settings)))
            print(f"added {count} fictional journal entries (demo data)")
            return 0

    return asyncio.run(fill())


def run_purge(args: argparse.Namespace, settings: Settings) -> int:
    async def purge() -> int:
        from contactcenter.bootstrap import open_services
        from contactcenter.contexts import journal_config
        from shared_kernel.clock import utc_now

        config = journal_config(settings)
        archive = Path(args.archive or Path(config.archive_dir) /
                       f"journal-archive-{utc_now():%Y%m%dT%H%M%SZ}.jsonl")
        archive.parent.mkdir(parents=True, exist_ok=True)
        async with open_services(settings) as parts:
            if not await _has_schema(parts.engine):
                print("radgivning: no journal tables: run `radgivning db upgrade` first",
                      file=sys.stderr)
                return NO_SCHEMA
            with archive.open("a", encoding="utf-8") as out:  # noqa: ASYNC230 (a CLI run)
                async def write(chunk: str) -> None:
                    out.write(chunk)
                    out.flush()

                removed = await parts.journal.purge_older_than(_cli_actor(), args.years,
                                                               write)
            print(f"archived and removed {removed} journal entries (archive: {archive})")
            return 0

    return asyncio.run(purge())
