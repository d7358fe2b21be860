"""The nurse's call work (samtalsarbete): pure, stdlib only, no I/O, no clock reads.

One :class:`CallWork` holds everything a nurse does on one call, from the offer to
the closed wrap-up: the call's facts as they were before hello, the phase of the
shared call process (samtalsprocessen) and the time spent in each, the guidelines
opened (with their versions), the criteria ticked and the urgency and care type
that follow, a deviation with its coded reason, the referral or self-care advice,
the journal draft, and the wrap-up with its contact reason. It is held on the
server, so a reload, a second browser or the terminal continue the same call.

:func:`nudges` tells the nurse what the process expects and is missing; it never
blocks anything.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime
from enum import StrEnum
from typing import Any


class Phase(StrEnum):
    """The five phases of the call process, in order."""

    OPEN = "oppna"  #: Öppna
    LISTEN = "lyssna"  #: Lyssna: sammanfatta, huvudsymtom
    ASSESS = "bedoma"  #: Analysera/Bedöma
    ACTION = "atgard"  #: Motivera/Åtgärd
    CLOSE = "avsluta"  #: Avsluta: säkerhetsnät, när ringa igen

    @property
    def label(self) -> str:
        """The phase's Swedish name as the nurse reads it."""
        return PHASE_LABELS[self]


PHASE_LABELS = {Phase.OPEN: "Öppna", Phase.LISTEN: "Lyssna", Phase.ASSESS: "Analysera/Bedöma",
                Phase.ACTION: "Motivera/Åtgärd", Phase.CLOSE: "Avsluta"}
PHASES = tuple(Phase)


class WorkStatus(StrEnum):
    """Where the call work stands."""

    OFFERED = "offered"  #: ringer: the call is offered to the nurse
    ON_CALL = "on_call"  #: i samtal
    CALLER_GONE = "caller_gone"  #: the call has ended; documenting goes on
    CLOSED = "closed"  #: wrap-up done; the work is history


@dataclass(frozen=True)
class CallFacts:
    """What is known about the call before hello (shown in the offer banner).

    ``region_source`` says how the region was decided (municipality from the network,
    area code, an IVR choice, abroad, relay); ``ivr_choices`` the keys the caller
    pressed; ``identity`` a personnummer the caller keyed in, if any."""

    number: str | None = None
    region: str | None = None
    region_name: str | None = None
    region_source: str | None = None
    municipality: str | None = None
    queue: str | None = None
    arrived_at: str | None = None
    wait_seconds: float | None = None
    ivr_choices: tuple[str, ...] = ()
    callback: bool = False
    identity: str | None = None


@dataclass(frozen=True)
class Draft:
    """The journal draft as the nurse writes it, phase by phase, and who the call concerns.

    ``person_kind`` is ``personnummer``, ``samordningsnummer``, ``reservnummer`` or
    ``unidentified``; ``caller_relation`` ``patient``, ``parent_or_guardian`` or
    ``other``."""

    listen_summary: str = ""
    assessment: str = ""
    action: str = ""
    advice_given: str = ""
    hypotheses: str = ""
    third_party: str = ""
    person_kind: str = "unidentified"
    person_number: str = ""
    person_description: str = ""
    caller_relation: str = "patient"
    patient_age_years: float | None = None
    patient_sex: str | None = None


DRAFT_FIELDS = tuple(f.name for f in fields(Draft))


@dataclass(frozen=True)
class GuidelineOpened:
    """A guideline the nurse opened during the call, with the version she read."""

    guideline_id: str
    version: str
    title: str
    opened_at: str


@dataclass(frozen=True)
class Assessment:
    """What the ticked criteria of the guideline in use give: urgency and care types."""

    guideline_id: str
    guideline_version: str
    urgency: str
    care_types: tuple[str, ...]
    decisive: tuple[str, ...] = ()
    ticked: tuple[str, ...] = ()


@dataclass(frozen=True)
class Referral:
    """The unit the nurse referred to (a snapshot of its name and care type)."""

    hsa_id: str
    unit_name: str
    care_type: str


@dataclass(frozen=True)
class Deviation:
    """Why the nurse's choice differs from the guideline's recommendation."""

    reason_code: str | None
    text: str = ""


