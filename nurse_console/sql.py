"""The console's table: one row of call work per nurse and call.

The work itself is stored as JSON (:func:`nurse_console.model.to_plain`); the
columns beside it are what the console looks up by: the nurse's open work, and
earlier calls from the same number or person (repeat callers).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from nurse_console.model import CallWork, WorkStatus, from_plain, to_plain
from shared_kernel.naming import NAMING_CONVENTION

metadata = MetaData(naming_convention=NAMING_CONVENTION)

console_work = Table(
    "console_work",
    metadata,
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True,
           autoincrement=True),
    Column("call_id", String(64), nullable=False),
    Column("username", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("caller_number", String(32), nullable=True),
    Column("person_number", String(32), nullable=True),
    Column("revision", Integer, nullable=False),
    Column("offered_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("work", Text, nullable=False),
    Index("uq_console_work_call_id_username", "call_id", "username", unique=True),
    Index("ix_console_work_username_status", "username", "status"),
    Index("ix_console_work_caller_number", "caller_number"),
    Index("ix_console_work_person_number", "person_number"),
)


class StaleWork(Exception):
    """The stored work moved on since it was read (another instance wrote it)."""


class WorkStore:
    """Call work in the database, written on every change."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @staticmethod
    def _values(work: CallWork, now: datetime) -> dict[str, Any]:
        return {"call_id": work.call_id, "username": work.username, "status": work.status.value,
                "caller_number": work.facts.number,
                "person_number": work.draft.person_number or None,
                "revision": work.revision,
                "offered_at": datetime.fromisoformat(work.offered_at), "updated_at": now,
                "work": json.dumps(to_plain(work), ensure_ascii=False)}

    async def insert(self, work: CallWork, now: datetime) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(console_work.insert().values(self._values(work, now)))

    async def save(self, work: CallWork, previous_revision: int, now: datetime) -> None:
        """Store ``work`` over the stored revision ``previous_revision`` (else
        :class:`StaleWork`)."""
        t = console_work
        async with self._engine.begin() as conn:
            result = await conn.execute(update(t).where(
                t.c.call_id == work.call_id, t.c.username == work.username,
                t.c.revision == previous_revision).values(self._values(work, now)))
            if result.rowcount != 1:
                raise StaleWork(work.call_id)

    async def delete(self, work: CallWork) -> None:
        t = console_work
        async with self._engine.begin() as conn:
            await conn.execute(t.delete().where(t.c.call_id == work.call_id,
                                                t.c.username == work.username))

    async def open_work(self, username: str) -> CallWork | None:
        """The nurse's newest work that is not closed."""
        t = console_work
        async with self._engine.connect() as conn:
            row = (await conn.execute(
                select(t.c.work).where(t.c.username == username,
                                       t.c.status != WorkStatus.CLOSED.value)
                .order_by(t.c.offered_at.desc(), t.c.id.desc()).limit(1))).first()
        return from_plain(json.loads(row.work)) if row is not None else None

    async def get(self, username: str, call_id: str) -> CallWork | None:
        """The nurse's work on ``call_id`` (None: she has none)."""
        t = console_work
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(t.c.work).where(
                t.c.username == username, t.c.call_id == call_id))).first()
        return from_plain(json.loads(row.work)) if row is not None else None

    async def unsigned(self, username: str, exclude: str | None = None,
                       limit: int = 10) -> list[CallWork]:
        """The nurse's answered calls whose journal entry is not signed, newest first."""
        t = console_work
        async with self._engine.connect() as conn:
            rows = (await conn.execute(
                select(t.c.work).where(t.c.username == username,
                                       t.c.status.in_((WorkStatus.CALLER_GONE.value,
                                                       WorkStatus.CLOSED.value)))
                .order_by(t.c.offered_at.desc()).limit(200))).all()
        works = [from_plain(json.loads(r.work)) for r in rows]
        return [w for w in works if not w.signed and w.answered_at and w.call_id != exclude
                ][:limit]

    async def earlier(self, number: str | None, person: str | None, since: datetime,
                      exclude: str, limit: int = 5) -> list[CallWork]:
        """Work on other calls from the same number or about the same person since
        ``since``, newest first."""
        t = console_work
        match = [c for c in (t.c.caller_number == number if number else None,
                             t.c.person_number == person if person else None) if c is not None]
        if not match:
            return []
        async with self._engine.connect() as conn:
            rows = (await conn.execute(
                select(t.c.work).where(and_(or_(*match), t.c.offered_at >= since,
                                            t.c.call_id != exclude))
                .order_by(t.c.offered_at.desc()).limit(limit))).all()
        return [from_plain(json.loads(r.work)) for r in rows]

    async def closed_between(self, start: datetime, end: datetime) -> list[CallWork]:
        """Closed work offered in ``[start, end)`` (phase durations for statistics)."""
        t = console_work
        async with self._engine.connect() as conn:
            rows = (await conn.execute(
                select(t.c.work).where(t.c.status == WorkStatus.CLOSED.value,
                                       t.c.offered_at >= start, t.c.offered_at < end)
                .order_by(t.c.offered_at))).all()
        return [from_plain(json.loads(r.work)) for r in rows]
