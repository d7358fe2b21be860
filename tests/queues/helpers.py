"""Small builders shared by the queue model tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from queues.model import Nurse, WaitingCall

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    """``seconds`` after T0."""
    return T0 + timedelta(seconds=seconds)


def nurse(nurse_id: str, region: str = "01") -> Nurse:
    return Nurse(nurse_id=nurse_id, home_region=region, endpoint=f"PJSIP/{nurse_id}")


def call(call_id: str, queue_id: str = "01", arrived: float = 0.0, priority: int = 0,
         origin: str | None = None) -> WaitingCall:
    return WaitingCall(call_id=call_id, queue_id=queue_id,
                       origin_region=origin if origin is not None else queue_id,
                       arrived_at=at(arrived), priority=priority)
