"""The nurse console's ports on the running service's parts.

:mod:`nurse_console` sees the queue engine, the call log, decision support, the
referral catalog and the journal only through :mod:`nurse_console.ports`; the
adapters here translate, so neither side imports the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from contactcenter.calls.sql import calls
from contactcenter.contexts import care_provider_of
from decision_support.model import Deviation as GuidelineDeviation
from decision_support.patient import Age, Sex
from journal import model as journal_model
from journal.errors import InvalidEntry, InvalidIdentityNumber
from journal.ports import Actor as JournalActor
from nurse_console.errors import CannotSign, InvalidChoice
from nurse_console.model import CallFacts, CallWork
from nurse_console.ports import Actor, LiveCall, NurseSeat
from queues.errors import UnknownNurse
from referral_catalog.errors import UnitNotFound
from referral_catalog.model import CareType

if TYPE_CHECKING:
    from contactcenter.services import Services
    from decision_support.service import GuidelineService
    from journal.service import JournalService
    from referral_catalog.service import CatalogService

SOURCE_WORDS = {"municipality": "kommun från nätet", "area_code": "riktnummer",
                "ivr": "knappval i röstsvaret", "abroad": "samtal från utlandet",
                "relay": "förmedlingstjänst", "unknown": "okänd"}
"""How the region was decided, in the nurse's words (no raw codes on screen)."""


class ServiceDesk:
    """:class:`nurse_console.ports.Desk` on the queue service, the call flow and the call
    log."""

    def __init__(self, services: Services) -> None:
        self._s = services

    def seat_of(self, username: str) -> NurseSeat | None:
        queues = self._s.queues
        for nurse_id, info in queues.roster.by_id.items():
            if info.get("username") != username:
                continue
            try:
                state = queues.nurse_view(nurse_id)
            except UnknownNurse:  # on the roster but not (yet) known to the engine
                return None
            region = self._s.settings.regions.get(info["region"])
            return NurseSeat(nurse_id=nurse_id, display_name=info["display_name"],
                             region=info["region"],
                             region_name=region.name if region else info["region"],
                             endpoint=info["endpoint"], state=state["state"],
                             since=state["since"], call_id=state["call_id"],
                             pause_reason=state["pause_reason"])
        return None

    async def set_state(self, nurse_id: str, state: str, reason: str | None) -> NurseSeat:
        await self._s.queues.set_nurse_state(nurse_id, state, reason)
        info = self._s.queues.nurse_info(nurse_id) or {}
        seat = self.seat_of(info.get("username") or "")
        assert seat is not None
        return seat

    def call(self, call_id: str) -> LiveCall | None:
        record = self._s.call_log.find(call_id)  # live, or ended a moment ago
        if record is None:
            return None
        live = self._s.flow.calls.get(call_id)
        region = self._s.settings.regions.get(record.region or "")
        municipality = None
        ivr: tuple[str, ...] = ()
        callback = False
        if live is not None:
            municipality = live.municipality
            ivr = tuple(live.ivr_choices)
            callback = live.callback
        facts = CallFacts(
            number=record.caller_number, region=record.region,
            region_name=region.name if region else None,
            region_source=SOURCE_WORDS.get(record.region_source or "", None),
            municipality=municipality or None, queue=record.queue,
            arrived_at=record.arrived_at.isoformat(),
            wait_seconds=record.wait_seconds if record.wait_seconds is not None else (
                (record.answered_at or self._s.clock()) - record.arrived_at).total_seconds(),
            ivr_choices=ivr, callback=callback)
        return LiveCall(call_id=call_id, state=record.state.value, nurse_id=record.nurse_id,
                        facts=facts,
                        ended_at=record.ended_at.isoformat() if record.ended_at else None,
                        end_cause=record.end_cause)

    async def earlier_calls(self, number: str, since: datetime,
                            exclude: str) -> list[dict[str, Any]]:
        c = calls.c
        async with self._s.engine.connect() as conn:
            rows = (await conn.execute(
                select(c.call_id, c.arrived_at, c.state, c.end_cause, c.wait_seconds)
                .where(c.caller_number == number, c.arrived_at >= since, c.call_id != exclude)
                .order_by(c.arrived_at.desc()).limit(5))).all()
        return [{"call_id": r.call_id, "arrived_at": _iso(r.arrived_at), "state": r.state,
                 "end_cause": r.end_cause, "wait_seconds": r.wait_seconds} for r in rows]


class DeskPhones:
    """A nurse's desk phone: answered and hung up on the phone itself, not from here."""

    async def answer(self, endpoint: str) -> bool:
        return False

    async def hang_up(self, endpoint: str) -> bool:
        return False


