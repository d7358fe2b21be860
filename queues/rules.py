"""Which regions' nurses may answer which callers, from the collaboration rules at a time.

A waiting call never moves: its *eligibility* widens. For a call waiting in
queue ``lane`` (its origin region's queue, or the national queue) at stage
``aged`` (it has waited the overflow group's ``after_seconds``), the answering
regions are:

* the origin region itself, always (via its own queue id);
* every participating region while the national common queue (nationell
  samverkanskö) is open and the origin participates;
* the answering region of an open night pool (nattsamverkan) the origin is in;
* the partners of an overflow group when the call is aged, or when the
  origin region is under pressure (predicted wait, callers per ready nurse,
  nobody logged in) — pressure widens every call of the region at once;
* the target of an active temporary redirect from the origin region;
* for the national queue: the regions connected to it.

:class:`RuleState` holds the changing inputs (schedule state, supervisor
overrides, redirects, crisis, pressure) and an ``epoch`` that increases on
every change, so the engine can cache what it derives from the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from queues.config import EngineConfig, WeeklySchedule

__all__ = ["REDIRECT", "Redirect", "RuleState"]

#: The ``via`` (and ``serves`` key) of calls reaching a nurse through a redirect.
REDIRECT = "redirect"


@dataclass(frozen=True, slots=True)
class Redirect:
    """Region ``from_region``'s callers may be answered by ``to_region`` from ``start`` to ``end``."""

    id: str
    from_region: str
    to_region: str
    start: datetime
    end: datetime

    def active(self, at: datetime) -> bool:
        return self.start <= at < self.end


class RuleState:
    """The current state of every collaboration rule, and the answering regions it implies."""

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self.schedules: dict[str, WeeklySchedule] = {}
        if config.common is not None:
            self.schedules[config.common.id] = config.common.schedule
        for pool in config.night_pools:
            self.schedules[pool.id] = pool.schedule
        self.scheduled: dict[str, bool] = {mode: False for mode in self.schedules}
        self.forced: dict[str, bool] = {}
        self.redirects: dict[str, Redirect] = {}
        self.active_redirects: set[str] = set()
        self.crisis_regions: set[str] = set()
        self.crisis_national = False
        self.pressure: dict[str, str] = {}  # region -> reason, while under pressure
        self.epoch = 0
        self._cache: dict[tuple[str, bool], dict[str, tuple[str, ...]]] = {}
        self._partners: dict[str, list[tuple[str, frozenset[str]]]] = {}
        for rule in config.overflow:
            for region in rule.regions:
                self._partners.setdefault(region, []).append((rule.id, rule.regions))

    def bump(self) -> None:
        """The rules changed: everything derived from them is stale."""
        self.epoch += 1
        self._cache.clear()

    def is_open(self, mode: str) -> bool:
        """A collaboration mode's state: a supervisor's force, else its schedule."""
        forced = self.forced.get(mode)
        return self.scheduled.get(mode, False) if forced is None else forced

    def in_crisis(self, region: str | None) -> bool:
        return self.crisis_national or (region is not None and region in self.crisis_regions)

    def overflow_after(self, region: str) -> int | None:
        """Seconds after which a call of ``region`` widens to its partners (the smallest)."""
        times = [r.after_seconds for r in self.config.overflow if region in r.regions]
        return min(times) if times else None

    def has_partners(self, region: str) -> bool:
        return region in self._partners

    def answering(self, lane: str, aged: bool) -> dict[str, tuple[str, ...]]:
        """Answering region → the ids of the rules (``via``) that let it answer ``lane``."""
        key = (lane, aged)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        out: dict[str, list[str]] = {}

        def add(region: str, via: str) -> None:
            vias = out.setdefault(region, [])
            if via not in vias:
                vias.append(via)

        cfg = self.config
        if lane == cfg.national_queue_id:
            for region in sorted(cfg.serving_national):
                add(region, lane)
        else:
            add(lane, lane)
            common = cfg.common
            if common is not None and lane in common.regions and self.is_open(common.id):
                for region in sorted(common.regions):
                    add(region, common.id)
            for pool in cfg.night_pools:
                if lane in pool.regions and self.is_open(pool.id):
                    add(pool.answering_region, pool.id)
            for rule_id, regions in self._partners.get(lane, ()):
                forced = self.forced.get(rule_id)
                if forced or (forced is None and (aged or lane in self.pressure)):
                    for region in sorted(regions):
                        add(region, rule_id)
            for rid in sorted(self.active_redirects):
                redirect = self.redirects[rid]
                if redirect.from_region == lane:
                    add(redirect.to_region, REDIRECT)
        result = {region: tuple(vias) for region, vias in out.items()}
        self._cache[key] = result
        return result

    def lane_regions(self) -> dict[str, frozenset[str]]:
        """Per queue, the regions answering its not-yet-aged calls (to report what changed)."""
        lanes = [*self.config.regions, self.config.national_queue_id]
        return {lane: frozenset(self.answering(lane, False)) for lane in lanes}

    def next_flip(self, mode: str, after: datetime) -> datetime | None:
        return self.schedules[mode].next_change(after)
