"""Tables of call coaching: the listen log (append-only) and coaching notes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

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
    insert,
    select,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from contactcenter.coaching.model import CoachingMode, CoachingNote, LogAction, LogRow
from shared_kernel.naming import NAMING_CONVENTION

metadata = MetaData(naming_convention=NAMING_CONVENTION)
_ID = BigInteger().with_variant(Integer, "sqlite")

coaching_log = Table(
    "coaching_log",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("session_id", String(64), nullable=False),
    Column("call_id", String(64), nullable=False),
    Column("nurse_id", String(64), nullable=False),
    Column("region", String(4), nullable=False),
    Column("coach_username", String(64), nullable=False),
    Column("coach_name", String(200), nullable=False),
    Column("action", String(20), nullable=False),
    Column("mode", String(20), nullable=False),
    Column("why", Text, nullable=False),
    Column("reason", String(64), nullable=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_coaching_log_at", "at"),
    Index("ix_coaching_log_call_id", "call_id"),
)

coaching_notes = Table(
    "coaching_notes",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("call_id", String(64), nullable=False),
    Column("nurse_id", String(64), nullable=False),
    Column("nurse_username", String(64), nullable=True),
    Column("region", String(4), nullable=False),
    Column("coach_username", String(64), nullable=False),
    Column("coach_name", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_coaching_notes_nurse_username_at", "nurse_username", "at"),
    Index("ix_coaching_notes_call_id", "call_id"),
)


class CoachingStore:
    """The listen log and the notes in the database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def append(self, row: LogRow) -> None:
        values = row.as_dict()
        values.update(action=row.action.value, mode=row.mode.value, at=row.at)
        async with self._engine.begin() as conn:
            await conn.execute(insert(coaching_log).values(**values))

    async def log(self, regions: Iterable[str] | None, since: datetime | None,
                  call_id: str | None, limit: int) -> list[LogRow]:
        """The newest rows first, of ``regions`` (``None``: all)."""
        q = select(coaching_log).order_by(coaching_log.c.id.desc()).limit(limit)
        if regions is not None:
            q = q.where(coaching_log.c.region.in_(list(regions)))
        if since is not None:
            q = q.where(coaching_log.c.at >= since)
        if call_id is not None:
            q = q.where(coaching_log.c.call_id == call_id)
        async with self._engine.connect() as conn:
            rows = (await conn.execute(q)).mappings().all()
        return [LogRow(r["session_id"], r["call_id"], r["nurse_id"], r["region"],
                       r["coach_username"], r["coach_name"], LogAction(r["action"]),
                       CoachingMode(r["mode"]), r["why"], r["reason"], r["at"]) for r in rows]

    async def add_note(self, note: CoachingNote) -> int:
        values = note.as_dict()
        values.pop("note_id")
        values["at"] = note.at
        async with self._engine.begin() as conn:
            result = await conn.execute(insert(coaching_notes).values(**values))
        return int(result.inserted_primary_key[0])

    async def notes_for(self, nurse_username: str, limit: int) -> list[CoachingNote]:
        """The nurse's newest notes first."""
        q = select(coaching_notes).where(coaching_notes.c.nurse_username == nurse_username) \
            .order_by(coaching_notes.c.id.desc()).limit(limit)
        async with self._engine.connect() as conn:
            rows = (await conn.execute(q)).mappings().all()
        return [CoachingNote(r["id"], r["call_id"], r["nurse_id"], r["nurse_username"],
                             r["region"], r["coach_username"], r["coach_name"], r["text"],
                             r["at"]) for r in rows]
