"""Callbacks (återuppringning) on the engine (a mixin): the caller hangs up, the place is kept.

A waiting caller may ask to be called back: their entry stays in the queue
with the same arrival time and is offered to a nurse when its turn comes
(``CallOffered.callback``). The nurse accepts (``answer``), the adapter dials
the caller and reports the outcome; a failed attempt parks the entry (still
holding its place) until the retry interval has passed, up to
``CallbackPolicy.max_attempts``.
"""

from __future__ import annotations

from datetime import datetime

from queues.commands import command
from queues.engine_base import EngineBase
from queues.errors import UnknownCall
from queues.events import CallbackAttempted, CallbackCompleted, CallbackRequested, Event
from queues.model import AgentState

__all__ = ["Callbacks"]

S = AgentState


class Callbacks(EngineBase):
    """Mixin of :class:`~queues.engine.Engine` with the callback commands."""

    @command
    def request_callback(self, call_id: str, at: datetime) -> list[Event]:
        """Återuppringning: the caller hangs up, their entry keeps its place in the queue."""
        entry = self._entry(call_id)
        if entry.status != "waiting" or entry.callback:
            raise UnknownCall(call_id, "waiting for a nurse")
        if not self._rule(entry.lane).callback_enabled:
            raise ValueError(f"queue {entry.lane} does not offer callbacks")
        entry.callback = True
        return [CallbackRequested(at, call_id, entry.lane, self.calls.position(entry))]

    @command
    def callback_result(self, call_id: str, at: datetime, outcome: str) -> list[Event]:
        """The dialled callback's outcome: ``answered``, or ``no_answer``/``busy`` (retry later)."""
        entry = self._entry(call_id)
        agent = self._agent(entry.nurse_id or "")
        if not entry.callback or entry.status != "connected" or agent.state is not S.ON_CALL:
            raise UnknownCall(call_id, "a callback being dialled")
        entry.attempts += 1
        events: list[Event] = [CallbackAttempted(at, call_id, agent.nurse_id, entry.attempts,
                                                 outcome)]
        if outcome == "answered":
            events += self._answered(entry, agent, at)
            events.append(CallbackCompleted(at, call_id, entry.lane, "answered", entry.attempts))
            return events
        events.append(self._move(agent, S.WRAP_UP, at, reason="callback_not_reached"))
        events += self._wrap_up_over(agent, at)
        entry.nurse_id = entry.via = None
        if entry.attempts >= self.config.callback.max_attempts:
            self.calls.drop(entry)
            events.append(CallbackCompleted(at, call_id, entry.lane, "failed", entry.attempts))
        else:
            entry.status = "parked"
            self._push(at.timestamp() + self.config.callback.retry_interval_seconds, 3,
                       "retry", call_id)
        self._dirty.add(entry.lane)
        return events + self._settle(at)
