"""The queue log on SQLite: one instance, applied at once, written right after.

With nobody to stay in step with, a batch of changes is applied to the engine
at once and its rows are written by a background writer right after, which
keeps the call flow's latency off SQLite's single writer lock; a write that
fails is retried until it succeeds (nothing applied is lost once the disk
takes writes again). A durable change is written, with everything pending
before it, before anyone acts on it; if that fails it is not made.

:class:`SingleInstanceLog` is a part of
:class:`~contactcenter.callflow.replica.EngineReplica` (a mixin using its state),
kept here because this way of writing is SQLite's alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from contactcenter.callflow.engine_snapshots import snapshot_due
from contactcenter.health import QUEUE_LOG, StorageUnavailable
from queues import events as ev
from queues.sql import queue_events

if TYPE_CHECKING:
    from contactcenter.callflow.replica import _Work

RETRY_SECONDS = 0.5


class SingleInstanceLog:
    """How the one instance on SQLite applies and writes (mixed into ``EngineReplica``)."""

    if TYPE_CHECKING:  # provided by EngineReplica
        def __getattr__(self, name: str) -> Any: ...

    async def _run_alone(self, batch: Sequence[_Work]) -> None:
        """The one instance on SQLite: apply now, write right after (in order, retried); a
        durable change is written before anyone acts on it."""
        ours: list[tuple[_Work, list[ev.Event], BaseException | None]] = []
        async with self._lock:
            for work in batch:
                if work.durable:
                    ours.append(await self._run_durable_alone(work))
                    continue
                done = self._execute([work])
                self._unwritten += [row for _, events, _ in done for row in self._rows(events)]
                ours += done
        if self._unwritten and (self._writer is None or self._writer.done()):
            self._writer = asyncio.get_running_loop().create_task(self._write_unwritten())
        self._settle(ours)

    async def _run_durable_alone(self, work: _Work
                                 ) -> tuple[_Work, list[ev.Event], BaseException | None]:
        async with self._write_lock:
            if self._unwritten:  # first what came before it, so the log keeps its order
                try:
                    await self._insert_unwritten()
                except (SQLAlchemyError, OSError) as exc:  # the call flow's: written later
                    self.health.failed(QUEUE_LOG, exc)
                    return work, [], StorageUnavailable("the change", exc)  # not made at all
            [(_, events, error)] = self._execute([work])
            rows = self._rows(events)
            if rows:
                try:
                    ids = await self._insert(rows)
                except (SQLAlchemyError, OSError) as exc:
                    self.health.failed(QUEUE_LOG, exc)
                    # Everything before the change is on disk: the log is the state before it.
                    if not await self._replay_now():
                        await self._rebuild()
                    return work, [], StorageUnavailable("the change", exc)
                self._maybe_snapshot(max(ids))
            return work, events, error

    async def _insert(self, rows: list[dict[str, Any]]) -> list[int]:
        """Append ``rows`` to the log in one transaction; their ids."""
        async with self._db.begin() as conn:
            ids = list((await conn.execute(
                queue_events.insert().returning(queue_events.c.id), rows)).scalars().all())
        self.health.recovered(QUEUE_LOG)  # a write went in: the log takes writes again
        self._snapshot_wanted |= snapshot_due(min(ids) - 1, max(ids), self._snapshot_every)
        return ids

    async def _insert_unwritten(self) -> list[int]:
        """Write what is applied but not written; it stays unwritten until it is in."""
        rows = list(self._unwritten)
        ids = await self._insert(rows)
        del self._unwritten[:len(rows)]  # only appended to meanwhile
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
                    self.health.failed(QUEUE_LOG, exc)  # logged once per episode
                    ids = []
                else:
                    if not self._unwritten:  # the engine is now exactly the log up to max(ids)
                        self._maybe_snapshot(max(ids))
            if not ids:
                await asyncio.sleep(RETRY_SECONDS)

    @property
    def unwritten(self) -> int:
        """Log rows applied here but not yet written (SQLite; waiting for the disk)."""
        return len(self._unwritten)
