"""Benchmark: calls per second from StasisStart to bridged, and nurse ready → bridged.

Runs the real service (ARI client, call flow, queue service, call log on
SQLite) against the built-in ARI simulator over real HTTP and WebSocket on
loopback. Media durations in the simulator are scaled down (``--speed``) so
that the figures measure the system, not the length of the greeting.

Two phases:

1. **Sustained arrivals**: callers arrive at a fixed offered rate while enough
   nurses are ready; reports the achieved rate of calls bridged per second and
   the StasisStart → bridged latency.
2. **Nurse ready → bridged**: calls wait in queue, then nurses become ready
   one at a time; reports p50/p99 from the nurse becoming ready (the offer)
   to both parties joined in the mixing bridge.

Baseline in the same run: a minimal ARI application on the same client and
simulator that answers each call and bridges it with a nurse leg at once —
no IVR, no region, no queue, no persistence — the floor of ARI work per call.

    .venv/bin/python bench/calls.py [--calls 500] [--rate 100] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ari import AriClient
from ari import events as ari_events
from ari_simulator import AriSimulator
from contactcenter.bootstrap import Services, build_services
from contactcenter.db import upgrade
from contactcenter.demo import DemoNurse, ensure_roster
from contactcenter.settings import load_settings

SPEED = 1000.0


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


async def wait_until(predicate: Any, timeout: float) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.005)
    return False


@dataclass
class _Rig:
    """The service under test, its simulator and the bench nurses."""

    sim: AriSimulator
    services: Services
    roster: list[DemoNurse]


async def start_service(calls: int, tmp: Path, database_url: str | None) -> _Rig:
    """A migrated database, the simulator, the service connected, every bench nurse's phone."""
    settings = load_settings(overrides={
        "database.url": database_url or f"sqlite+aiosqlite:///{tmp / 'bench.db'}",
        "callflow.wrapup_seconds": 3600.0,
        "service.log_level": "WARNING",
    })
    await upgrade(settings.database.url)
    sim = AriSimulator(username=settings.ari.username, password=settings.ari.password,
                       speed=SPEED)
    await sim.start()
    settings = replace(settings, ari=replace(settings.ari, url=sim.ari_url))
    services = build_services(settings)
    nurses_needed = calls + calls // 2
    roster = [DemoNurse(f"b-{i}", f"Bench {i}", "01", f"PJSIP/b-{i}", None)
              for i in range(nurses_needed)]
    await ensure_roster(services, roster)
    await services.start()
    await wait_until(services.ari_connected, 10)
    for nurse in roster:
        await sim.add_phone(endpoint=nurse.endpoint, behaviour="answer", answer_delay=0.0,
                            talk=None)
    return _Rig(sim, services, roster)


async def sustained_arrivals(rig: _Rig, calls: int, rate: float) -> dict[str, Any]:
    """Phase 1: callers arrive at ``rate`` while enough nurses are ready."""
    services, sim = rig.services, rig.sim
    for nurse in rig.roster[:calls]:
        await services.queues.set_nurse_state(nurse.nurse_id, "ready")
    connected_before = services.queues.totals()["answered"]
    start = time.perf_counter()
    interval = 1.0 / rate
    for i in range(calls):
        target = start + i * interval
        delay = target - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await sim.add_caller(number="+46812345678", municipality="0180", patience=None,
                             talk=None)
    offered_seconds = time.perf_counter() - start
    ok = await wait_until(
        lambda: services.queues.totals()["answered"] - connected_before >= calls, 120)
    elapsed = time.perf_counter() - start
    answered = services.queues.totals()["answered"] - connected_before
    latencies = [
        ((r.answered_at - r.arrived_at).total_seconds())
        for r in services.call_log.live() if r.answered_at is not None
    ]
    return {
        "calls": calls, "offered_rate": rate, "answered": answered, "completed": ok,
        "offered_seconds": round(offered_seconds, 3),
        "sustained_calls_per_s": round(answered / elapsed, 1),
        "stasis_to_bridged_p50_ms": round(pct(latencies, 50) * 1000, 2),
        "stasis_to_bridged_p99_ms": round(pct(latencies, 99) * 1000, 2),
    }


async def ready_to_bridged(rig: _Rig, calls: int) -> dict[str, Any]:
    """Phase 2: ``calls // 2`` calls wait, then nurses become ready one at a time."""
    services, sim = rig.services, rig.sim
    waiting = calls // 2
    services.flow.ready_to_bridged.clear()
    before = services.queues.totals()["answered"]
    for _ in range(waiting):
        await sim.add_caller(number="+46812345678", municipality="0180", patience=None,
                             talk=None)
    await wait_until(lambda: sum(q["waiting"] for q in services.queues.queue_snapshot())
                     >= waiting, 60)
    for nurse in rig.roster[calls:calls + waiting]:
        await services.queues.set_nurse_state(nurse.nurse_id, "ready")
        await wait_until(lambda n=nurse: services.queues.nurse_state(n.nurse_id)
                         == "on_call", 10)
    await wait_until(lambda: services.queues.totals()["answered"] - before >= waiting, 60)
    samples = list(services.flow.ready_to_bridged)
    return {
        "calls": waiting, "samples": len(samples),
        "ready_to_bridged_p50_ms": round(pct(samples, 50) * 1000, 2),
        "ready_to_bridged_p99_ms": round(pct(samples, 99) * 1000, 2),
    }


