"""CatalogService on SQLite and PostgreSQL: edits with history, region limits, import, export."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from contactcenter.db import create_engine
from referral_catalog.errors import ImportRejected, NotAllowed, UnitAlreadyExists, UnitNotFound
from referral_catalog.exporting import export_json, unit_to_record
from referral_catalog.model import CareType, UnitStatus
from referral_catalog.ports import Actor
from referral_catalog.search import CatalogQuery
from referral_catalog.service import CatalogService
from tests.referral_catalog.helpers import at, unit

ADMIN_01 = Actor("admin01", {"region_admin"}, {"01"})
ADMIN_03 = Actor("admin03", {"region_admin"}, {"03"})
NURSE = Actor("nurse", {"nurse"}, {"*"})
MONDAY_10 = at("2026-12-07 10:00")


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
async def service(migrated_db: str) -> AsyncIterator[CatalogService]:
    engine = create_engine(migrated_db)
    svc = CatalogService(engine, FakeClock())
    await svc.start()
    try:
        yield svc
    finally:
        await engine.dispose()


async def test_a_created_unit_is_stored_searchable_and_has_a_created_history_row(service):
    stored = await service.create(ADMIN_01, unit("A1"))
    assert stored.version == 1 and stored.updated_by == "admin01"
    assert (await service.get(unit("A1").hsa_id)).unit == unit("A1")
    hits = service.search(CatalogQuery(care_types=(CareType.VARDCENTRAL,), at=MONDAY_10))
    assert [h.unit.hsa_id for h in hits] == [unit("A1").hsa_id] and hits[0].open
    (entry,) = await service.history(unit("A1").hsa_id)
    assert entry.action == "created" and entry.actor == "admin01"
    assert entry.changes["name"] == {"old": None, "new": unit("A1").name}


async def test_creating_a_unit_twice_is_refused(service):
    await service.create(ADMIN_01, unit("A1"))
    with pytest.raises(UnitAlreadyExists):
        await service.create(ADMIN_01, unit("A1"))


async def test_an_update_records_who_changed_what_and_the_search_sees_it(service):
    await service.create(ADMIN_01, unit("A1"))
    changed = dataclasses.replace(unit("A1"), opening_hours="Mo-Fr 12:00-17:00; PH off")
    stored = await service.update(ADMIN_01, changed)
    assert stored.version == 2
    history = await service.history(changed.hsa_id)
    assert [e.action for e in history] == ["created", "updated"]
    assert history[1].changes == {
        "opening_hours": {"old": "Mo-Fr 08:00-17:00; PH off", "new": "Mo-Fr 12:00-17:00; PH off"}
    }
    assert history[1].at > history[0].at and history[1].at.tzinfo is not None
    (hit,) = service.search(CatalogQuery(at=MONDAY_10))
    assert hit.open is False and hit.opens_at == at("2026-12-07 12:00")


async def test_a_retired_unit_is_kept_but_never_suggested(service):
    await service.create(ADMIN_01, unit("A1"))
    retired = await service.retire(ADMIN_01, unit("A1").hsa_id)
    assert retired.unit.status is UnitStatus.INACTIVE and retired.version == 2
    assert service.search(CatalogQuery(at=MONDAY_10)) == []
    assert [e.action for e in await service.history(unit("A1").hsa_id)] == ["created", "retired"]


async def test_a_region_admin_may_change_only_units_of_their_own_region(service):
    await service.create(ADMIN_01, unit("A1"))
    with pytest.raises(NotAllowed):
        await service.create(ADMIN_03, unit("A2"))
    with pytest.raises(NotAllowed):
        await service.retire(ADMIN_03, unit("A1").hsa_id)
    with pytest.raises(NotAllowed):
        await service.update(NURSE, unit("A1"))
    assert len(await service.list_units()) == 1


async def test_an_unknown_unit_is_reported_as_not_found(service):
    with pytest.raises(UnitNotFound):
        await service.get("SE2321000016-NOPE")
    with pytest.raises(UnitNotFound):
        await service.update(ADMIN_01, unit("NOPE"))
    with pytest.raises(UnitNotFound):
        await service.history("SE2321000016-NOPE")


async def test_an_import_with_one_bad_row_stores_nothing_and_names_the_row(service):
    records = [unit_to_record(unit(f"I{n}")) for n in range(3)]
    records[1]["opening_hours"] = "Mo-Fr 8 till 5"
    with pytest.raises(ImportRejected) as caught:
        await service.import_units(ADMIN_01, json.dumps(records), "json")
    assert [(e.row, e.field) for e in caught.value.errors] == [(2, "opening_hours")]
    assert await service.list_units() == []
    assert service.search(CatalogQuery()) == []


async def test_an_import_into_another_region_is_refused_per_row(service):
    text = export_json([unit("I1"), unit("I2", region="03", municipality_code="0380")])
    with pytest.raises(ImportRejected) as caught:
        await service.import_units(ADMIN_01, text, "json")
    assert [(e.row, e.field) for e in caught.value.errors] == [(2, "region")]
    assert await service.count() == 0


async def test_an_import_creates_updates_and_skips_unchanged_units_in_one_go(service):
    await service.create(ADMIN_01, unit("I1"))
    await service.create(ADMIN_01, unit("I2"))
    text = export_json([unit("I1"), dataclasses.replace(unit("I2"), name="Nytt namn"), unit("I3")])
    report = await service.import_units(ADMIN_01, text, "json", region="01")
    assert report.created == (unit("I3").hsa_id,)
    assert report.updated == (unit("I2").hsa_id,)
    assert report.unchanged == (unit("I1").hsa_id,)
    assert [e.action for e in await service.history(unit("I2").hsa_id)] == ["created", "imported"]
    assert len(service.search(CatalogQuery(text="Nytt namn"))) == 1


@pytest.mark.parametrize("fmt", ["csv", "json"])
async def test_an_export_imports_back_unchanged(service, fmt: str):
    units = [unit("E1"), unit("E2", care_types=(CareType.BVC,), languages=("sv", "ar"))]
    await service.import_units(ADMIN_01, export_json(units), "json")
    text = await service.export(fmt, region="01")
    report = await service.import_units(ADMIN_01, text, fmt)
    assert sorted(report.unchanged) == sorted(u.hsa_id for u in units)
    assert await service.export(fmt, region="03") != text


async def test_a_second_service_sees_changes_after_refresh(service, migrated_db: str):
    engine = create_engine(migrated_db)
    try:
        other = CatalogService(engine, FakeClock())
        await other.start()
        await service.create(ADMIN_01, unit("R1"))
        assert len(other.search(CatalogQuery())) == 0
        await other.refresh()
        assert len(other.search(CatalogQuery())) == 1
    finally:
        await engine.dispose()


async def test_demo_fill_fills_an_empty_catalog_only(service):
    assert await service.fill_if_empty(Actor("demo"), [unit("D1"), unit("D2")]) == 2
    assert await service.fill_if_empty(Actor("demo"), [unit("D3")]) == 0
    assert len(service.search(CatalogQuery())) == 2
