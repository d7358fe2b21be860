"""Who writes and reads the journal of a call: the nurses who took part in it, as the call
directory tells (a fake of the journal's own port here), and no one else without
emergency access; every refusal and every emergency access in the access log."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from journal.errors import AccessDenied, ReasonRequired, RegionMismatch
from journal.ports import Actor
from journal.service import JournalService
from journal.sql import journal_access_log
from shared_kernel.errors import ErrorKind
from tests.journal.conftest import ANNA, BERIT, FakeCallDirectory, complete_content

DORA = Actor("n-dora", "n-dora", frozenset({"nurse"}), frozenset({"03"}), "vg-03")


async def log(engine: AsyncEngine, action: str | None = None) -> list[dict]:
    t = journal_access_log
    query = select(t).order_by(t.c.id)
    if action:
        query = query.where(t.c.action == action)
    async with engine.connect() as conn:
        return [dict(r._mapping) for r in await conn.execute(query)]


@pytest.fixture
def region_03_call(calls: FakeCallDirectory) -> str:
    calls.add("r03", DORA.user_id, region="03")
    return "r03"


async def test_nurse_cannot_open_a_draft_for_another_regions_call(
        service: JournalService, engine: AsyncEngine, region_03_call: str):
    with pytest.raises(AccessDenied, match="did not take part"):
        await service.create_draft(ANNA, region_03_call, "01")
    (record,) = await log(engine, "create")
    assert (record["actor_id"], record["outcome"], record["region"]) == ("n-anna", "denied", "03")
    assert record["query"]["call_id"] == region_03_call  # the region's auditors see it


@pytest.mark.parametrize("setup, problem", [
    (lambda calls: calls.add("gone", region="01", answered=False), "nobody answered"),
    (lambda calls: calls.add("gone", region="01", answered=True), "did not take part"),
    (lambda calls: None, "no such call"),
], ids=["abandoned", "answered_by_a_nurse_without_login", "unknown_call_id"])
async def test_a_call_she_did_not_take_part_in_is_refused_and_the_refusal_logged(
        service: JournalService, engine: AsyncEngine, calls: FakeCallDirectory, setup, problem):
    setup(calls)
    with pytest.raises(AccessDenied, match=problem):
        await service.create_draft(ANNA, "gone", "01")
    assert [(r["outcome"], r["basis"]) for r in await log(engine, "create")] == [
        ("denied", None)]


async def test_a_nurse_who_did_not_answer_a_call_of_her_region_cannot_open_its_entry(
        service: JournalService, engine: AsyncEngine):
    with pytest.raises(AccessDenied, match="did not take part"):
        await service.create_draft(BERIT, "call-1", "01")  # Anna answered it
    assert [r["outcome"] for r in await log(engine, "create")] == ["denied"]


async def test_emergency_access_needs_a_reason_and_is_logged_with_basis_emergency(
        service: JournalService, engine: AsyncEngine, region_03_call: str):
    with pytest.raises(ReasonRequired):
        await service.create_draft(ANNA, region_03_call, emergency=True, reason="  ")
    entry = await service.create_draft(ANNA, region_03_call, emergency=True,
                                       reason="Uppringaren medvetslös, ingen annan svarar")
    assert (entry.region, entry.care_provider) == ("03", "vg-03")  # the call's, not hers
    denied, allowed = await log(engine, "create")
    assert (denied["outcome"], denied["emergency"]) == ("denied", False)
    assert (allowed["outcome"], allowed["basis"], allowed["emergency"]) == (
        "allowed", "emergency", True)
    assert allowed["reason"] == "Uppringaren medvetslös, ingen annan svarar"
    assert allowed["entry_id"] == entry.entry_id and allowed["region"] == "03"


async def test_emergency_access_to_an_unknown_call_writes_in_the_nurses_own_region(
        service: JournalService, engine: AsyncEngine):
    with pytest.raises(AccessDenied, match="region"):
        await service.create_draft(ANNA, "not-logged", "14", emergency=True, reason="Avbrott")
    entry = await service.create_draft(ANNA, "not-logged", "01", emergency=True,
                                       reason="Samtalsloggen nere")
    assert (entry.region, entry.care_provider) == ("01", "vg-01")
    assert [(r["outcome"], r["basis"]) for r in await log(engine, "create")] == [
        ("denied", None), ("allowed", "emergency")]


async def test_a_region_that_disagrees_with_the_calls_is_refused_and_logged(
        service: JournalService, engine: AsyncEngine, calls: FakeCallDirectory):
    calls.add("pooled", ANNA.user_id, region="03")  # a region 03 call Anna answered
    with pytest.raises(RegionMismatch) as refused:
        await service.create_draft(ANNA, "pooled", "01")
    assert refused.value.kind is ErrorKind.CONFLICT  # answered 409 by the API
    entry = await service.create_draft(ANNA, "pooled")  # the region comes from the call
    assert (entry.region, entry.care_provider) == ("03", "vg-03")
    assert [r["outcome"] for r in await log(engine, "create")] == ["denied", "allowed"]


async def test_an_entry_of_her_own_for_a_call_does_not_make_another_nurses_entry_own_call(
        service: JournalService, engine: AsyncEngine, region_03_call: str):
    """The attack: open a draft for another region's call, then read, amend and sign the
    entry of the nurse who took it as if it were one's own."""
    theirs = await service.create_draft(DORA, region_03_call, "03", complete_content())
    theirs = await service.sign(DORA, theirs.entry_id, theirs.revision)
    await service.create_draft(ANNA, region_03_call, emergency=True, reason="Ringer för 03")
    with pytest.raises(AccessDenied, match="another care provider"):
        await service.get_entry(ANNA, theirs.entry_id)
    with pytest.raises(AccessDenied):
        await service.get_entry(ANNA, theirs.entry_id, reason="nyfiken")
    with pytest.raises(AccessDenied):
        await service.amend(ANNA, theirs.entry_id, replace(complete_content(),
                                                           amendment_reason="Rättelse"))
    draft = await service.create_draft(DORA, region_03_call, "03")
    with pytest.raises(AccessDenied):
        await service.update_draft(ANNA, draft.entry_id, complete_content(), draft.revision)
    with pytest.raises(AccessDenied):
        await service.sign(ANNA, draft.entry_id, draft.revision)
    emergency = await service.get_entry(ANNA, theirs.entry_id, reason="Akut", emergency=True)
    assert emergency.basis == "emergency"
    anna = [(r["action"], r["outcome"], r["basis"]) for r in await log(engine)
            if r["actor_id"] == "n-anna" and r["entry_id"] in (theirs.entry_id, draft.entry_id)]
    assert anna == [("read", "denied", None), ("read", "denied", None),
                    ("amend", "denied", None), ("update", "denied", None),
                    ("sign", "denied", None), ("read", "allowed", "emergency")]


