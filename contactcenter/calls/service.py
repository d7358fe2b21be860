"""The call log service: records call events, keeps live call records, persists both.

Events are applied to the in-memory record at once (so the call flow never
waits for the disk) and written in batches by one writer task: the events
table and the ``calls`` projection in one transaction. ``flush()`` waits until
everything recorded so far is on disk; ``close()`` flushes and stops.

A batch that cannot be written (disk full, read-only database…) is kept and
written again until it goes in, so nothing recorded is lost once the database
takes writes again; meanwhile the failure is reported to :class:`Health`
(logged once at ERROR, shown by the health route) until a write succeeds.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from contactcenter.calls.model import (
    CallEvent,
    CallEventType,
    CallRecord,
    CallState,
    apply_event,
    replay,
)
from contactcenter.calls.sql import call_events, calls
from contactcenter.health import CALL_LOG, Health

log = logging.getLogger(__name__)

LIVE_STATES = [s.value for s in CallState if s.is_live]
PART = CALL_LOG
"""The name this writer reports its failures under (see :mod:`contactcenter.health`)."""


class CallLog:
    """Append-only call events with their derived call records."""

    def __init__(
        self,
        engine: AsyncEngine,
        clock: Callable[[], datetime],
        instance_id: str,
        *,
        on_change: Callable[[CallRecord], None] | None = None,
        recent_size: int = 200,
        health: Health | None = None,
        retry_seconds: float = 0.5,
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._instance_id = instance_id
        self._on_change = on_change
        self._live: dict[str, CallRecord] = {}
        self._recent: deque[CallRecord] = deque(maxlen=recent_size)
        self._ended: dict[str, CallRecord] = {}  # the recent ones by id
        self._pending: list[tuple[CallEvent, CallRecord]] = []
        self._wakeup = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._writer: asyncio.Task[None] | None = None
        self._closing = False
        self.write_errors = 0
        self.health = health or Health(clock)
        self._retry_seconds = retry_seconds
        self._in_flight = 0  # events of the batch being written now

    # -- recording -----------------------------------------------------------------
    def record(self, call_id: str, type: CallEventType, **data: Any) -> CallRecord:
        """Apply a new event to the call now; it reaches the database shortly after."""
        current = self._live.get(call_id)
        seq = 1 if current is None else current.last_seq + 1
        event = CallEvent(call_id=call_id, seq=seq, type=type, at=self._clock(), data=data)
        record = apply_event(current, event)
        if record.state.is_live:
            self._live[call_id] = record
        else:
            self._live.pop(call_id, None)
            if len(self._recent) == self._recent.maxlen:
                oldest = self._recent[-1]
                if self._ended.get(oldest.call_id) is oldest:
                    del self._ended[oldest.call_id]
            self._recent.appendleft(record)
            self._ended[call_id] = record
        self._pending.append((event, record))
        self._idle.clear()
        self._wakeup.set()
        self._ensure_writer()
        if self._on_change is not None:
            self._on_change(record)
        return record

    def adopt(self, record: CallRecord) -> None:
        """Take over a live call recovered from the database after a restart."""
        self._live[record.call_id] = record

    def get(self, call_id: str) -> CallRecord | None:
        return self._live.get(call_id)

    def find(self, call_id: str) -> CallRecord | None:
        """The call, live or among the recently ended ones this instance keeps."""
        return self._live.get(call_id) or self._ended.get(call_id)

    def live(self) -> list[CallRecord]:
        return sorted(self._live.values(), key=lambda r: r.arrived_at)

    def recent(self, limit: int = 50) -> list[CallRecord]:
        return list(self._recent)[:limit]

    @property
    def unwritten(self) -> int:
        """Events recorded but not yet on disk (waiting for the writer, or for the disk)."""
        return len(self._pending) + self._in_flight

    # -- persistence ---------------------------------------------------------------
    def _ensure_writer(self) -> None:
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._write_loop())

    async def _write_loop(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            batch, self._pending = self._pending, []
            self._in_flight = len(batch)
            if batch:
                unwritten: list[tuple[CallEvent, CallRecord]] = []
                error: Exception | None = None
                try:
                    await self._write(batch)
                except IntegrityError:
                    # Not transient: retrying the batch would fail forever. Write what can be
                    # written one event at a time and report the rest.
                    unwritten, error = await self._write_each(batch)
                except Exception as exc:  # noqa: BLE001 - reported (and logged) by health
                    unwritten, error = batch, exc
                finally:
                    self._in_flight = 0
                if error is not None:  # kept, in order, and written again until it goes in
                    self.write_errors += 1
                    self.health.failed(PART, error)  # logged once per episode, with the cause
                    self._pending[:0] = unwritten
                    await asyncio.sleep(self._retry_seconds)
                    self._wakeup.set()
                    continue
                self.health.recovered(PART)
            if not self._pending:
                self._idle.set()
                if self._closing:
                    return

    async def _write_each(self, batch: list[tuple[CallEvent, CallRecord]]
                          ) -> tuple[list[tuple[CallEvent, CallRecord]], Exception | None]:
        """Write ``batch`` event by event, skipping (and logging) events that conflict with
        stored ones; on any other failure return the events not yet written and the error."""
        for n, item in enumerate(batch):
            try:
                await self._write([item])
            except IntegrityError:
                self.write_errors += 1
                event = item[0]
                log.error("call %s: event %d (%s) conflicts with a stored event; not written",
                          event.call_id, event.seq, event.type.value)
            except Exception as exc:  # noqa: BLE001 - the caller keeps the rest and retries
                return batch[n:], exc
        return [], None

    async def _write(self, batch: list[tuple[CallEvent, CallRecord]]) -> None:
        event_rows = [
            {
                "call_id": e.call_id,
                "seq": e.seq,
                "type": e.type.value,
                "at": e.at,
                "instance_id": self._instance_id,
                "data": e.data,
            }
            for e, _ in batch
        ]
        new_rows: dict[str, dict[str, Any]] = {}
        changed: dict[str, dict[str, Any]] = {}
        for event, record in batch:
            row = self._row(record)
            if event.type is CallEventType.ARRIVED or record.call_id in new_rows:
                new_rows[record.call_id] = row
            else:
                changed[record.call_id] = row
        async with self._engine.begin() as conn:
            await conn.execute(call_events.insert(), event_rows)
            if new_rows:
                await conn.execute(calls.insert(), list(new_rows.values()))
            if changed:
                stmt = (
                    update(calls)
                    .where(calls.c.call_id == bindparam("b_call_id"))
                    .values({k: bindparam(k) for k in _ROW_KEYS if k != "call_id"})
                )
                await conn.execute(
                    stmt, [{"b_call_id": k, **{c: v for c, v in r.items() if c != "call_id"}}
                           for k, r in changed.items()]
                )

    def _row(self, r: CallRecord) -> dict[str, Any]:
        return {
            "call_id": r.call_id,
            "channel_id": r.channel_id,
            "caller_number": r.caller_number,
            "region": r.region,
            "region_source": r.region_source,
            "queue": r.queue,
            "state": r.state.value,
            "nurse_id": r.nurse_id,
            "arrived_at": r.arrived_at,
            "queued_at": r.queued_at,
            "answered_at": r.answered_at,
            "ended_at": r.ended_at,
            "wait_seconds": r.wait_seconds,
            "end_cause": r.end_cause,
            "instance_id": self._instance_id,
        }

    async def flush(self) -> None:
        """Wait until every event recorded so far is written."""
        if self._pending:
            self._ensure_writer()
        await self._idle.wait()

    async def close(self, timeout: float = 10.0) -> None:
        """Write what is pending (waiting at most ``timeout`` seconds) and stop."""
        self._closing = True
        self._wakeup.set()
        if self._writer is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._writer), timeout)
            except TimeoutError:
                log.error("%d call events could not be written before stopping",
                          len(self._pending))
                self._writer.cancel()
        elif self._pending:
            await self._write(self._pending)
            self._pending = []

    # -- reading back --------------------------------------------------------------
    async def load_live_calls(self) -> list[CallRecord]:
        """Live calls of this instance in the database, each rebuilt by replaying its events.

        Other instances' calls are theirs: they are on another Asterisk."""
        async with self._engine.connect() as conn:
            ids = (
                await conn.execute(select(calls.c.call_id).where(
                    calls.c.state.in_(LIVE_STATES), calls.c.instance_id == self._instance_id))
            ).scalars().all()
            records = []
            for call_id in ids:
                records.append(replay(await self._events(conn, call_id)))
        return records

    async def events_of(self, call_id: str) -> list[CallEvent]:
        async with self._engine.connect() as conn:
            return await self._events(conn, call_id)

    @staticmethod
    async def _events(conn: Any, call_id: str) -> list[CallEvent]:
        rows = await conn.execute(
            select(call_events).where(call_events.c.call_id == call_id).order_by(call_events.c.seq)
        )
        return [
            CallEvent(
                call_id=row.call_id,
                seq=row.seq,
                type=CallEventType(row.type),
                at=_aware(row.at),
                data=dict(row.data or {}),
            )
            for row in rows
        ]

    async def load_recent(self, limit: int = 50) -> list[dict[str, Any]]:
        """The most recently arrived calls from the database, newest first."""
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                select(calls).order_by(calls.c.arrived_at.desc()).limit(limit)
            )
            return [_row_dict(row._mapping) for row in rows]


_ROW_KEYS = (
    "call_id", "channel_id", "caller_number", "region", "region_source", "queue", "state",
    "nurse_id", "arrived_at", "queued_at", "answered_at", "ended_at", "wait_seconds",
    "end_cause", "instance_id",
)


def _aware(value: datetime) -> datetime:
    from datetime import UTC

    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _row_dict(mapping: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in _ROW_KEYS:
        value = mapping[key]
        if isinstance(value, datetime):
            value = _aware(value).isoformat()
        out[key] = value
    return out


def records_as_dicts(records: Iterable[CallRecord]) -> list[dict[str, Any]]:
    return [r.as_dict() for r in records]
