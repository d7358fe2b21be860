"""The queue engine (ACD): who is offered which call, under every collaboration rule.

Pure and deterministic: no I/O, no clock reads. Every command takes the time
(``at``, an aware datetime) and returns the events it caused, starting with a
:class:`~queues.events.CommandReceived` record of the command itself, so
:meth:`Engine.replay` rebuilds the same state from the persisted events.

Matching
    * A call waits in its queue (lane): its origin region's queue, or the
      national queue (calls from abroad, relay calls, crisis redirects). It
      never moves; the set of regions whose nurses may take it widens
      (:mod:`queues.rules`), so it never loses its place.
    * When a nurse becomes ready they get the best eligible call: lowest
      priority value, then the highest weight of the queue they serve it
      through, then the earliest original arrival — with their own region's
      callers given a head start (``own_region_head_start_seconds``) — then
      arrival order.
    * When a call becomes eligible for ready nurses (it arrives, ages into an
      overflow group, a rule widens), the longest-idle eligible nurse gets it.
    * After every command no waiting call has an eligible ready nurse.

Time-driven changes (schedules, redirect windows, overflow after
``after_seconds``, wrap-up ends, callback retries, announcements) happen in
:meth:`Engine.tick`; :meth:`Engine.next_change_at` says when to call it.

Driving it (the adapter)
    caller in the holding bridge → ``call_arrived``; caller hangs up while
    waiting or ringing → ``hang_up``; nurse's leg answered → ``answer``; ring
    timeout or busy → ``decline``; either party ends the conversation →
    ``end_call``; nurse done documenting → ``end_wrap_up`` (else the wrap-up
    timer ends it); callback dialled → ``callback_result``. Act on the events
    returned (``CallOffered``: originate the nurse's leg or dial the callback;
    ``Announcement``: play it), persist them all, then sleep until
    ``next_change_at()`` (or the next fact) and call ``tick``. At start-up,
    ``Engine.replay(config, start, persisted_events)`` rebuilds the state.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from queues.announcements import HandleTimes, predicted_wait
from queues.callbacks import Callbacks
from queues.commands import aware as _aware
from queues.commands import command
from queues.config import EngineConfig, RegionRule
from queues.errors import DuplicateCall, UnknownCall, UnknownNurse
from queues.events import (
    CallAbandoned,
    CallAnswered,
    CallQueued,
    CallRejected,
    CommandReceived,
    Event,
    OfferWithdrawn,
)
from queues.index import CallEntry, CallIndex, ReadyIndex, remove_key
from queues.matching import Matcher
from queues.model import Agent, AgentState
from queues.nurse_commands import NurseCommands
from queues.rules import RuleState
from queues.supervisor import SupervisorCommands
from queues.timers import Timers

__all__ = ["Engine"]

S = AgentState


class Engine(NurseCommands, Matcher, Timers, Callbacks, SupervisorCommands):
    """The queue engine: calls, nurses, collaboration rules, timers and events.

    Create it with the configuration and the instant it starts at (schedules
    are evaluated from then). The nurse commands (:mod:`queues.nurse_commands`),
    call commands and supervisor commands (:mod:`queues.supervisor`) each
    return events.
    """

    def __init__(self, config: EngineConfig, start: datetime) -> None:
        self.config = config
        self.start = _aware(start)
        self.now = start
        self.rules = RuleState(config)
        self.calls = CallIndex()
        self.ready = ReadyIndex()
        self.agents: dict[str, Agent] = {}
        self.handle = HandleTimes(config.default_handle_seconds, config.handle_time_weight)
        self.available = dict.fromkeys(config.regions, 0)
        self._seq = 0
        self._timers = []
        self._cache_key = (-1, -1, -1)
        self._candidates = {}
        self._acceptors = {}
        self._dirty = set()
        self.tick_changed = False  # whether the last tick changed anything (it is recorded)
        for mode in self.rules.schedules:
            self.rules.scheduled[mode] = self.rules.schedules[mode].is_open(start)
            self._push_mode_timer(mode, start)
        for region in config.regions:
            why = self._pressure_reason(region) if self.rules.has_partners(region) else None
            if why is not None:
                self.rules.pressure[region] = why
        self.rules.bump()

    # -- replay -------------------------------------------------------------------------------
    @classmethod
    def replay(cls, config: EngineConfig, start: datetime, events: Iterable[Event]) -> Engine:
        """Rebuild an engine from persisted events (only the commands are re-run)."""
        engine = cls(config, start)
        for event in events:
            if isinstance(event, CommandReceived):
                getattr(engine, event.command)(**dict(event.args))
        return engine

    def snapshot(self) -> dict[str, Any]:
        """The whole state as plain values (two engines in the same state compare equal)."""
        r = self.rules
        return {
            "calls": {cid: e.snapshot() for cid, e in sorted(self.calls.entries.items())},
            "lanes": {k: list(v) for k, v in sorted(self.calls.lanes.items())},
            "buckets": {repr(k): list(v) for k, v in sorted(self.calls.buckets.items(),
                                                           key=lambda kv: repr(kv[0])) if v},
            "nurses": {nid: a.snapshot() for nid, a in sorted(self.agents.items())},
            "ready": {repr(k): list(v) for k, v in self.ready.by_profile.items() if v},
            "rules": {"scheduled": dict(r.scheduled), "forced": dict(r.forced),
                      "redirects": dict(r.redirects), "active": sorted(r.active_redirects),
                      "crisis": sorted(r.crisis_regions), "crisis_national": r.crisis_national,
                      "pressure": dict(r.pressure)},
            "handle": dict(self.handle.mean), "available": dict(self.available),
            "timers": sorted(t for t in self._timers if self._timer_live(t)),
        }

    # -- call commands ----------------------------------------------------------------------------
    @command
    def call_arrived(self, call_id: str, origin_region: str | None, at: datetime,
                     priority: int = 0, needs: frozenset[str] = frozenset(),
                     national: bool = False, arrived_at: datetime | None = None) -> list[Event]:
        """A caller joins the queue of ``origin_region`` (``national``: abroad, relay calls).

        In crisis mode the call goes to the national queue and ``crisis_message``
        is set. ``arrived_at`` keeps an earlier original arrival (a transfer in).
        A region that closes when the wait is too long rejects with "call later".
        """
        if call_id in self.calls.entries:
            raise DuplicateCall(call_id, "known to the engine")
        if origin_region is not None and origin_region not in self.available:
            origin_region = None
        crisis = self.rules.in_crisis(origin_region)
        lane = (self.config.national_queue_id if national or crisis or origin_region is None
                else origin_region)
        rule = self._rule(lane)
        wait = self._predicted(lane, self.calls.waiting.get(lane, 0) + 1)
        over = wait is None or wait > rule.max_predicted_wait_seconds
        if over and rule.close_when_over_limit:
            return [CallRejected(at, call_id, lane, "call_later", wait)]
        arrival = at if arrived_at is None else _aware(arrived_at)
        self._seq += 1
        entry = CallEntry(call_id, lane, origin_region, arrival, arrival.timestamp(),
                          int(priority), self._seq, frozenset(needs), crisis,
                          reminder_ts=at.timestamp())
        after = self.rules.overflow_after(lane) if lane in self.available else None
        if after is not None and entry.arrival_ts + after <= at.timestamp():
            entry.aged = True
        self.calls.add(entry)
        self.calls.to_bucket(entry)
        position = self.calls.position(entry)
        events: list[Event] = [CallQueued(at, call_id, lane, origin_region, entry.priority,
                                          arrival, entry.needs, position, wait,
                                          over and rule.callback_enabled, crisis)]
        if after is not None and not entry.aged:
            self._push(entry.arrival_ts + after, 4, "age", call_id)
        if self.config.announcements:
            events += self._announce(entry, at, reminder=False)
        self._dirty.add(lane)
        return events + self._call_waiting(entry, at) + self._settle(at)

    @command
    def hang_up(self, call_id: str, at: datetime) -> list[Event]:
        """The caller hung up before being answered: abandoned (position and wait recorded)."""
        entry = self.calls.entries.get(call_id)
        if entry is None or entry.callback or entry.status == "connected":
            return []
        events: list[Event] = []
        position = self.calls.position(entry)
        if entry.status == "offered":
            agent = self.agents[entry.nurse_id or ""]
            idle = agent.idle_since
            events.append(OfferWithdrawn(at, call_id, agent.nurse_id, "caller_hung_up"))
            events.append(self._move(agent, S.READY, at, reason="offer_withdrawn"))
            agent.idle_since = idle  # the caller left: the nurse keeps their idle place
            agent.call_id = None
        else:
            self.calls.from_bucket(entry, "gone")
        self.calls.drop(entry)
        events.append(CallAbandoned(at, call_id, entry.lane, entry.origin_region, position,
                                    at.timestamp() - entry.arrival_ts))
        if entry.nurse_id is not None:
            events += self._nurse_ready(self.agents[entry.nurse_id], at)
        self._dirty.add(entry.lane)
        return events + self._settle(at)

    # -- time ---------------------------------------------------------------------------------------
    @command
    def tick(self, at: datetime) -> list[Event]:
        """Apply every time-driven change due at or before ``at``."""
        now_ts = at.timestamp()
        events: list[Event] = []
        self.tick_changed = False
        while self._timers and self._timers[0][0] <= now_ts:
            timer = heapq.heappop(self._timers)
            if self._timer_live(timer):
                self.tick_changed = True
                events += getattr(self, f"_timer_{timer[3]}")(timer[4], at)
        return events + self._settle(at) if self.tick_changed else events

    def next_change_at(self) -> datetime | None:
        """When :meth:`tick` next has something to do (``None``: nothing scheduled)."""
        while self._timers and not self._timer_live(self._timers[0]):
            heapq.heappop(self._timers)
        if not self._timers:
            return None
        return datetime.fromtimestamp(self._timers[0][0], UTC)

    # -- queries ----------------------------------------------------------------------------------
    def nurse(self, nurse_id: str) -> Agent:
        return self._agent(nurse_id)

    def call(self, call_id: str) -> CallEntry | None:
        return self.calls.entries.get(call_id)

    def position(self, call_id: str) -> int | None:
        """1-based place of a waiting call (or callback entry) in its queue."""
        entry = self.calls.entries.get(call_id)
        if entry is None or entry.answered_ts:
            return None
        return self.calls.position(entry)

    def eligible_regions(self, call_id: str) -> frozenset[str]:
        """The regions whose nurses may take this call now."""
        entry = self._entry(call_id)
        return frozenset(self.rules.answering(entry.lane, entry.aged))

    def predicted_wait(self, queue_id: str) -> float | None:
        """Predicted seconds for a caller joining ``queue_id`` now (``None``: nobody staffed)."""
        return self._predicted(queue_id, self.calls.waiting.get(queue_id, 0) + 1)

    def callback_offer(self, queue_id: str) -> bool:
        """Whether a caller joining now should be offered a callback."""
        rule = self._rule(queue_id)
        wait = self.predicted_wait(queue_id)
        return rule.callback_enabled and (wait is None or wait > rule.max_predicted_wait_seconds)

    def waiting_count(self, queue_id: str | None = None) -> int:
        if queue_id is None:
            return sum(self.calls.waiting.values())
        return self.calls.waiting.get(queue_id, 0)

    # -- internals: helpers -----------------------------------------------------------------------
    def _agent(self, nurse_id: str) -> Agent:
        agent = self.agents.get(nurse_id)
        if agent is None:
            raise UnknownNurse(nurse_id)
        return agent

    def _entry(self, call_id: str) -> CallEntry:
        entry = self.calls.entries.get(call_id)
        if entry is None:
            raise UnknownCall(call_id, "known to the engine")
        return entry

    def _rule(self, lane: str) -> RegionRule:
        return self.config.rule_for(lane) if lane in self.available else \
            self.config.default_region_rule

    def _predicted(self, lane: str, position: int) -> float | None:
        if lane in self.available:
            return predicted_wait(position, self.handle.of(lane), self.available[lane])
        staffed = sum(self.available[r] for r in self.config.serving_national)
        return predicted_wait(position, self.config.default_handle_seconds, staffed)

    def _answered(self, entry: CallEntry, agent: Agent, at: datetime) -> list[Event]:
        entry.answered_ts = at.timestamp()
        entry.status = "connected"
        remove_key(self.calls.lanes[entry.lane], entry.key)
        return [CallAnswered(at, entry.call_id, agent.nurse_id, entry.lane,
                             entry.origin_region, agent.home_region,
                             at.timestamp() - entry.arrival_ts, entry.callback)]
