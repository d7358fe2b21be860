"""Time-driven changes of the engine (a mixin): the timer heap and what each timer does.

Timers are ``(due, order, sequence, kind, payload)`` in one heap: schedule flips
of collaboration modes, redirect windows, a call's overflow after
``after_seconds``, the end of a nurse's efterarbete, a callback retry, and
periodic announcements. A timer whose subject moved on is *dead* and skipped
(lazy deletion); :meth:`Engine.tick` runs the live ones due.
"""

from __future__ import annotations

import heapq
from datetime import datetime
from typing import Any

from queues.announcements import clamp_announcement
from queues.engine_base import EngineBase
from queues.events import Announcement, EligibilityChanged, Event, ModeChanged
from queues.index import CallEntry
from queues.model import AgentState

__all__ = ["Timers"]

S = AgentState


class Timers(EngineBase):
    """Mixin of :class:`~queues.engine.Engine`: push timers and handle them when due."""

    def _push(self, due: float, order: int, kind: str, payload: Any) -> None:
        self._seq += 1
        heapq.heappush(self._timers, (due, order, self._seq, kind, payload))

    def _push_mode_timer(self, mode: str, after: datetime) -> None:
        flip = self.rules.next_flip(mode, after)
        if flip is not None:
            self._push(flip.timestamp(), 0, "mode", mode)

    def _announce(self, entry: CallEntry, at: datetime, *, reminder: bool) -> list[Event]:
        rule = self._rule(entry.lane)
        position = self.calls.position(entry)
        wait = self._predicted(entry.lane, position)
        pos, rounded = clamp_announcement(position, wait, entry.announced_position,
                                          entry.announced_wait,
                                          self.config.announce_rounding_seconds,
                                          self.config.announce_increase_tolerance_seconds)
        entry.announced_position = pos
        if rounded is not None:
            entry.announced_wait = rounded
        offer = rule.callback_enabled and not entry.callback and (
            wait is None or wait > rule.max_predicted_wait_seconds)
        self._push(at.timestamp() + rule.announce_interval_seconds, 5, "announce",
                   entry.call_id)
        return [Announcement(at, entry.call_id, pos if rule.announce_position else None,
                             rounded, reminder, offer)]

    # -- internals: timers --------------------------------------------------------------------------
    def _timer_live(self, timer: tuple[float, int, int, str, Any]) -> bool:
        kind, payload = timer[3], timer[4]
        if kind == "wrap":
            agent = self.agents.get(payload[0])
            return agent is not None and agent.state is S.WRAP_UP and agent.wrap_seq == payload[1]
        if kind in ("age", "announce", "retry"):
            entry = self.calls.entries.get(payload)
            if entry is None:
                return False
            if kind == "age":
                return not entry.aged
            if kind == "retry":
                return entry.status == "parked"
            return not entry.callback and not entry.answered_ts
        return True

    def _timer_mode(self, mode: str, at: datetime) -> list[Event]:
        self._push_mode_timer(mode, at)
        is_open = self.rules.schedules[mode].is_open(at)
        if is_open == self.rules.scheduled[mode]:
            return []

        def flip() -> None:
            self.rules.scheduled[mode] = is_open
        state = "open" if is_open else "closed"
        return [ModeChanged(at, mode, state, "schedule", "opening hours"),
                *self._rules_changed(at, f"schedule_{state}:{mode}", flip)]

    def _timer_redirect(self, rid: str, at: datetime) -> list[Event]:
        active = {r for r, d in self.rules.redirects.items() if d.active(at)}
        if active == self.rules.active_redirects:
            return []

        def apply() -> None:
            self.rules.active_redirects = active
        state = "active" if rid in active else "inactive"
        return [ModeChanged(at, f"redirect:{rid}", state, "schedule", "redirect window"),
                *self._rules_changed(at, f"redirect:{rid}", apply)]

    def _timer_wrap(self, payload: tuple[str, int], at: datetime) -> list[Event]:
        agent = self.agents[payload[0]]
        if agent.state is not S.WRAP_UP or agent.wrap_seq != payload[1]:
            return []
        return self._wrap_up_over(agent, at)

    def _timer_retry(self, call_id: str, at: datetime) -> list[Event]:
        entry = self.calls.entries.get(call_id)
        if entry is None or entry.status != "parked":
            return []
        self.calls.to_bucket(entry)
        return self._call_waiting(entry, at)

    def _timer_age(self, call_id: str, at: datetime) -> list[Event]:
        entry = self.calls.entries.get(call_id)
        if entry is None or entry.aged:
            return []
        before = self.rules.answering(entry.lane, False)
        waiting = entry.status == "waiting"
        if waiting:
            self.calls.from_bucket(entry, "moving")
        entry.aged = True
        if waiting:
            self.calls.to_bucket(entry)
        after = self.rules.answering(entry.lane, True)
        added = tuple(sorted(set(after) - set(before)))
        events: list[Event] = []
        if added:
            events.append(EligibilityChanged(at, call_id, entry.lane, added, (),
                                             "overflow_after_seconds"))
        if waiting:
            events += self._call_waiting(entry, at)
        return events

    def _timer_announce(self, call_id: str, at: datetime) -> list[Event]:
        entry = self.calls.entries.get(call_id)
        if entry is None or entry.callback or entry.answered_ts:
            return []
        rule = self._rule(entry.lane)
        if entry.status != "waiting":  # ringing: say nothing now, keep the rhythm
            self._push(at.timestamp() + rule.announce_interval_seconds, 5, "announce", call_id)
            return []
        reminder = False
        if rule.emergency_reminder_seconds is not None and \
                at.timestamp() - entry.reminder_ts >= rule.emergency_reminder_seconds:
            reminder = True
            entry.reminder_ts = at.timestamp()
        return self._announce(entry, at, reminder=reminder)
