"""Matching of waiting calls and ready nurses, on the engine's indexes (a mixin of the engine).

For each nurse *profile* (home region, skills, queues served) the engine
derives, once per rule epoch, the buckets of calls the profile may take and
through which rule (``via``) and weight; and for each bucket the profiles
that accept it. A routing decision is then a look at a few bucket heads
(nurse ready) or a few ready-list heads (call waiting), never a scan of all
calls or all nurses.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from queues.engine_base import Candidate, EngineBase
from queues.events import CallOffered, EligibilityChanged, Event
from queues.index import BucketKey, CallEntry, Profile
from queues.model import Agent, AgentState

__all__ = ["Matcher"]

S = AgentState


class Matcher(EngineBase):
    """Mixin of :class:`~queues.engine.Engine`: match calls and nurses, settle pressure."""

    def _fresh_caches(self) -> None:
        key = (self.rules.epoch, self.calls.generation, self.ready.generation)
        if key != self._cache_key:
            self._candidates.clear()
            self._acceptors.clear()
            self._cache_key = key

    def _candidates_of(self, profile: Profile) -> dict[BucketKey, Candidate]:
        self._fresh_caches()
        found = self._candidates.get(profile)
        if found is None:
            found = self._candidates[profile] = self._derive_candidates(profile)
        return found

    def _derive_candidates(self, profile: Profile) -> dict[BucketKey, Candidate]:
        region, skills, serves = profile
        weights = None if serves is None else dict(serves)
        head_start = (self.config.own_region_head_start_seconds
                      if self.config.prefer_own_region else 0.0)
        out: dict[BucketKey, Candidate] = {}
        for bucket in self.calls.buckets:
            lane, aged, needs = bucket
            if not needs <= skills:
                continue
            vias = self.rules.answering(lane, aged).get(region)
            if not vias:
                continue
            if weights is None:
                weight, via = 1, vias[0]
            else:
                served = [(weights[v], v) for v in vias if v in weights]
                if not served:
                    continue
                weight, via = max(served, key=lambda wv: (wv[0], -vias.index(wv[1])))
            out[bucket] = (-weight, head_start if lane == region else 0.0, via)
        return out

    def _acceptors_of(self, bucket: BucketKey) -> list[Profile]:
        self._fresh_caches()
        found = self._acceptors.get(bucket)
        if found is None:
            found = [p for p in self.ready.by_profile if bucket in self._candidates_of(p)]
            self._acceptors[bucket] = found
        return found

    def _best_call(self, profile: Profile) -> tuple[str, str] | None:
        """The best waiting call for a nurse of this profile: (call id, via)."""
        buckets = self.calls.buckets
        best: tuple[tuple[int, int, float, int], str, str] | None = None
        for bucket, (neg_weight, head_start, via) in self._candidates_of(profile).items():
            items = buckets[bucket]
            if items:
                head = items[0]
                key = (head[0], neg_weight, head[1] - head_start, head[2])
                if best is None or key < best[0]:
                    best = (key, head[3], via)
        return None if best is None else (best[1], best[2])

    def _best_nurse(self, bucket: BucketKey) -> tuple[str, str] | None:
        """The longest-idle ready nurse who may take calls of this bucket: (nurse id, via)."""
        best: tuple[tuple[float, str], Profile] | None = None
        for profile in self._acceptors_of(bucket):
            items = self.ready.by_profile[profile]
            if items and (best is None or items[0] < best[0]):
                best = (items[0], profile)
        if best is None:
            return None
        return best[0][1], self._candidates_of(best[1])[bucket][2]

    def _offer(self, nurse_id: str, entry: CallEntry, via: str,
               at: datetime) -> list[Event]:
        agent = self.agents[nurse_id]
        self.calls.from_bucket(entry, "offered")
        entry.nurse_id, entry.via = nurse_id, via
        agent.call_id = entry.call_id
        state = self._move(agent, S.OFFERED, at)
        self._dirty.add(entry.lane)
        return [CallOffered(at, entry.call_id, nurse_id, entry.lane, entry.origin_region,
                            agent.home_region, via, entry.callback), state]

    def _nurse_ready(self, agent: Agent, at: datetime) -> list[Event]:
        """A nurse is READY: offer their best call, or put them in the ready index."""
        if agent.state is not S.READY:
            return []
        found = self._best_call(agent.profile())
        if found is not None:
            return self._offer(agent.nurse_id, self.calls.entries[found[0]], found[1], at)
        self.ready.add(agent)
        return []

    def _call_waiting(self, entry: CallEntry, at: datetime) -> list[Event]:
        """A call became eligible for more nurses (or arrived): offer it to the longest idle."""
        if entry.status != "waiting":
            return []
        found = self._best_nurse(entry.bucket)
        if found is None:
            return []
        return self._offer(found[0], entry, found[1], at)

    def _full_match(self, at: datetime) -> list[Event]:
        """After a widening: ready nurses, longest idle first, each take their best call."""
        nurses: list[tuple[float, str]] = []
        for profile, items in self.ready.by_profile.items():
            if items and any(self.calls.buckets[b] for b in self._candidates_of(profile)):
                nurses.extend(items)
        events: list[Event] = []
        for _, nurse_id in sorted(nurses):
            agent = self.agents[nurse_id]
            if agent.state is S.READY and nurse_id in self.ready.members:
                found = self._best_call(agent.profile())
                if found is not None:
                    events += self._offer(nurse_id, self.calls.entries[found[0]], found[1], at)
        return events

    def _rules_changed(self, at: datetime, reason: str,
                       mutate: Callable[[], None]) -> list[Event]:
        """Apply a rule change; report per queue what widened or narrowed; re-match."""
        before = self.rules.lane_regions()
        mutate()
        self.rules.bump()
        after = self.rules.lane_regions()
        events: list[Event] = []
        for lane in sorted(after):
            added = tuple(sorted(after[lane] - before[lane]))
            removed = tuple(sorted(before[lane] - after[lane]))
            if (added or removed) and self.calls.lanes.get(lane):
                events.append(EligibilityChanged(at, None, lane, added, removed, reason))
        return events + self._full_match(at)

    def _pressure_reason(self, region: str) -> str | None:
        waiting = self.calls.waiting.get(region, 0)
        available = self.available[region]
        for rule in self.config.overflow:
            if region not in rule.regions:
                continue
            if rule.when_no_nurse_logged_in and available == 0:
                return "no_nurse_logged_in"
            if waiting and rule.predicted_wait_over_seconds is not None:
                wait = self._predicted(region, waiting)
                if wait is None or wait > rule.predicted_wait_over_seconds:
                    return "predicted_wait"
            if waiting and rule.waiting_per_ready_over is not None and (
                    available == 0 or waiting / available > rule.waiting_per_ready_over):
                return "waiting_per_available_nurse"
        return None

    def _settle(self, at: datetime) -> list[Event]:
        """Re-evaluate pressure overflow for the regions touched; widen or narrow, re-match."""
        events: list[Event] = []
        for _ in range(4):
            dirty, self._dirty = self._dirty, set()
            changes: dict[str, str | None] = {}
            for region in sorted(dirty):
                if region in self.available and self.rules.has_partners(region):
                    why = self._pressure_reason(region)
                    if why != self.rules.pressure.get(region):
                        changes[region] = why
            if not changes:
                break

            def apply(changes: dict[str, str | None] = changes) -> None:
                for region, why in changes.items():
                    if why is None:
                        self.rules.pressure.pop(region, None)
                    else:
                        self.rules.pressure[region] = why
            reason = ",".join(f"overflow_{why or 'relieved'}:{region}"
                              for region, why in sorted(changes.items()))
            events += self._rules_changed(at, reason, apply)
        return events
