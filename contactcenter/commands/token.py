"""``radgivning token``: API tokens for integrations (e.g. the staffing system)."""

from __future__ import annotations

import argparse
import asyncio

from contactcenter.commands.user import with_identity
from contactcenter.identity.service import IdentityService
from contactcenter.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("token", help="manage API tokens")
    sub = parser.add_subparsers(dest="token_command", metavar="SUBCOMMAND", required=True)
    create = sub.add_parser("create", help="create a token and print it (shown only once)")
    create.add_argument("username")
    create.add_argument("--name", required=True, help="what the token is for")
    create.add_argument("--expires-days", type=float, help="lifetime in days (default: [http] api_token_days, 90)")
    create.set_defaults(func=run_create)
    lst = sub.add_parser("list", help="list a user's tokens")
    lst.add_argument("username")
    lst.set_defaults(func=run_list)
    revoke = sub.add_parser("revoke", help="revoke a user's token by name")
    revoke.add_argument("username")
    revoke.add_argument("--name", required=True)
    revoke.set_defaults(func=run_revoke)


def run_create(args: argparse.Namespace, settings: Settings) -> int:
    async def create(service: IdentityService) -> int:
        # None: the service's default lifetime ([http] api_token_days)
        token = await service.create_token(args.username, args.name, args.expires_days)
        print(token)
        return 0

    return asyncio.run(with_identity(settings, create))


def run_list(args: argparse.Namespace, settings: Settings) -> int:
    async def show(service: IdentityService) -> int:
        now = service.clock()
        print(f"{'NAME':<24} {'CREATED':<20} {'EXPIRES':<20} STATUS")
        for t in await service.list_tokens(args.username):
            status = "active" if t.is_active(now) else ("revoked" if t.revoked_at else "expired")
            expires = t.expires_at.strftime("%Y-%m-%d %H:%M") if t.expires_at else "never"
            print(f"{t.name:<24} {t.created_at.strftime('%Y-%m-%d %H:%M'):<20} {expires:<20} "
                  f"{status}")
        return 0

    return asyncio.run(with_identity(settings, show))


def run_revoke(args: argparse.Namespace, settings: Settings) -> int:
    async def revoke(service: IdentityService) -> int:
        await service.revoke_token(args.username, args.name)
        print(f"token {args.name!r} of {args.username} revoked")
        return 0

    return asyncio.run(with_identity(settings, revoke))
