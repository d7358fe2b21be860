"""Supervisor commands on the engine (a mixin): each takes effect at once and says who and why.

Open or close a collaboration mode regardless of its schedule, redirect a
region's callers for a time window, crisis mode on and off, move a nurse
between queues or skills, force a nurse's logout or paus, and change a
waiting call's priority. Every command returns a
:class:`~queues.events.ModeChanged`, :class:`~queues.events.NurseChanged` or
:class:`~queues.events.PriorityChanged` event with ``by`` and ``why``,
followed by whatever re-matching the change caused.
"""

from __future__ import annotations

from datetime import datetime

from queues.commands import aware, command
from queues.engine_base import EngineBase
from queues.errors import UnknownCall
from queues.events import Event, ModeChanged, NurseChanged, PriorityChanged
from queues.model import AgentState
from queues.rules import Redirect

__all__ = ["SupervisorCommands"]


class SupervisorCommands(EngineBase):
    """Mixin of :class:`~queues.engine.Engine` with the supervisor's commands."""

    @command
    def set_mode(self, mode: str, at: datetime, open: bool | None, by: str,
                 why: str) -> list[Event]:
        """Force a collaboration mode open (``True``) or closed (``False``); ``None``: follow
        its schedule again. Modes: the common queue, night pools, overflow groups."""
        known = set(self.rules.schedules) | {r.id for r in self.config.overflow}
        if mode not in known:
            raise ValueError(f"unknown collaboration mode {mode!r}")

        def apply() -> None:
            if open is None:
                self.rules.forced.pop(mode, None)
            else:
                self.rules.forced[mode] = open
        state = "schedule" if open is None else ("forced_open" if open else "forced_closed")
        event = ModeChanged(at, mode, state, by, why)
        return [event, *self._rules_changed(at, f"supervisor_{state}:{mode}", apply)]

    @command
    def redirect(self, redirect_id: str, from_region: str, to_region: str,
                 start: datetime, end: datetime, at: datetime, by: str,
                 why: str) -> list[Event]:
        """Temporary redirect: ``to_region`` may answer ``from_region``'s callers in [start, end)."""
        for region in (from_region, to_region):
            if region not in self.available:
                raise ValueError(f"unknown region {region!r}")
        if not aware(start) < aware(end):
            raise ValueError("a redirect must end after it starts")
        self.rules.redirects[redirect_id] = Redirect(redirect_id, from_region, to_region,
                                                     start, end)
        for when in (start, end):
            if when > at:
                self._push(when.timestamp(), 1, "redirect", redirect_id)
        event = ModeChanged(at, f"redirect:{redirect_id}",
                            f"{from_region}->{to_region} {start.isoformat()}/{end.isoformat()}",
                            by, why)
        return [event, *self._timer_redirect(redirect_id, at)]

    @command
    def cancel_redirect(self, redirect_id: str, at: datetime, by: str,
                        why: str) -> list[Event]:
        """End a redirect now."""
        if redirect_id not in self.rules.redirects:
            raise ValueError(f"unknown redirect {redirect_id!r}")
        del self.rules.redirects[redirect_id]
        event = ModeChanged(at, f"redirect:{redirect_id}", "cancelled", by, why)
        return [event, *self._timer_redirect(redirect_id, at)]

    @command
    def set_crisis(self, region: str | None, on: bool, at: datetime, by: str,
                   why: str) -> list[Event]:
        """Crisis mode for a region (``None``: national): new callers go to the national queue
        and hear the crisis message. Callers already waiting keep their place."""
        if region is None:
            self.rules.crisis_national = on
        elif region not in self.available:
            raise ValueError(f"unknown region {region!r}")
        elif on:
            self.rules.crisis_regions.add(region)
        else:
            self.rules.crisis_regions.discard(region)
        return [ModeChanged(at, f"crisis:{region or 'national'}", "on" if on else "off", by, why)]

    @command
    def set_nurse_queues(self, nurse_id: str, at: datetime,
                         serves: tuple[tuple[str, int], ...] | None,
                         skills: frozenset[str], by: str, why: str) -> list[Event]:
        """Move a nurse between queues (``serves``: queue id and weight) or skills; re-match."""
        agent = self._agent(nurse_id)
        ready = agent.state is AgentState.READY
        if ready:
            self.ready.remove(agent)
        agent.serves = None if serves is None else dict(serves)
        agent.skills = frozenset(skills)
        event = NurseChanged(at, nurse_id, serves, agent.skills, by, why)
        return [event, *(self._nurse_ready(agent, at) if ready else [])]

    @command
    def force_logout(self, nurse_id: str, at: datetime, by: str,
                     why: str) -> list[Event]:
        """Log a nurse out (after their current call and efterarbete, if any)."""
        return self._leave(self._agent(nurse_id), at, "logout", f"supervisor:{by}:{why}")

    @command
    def force_pause(self, nurse_id: str, at: datetime, reason: str, by: str,
                    why: str) -> list[Event]:
        """Put a nurse on paus with a reason code (after their current call, if any)."""
        return self._leave(self._agent(nurse_id), at, "pause", f"{reason}|supervisor:{by}:{why}")

    @command
    def set_priority(self, call_id: str, priority: int, at: datetime, by: str,
                     why: str) -> list[Event]:
        """Change a waiting call's priority; its original arrival time is kept."""
        entry = self.calls.entries.get(call_id)
        if entry is None or entry.status == "connected":
            raise UnknownCall(call_id, "waiting")
        old = entry.priority
        self.calls.rekey(entry, int(priority))
        return [PriorityChanged(at, call_id, old, entry.priority, by, why),
                *self._call_waiting(entry, at)]
