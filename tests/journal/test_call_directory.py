"""The composition root's call directory for the journal, on a migrated database with
calls written by the real call log: who took part, the call's region and care provider."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from contactcenter.calls.model import CallEventType as E
from contactcenter.calls.service import CallLog
from contactcenter.contexts import CallLogDirectory
from contactcenter.settings import load_settings
from queues.sql import nurses

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
async def engine(migrated_db: str) -> AsyncIterator[AsyncEngine]:
    from contactcenter.db import create_engine

    eng = create_engine(migrated_db)
    async with eng.begin() as conn:
        await conn.execute(nurses.insert(), [
            {"nurse_id": "ssk-01-1", "display_name": "A", "home_region": "01",
             "endpoint": "PJSIP/a", "username": "anna", "active": True},
            {"nurse_id": "ssk-01-2", "display_name": "B", "home_region": "01",
             "endpoint": "PJSIP/b", "username": None, "active": True},
            {"nurse_id": "ssk-14-1", "display_name": "C", "home_region": "14",
             "endpoint": "PJSIP/c", "username": "carl", "active": True}])
    yield eng
    await eng.dispose()


@pytest.fixture
async def call_log(engine: AsyncEngine) -> AsyncIterator[CallLog]:
    log = CallLog(engine, lambda: NOW, "test")
    yield log
    await log.close()


def arrive(log: CallLog, call_id: str, region: str | None) -> None:
    log.record(call_id, E.ARRIVED, channel_id=f"ch-{call_id}", caller_number="+46812345678")
    log.record(call_id, E.REGION_DECIDED, region=region, source="area_code")
    log.record(call_id, E.QUEUED, queue=region or "national")


async def test_the_nurse_who_answered_took_part_and_the_call_has_its_regions_provider(
        engine: AsyncEngine, call_log: CallLog):
    arrive(call_log, "c1", "03")
    call_log.record("c1", E.OFFERED, nurse_id="ssk-01-2")
    call_log.record("c1", E.OFFER_FAILED, nurse_id="ssk-01-2", reason="no answer")
    call_log.record("c1", E.OFFERED, nurse_id="ssk-14-1")
    call_log.record("c1", E.ANSWERED, nurse_id="ssk-14-1")
    facts = await CallLogDirectory(engine, load_settings(), call_log.flush).call("c1")
    assert facts is not None
    assert (facts.region, facts.care_provider) == ("03", "2321000024")
    assert facts.participants == {"carl"} and facts.answered  # offered is not taking part


async def test_callback_attempts_reached_or_not_count_as_taking_part(
        engine: AsyncEngine, call_log: CallLog):
    arrive(call_log, "c2", "01")
    call_log.record("c2", E.CALLBACK_REQUESTED, position=1)
    call_log.record("c2", E.OFFERED, nurse_id="ssk-14-1")
    call_log.record("c2", E.CALLBACK_ATTEMPT, attempt=1, outcome="busy", nurse_id="ssk-14-1")
    facts = await CallLogDirectory(engine, load_settings(), call_log.flush).call("c2")
    assert facts is not None and facts.participants == {"carl"} and not facts.answered
    call_log.record("c2", E.OFFERED, nurse_id="ssk-01-1")
    call_log.record("c2", E.CALLBACK_ATTEMPT, attempt=2, outcome="answered", nurse_id="ssk-01-1")
    call_log.record("c2", E.ANSWERED, nurse_id="ssk-01-1", callback=True)
    facts = await CallLogDirectory(engine, load_settings(), call_log.flush).call("c2")
    assert facts is not None and facts.participants == {"carl", "anna"} and facts.answered


async def test_an_abandoned_call_a_nurse_without_login_and_an_unknown_call_name_no_one(
        engine: AsyncEngine, call_log: CallLog):
    directory = CallLogDirectory(engine, load_settings(), call_log.flush)
    arrive(call_log, "gone", "01")
    call_log.record("gone", E.ABANDONED, cause="caller_hangup")
    arrive(call_log, "nologin", "01")
    call_log.record("nologin", E.ANSWERED, nurse_id="ssk-01-2")
    gone, nologin = await directory.call("gone"), await directory.call("nologin")
    assert gone is not None and gone.participants == frozenset() and not gone.answered
    assert nologin is not None and nologin.participants == frozenset() and nologin.answered
    assert await directory.call("no-such-call") is None


async def test_a_national_call_belongs_to_the_region_of_the_nurse_who_answered(
        engine: AsyncEngine, call_log: CallLog):
    arrive(call_log, "abroad", None)
    call_log.record("abroad", E.ANSWERED, nurse_id="ssk-14-1")
    facts = await CallLogDirectory(engine, load_settings(), call_log.flush).call("abroad")
    assert facts is not None
    assert (facts.region, facts.care_provider) == ("14", "2321000131")
