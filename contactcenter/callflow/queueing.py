"""The queue engine in the running service: facts in from the call flow, offers out.

:class:`queues.engine.Engine` decides who is offered which call under every
collaboration rule; this adapter feeds it the call flow's facts (a caller
queued, a nurse answered, a call ended…), acts on the events it returns
(originate the nurse's phone, play an announcement), wakes it when its next
time-driven change is due (wrap-up ends, schedules, overflow), and writes
every event to ``queue_events``.

Restart: the events of the current *generation* are replayed into a new
engine (``Engine.replay``), so nurse states, pauses, wrap-ups and places in
the queue survive; the call flow's recovery then reconciles with what
Asterisk still has. When the replayed engine is idle (no calls, nobody
logged in) a new generation starts, which keeps replay short.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from contactcenter.callflow.queue_views import nurse_view, queue_snapshot
from contactcenter.callflow.region import RegionDecision
from queues import events as ev
from queues.agent import AgentState
from queues.config import EngineConfig
from queues.engine import Engine
from queues.errors import QueueError
from queues.serialization import event_from_row, event_to_row
from queues.sql import nurses, queue_events

log = logging.getLogger(__name__)

OfferCallback = Callable[[str, str, str], None]
AnnounceCallback = Callable[[ev.Announcement], None]
NoticeCallback = Callable[[str, str], None]
"""``(call_id, kind)``: ``crisis`` (play the crisis message) or ``call_later`` (the region
closes its queue while the wait is too long: say so and end the call)."""
GENERATION_STARTED = "GenerationStarted"
S = AgentState


class QueueRouter:
    """The queues and nurses of this instance, driven by the call flow (engine-backed)."""

    def __init__(
        self,
        *,
        engine: AsyncEngine,
        clock: Callable[[], datetime],
        config: EngineConfig,
        regions: dict[str, str],
        national_queue_name: str,
        instance_id: str = "",
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self._db = engine
        self._clock = clock
        self._config = config
        self._regions = regions
        self._national = config.national_queue_id
        self._queue_names = dict(regions)
        self._queue_names[self._national] = national_queue_name
        self._instance = instance_id
        self._on_change = on_change or (lambda: None)
        self.engine = Engine(config, clock())
        self._generation = uuid.uuid4().hex
        self._info: dict[str, dict[str, Any]] = {}
        self._offer: OfferCallback = lambda call_id, nurse_id, endpoint: None
        self._announce: AnnounceCallback = lambda announcement: None
        self._notice: NoticeCallback = lambda call_id, kind: None
        self._callback_offer_cb: OfferCallback | None = None
        self._callback_on_offer: dict[str, bool] = {}
        self._pending: list[dict[str, Any]] = []
        self._writer: asyncio.Task[None] | None = None
        self._timer: asyncio.Task[None] | None = None
        self._timer_wake = asyncio.Event()
        self._totals = {"answered": 0, "abandoned": 0}

    def set_offer_callback(self, callback: OfferCallback) -> None:
        self._offer = callback

    def set_announce_callback(self, callback: AnnounceCallback) -> None:
        self._announce = callback

    def set_notice_callback(self, callback: NoticeCallback) -> None:
        self._notice = callback

    def set_callback_offer_callback(self, callback: OfferCallback) -> None:
        """``(call_id, nurse_id, endpoint)``: a nurse is offered a callback entry (ring them)."""
        self._callback_offer_cb = callback

    # -- start ----------------------------------------------------------------------------------
    async def load(self) -> None:
        """Replay the current generation, read the roster, start the engine's clock."""
        await self._replay_generation()
        async with self._db.connect() as conn:
            rows = (await conn.execute(select(nurses).where(nurses.c.active.is_(True)))).all()
        for row in rows:
            self.add_nurse(row.nurse_id, row.display_name, row.home_region, row.endpoint,
                           row.username)
        if self._timer is None:
            self._timer = asyncio.get_running_loop().create_task(self._timer_loop())

    async def _replay_generation(self) -> None:
        async with self._db.connect() as conn:
            last = (await conn.execute(
                select(queue_events.c.generation, queue_events.c.at)
                .where(queue_events.c.type == GENERATION_STARTED)
                .order_by(queue_events.c.id.desc()).limit(1))).first()
            rows = [] if last is None else (await conn.execute(
                select(queue_events.c.type, queue_events.c.data)
                .where(queue_events.c.generation == last.generation,
                       queue_events.c.type == "CommandReceived")
                .order_by(queue_events.c.id))).all()
        if last is not None and rows:
            start = last.at if last.at.tzinfo else last.at.replace(tzinfo=self._clock().tzinfo)
            try:
                replayed = Engine.replay(self._config, start,
                                         (event_from_row(r.type, r.data) for r in rows))
            except Exception:
                log.exception("queue engine replay of generation %s failed; starting afresh "
                              "(waiting callers are re-queued by the call flow)", last.generation)
            else:
                if not self._idle(replayed):
                    self.engine, self._generation = replayed, last.generation
                    log.info("queue engine: replayed %d commands of generation %s",
                             len(rows), last.generation)
                    return
        self.engine = Engine(self._config, self._clock())
        self._generation = uuid.uuid4().hex
        self._pending.append({"generation": self._generation, "at": self.engine.start,
                              "type": GENERATION_STARTED, "data": {},
                              "instance_id": self._instance})
        self._kick()

    @staticmethod
    def _idle(engine: Engine) -> bool:
        return not engine.calls.entries and all(
            a.state is S.LOGGED_OUT for a in engine.agents.values())

    # -- roster and nurse states --------------------------------------------------------------
    def add_nurse(self, nurse_id: str, display_name: str, region: str, endpoint: str,
                  username: str | None = None) -> None:
        self._info[nurse_id] = {"nurse_id": nurse_id, "display_name": display_name,
                                "region": region, "endpoint": endpoint, "username": username}
        if nurse_id not in self.engine.agents:
            self._apply(self.engine.add_nurse(nurse_id, region, self._clock(), endpoint=endpoint))

    def nurse_info(self, nurse_id: str) -> dict[str, Any] | None:
        return self._info.get(nurse_id)

    def nurse_state(self, nurse_id: str) -> str:
        return self.engine.nurse(nurse_id).state.value

    def set_nurse_state(self, nurse_id: str, state: str, reason: str | None = None
                        ) -> dict[str, Any]:
        """Log a nurse in (ready), pause them with a reason, or log them out."""
        agent = self.engine.nurse(nurse_id)
        now = self._clock()
        try:
            if state == "ready":
                if agent.state is S.LOGGED_OUT:
                    self._apply(self.engine.log_in(nurse_id, now))
                elif agent.state is S.PAUSED:
                    self._apply(self.engine.unpause(nurse_id, now))
                elif agent.state is S.WRAP_UP:
                    self._apply(self.engine.end_wrap_up(nurse_id, now))
            elif state == "paused" and agent.state is not S.PAUSED:
                self._apply(self.engine.pause(nurse_id, now, reason or "other"))
            elif state == "logged_out" and agent.state is not S.LOGGED_OUT:
                self._apply(self.engine.log_out(nurse_id, now, reason))
        except QueueError as exc:
            from contactcenter.web.errors import ApiError

            raise ApiError("invalid_transition", str(exc),
                           {"nurse_id": nurse_id, "state": agent.state.value},
                           status=409) from exc
        return self._nurse_view(nurse_id)

    # -- calls ----------------------------------------------------------------------------------
    def queue_for(self, decision: RegionDecision) -> str:
        if decision.queue == "national" or decision.region not in self._regions:
            return self._national
        return decision.region

    def queue_for_region(self, region: str | None) -> str:
        return region if region in self._regions else self._national

    def enqueue(self, call_id: str, queue_id: str, region: str | None,
                arrived_at: datetime) -> None:
        """The caller waits in the holding bridge; ``arrived_at`` is the original arrival."""
        entry = self.engine.call(call_id)
        if entry is not None:  # known from replay: keep its place
            if entry.status == "offered" and entry.nurse_id:
                self._apply(self.engine.decline(entry.nurse_id, self._clock(),
                                                "service_restarted"))
            return
        self._apply(self.engine.call_arrived(call_id, region, self._clock(),
                                             national=queue_id == self._national,
                                             arrived_at=arrived_at))

    def restore_on_call(self, nurse_id: str, call_id: str) -> None:
        """After a restart: the nurse is still talking on a call Asterisk kept bridged."""
        entry = self.engine.call(call_id)
        if entry is None or entry.status != "connected":
            log.warning("call %s: connected on Asterisk but not in the queue engine; its nurse "
                        "%s is not marked busy", call_id, nurse_id)

    def position(self, call_id: str) -> int | None:
        return self.engine.position(call_id)

    def answered(self, call_id: str, nurse_id: str) -> None:
        agent = self.engine.agents.get(nurse_id)
        if agent is not None and agent.state is S.OFFERED and agent.call_id == call_id:
            self._apply(self.engine.answer(nurse_id, self._clock()))
        self._totals["answered"] += 1
        self._on_change()

    def offer_failed(self, call_id: str, nurse_id: str, reason: str) -> None:
        """The nurse did not take the call: it goes back to its place."""
        agent = self.engine.agents.get(nurse_id)
        if agent is not None and agent.state is S.OFFERED and agent.call_id == call_id:
            self._apply(self.engine.decline(nurse_id, self._clock(), reason))

    def withdraw_offer(self, call_id: str, nurse_id: str, reason: str) -> None:
        """An offer was made for a call that has already gone."""
        self._apply(self.engine.hang_up(call_id, self._clock()))

    def call_gone(self, call_id: str, nurse_id: str | None, *, connected: bool) -> None:
        """The call ended (or the caller left the queue)."""
        now = self._clock()
        agent = self.engine.agents.get(nurse_id) if nurse_id else None
        if connected and agent is not None and agent.state is S.ON_CALL \
                and agent.call_id == call_id:
            self._apply(self.engine.end_call(agent.nurse_id, now))
        else:
            known = self.engine.call(call_id) is not None
            self._apply(self.engine.hang_up(call_id, now))
            if known:
                self._totals["abandoned"] += 1
        self._on_change()

    # -- callbacks (återuppringning) --------------------------------------------------------
    def callback_on_offer(self, call_id: str) -> bool:
        """Whether the caller's last CallQueued/Announcement offered a callback."""
        entry = self.engine.call(call_id)
        if entry is None or entry.callback or entry.status != "waiting":
            return False
        return self._callback_on_offer.get(call_id, False)

    def request_callback(self, call_id: str) -> int | None:
        """Park the waiting call as a callback keeping its place; its position (None: refused)."""
        try:
            events = self.engine.request_callback(call_id, self._clock())
        except (QueueError, ValueError) as exc:
            log.info("call %s: callback not possible now: %s", call_id, exc)
            return None
        self._apply(events)
        self._callback_on_offer.pop(call_id, None)
        return next((e.position for e in events if isinstance(e, ev.CallbackRequested)), None)

    def callback_dialling(self, call_id: str, nurse_id: str) -> bool:
        """The nurse answered a callback offer: they now dial the caller."""
        agent = self.engine.agents.get(nurse_id)
        if agent is None or agent.state is not S.OFFERED or agent.call_id != call_id:
            return False
        self._apply(self.engine.answer(nurse_id, self._clock()))
        return True

    def callback_result(self, call_id: str, outcome: str) -> str | None:
        """Report the dialled callback's outcome; returns ``answered``, ``retry`` or ``failed``
        (None: the engine has no callback being dialled for this call)."""
        try:
            events = self.engine.callback_result(call_id, self._clock(), outcome)
        except QueueError as exc:
            log.warning("call %s: callback result %s not accepted: %s", call_id, outcome, exc)
            return None
        self._apply(events)
        if outcome == "answered":
            self._totals["answered"] += 1
        done = next((e for e in events if isinstance(e, ev.CallbackCompleted)), None)
        self._on_change()
        if done is None:
            return "retry"
        return done.outcome

    def restore_callback(self, call_id: str) -> bool:
        """After a restart: a parked callback from the call log; False if the engine lost it.

        An offer or a dial that was under way when the service stopped is given up
        (the nurse's offer declined, the dial counted as not answered)."""
        entry = self.engine.call(call_id)
        if entry is None or not entry.callback:
            return False
        if entry.status == "offered" and entry.nurse_id:
            self._apply(self.engine.decline(entry.nurse_id, self._clock(), "service_restarted"))
        elif entry.status == "connected" and not entry.answered_ts:
            self.callback_result(call_id, "no_answer")
        return self.engine.call(call_id) is not None

    def totals(self) -> dict[str, int]:
        return dict(self._totals)

    def waiting_count(self) -> int:
        return self.engine.waiting_count()

    # -- supervisor controls -----------------------------------------------------------------------
    def supervise(self, command: str, **kwargs: Any) -> list[ev.Event]:
        """Run a supervisor command of the engine (``set_mode``, ``redirect``, ``set_crisis``,
        ``force_logout``, ``force_pause``, ``set_priority``…) now; returns its events."""
        events = getattr(self.engine, command)(at=self._clock(), **kwargs)
        self._apply(events)
        return events

    # -- events out ---------------------------------------------------------------------------------
    def _apply(self, events: list[ev.Event]) -> None:
        announcements: list[ev.Announcement] = []
        for event in events:
            type_name, data = event_to_row(event)
            self._pending.append({"generation": self._generation, "at": event.at,
                                  "type": type_name, "data": data,
                                  "instance_id": self._instance})
            if isinstance(event, ev.CallOffered):
                endpoint = self._info.get(event.nurse_id, {}).get("endpoint") \
                    or self.engine.nurse(event.nurse_id).endpoint
                if event.callback:
                    if self._callback_offer_cb is None:
                        log.warning("call %s: callbacks are not dialled by this instance",
                                    event.call_id)
                        continue
                    self._callback_offer_cb(event.call_id, event.nurse_id, endpoint)
                    continue
                self._offer(event.call_id, event.nurse_id, endpoint)
            elif isinstance(event, ev.Announcement):
                self._callback_on_offer[event.call_id] = event.callback_offer
                announcements.append(event)
            elif isinstance(event, ev.CallQueued):
                self._callback_on_offer[event.call_id] = event.callback_offer
                if event.crisis_message:
                    self._notice(event.call_id, "crisis")
            elif isinstance(event, (ev.CallAbandoned, ev.CallAnswered, ev.CallbackCompleted)):
                self._callback_on_offer.pop(event.call_id, None)
            elif isinstance(event, ev.CallRejected):
                self._notice(event.call_id, "call_later")
        for announcement in announcements:
            # Only to callers still waiting once this step is done: a caller offered to a
            # nurse in the same step is about to be connected, not told their place.
            entry = self.engine.call(announcement.call_id)
            if entry is not None and entry.status == "waiting":
                self._announce(announcement)
        if events:
            self._kick()
            self._timer_wake.set()
            self._on_change()

    async def _timer_loop(self) -> None:
        while True:
            self._timer_wake.clear()
            due = self.engine.next_change_at()
            timeout = 60.0 if due is None else max(0.0, (due - self._clock()).total_seconds())
            try:
                await asyncio.wait_for(self._timer_wake.wait(), min(timeout, 60.0))
                continue  # something changed: look at the next due time again
            except TimeoutError:
                pass
            try:
                self._apply(self.engine.tick(self._clock()))
            except Exception:
                log.exception("queue engine tick failed")

    # -- persistence ---------------------------------------------------------------------------------
    def _kick(self) -> None:
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._write_loop())

    async def _write_loop(self) -> None:
        await asyncio.sleep(0)  # gather what this loop iteration records into one batch
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                async with self._db.begin() as conn:
                    await conn.execute(queue_events.insert(), batch)
            except Exception:
                log.exception("writing %d queue events failed; retrying", len(batch))
                self._pending[:0] = batch
                await asyncio.sleep(0.5)

    async def flush(self) -> None:
        """Wait until every event so far is written."""
        if self._pending:
            self._kick()
        if self._writer is not None:
            await asyncio.shield(self._writer)

    async def close(self, timeout: float = 10.0) -> None:
        """Stop the engine's clock and write what is pending (bounded by ``timeout``)."""
        if self._timer is not None:
            self._timer.cancel()
            await asyncio.gather(self._timer, return_exceptions=True)
            self._timer = None
        if self._pending:
            self._kick()
        if self._writer is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._writer), timeout)
            except TimeoutError:
                log.error("%d queue events could not be written before stopping",
                          len(self._pending))
                self._writer.cancel()

    async def count_events(self) -> int:
        async with self._db.connect() as conn:
            return int((await conn.execute(select(func.count()).select_from(queue_events)))
                       .scalar() or 0)

    # -- views ------------------------------------------------------------------------------------------
    def _nurse_view(self, nurse_id: str) -> dict[str, Any]:
        return nurse_view(self.engine, self._info, nurse_id)

    def nurse_snapshot(self) -> list[dict[str, Any]]:
        agents = sorted(self.engine.agents.values(), key=lambda a: (a.home_region, a.nurse_id))
        return [self._nurse_view(a.nurse_id) for a in agents]

    def queue_snapshot(self) -> list[dict[str, Any]]:
        return queue_snapshot(self.engine, self._queue_names, self._national)