class GuidelineSupport:
    """:class:`nurse_console.ports.Guidelines` on decision support."""

    def __init__(self, service: GuidelineService) -> None:
        self._service = service

    def search(self, query: str, age_years: float | None, limit: int) -> list[dict[str, Any]]:
        age = Age.of_years(age_years) if age_years is not None else None
        return [{"guideline_id": h.guideline_id, "title": h.title, "version": h.version,
                 "why": list(h.why)}
                for h in self._service.search(query, age=age, limit=limit)]

    async def open(self, guideline_id: str, region: str | None) -> dict[str, Any]:
        g = await self._service.get(guideline_id, region=region)
        config = self._service.config
        names = {u.code: u.name for u in config.urgency_levels}
        care = {c.code: c.name for c in config.care_types}
        return {
            "guideline_id": g.id, "version": g.version, "title": g.title, "summary": g.summary,
            "sample_notice": g.sample_notice,
            "levels": [{"urgency": b.urgency, "urgency_name": names.get(b.urgency, b.urgency),
                        "care_types": [{"code": c, "name": care.get(c, c)} for c in b.care_types],
                        "criteria": [{"id": c.id, "text": c.text} for c in b.criteria]}
                       for b in g.levels],
            "self_care": list(g.self_care), "safety_net": list(g.safety_net),
            "regional_notes": list(g.regional_notes),
        }

    async def assess(self, guideline_id: str, version: str, ticked: Sequence[str],
                     age_years: float | None, sex: str | None, at: datetime,
                     region: str | None) -> dict[str, Any]:
        a = await self._service.assess(
            guideline_id, list(ticked), age=Age.of_years(age_years if age_years is not None
                                                         else 40),
            sex=Sex(sex) if sex else None, at=at, version=version, region=region)
        return {"urgency": a.urgency.code, "care_types": list(a.care_types),
                "decisive": list(a.decisive_criteria)}

    async def record_decision(self, actor: Actor, work: CallWork) -> None:
        from decision_support.ports import Actor as GuidelineActor

        a = work.assessment
        if a is None or work.urgency is None or work.given_care_type is None:
            return
        deviation = GuidelineDeviation(work.deviation.reason_code or "OTHER",
                                       work.deviation.text or "-") \
            if work.deviates and work.deviation else None
        await self._service.record_decision(
            GuidelineActor(actor.username, actor.roles, actor.regions), a.guideline_id,
            list(a.ticked), age=Age.of_years(work.draft.patient_age_years or 40),
            sex=Sex(work.draft.patient_sex) if work.draft.patient_sex else None,
            urgency=work.urgency, care_type=work.given_care_type, deviation=deviation,
            version=a.guideline_version, region=work.facts.region, call_id=work.call_id)


class CatalogReferrals:
    """:class:`nurse_console.ports.Referrals` on the referral catalog."""

    def __init__(self, service: CatalogService, windows: dict[str, timedelta]) -> None:
        self._service = service
        self._windows = windows

    def suggest(self, care_types: Sequence[str], urgency: str | None, at: datetime, *,
                municipality: str | None, region: str | None, age_years: float | None,
                limit: int) -> list[dict[str, Any]]:
        kinds = []
        for code in care_types:
            try:
                kinds.append(CareType(code))
            except ValueError:  # 112, self-care: no unit to refer to
                continue
        if not kinds:
            return []
        within = self._windows.get(urgency or "")
        hits = self._service.suggest(kinds, at, within, municipality=municipality,
                                     region=region, limit=limit,
                                     age=int(age_years) if age_years is not None else None)
        return [{"hsa_id": h.unit.hsa_id, "name": h.unit.name,
                 "care_types": [c.value for c in h.unit.care_types],
                 "care_type_names": [c.label for c in h.unit.care_types],
                 "open": h.open, "distance_km": h.distance_km, "why": list(h.why),
                 "phones": [p.number for p in h.unit.phones]} for h in hits]

    async def unit(self, hsa_id: str) -> dict[str, Any] | None:
        try:
            stored = await self._service.get(hsa_id)
        except UnitNotFound:
            return None
        u = stored.unit
        return {"hsa_id": u.hsa_id, "name": u.name, "care_types": [c.value for c in u.care_types]}