@dataclass(frozen=True)
class CallWork:
    """Everything one nurse does on one call (see the module docstring).

    ``revision`` grows with every change, so a stale client (another tab, the
    terminal) is told of a conflict instead of overwriting newer text. Times are ISO
    strings in UTC; ``phase_seconds`` are the seconds spent in each finished stretch
    of a phase (the running stretch is counted from ``phase_since``)."""

    call_id: str
    username: str
    nurse_id: str
    status: WorkStatus
    offered_at: str
    facts: CallFacts = field(default_factory=CallFacts)
    revision: int = 1
    answered_at: str | None = None
    caller_gone_at: str | None = None
    end_cause: str | None = None
    phase: Phase = Phase.OPEN
    phase_since: str | None = None
    phase_seconds: dict[str, float] = field(default_factory=dict)
    guidelines: tuple[GuidelineOpened, ...] = ()
    assessment: Assessment | None = None
    urgency: str | None = None
    care_type: str | None = None
    deviation: Deviation | None = None
    referral: Referral | None = None
    self_care: bool = False
    safety_net_given: bool = False
    draft: Draft = field(default_factory=Draft)
    draft_revision: int = 0
    journal_entry_id: str | None = None
    journal_revision: int | None = None
    journal_problem: str | None = None
    """Why the journal did not take the last autosave (Swedish), until one goes in."""
    signed_at: str | None = None
    contact_reason: str | None = None
    wrap_up_started_at: str | None = None
    closed_at: str | None = None

    # -- derived ---------------------------------------------------------------------

    @property
    def recommended_care_type(self) -> str | None:
        """The guideline's first recommended care type for the assessed urgency."""
        a = self.assessment
        return a.care_types[0] if a is not None and a.care_types else None

    @property
    def given_care_type(self) -> str | None:
        """The care type the nurse gave: self-care or the referred unit's, else her choice."""
        if self.self_care:
            return SELF_CARE
        if self.referral is not None:
            return self.referral.care_type
        return self.care_type

    @property
    def deviates(self) -> bool:
        """True when what the nurse gave is not among the guideline's recommendations."""
        a = self.assessment
        given = self.given_care_type
        if a is None or given is None:
            return False
        urgency_differs = self.urgency is not None and self.urgency != a.urgency
        return urgency_differs or given not in a.care_types

    @property
    def signed(self) -> bool:
        return self.signed_at is not None


SELF_CARE = "EGENVARD"
"""The care-type code of self-care advice (egenvård), as decision support configures it."""


# -- changes (each returns a new CallWork with the next revision) ---------------------


def _next(work: CallWork, **changes: Any) -> CallWork:
    return replace(work, revision=work.revision + 1, **changes)


def _seconds_between(start: str | None, end: datetime) -> float:
    if start is None:
        return 0.0
    return max(0.0, (end - datetime.fromisoformat(start)).total_seconds())


def answered(work: CallWork, at: datetime) -> CallWork:
    """The nurse is connected with the caller: Öppna starts now."""
    if work.status is not WorkStatus.OFFERED:
        return work
    return _next(work, status=WorkStatus.ON_CALL, answered_at=at.isoformat(),
                 phase=Phase.OPEN, phase_since=at.isoformat())


def caller_gone(work: CallWork, at: datetime, cause: str | None) -> CallWork:
    """The call ended (either side hung up): the draft stays open for signing."""
    if work.status not in (WorkStatus.ON_CALL, WorkStatus.OFFERED):
        return work
    return _next(work, status=WorkStatus.CALLER_GONE, caller_gone_at=at.isoformat(),
                 end_cause=cause, wrap_up_started_at=at.isoformat())


def move_to_phase(work: CallWork, phase: Phase, at: datetime) -> CallWork:
    """Go to ``phase`` (any order: the process guides, it does not lock); the time of
    the phase being left is added to its total."""
    if phase is work.phase:
        return work
    seconds = dict(work.phase_seconds)
    seconds[work.phase.value] = round(
        seconds.get(work.phase.value, 0.0) + _seconds_between(work.phase_since, at), 3)
    return _next(work, phase=phase, phase_since=at.isoformat(), phase_seconds=seconds)


def phase_durations(work: CallWork, at: datetime) -> dict[str, float]:
    """Seconds spent in each phase until ``at`` (the running phase included while the call
    is on; once the caller is gone the clock of the phase stops)."""
    seconds = {p.value: work.phase_seconds.get(p.value, 0.0) for p in PHASES}
    if work.status is WorkStatus.ON_CALL:
        seconds[work.phase.value] += _seconds_between(work.phase_since, at)
    elif work.status is WorkStatus.CALLER_GONE and work.caller_gone_at is not None:
        seconds[work.phase.value] += _seconds_between(
            work.phase_since, datetime.fromisoformat(work.caller_gone_at))
    return {k: round(v, 1) for k, v in seconds.items()}


def opened_guideline(work: CallWork, opened: GuidelineOpened) -> CallWork:
    """A guideline was opened (kept once per id and version, in the order first opened)."""
    if any(g.guideline_id == opened.guideline_id and g.version == opened.version
           for g in work.guidelines):
        return work
    return _next(work, guidelines=(*work.guidelines, opened))


