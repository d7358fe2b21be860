"""The console service on in-memory fakes of the other contexts and a clock the test moves:
it follows the live call, keeps the work through every turn, and loses no text."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from contactcenter.db import create_engine, upgrade
from nurse_console.errors import CannotSign, DraftConflict
from nurse_console.ports import Actor, Codes
from nurse_console.service import ConsoleService
from nurse_console.sql import WorkStore
from nurse_console.statistics import phase_statistics
from tests.nurse_console.fakes import (
    FakeClock,
    FakeDesk,
    FakeGuidelines,
    FakeJournal,
    FakePhone,
    FakeReferrals,
)

NURSE = Actor("ssk", "Test", frozenset({"nurse"}), frozenset({"01"}))
CODES = Codes(pause_reasons={"RAST": "Rast"}, contact_reasons={"FEBER": "Feber"},
              urgencies={"EGENVARD": "Egenvård", "INOM_ETT_DYGN": "Inom ett dygn"},
              care_types={"EGENVARD": "Egenvård", "VARDCENTRAL": "Vårdcentral"},
              deviation_reasons={"PATIENT_PREFERENCE": "Önskemål"})


class Console:
    def __init__(self, service: ConsoleService, desk: FakeDesk, clock: FakeClock,
                 journal: FakeJournal, store: WorkStore) -> None:
        self.service, self.desk, self.clock, self.journal, self.store = (
            service, desk, clock, journal, store)

    async def work(self) -> dict[str, Any] | None:
        return (await self.service.view(NURSE))["work"]


@pytest.fixture
async def console(tmp_path: Path) -> AsyncIterator[Console]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'console.db'}"
    await upgrade(url)
    engine = create_engine(url)
    clock, desk, journal = FakeClock(), FakeDesk(), FakeJournal()
    store = WorkStore(engine)
    service = ConsoleService(store, desk, FakePhone(desk), FakeGuidelines(), FakeReferrals(),
                             journal, CODES, clock)
    try:
        yield Console(service, desk, clock, journal, store)
    finally:
        await engine.dispose()


async def test_the_work_follows_the_call_from_offer_to_closed_wrap_up(console: Console) -> None:
    await console.service.set_state(NURSE, "ready")
    console.desk.offer("c1")
    work = await console.work()
    assert work["status"] == "offered" and work["facts"]["number"] == "+46701234567"
    await console.service.answer(NURSE)
    work = await console.work()
    assert work["status"] == "on_call" and work["journal_entry_id"] == "entry-c1"
    console.clock.advance(20)
    await console.service.move_to_phase(NURSE, "lyssna")
    console.clock.advance(40)
    console.desk.end("c1")
    work = await console.work()
    assert work["status"] == "caller_gone"
    assert work["phase_durations"]["oppna"] == 20.0 and work["phase_durations"]["lyssna"] == 40.0
    console.clock.advance(300)  # documenting after the call: the phase clock has stopped
    await console.service.set_state(NURSE, "ready")
    assert await console.work() is None
    stats = await phase_statistics(console.store, console.clock.now.replace(hour=0),
                                   console.clock.now.replace(hour=23))
    assert stats == {"calls": 1, "average_seconds": {
        "oppna": 20.0, "lyssna": 40.0, "bedoma": 0.0, "atgard": 0.0, "avsluta": 0.0}}


async def test_an_offer_that_went_elsewhere_leaves_no_work(console: Console) -> None:
    await console.service.set_state(NURSE, "ready")
    console.desk.offer("c1")
    assert (await console.work())["status"] == "offered"
    await console.desk.set_state("ssk-01-1", "ready", None)  # the phone never answered
    assert await console.work() is None


async def test_a_call_answered_and_over_before_the_console_looked_still_needs_its_note(
    console: Console,
) -> None:
    await console.service.set_state(NURSE, "ready")
    console.desk.offer("c1")
    assert (await console.work())["status"] == "offered"
    console.desk.connect("c1")
    console.desk.end("c1")
    work = await console.work()
    assert work["status"] == "caller_gone" and work["journal_entry_id"] == "entry-c1"
    assert "unsigned_after_call" in [n["code"] for n in work["nudges"]]


async def test_a_repeat_caller_shows_the_earlier_calls_urgency_and_referral(
    console: Console,
) -> None:
    await console.service.set_state(NURSE, "ready")
    console.desk.offer("c1")
    await console.service.answer(NURSE)
    await console.service.open_guideline(NURSE, "feber")
    await console.service.tick(NURSE, "feber", ["k1"])
    await console.service.refer(NURSE, "SE1")
    console.desk.end("c1")
    await console.service.set_state(NURSE, "ready")
    console.clock.advance(3600 * 5)
    console.desk.offer("c2")
    work = await console.work()
    assert [(c["call_id"], c["urgency"], c["referral"]) for c in work["repeat_calls"]] == [
        ("c1", "INOM_ETT_DYGN", "VC Test")]
    await console.work()  # shown again: logged once
    assert console.journal.repeat_logs == [("c2", ["c1"])]
    await console.desk.set_state("ssk-01-1", "ready", None)
    console.clock.advance(3600 * 80)  # outside the 72-hour window
    console.desk.offer("c3")
    assert (await console.work())["repeat_calls"] == []


async def test_a_stale_draft_is_refused_and_the_journal_being_down_loses_no_text(
    console: Console,
) -> None:
    await console.service.set_state(NURSE, "ready")
    console.desk.offer("c1")
    await console.service.answer(NURSE)
    console.journal.refuse_saves = True
    view = await console.service.save_draft(NURSE, 0, {"listen_summary": "ont i huvudet"})
    assert view["work"]["draft"]["listen_summary"] == "ont i huvudet"
    with pytest.raises(DraftConflict) as conflict:
        await console.service.save_draft(NURSE, 0, {"listen_summary": "annan flik"})
    assert conflict.value.details["draft"]["listen_summary"] == "ont i huvudet"
    console.journal.refuse_saves = False
    with pytest.raises(CannotSign) as missing:
        await console.service.sign(NURSE)
    assert missing.value.details["missing"] == [
        "kontaktorsak", "brådskandegrad", "hänvisning eller egenvårdsråd"]
    await console.service.set_contact_reason(NURSE, "FEBER")
    await console.service.open_guideline(NURSE, "feber")
    await console.service.tick(NURSE, "feber", [])
    await console.service.refer(NURSE, None, self_care=True)
    view = await console.service.sign(NURSE)
    assert view["work"]["signed_at"]
    entry = console.journal.entries["c1"]
    assert entry["signed"] and entry["text"] == "ont i huvudet"  # written once it was up