async def test_a_nurse_who_took_part_reads_a_colleagues_entry_of_that_call_as_own_call(
        service: JournalService, calls: FakeCallDirectory):
    calls.add("callback", ANNA.user_id, BERIT.user_id)  # Berit made the callback
    entry = await service.create_draft(ANNA, "callback", "01")
    assert (await service.get_entry(BERIT, entry.entry_id)).basis == "own_call"


async def test_an_amendment_belongs_to_the_care_provider_of_the_original(
        service: JournalService, calls: FakeCallDirectory):
    calls.add("pooled", BERIT.user_id, region="03")
    original = await service.create_draft(BERIT, "pooled", None, complete_content())
    original = await service.sign(BERIT, original.entry_id, original.revision)
    amendment = await service.amend(BERIT, original.entry_id, replace(
        complete_content(), amendment_reason="Tillägg"))
    assert (amendment.region, amendment.care_provider) == ("03", "vg-03")


async def test_without_a_call_directory_no_nurse_opens_an_entry(
        engine: AsyncEngine, clock, config):
    service = JournalService(engine, clock, config)
    with pytest.raises(AccessDenied):
        await service.create_draft(ANNA, "call-1", "01")
    with pytest.raises(AccessDenied):
        await service.create_draft(ANNA, "call-1", "01", emergency=True, reason="Akut")
    assert [r["outcome"] for r in await log(engine, "create")] == ["denied", "denied"]
