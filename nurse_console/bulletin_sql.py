"""The information area's tables: the bulletins, who acknowledged which, and each nurse's
current shift with its briefing (matches the ``console_0002`` migration)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Index, MetaData, String, Table, Text, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from nurse_console.briefing import Shift
from nurse_console.bulletins import Bulletin
from shared_kernel.naming import NAMING_CONVENTION

metadata = MetaData(naming_convention=NAMING_CONVENTION)

bulletins = Table(
    "console_bulletins",
    metadata,
    Column("bulletin_id", String(36), primary_key=True),
    Column("region", String(16), nullable=True),
    Column("title", String(120), nullable=False),
    Column("text", Text, nullable=False),
    Column("priority", String(16), nullable=False),
    Column("valid_from", DateTime(timezone=True), nullable=False),
    Column("valid_to", DateTime(timezone=True), nullable=True),
    Column("author", String(64), nullable=False),
    Column("author_name", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("withdrawn_at", DateTime(timezone=True), nullable=True),
)

bulletin_reads = Table(
    "console_bulletin_reads",
    metadata,
    Column("bulletin_id", String(36), primary_key=True),
    Column("username", String(64), primary_key=True),
    Column("read_at", DateTime(timezone=True), nullable=False),
    Index("ix_console_bulletin_reads_username", "username"),
)

shifts = Table(
    "console_shifts",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("changes_since", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("briefed_at", DateTime(timezone=True), nullable=True),
)

_TIMES = ("valid_from", "valid_to", "created_at", "updated_at", "withdrawn_at")


def _utc(value: datetime | None) -> datetime | None:
    # SQLite gives back naive times; they were stored as UTC.
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class BulletinStore:
    """:class:`nurse_console.bulletins.Store` in the database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def put(self, bulletin: Bulletin) -> None:
        values = {c.name: getattr(bulletin, c.name) for c in bulletins.columns}
        async with self._engine.begin() as conn:
            done = await conn.execute(bulletins.update().where(
                bulletins.c.bulletin_id == bulletin.bulletin_id).values(values))
            if done.rowcount == 0:
                await conn.execute(bulletins.insert().values(values))

    async def get(self, bulletin_id: str) -> Bulletin | None:
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(bulletins).where(
                bulletins.c.bulletin_id == bulletin_id))).mappings().first()
        return _bulletin(dict(row)) if row is not None else None

    async def all(self) -> list[Bulletin]:
        async with self._engine.connect() as conn:
            rows = (await conn.execute(select(bulletins).order_by(
                bulletins.c.created_at.desc()).limit(500))).mappings().all()
        return [_bulletin(dict(r)) for r in rows]

    async def acknowledge(self, bulletin_id: str, username: str, at: datetime) -> None:
        try:
            async with self._engine.begin() as conn:
                await conn.execute(bulletin_reads.insert().values(
                    bulletin_id=bulletin_id, username=username, read_at=at))
        except IntegrityError:
            pass  # read before (another tab, the terminal): the first time stands

    async def acknowledged(self, username: str) -> set[str]:
        async with self._engine.connect() as conn:
            rows = await conn.execute(select(bulletin_reads.c.bulletin_id).where(
                bulletin_reads.c.username == username))
        return {r.bulletin_id for r in rows}

    async def readers(self, bulletin_id: str) -> dict[str, datetime]:
        async with self._engine.connect() as conn:
            rows = await conn.execute(select(bulletin_reads).where(
                bulletin_reads.c.bulletin_id == bulletin_id))
        return {r.username: _utc(r.read_at) or r.read_at for r in rows}


def _bulletin(row: dict[str, object]) -> Bulletin:
    for key in _TIMES:
        row[key] = _utc(row[key])  # type: ignore[arg-type]
    return Bulletin(**row)  # type: ignore[arg-type]


class ShiftStore:
    """:class:`nurse_console.briefing.ShiftStore` in the database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def get(self, username: str) -> Shift | None:
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(shifts).where(
                shifts.c.username == username))).mappings().first()
        if row is None:
            return None
        return Shift(**{k: _utc(v) if k != "username" else v  # type: ignore[arg-type]
                        for k, v in row.items()})

    async def put(self, shift: Shift) -> None:
        values = {c.name: getattr(shift, c.name) for c in shifts.columns}
        async with self._engine.begin() as conn:
            done = await conn.execute(shifts.update().where(
                shifts.c.username == shift.username).values(values))
            if done.rowcount == 0:
                await conn.execute(shifts.insert().values(values))
