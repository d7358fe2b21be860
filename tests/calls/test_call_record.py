"""The call record is what the call's events add up to."""

from datetime import UTC, datetime, timedelta

import pytest

from contactcenter.calls.model import (
    CallEvent,
    CallEventType,
    CallState,
    EventOutOfOrder,
    apply_event,
    replay,
)

T0 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def ev(seq: int, type: CallEventType, seconds: float = 0, **data: object) -> CallEvent:
    return CallEvent("c1", seq, type, T0 + timedelta(seconds=seconds), dict(data))


def answered_call() -> list[CallEvent]:
    return [
        ev(1, CallEventType.ARRIVED, 0, channel_id="ch-1", caller_number="+46812345678"),
        ev(2, CallEventType.REGION_DECIDED, 3, region="01", source="area_code"),
        ev(3, CallEventType.QUEUED, 4, queue="01"),
        ev(4, CallEventType.OFFERED, 30, nurse_id="ssk-01-1"),
        ev(5, CallEventType.ANSWERED, 32, nurse_id="ssk-01-1"),
        ev(6, CallEventType.ENDED, 300, cause="nurse_hangup"),
    ]


def test_an_answered_call_records_region_queue_nurse_and_wait_from_queueing():
    record = replay(answered_call())
    assert record.state is CallState.ENDED
    assert record.region == "01" and record.region_source == "area_code"
    assert record.queue == "01"
    assert record.nurse_id == "ssk-01-1"
    assert record.wait_seconds == 28.0
    assert record.end_cause == "nurse_hangup"
    assert record.ended_at == T0 + timedelta(seconds=300)


def test_a_caller_who_hangs_up_in_queue_is_abandoned_with_their_wait():
    events = answered_call()[:3] + [ev(4, CallEventType.ABANDONED, 64, cause="caller_hangup")]
    record = replay(events)
    assert record.state is CallState.ABANDONED
    assert record.wait_seconds == 60.0
    assert not record.state.is_live


def test_a_failed_offer_puts_the_call_back_in_queue_without_a_nurse():
    events = answered_call()[:4] + [ev(5, CallEventType.OFFER_FAILED, 50, reason="no answer")]
    record = replay(events)
    assert record.state is CallState.QUEUED
    assert record.nurse_id is None
    assert record.queued_at == T0 + timedelta(seconds=4)


def test_the_first_event_must_be_the_arrival():
    with pytest.raises(EventOutOfOrder):
        apply_event(None, ev(1, CallEventType.QUEUED))


def test_an_event_out_of_sequence_is_rejected():
    record = apply_event(None, answered_call()[0])
    with pytest.raises(EventOutOfOrder):
        apply_event(record, ev(3, CallEventType.QUEUED, 4, queue="01"))


def test_replaying_the_same_events_gives_the_same_record():
    assert replay(answered_call()) == replay(list(answered_call()))
