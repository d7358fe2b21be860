"""Generations, replay and the log's lock: how an engine replica is (re)built from the log.

:class:`LogReplay` is a part of :class:`~contactcenter.callflow.replica.EngineReplica`
(a mixin using its state), kept here so each module stays small.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection

from contactcenter.health import QUEUE_REPLICA
from queues.agent import AgentState
from queues.engine import Engine
from queues.serialization import decode, encode
from queues.sql import queue_events

log = logging.getLogger(__name__)

GENERATION_STARTED = "GenerationStarted"
COMMAND = "CommandReceived"
NOTIFY_CHANNEL = "radgivning_queue_events"
_LOG_LOCK = 0x51_75_65_75  # "Queu": the one advisory lock of the log


class LogReplay:
    """Replay, rebuild and generations of the engine replica (mixed into ``EngineReplica``)."""

    if TYPE_CHECKING:  # provided by EngineReplica
        def __getattr__(self, name: str) -> Any: ...

    def _reset(self, generation: str, start: datetime) -> None:
        self.engine = Engine(self._config, start)
        self.generation = generation
        self.owners = {}

    async def _replay(self, conn: AsyncConnection, upto: int) -> None:
        """Rebuild the engine from the log's rows of the current generation up to ``upto``."""
        start_row = (await conn.execute(
            select(queue_events.c.id, queue_events.c.generation, queue_events.c.at,
                   queue_events.c.data)
            .where(queue_events.c.type == GENERATION_STARTED, queue_events.c.id <= upto)
            .order_by(queue_events.c.id.desc()).limit(1))).first()
        if start_row is None:
            self._reset("", self._clock())
            return
        self._reset(start_row.generation, start_of(start_row.data, start_row.at))
        after = start_row.id
        snapshot = await self._snapshots.newest(conn, start_row.generation, upto)
        if snapshot is not None:
            self.engine, self.owners, after = snapshot.engine, dict(snapshot.owners), \
                snapshot.upto_id
        rows = (await conn.execute(
            select(queue_events.c.id, queue_events.c.generation, queue_events.c.type,
                   queue_events.c.data, queue_events.c.instance_id)
            .where(queue_events.c.generation == start_row.generation,
                   queue_events.c.type == COMMAND,
                   queue_events.c.id > after, queue_events.c.id <= upto)
            .order_by(queue_events.c.id))).all()
        for row in rows:
            self._apply_row(row)
        self.replayed_commands = len(rows)
        log.info("queue engine: replayed %d commands of generation %s%s", len(rows),
                 self.generation, "" if snapshot is None
                 else f" after its snapshot at row {snapshot.upto_id}")

    async def _replay_now(self) -> bool:
        """The engine as the log has it up to this replica's cursor (on SQLite, where all
        that is written is this replica's, up to the end); False if it cannot be read."""
        try:
            async with self._db.connect() as conn:
                upto = self.cursor if self._postgres else int((await conn.execute(
                    select(func.max(queue_events.c.id)))).scalar() or 0)
                await self._replay(conn, upto)
            return True
        except (SQLAlchemyError, OSError) as exc:
            self.health.failed(QUEUE_REPLICA, exc)
            return False

    async def _rebuild(self) -> None:
        """After a failed batch: the engine as the log had it before the batch (retries)."""
        while not self._closing:
            await asyncio.sleep(0.5)
            if await self._replay_now():
                self.health.recovered(QUEUE_REPLICA)
                return

    async def _new_generation(self, conn: AsyncConnection, seed: Any) -> None:
        start = max(self._clock(), self.engine.now)
        self._reset(uuid.uuid4().hex, start)
        await conn.execute(queue_events.insert(), [{
            "generation": self.generation, "at": start, "type": GENERATION_STARTED,
            "data": {"start": encode(start)}, "instance_id": self.instance_id}])
        rows = self._rows(seed(self.engine, start))
        if rows:
            await conn.execute(queue_events.insert(), rows)
        log.info("queue engine: generation %s started", self.generation)

    async def _lock_log(self, conn: AsyncConnection) -> None:
        """Take the log's lock for this transaction. The notification it also queues is sent
        only if the transaction commits (one that wrote nothing wakes others for nothing)."""
        if self._postgres:
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key), pg_notify(:c, :p)"),
                               {"key": _LOG_LOCK, "c": NOTIFY_CHANNEL, "p": self.instance_id})


def is_idle(engine: Engine) -> bool:
    """No calls and nobody logged in: a new generation may start here."""
    return not engine.calls.entries and all(
        a.state is AgentState.LOGGED_OUT for a in engine.agents.values())


def start_of(data: dict[str, Any] | None, at: datetime) -> datetime:
    """The start instant of a generation (rows written before it was in ``data``: ``at``)."""
    start = decode((data or {}).get("start")) or at
    return start if start.tzinfo else start.replace(tzinfo=UTC)
