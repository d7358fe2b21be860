"""``radgivning console``: the terminal nurse console, against a running service."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os

from contactcenter.settings import Settings

DEFAULT_URL = "http://127.0.0.1:8080"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("console", help="the nurse console in the terminal")
    parser.add_argument("--url", default=DEFAULT_URL,
                        help=f"the service's address (default: {DEFAULT_URL})")
    parser.add_argument("--user", help="username (asked for when neither it nor a token "
                                       "is given)")
    parser.add_argument("--token", help="an API token instead of a password "
                                        "(default: RADGIVNING_TOKEN)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from nurse_console.client import ConsoleClient
    from nurse_console.tui.app import ConsoleApp

    token = args.token or os.environ.get("RADGIVNING_TOKEN")
    user = password = None
    if not token:
        user = args.user or input("Användarnamn: ").strip()
        password = getpass.getpass(f"Lösenord för {user}: ")

    async def main() -> None:
        async with ConsoleClient(args.url, token=token) as client:
            await ConsoleApp(client, username=user, password=password).run_async()

    asyncio.run(main())
    return 0
