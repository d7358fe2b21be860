"""Benchmark: routing decisions of the queue engine with 5,000 waiting calls and 2,000 nurses.

21 regions with every collaboration mode active at once: the national common
queue (open, weekday 10:00), both night pools (forced open), both overflow
groups (calls aged past ``after_seconds``, pressure overflow), a temporary
redirect, crisis mode for one region (its callers in the national queue), and
callers with language needs. Three decisions are timed, in-process:

* **nurse ready → offer**: a nurse's wrap-up ends (``end_wrap_up``) and the
  engine offers their best eligible call among the 5,000;
* **call arrives → wait**: a caller joins while no eligible nurse is ready;
* **call arrives → offer**: a relay caller joins and the longest-idle eligible
  ready nurse is offered the call;
* **mode toggled → re-match** (not a per-call decision, shown for scale): a
  supervisor closes or reopens a night pool, which re-derives eligibility
  and re-matches every ready nurse.

Baseline in the same run: a naive full scan over the same state (every
waiting call for a ready nurse; every nurse for an arriving call) with the
same rules — and its answer is checked against the engine's decision.

    .venv/bin/python bench/queue_routing.py [--iterations 2000] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from queues.engine import Engine
from queues.events import CallOffered, Event
from queues.index import CallEntry
from queues.model import Agent, AgentState
from queues.simulation_setup import POPULATION, REGIONS, national_setup

START = datetime(2025, 3, 4, 10, 0, tzinfo=ZoneInfo("Europe/Stockholm"))  # a Tuesday
RELAY = frozenset({"relay:video"})


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


# -- the naive baseline --------------------------------------------------------------------------
def naive_best_call(engine: Engine, agent: Agent) -> str | None:
    """Scan every waiting call: the best one this nurse may take (same rules as the engine)."""
    head_start = engine.config.own_region_head_start_seconds
    best: tuple[Any, str] | None = None
    for entry in engine.calls.entries.values():
        if entry.status != "waiting" or not entry.needs <= agent.skills:
            continue
        vias = engine.rules.answering(entry.lane, entry.aged).get(agent.home_region)
        if not vias:
            continue
        if agent.serves is None:
            weight = 1
        else:
            weights = [agent.serves[v] for v in vias if v in agent.serves]
            if not weights:
                continue
            weight = max(weights)
        own = head_start if entry.lane == agent.home_region else 0.0
        key = (entry.priority, -weight, entry.arrival_ts - own, entry.seq)
        if best is None or key < best[0]:
            best = (key, entry.call_id)
    return None if best is None else best[1]


def naive_best_nurse(engine: Engine, entry: CallEntry) -> str | None:
    """Scan every nurse: the longest-idle ready nurse who may take this call."""
    regions = engine.rules.answering(entry.lane, entry.aged)
    best: tuple[float, str] | None = None
    for agent in engine.agents.values():
        if agent.state is not AgentState.READY or not entry.needs <= agent.skills:
            continue
        vias = regions.get(agent.home_region)
        if not vias or (agent.serves is not None and not any(v in agent.serves for v in vias)):
            continue
        key = (agent.idle_since, agent.nurse_id)
        if best is None or key < best:
            best = key
    return None if best is None else best[1]


# -- building the state ----------------------------------------------------------------------------
def offered(events: list[Event]) -> list[CallOffered]:
    return [e for e in events if isinstance(e, CallOffered)]


class Bench:
    def __init__(self, calls: int, nurses: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.engine = Engine(national_setup(), START)
        self.now = START
        self.next_call = 0
        self.weights = [POPULATION[r] for r in REGIONS]
        e = self.engine
        for mode in ("night_norr", "night_syd"):
            e.set_mode(mode, self.now, True, by="bench", why="every mode active")
        e.redirect("training", "05", "06", START - timedelta(hours=1), START + timedelta(hours=8),
                   self.now, by="bench", why="utbildning")
        e.set_crisis("09", True, self.now, by="bench", why="kris")
        self.relay_nurses = []
        self.busy: list[str] = []
        for i in range(nurses):
            region = self.rng.choices(REGIONS, self.weights)[0]
            roll = self.rng.random()
            skills = frozenset({"lang:ar"}) if roll < 0.1 else (
                frozenset({"lang:en"}) if roll < 0.15 else frozenset())
            serves = (((region, 2), ("national_common", 1), ("national", 1))
                      if roll > 0.9 else None)
            nurse_id = f"ssk-{i}"
            if i < 60:  # relay specialists on the national queue only
                skills, serves = RELAY, (("national", 1),)
                self.relay_nurses.append(nurse_id)
            e.add_nurse(nurse_id, region, self.now, skills=skills, serves=serves)
        # Occupy the regional nurses: each logs in and takes a call.
        for i in range(60, nurses):
            nurse_id = f"ssk-{i}"
            region = e.nurse(nurse_id).home_region
            e.call_arrived(self.new_id(), region, self.now)
            for offer in offered(e.log_in(nurse_id, self.now)):
                e.answer(offer.nurse_id, self.now)
        for nurse_id in self.relay_nurses:
            self.cycle_relay(e.log_in(nurse_id, self.now))
        # 5,000 waiting callers, some waiting up to 30 minutes already (aged: overflow).
        for _ in range(calls):
            self.add_waiting(back=self.rng.uniform(0, 1800))
        self.busy = sorted(n for n, a in e.agents.items() if a.state is AgentState.ON_CALL
                           and n not in self.relay_nurses)

    def new_id(self) -> str:
        self.next_call += 1
        return f"c{self.next_call}"

    def add_waiting(self, back: float = 0.0, avoid: str | None = None) -> list[Event]:
        roll = self.rng.random()
        region = self.rng.choices(REGIONS, self.weights)[0]
        while region == avoid:
            region = self.rng.choices(REGIONS, self.weights)[0]
        needs = frozenset({"lang:ar"}) if roll < 0.05 else frozenset()
        priority = -1 if roll > 0.97 else 0
        arrived = self.now - timedelta(seconds=back)
        return self.engine.call_arrived(self.new_id(), region, self.now, priority, needs,
                                        arrived_at=arrived)

    def cycle_relay(self, events: list[Event]) -> None:
        """Relay nurses answer, finish and become ready again (not timed)."""
        for offer in offered(events):
            e = self.engine
            e.answer(offer.nurse_id, self.now)
            e.end_call(offer.nurse_id, self.now)
            self.cycle_relay(e.end_wrap_up(offer.nurse_id, self.now))

    def run(self, iterations: int) -> dict[str, Any]:
        """Time every kind of decision ``iterations`` times, then the mode toggles."""
        e = self.engine
        t: dict[str, list[float]] = {k: [] for k in (
            "ready_engine", "ready_naive", "wait_engine", "wait_naive", "offer_engine",
            "offer_naive", "mode_engine", "mode_naive")}
        mismatches = 0
        fewest = e.waiting_count()
        for i in range(iterations):
            fewest = min(fewest, e.waiting_count())
            self.now += timedelta(milliseconds=50)
            mismatches += self.time_ready(self.busy[i % len(self.busy)], t)
            mismatches += self.time_wait(t)
            mismatches += self.time_offer(t)
        self.time_mode_toggles(min(iterations, 400), t)
        return {"waiting_calls": e.waiting_count(), "fewest_waiting": fewest,
                "nurses": len(e.agents),
                "regions": len(REGIONS), "iterations": iterations,
                "decisions": summary(t), "mismatches_with_naive": mismatches}

    def time_ready(self, nurse_id: str, t: dict[str, list[float]]) -> int:
        """Nurse ready -> offer: a wrap-up ends; 1 if the engine's offer differs from the scan."""
        e = self.engine
        e.end_call(nurse_id, self.now)
        agent = e.nurse(nurse_id)
        c0 = time.perf_counter()
        expected = naive_best_call(e, agent)
        c1 = time.perf_counter()
        events = e.end_wrap_up(nurse_id, self.now)
        c2 = time.perf_counter()
        t["ready_naive"].append(c1 - c0)
        t["ready_engine"].append(c2 - c1)
        got = offered(events)
        for offer in got:
            e.answer(offer.nurse_id, self.now)
        return int(not got or got[0].call_id != expected)

    def time_wait(self, t: dict[str, list[float]]) -> int:
        """Call arrives -> wait: no eligible nurse is ready; 1 if either side finds one.

        Crisis callers would reach the ready relay nurses through the national
        queue, so none of them here.
        """
        e = self.engine
        c0 = time.perf_counter()
        events = self.add_waiting(avoid="09")
        c1 = time.perf_counter()
        entry = e.call(f"c{self.next_call}")
        assert entry is not None
        mismatch = naive_best_nurse(e, entry) is not None or bool(offered(events))
        c2 = time.perf_counter()
        t["wait_engine"].append(c1 - c0)
        t["wait_naive"].append(c2 - c1)
        return int(mismatch)

    def time_offer(self, t: dict[str, list[float]]) -> int:
        """Call arrives -> offer: a relay caller while relay nurses are ready; 1 unless one offer."""
        e = self.engine
        call_id = self.new_id()
        c0 = time.perf_counter()
        events = e.call_arrived(call_id, None, self.now, 0, RELAY, national=True)
        c1 = time.perf_counter()
        entry = e.call(call_id)
        got = offered(events)
        probe = CallEntry(call_id, "national", None, self.now, self.now.timestamp(), 0, 0,
                          RELAY)
        c2 = time.perf_counter()
        naive_best_nurse(e, probe)
        c3 = time.perf_counter()
        t["offer_engine"].append(c1 - c0)
        t["offer_naive"].append(c3 - c2)
        self.cycle_relay(events)
        return int(len(got) != 1 or entry is None)

    def time_mode_toggles(self, toggles: int, t: dict[str, list[float]]) -> None:
        """A rule change: a supervisor closes and reopens a night pool (full re-match)."""
        e = self.engine
        for i in range(toggles):
            c0 = time.perf_counter()
            e.set_mode("night_norr", self.now, i % 2 == 1, by="bench", why="toggle")
            c1 = time.perf_counter()
            for agent in e.agents.values():  # the naive re-match: every ready nurse × calls
                if agent.state is AgentState.READY:
                    naive_best_call(e, agent)
            c2 = time.perf_counter()
            t["mode_engine"].append(c1 - c0)
            t["mode_naive"].append(c2 - c1)


