"""Tables of the referral catalog and the queries the service runs on them.

A unit is stored as its JSON record (:func:`~referral_catalog.exporting.unit_to_record`,
the same shape the import reads) plus the columns searched or filtered in SQL:
region, municipality, status and name. Every change writes one history row
(who, when, what: a JSON diff of the record's top-level keys).

The alembic migration ``catalog_0001`` creates exactly these tables; constraint
names follow the project-wide naming convention (copied here, since a context
never imports the composition root).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from referral_catalog.errors import ConcurrentChange
from referral_catalog.exporting import unit_to_record
from referral_catalog.importing import import_records
from referral_catalog.model import CareUnit
from shared_kernel.naming import NAMING_CONVENTION

metadata = MetaData(naming_convention=NAMING_CONVENTION)

units = Table(
    "catalog_units",
    metadata,
    Column("hsa_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("region", String(4), nullable=False, index=True),
    Column("municipality_code", String(4), nullable=False, index=True),
    Column("status", String(16), nullable=False, index=True),
    Column("record", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(100), nullable=False),
)

unit_history = Table(
    "catalog_unit_history",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("hsa_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(20), nullable=False),
    Column("changes", JSON, nullable=False),
    Index("ix_catalog_unit_history_hsa_id_version", "hsa_id", "version", unique=True),
)


@dataclass(frozen=True, slots=True)
class StoredUnit:
    """A unit as stored: the unit, its version (1 on create) and last change."""

    unit: CareUnit
    version: int
    updated_at: datetime
    updated_by: str


def record_diff(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> dict[str, Any]:
    """``{key: {"old": ..., "new": ...}}`` for every top-level key whose value changed."""
    old = old or {}
    keys = sorted(set(old) | set(new))
    return {k: {"old": old.get(k), "new": new.get(k)} for k in keys if old.get(k) != new.get(k)}


def _unit_of(record: Mapping[str, Any]) -> CareUnit:
    result = import_records([record])
    if not result.ok:  # stored records were validated on the way in
        raise ValueError(f"stored unit {record.get('hsa_id')!r} no longer valid: {result.errors}")
    return result.units[0]


def as_utc(at: datetime) -> datetime:
    """``at`` as aware UTC (SQLite hands back naive datetimes, stored as UTC)."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _stored(row: Any) -> StoredUnit:
    at = as_utc(row.updated_at)
    return StoredUnit(_unit_of(row.record), row.version, at, row.updated_by)


async def load_units(
    conn: AsyncConnection, region: str | None = None, status: str | None = None
) -> list[StoredUnit]:
    """Every stored unit (optionally of one region / status), by HSA-id."""
    query = select(units).order_by(units.c.hsa_id)
    if region is not None:
        query = query.where(units.c.region == region)
    if status is not None:
        query = query.where(units.c.status == status)
    return [_stored(r) for r in (await conn.execute(query)).all()]


async def load_unit(conn: AsyncConnection, hsa_id: str) -> StoredUnit | None:
    """The stored unit with this HSA-id, if any."""
    row = (await conn.execute(select(units).where(units.c.hsa_id == hsa_id))).first()
    return None if row is None else _stored(row)


async def load_records(
    conn: AsyncConnection, hsa_ids: Iterable[str]
) -> dict[str, tuple[int, dict[str, Any]]]:
    """``hsa_id -> (version, record)`` for those of ``hsa_ids`` that are stored."""
    ids = list(hsa_ids)
    found: dict[str, tuple[int, dict[str, Any]]] = {}
    for start in range(0, len(ids), 500):  # keep the IN list within every driver's limits
        chunk = ids[start : start + 500]
        rows = await conn.execute(
            select(units.c.hsa_id, units.c.version, units.c.record).where(units.c.hsa_id.in_(chunk))
        )
        found.update({r.hsa_id: (r.version, r.record) for r in rows})
    return found


async def save_units(
    conn: AsyncConnection,
    changes: Sequence[tuple[CareUnit, int, dict[str, Any] | None, str]],
    at: datetime,
    actor: str,
) -> None:
    """Insert or update units with one history row each.

    ``changes`` holds ``(unit, previous version (0 = new), previous record, action)``.
    """
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    for unit, prev_version, prev_record, action in changes:
        record = unit_to_record(unit)
        values: dict[str, Any] = {
            "hsa_id": unit.hsa_id,
            "name": unit.name,
            "region": unit.region,
            "municipality_code": unit.municipality_code,
            "status": unit.status.value,
            "record": record,
            "version": prev_version + 1,
            "updated_at": at.astimezone(UTC),
            "updated_by": actor,
        }
        (inserts if prev_version == 0 else updates).append(values)
        history.append(
            {
                "hsa_id": unit.hsa_id,
                "version": prev_version + 1,
                "at": at.astimezone(UTC),
                "actor": actor,
                "action": action,
                "changes": record_diff(prev_record, record),
            }
        )
    if inserts:
        await conn.execute(units.insert(), inserts)
    for values in updates:
        result = await conn.execute(
            units.update()
            .where(units.c.hsa_id == values["hsa_id"])
            .where(units.c.version == values["version"] - 1)
            .values(**values)
        )
        if result.rowcount != 1:  # someone else changed it since we read it
            raise ConcurrentChange(values["hsa_id"])
    if history:
        await conn.execute(unit_history.insert(), history)


async def load_history(conn: AsyncConnection, hsa_id: str) -> list[Any]:
    """The history rows of one unit, oldest first."""
    query = (
        select(unit_history).where(unit_history.c.hsa_id == hsa_id).order_by(unit_history.c.version)
    )
    return list((await conn.execute(query)).all())


async def count_units(conn: AsyncConnection) -> int:
    """How many units are stored."""
    from sqlalchemy import func

    return int((await conn.execute(select(func.count()).select_from(units))).scalar_one())
