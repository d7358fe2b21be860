"""The version-0 queue model: nurse state, waiting calls, queues and the dispatcher.

Pure domain code: standard library only, no I/O and no clock reads. Every time
is passed in as an *aware* :class:`~datetime.datetime` (naive times are
rejected), so the adapter decides what "now" is and the model stays
deterministic and testable.

The pieces
----------
:class:`Nurse`
    One state machine per nurse (sjuksköterska). Each transition returns a
    :class:`NurseTransition` record for the adapter to persist.
:class:`WaitingCall`, :class:`CallQueue`
    A queue (kö) holds waiting calls ordered by priority (lower is more
    urgent), then *original* arrival time, then a sequence number. Moving a
    call between queues keeps ``arrived_at``, so a move never costs the caller
    their place.
:class:`Dispatcher`
    The v0 queue engine: which nurse is offered which call. It reads and
    drives the nurses' state machines (matching puts a nurse in ``RINGING``
    through :meth:`Nurse.offer`) and keeps offered calls until the call is
    removed, so a declined offer can go back to its original place.

Matching rules
--------------
* A nurse may take calls from a queue when the nurse's home region is one of
  the regions serving the queue (``serving[queue_id]``), or when the queue is
  served by :data:`ANY_REGION`. Regional queue ``"01"`` is served by region
  01's nurses; the national queue by every region that takes part.
* When a nurse becomes ready, the nurse gets the best eligible call: lowest
  priority value, then (with ``prefer_own_region``) a call from the nurse's own
  regional queue — the queue whose id is the nurse's home region code — then
  the earliest original arrival time, then the earliest sequence number.
* When a call arrives and several eligible nurses are ready, the nurse who has
  been idle longest gets it (earliest ``idle_since``, then nurse id).
* Every operation ends with a full matching pass over the ready nurses in
  idle order, so after it returns no call waits while a ready nurse who may
  take it exists.

The result depends only on the sequence of operations and their arguments
(ties are broken on ids and sequence numbers, never on hash order), so the
same inputs always give the same assignments.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from queues.errors import (
    DuplicateCall,
    DuplicateNurse,
    InvalidTransition,
    UnknownCall,
    UnknownNurse,
    UnknownQueue,
)

__all__ = [
    "ANY_REGION",
    "Assignment",
    "CallQueue",
    "Dispatcher",
    "Nurse",
    "NurseState",
    "NurseTransition",
    "WaitingCall",
]

#: A region entry meaning "every nurse, whatever their home region" in ``serving``.
ANY_REGION = "*"

_DISTANT_PAST = datetime.min.replace(tzinfo=UTC)


def _require_aware(at: datetime, what: str = "time") -> datetime:
    if not isinstance(at, datetime):
        raise TypeError(f"{what} must be a datetime, not {type(at).__name__}")
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {at.isoformat()}")
    return at


# -- nurse state ----------------------------------------------------------------------------


class NurseState(StrEnum):
    """The state of a nurse (agent) as the queue engine sees it.

    The values are the wire names used by the API and the ``nurse_events`` table.
    """

    LOGGED_OUT = "logged_out"
    """Utloggad: not taking calls."""
    READY = "ready"
    """Redo: idle and waiting for a call."""
    RINGING = "ringing"
    """Ringer: a call is being offered; the nurse's phone rings."""
    ON_CALL = "on_call"
    """I samtal: talking to a caller."""
    WRAP_UP = "wrap_up"
    """Efterarbete: documenting the call that just ended; no new calls yet."""

    @property
    def swedish(self) -> str:
        return _SWEDISH[self]


_SWEDISH = {
    NurseState.LOGGED_OUT: "utloggad",
    NurseState.READY: "redo",
    NurseState.RINGING: "ringer",
    NurseState.ON_CALL: "i samtal",
    NurseState.WRAP_UP: "efterarbete",
}


@dataclass(frozen=True, slots=True)
class NurseTransition:
    """One change of a nurse's state, as returned by every :class:`Nurse` transition.

    ``call_id`` is the call the change concerns (offered, answered, declined,
    ended or wrapped up), ``None`` for logging in and out of an idle state.
    ``reason`` is free text for the record (e.g. ``"no_answer"``, ``"busy"``).
    """

    nurse_id: str
    from_state: NurseState
    to_state: NurseState
    at: datetime
    call_id: str | None = None
    reason: str | None = None


