"""``radgivning db``: migrate the database schema (upgrade, current, downgrade) and grant
the service's own PostgreSQL role what it needs (grant)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from contactcenter.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("db", help="database schema migrations")
    sub = parser.add_subparsers(dest="db_command", metavar="SUBCOMMAND", required=True)
    up = sub.add_parser("upgrade", help="migrate to the newest (or a given) revision")
    up.add_argument("--revision", default="heads",
                    help="target revision (default: heads, every context's newest)")
    up.set_defaults(func=run_upgrade)
    cur = sub.add_parser("current", help="print the revision the database is at")
    cur.set_defaults(func=run_current)
    down = sub.add_parser("downgrade", help="migrate down to REVISION ('base' drops all tables)")
    down.add_argument("revision", metavar="REVISION")
    down.set_defaults(func=run_downgrade)
    grant = sub.add_parser("grant", help="PostgreSQL: let ROLE run the service (read and "
                           "write its tables, only append to the access log); run as the "
                           "schema's owner after every upgrade")
    grant.add_argument("role", metavar="ROLE")
    grant.set_defaults(func=run_grant)


def run_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from contactcenter.db import current_revision, upgrade

    url = settings.database.url
    asyncio.run(upgrade(url, args.revision))
    print(f"database at revision {asyncio.run(current_revision(url)) or '(base)'}")
    return 0


def run_current(args: argparse.Namespace, settings: Settings) -> int:
    from contactcenter.db import current_revision, head_revision

    revision = asyncio.run(current_revision(settings.database.url))
    head = head_revision()
    if revision is None:
        print("(none) — the database has no schema yet: run `radgivning db upgrade`")
        return 1
    print(f"{revision}{' (head)' if revision == head else f' (head is {head})'}")
    return 0


def run_downgrade(args: argparse.Namespace, settings: Settings) -> int:
    from contactcenter.db import current_revision, downgrade

    url = settings.database.url
    asyncio.run(downgrade(url, args.revision))
    print(f"database at revision {asyncio.run(current_revision(url)) or '(base)'}")
    return 0


def run_grant(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy.engine import make_url

    from contactcenter.bootstrap import open_services
    from contactcenter.db_grants import GrantRefused, grant_service_role

    url = settings.database.url
    if make_url(url).get_backend_name() != "postgresql":
        print("radgivning: database roles exist on PostgreSQL only; on SQLite protect the "
              "database file itself (it is created readable by its owner only)", file=sys.stderr)
        return 2

    async def grant() -> None:
        async with open_services(settings) as parts, parts.engine.begin() as conn:
            await grant_service_role(conn, args.role)

    try:
        asyncio.run(grant())
    except GrantRefused as exc:
        print(f"radgivning: {exc}", file=sys.stderr)
        return 2
    print(f"granted {args.role!r} the service's privileges (the access log: read and append "
          "only)")
    return 0
