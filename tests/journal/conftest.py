"""Fixtures of the journal tests: a clock, the configuration, actors and a service on a
throwaway database (tables made with ``metadata.create_all``; SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import cache

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from journal.config import JournalConfig, load_config
from journal.model import (
    Caller,
    CallerRelation,
    ContactReason,
    EntryContent,
    GuidelineUse,
    IdentityKind,
    Person,
    PhaseNotes,
    Referral,
)
from journal.ports import Actor, CallFacts
from journal.service import JournalService
from journal.sql import metadata

EXAMPLE_PNR = "19121212-1212"  # Skatteverket's example person (fictional for our purposes)


@cache
def shipped_config() -> JournalConfig:
    """The shipped ``journal.toml`` with the shipped ``decision_support.toml``'s code lists,
    handed over as the composition root hands them."""
    from contactcenter.contexts import shared_codes
    from decision_support.content import DEFAULT_CONFIG_PATH
    from decision_support.content import load_config as load_guideline_config

    return load_config(shared=shared_codes(load_guideline_config(), DEFAULT_CONFIG_PATH))


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


def nurse(user_id: str = "n-anna", region: str = "01", provider: str = "vg-01") -> Actor:
    return Actor(user_id, user_id, frozenset({"nurse"}), frozenset({region}), provider)


ANNA = nurse("n-anna")
BERIT = nurse("n-berit")  # same care provider as Anna
CARL = nurse("n-carl", "14", "vg-14")  # another region and care provider
AUDITOR = Actor("a-greta", "greta", frozenset({"auditor"}), frozenset({"*"}), None)
ADMIN_01 = Actor("r-olle", "olle", frozenset({"region_admin"}), frozenset({"01"}), "vg-01")
SUPERVISOR = Actor("s-sara", "sara", frozenset({"supervisor"}), frozenset({"01"}), "vg-01")


PROVIDERS = {"01": "vg-01", "03": "vg-03", "14": "vg-14"}


class FakeCallDirectory:
    """The call log as the composition root adapts it (a fake of the journal's own
    port): calls by id, with their region, care provider and who took part."""

    def __init__(self) -> None:
        self.calls: dict[str, CallFacts] = {}

    def add(self, call_id: str, *participants: str, region: str | None = "01",
            answered: bool | None = None) -> None:
        """A call of ``region`` in which ``participants`` (logins) took part; answered
        when someone took part unless ``answered`` says otherwise."""
        self.calls[call_id] = CallFacts(
            call_id, region, PROVIDERS.get(region or "", None), frozenset(participants),
            bool(participants) if answered is None else answered)

    async def call(self, call_id: str) -> CallFacts | None:
        return self.calls.get(call_id)


def complete_content(**changes: object) -> EntryContent:
    """Content that may be signed: a fictional person referred to a fictional unit."""
    content = EntryContent(
        person=Person(IdentityKind.PERSONNUMMER, EXAMPLE_PNR),
        caller=Caller(CallerRelation.PARENT_OR_GUARDIAN, "+46701234567", "Förälder (fiktiv)"),
        contact_reason=ContactReason("FEBER", "feber sedan i går"),
        notes=PhaseNotes(listen_summary="Barn med feber.", assessment="Pigg, dricker.",
                         action="Hänvisad till vårdcentral.", advice_given="Ring igen vid försämring.",
                         hypotheses="Trolig virusinfektion.", third_party="Syskon sjukt."),
        guidelines=(GuidelineUse("feber-barn", "3.1"),),
        recommended_care_type="VARDCENTRAL", urgency="INOM_ETT_DYGN",
        referral=Referral("SE2321000016-E1234", "Vårdcentral Exempelby (fiktiv)", "VARDCENTRAL"))
    return replace(content, **changes)  # type: ignore[arg-type]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def config() -> JournalConfig:
    """The shipped configuration with small pages; FHIR exports validate every Bundle in
    full with the model library (the shape-once path is tested in test_fhir.py)."""
    cfg = shipped_config()
    return replace(cfg, batch_size=500, fhir_systems={**cfg.fhir_systems, "validation": "full"})


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    from contactcenter.db import create_engine

    eng = create_engine(db_url)
    async with eng.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield eng
    await eng.dispose()


@pytest.fixture
async def sqlite_engine(sqlite_url: str) -> AsyncIterator[AsyncEngine]:
    from contactcenter.db import create_engine

    eng = create_engine(sqlite_url)
    async with eng.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield eng
    await eng.dispose()


@pytest.fixture
def calls() -> FakeCallDirectory:
    """Region 01 calls Anna answered (the ids the tests use) and one Berit answered."""
    directory = FakeCallDirectory()
    for call_id in ("c", "call-0", "call-1", "call-2", "call-9", "call-draft"):
        directory.add(call_id, ANNA.user_id)
    directory.add("call-x", BERIT.user_id)
    return directory


@pytest.fixture
def service(engine: AsyncEngine, clock: FakeClock, config: JournalConfig,
            calls: FakeCallDirectory) -> JournalService:
    return JournalService(engine, clock, config, calls)
