"""Queue statistics computed from the engine's events (pure; nothing is kept as counters).

Because statistics are a function of the persisted events, a restart never
resets them (a lesson from peer software). Intervals are 15 minutes on exact
UTC boundaries, as workforce-management (staffing) systems expect.

Per interval and queue (the region's queue, or the national queue):
offered (entered the queue), answered, abandoned (and short abandons within
``short_abandon_seconds``), answered within the service level
(``service_level_seconds``, default 180 s), average and longest wait of the
answered, callbacks requested and completed, and handle time (talk +
efterarbete). Service level SL = answered within T / answered. SL counts only
the callers who got through, so an interval where most callers gave up still
shows SL 1.0 when the few answered were quick; SL2 = answered within T /
(answered + abandoned − short abandons) counts the callers who gave up as
missed (a short abandon, within ``short_abandon_seconds``, is a caller who
hung up before anyone could answer, and counts in neither).

Per interval and region: nurse occupancy = time offered, on call or in wrap-up
÷ time logged in and not on paus.

The **ledger** (samverkan account): per interval and pair of regions, how many
calls of one region were answered by nurses of the other — the fairness
account regions in the common queue ask for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from queues.events import (
    CallAbandoned,
    CallAnswered,
    CallbackCompleted,
    CallbackRequested,
    CallEnded,
    CallQueued,
    Event,
    NurseStateChanged,
)

__all__ = ["IntervalStats", "Statistics", "compute", "interval_start"]

_BUSY = frozenset({"offered", "on_call", "wrap_up"})
_STAFFED = frozenset({"ready", "offered", "on_call", "wrap_up"})


def interval_start(at: datetime, minutes: int = 15) -> datetime:
    """The start (UTC) of the interval holding ``at``."""
    utc = at.astimezone(UTC)
    return utc.replace(minute=utc.minute - utc.minute % minutes, second=0, microsecond=0)


@dataclass
class IntervalStats:
    """One queue's figures for one interval."""

    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    short_abandoned: int = 0
    answered_within_sl: int = 0
    total_wait: float = 0.0
    longest_wait: float = 0.0
    callbacks_requested: int = 0
    callbacks_completed: int = 0
    handle_seconds: float = 0.0

    @property
    def average_wait(self) -> float:
        return self.total_wait / self.answered if self.answered else 0.0

    @property
    def service_level(self) -> float | None:
        return self.answered_within_sl / self.answered if self.answered else None

    @property
    def service_level_2(self) -> float | None:
        """SL2: abandons (other than short ones) count as calls not answered in time."""
        handled = self.answered + self.abandoned - self.short_abandoned
        return self.answered_within_sl / handled if handled else None

    def add(self, other: IntervalStats) -> None:
        for name in ("offered", "answered", "abandoned", "short_abandoned",
                     "answered_within_sl", "total_wait", "callbacks_requested",
                     "callbacks_completed", "handle_seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.longest_wait = max(self.longest_wait, other.longest_wait)

    def as_dict(self) -> dict[str, float | int | None]:
        return {"offered": self.offered, "answered": self.answered,
                "abandoned": self.abandoned, "short_abandoned": self.short_abandoned,
                "answered_within_sl": self.answered_within_sl,
                "service_level": self.service_level,
                "service_level_2": self.service_level_2, "average_wait": self.average_wait,
                "longest_wait": self.longest_wait,
                "callbacks_requested": self.callbacks_requested,
                "callbacks_completed": self.callbacks_completed,
                "handle_seconds": self.handle_seconds}


@dataclass
class Statistics:
    """Everything :func:`compute` derives; keys hold interval starts (UTC)."""

    queues: dict[tuple[datetime, str], IntervalStats] = field(default_factory=dict)
    busy_seconds: dict[tuple[datetime, str], float] = field(default_factory=dict)
    staffed_seconds: dict[tuple[datetime, str], float] = field(default_factory=dict)
    ledger: dict[tuple[datetime, str, str], int] = field(default_factory=dict)

    def occupancy(self, start: datetime, region: str) -> float | None:
        staffed = self.staffed_seconds.get((start, region), 0.0)
        return self.busy_seconds.get((start, region), 0.0) / staffed if staffed else None

    def totals_by_queue(self) -> dict[str, IntervalStats]:
        out: dict[str, IntervalStats] = {}
        for (_, queue), stats in self.queues.items():
            out.setdefault(queue, IntervalStats()).add(stats)
        return out

    def total(self) -> IntervalStats:
        out = IntervalStats()
        for stats in self.queues.values():
            out.add(stats)
        return out

    def occupancy_by_region(self) -> dict[str, float | None]:
        busy: dict[str, float] = {}
        staffed: dict[str, float] = {}
        for (_, region), s in self.staffed_seconds.items():
            staffed[region] = staffed.get(region, 0.0) + s
        for (_, region), b in self.busy_seconds.items():
            busy[region] = busy.get(region, 0.0) + b
        return {r: (busy.get(r, 0.0) / s if s else None) for r, s in sorted(staffed.items())}

    def ledger_totals(self) -> dict[tuple[str, str], int]:
        """(caller's region, answering region) → calls, over all intervals."""
        out: dict[tuple[str, str], int] = {}
        for (_, for_region, by_region), n in self.ledger.items():
            out[(for_region, by_region)] = out.get((for_region, by_region), 0) + n
        return out

    def ledger_balance(self) -> dict[str, int]:
        """Per region: calls it answered for others minus calls others answered for it."""
        out: dict[str, int] = {}
        for (for_region, by_region), n in self.ledger_totals().items():
            out[by_region] = out.get(by_region, 0) + n
            out[for_region] = out.get(for_region, 0) - n
        return dict(sorted(out.items()))


def compute(events: Iterable[Event], *, interval_minutes: int = 15,
            service_level_seconds: float = 180.0, short_abandon_seconds: float = 10.0,
            until: datetime | None = None) -> Statistics:
    """Statistics from a list of engine events (in the order they happened)."""
    stats = Statistics()
    nurses: dict[str, tuple[str, str, datetime]] = {}  # nurse -> (state, region, since)
    last: datetime | None = None

    def bucket(at: datetime, queue: str) -> IntervalStats:
        key = (interval_start(at, interval_minutes), queue)
        found = stats.queues.get(key)
        if found is None:
            found = stats.queues[key] = IntervalStats()
        return found

    for e in events:
        last = e.at if last is None or e.at > last else last
        if isinstance(e, CallQueued):
            bucket(e.at, e.queue_id).offered += 1
        elif isinstance(e, CallAnswered):
            b = bucket(e.at, e.queue_id)
            b.answered += 1
            b.total_wait += e.waited_seconds
            b.longest_wait = max(b.longest_wait, e.waited_seconds)
            if e.waited_seconds <= service_level_seconds:
                b.answered_within_sl += 1
            caller_region = e.origin_region or e.queue_id
            if caller_region != e.nurse_region:
                key3 = (interval_start(e.at, interval_minutes), caller_region, e.nurse_region)
                stats.ledger[key3] = stats.ledger.get(key3, 0) + 1
        elif isinstance(e, CallAbandoned):
            b = bucket(e.at, e.queue_id)
            b.abandoned += 1
            if e.waited_seconds <= short_abandon_seconds:
                b.short_abandoned += 1
        elif isinstance(e, CallbackRequested):
            bucket(e.at, e.queue_id).callbacks_requested += 1
        elif isinstance(e, CallbackCompleted):
            if e.outcome == "answered":
                bucket(e.at, e.queue_id).callbacks_completed += 1
        elif isinstance(e, CallEnded):
            bucket(e.at, e.queue_id).handle_seconds += e.talk_seconds + e.wrap_up_seconds
        elif isinstance(e, NurseStateChanged):
            before = nurses.get(e.nurse_id)
            if before is not None:
                _spread(stats, before[0], before[1], before[2], e.at, interval_minutes)
            nurses[e.nurse_id] = (e.to_state, e.home_region, e.at)
    end = until or last
    if end is not None:
        for state, region, since in nurses.values():
            _spread(stats, state, region, since, end, interval_minutes)
    return stats


def _spread(stats: Statistics, state: str, region: str, start: datetime, end: datetime,
            minutes: int) -> None:
    """Add the time from ``start`` to ``end`` in ``state`` to each interval it covers."""
    if state not in _STAFFED or end <= start:
        return
    step = timedelta(minutes=minutes)
    cursor = start
    while cursor < end:
        slot = interval_start(cursor, minutes)
        upto = min(end, slot + step)
        seconds = (upto - cursor).total_seconds()
        key = (slot, region)
        stats.staffed_seconds[key] = stats.staffed_seconds.get(key, 0.0) + seconds
        if state in _BUSY:
            stats.busy_seconds[key] = stats.busy_seconds.get(key, 0.0) + seconds
        cursor = upto
