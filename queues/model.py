"""The queue context's model: one state machine per nurse (the engine's agents), with
server-side timestamps.

States (wire names): ``logged_out`` (utloggad), ``ready`` (redo), ``offered``
(ringer), ``on_call`` (i samtal), ``wrap_up`` (efterarbete) and ``paused``
(paus, always with a reason code). Every change goes through :meth:`Agent.move`,
which checks the transition table and returns the event to persist, so
wrap-up and pause are one state whatever queue the call came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from queues.errors import InvalidTransition
from queues.events import NurseStateChanged

__all__ = ["Agent", "AgentState"]


class AgentState(StrEnum):
    """A nurse's state as the engine sees it."""

    LOGGED_OUT = "logged_out"
    READY = "ready"
    OFFERED = "offered"
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"
    PAUSED = "paused"


_S = AgentState
_ALLOWED: dict[AgentState, frozenset[AgentState]] = {
    _S.LOGGED_OUT: frozenset({_S.READY}),
    _S.READY: frozenset({_S.OFFERED, _S.PAUSED, _S.LOGGED_OUT}),
    _S.OFFERED: frozenset({_S.ON_CALL, _S.READY, _S.PAUSED, _S.LOGGED_OUT}),
    _S.ON_CALL: frozenset({_S.WRAP_UP}),
    _S.WRAP_UP: frozenset({_S.READY, _S.PAUSED, _S.LOGGED_OUT}),
    _S.PAUSED: frozenset({_S.READY, _S.LOGGED_OUT}),
}


@dataclass(slots=True)
class Agent:
    """A nurse (sjuksköterska) known to the engine.

    ``skills`` holds languages (``lang:ar``), interpreter and relay skills
    (``interpreter``, ``relay:text``); a call is eligible only when its needs
    are a subset. ``serves`` maps the queues the nurse serves — regional queue
    ids (region codes), the national queue, the common queue, night pool and
    overflow group ids, ``redirect`` — to a weight (higher is preferred after
    priority); ``None`` serves every queue the rules allow, weight 1.
    ``wrap_up_seconds`` overrides the queue's wrap-up time for this nurse.
    ``idle_since`` orders ready nurses (longest idle first).
    """

    nurse_id: str
    home_region: str
    endpoint: str = ""
    skills: frozenset[str] = frozenset()
    serves: dict[str, int] | None = None
    wrap_up_seconds: int | None = None
    state: AgentState = AgentState.LOGGED_OUT
    state_since: datetime | None = None
    idle_since: float = 0.0
    call_id: str | None = None
    misses: int = 0
    pause_reason: str | None = None
    pending: tuple[str, str | None] | None = None  # ("pause", reason) | ("logout", reason)
    wrap_up_until: float = 0.0
    wrap_seq: int = 0

    def profile(self) -> tuple[str, frozenset[str], tuple[tuple[str, int], ...] | None]:
        """The matching profile: nurses with equal profiles are eligible for the same calls."""
        serves = None if self.serves is None else tuple(sorted(self.serves.items()))
        return (self.home_region, self.skills, serves)

    def move(self, to: AgentState, at: datetime, *, reason: str | None = None,
             call_id: str | None = None) -> NurseStateChanged:
        """Change state (or raise :class:`~queues.errors.InvalidTransition`)."""
        if to not in _ALLOWED[self.state]:
            raise InvalidTransition(self.nurse_id, self.state.value, f"go to {to.value}")
        event = NurseStateChanged(at, self.nurse_id, self.home_region, self.state.value,
                                  to.value, call_id if call_id is not None else self.call_id,
                                  reason)
        self.state = to
        self.state_since = at
        self.pause_reason = reason if to is AgentState.PAUSED else None
        if to is AgentState.READY:
            self.idle_since = at.timestamp()
        return event

    def snapshot(self) -> dict[str, object]:
        return {
            "nurse_id": self.nurse_id, "home_region": self.home_region,
            "skills": sorted(self.skills),
            "serves": None if self.serves is None else sorted(self.serves.items()),
            "state": self.state.value, "state_since": self.state_since,
            "idle_since": self.idle_since, "call_id": self.call_id, "misses": self.misses,
            "pause_reason": self.pause_reason, "pending": self.pending,
            "wrap_up_until": self.wrap_up_until,
        }
