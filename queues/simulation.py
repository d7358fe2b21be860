"""A discrete-event simulator of a day on the line, driving the real queue engine.

Simulated clock, faster than real time, deterministic by seed. Callers arrive
per region and hour (a Poisson process at the hour's rate); each has a
patience (exponential) and a handle time (log-normal talk time, plus the
queue's efterarbete). Nurses log in and out by the hour from a staffing table.
The engine applies every collaboration rule (common queue, nattsamverkan,
overflow, callbacks). Outputs per region and in total: offered, answered,
abandoned, callbacks, service level, average and longest wait, occupancy, and
the ledger of calls answered for and by each other (:mod:`queues.statistics`).

The callers of a day are drawn up front from the seed, so a what-if
(:class:`Borrow`: region X borrows N nurses from 18:00) replays the very same
callers against different staffing: :func:`compare`.

Usage: ``simulate(national_day(calls_per_day=13_000, seed=1)).summary()``.
"""

from __future__ import annotations

import heapq
import json
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from queues.config import EngineConfig
from queues.engine import Engine
from queues.events import (
    CallAnswered,
    CallOffered,
    CallQueued,
    CallRejected,
    CommandReceived,
    Event,
)
from queues.model import AgentState
from queues.simulation_setup import national_setup, national_tables
from queues.statistics import IntervalStats, Statistics, compute

__all__ = ["Borrow", "SimulationConfig", "SimulationResult", "compare", "national_day",
           "simulate"]


@dataclass(frozen=True)
class Borrow:
    """What-if: ``region`` gets ``nurses`` extra nurses from ``from_hour`` to ``to_hour``
    (taken from ``lender``'s staffing when given)."""

    region: str
    nurses: int
    from_hour: int
    to_hour: int = 24
    lender: str | None = None


@dataclass(frozen=True)
class SimulationConfig:
    """One simulated day: rules, callers per hour, staffing per hour, distributions, seed."""

    engine: EngineConfig
    day: date
    arrivals_per_hour: Mapping[str, Sequence[float]]  # region -> 24 rates (calls/hour)
    staffing: Mapping[str, Sequence[int]]  # region -> 24 nurse counts
    national_per_hour: Sequence[float] = (0.0,) * 24  # calls from abroad and relay calls
    talk_mean_seconds: float = 420.0
    talk_sigma: float = 0.5
    patience_mean_seconds: float = 1200.0
    callback_acceptance: float = 0.4
    callback_reached: float = 0.85
    ring_seconds: float = 5.0
    seed: int = 1
    borrow: tuple[Borrow, ...] = ()
    drain_hours: int = 4
    timezone: str = "Europe/Stockholm"