@dataclass(slots=True)
class Nurse:
    """The state machine of one nurse.

    Transitions (anything else raises :class:`~queues.errors.InvalidTransition`)::

        LOGGED_OUT --log_in--> READY --offer--> RINGING --answer--> ON_CALL
        RINGING --decline--> READY          (no answer, busy: the nurse's doing)
        RINGING --cancel_offer--> READY     (the caller left: not the nurse's doing)
        ON_CALL --end_call--> WRAP_UP --end_wrap_up--> READY
        READY | WRAP_UP --log_out--> LOGGED_OUT

    ``idle_since`` is when the nurse last became READY and orders idle nurses
    (longest idle first). Two deliberate exceptions:

    * :meth:`decline` sets ``idle_since`` to the time of the decline: the nurse
      goes to the back of the idle line. A phone that just failed to answer
      (nurse away from the desk, line busy) is the least likely to answer the
      next offer; keeping its place would hand every new call to it first and
      cost each of those callers a full ring timeout. ``unanswered_offers``
      counts the misses in a row (reset by :meth:`answer` and :meth:`log_in`),
      so a policy such as "log out after three misses" can be added by the
      adapter.
    * :meth:`cancel_offer` keeps ``idle_since``: the caller hung up while the
      nurse's phone was ringing, which says nothing about the nurse, so they
      keep their place among idle nurses.

    ``current_call_id`` is set while RINGING, ON_CALL and WRAP_UP (the call
    being wrapped up) and cleared otherwise.
    """

    nurse_id: str
    home_region: str
    endpoint: str
    state: NurseState = NurseState.LOGGED_OUT
    state_since: datetime | None = None
    current_call_id: str | None = None
    idle_since: datetime | None = None
    unanswered_offers: int = 0

    # -- transitions ----------------------------------------------------------------------
    def log_in(self, at: datetime) -> NurseTransition:
        """Utloggad → redo."""
        self._check("log_in", at, (NurseState.LOGGED_OUT,), "already logged in")
        self.unanswered_offers = 0
        self.idle_since = at
        return self._move(NurseState.READY, at, call_id=None, reason=None)

    def log_out(self, at: datetime, reason: str | None = None) -> NurseTransition:
        """Redo or efterarbete → utloggad. A ringing or connected call must end first."""
        self._check("log_out", at, (NurseState.READY, NurseState.WRAP_UP),
                    "end the call first" if self.state in (NurseState.RINGING,
                                                           NurseState.ON_CALL)
                    else "")
        call_id = self.current_call_id
        self.idle_since = None
        self.current_call_id = None
        return self._move(NurseState.LOGGED_OUT, at, call_id=call_id, reason=reason)

    def offer(self, call_id: str, at: datetime) -> NurseTransition:
        """Redo → ringer: the nurse's phone rings with ``call_id``."""
        if not call_id:
            raise ValueError("call_id must not be empty")
        self._check(f"offer call {call_id}", at, (NurseState.READY,))
        self.current_call_id = call_id
        return self._move(NurseState.RINGING, at, call_id=call_id, reason=None)

    def answer(self, at: datetime) -> NurseTransition:
        """Ringer → i samtal."""
        self._check("answer", at, (NurseState.RINGING,))
        self.unanswered_offers = 0
        return self._move(NurseState.ON_CALL, at, call_id=self.current_call_id, reason=None)

    def decline(self, at: datetime, reason: str = "no_answer") -> NurseTransition:
        """Ringer → redo: the nurse did not take the call (no answer, busy, rejected).

        Counts an unanswered offer and moves the nurse to the back of the idle
        line (see the class documentation).
        """
        self._check("decline", at, (NurseState.RINGING,))
        call_id = self.current_call_id
        self.current_call_id = None
        self.unanswered_offers += 1
        self.idle_since = at
        return self._move(NurseState.READY, at, call_id=call_id, reason=reason)

    def cancel_offer(self, at: datetime, reason: str = "offer_withdrawn") -> NurseTransition:
        """Ringer → redo: the offer was withdrawn (the caller hung up).

        The nurse keeps their place among idle nurses and no miss is counted.
        """
        self._check("cancel_offer", at, (NurseState.RINGING,))
        call_id = self.current_call_id
        self.current_call_id = None
        return self._move(NurseState.READY, at, call_id=call_id, reason=reason)

    def end_call(self, at: datetime) -> NurseTransition:
        """I samtal → efterarbete."""
        self._check("end_call", at, (NurseState.ON_CALL,))
        return self._move(NurseState.WRAP_UP, at, call_id=self.current_call_id, reason=None)

    def end_wrap_up(self, at: datetime) -> NurseTransition:
        """Efterarbete → redo."""
        self._check("end_wrap_up", at, (NurseState.WRAP_UP,))
        call_id = self.current_call_id
        self.current_call_id = None
        self.idle_since = at
        return self._move(NurseState.READY, at, call_id=call_id, reason=None)

    # -- queries ----------------------------------------------------------------------------
    def wrap_up_due(self, at: datetime, wrapup: timedelta) -> bool:
        """True when the nurse is in wrap-up and ``wrapup`` has passed since it began."""
        _require_aware(at, "at")
        if self.state is not NurseState.WRAP_UP or self.state_since is None:
            return False
        return at - self.state_since >= wrapup

    @property
    def is_ready(self) -> bool:
        return self.state is NurseState.READY

    # -- internals --------------------------------------------------------------------------
    def _check(self, action: str, at: datetime, allowed: tuple[NurseState, ...],
               hint: str = "") -> None:
        _require_aware(at, "at")
        if self.state not in allowed:
            raise InvalidTransition(self.nurse_id, f"{self.state.value} ({self.state.swedish})",
                                    action, hint)

    def _move(self, to: NurseState, at: datetime, *, call_id: str | None,
              reason: str | None) -> NurseTransition:
        transition = NurseTransition(self.nurse_id, self.state, to, at, call_id, reason)
        self.state = to
        self.state_since = at
        return transition


