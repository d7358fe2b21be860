"""Tables of the call log.

``call_events`` is append-only and the source of truth; ``calls`` is a
projection rebuilt from it (one row per call, updated as events arrive).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
)

from shared_kernel.naming import NAMING_CONVENTION

metadata = MetaData(naming_convention=NAMING_CONVENTION)

call_events = Table(
    "call_events",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("call_id", String(64), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("type", String(40), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("instance_id", String(64), nullable=False),
    Column("data", JSON, nullable=False),
    Index("ix_call_events_call_id_seq", "call_id", "seq", unique=True),
    Index("ix_call_events_at", "at"),
)

calls = Table(
    "calls",
    metadata,
    Column("call_id", String(64), primary_key=True),
    Column("channel_id", String(128), nullable=False),
    Column("caller_number", String(40), nullable=True),
    Column("region", String(4), nullable=True),
    Column("region_source", String(20), nullable=True),
    Column("queue", String(40), nullable=True),
    Column("state", String(20), nullable=False),
    Column("nurse_id", String(64), nullable=True),
    Column("arrived_at", DateTime(timezone=True), nullable=False),
    Column("queued_at", DateTime(timezone=True), nullable=True),
    Column("answered_at", DateTime(timezone=True), nullable=True),
    Column("ended_at", DateTime(timezone=True), nullable=True),
    Column("wait_seconds", Float, nullable=True),
    Column("end_cause", String(40), nullable=True),
    Column("instance_id", String(64), nullable=False),
    Index("ix_calls_state", "state"),
    Index("ix_calls_arrived_at", "arrived_at"),
)
