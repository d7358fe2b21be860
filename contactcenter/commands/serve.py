"""``radgivning serve``: run the service against the Asterisk and database in the settings."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from contactcenter.bootstrap import build_services, start_web
from contactcenter.settings import Settings

log = logging.getLogger(__name__)

NOT_WRITABLE = 6
"""Exit code: the database cannot be written (read-only, disk full…), so the service does not
start: everything it did would live only in memory."""


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("serve", help="run the service (production)")
    parser.add_argument("--host", help="listen address (default from [http] host)")
    parser.add_argument("--port", type=int, help="listen port (default from [http] port)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(serve(settings, host=args.host, port=args.port))


async def serve(settings: Settings, *, host: str | None = None, port: int | None = None) -> int:
    """Run until SIGINT or SIGTERM."""
    from contactcenter.db import current_revision

    warn_about_insecure_cookies(settings)
    revision = await current_revision(settings.database.url)
    if revision is None:
        log.error("the database has no schema yet: run `radgivning db upgrade` first")
        return 4
    from contactcenter.health import DatabaseNotWritable, require_writable
    from queues.replica import InstanceIdInUse

    services = build_services(settings)
    try:
        await require_writable(services.engine, settings.database.url)
        await services.start()
    except DatabaseNotWritable as exc:
        log.error("not starting: %s", exc)
        await services.stop()
        return NOT_WRITABLE
    except InstanceIdInUse as exc:
        log.error("%s", exc)
        await services.stop()
        return 5
    runner, bound = await start_web(services, host or settings.http.host,
                                    port if port is not None else settings.http.port)
    log.info("serving on http://%s:%d (ARI %s)", host or settings.http.host, bound,
             settings.ari.url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("stopping")
    await runner.cleanup()
    await services.stop()
    return 0


def warn_about_insecure_cookies(settings: Settings) -> None:
    """Log a warning when session cookies would travel without ``Secure`` (``serve`` is the
    production command; the demo runs on plain HTTP on purpose)."""
    if not settings.http.cookie_secure:
        log.warning("[http] cookie_secure is false: session cookies are sent over plain HTTP "
                    "too; serve the service over HTTPS and set cookie_secure = true "
                    "(RADGIVNING_HTTP__COOKIE_SECURE=true)")
