"""Realistic demo journal entries. SAMPLE DATA: every person is FICTIONAL, identity
numbers are generated with valid check digits (or Skatteverket's example person
19121212-1212) and the Swedish notes are written for the demo.

Used by ``radgivning journal demo-fill``, the tests and ``bench/journal_export.py``.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from journal.identity_numbers import fictional_personnummer
from journal.model import (
    SELF_CARE,
    Caller,
    CallerRelation,
    ContactReason,
    Deviation,
    EntryContent,
    EntryKind,
    EntryStatus,
    GuidelineUse,
    IdentityKind,
    JournalEntry,
    Person,
    PhaseNotes,
    Referral,
)
from journal.sql import entry_values, journal_entries

SAMPLE_MARK = "[EXEMPEL – fiktiv]"
EXAMPLE_PERSON = "191212121212"  #: Skatteverket's own example personnummer

# (contact reason, guideline, recommended care type, urgency, listen, assessment, advice);
# care types and urgencies are decision support's codes (config/decision_support.toml).
_SCENARIOS = (
    ("FEBER", "feber-barn", "VARDCENTRAL", "INOM_ETT_DYGN",
     "Förälder ringer om barn 3 år med feber 39,2 sedan i går kväll.",
     "Pigg mellan febertopparna, dricker bra, kissar som vanligt. Inga andningsbesvär.",
     "Ge febernedsättande vid behov, mycket att dricka. Ring igen om barnet blir slött."),
    ("BROSTSMARTA", "brostsmarta-vuxen", "AKUTMOTTAGNING", "AMBULANS",
     "Man 62 år med tryck över bröstet sedan 20 minuter, strålar ut i vänster arm.",
     "Kallsvettig, andfådd. Hög misstanke om hjärtpåverkan.",
     "Kopplad till 112. Lägga sig ned, inte äta eller dricka."),
    ("HOSTA_ANDNING", "hosta-vuxen", "EGENVARD", "EGENVARD",
     "Kvinna 34 år med hosta och snuva i fem dagar, ingen feber i dag.",
     "Andas utan besvär i vila, talar hela meningar. Allmäntillstånd gott.",
     "Egenvård: vila, vätska, höjd huvudända. Kontakta vården vid andnöd eller hög feber."),
    ("BUKSMARTA", "buksmarta-vuxen", "JOURMOTTAGNING", "INOM_NAGRA_TIMMAR",
     "Kvinna 45 år med smärta i höger nedre del av magen sedan i morse.",
     "Ömhet som ökar, lätt feber 38,0. Kräkts en gång.",
     "Bedömning på jourmottagning i dag. Fasta tills bedömning."),
    ("SKADA", "fotledsskada", "EGENVARD", "EGENVARD",
     "Man 28 år som vrickat foten under fotboll för en timme sedan.",
     "Kan belasta med viss smärta, måttlig svullnad, ingen felställning.",
     "Högläge, kyla, kompression. Röntgen om han inte kan gå fyra steg i morgon."),
    ("ORON_PSYKISKT", "oro-angest", "VARDCENTRAL", "INOM_NAGRA_DAGAR",
     "Kvinna 22 år med sömnsvårigheter och oro sedan några veckor.",
     "Inga självmordstankar enligt uppringaren. Fungerar i vardagen men är trött.",
     "Tid hos vårdcentralen inom några dagar. Ring 112 vid tankar på att skada sig."),
    ("HUDUTSLAG", "utslag-barn", "BVC", "INOM_NAGRA_DAGAR",
     "Förälder ringer om spädbarn 8 månader med torra röda fläckar på kinderna.",
     "Ingen feber, äter och sover som vanligt. Utslagen kliar.",
     "Mjukgörande kräm, kontakt med BVC. Ring igen vid feber eller vätskande utslag."),
    ("URINVAGAR", "urinvagsbesvar-kvinna", "VARDCENTRAL", "INOM_ETT_DYGN",
     "Kvinna 51 år med sveda vid vattenkastning sedan två dygn.",
     "Ingen feber, ingen ryggsmärta. Tidigare liknande besvär.",
     "Kontakt med vårdcentral i morgon för urinprov. Drick rikligt."),
)
_UNITS = {
    "VARDCENTRAL": ("Vårdcentral Exempelby (fiktiv)", "VARDCENTRAL"),
    "AKUTMOTTAGNING": ("Akutmottagning Exempelsjukhuset (fiktiv)", "AKUTMOTTAGNING"),
    "JOURMOTTAGNING": ("Närakut Exempelstaden (fiktiv)", "JOURMOTTAGNING"),
    "BVC": ("BVC Exempelby (fiktiv)", "BVC"),
}
_REGIONS = ("01", "03", "12", "14", "24")
# Prefixes of the demo referrals' HSA-ids only (12 and 24 are not confirmed in regions.toml).
_ORGNR = {"01": "2321000016", "03": "2321000024", "12": "2321000255", "14": "2321000131",
          "24": "2321000222"}
# The care providers (vårdgivare) the service gives a region's users: the organisation
# number confirmed in the packaged config/regions.toml, else ``region-<code>``. The
# composition root passes its own (from the configuration in use); this is the default,
# and a test keeps the two in step, so demo entries share their region's care provider.
_CONFIRMED_ORGNR = {"01": "2321000016", "03": "2321000024", "14": "2321000131"}


def care_provider_of_region(region: str) -> str:
    """The care provider demo entries of ``region`` belong to by default."""
    return _CONFIRMED_ORGNR.get(region) or f"region-{region}"


def _person(rng: random.Random, today: date) -> Person:
    roll = rng.random()
    if roll < 0.02:
        return Person(IdentityKind.PERSONNUMMER, EXAMPLE_PERSON)
    if roll < 0.07:
        return Person(IdentityKind.UNIDENTIFIED, None, None, "vuxen, ville inte uppge nummer")
    born = today - timedelta(days=rng.randint(30, 95 * 365))
    coordination = roll < 0.12
    number = fictional_personnummer(born, rng.randint(0, 999), coordination)
    kind = IdentityKind.SAMORDNINGSNUMMER if coordination else IdentityKind.PERSONNUMMER
    return Person(kind, number)


def demo_entry(rng: random.Random, at: datetime, region: str | None = None,
               nurse_id: str | None = None,
               care_providers: Mapping[str, str] | None = None) -> JournalEntry:
    """One signed, fictional entry created at ``at``, of its region's care provider
    (from ``care_providers`` by region, else :func:`care_provider_of_region`)."""
    reason, guideline, care_type, urgency, listen, assess, advice = rng.choice(_SCENARIOS)
    region = region or rng.choice(_REGIONS)
    self_care = care_type == SELF_CARE
    referral = None
    deviation = None
    recommended = care_type
    if not self_care:
        name, ctype = _UNITS.get(care_type, ("Akutmottagning Exempelsjukhuset (fiktiv)",
                                             "AKUTMOTTAGNING"))
        if rng.random() < 0.05:  # the unit recommended was closed: documented deviation
            name, ctype = _UNITS["JOURMOTTAGNING"]
            deviation = Deviation("UNIT_UNAVAILABLE",
                                  "Vårdcentralen stängd, hänvisad till närakut.")
        referral = Referral(f"SE{_ORGNR[region]}-E{rng.randint(1000, 9999)}", name, ctype)
    parent = "barn" in guideline or "Förälder" in listen
    caller = Caller(CallerRelation.PARENT_OR_GUARDIAN if parent else CallerRelation.PATIENT,
                    f"+4670{rng.randint(1000000, 9999999)}", "Förälder (fiktiv)" if parent else None)
    content = EntryContent(
        person=_person(rng, at.date()), caller=caller,
        contact_reason=ContactReason(reason, f"{SAMPLE_MARK} {listen[:40]}"),
        notes=PhaseNotes(listen_summary=f"{SAMPLE_MARK} {listen}", assessment=assess,
                         action=f"Hänvisning: {referral.unit_name}" if referral else "Egenvårdsråd",
                         advice_given=advice,
                         hypotheses="Tidig hypotes: virusinfektion." if rng.random() < 0.3 else "",
                         third_party="Syskon har liknande symtom." if parent else ""),
        guidelines=(GuidelineUse(guideline, f"{rng.randint(1, 4)}.{rng.randint(0, 9)}"),),
        recommended_care_type=recommended, urgency=urgency, referral=referral,
        self_care=self_care, deviation=deviation)
    nurse = nurse_id or f"demo-nurse-{region}-{rng.randint(1, 40):02d}"
    signed = at + timedelta(minutes=rng.randint(3, 15))
    return JournalEntry(
        entry_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        call_id=f"demo-call-{rng.getrandbits(48):012x}", kind=EntryKind.ENTRY,
        status=EntryStatus.SIGNED, revision=3, region=region,
        care_provider=(care_providers or {}).get(region) or care_provider_of_region(region),
        nurse_id=nurse, nurse_name=f"Demosköterska {nurse[-2:]} (fiktiv)", content=content,
        created_at=at, updated_at=signed, signed_at=signed, signed_by=nurse)


def demo_entries(count: int, seed: int = 1177, end: datetime | None = None,
                 days: int = 365, regions: Sequence[str] | None = None,
                 care_providers: Mapping[str, str] | None = None) -> Iterator[JournalEntry]:
    """``count`` fictional entries spread in time order over ``days`` before ``end``;
    ``care_providers`` maps a region to its care provider (see :func:`demo_entry`)."""
    rng = random.Random(seed)
    end = end or datetime(2026, 1, 1, tzinfo=UTC)
    step = timedelta(days=days) / max(count, 1)
    start = end - timedelta(days=days)
    for i in range(count):
        region = rng.choice(regions) if regions else None
        yield demo_entry(rng, start + step * i, region, care_providers=care_providers)


def with_person(entry: JournalEntry, person: Person) -> JournalEntry:
    """``entry`` about another (fictional) person."""
    return replace(entry, content=replace(entry.content, person=person))


async def bulk_load(engine: AsyncEngine, entries: Iterable[JournalEntry],
                    batch_size: int = 5000) -> int:
    """Insert entries with executemany in big batches; returns how many."""
    total = 0
    batch: list[dict[str, Any]] = []
    async with engine.begin() as conn:
        for entry in entries:
            batch.append(entry_values(entry))
            if len(batch) >= batch_size:
                await conn.execute(insert(journal_entries), batch)
                total += len(batch)
                batch = []
        if batch:
            await conn.execute(insert(journal_entries), batch)
            total += len(batch)
    return total
