"""Random event sequences against the dispatcher, checking its invariants after every step.

Seeded (``random.Random(seed)``) so a failure is reproducible: the seed and step
are in the assertion message.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from queues.model import Assignment, Dispatcher, NurseState, WaitingCall
from tests.queues.helpers import T0, nurse

REGIONS = ["01", "12", "14"]
QUEUES = [*REGIONS, "national"]


@dataclass
class World:
    """The test's own account of the calls, to check the dispatcher against."""

    d: Dispatcher
    rng: random.Random
    now: datetime = T0
    next_call: int = 0
    live: dict[str, WaitingCall] = field(default_factory=dict)  # calls not ended
    offered: dict[str, str] = field(default_factory=dict)  # call -> nurse, ringing or on call
    log: list[tuple[str, str, str]] = field(default_factory=list)

    def apply(self, made: list[Assignment], context: str) -> None:
        for a in made:
            assert a.call_id in self.live, f"{context}: offered a call that ended: {a}"
            assert a.call_id not in self.offered, (
                f"{context}: {a.call_id} offered to {a.nurse_id} while already offered to "
                f"{self.offered[a.call_id]}")
            n = self.d.nurses[a.nurse_id]
            assert n.state is NurseState.RINGING and n.current_call_id == a.call_id, context
            assert self.d.is_eligible(n, a.queue_id), f"{context}: {a} not eligible"
            self.offered[a.call_id] = a.nurse_id
            self.log.append((a.call_id, a.nurse_id, a.queue_id))


def build(seed: int, prefer_own_region: bool = True, nurses_per_region: int = 3) -> World:
    rng = random.Random(seed)
    serving = {r: {r} for r in REGIONS}
    serving["national"] = set(REGIONS)
    d = Dispatcher(serving, prefer_own_region=prefer_own_region)
    for r in REGIONS:
        for i in range(nurses_per_region):
            d.add_nurse(nurse(f"ssk-{r}-{i}", r))
    return World(d, rng)


def step(w: World, context: str) -> None:
    d, rng = w.d, w.rng
    w.now += timedelta(seconds=rng.choice([0, 0, 1, 2, 5, 30]))
    nurses = sorted(d.nurses.values(), key=lambda n: n.nurse_id)
    by_state = {s: [n for n in nurses if n.state is s] for s in NurseState}
    choice = rng.choices(
        ["call", "login", "logout", "answer", "decline", "hangup", "end", "wrapup", "move",
         "serving"],
        weights=[30, 8, 3, 12, 6, 8, 10, 10, 3, 1])[0]
    if choice == "call":
        call_id = f"c{w.next_call}"
        w.next_call += 1
        arrived = w.now - timedelta(seconds=rng.choice([0, 0, 0, 40]))  # some moved in
        c = WaitingCall(call_id, rng.choice(QUEUES), rng.choice([*REGIONS, None]), arrived,
                        rng.choice([0, 0, 0, -1, 1]))
        w.live[call_id] = c
        w.apply(d.enqueue(c, w.now), context)
    elif choice == "login" and by_state[NurseState.LOGGED_OUT]:
        n = rng.choice(by_state[NurseState.LOGGED_OUT])
        n.log_in(w.now)
        w.apply(d.nurse_ready(n.nurse_id, w.now), context)
    elif choice == "logout":
        candidates = by_state[NurseState.READY] + by_state[NurseState.WRAP_UP]
        if candidates:
            rng.choice(candidates).log_out(w.now)
    elif choice == "answer" and by_state[NurseState.RINGING]:
        rng.choice(by_state[NurseState.RINGING]).answer(w.now)
    elif choice == "decline" and by_state[NurseState.RINGING]:
        n = rng.choice(by_state[NurseState.RINGING])
        call_id = n.current_call_id or ""
        n.decline(w.now, rng.choice(["no_answer", "busy"]))
        del w.offered[call_id]
        w.apply(d.offer_declined(call_id, n.nurse_id, w.now), context)
    elif choice == "hangup" and w.live:
        call_id = rng.choice(sorted(w.live))
        del w.live[call_id]
        d.remove_call(call_id)
        nurse_id = w.offered.pop(call_id, None)
        if nurse_id is not None:
            n = d.nurses[nurse_id]
            if n.state is NurseState.RINGING:
                n.cancel_offer(w.now)
                w.apply(d.nurse_ready(nurse_id, w.now), context)
            else:
                assert n.state is NurseState.ON_CALL, context
                n.end_call(w.now)
    elif choice == "end" and by_state[NurseState.ON_CALL]:
        n = rng.choice(by_state[NurseState.ON_CALL])
        call_id = n.current_call_id or ""
        n.end_call(w.now)
        assert d.remove_call(call_id) is not None, context
        del w.live[call_id]
        del w.offered[call_id]
    elif choice == "wrapup" and by_state[NurseState.WRAP_UP]:
        n = rng.choice(by_state[NurseState.WRAP_UP])
        n.end_wrap_up(w.now)
        w.apply(d.nurse_ready(n.nurse_id, w.now), context)
    elif choice == "move":
        waiting = sorted(c for c in w.live if c not in w.offered)
        if waiting:
            call_id = rng.choice(waiting)
            w.apply(d.move_call(call_id, rng.choice(QUEUES), w.now), context)
    elif choice == "serving":
        regions = {r for r in REGIONS if rng.random() < 0.7}
        w.apply(d.set_serving("national", regions, w.now), context)


