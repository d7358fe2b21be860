"""``radgivning catalog``: the referral catalog (hänvisningskatalog) from the command line.

``import`` and ``export`` move a region's units in the CSV/JSON formats of
:mod:`referral_catalog.importing` (export also FHIR R4); ``search`` runs the
nurse's search and prints a table or JSON; ``demo-fill`` stores the fictional
demo catalog when the catalog is empty. Imports run as a region admin of the
given region, named ``cli:<os user>`` in the unit history.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from contactcenter.settings import Settings
from referral_catalog.errors import CatalogError, ImportRejected, InvalidCareUnit
from referral_catalog.importing import decode_import
from referral_catalog.model import CareType
from referral_catalog.ports import Actor
from referral_catalog.search import CatalogQuery
from referral_catalog.service import CatalogService

NOT_MIGRATED = 4
CATALOG_REVISION = "catalog_0001"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``catalog import|export|search|demo-fill`` to the CLI."""
    parser = subparsers.add_parser("catalog", help="the referral catalog: import, export, search")
    sub = parser.add_subparsers(dest="catalog_command", metavar="SUBCOMMAND", required=True)

    imp = sub.add_parser("import", help="import units from a file (all or nothing)")
    imp.add_argument("file", type=Path, help="CSV or JSON file")
    imp.add_argument("--format", choices=("csv", "json"), help="default: from the file suffix")
    imp.add_argument("--region", required=True, help="county code the file is for, e.g. 01")
    imp.set_defaults(func=run_import)

    exp = sub.add_parser("export", help="export units as CSV, JSON or FHIR R4")
    exp.add_argument("--format", choices=("csv", "json", "fhir"), default="json")
    exp.add_argument("--region", help="only this county code")
    exp.add_argument("--output", type=Path, help="write here (default: standard output)")
    exp.set_defaults(func=run_export)

    search = sub.add_parser("search", help="the nurse's search")
    search.add_argument("--json", action="store_true", help="print JSON instead of a table")
    search.add_argument("--region", help="county code")
    search.add_argument(
        "--care-type",
        action="append",
        default=[],
        dest="care_types",
        metavar="T",
        help="care type code or Swedish name (repeatable)",
    )
    search.add_argument("--at", help="ISO 8601 time with offset (default: now)")
    search.add_argument("--age", type=int)
    search.add_argument("--municipality", help="kommunkod of the caller")
    search.add_argument(
        "--within", type=int, metavar="MINUTES", help="open now or opening within this many minutes"
    )
    search.add_argument("--open-now", action="store_true", help="only units open at --at")
    search.add_argument("--text", help="words of the unit's name")
    search.add_argument("--limit", type=int, default=10)
    search.set_defaults(func=run_search)

    fill = sub.add_parser("demo-fill", help="store the fictional demo catalog if it is empty")
    fill.add_argument("--units", type=int, default=1600, help="how many units (default 1600)")
    fill.set_defaults(func=run_demo_fill)


def _fail(message: str, code: int = 2) -> int:
    print(f"radgivning: {message}", file=sys.stderr)
    return code


def cli_actor(region: str | None) -> Actor:
    """The operator at the terminal, acting as region admin of ``region``."""
    return Actor(f"cli:{getpass.getuser()}", {"region_admin"}, {region} if region else set())


async def _with_service(
    settings: Settings, action: Callable[[CatalogService], Awaitable[int]], *, load: bool = False
) -> int:
    from contactcenter.bootstrap import open_services
    from contactcenter.db import current_revision

    revision = await current_revision(settings.database.url)
    if revision is None or CATALOG_REVISION not in revision:
        return _fail(
            "the database has no catalog schema yet: run `radgivning db upgrade` first",
            NOT_MIGRATED,
        )
    async with open_services(settings) as parts:
        try:
            if load:
                await parts.catalog.start()
            return await action(parts.catalog)
        except CatalogError as exc:
            return _fail(str(exc), 1)