@dataclass
class SimulationResult:
    """What a simulated day gave; ``statistics`` holds the 15-minute intervals and the ledger."""

    statistics: Statistics
    rejected: dict[str, int]
    unfinished: int
    simulated_seconds: float
    callers: int
    events: int
    service_level_seconds: float = 180.0
    by_region: dict[str, IntervalStats] = field(init=False)
    occupancy: dict[str, float | None] = field(init=False)

    def __post_init__(self) -> None:
        self.by_region = self.statistics.totals_by_queue()
        self.occupancy = self.statistics.occupancy_by_region()

    def total(self) -> IntervalStats:
        return self.statistics.total()

    def as_dict(self) -> dict[str, Any]:
        total = self.total()
        return {
            "callers": self.callers, "events": self.events, "unfinished": self.unfinished,
            "simulated_seconds": self.simulated_seconds,
            "service_level_seconds": self.service_level_seconds,
            "total": {**total.as_dict(), "rejected": sum(self.rejected.values())},
            "regions": {q: {**s.as_dict(), "rejected": self.rejected.get(q, 0),
                            "occupancy": self.occupancy.get(q)}
                        for q, s in sorted(self.by_region.items())},
            "ledger": [{"for": f, "by": b, "answered": n}
                       for (f, b), n in sorted(self.statistics.ledger_totals().items())],
            "ledger_balance": self.statistics.ledger_balance(),
        }

    def as_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, sort_keys=True)

    def summary(self) -> str:
        """A plain-text table per region and in total."""
        head = (f"{'queue':<10}{'offered':>8}{'answered':>9}{'aband.':>7}{'cb req':>7}"
                f"{'cb done':>8}{'SL':>6}{'avg wait':>9}{'max wait':>9}{'occup.':>7}")
        lines = [head, "-" * len(head)]
        rows = sorted(self.by_region.items()) + [("TOTAL", self.total())]
        for queue, s in rows:
            sl = "-" if s.service_level is None else f"{s.service_level:.0%}"
            occ = self.occupancy.get(queue)
            lines.append(f"{queue:<10}{s.offered:>8}{s.answered:>9}{s.abandoned:>7}"
                         f"{s.callbacks_requested:>7}{s.callbacks_completed:>8}{sl:>6}"
                         f"{s.average_wait:>8.0f}s{s.longest_wait:>8.0f}s"
                         f"{'' if occ is None else f'{occ:.0%}':>7}")
        balance = self.statistics.ledger_balance()
        lines.append("")
        lines.append("ledger (answered for others − by others): " + ", ".join(
            f"{r}:{n:+d}" for r, n in balance.items() if n))
        lines.append(f"rejected (call later): {sum(self.rejected.values())}, "
                     f"unfinished at end: {self.unfinished}")
        return "\n".join(lines)


@dataclass(slots=True)
class _Caller:
    call_id: str
    region: str | None
    national: bool
    arrival: float
    patience: float
    talk: float
    takes_callback: bool
    reached: tuple[bool, ...]


def national_day(calls_per_day: int = 13_000, *, seed: int = 1, day: date = date(2025, 3, 4),
                 staffing_factor: float = 1.0, staffed_for: int | None = None,
                 **overrides: Any) -> SimulationConfig:
    """A national day shaped like the real line: 21 regions, collaboration as in queues.toml.

    Staffing covers ``staffed_for`` calls a day (default: ``calls_per_day``) times
    ``staffing_factor``; a surge day is ``national_day(100_000, staffed_for=13_000,
    staffing_factor=1.5)``.
    """
    arrivals, _, national = national_tables(calls_per_day)
    _, staffing, _ = national_tables(staffed_for or calls_per_day, staffing_factor)
    engine = national_setup(announcements=False)
    config = SimulationConfig(engine, day, arrivals, staffing, national, seed=seed)
    return replace(config, **overrides) if overrides else config


def _draw_callers(config: SimulationConfig, start: float) -> list[_Caller]:
    rng = random.Random(config.seed)
    callers: list[_Caller] = []
    sources: list[tuple[str | None, Sequence[float]]] = [
        (r, config.arrivals_per_hour[r]) for r in sorted(config.arrivals_per_hour)]
    sources.append((None, config.national_per_hour))
    mu = math.log(config.talk_mean_seconds) - config.talk_sigma ** 2 / 2
    for region, rates in sources:
        for hour, rate in enumerate(rates):
            t = start + hour * 3600.0
            end = t + 3600.0
            while rate > 0:
                t += rng.expovariate(rate / 3600.0)
                if t >= end:
                    break
                callers.append(_Caller(
                    "", region, region is None, t,
                    rng.expovariate(1.0 / config.patience_mean_seconds),
                    rng.lognormvariate(mu, config.talk_sigma),
                    rng.random() < config.callback_acceptance,
                    tuple(rng.random() < config.callback_reached for _ in range(5))))
    callers.sort(key=lambda c: (c.arrival, c.region or ""))
    for i, c in enumerate(callers):
        c.call_id = f"sim-{i}"
    return callers