def check_invariants(w: World, context: str) -> None:
    d = w.d
    waiting: dict[str, str] = {}
    for snap in d.queue_snapshot():
        for call_id in snap["call_ids"]:
            assert call_id not in waiting, f"{context}: {call_id} in two queues"
            waiting[call_id] = snap["queue_id"]
        calls = [d.find_call(c) for c in snap["call_ids"]]
        keys = [(c.priority, c.arrived_at) for c in calls if c is not None]
        assert len(keys) == len(calls) and keys == sorted(keys), f"{context}: order broken"
        assert snap["waiting"] == len(snap["call_ids"])
    # every live call is either waiting or offered, never both, never lost
    assert set(waiting) | set(w.offered) == set(w.live), context
    assert not set(waiting) & set(w.offered), context
    # a call is never with two nurses; a nurse never has two calls
    holders: dict[str, str] = {}
    for n in d.nurses.values():
        if n.state in (NurseState.RINGING, NurseState.ON_CALL):
            assert n.current_call_id is not None, context
            assert n.current_call_id not in holders, (
                f"{context}: {n.current_call_id} with {holders.get(n.current_call_id)} and "
                f"{n.nurse_id}")
            holders[n.current_call_id] = n.nurse_id
            assert w.offered.get(n.current_call_id) == n.nurse_id, context
            assert d.offered_to(n.current_call_id) == n.nurse_id, context
        elif n.state in (NurseState.READY, NurseState.LOGGED_OUT):
            assert n.current_call_id is None, context
    assert holders == w.offered, context
    # no call waits while an eligible READY nurse exists
    for n in d.nurses.values():
        if n.state is NurseState.READY:
            for call_id, queue_id in waiting.items():
                assert not d.is_eligible(n, queue_id), (
                    f"{context}: {call_id} waits in {queue_id} while {n.nurse_id} is ready")
    # positions are 1..n in each queue
    for snap in d.queue_snapshot():
        assert [d.position(c) for c in snap["call_ids"]] == list(
            range(1, len(snap["call_ids"]) + 1)), context


def run(seed: int, steps: int, prefer_own_region: bool = True) -> World:
    w = build(seed, prefer_own_region)
    for i in range(steps):
        context = f"seed {seed} step {i}"
        step(w, context)
        check_invariants(w, context)
    return w


@pytest.mark.parametrize("seed", range(12))
def test_invariants_hold_over_random_event_sequences(seed: int) -> None:
    w = run(seed, 400, prefer_own_region=seed % 2 == 0)
    assert len(w.log) > 20  # the sequence really exercised matching


@pytest.mark.parametrize("seed", [3, 1177])
def test_same_inputs_give_the_same_assignments(seed: int) -> None:
    first = run(seed, 300)
    second = run(seed, 300)
    assert first.log == second.log
    assert first.d.nurse_snapshot() == second.d.nurse_snapshot()
    assert first.d.queue_snapshot() == second.d.queue_snapshot()


def test_registration_order_of_nurses_does_not_change_the_result() -> None:
    def play(order: list[str]) -> list[Assignment]:
        d = Dispatcher({"01": {"01"}, "national": {"01", "14"}})
        for nurse_id in order:
            d.add_nurse(nurse(nurse_id, nurse_id[4:6]))
        made: list[Assignment] = []
        for nurse_id in sorted(order):  # all log in at the same instant
            d.nurses[nurse_id].log_in(T0)
            made += d.nurse_ready(nurse_id, T0)
        for i in range(6):
            when = T0 + timedelta(seconds=i)
            made += d.enqueue(WaitingCall(f"c{i}", "01" if i % 2 else "national", None, when),
                              when)
        return made

    ids = ["ssk-01-a", "ssk-01-b", "ssk-14-a", "ssk-14-b"]
    expected = play(ids)
    assert [a.nurse_id for a in expected] == ["ssk-01-a", "ssk-01-b", "ssk-14-a", "ssk-14-b"]
    rng = random.Random(7)
    for _ in range(5):
        shuffled = ids[:]
        rng.shuffle(shuffled)
        assert play(shuffled) == expected