def summary(t: dict[str, list[float]]) -> dict[str, dict[str, dict[str, float]]]:
    """p50, p99 and max in ms of each decision, engine and naive scan."""
    return {name: {who: {"p50_ms": pct(t[f"{name}_{who}"], 50) * 1e3,
                         "p99_ms": pct(t[f"{name}_{who}"], 99) * 1e3,
                         "max_ms": max(t[f"{name}_{who}"]) * 1e3}
                   for who in ("engine", "naive")}
            for name in ("ready", "wait", "offer", "mode")}


LABELS = {"ready": "nurse ready → offer", "wait": "call arrives → wait",
          "offer": "call arrives → offer", "mode": "mode toggled → re-match"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--nurses", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args()
    built = time.perf_counter()
    bench = Bench(args.calls, args.nurses, args.seed)
    setup = time.perf_counter() - built
    result = bench.run(args.iterations)
    result["setup_seconds"] = setup
    print(f"{result['fewest_waiting']}+ waiting calls, {result['nurses']} nurses, "
          f"{result['regions']} regions, every collaboration mode active; "
          f"{args.iterations} decisions of each kind (setup {setup:.1f} s)")
    print(f"{'decision':<26}{'engine p50':>11}{'engine p99':>11}{'naive p50':>11}"
          f"{'naive p99':>11}{'speed-up p99':>13}")
    for name, row in result["decisions"].items():
        eng, nai = row["engine"], row["naive"]
        print(f"{LABELS[name]:<26}{eng['p50_ms']:>9.3f}ms{eng['p99_ms']:>9.3f}ms"
              f"{nai['p50_ms']:>9.3f}ms{nai['p99_ms']:>9.3f}ms"
              f"{nai['p99_ms'] / eng['p99_ms']:>12.1f}x")
    print(f"decisions differing from the naive scan: {result['mismatches_with_naive']}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
