"""The console service: a nurse's shift, call by call, held on the server.

The web view and the terminal call these use cases through one API, so a call begun in
one is finished in the other. :meth:`ConsoleService.view` first brings the nurse's work
up to date with the queue engine and the call log; every change is stored; the other
contexts are reached only through :mod:`nurse_console.ports`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import datetime, timedelta
from typing import Any

from nurse_console import model
from nurse_console.briefing import ShiftBriefing
from nurse_console.bulletins import BulletinService
from nurse_console.drafting import draft_from, missing_for_signing, municipality, required
from nurse_console.errors import (
    CannotAnswerHere,
    CannotSign,
    DraftConflict,
    InvalidChoice,
    NoCallWork,
    NotOnRoster,
)
from nurse_console.keeper import WorkKeeper
from nurse_console.model import (
    PHASES,
    CallWork,
    Deviation,
    GuidelineOpened,
    Phase,
    Referral,
    WorkStatus,
)
from nurse_console.ports import (
    Actor,
    Coaching,
    Codes,
    Desk,
    Guidelines,
    Journal,
    NoCoaching,
    NurseSeat,
    Phone,
    Referrals,
)
from nurse_console.repeat_calls import RepeatCallsSeen
from nurse_console.sql import WorkStore
from nurse_console.statistics import phase_statistics

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


class ConsoleService:
    """The nurse console's use cases (see the module docstring).

    ``repeat_window`` is how far back an earlier call from the same number or about
    the same person counts as a repeat call (default 72 hours); ``on_change`` is told
    whenever a nurse's work changed, so pushes go out at once."""

    def __init__(self, store: WorkStore, desk: Desk, phone: Phone, guidelines: Guidelines,
                 referrals: Referrals, journal: Journal, codes: Codes, clock: Clock, *,
                 repeat_window: timedelta = timedelta(hours=72),
                 on_change: Callable[[], None] | None = None,
                 bulletins: BulletinService | None = None,
                 briefing: ShiftBriefing | None = None,
                 coaching: Coaching | None = None) -> None:
        self._store = store
        self.bulletins = bulletins
        """The information area's bulletins (None: the console runs without them)."""
        self.briefing = briefing
        """The shift briefing (None: the console runs without it)."""
        self._desk = desk
        self._phone = phone
        self._guidelines = guidelines
        self._referrals = referrals
        self._journal = journal
        self.codes = codes
        self._clock = clock
        self._repeats = RepeatCallsSeen(store, desk, repeat_window)
        self._on_change = on_change or (lambda: None)
        self._coaching = coaching or NoCoaching()
        self._keep = WorkKeeper(store, desk, journal, clock, self._on_change)
        self._unsigned_seen: dict[str, tuple[Any, list[dict[str, Any]]]] = {}
        self._repeats_logged: dict[tuple[str, str], list[str]] = {}

    # -- the view --------------------------------------------------------------------

    async def view(self, actor: Actor) -> dict[str, Any]:
        """What the console shows the nurse now: her seat, the call work with its phase
        times and nudges, and earlier calls from the same number or person."""
        async with self._keep.lock(actor):
            seat, work = await self._keep.synced(actor)
        now = self._clock()
        out: dict[str, Any] = {
            "server_time": now.isoformat(),
            "nurse": asdict(seat),
            "work": None,
        }
        if work is not None:
            out["work"] = {**model.to_plain(work),
                           "phase_durations": model.phase_durations(work, now),
                           "recommended_care_type": work.recommended_care_type,
                           "given_care_type": work.given_care_type,
                           "deviates": work.deviates,
                           "nudges": [asdict(n) for n in model.nudges(work)],
                           "repeat_calls": await self._shown_repeats(actor, work, now)}
        out["unsigned"] = await self._unsigned(actor, work)
        out["bulletins"] = (await self.bulletins.unread(actor, seat.region)
                            if self.bulletins is not None else [])
        out["briefing"] = (await self.briefing.briefing(actor)
                           if self.briefing is not None else None)
        out["coach"] = self._coaching.coach_on(work.call_id) if work is not None else None
        out["coaching_notes"] = await self._coaching.notes(actor.username)
        return out

    async def _shown_repeats(self, actor: Actor, work: CallWork, now: datetime
                             ) -> list[dict[str, Any]]:
        """The repeat calls, logged for the auditors the first time each set is shown."""
        found = await self._repeats.of(work, now)
        ids = [c["call_id"] for c in found]
        key = (actor.username, work.call_id)
        if ids and self._repeats_logged.get(key) != ids:
            await self._journal.log_repeat_calls(actor, work, ids)
            self._repeats_logged[key] = ids
        return found

    async def _unsigned(self, actor: Actor, work: CallWork | None) -> list[dict[str, Any]]:
        """The nurse's other unsigned notes; read again only when her work changed (only
        she changes her notes), not on every push."""
        key = self._keep.generation.get(actor.username, 0)
        cached = self._unsigned_seen.get(actor.username)
        if cached is not None and cached[0] == key:
            return cached[1]
        found = [{"call_id": w.call_id, "offered_at": w.offered_at, "number": w.facts.number,
                  "summary": w.draft.listen_summary[:80]}
                 for w in await self._store.unsigned(actor.username,
                                                     exclude=work.call_id if work else None)]
        self._unsigned_seen[actor.username] = (key, found)
        return found

    def mark(self, actor: Actor) -> tuple[Any, ...]:
        """A cheap fingerprint of what the nurse's view depends on (her seat, her call's
        state, her works' changes): when it has not moved, the view has not either."""
        seat = self._desk.seat_of(actor.username)
        if seat is None:
            return (None,)
        call = self._desk.call(seat.call_id) if seat.call_id else None
        return (seat, call and (call.state, call.end_cause),
                self._keep.generation.get(actor.username, 0),
                self.bulletins.generation if self.bulletins is not None else 0,
                self.briefing.generation if self.briefing is not None else 0)

    def seat(self, actor: Actor) -> NurseSeat:
        """The nurse's seat (403 for a login that is not a nurse on the roster)."""
        return self._keep.seat(actor)

    # -- the nurse's state -----------------------------------------------------------

    async def set_state(self, actor: Actor, state: str, reason: str | None = None
                        ) -> dict[str, Any]:
        """Ready, paused with a configured reason, or logged out. Going ready or paused
        after a call ends its wrap-up and closes the call's work."""
        if state not in ("ready", "paused", "logged_out"):
            raise InvalidChoice("state must be ready, paused or logged_out", {"field": "state"})
        if state == "paused" and reason not in self.codes.pause_reasons:
            raise InvalidChoice("choose one of the configured pause reasons",
                                {"field": "reason", "value": reason,
                                 "allowed": sorted(self.codes.pause_reasons)})
        async with self._keep.lock(actor):
            seat, work = await self._keep.synced(actor)
            if work is not None and work.status is WorkStatus.CALLER_GONE:
                await self._keep.put(work, model.closed(work, self._clock()))
            await self._desk.set_state(seat.nurse_id, state,
                                       reason if state == "paused" else None)
        self._on_change()
        return await self.view(actor)

    async def answer(self, actor: Actor) -> dict[str, Any]:
        """Answer the offered call on the nurse's phone (``Svara``)."""
        seat = self.seat(actor)
        if seat.state != "offered":
            raise NoCallWork("no call is ringing for you", {"state": seat.state})
        if not await self._phone.answer(seat.endpoint):
            raise CannotAnswerHere("answer the call on your phone",
                                   {"endpoint": seat.endpoint})
        return await self.view(actor)

    async def hang_up(self, actor: Actor) -> dict[str, Any]:
        """End the call from the console (``Lägg på``) where the phone allows it."""
        seat = self.seat(actor)
        if seat.state != "on_call":
            raise NoCallWork("you are not on a call", {"state": seat.state})
        if not await self._phone.hang_up(seat.endpoint):
            raise CannotAnswerHere("end the call on your phone", {"endpoint": seat.endpoint})
        return await self.view(actor)

    async def resume(self, actor: Actor, call_id: str) -> dict[str, Any]:
        """Go back to an earlier call's unsigned note of this nurse (none of another's)."""
        await self._keep.resume(actor, call_id)
        return await self.view(actor)

    # -- the call's work -------------------------------------------------------------

    async def move_to_phase(self, actor: Actor, phase: str) -> dict[str, Any]:
        """Go to another phase of the call process."""
        try:
            target = Phase(phase)
        except ValueError:
            raise InvalidChoice("unknown phase", {"field": "phase", "value": phase,
                                                 "allowed": [p.value for p in PHASES]}) from None
        await self._keep.change(actor, lambda w: model.move_to_phase(w, target, self._clock())
                           if w.status is WorkStatus.ON_CALL else replace(w, phase=target,
                                                                          revision=w.revision + 1))
        return await self.view(actor)

    def search(self, actor: Actor, query: str, age_years: float | None = None,
               limit: int = 10) -> list[dict[str, Any]]:
        """Guidelines for the nurse's search, each with why it matched."""
        return self._guidelines.search(query, age_years, limit)

    async def open_guideline(self, actor: Actor, guideline_id: str) -> dict[str, Any]:
        """The guideline for the call's region; it is recorded as used, with its version."""
        work = await self._keep.current(actor)
        guideline = await self._guidelines.open(guideline_id, work.facts.region)
        opened = GuidelineOpened(guideline["guideline_id"], guideline["version"],
                                 guideline["title"], self._clock().isoformat())
        await self._keep.change(actor, lambda w: model.opened_guideline(w, opened))
        return guideline

    async def tick(self, actor: Actor, guideline_id: str, ticked: list[str]
                   ) -> dict[str, Any]:
        """Tick criteria of an opened guideline: the urgency and care types follow."""
        work = await self._keep.current(actor)
        used = [g for g in work.guidelines if g.guideline_id == guideline_id]
        if not used:
            raise InvalidChoice("open the guideline before ticking its criteria",
                                {"field": "guideline_id", "value": guideline_id})
        result = await self._guidelines.assess(
            guideline_id, used[-1].version, ticked, work.draft.patient_age_years,
            work.draft.patient_sex, self._clock(), work.facts.region)
        assessment = model.Assessment(guideline_id, used[-1].version, result["urgency"],
                                      tuple(result["care_types"]),
                                      tuple(result.get("decisive", ())), tuple(ticked))
        await self._keep.change(actor, lambda w: model.assessed(w, assessment))
        return await self.view(actor)

    async def decide(self, actor: Actor, *, urgency: str | None, care_type: str | None,
                     deviation_reason: str | None, deviation_text: str = "") -> dict[str, Any]:
        """The nurse's own urgency and care type, and why she deviates (coded)."""
        codes = self.codes
        for name, value, allowed in (("urgency", urgency, codes.urgencies),
                                     ("care_type", care_type, codes.care_types),
                                     ("deviation_reason", deviation_reason,
                                      codes.deviation_reasons)):
            if value is not None and value not in allowed:
                raise InvalidChoice(f"{name} is not one of the configured codes",
                                    {"field": name, "value": value, "allowed": sorted(allowed)})
        deviation = Deviation(deviation_reason, deviation_text.strip()) \
            if deviation_reason or deviation_text.strip() else None
        await self._keep.change(actor, lambda w: model.decided(
            w, urgency=urgency, care_type=care_type, deviation=deviation))
        return await self.view(actor)

    async def suggestions(self, actor: Actor, limit: int = 8) -> list[dict[str, Any]]:
        """Units for the work's care type within its urgency's window, open and near."""
        work = await self._keep.current(actor)
        care_types = [work.care_type] if work.care_type else list(
            work.assessment.care_types if work.assessment else ())
        care_types = [c for c in care_types if c != model.SELF_CARE]
        if not care_types:
            return []
        return self._referrals.suggest(
            care_types, work.urgency, self._clock(), municipality=municipality(work),
            region=work.facts.region, age_years=work.draft.patient_age_years, limit=limit)

    async def refer(self, actor: Actor, hsa_id: str | None, *, self_care: bool = False
                    ) -> dict[str, Any]:
        """Refer to the unit ``hsa_id``, or give self-care advice, or undo both."""
        referral = None
        if hsa_id is not None:
            unit = await self._referrals.unit(hsa_id)
            if unit is None:
                raise InvalidChoice("no care unit with that HSA-id",
                                    {"field": "hsa_id", "value": hsa_id})
            work = await self._keep.current(actor)
            wanted = work.care_type if work.care_type in unit["care_types"] else None
            referral = Referral(unit["hsa_id"], unit["name"], wanted or unit["care_types"][0])
        await self._keep.change(actor, lambda w: model.referred(w, referral, self_care=self_care))
        return await self.view(actor)

    async def save_draft(self, actor: Actor, based_on: int, fields: dict[str, Any], *,
                         safety_net_given: bool | None = None) -> dict[str, Any]:
        """Save the nurse's text (autosave). ``based_on`` is the draft revision the text
        was written on; if the draft was saved elsewhere since, nothing is overwritten and
        :class:`DraftConflict` carries the stored draft."""
        async with self._keep.lock(actor):
            _, work = await self._keep.synced(actor)
            work = required(work)
            draft = draft_from(work.draft, fields)
            if based_on != work.draft_revision:
                raise DraftConflict("the draft was changed elsewhere since you read it",
                                    {"draft_revision": work.draft_revision,
                                     "draft": asdict(work.draft)})
            if work.signed:
                raise CannotSign("the entry is signed and cannot change",
                                 {"missing": [], "signed_at": work.signed_at})
            work = await self._keep.put(work, model.drafted(work, draft,
                                                       safety_net_given=safety_net_given))
            await self._keep.push_to_journal(actor, work)
        self._on_change()
        return await self.view(actor)

    async def set_contact_reason(self, actor: Actor, code: str | None) -> dict[str, Any]:
        """The call's contact reason (kontaktorsak), a configured code."""
        if code is not None and code not in self.codes.contact_reasons:
            raise InvalidChoice("contact_reason is not one of the configured codes",
                                {"field": "contact_reason", "value": code,
                                 "allowed": sorted(self.codes.contact_reasons)})
        await self._keep.change(actor, lambda w: model.with_contact_reason(w, code))
        return await self.view(actor)

    async def sign(self, actor: Actor) -> dict[str, Any]:
        """Sign the journal entry; a sign with missing parts lists them (in Swedish)."""
        async with self._keep.lock(actor):
            _, work = await self._keep.synced(actor)
            work = required(work)
            missing = missing_for_signing(work)
            if missing:
                raise CannotSign("the entry cannot be signed yet", {"missing": missing})
            if work.journal_entry_id is None:
                work = await self._keep.open_journal(actor, work)
                if work.journal_entry_id is None:
                    raise CannotSign("the journal cannot be reached; try again",
                                     {"missing": ["journalen svarar inte just nu"]})
            try:
                await self._keep.push_to_journal(actor, work, strict=True)
            except InvalidChoice as exc:  # e.g. an identity number that does not validate
                raise CannotSign("the journal refused the entry", {
                    "missing": [exc.details.get("problem") or exc.message]}) from exc
            work = required((await self._keep.synced(actor))[1])
            revision = await self._journal.sign(actor, work)
            work = await self._keep.put(work, model.signed(work, self._clock(), revision))
            try:
                if work.assessment is not None:
                    await self._guidelines.record_decision(actor, work)
            except Exception:  # statistics only: the signed entry stands
                log.exception("could not record the decision of call %s", work.call_id)
        self._on_change()
        return await self.view(actor)

    async def phase_statistics(self, actor: Actor, start: datetime, end: datetime
                               ) -> dict[str, Any]:
        """Average time per phase of the calls closed in ``[start, end)`` (supervisors)."""
        if not actor.has_role("supervisor"):
            raise NotOnRoster("phase statistics are for supervisors", {"role": "supervisor"})
        return await phase_statistics(self._store, start, end)

    async def phases_now(self, actor: Actor, usernames: list[str]) -> dict[str, dict[str, Any]]:
        """For supervisors' wallboard: the phase each of these nurses is in on her current
        call, since when and its name (nurses without an open call are left out)."""
        if not actor.has_role("supervisor", "staffing_system", "region_admin"):
            raise NotOnRoster("the nurses' phases are for supervisors", {"role": "supervisor"})
        out: dict[str, dict[str, Any]] = {}
        for username in usernames:
            work = await self._keep.load(username)
            if work is not None and work.status in (WorkStatus.ON_CALL, WorkStatus.CALLER_GONE):
                out[username] = {"phase": work.phase.value, "phase_name": work.phase.label,
                                 "phase_since": work.phase_since}
        return out
