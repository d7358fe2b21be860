"""``radgivning user``: create users, list them, change passwords, (de)activate them."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable

from contactcenter.identity.errors import IdentityError
from contactcenter.identity.model import Role
from contactcenter.identity.service import IdentityService
from contactcenter.settings import Settings

NOT_MIGRATED = 4


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("user", help="manage users (logins, roles, regions)")
    sub = parser.add_subparsers(dest="user_command", metavar="SUBCOMMAND", required=True)
    create = sub.add_parser("create", help="create a user")
    create.add_argument("username")
    create.add_argument("--role", action="append", required=True,
                        choices=[r.value for r in Role], help="a role (repeatable)")
    create.add_argument("--region", action="append", required=True,
                        help="a region code from regions.toml, or '*' for all (repeatable)")
    create.add_argument("--display-name", help="shown name (default: the username)")
    create.add_argument("--password-stdin", action="store_true",
                        help="read the password from the first line of standard input")
    create.set_defaults(func=run_create)
    lst = sub.add_parser("list", help="list users")
    lst.set_defaults(func=run_list)
    passwd = sub.add_parser("passwd", help="set a user's password (ends their web sessions "
                            "and revokes their API tokens)")
    passwd.add_argument("username")
    passwd.add_argument("--password-stdin", action="store_true",
                        help="read the password from the first line of standard input")
    passwd.set_defaults(func=run_passwd)
    deactivate = sub.add_parser("deactivate", help="stop a user logging in; ends their web "
                                "sessions and revokes their API tokens at once")
    deactivate.add_argument("username")
    deactivate.set_defaults(func=run_set_active, active=False)
    activate = sub.add_parser("activate", help="let a deactivated user log in again")
    activate.add_argument("username")
    activate.set_defaults(func=run_set_active, active=True)


def read_password(from_stdin: bool) -> str | None:
    """The new password from stdin or, twice, from the terminal; None if they differ."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != first:
        print("radgivning: the passwords differ", file=sys.stderr)
        return None
    return first


def run_create(args: argparse.Namespace, settings: Settings) -> int:
    password = read_password(args.password_stdin)
    if password is None:
        return 1

    async def create(service: IdentityService) -> int:
        user = await service.create_user(args.username, args.display_name or args.username,
                                         password, args.role, args.region)
        print(f"created user {user.username} (roles {', '.join(sorted(user.roles))}; "
              f"regions {', '.join(sorted(user.regions))})")
        return 0

    return asyncio.run(with_identity(settings, create))


def run_list(args: argparse.Namespace, settings: Settings) -> int:
    async def show(service: IdentityService) -> int:
        users = await service.list_users()
        print(f"{'USERNAME':<20} {'NAME':<28} {'ROLES':<28} {'REGIONS':<14} ACTIVE")
        for u in users:
            print(f"{u.username:<20} {u.display_name:<28} {','.join(sorted(u.roles)):<28} "
                  f"{','.join(sorted(u.regions)):<14} {'yes' if u.active else 'no'}")
        return 0

    return asyncio.run(with_identity(settings, show))


def run_passwd(args: argparse.Namespace, settings: Settings) -> int:
    password = read_password(args.password_stdin)
    if password is None:
        return 1

    async def change(service: IdentityService) -> int:
        revoked = await service.set_password(args.username, password)
        print(f"password of {args.username} changed; their web sessions ended and "
              f"{_tokens(revoked)} revoked")
        return 0

    return asyncio.run(with_identity(settings, change))


def run_set_active(args: argparse.Namespace, settings: Settings) -> int:
    async def change(service: IdentityService) -> int:
        revoked = await service.set_active(args.username, args.active)
        if args.active:
            print(f"user {args.username} activated (API tokens revoked at deactivation stay "
                  "revoked: create new ones)")
        else:
            print(f"user {args.username} deactivated; their web sessions ended and "
                  f"{_tokens(revoked)} revoked")
        return 0

    return asyncio.run(with_identity(settings, change))


def _tokens(count: int) -> str:
    return f"{count} API token{'' if count == 1 else 's'}"


async def with_identity(settings: Settings,
                        action: Callable[[IdentityService], Awaitable[int]]) -> int:
    """Run ``action`` with an identity service; clear messages for unmigrated schemas and
    identity errors (exit 4 and 1)."""
    from contactcenter.bootstrap import open_services
    from contactcenter.db import current_revision

    if await current_revision(settings.database.url) is None:
        print("radgivning: the database has no schema yet: run `radgivning db upgrade` first",
              file=sys.stderr)
        return NOT_MIGRATED
    async with open_services(settings) as parts:
        try:
            return await action(parts.identity)
        except IdentityError as exc:
            details = ", ".join(f"{k}={v}" for k, v in exc.details.items()
                                if not isinstance(v, list))
            print(f"radgivning: {exc.message}{f' ({details})' if details else ''}",
                  file=sys.stderr)
            return 1
