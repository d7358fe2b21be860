"""The queue log on SQLite: one instance, applied at once, written right after.

With nobody to stay in step with, a batch of changes is applied to the engine
at once and its rows are written by a background writer right after, which
keeps the call flow's latency off SQLite's single writer lock; a write that
fails is retried until it succeeds (nothing applied is lost once the disk
takes writes again). A durable change is written, with everything pending
before it, before anyone acts on it; if that fails it is not made.

:class:`SqliteLog` does this for an :class:`~queues.replica.EngineReplica`,
through the small :class:`Applier` surface the replica offers it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from queues import events as ev
from queues.ports import QUEUE_LOG
from queues.replica_log import Done, Work
from queues.sql import queue_events
from shared_kernel.health import HealthReporter, StorageUnavailable

RETRY_SECONDS = 0.5


class Applier(Protocol):
    """What the SQLite log needs of its replica."""

    lock: asyncio.Lock

    def execute(self, batch: Sequence[Work]) -> list[Done]: ...

    def settle(self, ours: list[Done]) -> None: ...

    def rows(self, events: list[ev.Event]) -> list[dict[str, Any]]: ...

    def written(self, first_id: int, last_id: int, *, complete: bool) -> None:
        """Rows ``first_id``…``last_id`` are in the log (``complete``: nothing applied is
        unwritten now, so the engine is exactly the log up to ``last_id``)."""

    async def restore(self) -> None:
        """Make the engine the log's again (after a change that could not be written)."""


class SqliteLog:
    """How the one instance on SQLite applies a batch and writes its rows."""

    def __init__(self, db: AsyncEngine, applier: Applier, health: HealthReporter) -> None:
        self._db = db
        self._applier = applier
        self._health = health
        self._unwritten: list[dict[str, Any]] = []
        self._write_lock = asyncio.Lock()  # one write of log rows at a time, in order
        self.writer: asyncio.Task[None] | None = None

    async def run(self, batch: Sequence[Work]) -> None:
        """Apply now, write right after (in order, retried); a durable change is written
        before anyone acts on it."""
        ours: list[Done] = []
        async with self._applier.lock:
            for work in batch:
                if work.durable:
                    ours.append(await self._run_durable(work))
                    continue
                done = self._applier.execute([work])
                self._unwritten += [row for _, events, _ in done
                                    for row in self._applier.rows(events)]
                ours += done
        if self._unwritten and (self.writer is None or self.writer.done()):
            self.writer = asyncio.get_running_loop().create_task(self._write_unwritten())
        self._applier.settle(ours)

    async def _run_durable(self, work: Work) -> Done:
        async with self._write_lock:
            if self._unwritten:  # first what came before it, so the log keeps its order
                try:
                    await self._insert_unwritten()
                except (SQLAlchemyError, OSError) as exc:  # the call flow's: written later
                    self._health.failed(QUEUE_LOG, exc)
                    return work, [], StorageUnavailable("the change", exc)  # not made at all
            [(_, events, error)] = self._applier.execute([work])
            rows = self._applier.rows(events)
            if rows:
                try:
                    ids = await self._insert(rows)
                except (SQLAlchemyError, OSError) as exc:
                    self._health.failed(QUEUE_LOG, exc)
                    # Everything before the change is on disk: the log is the state before it.
                    await self._applier.restore()
                    return work, [], StorageUnavailable("the change", exc)
                self._applier.written(min(ids), max(ids), complete=True)
            return work, events, error

    async def _insert(self, rows: list[dict[str, Any]]) -> list[int]:
        """Append ``rows`` to the log in one transaction; their ids."""
        async with self._db.begin() as conn:
            ids = list((await conn.execute(
                queue_events.insert().returning(queue_events.c.id), rows)).scalars().all())
        self._health.recovered(QUEUE_LOG)  # a write went in: the log takes writes again
        return ids

    async def _insert_unwritten(self) -> list[int]:
        """Write what is applied but not written; it stays unwritten until it is in."""
        rows = list(self._unwritten)
        ids = await self._insert(rows)
        del self._unwritten[:len(rows)]  # only appended to meanwhile
        # With nothing appended meanwhile the engine is exactly the log up to max(ids).
        self._applier.written(min(ids), max(ids), complete=not self._unwritten)
        return ids

    async def _write_unwritten(self) -> None:
        await asyncio.sleep(0)  # gather what this loop iteration produces into one write
        while self._unwritten:
            async with self._write_lock:
                if not self._unwritten:  # a durable change wrote them meanwhile
                    return
                try:
                    ids = await self._insert_unwritten()
                except (SQLAlchemyError, OSError) as exc:
                    self._health.failed(QUEUE_LOG, exc)  # logged once per episode
                    ids = []
            if not ids:
                await asyncio.sleep(RETRY_SECONDS)

    async def written_out(self) -> None:
        """Wait until the background writer has written what is pending."""
        while self.writer is not None and not self.writer.done():
            await asyncio.shield(self.writer)

    @property
    def unwritten(self) -> int:
        """Log rows applied here but not yet written (waiting for the disk)."""
        return len(self._unwritten)