def _staffing(config: SimulationConfig) -> dict[str, list[int]]:
    table = {r: list(v) for r, v in config.staffing.items()}
    for b in config.borrow:
        for hour in range(b.from_hour, min(b.to_hour, 24)):
            table[b.region][hour] += b.nurses
            if b.lender is not None:
                table[b.lender][hour] = max(0, table[b.lender][hour] - b.nurses)
    return table


class _Run:
    """One simulation run: the engine, a heap of future facts, and the events recorded."""

    def __init__(self, config: SimulationConfig) -> None:
        zone = ZoneInfo(config.timezone)
        self.config = config
        self.zone = zone
        self.t0 = datetime.combine(config.day, time(0, 0), tzinfo=zone)
        self.start = self.t0.timestamp()
        self.engine = Engine(config.engine, self.t0)
        self.callers = {c.call_id: c for c in _draw_callers(config, self.start)}
        self.staffing = _staffing(config)
        self.heap: list[tuple[float, int, str, Any]] = []
        self.seq = 0
        self.events: list[Event] = []
        self.rejected: dict[str, int] = {}
        self.nurses: dict[str, list[str]] = {r: [] for r in config.engine.regions}
        self.on_shift: dict[str, set[str]] = {r: set() for r in config.engine.regions}
        for c in self.callers.values():
            self.push(c.arrival, "arrive", c.call_id)
        for hour in range(24 + config.drain_hours):
            self.push(self.start + hour * 3600.0, "shift", hour % 24)

    def push(self, at: float, kind: str, payload: Any) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (at, self.seq, kind, payload))

    def at(self, ts: float) -> datetime:
        return self.t0 + timedelta(seconds=ts - self.start)

    def run(self) -> float:
        end = self.start + (24 + self.config.drain_hours) * 3600.0
        now = self.start
        while True:
            due = self.engine.next_change_at()
            due_ts = due.timestamp() if due is not None else math.inf
            next_ts = self.heap[0][0] if self.heap else math.inf
            if min(due_ts, next_ts) > end:
                break
            if due_ts <= next_ts:
                now = max(now, due_ts)
                self.record(self.engine.tick(self.at(now)), now)
                continue
            now, _, kind, payload = heapq.heappop(self.heap)
            getattr(self, f"_on_{kind}")(payload, now)
            if now >= self.start + 24 * 3600 and not self.engine.calls.entries:
                break
        return now - self.start

    def record(self, events: list[Event], now: float) -> None:
        for e in events:
            if isinstance(e, CommandReceived):
                continue
            self.events.append(e)
            if isinstance(e, CallOffered):
                self.push(now + self.config.ring_seconds, "answer", (e.nurse_id, e.call_id))
            elif isinstance(e, CallAnswered):
                self.push(now + self.callers[e.call_id].talk, "hangup_done", e.nurse_id)
            elif isinstance(e, CallQueued):
                caller = self.callers[e.call_id]
                entry = self.engine.call(e.call_id)
                if e.callback_offer and caller.takes_callback and entry is not None \
                        and entry.status == "waiting":
                    self.record(self.engine.request_callback(e.call_id, self.at(now)), now)
                else:
                    self.push(now + caller.patience, "patience", e.call_id)
            elif isinstance(e, CallRejected):
                self.rejected[e.queue_id] = self.rejected.get(e.queue_id, 0) + 1

    # -- facts --------------------------------------------------------------------------------------
    def _on_arrive(self, call_id: str, now: float) -> None:
        c = self.callers[call_id]
        self.record(self.engine.call_arrived(call_id, c.region, self.at(now),
                                             national=c.national), now)

    def _on_patience(self, call_id: str, now: float) -> None:
        entry = self.engine.call(call_id)
        if entry is not None and not entry.callback and entry.status in ("waiting", "offered"):
            self.record(self.engine.hang_up(call_id, self.at(now)), now)

    def _on_answer(self, payload: tuple[str, str], now: float) -> None:
        nurse_id, call_id = payload
        agent = self.engine.nurse(nurse_id)
        if agent.state is not AgentState.OFFERED or agent.call_id != call_id:
            return
        self.record(self.engine.answer(nurse_id, self.at(now)), now)
        entry = self.engine.call(call_id)
        if entry is not None and entry.callback:
            self.push(now + 20.0, "dialled", (nurse_id, call_id))

    def _on_dialled(self, payload: tuple[str, str], now: float) -> None:
        _, call_id = payload
        entry = self.engine.call(call_id)
        if entry is None:
            return
        reached = self.callers[call_id].reached[min(entry.attempts, 4)]
        self.record(self.engine.callback_result(call_id, self.at(now),
                                                "answered" if reached else "no_answer"), now)

    def _on_hangup_done(self, nurse_id: str, now: float) -> None:
        if self.engine.nurse(nurse_id).state is AgentState.ON_CALL:
            self.record(self.engine.end_call(nurse_id, self.at(now)), now)

    def _on_shift(self, hour: int, now: float) -> None:
        when = self.at(now)
        for region in self.config.engine.regions:
            want = self.staffing.get(region, [0] * 24)[hour]
            shift = self.on_shift[region]
            while len(shift) > want:  # the most recently added go first
                nurse_id = max(shift, key=lambda n: int(n.rsplit("-", 1)[1]))
                shift.discard(nurse_id)
                if self.engine.nurse(nurse_id).state is not AgentState.LOGGED_OUT:
                    self.record(self.engine.log_out(nurse_id, when, "end_of_shift"), now)
            free = [n for n in self.nurses[region] if n not in shift
                    and self.engine.nurse(n).state is AgentState.LOGGED_OUT]
            while len(shift) < want:
                if free:
                    nurse_id = free.pop(0)
                else:
                    nurse_id = f"ssk-{region}-{len(self.nurses[region])}"
                    self.nurses[region].append(nurse_id)
                    self.record(self.engine.add_nurse(nurse_id, region, when), now)
                shift.add(nurse_id)
                self.record(self.engine.log_in(nurse_id, when), now)


