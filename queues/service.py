"""The queue service: the queue engine running in the service, facts in, offers out.

:class:`queues.engine.Engine` decides who is offered which call under every
collaboration rule; this adapter feeds it the call flow's facts (a caller
queued, a nurse answered, a call ended…), acts on the events it returns
(originate the nurse's phone, play an announcement) and wakes it when its next
time-driven change is due (wrap-up ends, schedules, overflow).

Every change goes through this instance's :class:`EngineReplica`, which keeps
the engine in step with every other instance on the database through the
shared log in ``queue_events`` (see :mod:`queues.replica`). What the engine
decides for the calls of this instance goes to one
:class:`~queues.ports.QueueListener` (the call flow), handed in at :meth:`QueueService.start`.
Each instance acts only for the calls it *owns* (those that arrived on its
Asterisk): an offer decided anywhere rings the nurse through the owner's ARI.

The call flow's facts are submitted without waiting and applied in the order
given; what needs an answer (``set_nurse_state``, ``supervise``, callbacks) is
awaited. A restart replays the current generation, so nurse states, pauses,
wrap-ups and places in the queue survive.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from queues import events as ev
from queues.bookings import CallbackBookings
from queues.config import EngineConfig
from queues.engine import Engine
from queues.errors import ControlRejected, NurseStateRefused, QueueError, UnknownNurse
from queues.model import AgentState
from queues.ports import NATIONAL_SCOPE, QueueListener, RegionScope, Unheard
from queues.replica import EngineReplica
from queues.roster import Roster
from queues.sql import stored_events
from queues.statistics import Statistics, compute
from queues.views import nurse_view, queue_snapshot
from shared_kernel.health import HealthReporter

log = logging.getLogger(__name__)

S = AgentState


class QueueService:
    """The queues and nurses as this instance sees and drives them (engine-backed).

    The call flow submits its facts (:meth:`enqueue`, :meth:`answered`,
    :meth:`call_gone`…) and hears back through the listener given to :meth:`start`;
    people change nurse states and supervise through :meth:`set_nurse_state` and
    :meth:`supervise`; callback bookings are :attr:`bookings`."""

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
        health: HealthReporter | None = None,
    ) -> None:
        self._db = engine
        self._clock = clock
        self._regions = regions
        self._national = config.national_queue_id
        self._queue_names = dict(regions)
        self._queue_names[self._national] = national_queue_name
        self._instance = instance_id
        self._on_change = on_change or (lambda: None)
        self.replica = EngineReplica(db=engine, clock=clock, config=config,
                                     instance_id=instance_id, on_events=self._act,
                                     health=health)
        self.roster = Roster()
        self._listener: QueueListener = Unheard()
        self._timer: asyncio.Task[None] | None = None
        self._timer_wake = asyncio.Event()
        self._totals = {"answered": 0, "abandoned": 0}
        self.bookings = CallbackBookings(self.replica, self._answer, self._totals,
                                         self._on_change)
        """Callback bookings (återuppringning): park, dial, report (``queues.bookings``)."""

    @property
    def engine(self) -> Engine:
        """This instance's replica of the engine (read it; change it only through intents)."""
        return self.replica.engine

    # -- start ----------------------------------------------------------------------------------
    async def start(self, listener: QueueListener | None = None) -> None:
        """Read the roster, join the shared log (replay or a new generation), start the clock;
        from now on ``listener`` (the call flow) is told what to do for this instance's calls."""
        if listener is not None:
            self._listener = listener
        await self.roster.load(self._db)
        await self.replica.start(seed=self._seed)
        for info in self.roster.all():
            self._add_to_engine(info)
        if self._timer is None:
            self._timer = asyncio.get_running_loop().create_task(self._timer_loop())

    def _seed(self, engine: Engine, at: datetime) -> list[ev.Event]:
        """A new generation starts with every nurse of the roster (logged out)."""
        events: list[ev.Event] = []
        for info in self.roster.all():
            events += engine.add_nurse(info["nurse_id"], info["region"], at,
                                       endpoint=info["endpoint"])
        return events

    # -- changes ----------------------------------------------------------------------------------
    def _fire(self, intent: Callable[[datetime], list[ev.Event]], what: str) -> None:
        """Submit a change whose result nobody waits for (a failure is logged)."""
        def done(future: asyncio.Future[list[ev.Event]]) -> None:
            if not future.cancelled() and future.exception() is not None:
                log.warning("queue engine: %s not applied: %s", what, future.exception())

        self.replica.submit(intent).add_done_callback(done)

    # -- roster and nurse states --------------------------------------------------------------
    def add_nurse(self, nurse_id: str, display_name: str, region: str, endpoint: str,
                  username: str | None = None) -> None:
        self._add_to_engine(self.roster.remember(nurse_id, display_name, region, endpoint,
                                                 username))

    def _add_to_engine(self, info: dict[str, Any]) -> None:
        def intent(at: datetime) -> list[ev.Event]:
            if info["nurse_id"] in self.engine.agents:
                return []
            return self.engine.add_nurse(info["nurse_id"], info["region"], at,
                                         endpoint=info["endpoint"])
        if info["nurse_id"] not in self.engine.agents:
            self._fire(intent, f"adding nurse {info['nurse_id']}")

    def nurse_info(self, nurse_id: str) -> dict[str, Any] | None:
        """The nurse as the roster has her (name, region, endpoint, login), or None."""
        return self.roster.get(nurse_id)

    def nurse_state(self, nurse_id: str) -> str:
        return self.engine.nurse(nurse_id).state.value

    async def set_nurse_state(self, nurse_id: str, state: str, reason: str | None = None
                              ) -> dict[str, Any]:
        """Log a nurse in (ready), pause them with a reason, or log them out.

        Answered only once stored: a change that cannot be stored is not made and raises
        :class:`~contactcenter.health.StorageUnavailable`."""
        def intent(at: datetime) -> list[ev.Event]:
            engine, agent = self.engine, self.engine.nurse(nurse_id)
            if state == "ready":
                if agent.state is S.LOGGED_OUT:
                    return engine.log_in(nurse_id, at)
                if agent.state is S.PAUSED:
                    return engine.unpause(nurse_id, at)
                if agent.state is S.WRAP_UP:
                    return engine.end_wrap_up(nurse_id, at)
            elif state == "paused" and agent.state is not S.PAUSED:
                return engine.pause(nurse_id, at, reason or "other")
            elif state == "logged_out" and agent.state is not S.LOGGED_OUT:
                return engine.log_out(nurse_id, at, reason)
            return []
        try:
            await self.replica.submit(intent, durable=True)
        except UnknownNurse:
            raise
        except QueueError as exc:
            raise NurseStateRefused(str(exc), nurse_id, self.nurse_state(nurse_id)) from exc
        return self.nurse_view(nurse_id)

    # -- calls ----------------------------------------------------------------------------------
    def queue_of(self, region: str | None, *, national: bool = False) -> str:
        """The queue a call of ``region`` waits in: its region's, or the national one
        (``national``: the caller chose it, or the region is unknown or abroad)."""
        if national or region not in self._regions:
            return self._national
        return region

    @property
    def national_queue_id(self) -> str:
        return self._national

    def queue_visible(self, who: RegionScope, queue_id: str) -> bool:
        """Everyone sees the national queue; a regional queue only its region's users."""
        return queue_id == self._national or who.can_access_region(queue_id)

    def call_visible(self, who: RegionScope, region: str | None, queue_id: str | None
                     ) -> bool:
        """A call is seen by its region's users; one without a region by everyone in the
        national queue, elsewhere (the IVR) by national users only."""
        if region:
            return who.can_access_region(region)
        return queue_id == self._national or who.can_access_region(NATIONAL_SCOPE)

    def owns(self, call_id: str) -> bool:
        """Whether this instance acts for the call (it arrived on this instance's Asterisk)."""
        return self.replica.owners.get(call_id) == self._instance

    def enqueue(self, call_id: str, *, region: str | None, national: bool = False,
                arrived_at: datetime) -> str:
        """The caller waits (in the holding bridge of the queue returned); ``arrived_at`` is
        the original arrival. A call known from replay keeps its place."""
        queue_id = self.queue_of(region, national=national)

        def intent(at: datetime) -> list[ev.Event]:
            entry = self.engine.call(call_id)
            if entry is not None:  # known from replay: keep its place
                if entry.status == "offered" and entry.nurse_id:
                    return self.engine.decline(entry.nurse_id, at, "service_restarted",
                                               counted=False)  # not her miss
                return []
            return self.engine.call_arrived(call_id, region, at,
                                            national=queue_id == self._national,
                                            arrived_at=arrived_at)
        self._fire(intent, f"queueing call {call_id}")
        return queue_id

    def restore_on_call(self, nurse_id: str, call_id: str) -> None:
        """After a restart: the nurse is still talking on a call Asterisk kept bridged."""
        entry = self.engine.call(call_id)
        if entry is None or entry.status != "connected":
            log.warning("call %s: connected on Asterisk but not in the queue engine; its nurse "
                        "%s is not marked busy", call_id, nurse_id)

    def position(self, call_id: str) -> int | None:
        return self.engine.position(call_id)

    async def answered(self, call_id: str, nurse_id: str) -> bool:
        """The nurse picked up: claim the call for them. False if the offer was withdrawn
        meanwhile (they paused, were logged out…): the engine decides, not the phone."""
        try:
            await self.replica.submit(self._answer(call_id, nurse_id))
        except QueueError as exc:
            log.info("call %s: %s", call_id, exc)
            return False
        self._totals["answered"] += 1
        self._on_change()
        return True

    def _answer(self, call_id: str, nurse_id: str) -> Callable[[datetime], list[ev.Event]]:
        """The nurse takes the call offered to them; refused if that offer is gone."""
        def intent(at: datetime) -> list[ev.Event]:
            agent = self.engine.agents.get(nurse_id)
            if agent is None or agent.state is not S.OFFERED or agent.call_id != call_id:
                raise QueueError(f"{call_id} is no longer offered to {nurse_id}")
            return self.engine.answer(nurse_id, at)
        return intent

    def requeue(self, call_id: str, nurse_id: str, region: str | None, queue_id: str,
                arrived_at: datetime) -> None:
        # (queue_id: the queue the call waited in before the failed join)
        """Joining the answered call with its nurse failed and the caller is still there: the
        nurse goes to wrap-up and the caller back to the queue at their original arrival."""
        def intent(at: datetime) -> list[ev.Event]:
            events: list[ev.Event] = []
            agent = self.engine.agents.get(nurse_id)
            if agent is not None and agent.state is S.ON_CALL and agent.call_id == call_id:
                events += self.engine.end_call(nurse_id, at)
            if self.engine.call(call_id) is None:
                events += self.engine.call_arrived(call_id, region, at,
                                                   national=queue_id == self._national,
                                                   arrived_at=arrived_at)
            return events
        self._fire(intent, f"requeueing {call_id}")

    def offer_failed(self, call_id: str, nurse_id: str, reason: str) -> None:
        """The nurse did not take the call: it goes back to its place."""
        def intent(at: datetime) -> list[ev.Event]:
            agent = self.engine.agents.get(nurse_id)
            if agent is not None and agent.state is S.OFFERED and agent.call_id == call_id:
                return self.engine.decline(nurse_id, at, reason)
            return []
        self._fire(intent, f"offer of {call_id} to {nurse_id} failed")

    def withdraw_offer(self, call_id: str, nurse_id: str, reason: str) -> None:
        """An offer was made for a call that has already gone."""
        self._fire(lambda at: self.engine.hang_up(call_id, at), f"withdrawing {call_id}")

    def call_gone(self, call_id: str, nurse_id: str | None, *, connected: bool) -> None:
        """The call ended (or the caller left the queue). Whether it was with a nurse is the
        engine's to say: an answer it granted counts even if the bridge was not made yet."""
        def intent(at: datetime) -> list[ev.Event]:
            agent = self.engine.agents.get(nurse_id) if nurse_id else None
            entry = self.engine.call(call_id)
            if agent is not None and agent.state is S.ON_CALL and agent.call_id == call_id \
                    and entry is not None and entry.answered_ts:
                return self.engine.end_call(agent.nurse_id, at)
            events = self.engine.hang_up(call_id, at)
            if entry is not None and not connected:
                self._totals["abandoned"] += 1
            return events
        self._fire(intent, f"call {call_id} gone")
        self._on_change()

    def totals(self) -> dict[str, int]:
        return dict(self._totals)

    def waiting_count(self) -> int:
        return self.engine.waiting_count()

    # -- supervisor controls -----------------------------------------------------------------------
    async def supervise(self, command: str, **kwargs: Any) -> list[ev.Event]:
        """Run a supervisor command of the engine (``set_mode``, ``redirect``, ``set_crisis``,
        ``force_logout``, ``force_pause``, ``set_priority``…) now; returns its events once
        stored (or raises :class:`~contactcenter.health.StorageUnavailable`: not made)."""
        try:
            return await self.replica.submit(
                lambda at: getattr(self.engine, command)(at=at, **kwargs), durable=True)
        except QueueError as exc:
            raise ControlRejected(str(exc), command) from exc

    async def interval_statistics(self, since: datetime, until: datetime, *,
                                  service_level_seconds: int) -> Statistics:
        """Per 15-minute interval and queue, from the stored engine events in the window."""
        return compute(await stored_events(self._db, since, until),
                       service_level_seconds=service_level_seconds, until=until)

    # -- events out ---------------------------------------------------------------------------------
    def _act(self, events: list[ev.Event]) -> None:
        """Events applied here (this instance's or another's): act for the calls it owns."""
        announcements: list[ev.Announcement] = []
        for event in events:
            if isinstance(event, ev.CallOffered):
                if not self.owns(event.call_id):
                    continue
                endpoint = (self.roster.get(event.nurse_id) or {}).get("endpoint") \
                    or self.engine.nurse(event.nurse_id).endpoint
                self._listener.offered(event.call_id, event.nurse_id, endpoint,
                                       callback=event.callback)
            elif isinstance(event, ev.OfferWithdrawn):
                if self.owns(event.call_id):
                    self._listener.offer_withdrawn(event.call_id, event.nurse_id, event.reason)
            elif isinstance(event, ev.Announcement):
                self.bookings.offered(event.call_id, event.callback_offer)
                if self.owns(event.call_id):
                    announcements.append(event)
            elif isinstance(event, ev.CallQueued):
                self.bookings.offered(event.call_id, event.callback_offer)
                if event.crisis_message and self.owns(event.call_id):
                    self._listener.notice(event.call_id, "crisis")
            elif isinstance(event, (ev.CallAbandoned, ev.CallAnswered, ev.CallbackCompleted)):
                self.bookings.offered(event.call_id, None)
            elif isinstance(event, ev.CallRejected) and self.owns(event.call_id):
                self._listener.notice(event.call_id, "call_later")
        for announcement in announcements:
            # Only to callers still waiting once this step is done: a caller offered to a
            # nurse in the same step is about to be connected, not told their place.
            entry = self.engine.call(announcement.call_id)
            if entry is not None and entry.status == "waiting":
                self._listener.announce(announcement)
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
                await self.replica.submit(lambda at: self.engine.tick(at))
            except Exception:
                log.exception("queue engine tick failed")

    # -- persistence ---------------------------------------------------------------------------------
    async def flush(self) -> None:
        """Wait until every change submitted so far is applied and written."""
        await self.replica.flush()

    async def close(self, timeout: float = 10.0) -> None:
        """Stop the engine's clock and write what is pending (bounded by ``timeout``)."""
        if self._timer is not None:
            self._timer.cancel()
            await asyncio.gather(self._timer, return_exceptions=True)
            self._timer = None
        await self.replica.close(timeout)

    # -- views ------------------------------------------------------------------------------------------
    def nurse_view(self, nurse_id: str) -> dict[str, Any]:
        """One nurse's name, region, state (since when), call and pause reason."""
        return nurse_view(self.engine, self.roster.by_id, nurse_id)

    def nurse_snapshot(self) -> list[dict[str, Any]]:
        agents = sorted(self.engine.agents.values(), key=lambda a: (a.home_region, a.nurse_id))
        return [self.nurse_view(a.nurse_id) for a in agents]

    def queue_snapshot(self) -> list[dict[str, Any]]:
        return queue_snapshot(self.engine, self._queue_names, self._national)