async def run_service(calls: int, rate: float, tmp: Path,
                      database_url: str | None = None) -> dict[str, Any]:
    rig = await start_service(calls, tmp, database_url)
    try:
        phase1 = await sustained_arrivals(rig, calls, rate)
        phase2 = await ready_to_bridged(rig, calls)
        await rig.services.call_log.flush()
        return {"sustained": phase1, "ready_to_bridged": phase2}
    finally:
        await rig.services.stop()
        await rig.sim.stop()


class _Baseline:
    """Answer, originate a nurse leg, bridge both: the least an ARI app must do per call."""

    def __init__(self, client: AriClient) -> None:
        self.client = client
        self.bridged = 0
        self.latencies: list[float] = []
        self._started: dict[str, float] = {}
        self._n = 0

    async def on_connected(self, snapshot: object) -> None:
        return None

    async def on_event(self, event: ari_events.AriEvent) -> None:
        if not isinstance(event, ari_events.StasisStart):
            return
        if event.args and event.args[0] == "nurse":
            caller = event.args[1]
            bridge = await self.client.bridges.create(type="mixing")
            await self.client.bridges.add_channel(bridge.id, [caller, event.channel.id])
            self.bridged += 1
            self.latencies.append(time.perf_counter() - self._started.pop(caller))
            return
        self._started[event.channel.id] = time.perf_counter()
        await self.client.channels.answer(event.channel.id)
        self._n += 1
        await self.client.channels.originate(f"PJSIP/base-{self._n}",
                                             app_args=["nurse", event.channel.id])


async def run_baseline(calls: int, rate: float) -> dict[str, Any]:
    sim = AriSimulator(username="u", password="p", speed=SPEED)
    await sim.start()
    for i in range(1, calls + 1):
        await sim.add_phone(endpoint=f"PJSIP/base-{i}", behaviour="answer", answer_delay=0.0,
                            talk=None)
    client = AriClient(base_url=sim.ari_url, username="u", password="p", app="contactcenter")
    await client.start()
    app = _Baseline(client)
    task = asyncio.get_running_loop().create_task(client.run(app))
    try:
        await wait_until(lambda: client.is_connected, 10)
        start = time.perf_counter()
        for i in range(calls):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            await sim.add_caller(number="+46812345678", patience=None, talk=None)
        ok = await wait_until(lambda: app.bridged >= calls, 120)
        elapsed = time.perf_counter() - start
        return {
            "calls": calls, "completed": ok, "bridged": app.bridged,
            "sustained_calls_per_s": round(app.bridged / elapsed, 1),
            "stasis_to_bridged_p50_ms": round(pct(app.latencies, 50) * 1000, 2),
            "stasis_to_bridged_p99_ms": round(pct(app.latencies, 99) * 1000, 2),
        }
    finally:
        await client.close()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await sim.stop()


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        service = await run_service(args.calls, args.rate, Path(tmp), args.database_url)
    baseline = await run_baseline(args.calls, args.rate)
    ratio = (service["sustained"]["sustained_calls_per_s"]
             / max(baseline["sustained_calls_per_s"], 1e-9))
    return {"service": service, "baseline": baseline,
            "ratio_service_to_baseline_throughput": round(ratio, 3),
            "simulated_media_speed": SPEED}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--rate", type=float, default=100.0, help="offered calls per second")
    parser.add_argument("--database-url", help="an empty database for the service (default: "
                        "SQLite in a temporary folder); PostgreSQL measures the shared-log path "
                        "that several instances use")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(main_async(args))
    if args.json:
        print(json.dumps(result, indent=2))
        return
    s, r, b = result["service"]["sustained"], result["service"]["ready_to_bridged"], result["baseline"]
    print(f"offered {s['offered_rate']:.0f} calls/s, {s['calls']} calls")
    print(f"  service : {s['sustained_calls_per_s']:8.1f} calls/s bridged; StasisStart→bridged "
          f"p50 {s['stasis_to_bridged_p50_ms']} ms, p99 {s['stasis_to_bridged_p99_ms']} ms")
    print(f"  baseline: {b['sustained_calls_per_s']:8.1f} calls/s bridged; StasisStart→bridged "
          f"p50 {b['stasis_to_bridged_p50_ms']} ms, p99 {b['stasis_to_bridged_p99_ms']} ms")
    print(f"  ratio service/baseline throughput: {result['ratio_service_to_baseline_throughput']}")
    print(f"nurse ready → bridged ({r['samples']} calls): p50 {r['ready_to_bridged_p50_ms']} ms, "
          f"p99 {r['ready_to_bridged_p99_ms']} ms")


if __name__ == "__main__":
    main()
