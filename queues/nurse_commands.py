"""The nurse's commands on the engine (a mixin): logging in and out, paus, answering, wrap-up.

Every command moves the nurse through :class:`~queues.model.AgentState`
(utloggad, redo, ringer, i samtal, efterarbete, paus) and returns the events
it caused, starting with its :class:`~queues.events.CommandReceived` record; a
nurse who becomes ready is offered the best eligible call at once. The state
moves here (``_move``, ``_leave``, ``_wrap_up_over``) are shared with the
other parts through :class:`~queues.engine_base.EngineBase`.
"""

from __future__ import annotations

from datetime import datetime

from queues.commands import command
from queues.engine_base import EngineBase
from queues.errors import DuplicateNurse, InvalidTransition
from queues.events import CallEnded, Event, OfferDeclined, OfferWithdrawn
from queues.index import CallEntry
from queues.model import Agent, AgentState

__all__ = ["NurseCommands"]

S = AgentState


class NurseCommands(EngineBase):
    """Mixin of :class:`~queues.engine.Engine` with the nurse's commands and state moves."""

    @command
    def add_nurse(self, nurse_id: str, home_region: str, at: datetime, endpoint: str = "",
                  skills: frozenset[str] = frozenset(),
                  serves: tuple[tuple[str, int], ...] | None = None,
                  wrap_up_seconds: int | None = None) -> list[Event]:
        """Register a nurse (logged out). ``serves``: (queue id, weight) pairs, or all queues."""
        if nurse_id in self.agents:
            raise DuplicateNurse(nurse_id)
        if home_region not in self.available:
            raise ValueError(f"unknown region {home_region!r}")
        self.agents[nurse_id] = Agent(nurse_id, home_region, endpoint, frozenset(skills),
                                      None if serves is None else dict(serves), wrap_up_seconds)
        return []

    @command
    def log_in(self, nurse_id: str, at: datetime) -> list[Event]:
        """Utloggad → redo; the nurse is offered the best eligible call at once."""
        agent = self._agent(nurse_id)
        events: list[Event] = [self._move(agent, S.READY, at)]
        agent.misses = 0
        return events + self._nurse_ready(agent, at) + self._settle(at)

    @command
    def log_out(self, nurse_id: str, at: datetime, reason: str | None = None) -> list[Event]:
        """Log out now (redo, paus, efterarbete), or after the current call and its wrap-up."""
        return self._leave(self._agent(nurse_id), at, "logout", reason)

    @command
    def pause(self, nurse_id: str, at: datetime, reason: str) -> list[Event]:
        """Paus with a reason code: now when ready, or after the current call and wrap-up."""
        return self._leave(self._agent(nurse_id), at, "pause", reason)

    @command
    def unpause(self, nurse_id: str, at: datetime) -> list[Event]:
        """Paus → redo (or cancel a pause requested for after the current call)."""
        agent = self._agent(nurse_id)
        if agent.state is not S.PAUSED:
            if agent.pending is not None and agent.pending[0] == "pause":
                agent.pending = None
                return []
            raise InvalidTransition(nurse_id, agent.state.value, "unpause")
        events: list[Event] = [self._move(agent, S.READY, at, reason="unpause")]
        agent.misses = 0
        return events + self._nurse_ready(agent, at) + self._settle(at)

    @command
    def answer(self, nurse_id: str, at: datetime) -> list[Event]:
        """Ringer → i samtal. For a callback entry the nurse now dials the caller."""
        agent = self._agent(nurse_id)
        entry = self._current(agent, S.OFFERED, "answer")
        agent.misses = 0
        events: list[Event] = [self._move(agent, S.ON_CALL, at)]
        entry.status = "connected"
        if not entry.callback:
            events += self._answered(entry, agent, at)
        return events

    @command
    def decline(self, nurse_id: str, at: datetime, reason: str = "no_answer",
                counted: bool = True) -> list[Event]:
        """The nurse did not take the offer: the call goes back to its place.

        Other eligible ready nurses are tried first; the nurse goes to the back
        of the idle line, or to paus after ``auto_pause_after_misses`` misses.
        ``counted=False``: the offer was given up for a reason that is not the
        nurse's (the service restarted while her phone rang), so it is no miss.
        """
        agent = self._agent(nurse_id)
        entry = self._current(agent, S.OFFERED, "decline")
        if counted:
            agent.misses += 1
        events: list[Event] = [OfferDeclined(at, entry.call_id, nurse_id, reason)]
        limit = self.config.auto_pause_after_misses
        if limit is not None and agent.misses >= limit:
            events.append(self._move(agent, S.PAUSED, at, reason="auto_pause_unanswered"))
        else:
            events.append(self._move(agent, S.READY, at, reason=reason))
        agent.call_id = None
        entry.nurse_id = entry.via = None
        self.calls.to_bucket(entry)
        events += self._call_waiting(entry, at)
        if agent.state is S.READY:
            events += self._nurse_ready(agent, at)
        return events + self._settle(at)

    @command
    def end_call(self, nurse_id: str, at: datetime, transferred: bool = False) -> list[Event]:
        """I samtal → efterarbete (also after a transfer): wrap-up time of the call's queue.

        The nurse's own wrap-up time, when set, wins. No call is offered until
        the wrap-up ends (:meth:`tick` at its end, or :meth:`end_wrap_up`).
        """
        agent = self._agent(nurse_id)
        entry = self._current(agent, S.ON_CALL, "end_call")
        if not entry.answered_ts:
            raise InvalidTransition(nurse_id, "dialling a callback", "end_call",
                                    "report callback_result first")
        wrap = agent.wrap_up_seconds
        if wrap is None:
            wrap = (self.config.national_wrap_up_seconds if entry.lane not in self.available
                    else self.config.rule_for(entry.lane).wrap_up_seconds)
        talk = at.timestamp() - entry.answered_ts
        self.handle.add(self._region_of(entry.lane, agent), talk + wrap)
        self.calls.drop(entry)
        events: list[Event] = [
            CallEnded(at, entry.call_id, nurse_id, entry.lane, talk, wrap, transferred),
            self._move(agent, S.WRAP_UP, at)]
        agent.wrap_seq += 1
        agent.wrap_up_until = at.timestamp() + wrap
        self._push(agent.wrap_up_until, 2, "wrap", (nurse_id, agent.wrap_seq))
        self._dirty.add(entry.lane)
        return events + self._settle(at)

    @command
    def end_wrap_up(self, nurse_id: str, at: datetime) -> list[Event]:
        """The nurse finished efterarbete early."""
        agent = self._agent(nurse_id)
        if agent.state is not S.WRAP_UP:
            raise InvalidTransition(nurse_id, agent.state.value, "end_wrap_up")
        return self._wrap_up_over(agent, at) + self._settle(at)

    # -- internals: the nurse's state moves --------------------------------------------------
    def _current(self, agent: Agent, state: AgentState, action: str) -> CallEntry:
        if agent.state is not state or agent.call_id is None:
            raise InvalidTransition(agent.nurse_id, agent.state.value, action)
        return self.calls.entries[agent.call_id]

    def _region_of(self, lane: str, agent: Agent) -> str:
        return lane if lane in self.available else agent.home_region

    def _move(self, agent: Agent, to: AgentState, at: datetime, *,
              reason: str | None = None) -> Event:
        was = agent.state not in (S.LOGGED_OUT, S.PAUSED)
        was_ready = agent.state is S.READY
        event = agent.move(to, at, reason=reason)  # raises before anything changes
        if was_ready:  # READY -> READY is no transition, so idle_since is unchanged
            self.ready.remove(agent)
        now = to not in (S.LOGGED_OUT, S.PAUSED)
        if was != now:
            self.available[agent.home_region] += 1 if now else -1
            self._dirty.add(agent.home_region)
        return event

    def _wrap_up_over(self, agent: Agent, at: datetime) -> list[Event]:
        agent.call_id = None
        agent.wrap_seq += 1
        pending, agent.pending = agent.pending, None
        if pending is not None and pending[0] == "logout":
            return [self._move(agent, S.LOGGED_OUT, at, reason=pending[1])]
        if pending is not None:
            return [self._move(agent, S.PAUSED, at, reason=pending[1])]
        return [self._move(agent, S.READY, at)] + self._nurse_ready(agent, at)

    def _leave(self, agent: Agent, at: datetime, kind: str, reason: str | None) -> list[Event]:
        target = S.LOGGED_OUT if kind == "logout" else S.PAUSED
        if agent.state is S.LOGGED_OUT or (agent.state is S.PAUSED and kind == "pause"):
            raise InvalidTransition(agent.nurse_id, agent.state.value, kind)
        events: list[Event] = []
        if agent.state in (S.ON_CALL, S.WRAP_UP):
            agent.pending = (kind, reason)
            return []
        if agent.state is S.OFFERED:
            entry = self.calls.entries[agent.call_id or ""]
            events.append(OfferWithdrawn(at, entry.call_id, agent.nurse_id, kind))
            agent.call_id = None
            entry.nurse_id = entry.via = None
            events.append(self._move(agent, target, at, reason=reason))
            self.calls.to_bucket(entry)
            events += self._call_waiting(entry, at)
        else:
            events.append(self._move(agent, target, at, reason=reason))
        return events + self._settle(at)