# -- calls and queues -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WaitingCall:
    """A call waiting for a nurse.

    ``arrived_at`` is the original arrival time and is kept when the call moves
    between queues; ``priority`` orders before arrival time (lower = more urgent).
    ``origin_region`` is the county code of where the caller is, if known.
    """

    call_id: str
    queue_id: str
    origin_region: str | None
    arrived_at: datetime
    priority: int = 0

    def __post_init__(self) -> None:
        if not self.call_id:
            raise ValueError("call_id must not be empty")
        if not self.queue_id:
            raise ValueError("queue_id must not be empty")
        if isinstance(self.priority, bool) or not isinstance(self.priority, int):
            raise TypeError(f"priority must be an int, not {self.priority!r}")
        _require_aware(self.arrived_at, "arrived_at")


# (priority, arrived_at, sequence, call_id): unique per call, compared field by field.
_Slot = tuple[int, datetime, int, str]


class CallQueue:
    """A queue (kö) of waiting calls, in order of (priority, arrived_at, sequence).

    The sequence number breaks ties between calls with the same priority and
    arrival time: first added, first served. A caller can pass the sequence
    explicitly (the :class:`Dispatcher` does, so a call that goes back to a
    queue keeps its exact place); otherwise the queue numbers calls itself.
    """

    def __init__(self, queue_id: str) -> None:
        if not queue_id:
            raise ValueError("queue_id must not be empty")
        self.queue_id = queue_id
        self._slots: list[_Slot] = []
        self._calls: dict[str, tuple[_Slot, WaitingCall]] = {}
        self._counter = itertools.count()

    def add(self, call: WaitingCall, *, sequence: int | None = None) -> int:
        """Add a call; returns its 1-based position. A call id already here is rejected."""
        if call.queue_id != self.queue_id:
            raise ValueError(f"call {call.call_id} belongs to queue {call.queue_id!r}, "
                             f"not {self.queue_id!r}")
        if call.call_id in self._calls:
            raise DuplicateCall(call.call_id, f"waiting in queue {self.queue_id}")
        seq = next(self._counter) if sequence is None else sequence
        slot: _Slot = (call.priority, call.arrived_at, seq, call.call_id)
        index = bisect.bisect_left(self._slots, slot)
        self._slots.insert(index, slot)
        self._calls[call.call_id] = (slot, call)
        return index + 1

    def remove(self, call_id: str) -> WaitingCall:
        """Take a call out of the queue, wherever it is."""
        entry = self._calls.pop(call_id, None)
        if entry is None:
            raise UnknownCall(call_id, f"waiting in queue {self.queue_id}")
        slot, call = entry
        index = bisect.bisect_left(self._slots, slot)
        del self._slots[index]
        return call

    def peek(self) -> WaitingCall | None:
        """The call that is next in line, or ``None`` when the queue is empty."""
        if not self._slots:
            return None
        return self._calls[self._slots[0][3]][1]

    def position(self, call_id: str) -> int | None:
        """The 1-based place of a call in the queue, ``None`` if it is not waiting here."""
        entry = self._calls.get(call_id)
        if entry is None:
            return None
        return bisect.bisect_left(self._slots, entry[0]) + 1

    def sequence_of(self, call_id: str) -> int:
        entry = self._calls.get(call_id)
        if entry is None:
            raise UnknownCall(call_id, f"waiting in queue {self.queue_id}")
        return entry[0][2]

    def get(self, call_id: str) -> WaitingCall | None:
        entry = self._calls.get(call_id)
        return entry[1] if entry is not None else None

    @property
    def oldest_arrival(self) -> datetime | None:
        """The earliest original arrival time among the waiting calls (not always the head's)."""
        if not self._slots:
            return None
        return min(slot[1] for slot in self._slots)

    def call_ids(self) -> list[str]:
        return [slot[3] for slot in self._slots]

    def _head_slot(self) -> _Slot | None:
        return self._slots[0] if self._slots else None

    def __len__(self) -> int:
        return len(self._slots)

    def __bool__(self) -> bool:
        return bool(self._slots)

    def __contains__(self, call_id: object) -> bool:
        return call_id in self._calls

    def __iter__(self) -> Iterator[WaitingCall]:
        return iter([self._calls[slot[3]][1] for slot in self._slots])

    def __repr__(self) -> str:
        return f"CallQueue({self.queue_id!r}, waiting={len(self)})"