def assessed(work: CallWork, assessment: Assessment) -> CallWork:
    """Criteria were ticked: the urgency and care type follow the guideline unless the
    nurse has chosen otherwise."""
    return _next(work, assessment=assessment, urgency=assessment.urgency,
                 care_type=assessment.care_types[0] if assessment.care_types else None)


def decided(work: CallWork, *, urgency: str | None, care_type: str | None,
            deviation: Deviation | None) -> CallWork:
    """The nurse's own urgency, care type and deviation reason."""
    return _next(work, urgency=urgency, care_type=care_type, deviation=deviation)


def referred(work: CallWork, referral: Referral | None, *, self_care: bool) -> CallWork:
    """A referral to a unit, or self-care advice (egenvård), or neither."""
    return _next(work, referral=referral, self_care=self_care and referral is None)


def drafted(work: CallWork, draft: Draft, *, safety_net_given: bool | None = None) -> CallWork:
    """The nurse's text was saved."""
    return _next(work, draft=draft, draft_revision=work.draft_revision + 1,
                 safety_net_given=work.safety_net_given
                 if safety_net_given is None else safety_net_given)


def journal_saved(work: CallWork, entry_id: str, revision: int) -> CallWork:
    """The journal holds this draft at ``revision`` (no change the nurse sees)."""
    return replace(work, journal_entry_id=entry_id, journal_revision=revision,
                   journal_problem=None)


def signed(work: CallWork, at: datetime, revision: int) -> CallWork:
    return _next(work, signed_at=at.isoformat(), journal_revision=revision)


def with_contact_reason(work: CallWork, code: str | None) -> CallWork:
    return _next(work, contact_reason=code)


def closed(work: CallWork, at: datetime) -> CallWork:
    """Wrap-up is done: the work becomes history (its phase times are final)."""
    if work.status is WorkStatus.CLOSED:
        return work
    return _next(work, status=WorkStatus.CLOSED, closed_at=at.isoformat(), phase_since=None,
                 phase_seconds=phase_durations(work, at))


# -- nudges -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Nudge:
    """Something the process expects that is missing (a hint, never a block)."""

    code: str
    text: str


def nudges(work: CallWork) -> list[Nudge]:
    """What to remind the nurse of now (in the order of the call process)."""
    out: list[Nudge] = []
    past_listen = PHASES.index(work.phase) > PHASES.index(Phase.LISTEN) \
        or work.status is not WorkStatus.ON_CALL
    if work.status is WorkStatus.OFFERED:
        return out
    if past_listen and not work.draft.listen_summary.strip():
        out.append(Nudge("no_listen_summary",
                         "Ingen sammanfattning skriven i Lyssna: sammanfatta och bekräfta "
                         "huvudsymtomet med den som ringer."))
    if work.urgency is not None and not work.guidelines:
        out.append(Nudge("urgency_without_guideline",
                         "Brådskandegrad vald utan att något beslutsstöd har öppnats."))
    if work.deviates and (work.deviation is None or not work.deviation.reason_code):
        out.append(Nudge("deviation_without_reason",
                         "Åtgärden avviker från beslutsstödets rekommendation: ange en orsak."))
    if work.phase is Phase.CLOSE and not (work.safety_net_given
                                          or work.draft.advice_given.strip()):
        out.append(Nudge("no_safety_net",
                         "Inga råd om när man ska ringa igen (säkerhetsnät) givna före Avsluta."))
    if work.status is WorkStatus.CALLER_GONE and not work.signed:
        out.append(Nudge("unsigned_after_call",
                         "Samtalet är avslutat men journalanteckningen är inte signerad."))
    return out


# -- storage form -----------------------------------------------------------------------


def to_plain(work: CallWork) -> dict[str, Any]:
    """The work as JSON-ready plain data (what is stored and what the API sends)."""
    return asdict(work)


def from_plain(data: dict[str, Any]) -> CallWork:
    """The work back from :func:`to_plain`'s form."""
    d = dict(data)
    d["status"] = WorkStatus(d["status"])
    d["phase"] = Phase(d["phase"])
    d["facts"] = CallFacts(**{**d.get("facts", {}),
                              "ivr_choices": tuple(d.get("facts", {}).get("ivr_choices", ()))})
    d["draft"] = Draft(**d.get("draft", {}))
    d["guidelines"] = tuple(GuidelineOpened(**g) for g in d.get("guidelines", ()))
    a = d.get("assessment")
    d["assessment"] = None if a is None else Assessment(
        **{**a, "care_types": tuple(a["care_types"]), "decisive": tuple(a.get("decisive", ())),
           "ticked": tuple(a.get("ticked", ()))})
    d["deviation"] = None if d.get("deviation") is None else Deviation(**d["deviation"])
    d["referral"] = None if d.get("referral") is None else Referral(**d["referral"])
    return CallWork(**d)
