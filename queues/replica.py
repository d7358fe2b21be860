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
with :class:`~shared_kernel.health.StorageUnavailable` and the engine is the
log's again, so no one is told a change was made that a restart would forget.
On SQLite that means writing what is pending and then the change itself
before anyone acts on it: one write more per such change, which people make
at human pace, never the call flow. The call flow's own facts are retried
instead (a caller who hung up did so, whatever the disk says). Failures are
reported to :class:`~shared_kernel.health.HealthReporter` as ``queue_log`` (writing)
and ``queue_replica`` (following other instances).

The replica is composed of its :class:`~queues.replica_log.ReplicaState` (engine,
generation, owners, cursor), a :class:`~queues.replica_log.LogReader` (replay and
generations), on SQLite a :class:`~queues.replica_alone.SqliteLog` (the writer) and
on PostgreSQL an :class:`~queues.replica_follow.InstanceHold` (the instance id and
notifications).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from queues import events as ev
from queues.config import EngineConfig
from queues.engine import Engine
from queues.errors import QueueError
from queues.ports import QUEUE_LOG, QUEUE_REPLICA
from queues.replica_alone import RETRY_SECONDS, SqliteLog
from queues.replica_follow import InstanceHold, InstanceIdInUse
from queues.replica_log import (
    COMMAND,
    GENERATION_STARTED,
    Done,
    Intent,
    LogReader,
    ReplicaState,
    Seed,
    Work,
    is_idle,
)
from queues.snapshots import SnapshotStore, snapshot_due
from queues.sql import queue_events
from shared_kernel.health import HealthReporter, StorageUnavailable, Unreported

__all__ = ["COMMAND", "GENERATION_STARTED", "EngineReplica", "InstanceIdInUse", "Intent",
           "Seed"]

log = logging.getLogger(__name__)

BATCH_LIMIT = 200
OnEvents = Callable[[list[ev.Event]], None]


