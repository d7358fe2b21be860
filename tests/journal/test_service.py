"""Use cases on SQLite and PostgreSQL: drafts, signing, amendments, reads by role, and
the access log written for every path (denied attempts too)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from journal.access_log import LogQuery
from journal.errors import (
    AccessDenied,
    EntryNotFound,
    EntrySigned,
    InvalidIdentityNumber,
    ReasonRequired,
    StaleRevision,
)
from journal.model import EntryContent, EntryKind, EntryStatus, IdentityKind, Person
from journal.service import JournalService
from journal.sql import journal_access_log
from tests.journal.conftest import (
    ADMIN_01,
    ANNA,
    AUDITOR,
    BERIT,
    CARL,
    SUPERVISOR,
    FakeCallDirectory,
    FakeClock,
    complete_content,
)


async def log_rows(engine: AsyncEngine) -> list[tuple[str, str, str, str | None]]:
    async with engine.connect() as conn:
        rows = await conn.execute(select(journal_access_log).order_by(journal_access_log.c.id))
        return [(r.actor_id, r.action, r.outcome, r.entry_id) for r in rows]


async def signed_entry(service: JournalService, call_id: str = "call-1"):
    draft = await service.create_draft(ANNA, call_id, "01", complete_content())
    return await service.sign(ANNA, draft.entry_id, draft.revision)


async def test_a_draft_is_created_saved_and_signed_and_every_step_is_logged(
        service: JournalService, engine: AsyncEngine, clock: FakeClock):
    draft = await service.create_draft(ANNA, "call-1", "01")
    assert draft.status is EntryStatus.DRAFT and draft.revision == 1
    clock.advance(minutes=2)
    saved = await service.update_draft(ANNA, draft.entry_id, complete_content(), 1)
    assert saved.revision == 2
    assert saved.content.person.number == "191212121212"  # normalised
    signed = await service.sign(ANNA, draft.entry_id, 2)
    assert signed.status is EntryStatus.SIGNED and signed.signed_at == clock.now
    assert await log_rows(engine) == [
        ("n-anna", "create", "allowed", draft.entry_id),
        ("n-anna", "update", "allowed", draft.entry_id),
        ("n-anna", "sign", "allowed", draft.entry_id),
    ]


async def test_a_stale_revision_is_refused_and_nothing_changes(service: JournalService):
    draft = await service.create_draft(ANNA, "call-1", "01")
    await service.update_draft(ANNA, draft.entry_id, complete_content(), 1)
    with pytest.raises(StaleRevision):
        await service.update_draft(ANNA, draft.entry_id, EntryContent(), 1)
    read = await service.get_entry(ANNA, draft.entry_id)
    assert read.entry.revision == 2 and read.entry.content.urgency == "INOM_ETT_DYGN"


async def test_a_signed_entry_refuses_changes(service: JournalService):
    signed = await signed_entry(service)
    with pytest.raises(EntrySigned):
        await service.update_draft(ANNA, signed.entry_id, complete_content(), signed.revision)


async def test_an_invalid_identity_number_is_not_saved(service: JournalService):
    bad = complete_content(person=Person(IdentityKind.PERSONNUMMER, "19121212-1213"))
    with pytest.raises(InvalidIdentityNumber):
        await service.create_draft(ANNA, "call-1", "01", bad)


async def test_a_draft_may_lack_the_number_but_signing_demands_it(service: JournalService):
    content = complete_content(person=Person(IdentityKind.PERSONNUMMER, None))
    draft = await service.create_draft(ANNA, "call-1", "01", content)
    with pytest.raises(Exception, match="cannot be signed"):
        await service.sign(ANNA, draft.entry_id, 1)


async def test_another_nurse_cannot_edit_or_sign_the_draft_and_the_attempt_is_logged(
        service: JournalService, engine: AsyncEngine):
    draft = await service.create_draft(ANNA, "call-1", "01", complete_content())
    with pytest.raises(AccessDenied):
        await service.update_draft(BERIT, draft.entry_id, complete_content(), 1)
    with pytest.raises(AccessDenied):
        await service.sign(BERIT, draft.entry_id, 1)
    assert (await log_rows(engine))[-2:] == [("n-berit", "update", "denied", draft.entry_id),
                                             ("n-berit", "sign", "denied", draft.entry_id)]


async def test_a_nurse_outside_the_region_cannot_open_an_entry(service: JournalService,
                                                               engine: AsyncEngine):
    with pytest.raises(AccessDenied):
        await service.create_draft(CARL, "call-1", "01")
    assert await log_rows(engine) == [("n-carl", "create", "denied", None)]


async def test_the_nurse_who_answered_a_pooled_call_opens_its_entry_in_the_calls_region(
        service: JournalService, calls: FakeCallDirectory):
    calls.add("pooled-1", CARL.user_id, region="01")  # a region 01 call Carl (14) answered
    entry = await service.create_draft(CARL, "pooled-1")
    assert (entry.region, entry.care_provider) == ("01", "vg-01")
    with pytest.raises(AccessDenied, match="did not take part"):
        await service.create_draft(ANNA, "pooled-1", "01")


async def test_reads_follow_the_rules_per_role_and_are_all_logged(service: JournalService,
                                                                  engine: AsyncEngine):
    entry = await signed_entry(service)
    assert (await service.get_entry(ANNA, entry.entry_id)).basis == "own_call"
    with pytest.raises(ReasonRequired):
        await service.get_entry(BERIT, entry.entry_id)
    read = await service.get_entry(BERIT, entry.entry_id, reason="Patienten ringer igen")
    assert read.basis == "care_provider"
    with pytest.raises(AccessDenied):
        await service.get_entry(CARL, entry.entry_id, reason="nyfiken")
    emergency = await service.get_entry(CARL, entry.entry_id, reason="Medvetslös", emergency=True)
    assert emergency.emergency and emergency.basis == "emergency"
    for actor in (AUDITOR, SUPERVISOR, ADMIN_01):
        with pytest.raises(AccessDenied):
            await service.get_entry(actor, entry.entry_id, reason="x")
    reads = [r for r in await log_rows(engine) if r[1] == "read"]
    assert [(a, o) for a, _, o, _ in reads] == [
        ("n-anna", "allowed"), ("n-berit", "denied"), ("n-berit", "allowed"),
        ("n-carl", "denied"), ("n-carl", "allowed"), ("a-greta", "denied"),
        ("s-sara", "denied"), ("r-olle", "denied")]
    log = await service.query_access_log(AUDITOR, LogQuery(emergency_only=True))
    assert [(r.actor_id, r.reason) for r in log] == [("n-carl", "Medvetslös")]


async def test_reading_a_missing_entry_is_logged_as_a_refused_read(service: JournalService,
                                                                   engine: AsyncEngine):
    with pytest.raises(EntryNotFound):
        await service.get_entry(ANNA, "no-such-entry")
    assert await log_rows(engine) == [("n-anna", "read", "denied", "no-such-entry")]


async def test_an_amendment_is_linked_signed_and_shown_with_its_original(
        service: JournalService, engine: AsyncEngine):
    entry = await signed_entry(service)
    amendment = await service.amend(BERIT, entry.entry_id, replace(
        complete_content(), amendment_reason="Rättelse: fel temperatur angiven"))
    assert amendment.kind is EntryKind.AMENDMENT and amendment.amends == entry.entry_id
    signed = await service.sign(BERIT, amendment.entry_id, amendment.revision)
    read = await service.get_entry(ANNA, entry.entry_id)
    assert [a.entry_id for a in read.amendments] == [signed.entry_id]
    assert read.amendments[0].status is EntryStatus.SIGNED
    actions = [(a, act, o) for a, act, o, _ in await log_rows(engine)]
    assert ("n-berit", "amend", "allowed") in actions
    assert ("n-berit", "sign", "allowed") in actions


async def test_a_nurse_of_another_care_provider_cannot_amend(service: JournalService,
                                                             engine: AsyncEngine):
    entry = await signed_entry(service)
    with pytest.raises(AccessDenied):
        await service.amend(CARL, entry.entry_id, replace(complete_content(),
                                                          amendment_reason="x"))
    assert (await log_rows(engine))[-1] == ("n-carl", "amend", "denied", entry.entry_id)


async def test_a_nurse_lists_her_own_recent_entries_and_the_listing_is_logged(
        service: JournalService, engine: AsyncEngine, clock: FakeClock):
    for i in range(3):
        await service.create_draft(ANNA, f"call-{i}", "01")
        clock.advance(minutes=1)
    await service.create_draft(BERIT, "call-x", "01")
    mine = await service.list_own_recent(ANNA, limit=2)
    assert [e.call_id for e in mine] == ["call-2", "call-1"]
    assert (await log_rows(engine))[-1] == ("n-anna", "list", "allowed", None)


async def test_only_auditors_query_the_access_log_and_their_queries_are_logged(
        service: JournalService, engine: AsyncEngine):
    entry = await signed_entry(service)
    with pytest.raises(AccessDenied):
        await service.query_access_log(ANNA, LogQuery())
    records = await service.query_access_log(AUDITOR, LogQuery(entry_id=entry.entry_id))
    assert [r.action for r in records] == ["create", "sign"]
    page = await service.query_access_log(AUDITOR, LogQuery(limit=1))
    after = await service.query_access_log(AUDITOR, LogQuery(after_id=page[0].id, limit=1))
    assert after[0].id > page[0].id
    rows = await log_rows(engine)
    assert ("n-anna", "log_query", "denied", None) in rows
    assert rows[-1] == ("a-greta", "log_query", "allowed", None)


async def test_an_auditor_of_one_region_sees_only_that_regions_log(service: JournalService):
    from journal.ports import Actor

    await signed_entry(service)
    regional = Actor("a-14", "a14", frozenset({"auditor"}), frozenset({"14"}))
    records = await service.query_access_log(regional, LogQuery())
    assert all(r.region in (None, "14") for r in records)
    assert not any(r.action == "create" for r in records)


async def test_the_service_also_accepts_a_session_factory(engine: AsyncEngine,
                                                          clock: FakeClock, config, calls):
    from sqlalchemy.ext.asyncio import async_sessionmaker

    service = JournalService(async_sessionmaker(engine), clock, config, calls)
    entry = await service.create_draft(ANNA, "call-1", "01")
    assert (await service.get_entry(ANNA, entry.entry_id)).entry == entry


async def test_made_up_entry_ids_and_regions_longer_than_any_are_refused_and_logged(
        service: JournalService, engine: AsyncEngine):
    from journal.export import ExportFilter

    with pytest.raises(EntryNotFound):
        await service.get_entry(ANNA, "x" * 100)
    with pytest.raises(AccessDenied):
        await service.export(ADMIN_01, "jsonl", ExportFilter(region="01-and-more"))
    async with engine.connect() as conn:
        rows = (await conn.execute(select(journal_access_log)
                                   .order_by(journal_access_log.c.id))).all()
    assert [(r.action, r.outcome, r.entry_id, r.region) for r in rows] == [
        ("read", "denied", None, None), ("export", "denied", None, None)]
    assert rows[0].query["entry_id"] == "x" * 100
    assert rows[1].query["region"] == "01-and-more"
