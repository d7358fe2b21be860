"""The replica's state and how it is (re)built from the shared log.

:class:`ReplicaState` is what a replica knows: its engine, the generation it is
in, who owns each call, and how far into the log it has applied.
:class:`LogReader` rebuilds that state from ``queue_events`` (replay from the
newest usable snapshot, a new generation, the rows other instances appended)
and takes the log's lock for a transaction.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from queues import events as ev
from queues.config import EngineConfig
from queues.engine import Engine
from queues.model import AgentState
from queues.ports import QUEUE_REPLICA
from queues.serialization import decode, encode, event_from_row, event_to_row
from queues.snapshots import SnapshotStore
from queues.sql import queue_events
from shared_kernel.health import HealthReporter

log = logging.getLogger(__name__)

GENERATION_STARTED = "GenerationStarted"
COMMAND = "CommandReceived"
NOTIFY_CHANNEL = "radgivning_queue_events"
_LOG_LOCK = 0x51_75_65_75  # "Queu": the one advisory lock of the log

Seed = Callable[[Engine, datetime], list[ev.Event]]
"""What a new generation starts with (the roster), given the new engine and its start."""
Intent = Callable[[datetime], list[ev.Event]]
"""A change to make, run on the current engine at the instant given; returns its events."""


@dataclass
class Work:
    """One submitted change and whoever waits for its events."""

    intent: Intent
    future: asyncio.Future[list[ev.Event]]
    durable: bool = False


Done = tuple[Work, list[ev.Event], BaseException | None]
"""A change run on the engine: its events, or why it was refused."""


@dataclass
class ReplicaState:
    """One replica's view of the log: the engine, its generation, each call's owner (the
    instance it arrived on) and the id of the last row applied."""

    config: EngineConfig
    instance_id: str
    engine: Engine
    generation: str = ""
    owners: dict[str, str] = field(default_factory=dict)
    cursor: int = 0
    replayed_commands: int = 0  # at the last replay (after the snapshot it started from)

    def reset(self, generation: str, start: datetime) -> None:
        """A new engine for ``generation``, starting at ``start``."""
        self.engine = Engine(self.config, start)
        self.generation = generation
        self.owners = {}

    def rows(self, events: list[ev.Event]) -> list[dict[str, Any]]:
        """``events`` as rows of the log, written by this instance."""
        rows = []
        for event in events:
            type_name, data = event_to_row(event)
            rows.append({"generation": self.generation, "at": event.at, "type": type_name,
                         "data": data, "instance_id": self.instance_id})
        return rows

    def apply_row(self, row: Any) -> list[ev.Event]:
        """Apply one ``GenerationStarted`` or ``CommandReceived`` row; its events."""
        if row.type == GENERATION_STARTED:
            self.reset(row.generation, start_of(row.data, row.at))
            return []
        if row.generation != self.generation:
            return []  # a row of a generation this replica is not in (cannot happen in order)
        command = event_from_row(row.type, row.data)
        assert isinstance(command, ev.CommandReceived)
        args = dict(command.args)
        if command.command == "call_arrived":
            self.owners[str(args["call_id"])] = row.instance_id
        try:
            return getattr(self.engine, command.command)(**args)
        except Exception:
            log.exception("queue engine: command %s of %s could not be applied here",
                          command.command, row.instance_id)
            return []

    def forget_gone_owners(self) -> None:
        """Drop the owners of calls long gone (kept bounded)."""
        if len(self.owners) > 2 * len(self.engine.calls.entries) + 1000:
            self.owners = {c: o for c, o in self.owners.items() if c in self.engine.calls.entries}


class LogReader:
    """Replay, rebuild and generations of a replica's state from the log."""

    def __init__(self, db: AsyncEngine, state: ReplicaState, snapshots: SnapshotStore,
                 clock: Callable[[], datetime], health: HealthReporter) -> None:
        self._db = db
        self._state = state
        self._snapshots = snapshots
        self._clock = clock
        self._health = health
        self.postgres = db.dialect.name == "postgresql"

    async def replay(self, conn: AsyncConnection, upto: int) -> None:
        """Rebuild the engine from the log's rows of the current generation up to ``upto``."""
        state = self._state
        start_row = (await conn.execute(
            select(queue_events.c.id, queue_events.c.generation, queue_events.c.at,
                   queue_events.c.data)
            .where(queue_events.c.type == GENERATION_STARTED, queue_events.c.id <= upto)
            .order_by(queue_events.c.id.desc()).limit(1))).first()
        if start_row is None:
            state.reset("", self._clock())
            return
        state.reset(start_row.generation, start_of(start_row.data, start_row.at))
        after = start_row.id
        snapshot = await self._snapshots.newest(conn, start_row.generation, upto)
        if snapshot is not None:
            state.engine, state.owners, after = snapshot.engine, dict(snapshot.owners), \
                snapshot.upto_id
        rows = (await conn.execute(
            select(queue_events.c.id, queue_events.c.generation, queue_events.c.type,
                   queue_events.c.data, queue_events.c.instance_id)
            .where(queue_events.c.generation == start_row.generation,
                   queue_events.c.type == COMMAND,
                   queue_events.c.id > after, queue_events.c.id <= upto)
            .order_by(queue_events.c.id))).all()
        for row in rows:
            state.apply_row(row)
        state.replayed_commands = len(rows)
        log.info("queue engine: replayed %d commands of generation %s%s", len(rows),
                 state.generation, "" if snapshot is None
                 else f" after its snapshot at row {snapshot.upto_id}")

    async def replay_now(self) -> bool:
        """The engine as the log has it up to this replica's cursor (on SQLite, where all
        that is written is this replica's, up to the end); False if it cannot be read."""
        try:
            async with self._db.connect() as conn:
                upto = self._state.cursor if self.postgres else int((await conn.execute(
                    select(func.max(queue_events.c.id)))).scalar() or 0)
                await self.replay(conn, upto)
            return True
        except (SQLAlchemyError, OSError) as exc:
            self._health.failed(QUEUE_REPLICA, exc)
            return False

    async def rebuild(self, closing: Callable[[], bool]) -> None:
        """After a failed batch: the engine as the log had it before the batch (retries until
        it can be read, or ``closing()``)."""
        while not closing():
            await asyncio.sleep(0.5)
            if await self.replay_now():
                self._health.recovered(QUEUE_REPLICA)
                return

    async def new_generation(self, conn: AsyncConnection, seed: Seed) -> None:
        """Start a new generation now, seeded (the roster), and write its first rows."""
        state = self._state
        start = max(self._clock(), state.engine.now)
        state.reset(uuid.uuid4().hex, start)
        await conn.execute(queue_events.insert(), [{
            "generation": state.generation, "at": start, "type": GENERATION_STARTED,
            "data": {"start": encode(start)}, "instance_id": state.instance_id}])
        rows = state.rows(seed(state.engine, start))
        if rows:
            await conn.execute(queue_events.insert(), rows)
        log.info("queue engine: generation %s started", state.generation)

    async def lock(self, conn: AsyncConnection) -> None:
        """Take the log's lock for this transaction. The notification it also queues is sent
        only if the transaction commits (one that wrote nothing wakes others for nothing)."""
        if self.postgres:
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key), pg_notify(:c, :p)"),
                               {"key": _LOG_LOCK, "c": NOTIFY_CHANNEL,
                                "p": self._state.instance_id})

    async def read_new(self, conn: AsyncConnection) -> tuple[list[ev.Event], int]:
        """Apply the rows appended since the cursor; their events and the last row's id."""
        state = self._state
        rows = (await conn.execute(
            select(queue_events.c.id, queue_events.c.generation, queue_events.c.type,
                   queue_events.c.at, queue_events.c.data, queue_events.c.instance_id)
            .where(queue_events.c.id > state.cursor,
                   queue_events.c.type.in_((COMMAND, GENERATION_STARTED)))
            .order_by(queue_events.c.id))).all()
        produced: list[ev.Event] = []
        for row in rows:
            produced.extend(state.apply_row(row))
        return produced, (rows[-1].id if rows else state.cursor)

    async def last_id(self, conn: AsyncConnection) -> int:
        return int((await conn.execute(select(func.max(queue_events.c.id)))).scalar() or 0)


def is_idle(engine: Engine) -> bool:
    """No calls and nobody logged in: a new generation may start here."""
    return not engine.calls.entries and all(
        a.state is AgentState.LOGGED_OUT for a in engine.agents.values())


def start_of(data: dict[str, Any] | None, at: datetime) -> datetime:
    """The start instant of a generation (rows written before it was in ``data``: ``at``)."""
    start = decode((data or {}).get("start")) or at
    return start if start.tzinfo else start.replace(tzinfo=UTC)