def run_import(args: argparse.Namespace, settings: Settings) -> int:
    """``catalog import FILE --region CODE``: prints created/updated counts or every row error."""
    if args.region not in settings.regions:
        return _fail(f"--region {args.region!r}: not a region in regions.toml")
    fmt = args.format or ("csv" if args.file.suffix.lower() == ".csv" else "json")
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        return _fail(f"{args.file}: {exc.strerror or exc}")
    text, errors = decode_import(data)
    if text is None:
        for error in errors:
            print(f"{args.file}: {error.problem}", file=sys.stderr)
        return _fail("import rejected, nothing stored (the file is not UTF-8 text)", 1)

    async def act(service: CatalogService) -> int:
        try:
            report = await service.import_units(cli_actor(args.region), text, fmt, args.region)
        except ImportRejected as exc:
            for error in exc.errors:
                print(f"{args.file}: {error}", file=sys.stderr)
            return _fail(f"import rejected, nothing stored ({len(exc.errors)} problem(s))", 1)
        print(
            f"imported {report.total} units into region {args.region}: "
            f"{len(report.created)} new, {len(report.updated)} changed, "
            f"{len(report.unchanged)} unchanged"
        )
        return 0

    return asyncio.run(_with_service(settings, act))


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    """``catalog export``: writes the file (or standard output)."""

    async def act(service: CatalogService) -> int:
        text = await service.export(args.format, args.region)
        if args.output is None:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
        else:
            args.output.write_text(text, encoding="utf-8")
            print(f"wrote {args.output}", file=sys.stderr)
        return 0

    return asyncio.run(_with_service(settings, act))


def _query(args: argparse.Namespace) -> CatalogQuery:
    types = []
    for text in args.care_types:
        try:
            types.append(CareType.parse(text))
        except ValueError:
            raise InvalidCareUnit("--care-type", f"unknown care type {text!r}") from None
    if args.at is None:
        at = datetime.now(UTC)
    else:
        try:
            at = datetime.fromisoformat(args.at)
        except ValueError:
            raise InvalidCareUnit("--at", f"{args.at!r} is not an ISO 8601 time") from None
        if at.tzinfo is None:
            raise InvalidCareUnit("--at", "needs a UTC offset, e.g. 2026-12-02T10:00+01:00")
    return CatalogQuery(
        region=args.region,
        care_types=tuple(types),
        at=at,
        open_now=args.open_now,
        within=None if args.within is None else timedelta(minutes=args.within),
        age=args.age,
        municipality=args.municipality,
        text=args.text,
        limit=args.limit,
    )


def run_search(args: argparse.Namespace, settings: Settings) -> int:
    """``catalog search``: a JSON list (``--json``) or a readable table."""
    try:
        query = _query(args)
    except InvalidCareUnit as exc:
        return _fail(f"{exc.field}: {exc.problem}")

    async def act(service: CatalogService) -> int:
        hits = [_hit_json(h) for h in service.search(query)]
        if args.json:
            print(json.dumps(hits, ensure_ascii=False, indent=1))
        else:
            _print_table(hits)
        return 0

    return asyncio.run(_with_service(settings, act, load=True))


def _hit_json(hit: Any) -> dict[str, Any]:
    from referral_catalog.http import hit_json

    return hit_json(hit)


def _print_table(hits: list[dict[str, Any]]) -> None:
    print(f"{'HSA-ID':<26} {'NAMN':<44} {'ÖPPEN':<6} {'KM':>6}  VARFÖR")
    for h in hits:
        km = "" if h["distance_km"] is None else f"{h['distance_km']:.1f}"
        state = {True: "ja", False: "nej", None: "-"}[h["open"]]
        print(f"{h['hsa_id']:<26} {h['name'][:44]:<44} {state:<6} {km:>6}  {'; '.join(h['why'])}")
    if not hits:
        print("(inga träffar)")


def run_demo_fill(args: argparse.Namespace, settings: Settings) -> int:
    """``catalog demo-fill``: the fictional demo catalog into an empty catalog."""
    from referral_catalog.demo_fill import fill_demo_catalog

    if args.units <= 0:
        return _fail("--units: must be a positive number")

    async def act(service: CatalogService) -> int:
        try:
            stored = await fill_demo_catalog(
                service,
                regions=sorted(settings.regions),
                units_total=args.units,
                reference_date=date.today(),
                config_dir=settings.config_dir,
            )
        except ValueError as exc:
            return _fail(str(exc), 1)
        if stored == 0:
            print("the catalog already holds units; nothing added")
        else:
            print(f"stored {stored} fictional demo units")
        return 0

    return asyncio.run(_with_service(settings, act))