class EngineReplica:
    """The engine state of this instance, changed only through the shared log."""

    def __init__(self, *, db: AsyncEngine, clock: Callable[[], datetime],
                 config: EngineConfig, instance_id: str, on_events: OnEvents,
                 snapshot_every: int = 20_000,
                 health: HealthReporter | None = None) -> None:
        self._db = db
        self._clock = clock
        self.instance_id = instance_id
        self._on_events = on_events
        self.health: HealthReporter = health or Unreported()
        self._state = ReplicaState(config, instance_id, Engine(config, clock()))
        self._snapshots = SnapshotStore(db, config)
        self._reader = LogReader(db, self._state, self._snapshots, clock, self.health)
        self._postgres = self._reader.postgres
        self._alone = SqliteLog(db, self, self.health)
        self._hold = InstanceHold(db, instance_id)
        self.lock = asyncio.Lock()
        """Held while a batch runs or the log is read: the engine is never seen half-done."""
        self._queue: list[Work] = []
        self._has_work = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._closing = False
        self._snapshot_every = snapshot_every
        self._snapshot_wanted = False
        self._snapshot_task: asyncio.Task[None] | None = None

    # -- what the replica knows ---------------------------------------------------------------
    @property
    def engine(self) -> Engine:
        return self._state.engine

    @property
    def generation(self) -> str:
        return self._state.generation

    @property
    def owners(self) -> dict[str, str]:
        """Each live call's owner: the instance it arrived on."""
        return self._state.owners

    @property
    def cursor(self) -> int:
        """The id of the last log row this replica has applied."""
        return self._state.cursor

    @property
    def replayed_commands(self) -> int:
        """Commands replayed at the last replay (after the snapshot it started from)."""
        return self._state.replayed_commands

    @property
    def unwritten(self) -> int:
        """Log rows applied here but not yet written (SQLite; waiting for the disk)."""
        return self._alone.unwritten

    # -- start and stop -----------------------------------------------------------------------
    async def start(self, seed: Seed) -> None:
        """Join the log: replay the current generation or start a new one (``seed`` adds the
        roster to a new one), then follow what other instances append."""
        if self._postgres:
            await self._hold.take()
        async with self.lock, self._db.begin() as conn:
            await self._reader.lock(conn)
            last = await self._reader.last_id(conn)
            await self._reader.replay(conn, last)
            if not self.generation or is_idle(self.engine):
                await self._reader.new_generation(conn, seed)
                last = await self._reader.last_id(conn)
            else:
                log.info("queue engine: joined generation %s (%d calls, %d nurses)",
                         self.generation, len(self.engine.calls.entries),
                         len(self.engine.agents))
        self._state.cursor = last
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
        writer = self._alone.writer
        if writer is not None and not writer.done():
            log.error("%d queue events could not be written before stopping", self.unwritten)
            writer.cancel()
        if self._snapshot_task is not None:
            await asyncio.gather(self._snapshot_task, return_exceptions=True)
        await self._hold.release()

    # -- submitting changes ---------------------------------------------------------------------
    def submit(self, intent: Intent, *, durable: bool = False) -> asyncio.Future[list[ev.Event]]:
        """Queue ``intent``; the future has its events once they are applied (or its error).

        ``durable``: only once they are in the log; a change that cannot be stored is not
        made and the future fails with :class:`StorageUnavailable`."""
        future: asyncio.Future[list[ev.Event]] = asyncio.get_running_loop().create_future()
        self._queue.append(Work(intent, future, durable))
        self._has_work.set()
        return future

    async def flush(self) -> None:
        """Wait until everything submitted so far is applied and written."""
        if self._tasks:
            await self.submit(lambda at: [])
        if self._alone.writer is not None:
            await asyncio.shield(self._alone.writer)

    async def _work_loop(self) -> None:
        while True:
            await self._has_work.wait()
            self._has_work.clear()
            while self._queue:
                batch, self._queue = self._queue[:BATCH_LIMIT], self._queue[BATCH_LIMIT:]
                try:
                    await (self._run(batch) if self._postgres else self._alone.run(batch))
                except Exception as exc:  # a bug, not the database: fail this batch only
                    log.exception("queue engine batch failed")
                    for work in batch:
                        if not work.future.done():
                            work.future.set_exception(exc)

    async def _run(self, batch: Sequence[Work]) -> None:
        """PostgreSQL: lock the log, catch up, run the batch, append its rows, commit."""
        async with self.lock:
            while True:
                try:
                    theirs, ours, last, wrote = await self._run_locked(batch)
                    break
                except (SQLAlchemyError, OSError) as exc:
                    # Rebuilt from the log as it was before the batch; the call flow's facts
                    # are tried again, a durable change is refused (it is not in the log).
                    self.health.failed(QUEUE_LOG, exc)
                    refused = [w for w in batch if w.durable]
                    batch = [w for w in batch if not w.durable]
                    rebuilt = await self._reader.replay_now()
                    _refuse(refused, exc)
                    if not rebuilt:
                        await self._reader.rebuild(lambda: self._closing)
                    if not batch:
                        return
                    await asyncio.sleep(RETRY_SECONDS)
            if wrote:  # only a write that went in shows the log takes writes again
                self.health.recovered(QUEUE_LOG)
            self._state.cursor = max(self.cursor, last)
            self._maybe_snapshot(last)
        self._emit(theirs)
        self.settle(ours)

    async def _run_locked(self, batch: Sequence[Work]
                          ) -> tuple[list[ev.Event], list[Done], int, bool]:
        async with self._db.begin() as conn:
            await self._reader.lock(conn)
            theirs, last = await self._reader.read_new(conn)
            ours = self.execute(batch)
            rows = [row for _, events, _ in ours for row in self.rows(events)]
            if rows:
                ids = (await conn.execute(
                    queue_events.insert().returning(queue_events.c.id), rows)).scalars().all()
                last = max(ids)
                self._snapshot_wanted |= snapshot_due(min(ids) - 1, last, self._snapshot_every)
        return theirs, ours, last, bool(rows)

    # -- the surface the SQLite log uses (queues.replica_alone.Applier) -------------------------
    def execute(self, batch: Sequence[Work]) -> list[Done]:
        """Run each change on the current engine; a refused change does not stop the rest."""
        done: list[Done] = []
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

    def settle(self, ours: list[Done]) -> None:
        """Act on each change's events and answer whoever waits for it."""
        for work, events, error in ours:
            self._emit(events)
            if work.future.done():  # whoever waited for it was cancelled
                continue
            if error is not None:
                work.future.set_exception(error)
            else:
                work.future.set_result(events)

    def rows(self, events: list[ev.Event]) -> list[dict[str, Any]]:
        return self._state.rows(events)

    def written(self, first_id: int, last_id: int, *, complete: bool) -> None:
        self._snapshot_wanted |= snapshot_due(first_id - 1, last_id, self._snapshot_every)
        if complete:
            self._maybe_snapshot(last_id)

    async def restore(self) -> None:
        """The engine as the log has it (retried until the log can be read)."""
        if not await self._reader.replay_now():
            await self._reader.rebuild(lambda: self._closing)

    # -- snapshots -------------------------------------------------------------------------------
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

    def _emit(self, events: list[ev.Event]) -> None:
        if not events:
            return
        try:
            self._on_events(events)
        except Exception:
            log.exception("acting on queue events failed")
        self._state.forget_gone_owners()

    async def position(self) -> tuple[int, dict[str, Any]]:
        """The log position this replica has applied up to and its engine's state there
        (taken between batches, so the two belong together)."""
        async with self.lock:
            if not self._postgres:  # alone: written up to the end, once the writer is done
                await self._alone.written_out()
                async with self._db.connect() as conn:
                    self._state.cursor = await self._reader.last_id(conn)
            return self.cursor, self.engine.snapshot()

    # -- following other instances ------------------------------------------------------------------
    async def _follow_loop(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self._hold.nudge.wait(), 1.0)
            except TimeoutError:
                pass
            self._hold.nudge.clear()
            try:
                await self.catch_up()
            except Exception as exc:  # noqa: BLE001 - reported (and logged) by health
                self.health.failed(QUEUE_REPLICA, exc)  # not in step with the other instances
                await asyncio.sleep(1.0)
            else:
                self.health.recovered(QUEUE_REPLICA)

    async def catch_up(self) -> None:
        """Apply what other instances appended since this replica last read."""
        async with self.lock:
            async with self._db.connect() as conn:
                theirs, last = await self._reader.read_new(conn)
            self._state.cursor = max(self.cursor, last)
        self._emit(theirs)


def _refuse(works: Sequence[Work], cause: BaseException) -> None:
    for work in works:
        if not work.future.done():
            work.future.set_exception(StorageUnavailable("the change", cause))
