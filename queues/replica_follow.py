"""Holding this instance's id on PostgreSQL, and hearing when others append to the log.

:class:`InstanceHold` keeps one connection for as long as the instance runs: it
holds a session advisory lock on the instance id (so two running instances can
never share one) and LISTENs for the notification every committed batch sends;
a notification from another instance sets :attr:`InstanceHold.nudge`.
"""

from __future__ import annotations

import asyncio
import zlib
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from queues.replica_log import NOTIFY_CHANNEL

_INSTANCE_LOCK_CLASS = 0x5271  # session locks that keep instance ids unique


class InstanceIdInUse(RuntimeError):
    """Another running instance on this database has the same instance id."""


class InstanceHold:
    """This instance's id, held on the database, and the nudge from other instances."""

    def __init__(self, db: AsyncEngine, instance_id: str) -> None:
        self._db = db
        self._instance_id = instance_id
        self._conn: AsyncConnection | None = None
        self.nudge = asyncio.Event()
        """Set when another instance committed rows to the log."""

    async def take(self) -> None:
        """Hold the instance id (or raise :class:`InstanceIdInUse`) and LISTEN."""
        conn = await self._db.connect()
        try:
            raw = await conn.get_raw_connection()
            driver: Any = raw.driver_connection
            key = zlib.crc32(self._instance_id.encode()) - 2**31
            if not await driver.fetchval("SELECT pg_try_advisory_lock($1, $2)",
                                         _INSTANCE_LOCK_CLASS, key):
                raise InstanceIdInUse(
                    f"another running instance on this database has the instance id "
                    f"{self._instance_id!r}; give each instance its own [service] instance_id")
            await driver.add_listener(NOTIFY_CHANNEL, self._notified)
        except BaseException:
            await conn.invalidate()  # never back to the pool with a lock or a listener on it
            await conn.close()
            raise
        self._conn = conn

    def _notified(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        # The payload is the instance that wrote: this replica knows its own batches.
        if payload != self._instance_id:
            self.nudge.set()

    async def release(self) -> None:
        """Closed for good, not returned to the pool: that ends the LISTEN and releases the
        instance id's session lock."""
        if self._conn is not None:
            await self._conn.invalidate()
            await self._conn.close()
            self._conn = None
