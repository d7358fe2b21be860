"""This instance's replica of the queue engine, in step with every other instance.

The queue engine is deterministic: the same commands in the same order give the
same state. Every service instance on one database therefore keeps its own
replica, and all of them apply one log of commands in one order. The log is
``queue_events`` itself: each engine command is recorded as a
``CommandReceived`` row, followed by the events it produced.

Changing the state goes through :meth:`EngineReplica.submit`. On PostgreSQL a
worker takes what was submitted, in order, and in one transaction per batch:

1. takes the log's lock (a transaction-level advisory lock),
2. applies what other instances appended since this replica last read (their
   events are handed to ``on_events`` like its own),
3. runs each submitted *intent* on the now current engine, at
   ``max(clock, engine.now)`` so the log's times never go backwards,
4. appends the commands and events, and commits, which releases the lock.

Because every decision is taken on the whole current state while holding the
lock, two instances can never offer one call to two nurses, nor two calls to
one nurse. Ids are drawn while the lock is held, so a reader that has seen the
log up to id ``n`` never later finds a row below ``n``. A ``pg_notify`` sent
on commit wakes the other replicas; they also look every second in case a
notification was missed. Each instance's id is held by a session advisory lock
while it runs, so two instances can never share one.

A *generation* is one run of the engine from a start instant. At start the
current generation is replayed; if the replayed engine is idle (no calls,
nobody logged in) a new generation starts, so replay stays short. A replica
that reads a ``GenerationStarted`` row resets its engine to match.

If the database fails in the middle of a batch, the replica rebuilds its
engine from the log as it was before the batch and runs the batch again:
nothing submitted is lost or applied twice.

On SQLite (one instance, nobody to stay in step with) a batch is applied at
once and its rows are written by a background writer right after, which keeps
the call flow's latency off SQLite's single writer lock; a write that fails is
retried until it succeeds.

A *durable* change (a nurse's state set by a person, a supervisor's command:
someone is told "done") is never answered before its rows are in the log. If
they cannot be written (disk full, read-only database) the change is refused
with :class:`~contactcenter.health.StorageUnavailable` and the engine is the
log's again, so no one is told a change was made that a restart would forget.
On SQLite that means writing what is pending and then the change itself
before anyone acts on it: one write more per such change, which people make
at human pace, never the call flow. The call flow's own facts are retried
instead (a caller who hung up did so, whatever the disk says). Failures are
reported to :class:`~contactcenter.health.Health` as ``queue_log`` (writing)
and ``queue_replica`` (following other instances).
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contactcenter.callflow.engine_snapshots import SnapshotStore, snapshot_due
from contactcenter.callflow.replica_alone import QUEUE_LOG, RETRY_SECONDS, SingleInstanceLog
from contactcenter.callflow.replica_log import (
    COMMAND,
    GENERATION_STARTED,
    NOTIFY_CHANNEL,
    LogReplay,
    is_idle,
    start_of,
)
from contactcenter.health import QUEUE_REPLICA, Health, StorageUnavailable
from queues import events as ev
from queues.config import EngineConfig
from queues.engine import Engine
from queues.errors import QueueError
from queues.serialization import event_from_row, event_to_row
from queues.sql import queue_events

log = logging.getLogger(__name__)

_INSTANCE_LOCK_CLASS = 0x5271  # session locks that keep instance ids unique
BATCH_LIMIT = 200
FOLLOWING = QUEUE_REPLICA

Intent = Callable[[datetime], list[ev.Event]]
"""A change to make, run on the current engine at the instant given; returns its events."""
EventsCallback = Callable[[list[ev.Event]], None]
Seed = Callable[[Engine, datetime], list[ev.Event]]


class InstanceIdInUse(RuntimeError):
    """Another running instance on this database has the same instance id."""


@dataclass
class _Work:
    intent: Intent
    future: asyncio.Future[list[ev.Event]]
    durable: bool = False


class EngineReplica(LogReplay, SingleInstanceLog):
    """The engine state of this instance, changed only through the shared log."""

    def __init__(self, *, db: AsyncEngine, clock: Callable[[], datetime],
                 config: EngineConfig, instance_id: str, on_events: EventsCallback,
                 snapshot_every: int = 20_000, health: Health | None = None) -> None:
        self._db = db
        self._clock = clock
        self._config = config
        self.instance_id = instance_id
        self._on_events = on_events
        self._postgres = db.dialect.name == "postgresql"
        self.engine = Engine(config, clock())
        self.generation = ""
        self.cursor = 0
        self.owners: dict[str, str] = {}
        self._lock = asyncio.Lock()
        self._queue: list[_Work] = []
        self._has_work = asyncio.Event()
        self._nudge = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._listen_conn: AsyncConnection | None = None
        self._closing = False
        self._unwritten: list[dict[str, Any]] = []
        self._writer: asyncio.Task[None] | None = None
        self._snapshots = SnapshotStore(db, config)
        self._snapshot_every = snapshot_every
        self._snapshot_wanted = False
        self._snapshot_task: asyncio.Task[None] | None = None
        self.replayed_commands = 0  # at the last replay (after the snapshot it started from)
        self.health = health or Health(clock)
        self._write_lock = asyncio.Lock()  # one write of log rows at a time, in order

    # -- start and stop -----------------------------------------------------------------------
    async def start(self, seed: Seed) -> None:
        """Join the log: replay the current generation or start a new one (``seed`` adds the
        roster to a new one), then follow what other instances append."""
        if self._postgres:
            await self._listen()
        async with self._lock, self._db.begin() as conn:
            await self._lock_log(conn)
            last = int((await conn.execute(select(func.max(queue_events.c.id)))).scalar() or 0)
            await self._replay(conn, last)
            if not self.generation or is_idle(self.engine):
                await self._new_generation(conn, seed)
                last = int((await conn.execute(select(func.max(queue_events.c.id)))).scalar()
                           or 0)
            else:
                log.info("queue engine: joined generation %s (%d calls, %d nurses)",
                         self.generation, len(self.engine.calls.entries),
                         len(self.engine.agents))
        self.cursor = last
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._work_loop())]
        if self._postgres:
            self._tasks.append(loop.create_task(self._follow_loop()))

    async def close(self, timeout: float = 10.0) -> None:
        """Run what was submitted (bounded by ``timeout``), then stop following the log."""
        try:
            await asyncio.wait_for(self.flush(), timeout)
        except TimeoutError:
            log.error("%d queue engine changes could not be written before stopping",
                      len(self._queue))
        self._closing = True
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        if self._writer is not None and not self._writer.done():
            log.error("%d queue events could not be written before stopping",
                      len(self._unwritten))
            self._writer.cancel()
        if self._snapshot_task is not None:
            await asyncio.gather(self._snapshot_task, return_exceptions=True)
        if self._listen_conn is not None:
            # Closed for good, not returned to the pool: that ends the LISTEN and releases the
            # instance id's session lock.
            await self._listen_conn.invalidate()
            await self._listen_conn.close()
            self._listen_conn = None

    async def _listen(self) -> None:
        """Hold this instance's id for as long as it runs, and LISTEN for new log rows."""
        conn = await self._db.connect()
        try:
            raw = await conn.get_raw_connection()
            driver: Any = raw.driver_connection
            key = zlib.crc32(self.instance_id.encode()) - 2**31
            if not await driver.fetchval("SELECT pg_try_advisory_lock($1, $2)",
                                         _INSTANCE_LOCK_CLASS, key):
                raise InstanceIdInUse(
                    f"another running instance on this database has the instance id "
                    f"{self.instance_id!r}; give each instance its own [service] instance_id")
            await driver.add_listener(NOTIFY_CHANNEL, self._notified)
        except BaseException:
            await conn.invalidate()  # never back to the pool with a lock or a listener on it
            await conn.close()
            raise
        self._listen_conn = conn

    def _notified(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        # The payload is the instance that wrote: this replica knows its own batches.
        if payload != self.instance_id:
            self._nudge.set()

    # -- submitting changes ---------------------------------------------------------------------
    def submit(self, intent: Intent, *, durable: bool = False) -> asyncio.Future[list[ev.Event]]:
        """Queue ``intent``; the future has its events once they are applied (or its error).

        ``durable``: only once they are in the log; a change that cannot be stored is not
        made and the future fails with :class:`StorageUnavailable`."""
        future: asyncio.Future[list[ev.Event]] = asyncio.get_running_loop().create_future()
        self._queue.append(_Work(intent, future, durable))
        self._has_work.set()
        return future

    async def flush(self) -> None:
        """Wait until everything submitted so far is applied and written."""
        if self._tasks:
            await self.submit(lambda at: [])
        if self._writer is not None:
            await asyncio.shield(self._writer)

    async def _work_loop(self) -> None:
        while True:
            await self._has_work.wait()
            self._has_work.clear()
            while self._queue:
                batch, self._queue = self._queue[:BATCH_LIMIT], self._queue[BATCH_LIMIT:]
                try:
                    await self._run(batch)
                except Exception as exc:  # a bug, not the database: fail this batch only
                    log.exception("queue engine batch failed")
                    for work in batch:
                        if not work.future.done():
                            work.future.set_exception(exc)

    async def _run(self, batch: Sequence[_Work]) -> None:
        if not self._postgres:
            await self._run_alone(batch)
            return
        async with self._lock:
            while True:
                try:
                    async with self._db.begin() as conn:
                        await self._lock_log(conn)
                        theirs, last = await self._read_new(conn)
                        ours = self._execute(batch)
                        rows = [row for _, events, _ in ours for row in self._rows(events)]
                        if rows:
                            ids = (await conn.execute(
                                queue_events.insert().returning(queue_events.c.id), rows)
                            ).scalars().all()
                            last = max(ids)
                            self._snapshot_wanted |= snapshot_due(min(ids) - 1, last,
                                                                  self._snapshot_every)
                    break
                except (SQLAlchemyError, OSError) as exc:
                    # Rebuilt from the log as it was before the batch; the call flow's facts
                    # are tried again, a durable change is refused (it is not in the log).
                    self.health.failed(QUEUE_LOG, exc)
                    refused = [w for w in batch if w.durable]
                    batch = [w for w in batch if not w.durable]
                    rebuilt = await self._replay_now()
                    _refuse(refused, exc)
                    if not rebuilt:
                        await self._rebuild()
                    if not batch:
                        return
                    await asyncio.sleep(RETRY_SECONDS)
            if rows:  # only a write that went in shows the log takes writes again
                self.health.recovered(QUEUE_LOG)
            self.cursor = max(self.cursor, last)
            self._maybe_snapshot(last)
        self._emit(theirs)
        self._settle(ours)

    def _maybe_snapshot(self, upto_id: int) -> None:
        """Save the engine as it is after row ``upto_id`` if a snapshot is due (in the
        background; one at a time)."""
        if not self._snapshot_wanted or (self._snapshot_task is not None
                                         and not self._snapshot_task.done()):
            return
        self._snapshot_wanted = False
        state = self._snapshots.freeze(self.engine, self.owners)
        self._snapshot_task = asyncio.get_running_loop().create_task(self._save_snapshot(
            self.generation, upto_id, state))

    async def _save_snapshot(self, generation: str, upto_id: int, state: bytes) -> None:
        try:
            await self._snapshots.save(generation, upto_id, state, self._clock())
        except Exception:
            log.exception("queue engine: saving a snapshot failed (the log is complete)")

    def _settle(self, ours: list[tuple[_Work, list[ev.Event], BaseException | None]]) -> None:
        for work, events, error in ours:
            self._emit(events)
            if work.future.done():  # whoever waited for it was cancelled
                continue
            if error is not None:
                work.future.set_exception(error)
            else:
                work.future.set_result(events)

    def _execute(self, batch: Sequence[_Work]
                 ) -> list[tuple[_Work, list[ev.Event], BaseException | None]]:
        done: list[tuple[_Work, list[ev.Event], BaseException | None]] = []
        for work in batch:
            at = max(self._clock(), self.engine.now)
            try:
                events = work.intent(at)
            except (QueueError, ValueError, KeyError) as exc:
                done.append((work, [], exc))
                continue
            except Exception as exc:  # a bug: this change is refused, the batch goes on
                log.exception("queue engine: a change failed")
                done.append((work, [], exc))
                continue
            for event in events:
                if isinstance(event, ev.CommandReceived) and event.command == "call_arrived":
                    self.owners[str(dict(event.args)["call_id"])] = self.instance_id
            done.append((work, events, None))
        return done

    def _rows(self, events: list[ev.Event]) -> list[dict[str, Any]]:
        rows = []
        for event in events:
            type_name, data = event_to_row(event)
            rows.append({"generation": self.generation, "at": event.at, "type": type_name,
                         "data": data, "instance_id": self.instance_id})
        return rows

    def _emit(self, events: list[ev.Event]) -> None:
        if not events:
            return
        try:
            self._on_events(events)
        except Exception:
            log.exception("acting on queue events failed")
        if len(self.owners) > 2 * len(self.engine.calls.entries) + 1000:
            self.owners = {c: o for c, o in self.owners.items() if c in self.engine.calls.entries}

    async def position(self) -> tuple[int, dict[str, Any]]:
        """The log position this replica has applied up to and its engine's state there
        (taken between batches, so the two belong together)."""
        async with self._lock:
            if not self._postgres:  # alone: written up to the end, once the writer is done
                while self._writer is not None and not self._writer.done():
                    await asyncio.shield(self._writer)
                async with self._db.connect() as conn:
                    self.cursor = int((await conn.execute(
                        select(func.max(queue_events.c.id)))).scalar() or 0)
            return self.cursor, self.engine.snapshot()

    # -- following other instances ------------------------------------------------------------------
    async def _follow_loop(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self._nudge.wait(), 1.0)
            except TimeoutError:
                pass
            self._nudge.clear()
            try:
                await self.catch_up()
            except Exception as exc:  # noqa: BLE001 - reported (and logged) by health
                self.health.failed(FOLLOWING, exc)  # not in step with the other instances
                await asyncio.sleep(1.0)
            else:
                self.health.recovered(FOLLOWING)

    async def catch_up(self) -> None:
        """Apply what other instances appended since this replica last read."""
        async with self._lock:
            async with self._db.connect() as conn:
                theirs, last = await self._read_new(conn)
            self.cursor = max(self.cursor, last)
        self._emit(theirs)

    async def _read_new(self, conn: AsyncConnection) -> tuple[list[ev.Event], int]:
        rows = (await conn.execute(
            select(queue_events.c.id, queue_events.c.generation, queue_events.c.type,
                   queue_events.c.at, queue_events.c.data, queue_events.c.instance_id)
            .where(queue_events.c.id > self.cursor,
                   queue_events.c.type.in_((COMMAND, GENERATION_STARTED)))
            .order_by(queue_events.c.id))).all()
        produced: list[ev.Event] = []
        for row in rows:
            produced.extend(self._apply_row(row))
        return produced, (rows[-1].id if rows else self.cursor)

    def _apply_row(self, row: Any) -> list[ev.Event]:
        if row.type == GENERATION_STARTED:
            self._reset(row.generation, start_of(row.data, row.at))
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


def _refuse(works: Sequence[_Work], cause: BaseException) -> None:
    for work in works:
        if not work.future.done():
            work.future.set_exception(StorageUnavailable("the change", cause))