# -- the dispatcher ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Assignment:
    """The dispatcher's decision that ``nurse_id`` is offered ``call_id`` from ``queue_id``.

    ``transition`` is the nurse's READY → RINGING change that the offer made
    (for the adapter to persist); it does not take part in comparisons.
    """

    call_id: str
    nurse_id: str
    queue_id: str
    transition: NurseTransition | None = field(default=None, compare=False, repr=False)


@dataclass(slots=True)
class _Offer:
    call: WaitingCall
    sequence: int
    nurse_id: str


class Dispatcher:
    """The v0 queue engine: queues by id, nurses by id, and who is offered what.

    ``serving`` maps each queue id to the regions whose nurses serve it (a
    region entry :data:`ANY_REGION` means every nurse). Every configured queue
    exists from the start, empty.

    Calls the dispatcher has offered stay known to it (``offered_to``) until
    :meth:`remove_call`, so that :meth:`offer_declined` can put a call back at
    its original place. The adapter drives the nurses' other transitions
    (answer, decline, end of call and wrap-up, log in and out) on the
    :class:`Nurse` objects itself and then tells the dispatcher with
    :meth:`nurse_ready` / :meth:`offer_declined` / :meth:`remove_call`.

    Every method that can make a match returns the new assignments in the
    order they were made; each one has already put its nurse in RINGING.
    """

    def __init__(self, serving: Mapping[str, Iterable[str]], *,
                 prefer_own_region: bool = True, nurses: Iterable[Nurse] = ()) -> None:
        self.prefer_own_region = prefer_own_region
        self.serving: dict[str, frozenset[str]] = {}
        self.queues: dict[str, CallQueue] = {}
        self.nurses: dict[str, Nurse] = {}
        self._waiting: dict[str, str] = {}  # call_id -> queue_id
        self._offered: dict[str, _Offer] = {}  # call_id -> the offer (ringing or connected)
        self._sequence = itertools.count()
        for queue_id, regions in serving.items():
            self._configure(queue_id, regions)
        for nurse in nurses:
            self.add_nurse(nurse)

    # -- configuration ----------------------------------------------------------------------
    def add_nurse(self, nurse: Nurse) -> None:
        """Register a nurse. Matching starts when the nurse is reported ready."""
        if nurse.nurse_id in self.nurses:
            raise DuplicateNurse(nurse.nurse_id)
        self.nurses[nurse.nurse_id] = nurse

    def remove_nurse(self, nurse_id: str) -> Nurse:
        """Forget a logged-out nurse."""
        nurse = self._nurse(nurse_id)
        if nurse.state is not NurseState.LOGGED_OUT:
            raise InvalidTransition(nurse_id, f"{nurse.state.value} ({nurse.state.swedish})",
                                    "be removed from the dispatcher", "log out first")
        del self.nurses[nurse_id]
        return nurse

    def set_serving(self, queue_id: str, regions: Iterable[str],
                    at: datetime) -> list[Assignment]:
        """Set (or add) the regions that serve a queue, then match newly eligible nurses."""
        _require_aware(at, "at")
        self._configure(queue_id, regions)
        return self._match(at)

    def is_eligible(self, nurse: Nurse, queue_id: str) -> bool:
        """May this nurse take calls from this queue (whatever their current state)?"""
        regions = self.serving.get(queue_id)
        if regions is None:
            return False
        return ANY_REGION in regions or nurse.home_region in regions

    # -- events -----------------------------------------------------------------------------
    def enqueue(self, call: WaitingCall, at: datetime) -> list[Assignment]:
        """A call joins its queue; the longest-idle eligible ready nurse (if any) is offered it."""
        _require_aware(at, "at")
        if call.queue_id not in self.queues:
            raise UnknownQueue(call.queue_id)
        self._ensure_new(call.call_id)
        self.queues[call.queue_id].add(call, sequence=next(self._sequence))
        self._waiting[call.call_id] = call.queue_id
        return self._match(at)

    def nurse_ready(self, nurse_id: str, at: datetime) -> list[Assignment]:
        """The nurse is READY (logged in, wrap-up over, offer withdrawn): offer the best call.

        Runs a full matching pass; normally only this nurse can be matched. A
        nurse who is not READY is left alone.
        """
        _require_aware(at, "at")
        self._nurse(nurse_id)
        return self._match(at)

    def offer_declined(self, call_id: str, nurse_id: str, at: datetime) -> list[Assignment]:
        """An offer failed (no answer, busy): the call goes back to its original place.

        Call this after :meth:`Nurse.decline` (or :meth:`Nurse.cancel_offer`).
        Other eligible ready nurses are offered the call first; the nurse who
        did not answer gets it again only when nobody else may take it.
        A call that was removed in the meantime is not brought back.
        """
        _require_aware(at, "at")
        self._nurse(nurse_id)
        made: list[Assignment] = []
        offer = self._offered.get(call_id)
        if offer is not None and offer.nurse_id == nurse_id:
            del self._offered[call_id]
            queue_id = offer.call.queue_id
            if queue_id not in self.queues:  # cannot happen: queues are never dropped
                raise UnknownQueue(queue_id)
            self.queues[queue_id].add(offer.call, sequence=offer.sequence)
            self._waiting[call_id] = queue_id
            made += self._match(at, exclude=nurse_id)
        made += self._match(at)
        return made

    def remove_call(self, call_id: str) -> WaitingCall | None:
        """Forget a call (answered and ended, abandoned, moved elsewhere).

        Returns the call if it was waiting or offered, ``None`` if unknown.
        The nurse of an offered call is not touched: the adapter ends or
        withdraws the offer on the nurse itself.
        """
        queue_id = self._waiting.pop(call_id, None)
        if queue_id is not None:
            return self.queues[queue_id].remove(call_id)
        offer = self._offered.pop(call_id, None)
        return offer.call if offer is not None else None

    def move_call(self, call_id: str, to_queue: str, at: datetime) -> list[Assignment]:
        """Move a waiting call to another queue, keeping its arrival time and priority."""
        _require_aware(at, "at")
        if to_queue not in self.queues:
            raise UnknownQueue(to_queue)
        from_queue = self._waiting.get(call_id)
        if from_queue is None:
            raise UnknownCall(call_id, "waiting in any queue")
        if from_queue == to_queue:
            return self._match(at)
        source = self.queues[from_queue]
        sequence = source.sequence_of(call_id)
        call = source.remove(call_id)
        self.queues[to_queue].add(replace(call, queue_id=to_queue), sequence=sequence)
        self._waiting[call_id] = to_queue
        return self._match(at)

    def match(self, at: datetime) -> list[Assignment]:
        """Offer waiting calls to eligible ready nurses until no such pair is left.

        Ready nurses are taken longest-idle first; each gets their best
        eligible call (see the module documentation).
        """
        _require_aware(at, "at")
        return self._match(at)

    # -- queries ----------------------------------------------------------------------------
    def position(self, call_id: str) -> int | None:
        """1-based place of a waiting call in its queue; ``None`` when not waiting."""
        queue_id = self._waiting.get(call_id)
        if queue_id is None:
            return None
        return self.queues[queue_id].position(call_id)

    def find_call(self, call_id: str) -> WaitingCall | None:
        """A call the dispatcher knows, waiting or offered."""
        queue_id = self._waiting.get(call_id)
        if queue_id is not None:
            return self.queues[queue_id].get(call_id)
        offer = self._offered.get(call_id)
        return offer.call if offer is not None else None

    def offered_to(self, call_id: str) -> str | None:
        """The nurse a call was offered to (ringing or connected), if any."""
        offer = self._offered.get(call_id)
        return offer.nurse_id if offer is not None else None

    def waiting_count(self) -> int:
        return len(self._waiting)

    def queue_snapshot(self) -> list[dict[str, Any]]:
        """Per queue, in queue id order: waiting count, oldest arrival, call ids in order."""
        return [
            {
                "queue_id": queue_id,
                "waiting": len(queue),
                "oldest_arrival": queue.oldest_arrival,
                "call_ids": queue.call_ids(),
                "serving": sorted(self.serving[queue_id]),
            }
            for queue_id, queue in sorted(self.queues.items())
        ]

    def nurse_snapshot(self) -> list[dict[str, Any]]:
        """Per nurse, in nurse id order: state, since when, current call, idle since, misses."""
        return [
            {
                "nurse_id": nurse.nurse_id,
                "home_region": nurse.home_region,
                "endpoint": nurse.endpoint,
                "state": nurse.state.value,
                "state_since": nurse.state_since,
                "current_call_id": nurse.current_call_id,
                "idle_since": nurse.idle_since,
                "unanswered_offers": nurse.unanswered_offers,
            }
            for _, nurse in sorted(self.nurses.items())
        ]

    # -- internals --------------------------------------------------------------------------
    def _configure(self, queue_id: str, regions: Iterable[str]) -> None:
        if not isinstance(queue_id, str) or not queue_id:
            raise ValueError(f"queue id must be a non-empty string, not {queue_id!r}")
        if isinstance(regions, str):
            raise TypeError(f"regions serving {queue_id!r} must be a collection of region "
                            f"codes, not the string {regions!r}")
        self.serving[queue_id] = frozenset(regions)
        self.queues.setdefault(queue_id, CallQueue(queue_id))

    def _nurse(self, nurse_id: str) -> Nurse:
        nurse = self.nurses.get(nurse_id)
        if nurse is None:
            raise UnknownNurse(nurse_id)
        return nurse

    def _ensure_new(self, call_id: str) -> None:
        if call_id in self._waiting:
            raise DuplicateCall(call_id, f"waiting in queue {self._waiting[call_id]}")
        if call_id in self._offered:
            raise DuplicateCall(call_id, f"offered to nurse {self._offered[call_id].nurse_id}")

    def _queues_for(self, region: str) -> list[str]:
        return [q for q in sorted(self.queues)
                if ANY_REGION in self.serving[q] or region in self.serving[q]]

    def _match(self, at: datetime, exclude: str | None = None) -> list[Assignment]:
        if not self._waiting:
            return []
        ready = sorted(
            (n for n in self.nurses.values()
             if n.state is NurseState.READY and n.nurse_id != exclude),
            key=lambda n: (n.idle_since or n.state_since or _DISTANT_PAST, n.nurse_id),
        )
        made: list[Assignment] = []
        queues_of: dict[str, list[str]] = {}  # region -> eligible queue ids still holding calls
        for nurse in ready:
            if not self._waiting:
                break
            region = nurse.home_region
            candidates = queues_of.get(region)
            if candidates is None:
                candidates = self._queues_for(region)
            candidates = [q for q in candidates if self.queues[q]]
            queues_of[region] = candidates  # calls only leave during a pass: never grows
            if not candidates:
                continue
            best_key: tuple[int, int, datetime, int] | None = None
            best_queue = ""
            for queue_id in candidates:
                slot = self.queues[queue_id]._head_slot()  # same module: CallQueue's internals
                assert slot is not None
                own = 0 if (self.prefer_own_region and queue_id == region) else 1
                key = (slot[0], own, slot[1], slot[2])
                if best_key is None or key < best_key:
                    best_key, best_queue = key, queue_id
            made.append(self._offer(nurse, best_queue, at))
        return made

    def _offer(self, nurse: Nurse, queue_id: str, at: datetime) -> Assignment:
        queue = self.queues[queue_id]
        call = queue.peek()
        assert call is not None
        sequence = queue.sequence_of(call.call_id)
        transition = nurse.offer(call.call_id, at)  # raises before anything changes
        queue.remove(call.call_id)
        del self._waiting[call.call_id]
        self._offered[call.call_id] = _Offer(call, sequence, nurse.nurse_id)
        return Assignment(call.call_id, nurse.nurse_id, queue_id, transition)
