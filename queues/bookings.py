"""Callback bookings (återuppringning) in the queue service: park a waiting call as a
callback that keeps its place, and report how dialling the caller back went.

:class:`CallbackBookings` is the queue service's ``bookings``: it changes the engine
through the same replica as the rest of the service.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from queues import events as ev
from queues.engine import Engine
from queues.errors import QueueError
from queues.replica import EngineReplica, Intent

log = logging.getLogger(__name__)


class CallbackBookings:
    """Callback bookings of the queue service: which waiting callers may book one, the
    booking itself, and the outcome of each attempt to dial the caller back."""

    def __init__(self, replica: EngineReplica, answer: Callable[[str, str], Intent],
                 totals: dict[str, int], on_change: Callable[[], None]) -> None:
        self.replica = replica
        self._answer = answer
        self._totals = totals
        self._on_change = on_change
        self._on_offer: dict[str, bool] = {}

    @property
    def engine(self) -> Engine:
        return self.replica.engine

    def offered(self, call_id: str, offer: bool | None) -> None:
        """What the caller's last CallQueued/Announcement said of a callback (None: the call
        no longer waits)."""
        if offer is None:
            self._on_offer.pop(call_id, None)
        else:
            self._on_offer[call_id] = offer

    def on_offer(self, call_id: str) -> bool:
        """Whether the caller's last CallQueued/Announcement offered a callback."""
        entry = self.engine.call(call_id)
        if entry is None or entry.callback or entry.status != "waiting":
            return False
        return self._on_offer.get(call_id, False)

    async def request(self, call_id: str) -> int | None:
        """Park the waiting call as a callback keeping its place; its position (None: refused)."""
        try:
            events = await self.replica.submit(
                lambda at: self.engine.request_callback(call_id, at))
        except (QueueError, ValueError) as exc:
            log.info("call %s: callback not possible now: %s", call_id, exc)
            return None
        self._on_offer.pop(call_id, None)
        return next((e.position for e in events if isinstance(e, ev.CallbackRequested)), None)

    async def dialling(self, call_id: str, nurse_id: str) -> bool:
        """The nurse answered a callback offer: they now dial the caller."""
        try:
            await self.replica.submit(self._answer(call_id, nurse_id))
        except QueueError:
            return False
        return True

    async def result(self, call_id: str, outcome: str) -> str | None:
        """Report the dialled callback's outcome; returns ``answered``, ``retry`` or ``failed``
        (None: the engine has no callback being dialled for this call)."""
        try:
            events = await self.replica.submit(
                lambda at: self.engine.callback_result(call_id, at, outcome))
        except QueueError as exc:
            log.warning("call %s: callback result %s not accepted: %s", call_id, outcome, exc)
            return None
        if outcome == "answered":
            self._totals["answered"] += 1
        done = next((e for e in events if isinstance(e, ev.CallbackCompleted)), None)
        self._on_change()
        if done is None:
            return "retry"
        return done.outcome

    async def restore(self, call_id: str) -> tuple[bool, str | None]:
        """After a restart: a parked callback from the call log. Whether the engine still
        has it, and the step under way that was given up: ``offer`` (the nurse's offer
        declined), ``dial`` (the dial counted as not answered; a last retry ends it) or None."""
        given_up: list[str] = []

        def intent(at: datetime) -> list[ev.Event]:
            entry = self.engine.call(call_id)
            if entry is None or not entry.callback:
                return []
            if entry.status == "offered" and entry.nurse_id:
                given_up.append("offer")
                return self.engine.decline(entry.nurse_id, at, "service_restarted",
                                           counted=False)  # not her miss
            if entry.status == "connected" and not entry.answered_ts:
                given_up.append("dial")
                return self.engine.callback_result(call_id, at, "no_answer")
            return []
        await self.replica.submit(intent)
        entry = self.engine.call(call_id)
        return (entry is not None and entry.callback), (given_up[0] if given_up else None)
