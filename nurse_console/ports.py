"""What the console needs from the other contexts, adapted by the composition root.

The console never imports the queue engine, the call log, decision support, the
catalog or the journal: it sees them through these ports, in plain data, so the
same service runs under the web view and the terminal and can be tested with fakes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from nurse_console.model import CallFacts, CallWork

ALL_REGIONS = "*"


@dataclass(frozen=True)
class Actor:
    """The logged-in user working the console (a nurse, for every change)."""

    username: str
    display_name: str = ""
    roles: frozenset[str] = field(default_factory=frozenset)
    regions: frozenset[str] = field(default_factory=frozenset)

    def has_role(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)


@dataclass(frozen=True)
class NurseSeat:
    """The roster's nurse linked to a login, and her state in the queue engine.

    ``state`` is ``logged_out``, ``ready``, ``offered``, ``on_call``, ``wrap_up`` or
    ``paused``; ``call_id`` the call she is offered or talking on; ``since`` when the
    state began (ISO, UTC)."""

    nurse_id: str
    display_name: str
    region: str
    region_name: str
    endpoint: str
    state: str
    since: str | None = None
    call_id: str | None = None
    pause_reason: str | None = None


@dataclass(frozen=True)
class LiveCall:
    """A call as the call log has it: its state (``offered``, ``connected``, ``ended``, …),
    the nurse it is with, and the facts for the offer banner."""

    call_id: str
    state: str
    nurse_id: str | None
    facts: CallFacts
    ended_at: str | None = None
    end_cause: str | None = None


class Desk(Protocol):
    """The queue engine and the call log, as the console sees them."""

    def seat_of(self, username: str) -> NurseSeat | None:
        """The nurse linked to ``username``, with her current state (None: not on the
        roster)."""
        ...

    async def set_state(self, nurse_id: str, state: str, reason: str | None) -> NurseSeat:
        """Ready, paused with a reason, or logged out (refused transitions raise)."""
        ...

    def call(self, call_id: str) -> LiveCall | None:
        """The call as the call log has it now (live or recently ended)."""
        ...

    async def earlier_calls(self, number: str, since: datetime,
                            exclude: str) -> list[dict[str, Any]]:
        """Calls from ``number`` since ``since`` (not ``exclude``): ``call_id``,
        ``arrived_at``, ``state``, ``end_cause``, ``wait_seconds``."""
        ...


class Coaching(Protocol):
    """Call coaching as the nurse sees it: whether a coach (samtalshandledare) is on her
    call now, and the notes coaches wrote her afterwards."""

    def coach_on(self, call_id: str) -> dict[str, str] | None:
        """``{"name", "mode"}`` (mode: listen, whisper, barge) of the coach on the call."""
        ...

    async def notes(self, nurse_username: str) -> list[dict[str, Any]]:
        """Her newest coaching notes (``call_id``, ``coach_name``, ``text``, ``at``)."""
        ...


class NoCoaching:
    """No coaching wired (tests of the console alone)."""

    def coach_on(self, call_id: str) -> dict[str, str] | None:
        return None

    async def notes(self, nurse_username: str) -> list[dict[str, Any]]:
        return []


class Phone(Protocol):
    """The nurse's phone, where the service can work it (the demo's simulated phones, a
    browser phone); a desk phone is answered by lifting the receiver."""

    async def answer(self, endpoint: str) -> bool:
        """Answer the ringing call; False when the phone cannot be answered from here."""
        ...

    async def hang_up(self, endpoint: str) -> bool:
        """End the call on the phone; False when that cannot be done from here."""
        ...


class Guidelines(Protocol):
    """Decision support (beslutsstöd)."""

    def search(self, query: str, age_years: float | None, limit: int) -> list[dict[str, Any]]:
        """Current guidelines matching ``query``: ``guideline_id``, ``title``, ``version``,
        ``why`` (list of Swedish reasons)."""
        ...

    async def open(self, guideline_id: str, region: str | None) -> dict[str, Any]:
        """The current guideline for ``region``: ``guideline_id``, ``version``, ``title``,
        ``levels`` (``urgency``, ``urgency_name``, ``care_types``, ``criteria`` with ``id``
        and ``text``), ``self_care``, ``safety_net``, ``sample_notice``."""
        ...

    async def assess(self, guideline_id: str, version: str, ticked: Sequence[str],
                     age_years: float | None, sex: str | None, at: datetime,
                     region: str | None) -> dict[str, Any]:
        """``urgency``, ``care_types``, ``decisive`` for the ticked criteria."""
        ...

    async def record_decision(self, actor: Actor, work: CallWork) -> None:
        """Store the nurse's decision for the deviation statistics of the guideline."""
        ...


class Referrals(Protocol):
    """The referral catalog (hänvisningskatalog)."""

    def suggest(self, care_types: Sequence[str], urgency: str | None, at: datetime, *,
                municipality: str | None, region: str | None, age_years: float | None,
                limit: int) -> list[dict[str, Any]]:
        """Units for the care types within the urgency's time window, best first:
        ``hsa_id``, ``name``, ``care_type``, ``why`` (Swedish reasons)."""
        ...

    async def unit(self, hsa_id: str) -> dict[str, Any] | None:
        """``hsa_id``, ``name``, ``care_types`` of one unit (None: unknown)."""
        ...


class Journal(Protocol):
    """The journal: the console's draft is the call's journal entry."""

    async def open_draft(self, actor: Actor, work: CallWork) -> tuple[str, int]:
        """Open (or find) the draft entry of the call: its id and revision."""
        ...

    async def save(self, actor: Actor, work: CallWork) -> int:
        """Write the work's content into its draft; the new revision."""
        ...

    async def sign(self, actor: Actor, work: CallWork) -> int:
        """Sign the draft (raises listing what is missing); the signed revision."""
        ...

    async def log_repeat_calls(self, actor: Actor, work: CallWork,
                               call_ids: list[str]) -> None:
        """Log (for the auditors) that the nurse was shown these earlier calls' outcomes."""
        ...


@dataclass(frozen=True)
class Codes:
    """The coded lists the console offers, code → Swedish label."""

    pause_reasons: dict[str, str]
    contact_reasons: dict[str, str]
    urgencies: dict[str, str]
    care_types: dict[str, str]
    deviation_reasons: dict[str, str]
    sample_notice: str = ""
