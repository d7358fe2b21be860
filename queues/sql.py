"""Tables of the queue context: nurses (agents) and every change of their state.

Nurse state is derived from ``nurse_events`` (server-side timestamps), so a
restart or a second instance sees the same history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    select,
)

from shared_kernel.naming import NAMING_CONVENTION

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.ext.asyncio import AsyncEngine

    from queues.events import Event

metadata = MetaData(naming_convention=NAMING_CONVENTION)

nurses = Table(
    "nurses",
    metadata,
    Column("nurse_id", String(64), primary_key=True),
    Column("display_name", String(200), nullable=False),
    Column("home_region", String(4), nullable=False),
    Column("endpoint", String(200), nullable=False),
    Column("username", String(100), nullable=True),
    Column("active", Boolean, nullable=False, default=True),
)

nurse_events = Table(
    "nurse_events",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("nurse_id", String(64), nullable=False),
    Column("state", String(20), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("call_id", String(64), nullable=True),
    Column("data", JSON, nullable=False),
    Index("ix_nurse_events_nurse_id_at", "nurse_id", "at"),
)

queue_events = Table(
    "queue_events",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("generation", String(32), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("type", String(40), nullable=False),
    Column("data", JSON, nullable=False),
    Column("instance_id", String(100), nullable=False),
    Index("ix_queue_events_generation_id", "generation", "id"),
    Index("ix_queue_events_at", "at"),
)
"""Every event of the queue engine, in one total order (``id``) shared by every service
instance: each engine command (``CommandReceived``) followed by the events it produced.
A *generation* is one run of the engine from a start instant: replaying its commands
rebuilds the engine (``Engine.replay``), and every instance applies them to its replica."""

queue_snapshots = Table(
    "queue_snapshots",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("generation", String(32), nullable=False),
    Column("upto_id", BigInteger, nullable=False),
    Column("taken_at", DateTime(timezone=True), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("state", LargeBinary, nullable=False),
    Index("ix_queue_snapshots_generation_upto_id", "generation", "upto_id"),
)
"""The engine's whole state as it was after the log's row ``upto_id``, so a restart replays
only the commands after it. ``fingerprint`` names the engine code and configuration that
wrote it; a snapshot from other code or configuration is not used (the log is replayed)."""


async def stored_events(db: AsyncEngine, since: datetime, until: datetime) -> list[Event]:
    """The engine events stored with ``since <= at < until``, in log order (not the log's
    own command and generation rows)."""
    from queues.serialization import event_from_row

    async with db.connect() as conn:
        rows = (await conn.execute(
            select(queue_events.c.type, queue_events.c.data)
            .where(queue_events.c.at >= since, queue_events.c.at < until,
                   queue_events.c.type.not_in(("CommandReceived", "GenerationStarted")))
            .order_by(queue_events.c.id))).all()
    return [event_from_row(r.type, r.data) for r in rows]
