"""Queue routing for the call flow: the queue model, nurse roster, wrap-up timers, persistence.

The :class:`queues.model.Dispatcher` decides who gets which call; this
adapter feeds it the call flow's facts, starts offers through a callback,
times wrap-up, and writes every nurse state change to ``nurse_events``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from contactcenter.callflow.region import RegionDecision
from queues.errors import InvalidTransition
from queues.model import Assignment, Dispatcher, Nurse, NurseState, NurseTransition, WaitingCall
from queues.sql import nurse_events, nurses

log = logging.getLogger(__name__)

OfferCallback = Callable[[str, str, str], None]


class QueueRouter:
    """The queues and nurses of this instance, driven by the call flow."""

    def __init__(
        self,
        *,
        engine: AsyncEngine,
        clock: Callable[[], datetime],
        regions: dict[str, str],
        national_queue: str,
        national_queue_name: str,
        wrapup_seconds: float,
        max_unanswered_offers: int = 3,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._regions = regions
        self._national = national_queue
        self._queue_names = {code: name for code, name in regions.items()}
        self._queue_names[national_queue] = national_queue_name
        self._wrapup = wrapup_seconds
        self._max_unanswered = max_unanswered_offers
        self._on_change = on_change or (lambda: None)
        serving = {code: {code} for code in regions}
        serving[national_queue] = set(regions)
        self.dispatcher = Dispatcher(serving)
        self._info: dict[str, dict[str, Any]] = {}
        self._offer: OfferCallback = lambda call_id, nurse_id, endpoint: None
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._pending: list[dict[str, Any]] = []
        self._writer: asyncio.Task[None] | None = None
        self._totals = {"answered": 0, "abandoned": 0}

    def set_offer_callback(self, callback: OfferCallback) -> None:
        self._offer = callback

    # -- roster ---------------------------------------------------------------------------------
    async def load(self) -> None:
        """Read the nurse roster; every nurse starts logged out in this instance."""
        async with self._engine.connect() as conn:
            rows = (await conn.execute(select(nurses).where(nurses.c.active.is_(True)))).all()
        for row in rows:
            self.add_nurse(row.nurse_id, row.display_name, row.home_region, row.endpoint,
                           row.username)

    def add_nurse(self, nurse_id: str, display_name: str, region: str, endpoint: str,
                  username: str | None = None) -> None:
        if nurse_id in self._info:
            return
        self.dispatcher.add_nurse(Nurse(nurse_id=nurse_id, home_region=region, endpoint=endpoint))
        self._info[nurse_id] = {"nurse_id": nurse_id, "display_name": display_name,
                                "region": region, "endpoint": endpoint, "username": username}

    def nurse_info(self, nurse_id: str) -> dict[str, Any] | None:
        return self._info.get(nurse_id)

    def set_nurse_state(self, nurse_id: str, state: str) -> dict[str, Any]:
        """Log a nurse in (ready) or out; returns the nurse's view."""
        nurse = self.dispatcher.nurses[nurse_id]
        now = self._clock()
        try:
            if state == "ready":
                if nurse.state is NurseState.LOGGED_OUT:
                    self._record(nurse.log_in(now))
                    self._dispatch(self.dispatcher.nurse_ready(nurse_id, now))
                elif nurse.state is NurseState.WRAP_UP:
                    self._end_wrap_up(nurse_id)
            elif state == "logged_out" and nurse.state is not NurseState.LOGGED_OUT:
                self._cancel_timer(nurse_id)
                self._record(nurse.log_out(now))
        except InvalidTransition as exc:
            from contactcenter.web.errors import ApiError

            raise ApiError("invalid_transition", str(exc),
                           {"nurse_id": nurse_id, "state": nurse.state.value}, status=409) from exc
        self._on_change()
        return self._nurse_view(nurse)

    # -- calls ------------------------------------------------------------------------------------
    def queue_for(self, decision: RegionDecision) -> str:
        if decision.queue == "national" or decision.region not in self._regions:
            return self._national
        return decision.region

    def enqueue(self, call_id: str, queue_id: str, region: str | None, arrived_at: datetime) -> None:
        call = WaitingCall(call_id=call_id, queue_id=queue_id, origin_region=region,
                           arrived_at=arrived_at)
        self._dispatch(self.dispatcher.enqueue(call, self._clock()))
        self._on_change()

    def queue_for_region(self, region: str | None) -> str:
        return region if region in self._regions else self._national

    def restore_on_call(self, nurse_id: str, call_id: str) -> None:
        """After a restart: the nurse is still talking on a call Asterisk kept bridged."""
        nurse = self.dispatcher.nurses.get(nurse_id)
        if nurse is None:
            log.warning("call %s: nurse %s is not in the roster", call_id, nurse_id)
            return
        now = self._clock()
        if nurse.state is NurseState.LOGGED_OUT:
            self._record(nurse.log_in(now))
        if nurse.state is NurseState.READY:
            self._record(nurse.offer(call_id, now))
            self._record(nurse.answer(now))
        self._on_change()

    def position(self, call_id: str) -> int | None:
        return self.dispatcher.position(call_id)

    def answered(self, call_id: str, nurse_id: str) -> None:
        nurse = self.dispatcher.nurses.get(nurse_id)
        if nurse is not None and nurse.state is NurseState.RINGING:
            self._record(nurse.answer(self._clock()))
        self._totals["answered"] += 1
        self._on_change()

    def offer_failed(self, call_id: str, nurse_id: str, reason: str) -> None:
        """The nurse did not take the call: the call keeps its place, the nurse is free again."""
        now = self._clock()
        nurse = self.dispatcher.nurses.get(nurse_id)
        if nurse is not None and nurse.state is NurseState.RINGING:
            self._record(nurse.decline(now, reason))
            if nurse.unanswered_offers >= self._max_unanswered:
                log.warning("nurse %s left %d offers unanswered; logging them out", nurse_id,
                            nurse.unanswered_offers)
                self._record(nurse.log_out(now, reason="unanswered_offers"))
        self._dispatch(self.dispatcher.offer_declined(call_id, nurse_id, now))
        self._on_change()

    def call_gone(self, call_id: str, nurse_id: str | None, *, connected: bool) -> None:
        """The call ended (or the caller left the queue)."""
        now = self._clock()
        self.dispatcher.remove_call(call_id)
        if not connected:
            self._totals["abandoned"] += 1
        nurse = self.dispatcher.nurses.get(nurse_id) if nurse_id else None
        if nurse is not None and nurse.current_call_id == call_id:
            if nurse.state is NurseState.ON_CALL:
                self._record(nurse.end_call(now))
                self._start_wrap_up(nurse.nurse_id)
            elif nurse.state is NurseState.RINGING:
                self._record(nurse.cancel_offer(now))
                self._dispatch(self.dispatcher.nurse_ready(nurse.nurse_id, now))
        self._on_change()

    def totals(self) -> dict[str, int]:
        return dict(self._totals)

    # -- wrap-up ------------------------------------------------------------------------------------
    def _start_wrap_up(self, nurse_id: str) -> None:
        loop = asyncio.get_running_loop()
        self._cancel_timer(nurse_id)
        self._timers[nurse_id] = loop.call_later(self._wrapup, self._end_wrap_up, nurse_id)

    def _end_wrap_up(self, nurse_id: str) -> None:
        self._timers.pop(nurse_id, None)
        nurse = self.dispatcher.nurses.get(nurse_id)
        if nurse is None or nurse.state is not NurseState.WRAP_UP:
            return
        now = self._clock()
        self._record(nurse.end_wrap_up(now))
        self._dispatch(self.dispatcher.nurse_ready(nurse_id, now))
        self._on_change()

    def _cancel_timer(self, nurse_id: str) -> None:
        timer = self._timers.pop(nurse_id, None)
        if timer is not None:
            timer.cancel()

    # -- offers ---------------------------------------------------------------------------------------
    def _dispatch(self, assignments: list[Assignment]) -> None:
        for assignment in assignments:
            nurse = self.dispatcher.nurses[assignment.nurse_id]
            if assignment.transition is not None:
                self._record(assignment.transition)
            self._offer(assignment.call_id, assignment.nurse_id, nurse.endpoint)

    def withdraw_offer(self, call_id: str, nurse_id: str, reason: str) -> None:
        """An offer was made for a call that has already gone: free the nurse, drop the call."""
        now = self._clock()
        self.dispatcher.remove_call(call_id)
        nurse = self.dispatcher.nurses.get(nurse_id)
        if nurse is not None and nurse.state is NurseState.RINGING \
                and nurse.current_call_id == call_id:
            self._record(nurse.cancel_offer(now, reason))
            self._dispatch(self.dispatcher.nurse_ready(nurse_id, now))
        self._on_change()

    # -- persistence ----------------------------------------------------------------------------------
    def _record(self, transition: NurseTransition) -> None:
        self._pending.append({
            "nurse_id": transition.nurse_id, "state": transition.to_state.value,
            "at": transition.at, "call_id": transition.call_id,
            "data": {"from": transition.from_state.value,
                     **({"reason": transition.reason} if transition.reason else {})},
        })
        self._kick()

    def _kick(self) -> None:
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._write_loop())

    async def _write_loop(self) -> None:
        await asyncio.sleep(0)  # let this loop iteration's transitions join one batch
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                async with self._engine.begin() as conn:
                    await conn.execute(nurse_events.insert(), batch)
            except Exception:  # noqa: BLE001 — keep the rows and try again
                log.exception("writing %d nurse events failed; retrying", len(batch))
                self._pending[:0] = batch
                await asyncio.sleep(0.5)

    async def close(self, timeout: float = 10.0) -> None:
        """Stop wrap-up timers and write what is still pending (bounded by ``timeout``)."""
        for nurse_id in list(self._timers):
            self._cancel_timer(nurse_id)
        if self._pending:
            self._kick()
        if self._writer is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._writer), timeout)
            except (TimeoutError, asyncio.TimeoutError):
                log.error("%d nurse events could not be written before stopping",
                          len(self._pending))
                self._writer.cancel()

    # -- views ------------------------------------------------------------------------------------------
    def _nurse_view(self, nurse: Nurse) -> dict[str, Any]:
        info = self._info[nurse.nurse_id]
        return {
            "nurse_id": nurse.nurse_id,
            "display_name": info["display_name"],
            "region": info["region"],
            "state": nurse.state.value,
            "since": nurse.state_since.isoformat() if nurse.state_since else None,
            "call_id": nurse.current_call_id,
        }

    def nurse_snapshot(self) -> list[dict[str, Any]]:
        return [self._nurse_view(n) for n in sorted(self.dispatcher.nurses.values(),
                                                     key=lambda n: (n.home_region, n.nurse_id))]

    def queue_snapshot(self) -> list[dict[str, Any]]:
        out = []
        by_queue = {q["queue_id"]: q for q in self.dispatcher.queue_snapshot()}
        nurses_by_region: dict[str, list[Nurse]] = {}
        for nurse in self.dispatcher.nurses.values():
            nurses_by_region.setdefault(nurse.home_region, []).append(nurse)
        for queue_id, name in self._queue_names.items():
            snap = by_queue.get(queue_id, {})
            serving = self.dispatcher.serving.get(queue_id, set())
            staff = [n for r in serving for n in nurses_by_region.get(r, [])]
            logged_in = [n for n in staff if n.state is not NurseState.LOGGED_OUT]
            waiting = snap.get("waiting", 0)
            if not waiting and not logged_in:
                continue
            oldest = snap.get("oldest_arrival")
            out.append({
                "queue_id": queue_id,
                "name": name,
                "waiting": waiting,
                "oldest_arrival": oldest.isoformat() if oldest else None,
                "nurses_ready": sum(1 for n in staff if n.state is NurseState.READY),
                "nurses_logged_in": len(logged_in),
                "calls": list(snap.get("call_ids", [])),
            })
        return out
