"""What the call flow needs of the queue service (``queues.service.QueueService``).

The call flow gives the queue service its facts through :class:`Queues` and is
told what to do through the queue context's listener protocol
(:class:`queues.ports.QueueListener`), which :class:`~contactcenter.callflow.controller.CallFlow`
implements.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from queues.engine import Engine


class CallbackBookings(Protocol):
    """Callback bookings (återuppringning) of the queue service."""

    def on_offer(self, call_id: str) -> bool: ...

    async def request(self, call_id: str) -> int | None: ...

    async def dialling(self, call_id: str, nurse_id: str) -> bool: ...

    async def result(self, call_id: str, outcome: str) -> str | None: ...

    async def restore(self, call_id: str) -> tuple[bool, str | None]: ...


class Queues(Protocol):
    """The queue service as the call flow uses it: one ``enqueue`` per region decision,
    the nurse's answer claimed, offers that failed, calls gone."""

    bookings: CallbackBookings

    @property
    def engine(self) -> Engine: ...

    def queue_of(self, region: str | None, *, national: bool = False) -> str: ...

    def enqueue(self, call_id: str, *, region: str | None, national: bool = False,
                arrived_at: datetime) -> str: ...

    async def answered(self, call_id: str, nurse_id: str) -> bool: ...

    def requeue(self, call_id: str, nurse_id: str, region: str | None, queue_id: str,
                arrived_at: datetime) -> None: ...

    def offer_failed(self, call_id: str, nurse_id: str, reason: str) -> None: ...

    def withdraw_offer(self, call_id: str, nurse_id: str, reason: str) -> None: ...

    def call_gone(self, call_id: str, nurse_id: str | None, *, connected: bool) -> None: ...

    def position(self, call_id: str) -> int | None: ...

    def restore_on_call(self, nurse_id: str, call_id: str) -> None: ...

    def nurse_info(self, nurse_id: str) -> dict[str, Any] | None: ...
