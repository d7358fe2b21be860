"""The engine's indexes: waiting calls by bucket and by queue, ready nurses by profile.

A *bucket* holds the waiting calls that every nurse sees the same way: same
queue (lane), same overflow stage (aged or not) and same needs (language,
interpreter, relay). It is a sorted list of ``(priority, arrival, sequence,
call_id)``, so its head is its best call and a nurse's best call is the best
of a few bucket heads. A *lane* list holds the same keys for a whole queue
(plus callback entries waiting for a retry and calls ringing), so a call's
position is one bisection. Ready nurses are kept per matching profile
(home region, skills, queues served) ordered by ``(idle_since, nurse_id)``.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import datetime

from queues.model import Agent

__all__ = ["BucketKey", "CallEntry", "CallIndex", "Key", "Profile", "ReadyIndex", "remove_key"]

Key = tuple[int, float, int, str]
BucketKey = tuple[str, bool, frozenset[str]]
Profile = tuple[str, frozenset[str], tuple[tuple[str, int], ...] | None]


@dataclass(slots=True)
class CallEntry:
    """A call (or callback entry) the engine knows, from arrival until it leaves.

    ``status``: ``waiting`` (in a bucket), ``offered`` (ringing), ``connected``
    (answered), ``parked`` (a callback between attempts: keeps its place).
    ``arrived_at`` is the original arrival and never changes.
    """

    call_id: str
    lane: str
    origin_region: str | None
    arrived_at: datetime
    arrival_ts: float
    priority: int
    seq: int
    needs: frozenset[str]
    crisis: bool = False
    callback: bool = False
    status: str = "waiting"
    aged: bool = False
    nurse_id: str | None = None
    via: str | None = None
    attempts: int = 0
    announced_position: int | None = None
    announced_wait: int | None = None
    reminder_ts: float = 0.0
    answered_ts: float = 0.0

    @property
    def key(self) -> Key:
        return (self.priority, self.arrival_ts, self.seq, self.call_id)

    @property
    def bucket(self) -> BucketKey:
        return (self.lane, self.aged, self.needs)

    def snapshot(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__slots__}


def remove_key(items: list[Key], key: Key) -> None:
    i = bisect.bisect_left(items, key)
    if i < len(items) and items[i] == key:
        del items[i]


class CallIndex:
    """Every known call by id, waiting calls by bucket, queue order by lane."""

    def __init__(self) -> None:
        self.entries: dict[str, CallEntry] = {}
        self.buckets: dict[BucketKey, list[Key]] = {}
        self.lanes: dict[str, list[Key]] = {}
        self.waiting: dict[str, int] = {}  # lane -> calls in status "waiting"
        self.generation = 0  # increases when a new bucket appears

    def add(self, entry: CallEntry) -> None:
        self.entries[entry.call_id] = entry
        bisect.insort(self.lanes.setdefault(entry.lane, []), entry.key)

    def to_bucket(self, entry: CallEntry) -> None:
        """Put the call (back) in its bucket: it is waiting."""
        bucket = self.buckets.get(entry.bucket)
        if bucket is None:
            bucket = self.buckets[entry.bucket] = []
            self.generation += 1
        bisect.insort(bucket, entry.key)
        entry.status = "waiting"
        self.waiting[entry.lane] = self.waiting.get(entry.lane, 0) + 1

    def from_bucket(self, entry: CallEntry, status: str) -> None:
        """Take a waiting call out of its bucket (offered, parked, or leaving)."""
        remove_key(self.buckets[entry.bucket], entry.key)
        entry.status = status
        self.waiting[entry.lane] -= 1

    def drop(self, entry: CallEntry) -> None:
        """Forget the call entirely (it must not be in a bucket)."""
        remove_key(self.lanes[entry.lane], entry.key)
        del self.entries[entry.call_id]

    def rekey(self, entry: CallEntry, priority: int) -> None:
        """Change a call's priority, keeping its arrival time and sequence."""
        in_bucket = entry.status == "waiting"
        if in_bucket:
            remove_key(self.buckets[entry.bucket], entry.key)
        remove_key(self.lanes[entry.lane], entry.key)
        entry.priority = priority
        bisect.insort(self.lanes[entry.lane], entry.key)
        if in_bucket:
            bisect.insort(self.buckets[entry.bucket], entry.key)

    def position(self, entry: CallEntry) -> int:
        """1-based place in its queue (callers ringing or awaiting a callback retry count)."""
        return bisect.bisect_left(self.lanes[entry.lane], entry.key) + 1

    def head(self, bucket: BucketKey) -> Key | None:
        items = self.buckets.get(bucket)
        return items[0] if items else None


class ReadyIndex:
    """Ready nurses per profile, longest idle first."""

    def __init__(self) -> None:
        self.by_profile: dict[Profile, list[tuple[float, str]]] = {}
        self.count: dict[str, int] = {}  # home region -> ready nurses
        self.members: set[str] = set()
        self.generation = 0  # increases when a new profile appears

    def add(self, agent: Agent) -> None:
        if agent.nurse_id in self.members:
            return
        self.members.add(agent.nurse_id)
        profile = agent.profile()
        items = self.by_profile.get(profile)
        if items is None:
            items = self.by_profile[profile] = []
            self.generation += 1
        bisect.insort(items, (agent.idle_since, agent.nurse_id))
        self.count[agent.home_region] = self.count.get(agent.home_region, 0) + 1

    def remove(self, agent: Agent) -> None:
        """Take the nurse out (no-op when they are not in the index)."""
        if agent.nurse_id not in self.members:
            return
        self.members.discard(agent.nurse_id)
        items = self.by_profile[agent.profile()]
        key = (agent.idle_since, agent.nurse_id)
        i = bisect.bisect_left(items, key)
        if i >= len(items) or items[i] != key:
            raise AssertionError(f"nurse {agent.nurse_id} is not in the ready index")
        del items[i]
        self.count[agent.home_region] -= 1
