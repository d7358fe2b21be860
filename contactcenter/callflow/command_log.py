"""A totally ordered log of queue-engine commands shared by every service instance.

The queue engine is deterministic: the same commands in the same order give the
same state. Several instances on one PostgreSQL can therefore each keep a
replica of the engine if they all apply one log in one order. This module is
that log: :meth:`CommandLog.submit` appends a command and
:meth:`CommandLog.read_after` returns the commands after a cursor, in order.

The order must be *stable under concurrency*: a reader that has seen the
commands up to id ``n`` must never later find a new command with an id below
``n``. A plain sequence does not give that (a transaction that took id 5 may
commit after the one that took id 6), so on PostgreSQL appends are serialised
by a transaction-level advisory lock taken before the id is drawn; SQLite
serialises writers by itself. Each append also notifies listeners
(``pg_notify``), so replicas need not poll.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from queues.serialization import decode, encode
from queues.sql import queue_commands

NOTIFY_CHANNEL = "radgivning_queue_commands"
_LOCK_KEY = 0x51_75_65_75  # "Queu": one advisory lock for the whole log


@dataclass(frozen=True)
class LoggedCommand:
    """One command of the log, with the instance that submitted it."""

    id: int
    at: datetime
    instance_id: str
    command: str
    args: dict[str, Any]


class CommandLog:
    """Append to and read the shared command log (one per database)."""

    def __init__(self, engine: AsyncEngine, instance_id: str) -> None:
        self._engine = engine
        self._instance = instance_id
        self._postgres = engine.dialect.name == "postgresql"

    async def submit(self, command: str, args: dict[str, Any], at: datetime) -> int:
        """Append ``command`` with its arguments; returns its place (id) in the log."""
        async with self._engine.begin() as conn:
            if self._postgres:
                await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                   {"key": _LOCK_KEY})
            result = await conn.execute(queue_commands.insert().values(
                at=at, instance_id=self._instance, command=command, args=encode(args)))
            new_id = int(result.inserted_primary_key[0])
            if self._postgres:
                await conn.execute(text("SELECT pg_notify(:channel, :payload)"),
                                   {"channel": NOTIFY_CHANNEL, "payload": str(new_id)})
        return new_id

    async def read_after(self, last_id: int, limit: int = 1000) -> list[LoggedCommand]:
        """The commands after ``last_id`` in log order (at most ``limit``)."""
        async with self._engine.connect() as conn:
            rows = (await conn.execute(
                select(queue_commands).where(queue_commands.c.id > last_id)
                .order_by(queue_commands.c.id).limit(limit))).all()
        return [LoggedCommand(int(r.id), r.at, r.instance_id, r.command, decode(r.args))
                for r in rows]
