"""Database engines and schema migrations (alembic, run programmatically).

SQLite is the embedded default and PostgreSQL the production database; the
schema is only ever made by the migrations in :mod:`contactcenter.migrations`,
whose script location is found next to this file so an installed package can
migrate without an ``alembic.ini`` on disk.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 5000


def create_engine(url: str, echo: bool = False) -> AsyncEngine:
    """An async engine for ``url``.

    SQLite: the database folder (mode 0700) and file (mode 0600) are created, so
    that other local users cannot read patient data, and every connection gets
    WAL journaling, foreign keys and a busy timeout (SQLite gives the ``-wal`` and
    ``-shm`` files the database file's mode). PostgreSQL: a bounded pool
    that checks connections before use.
    """
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            path = Path(database).expanduser().resolve()
            _create_private(path)
            parsed = parsed.set(database=str(path))
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        engine = create_async_engine(parsed, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True, pool_recycle=1800)
    return create_async_engine(parsed, **kwargs)


def _create_private(path: Path) -> None:
    """Make the database's folder and an empty file readable by their owner only. Existing
    ones are left as the administrator made them."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[Any]:
    """Sessions bound to ``engine``; objects stay usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config(connection: Connection | None = None) -> Any:
    """An alembic ``Config`` built in code, pointing at the packaged migrations."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


async def upgrade(url: str, revision: str = "heads") -> None:
    """Migrate the database at ``url`` up to ``revision`` (idempotent).

    Each bounded context owns a branch of migrations that starts from the
    foundation (``branch_labels`` = the context's name), so the default target
    is every head.
    """
    from alembic import command

    await _run(url, lambda cfg: command.upgrade(cfg, revision))


async def downgrade(url: str, revision: str) -> None:
    """Migrate the database at ``url`` down to ``revision`` (``base`` drops everything)."""
    from alembic import command

    await _run(url, lambda cfg: command.downgrade(cfg, revision))


async def current_revision(url: str) -> str | None:
    """The revisions the database is at (comma-separated heads, sorted), or None when it
    has never been migrated."""
    from alembic.runtime.migration import MigrationContext

    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            heads = await conn.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_heads())
            return ", ".join(sorted(heads)) or None
    finally:
        await engine.dispose()


def head_revision() -> str | None:
    """The newest revisions shipped with this version (comma-separated heads, sorted)."""
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    return ", ".join(sorted(heads)) or None


async def _run(url: str, action: Any) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(lambda sync: action(alembic_config(sync)))
    finally:
        await engine.dispose()