def simulate(config: SimulationConfig) -> SimulationResult:
    """Run one simulated day (deterministic for a given configuration and seed)."""
    run = _Run(config)
    simulated = run.run()
    stats = compute(run.events, until=run.at(run.start + simulated))
    unfinished = len(run.engine.calls.entries)
    return SimulationResult(stats, run.rejected, unfinished, simulated, len(run.callers),
                            len(run.events))


@dataclass
class Comparison:
    """The same day and callers, run twice: as planned and with the what-if."""

    base: SimulationResult
    variant: SimulationResult

    def summary(self) -> str:
        b, v = self.base.total(), self.variant.total()
        def sl(s: IntervalStats) -> str:
            return "-" if s.service_level is None else f"{s.service_level:.1%}"
        return "\n".join([
            f"{'':<14}{'base':>10}{'what-if':>10}",
            f"{'answered':<14}{b.answered:>10}{v.answered:>10}",
            f"{'abandoned':<14}{b.abandoned:>10}{v.abandoned:>10}",
            f"{'service level':<14}{sl(b):>10}{sl(v):>10}",
            f"{'average wait':<14}{b.average_wait:>9.0f}s{v.average_wait:>9.0f}s",
            f"{'longest wait':<14}{b.longest_wait:>9.0f}s{v.longest_wait:>9.0f}s",
        ])

    def as_json(self) -> str:
        return json.dumps({"base": self.base.as_dict(), "what_if": self.variant.as_dict()},
                          indent=2, sort_keys=True)


def compare(config: SimulationConfig, *borrow: Borrow) -> Comparison:
    """Run the day as configured and again with ``borrow`` added (same seed, same callers)."""
    return Comparison(simulate(config),
                      simulate(replace(config, borrow=config.borrow + tuple(borrow))))
