"""The catalog's use cases (hänvisningskatalogen): edit, import, export, history and search.

:class:`CatalogService` owns the stored catalog (through an async SQLAlchemy
engine) and an in-memory :class:`~referral_catalog.search.CatalogIndex` for the
nurse's search. Every change is written in one transaction with its history
row(s) and then applied to the index, so a search right after a change sees it.
The index is rebuilt from the in-memory unit map (no database read) on change;
another service instance sees the change after :meth:`CatalogService.refresh`.

Changes are limited to region admins of the unit's region (``Actor.may_edit``);
reading is open to any caller of the service (the HTTP layer checks roles).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncEngine

from referral_catalog import sql
from referral_catalog.errors import (
    ImportRejected,
    InvalidCareUnit,
    NotAllowed,
    UnitAlreadyExists,
    UnitNotFound,
)
from referral_catalog.exporting import export_csv, export_json, unit_to_record
from referral_catalog.geo import MunicipalityCentres
from referral_catalog.importing import RowError, import_csv, import_json
from referral_catalog.model import CareType, CareUnit, Coordinates, UnitStatus
from referral_catalog.ports import Actor
from referral_catalog.search import CatalogIndex, CatalogQuery, UnitHit
from referral_catalog.sql import StoredUnit, as_utc
from referral_catalog.validation import validate_unit
from shared_kernel.clock import Clock

ImportFormat = Literal["csv", "json"]
ExportFormat = Literal["csv", "json", "fhir"]
IMPORT_FORMATS = ("csv", "json")
EXPORT_FORMATS = ("csv", "json", "fhir")

__all__ = [
    "EXPORT_FORMATS",
    "IMPORT_FORMATS",
    "CatalogService",
    "HistoryEntry",
    "ImportReport",
    "StoredUnit",
]


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One change of a unit: who, when, what (``changes``: key -> ``{"old", "new"}``)."""

    hsa_id: str
    version: int
    at: datetime
    actor: str
    action: str
    """``created``, ``updated``, ``retired``, ``imported`` or ``demo_fill``."""
    changes: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an accepted import did (a rejected one raises :class:`ImportRejected`)."""

    created: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]

    @property
    def total(self) -> int:
        """How many units the file held."""
        return len(self.created) + len(self.updated) + len(self.unchanged)


class CatalogService:
    """Use cases of the referral catalog over ``engine``; ``clock`` stamps every change.

    Call :meth:`start` once (loads the catalog into the search index) before
    searching; until then the index is empty and changes only reach storage.
    """

    def __init__(
        self, engine: AsyncEngine, clock: Clock, centres: MunicipalityCentres | None = None
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._centres = centres
        self._units: dict[str, CareUnit] = {}
        self._index = CatalogIndex.build((), centres)
        self._prepared_at: datetime | None = None
        self._loaded = False

    def now(self) -> datetime:
        """The service clock's current time (the default for searches by time)."""
        return self._clock()

    # -- index -------------------------------------------------------------------

    async def start(self) -> None:
        """Load the stored catalog into the search index."""
        await self.refresh()

    async def refresh(self) -> None:
        """Re-read every unit from storage and rebuild the index (after others' changes)."""
        async with self._engine.connect() as conn:
            stored = await sql.load_units(conn)
        self._units = {s.unit.hsa_id: s.unit for s in stored}
        self._rebuild()
        self._loaded = True

    @property
    def index(self) -> CatalogIndex:
        """The current in-memory search index (replaced, never mutated, on change)."""
        return self._index

    def _rebuild(self) -> None:
        at = self._prepared_at
        self._index = CatalogIndex.build(self._units.values(), self._centres)
        if self._centres is None:
            self._centres = self._index.centres
        if at is not None:
            self._index.prepare(at)

    def prepare(self, at: datetime) -> None:
        """Make the index's timelines for a horizon around ``at`` now (also after changes)."""
        self._prepared_at = at
        self._index.prepare(at)

    def _apply(self, changed: Iterable[CareUnit]) -> None:
        if not self._loaded:
            return
        for unit in changed:
            self._units[unit.hsa_id] = unit
        self._rebuild()

    # -- search ------------------------------------------------------------------

    def search(self, query: CatalogQuery) -> list[UnitHit]:
        """The nurse's search over the in-memory index (see :class:`CatalogIndex`)."""
        return self._index.search(query)

    def suggest(
        self,
        care_types: Iterable[CareType],
        at: datetime,
        within: timedelta | None,
        *,
        municipality: str | None = None,
        point: Coordinates | None = None,
        age: int | None = None,
        region: str | None = None,
        drop_in: bool | None = None,
        language: str | None = None,
        limit: int = 10,
    ) -> list[UnitHit]:
        """Suggestions for an assessment's care types and urgency window."""
        return self._index.suggest(
            care_types,
            at,
            within,
            municipality=municipality,
            point=point,
            age=age,
            region=region,
            drop_in=drop_in,
            language=language,
            limit=limit,
        )

    # -- reading -----------------------------------------------------------------

    async def list_units(
        self, region: str | None = None, status: UnitStatus | None = None
    ) -> list[StoredUnit]:
        """Stored units by HSA-id, optionally of one region and/or status."""
        async with self._engine.connect() as conn:
            return await sql.load_units(conn, region, None if status is None else status.value)

    async def get(self, hsa_id: str) -> StoredUnit:
        """The stored unit; raises :class:`UnitNotFound`."""
        async with self._engine.connect() as conn:
            stored = await sql.load_unit(conn, hsa_id)
        if stored is None:
            raise UnitNotFound(hsa_id)
        return stored

    async def history(self, hsa_id: str) -> list[HistoryEntry]:
        """Every change of the unit, oldest first; raises :class:`UnitNotFound`."""
        async with self._engine.connect() as conn:
            rows = await sql.load_history(conn, hsa_id)
        if not rows:
            raise UnitNotFound(hsa_id)
        return [
            HistoryEntry(r.hsa_id, r.version, as_utc(r.at), r.actor, r.action, dict(r.changes))
            for r in rows
        ]

    async def count(self) -> int:
        """How many units are stored (active or not)."""
        async with self._engine.connect() as conn:
            return await sql.count_units(conn)

    async def export(self, fmt: str = "json", region: str | None = None) -> str:
        """The stored catalog (or one region's) as CSV, JSON or a FHIR R4 Bundle (JSON)."""
        if fmt not in EXPORT_FORMATS:
            raise InvalidCareUnit("format", f"{fmt!r} is not one of {', '.join(EXPORT_FORMATS)}")
        found = [s.unit for s in await self.list_units(region)]
        if fmt == "csv":
            return export_csv(found)
        if fmt == "json":
            return export_json(found)
        from referral_catalog.fhir import export_bundle_json

        return export_bundle_json(found, self._clock())

    # -- changes -----------------------------------------------------------------

    async def create(self, actor: Actor, unit: CareUnit) -> StoredUnit:
        """Add a new unit to the actor's region; raises :class:`UnitAlreadyExists`."""
        self._require_edit(actor, unit.region)
        validate_unit(unit)
        at = self._clock()
        async with self._engine.begin() as conn:
            if await sql.load_unit(conn, unit.hsa_id) is not None:
                raise UnitAlreadyExists(unit.hsa_id)
            await sql.save_units(conn, [(unit, 0, None, "created")], at, actor.username)
        self._apply([unit])
        return StoredUnit(unit, 1, as_utc(at), actor.username)

    async def update(self, actor: Actor, unit: CareUnit) -> StoredUnit:
        """Replace a unit (same HSA-id); the actor must cover its old and new region."""
        self._require_edit(actor, unit.region)
        validate_unit(unit)
        at = self._clock()
        async with self._engine.begin() as conn:
            old = (await sql.load_records(conn, [unit.hsa_id])).get(unit.hsa_id)
            if old is None:
                raise UnitNotFound(unit.hsa_id)
            version, record = old
            self._require_edit(actor, str(record["region"]))
            await sql.save_units(conn, [(unit, version, record, "updated")], at, actor.username)
        self._apply([unit])
        return StoredUnit(unit, version + 1, as_utc(at), actor.username)

    async def retire(self, actor: Actor, hsa_id: str) -> StoredUnit:
        """Mark a unit inactive (never suggested again; its history is kept)."""
        current = await self.get(hsa_id)
        retired = dataclasses.replace(current.unit, status=UnitStatus.INACTIVE)
        self._require_edit(actor, current.unit.region)
        at = self._clock()
        async with self._engine.begin() as conn:
            record = unit_to_record(current.unit)
            await sql.save_units(
                conn, [(retired, current.version, record, "retired")], at, actor.username
            )
        self._apply([retired])
        return StoredUnit(retired, current.version + 1, as_utc(at), actor.username)

    async def import_units(
        self, actor: Actor, text: str, fmt: str = "json", region: str | None = None
    ) -> ImportReport:
        """Create or update every unit in a CSV/JSON file, all or nothing, in one transaction.

        ``region`` (optional) is the region the file is for: every unit must
        belong to it. Raises :class:`ImportRejected` with one
        :class:`~referral_catalog.importing.RowError` per problem; then nothing is stored.
        """
        if fmt not in IMPORT_FORMATS:
            raise InvalidCareUnit("format", f"{fmt!r} is not one of {', '.join(IMPORT_FORMATS)}")
        if region is not None:
            self._require_edit(actor, region)
        elif not actor.has_role("region_admin"):
            raise NotAllowed("only a region admin may import units")
        parsed = import_csv(text) if fmt == "csv" else import_json(text)
        if not parsed.ok:
            raise ImportRejected(parsed.errors)
        return await self._store_many(actor, parsed.units, region, "imported")

    async def fill_if_empty(self, actor: Actor, units: Sequence[CareUnit]) -> int:
        """Store ``units`` (e.g. the demo catalog) when the catalog is empty; returns how many."""
        if await self.count() > 0:
            return 0
        report = await self._store_many(actor, units, None, "demo_fill", check_roles=False)
        return len(report.created)

    async def _store_many(
        self,
        actor: Actor,
        units: Sequence[CareUnit],
        region: str | None,
        action: str,
        *,
        check_roles: bool = True,
    ) -> ImportReport:
        errors: list[RowError] = []
        for row, unit in enumerate(units, 1):
            if region is not None and unit.region != region:
                errors.append(RowError(row, "region", f"{unit.region} is not region {region}"))
            elif check_roles and not actor.may_edit(unit.region):
                errors.append(RowError(row, "region", f"you may not edit region {unit.region}"))
        if errors:
            raise ImportRejected(tuple(errors))
        at = self._clock()
        created, updated, unchanged = [], [], []
        async with self._engine.begin() as conn:
            existing = await sql.load_records(conn, (u.hsa_id for u in units))
            changes: list[tuple[CareUnit, int, dict[str, Any] | None, str]] = []
            for row, unit in enumerate(units, 1):
                old = existing.get(unit.hsa_id)
                if old is None:
                    created.append(unit.hsa_id)
                    changes.append((unit, 0, None, action))
                    continue
                version, record = old
                if check_roles and not actor.may_edit(str(record["region"])):
                    errors.append(
                        RowError(row, "hsa_id", f"belongs to region {record['region']}, not yours")
                    )
                elif record == unit_to_record(unit):
                    unchanged.append(unit.hsa_id)
                else:
                    updated.append(unit.hsa_id)
                    changes.append((unit, version, record, action))
            if errors:
                raise ImportRejected(tuple(errors))  # rolls the transaction back
            await sql.save_units(conn, changes, at, actor.username)
        self._apply(c[0] for c in changes)
        return ImportReport(tuple(created), tuple(updated), tuple(unchanged))

    @staticmethod
    def _require_edit(actor: Actor, region: str) -> None:
        if not actor.has_role("region_admin"):
            raise NotAllowed("only a region admin may change the catalog", region)
        if not actor.covers(region):
            raise NotAllowed(f"you may not change units of region {region}", region)
