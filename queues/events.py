"""Events of the queue engine: plain, frozen dataclasses the adapter persists.

Every :class:`~queues.engine.Engine` command returns a list that starts with
a :class:`CommandReceived` (the input, so the engine can be rebuilt by
replaying the inputs: :meth:`Engine.replay`) followed by what happened as a
result. Statistics (:mod:`queues.statistics`) are computed from these events,
never kept as counters, so they survive a restart.

Times are aware datetimes; durations are seconds (float).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = [
    "Announcement", "CallAbandoned", "CallAnswered", "CallEnded", "CallOffered", "CallQueued",
    "CallRejected", "CallbackAttempted", "CallbackCompleted", "CallbackRequested",
    "CommandReceived", "EligibilityChanged", "Event", "ModeChanged", "NurseChanged",
    "NurseStateChanged", "OfferDeclined", "OfferWithdrawn", "PriorityChanged",
]


@dataclass(frozen=True, slots=True)
class Event:
    """Base of every engine event."""

    at: datetime


@dataclass(frozen=True, slots=True)
class CommandReceived(Event):
    """The input that produced the events after it: ``Engine.<command>(**args)``."""

    command: str
    args: tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class CallQueued(Event):
    """A call entered its queue (or its callback entry kept its place).

    ``callback_offer``: the predicted wait is over the region's limit, so the
    call flow may offer a callback (återuppringning). ``crisis_message``: the
    call went to the national queue because of crisis mode; play the crisis
    message.
    """

    call_id: str
    queue_id: str
    origin_region: str | None
    priority: int
    arrived_at: datetime
    needs: frozenset[str]
    position: int
    predicted_wait_seconds: float | None
    callback_offer: bool
    crisis_message: bool


@dataclass(frozen=True, slots=True)
class CallRejected(Event):
    """The region closes its queue with "call later" (ring senare) while the wait is too long."""

    call_id: str
    queue_id: str
    reason: str
    predicted_wait_seconds: float | None


@dataclass(frozen=True, slots=True)
class EligibilityChanged(Event):
    """Nurses of ``added`` regions may now take (``removed``: may no longer take) calls.

    ``call_id`` is set for one call's own widening (waited ``after_seconds``);
    ``None`` means every call of ``queue_id`` (a collaboration mode opened or
    closed, a redirect, pressure overflow). No call moves: its place is kept.
    """

    call_id: str | None
    queue_id: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class CallOffered(Event):
    """The nurse's phone rings with the call. ``via`` is the rule that made them eligible."""

    call_id: str
    nurse_id: str
    queue_id: str
    origin_region: str | None
    nurse_region: str
    via: str
    callback: bool


@dataclass(frozen=True, slots=True)
class OfferDeclined(Event):
    """The nurse did not answer (or rejected): the call is back at its place."""

    call_id: str
    nurse_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class OfferWithdrawn(Event):
    """The offer ended without the nurse's doing (the caller hung up, a supervisor action)."""

    call_id: str
    nurse_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class CallAnswered(Event):
    """A nurse answered: ``waited_seconds`` since the original arrival."""

    call_id: str
    nurse_id: str
    queue_id: str
    origin_region: str | None
    nurse_region: str
    waited_seconds: float
    callback: bool


@dataclass(frozen=True, slots=True)
class CallEnded(Event):
    """The conversation ended; the nurse goes to wrap-up (efterarbete) for ``wrap_up_seconds``."""

    call_id: str
    nurse_id: str
    queue_id: str
    talk_seconds: float
    wrap_up_seconds: float
    transferred: bool


@dataclass(frozen=True, slots=True)
class CallAbandoned(Event):
    """The caller hung up while waiting (or ringing): their position and wait at that moment."""

    call_id: str
    queue_id: str
    origin_region: str | None
    position: int | None
    waited_seconds: float


@dataclass(frozen=True, slots=True)
class CallbackRequested(Event):
    """The caller chose a callback: they hang up, their entry keeps its place."""

    call_id: str
    queue_id: str
    position: int


@dataclass(frozen=True, slots=True)
class CallbackAttempted(Event):
    """The nurse dialled the caller back: ``outcome`` is ``answered``, ``no_answer`` or ``busy``."""

    call_id: str
    nurse_id: str
    attempt: int
    outcome: str


@dataclass(frozen=True, slots=True)
class CallbackCompleted(Event):
    """The callback entry left the queue: ``outcome`` is ``answered`` or ``failed``."""

    call_id: str
    queue_id: str
    outcome: str
    attempts: int


@dataclass(frozen=True, slots=True)
class NurseStateChanged(Event):
    """One change of a nurse's state, with the reason (pause reason code, ``auto_pause``…)."""

    nurse_id: str
    home_region: str
    from_state: str
    to_state: str
    call_id: str | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class NurseChanged(Event):
    """A supervisor changed which queues a nurse serves or their skills."""

    nurse_id: str
    serves: tuple[tuple[str, int], ...] | None
    skills: frozenset[str]
    by: str
    why: str


@dataclass(frozen=True, slots=True)
class ModeChanged(Event):
    """A collaboration mode, redirect or crisis mode changed (by the schedule or a supervisor)."""

    mode: str
    state: str
    by: str
    why: str


@dataclass(frozen=True, slots=True)
class PriorityChanged(Event):
    """A supervisor changed a waiting call's priority (the arrival time is kept)."""

    call_id: str
    old: int
    new: int
    by: str
    why: str


@dataclass(frozen=True, slots=True)
class Announcement(Event):
    """What to tell a waiting caller now (the call flow plays it).

    ``position`` never increases and ``expected_wait_seconds`` (rounded up) never
    increases by more than the configured tolerance over a call's life.
    ``emergency_reminder``: also play "call 112 if it is life-threatening".
    """

    call_id: str
    position: int | None
    expected_wait_seconds: int | None
    emergency_reminder: bool
    callback_offer: bool