class JournalDrafts:
    """:class:`nurse_console.ports.Journal` on the journal: the work becomes the content
    of the call's entry."""

    def __init__(self, service: JournalService, services: Services) -> None:
        self._service = service
        self._settings = services.settings

    def _actor(self, actor: Actor) -> JournalActor:
        return JournalActor(user_id=actor.username, username=actor.username,
                            roles=actor.roles, regions=actor.regions,
                            care_provider=care_provider_of(self._settings, actor.regions))

    async def open_draft(self, actor: Actor, work: CallWork) -> tuple[str, int]:
        entry = await self._service.create_draft(self._actor(actor), work.call_id,
                                                 content=self.content(work, person=False))
        return entry.entry_id, entry.revision

    async def save(self, actor: Actor, work: CallWork) -> int:
        assert work.journal_entry_id is not None and work.journal_revision is not None
        try:
            entry = await self._service.update_draft(self._actor(actor), work.journal_entry_id,
                                                     self.content(work), work.journal_revision)
        except InvalidIdentityNumber as exc:  # said to the nurse in her words
            raise InvalidChoice(str(exc), {"field": "person_number", "problem": (
                "Identitetsnumret är inte giltigt: kontrollera siffrorna "
                "(ÅÅÅÅMMDD-NNNN).")}) from exc
        return entry.revision

    async def sign(self, actor: Actor, work: CallWork) -> int:
        assert work.journal_entry_id is not None and work.journal_revision is not None
        try:
            entry = await self._service.sign(self._actor(actor), work.journal_entry_id,
                                             work.journal_revision)
        except InvalidEntry as exc:  # the journal's own rules: shown as what is missing
            problems = exc.details.get("problems") or [exc.message]
            raise CannotSign("the journal refused the entry",
                             {"missing": [f"journalen: {p}" for p in problems]}) from exc
        return entry.revision

    async def log_repeat_calls(self, actor: Actor, work: CallWork,
                               call_ids: list[str]) -> None:
        await self._service.log_repeat_calls(self._actor(actor), work.call_id, call_ids,
                                             work.facts.region)

    @staticmethod
    def content(work: CallWork, *, person: bool = True) -> journal_model.EntryContent:
        """The journal entry's content from the call work."""
        d = work.draft
        kind = journal_model.IdentityKind(d.person_kind) if person \
            else journal_model.IdentityKind.UNIDENTIFIED
        return journal_model.EntryContent(
            person=journal_model.Person(
                kind=kind, number=d.person_number or None if person and kind is not
                journal_model.IdentityKind.UNIDENTIFIED else None,
                description=d.person_description),
            caller=journal_model.Caller(relation=journal_model.CallerRelation(d.caller_relation),
                                        phone=work.facts.number),
            contact_reason=journal_model.ContactReason(work.contact_reason)
            if work.contact_reason else None,
            notes=journal_model.PhaseNotes(
                listen_summary=d.listen_summary, assessment=d.assessment, action=d.action,
                advice_given=d.advice_given, hypotheses=d.hypotheses,
                third_party=d.third_party),
            guidelines=tuple(journal_model.GuidelineUse(g.guideline_id, g.version)
                             for g in work.guidelines),
            recommended_care_type=work.recommended_care_type,
            urgency=work.urgency,
            referral=journal_model.Referral(work.referral.hsa_id, work.referral.unit_name,
                                            work.referral.care_type)
            if work.referral else None,
            self_care=work.self_care,
            deviation=journal_model.Deviation(work.deviation.reason_code,
                                              work.deviation.text)
            if work.deviation and work.deviation.reason_code else None)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


class RosterNurses:
    """:class:`nurse_console.bulletins.Roster` on the queue service's roster."""

    def __init__(self, services: Services) -> None:
        self._s = services

    def region_of(self, username: str) -> str | None:
        for info in self._s.queues.roster.all():
            if info.get("username") == username:
                return str(info["region"])
        return None

    def nurses(self) -> list[tuple[str, str, str]]:
        return sorted((str(i["username"]), str(i["display_name"]), str(i["region"]))
                      for i in self._s.queues.roster.all() if i.get("username"))


class GuidelineChangeFeed:
    """:class:`nurse_console.briefing.GuidelineChanges` on decision support's "changes
    since" feed."""

    def __init__(self, service: GuidelineService) -> None:
        self._service = service

    async def changed_since(self, since: datetime) -> list[dict[str, Any]]:
        return [dict(c) for c in await self._service.changed_since(since)]


class CoachPresence:
    """The console's :class:`~nurse_console.ports.Coaching` on the coaching service."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def coach_on(self, call_id: str) -> dict[str, str] | None:
        coaching = self._services.coaching
        return coaching.coach_on(call_id) if coaching is not None else None

    async def notes(self, nurse_username: str) -> list[dict[str, Any]]:
        coaching = self._services.coaching
        if coaching is None:
            return []
        return [{"call_id": n.call_id, "coach_name": n.coach_name, "text": n.text,
                 "at": n.at.isoformat()} for n in await coaching.notes_for(nurse_username)]
