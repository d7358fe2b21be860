"""Call events and the call record derived from them (pure domain, no I/O).

Every step of a call is a :class:`CallEvent`; a :class:`CallRecord` is what
those events add up to. The record is never written on its own: replaying the
events of a call gives the same record, which is how a restart loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any


class CallEventType(StrEnum):
    """What happened to a call (samtalshändelse)."""

    ARRIVED = "arrived"
    REGION_DECIDED = "region_decided"
    QUEUED = "queued"
    OFFERED = "offered"
    OFFER_FAILED = "offer_failed"
    ANSWERED = "answered"
    ABANDONED = "abandoned"
    ENDED = "ended"
    ANNOUNCED = "announced"
    """The waiting caller was told their place, the expected wait or to call 112."""
    CALLBACK_REQUESTED = "callback_requested"
    """Återuppringning: the caller confirmed a callback and was hung up; the place is kept."""
    CALLBACK_ATTEMPT = "callback_attempt"
    """The caller's number was dialled back: ``outcome`` is answered, busy or no_answer."""


class CallState(StrEnum):
    """Where a call stands."""

    IVR = "ivr"
    QUEUED = "queued"
    OFFERED = "offered"
    CONNECTED = "connected"
    CALLBACK_WAITING = "callback_waiting"
    """The caller hung up after asking for a callback: the entry keeps its place (live, parked)."""
    ABANDONED = "abandoned"
    ENDED = "ended"

    @property
    def is_live(self) -> bool:
        return self not in (CallState.ABANDONED, CallState.ENDED)


@dataclass(frozen=True, slots=True)
class CallEvent:
    """One step of one call, numbered per call from 1."""

    call_id: str
    seq: int
    type: CallEventType
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CallRecord:
    """The state of a call as its events so far describe it."""

    call_id: str
    channel_id: str
    state: CallState
    arrived_at: datetime
    caller_number: str | None = None
    region: str | None = None
    region_source: str | None = None
    queue: str | None = None
    nurse_id: str | None = None
    queued_at: datetime | None = None
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    wait_seconds: float | None = None
    end_cause: str | None = None
    last_seq: int = 0

    def as_dict(self) -> dict[str, Any]:
        def iso(value: datetime | None) -> str | None:
            return None if value is None else value.isoformat()

        return {
            "call_id": self.call_id,
            "channel_id": self.channel_id,
            "state": self.state.value,
            "caller_number": self.caller_number,
            "region": self.region,
            "region_source": self.region_source,
            "queue": self.queue,
            "nurse_id": self.nurse_id,
            "arrived_at": iso(self.arrived_at),
            "queued_at": iso(self.queued_at),
            "answered_at": iso(self.answered_at),
            "ended_at": iso(self.ended_at),
            "wait_seconds": self.wait_seconds,
            "end_cause": self.end_cause,
        }


class EventOutOfOrder(ValueError):
    """An event does not follow the call's previous one."""


def apply_event(record: CallRecord | None, event: CallEvent) -> CallRecord:
    """The record after ``event``; ``record`` is None before the first event."""
    if record is None:
        return _arrived(event)
    if event.seq != record.last_seq + 1:
        raise EventOutOfOrder(
            f"call {event.call_id}: event {event.seq} follows {record.last_seq}"
        )
    data = event.data
    kind = event.type
    rec = replace(record, last_seq=event.seq)
    if kind is CallEventType.REGION_DECIDED:
        return replace(rec, region=data.get("region"), region_source=data.get("source"))
    if kind is CallEventType.QUEUED:
        return replace(
            rec, state=CallState.QUEUED, queue=data.get("queue"), queued_at=rec.queued_at or event.at
        )
    if kind is CallEventType.OFFERED:
        if rec.state is CallState.CALLBACK_WAITING:  # a nurse is offered the callback
            return replace(rec, nurse_id=data.get("nurse_id"))
        return replace(rec, state=CallState.OFFERED, nurse_id=data.get("nurse_id"))
    if kind is CallEventType.OFFER_FAILED:
        if rec.state is CallState.CALLBACK_WAITING:
            return replace(rec, nurse_id=None)
        return replace(rec, state=CallState.QUEUED, nurse_id=None)
    if kind is CallEventType.CALLBACK_REQUESTED:
        # The inbound leg ends here (cause callback_requested); the call itself stays live.
        return replace(rec, state=CallState.CALLBACK_WAITING, end_cause="callback_requested")
    if kind is CallEventType.CALLBACK_ATTEMPT:
        if data.get("outcome") == "answered":
            return rec  # the ANSWERED event that follows connects the call
        return replace(rec, nurse_id=None)
    if kind is CallEventType.ANSWERED:
        return replace(
            rec,
            channel_id=str(data.get("channel_id") or rec.channel_id),
            end_cause=None,
            state=CallState.CONNECTED,
            nurse_id=data.get("nurse_id", rec.nurse_id),
            answered_at=event.at,
            wait_seconds=_wait(rec, event.at),
        )
    if kind is CallEventType.ABANDONED:
        return replace(
            rec,
            state=CallState.ABANDONED,
            ended_at=event.at,
            wait_seconds=_wait(rec, event.at),
            end_cause=data.get("cause", "caller_hangup"),
        )
    if kind is CallEventType.ENDED:
        return replace(
            rec, state=CallState.ENDED, ended_at=event.at, end_cause=data.get("cause")
        )
    return rec


def _arrived(event: CallEvent) -> CallRecord:
    """The record a call's first event starts (it must be ``arrived``)."""
    if event.type is not CallEventType.ARRIVED:
        raise EventOutOfOrder(f"call {event.call_id}: first event is {event.type}, not arrived")
    return CallRecord(
        call_id=event.call_id,
        channel_id=str(event.data.get("channel_id", "")),
        state=CallState.IVR,
        arrived_at=event.at,
        caller_number=event.data.get("caller_number"),
        last_seq=event.seq,
    )


def _wait(record: CallRecord, at: datetime) -> float | None:
    start = record.queued_at
    if start is None:
        return None
    return round((at - start).total_seconds(), 3)


def replay(events: list[CallEvent]) -> CallRecord:
    """The record that a whole ordered list of one call's events describes."""
    record: CallRecord | None = None
    for event in events:
        record = apply_event(record, event)
    if record is None:
        raise EventOutOfOrder("no events")
    return record
