"""Real storage faults for tests: a full disk, a database that became read-only.

Tests may run as root, where taking write permission away from a file stops
nothing, and a real full disk cannot be made per test. ``disk_full`` therefore
raises, at the DBAPI cursor, the very error the driver raises when the disk is
full (SQLite's ``OperationalError('database or disk is full')``, PostgreSQL's
``could not extend file``: SQLSTATE 53100) for every statement that writes, and
lets reads through, as a full disk does. ``read_only`` uses the databases' own
read-only modes (SQLite's ``PRAGMA query_only``, PostgreSQL's
``default_transaction_read_only``), so the refusal comes from the database
itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

_WRITES = ("INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER")


@contextlib.contextmanager
def disk_full(engine: AsyncEngine) -> Iterator[None]:
    """Every writing statement on ``engine`` fails as on a full disk until the block ends."""
    sync = engine.sync_engine
    dbapi = sync.dialect.loaded_dbapi
    message = "database or disk is full" if sync.dialect.name == "sqlite" \
        else 'could not extend file "base/16384/16385": No space left on device'

    def refuse(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith(_WRITES):
            raise dbapi.OperationalError(message)

    event.listen(sync, "before_cursor_execute", refuse)
    try:
        yield
    finally:
        event.remove(sync, "before_cursor_execute", refuse)


@contextlib.asynccontextmanager
async def read_only(engine: AsyncEngine) -> AsyncIterator[None]:
    """The database refuses every write (its own read-only mode) until the block ends."""
    sync = engine.sync_engine
    if sync.dialect.name == "postgresql":
        name = engine.url.database
        async with engine.connect() as conn:
            await conn.execute(text(f'ALTER DATABASE "{name}" SET '
                                    "default_transaction_read_only = on"))
            await conn.commit()
        await engine.dispose()  # new sessions start read-only
        try:
            yield
        finally:
            async with engine.connect() as conn:
                # This session is read-only too; SET for it first, then undo the default.
                await conn.execute(text("SET default_transaction_read_only = off"))
                await conn.execute(text("SET transaction_read_only = off"))
                await conn.execute(text(f'ALTER DATABASE "{name}" RESET '
                                        "default_transaction_read_only"))
                await conn.commit()
            await engine.dispose()
        return

    def query_only(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA query_only = ON")
        cursor.close()

    event.listen(sync, "connect", query_only)
    await engine.dispose()  # every connection from now on is a new, read-only one
    try:
        yield
    finally:
        event.remove(sync, "connect", query_only)
        await engine.dispose()
