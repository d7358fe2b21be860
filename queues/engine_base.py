"""The engine's shared state and the internal operations its parts call on each other.

:class:`~queues.engine.Engine` is assembled from parts (nurse commands, matching, timers,
callbacks, supervisor commands), each a class deriving from :class:`EngineBase`,
so each part's code is type-checked against the same attributes. The methods
here are implemented by :class:`~queues.engine.Engine` or one of its parts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from queues.announcements import HandleTimes
from queues.config import EngineConfig, RegionRule
from queues.events import Event
from queues.index import BucketKey, CallEntry, CallIndex, Profile, ReadyIndex
from queues.model import Agent, AgentState
from queues.rules import RuleState

__all__ = ["Candidate", "EngineBase", "Timer"]

Candidate = tuple[int, float, str]  # (-weight, own-region head start in seconds, via)
Timer = tuple[float, int, int, str, Any]  # (due, order, sequence, kind, payload)


class EngineBase:
    """Attributes of the engine and the internal operations shared by its parts."""

    config: EngineConfig
    start: datetime
    now: datetime
    rules: RuleState
    calls: CallIndex
    ready: ReadyIndex
    agents: dict[str, Agent]
    handle: HandleTimes
    available: dict[str, int]  # region -> nurses logged in and not on paus
    tick_changed: bool
    _seq: int
    _timers: list[Timer]
    _cache_key: tuple[int, int, int]
    _candidates: dict[Profile, dict[BucketKey, Candidate]]
    _acceptors: dict[BucketKey, list[Profile]]
    _dirty: set[str]

    def _agent(self, nurse_id: str) -> Agent:
        raise NotImplementedError

    def _entry(self, call_id: str) -> CallEntry:
        raise NotImplementedError

    def _rule(self, lane: str) -> RegionRule:
        raise NotImplementedError

    def _predicted(self, lane: str, position: int) -> float | None:
        raise NotImplementedError

    def _move(self, agent: Agent, to: AgentState, at: datetime, *,
              reason: str | None = None) -> Event:
        raise NotImplementedError

    def _answered(self, entry: CallEntry, agent: Agent, at: datetime) -> list[Event]:
        raise NotImplementedError

    def _wrap_up_over(self, agent: Agent, at: datetime) -> list[Event]:
        raise NotImplementedError

    def _leave(self, agent: Agent, at: datetime, kind: str, reason: str | None) -> list[Event]:
        raise NotImplementedError

    def _settle(self, at: datetime) -> list[Event]:
        raise NotImplementedError

    def _call_waiting(self, entry: CallEntry, at: datetime) -> list[Event]:
        raise NotImplementedError

    def _nurse_ready(self, agent: Agent, at: datetime) -> list[Event]:
        raise NotImplementedError

    def _rules_changed(self, at: datetime, reason: str, mutate: Any) -> list[Event]:
        raise NotImplementedError

    def _push(self, due: float, order: int, kind: str, payload: Any) -> None:
        raise NotImplementedError

    def _timer_redirect(self, rid: str, at: datetime) -> list[Event]:
        raise NotImplementedError
