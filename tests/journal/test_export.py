"""Exports for follow-up: formats, filters, pseudonyms, the patient's own export,
retention, logging, and memory that does not grow with the number of entries."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from journal.config import JournalConfig
from journal.demo_data import EXAMPLE_PERSON, bulk_load, demo_entries
from journal.errors import AccessDenied
from journal.export import CSV_HEADER, ExportFilter, Pseudonymiser
from journal.ports import Actor
from journal.service import JournalService
from journal.sql import journal_access_log, journal_entries
from tests.journal.conftest import ADMIN_01, ANNA, FakeCallDirectory, FakeClock, complete_content

SYSTEM = Actor.system_actor("cli:test")
KEY = b"export-key-for-tests-0123456789"
END = datetime(2026, 1, 1, tzinfo=UTC)


async def text_of(chunks) -> str:
    return "".join([c async for c in chunks])


@pytest.fixture
async def loaded(engine: AsyncEngine) -> AsyncEngine:
    await bulk_load(engine, demo_entries(300, seed=7, end=END, days=30), batch_size=100)
    return engine


async def test_jsonl_exports_every_signed_entry_once_in_time_order(service: JournalService,
                                                                   loaded: AsyncEngine):
    draft = await service.create_draft(ANNA, "call-draft", "01", complete_content())
    lines = (await text_of(await service.export(SYSTEM, "jsonl", ExportFilter()))).splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 300  # batch size 500 > 300; the draft is left out
    assert draft.entry_id not in {r["entry_id"] for r in records}
    assert [r["created_at"] for r in records] == sorted(r["created_at"] for r in records)


async def test_keyset_pages_cover_everything_without_repeats(engine: AsyncEngine,
                                                             clock: FakeClock,
                                                             config: JournalConfig):
    from dataclasses import replace

    await bulk_load(engine, demo_entries(257, seed=3, end=END, days=1), batch_size=50)
    small = JournalService(engine, clock, replace(config, batch_size=10))
    ids = [json.loads(x)["entry_id"] for x in
           (await text_of(await small.export(SYSTEM, "jsonl", ExportFilter()))).splitlines()]
    assert len(ids) == len(set(ids)) == 257


async def test_filters_by_period_region_contact_reason_and_urgency(service: JournalService,
                                                                   loaded: AsyncEngine):
    since, until = END - timedelta(days=10), END - timedelta(days=5)
    f = ExportFilter(since=since, until=until, region="01")
    records = [json.loads(x) for x in
               (await text_of(await service.export(SYSTEM, "jsonl", f))).splitlines()]
    assert records and all(r["region"] == "01" for r in records)
    assert all(since.isoformat() <= r["created_at"] < until.isoformat() for r in records)
    f2 = ExportFilter(contact_reason="FEBER", urgency="INOM_ETT_DYGN")
    records2 = [json.loads(x) for x in
                (await text_of(await service.export(SYSTEM, "jsonl", f2))).splitlines()]
    assert records2 and all(r["contact_reason"]["code"] == "FEBER" and
                            r["urgency"] == "INOM_ETT_DYGN" for r in records2)


async def test_csv_has_a_header_and_one_row_per_entry(service: JournalService,
                                                      loaded: AsyncEngine):
    rows = list(csv.reader(io.StringIO(await text_of(await service.export(
        SYSTEM, "csv", ExportFilter(region="01"))))))
    assert rows[0] == CSV_HEADER
    assert len(rows) > 1 and all(len(r) == len(CSV_HEADER) for r in rows)
    empty = await text_of(await service.export(SYSTEM, "csv", ExportFilter(region="99")))
    assert list(csv.reader(io.StringIO(empty))) == [CSV_HEADER]


async def test_pseudonymised_exports_carry_no_identity_numbers_and_stable_pseudonyms(
        service: JournalService, loaded: AsyncEngine):
    plain = await text_of(await service.export(SYSTEM, "jsonl", ExportFilter()))
    numbers = {json.loads(x)["person"]["number"] for x in plain.splitlines()} - {None}
    first = await text_of(await service.export(SYSTEM, "jsonl", ExportFilter(), KEY))
    second = await text_of(await service.export(SYSTEM, "csv", ExportFilter(), KEY))
    other = await text_of(await service.export(SYSTEM, "jsonl", ExportFilter(),
                                               b"another-key-0123456789"))
    for text in (first, second, other):
        assert not any(n in text for n in numbers)
        assert "+4670" not in text  # caller numbers are left out too
    by_entry = {(r := json.loads(x))["entry_id"]: r["person"]["pseudonym"]
                for x in first.splitlines()}
    csv_rows = list(csv.DictReader(io.StringIO(second)))
    assert all(by_entry[row["entry_id"]] == (row["person_id"] or None) for row in csv_rows)
    other_ids = {json.loads(x)["person"]["pseudonym"] for x in other.splitlines()}
    assert not (set(by_entry.values()) - {None}) & other_ids
    p = Pseudonymiser(KEY)
    assert p.pseudonym("personnummer", EXAMPLE_PERSON) == p.pseudonym("personnummer",
                                                                       EXAMPLE_PERSON)


async def test_every_export_is_logged_with_its_query_and_refused_ones_too(
        service: JournalService, engine: AsyncEngine):
    await text_of(await service.export(ADMIN_01, "csv", ExportFilter(region="01"), KEY))
    with pytest.raises(AccessDenied):
        await service.export(ADMIN_01, "jsonl", ExportFilter(region="14"))
    with pytest.raises(AccessDenied):
        await service.export(ANNA, "jsonl", ExportFilter(region="01"))
    async with engine.connect() as conn:
        rows = (await conn.execute(select(journal_access_log).where(
            journal_access_log.c.action == "export").order_by(journal_access_log.c.id))).all()
    assert [(r.actor_id, r.outcome) for r in rows] == [
        ("r-olle", "allowed"), ("r-olle", "denied"), ("n-anna", "denied")]
    assert rows[0].query == {"region": "01", "format": "csv", "pseudonymised": True}


async def test_the_patient_export_has_the_patients_entries_in_patient_view_only(
        service: JournalService, engine: AsyncEngine):
    draft = await service.create_draft(ANNA, "call-1", "01", complete_content())
    await service.sign(ANNA, draft.entry_id, 1)
    await bulk_load(engine, demo_entries(50, seed=9, end=END, days=5))
    text = await text_of(await service.patient_export(ADMIN_01, "personnummer", "121212+1212"))
    views = [json.loads(x) for x in text.splitlines()]
    assert draft.entry_id in {v["entry_id"] for v in views}
    assert all(v["content"]["person"]["number"] == EXAMPLE_PERSON for v in views)
    assert "hypotheses" not in text and "third_party" not in text
    with pytest.raises(AccessDenied):
        await service.patient_export(ANNA, "personnummer", "19121212-1212")
    async with engine.connect() as conn:
        rows = (await conn.execute(select(journal_access_log).where(
            journal_access_log.c.action == "patient_export"))).all()
    assert [(r.actor_id, r.outcome, r.query["person_number"]) for r in rows] == [
        ("r-olle", "allowed", EXAMPLE_PERSON), ("n-anna", "denied", EXAMPLE_PERSON)]


async def test_purge_archives_then_removes_calls_older_than_the_retention(
        service: JournalService, engine: AsyncEngine, clock: FakeClock):
    await bulk_load(engine, demo_entries(40, seed=5, end=datetime(2014, 1, 1, tzinfo=UTC)))
    await bulk_load(engine, demo_entries(10, seed=6, end=datetime(2025, 6, 1, tzinfo=UTC)))
    archived: list[str] = []

    async def archive(chunk: str) -> None:
        archived.append(chunk)

    with pytest.raises(AccessDenied):
        await service.purge_older_than(ADMIN_01, 10)
    removed = await service.purge_older_than(SYSTEM, 10, archive)  # now = 2026-03-02
    assert removed == 40 and "".join(archived).count("\n") == 40
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(journal_entries)) == 10
        purge = (await conn.execute(select(journal_access_log).where(
            journal_access_log.c.action == "purge", journal_access_log.c.outcome == "allowed"))
                 ).one()
    assert purge.query["removed"] == 40


async def _peak_export_memory(engine: AsyncEngine, service: JournalService, fmt: str) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    lines = 0
    async for chunk in await service.export(SYSTEM, fmt, ExportFilter()):
        lines += chunk.count("\n")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


async def test_export_memory_does_not_grow_with_the_number_of_entries(
        sqlite_engine: AsyncEngine, clock: FakeClock, config: JournalConfig):
    service = JournalService(sqlite_engine, clock, config)
    await bulk_load(sqlite_engine, demo_entries(2_000, seed=1, end=END))
    small = await _peak_export_memory(sqlite_engine, service, "jsonl")
    await bulk_load(sqlite_engine, demo_entries(18_000, seed=2, end=END))
    large = await _peak_export_memory(sqlite_engine, service, "jsonl")
    # 10x the entries; a load-everything export would need about 10x the memory
    assert large < small * 1.5, (small, large)


FORMULAS = ["=HYPERLINK(\"http://x.invalid\",\"klicka\")", "@SUM(1+1)*cmd|' /C calc'!A0",
            "+1+2", "-2+3", "\t=1+1", "\r=1+1", "  =1+1", "\n @x"]


async def test_csv_export_neutralises_a_cell_that_starts_a_formula(
        service: JournalService, calls: FakeCallDirectory):
    from dataclasses import replace as change

    from journal.model import PhaseNotes

    for n, formula in enumerate(FORMULAS):
        calls.add(f"call-formula-{n}", ANNA.user_id)
        notes = PhaseNotes(listen_summary=formula, assessment="Pigg.", action="Hänvisad.",
                           advice_given="Ring igen = vid försämring.")
        draft = await service.create_draft(ANNA, f"call-formula-{n}", "01",
                                           change(complete_content(), notes=notes))
        await service.sign(ANNA, draft.entry_id, draft.revision)
    text = await text_of(await service.export(SYSTEM, "csv", ExportFilter(region="01")))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(r["listen_summary"] for r in rows) == sorted("'" + f for f in FORMULAS)
    assert {r["advice_given"] for r in rows} == {"Ring igen = vid försämring."}  # not at the start
