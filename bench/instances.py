"""Benchmark: one service instance against two on one PostgreSQL (the shared queue log).

Each instance has its own ARI simulator (its own "Asterisk"); every nurse's
phone is reachable from every simulator. Callers arrive at a fixed offered
rate, spread over the instances in turn, while enough nurses are ready; the
figures are calls bridged per second and StasisStart → bridged latency, over
all instances. The baseline in the same run is one instance on the same
PostgreSQL server. All instances run in this one process on the same cores,
so the comparison shows what keeping two replicas in step costs, not how far
more machines would scale. Each run gets a fresh database on the server.

    .venv/bin/python bench/instances.py --server postgresql+asyncpg://postgres@127.0.0.1/postgres \\
        [--calls 400] [--rate 50] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ari_simulator import AriSimulator
from bench.calls import SPEED, pct, wait_until
from contactcenter.bootstrap import Services, build_services
from contactcenter.db import upgrade
from contactcenter.demo import DemoNurse, ensure_roster
from contactcenter.settings import load_settings


async def _fresh_database(server: str) -> tuple[str, str]:
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(server)
    name = f"rgv_bench_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(host=url.host or "127.0.0.1", port=url.port or 5432,
                                 user=url.username or "postgres", password=url.password,
                                 database=url.database or "postgres")
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return url.set(database=name).render_as_string(hide_password=False), name


async def run(server: str, instances: int, calls: int, rate: float) -> dict[str, Any]:
    db_url, _ = await _fresh_database(server)
    await upgrade(db_url)
    sims: list[AriSimulator] = []
    services: list[Services] = []
    roster = [DemoNurse(f"b-{i}", f"Bench {i}", "01", f"PJSIP/b-{i}", None)
              for i in range(calls)]
    try:
        for n in range(instances):
            settings = load_settings(overrides={
                "database.url": db_url, "service.instance_id": f"bench-{n}",
                "callflow.wrapup_seconds": 3600.0, "service.log_level": "WARNING"})
            sim = AriSimulator(username=settings.ari.username, password=settings.ari.password,
                               speed=SPEED)
            await sim.start()
            sims.append(sim)
            settings = replace(settings, ari=replace(settings.ari, url=sim.ari_url))
            if n == 0:
                filler = build_services(settings)
                await ensure_roster(filler, roster)
                await filler.engine.dispose()
            instance = build_services(settings)
            await instance.start()
            await wait_until(instance.ari_connected, 10)
            services.append(instance)
            for nurse in roster:
                await sim.add_phone(endpoint=nurse.endpoint, behaviour="answer",
                                    answer_delay=0.0, talk=None)
        for i, nurse in enumerate(roster):
            await services[i % instances].queues.set_nurse_state(nurse.nurse_id, "ready")

        def answered() -> int:
            return sum(s.queues.totals()["answered"] for s in services)

        start = time.perf_counter()
        for i in range(calls):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            await sims[i % instances].add_caller(number="+46812345678", municipality="0180",
                                                 patience=None, talk=None)
        ok = await wait_until(lambda: answered() >= calls, 120)
        elapsed = time.perf_counter() - start
        latencies = [(r.answered_at - r.arrived_at).total_seconds()
                     for s in services for r in s.call_log.live() if r.answered_at is not None]
        return {
            "instances": instances, "calls": calls, "offered_rate": rate, "completed": ok,
            "answered": answered(),
            "bridged_per_s": round(answered() / elapsed, 1),
            "stasis_to_bridged_p50_ms": round(pct(latencies, 50) * 1000, 2),
            "stasis_to_bridged_p99_ms": round(pct(latencies, 99) * 1000, 2),
        }
    finally:
        for instance in services:
            await instance.stop()
        for sim in sims:
            await sim.stop()


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    one = await run(args.server, 1, args.calls, args.rate)
    two = await run(args.server, 2, args.calls, args.rate)
    return {"one_instance": one, "two_instances": two,
            "ratio_two_to_one_p50": round(two["stasis_to_bridged_p50_ms"]
                                          / max(one["stasis_to_bridged_p50_ms"], 1e-9), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", required=True,
                        help="a PostgreSQL server URL the benchmark may create databases on")
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--rate", type=float, default=50.0, help="offered calls per second")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(main_async(args))
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for key in ("one_instance", "two_instances"):
        r = result[key]
        print(f"{r['instances']} instance(s): {r['answered']}/{r['calls']} bridged, "
              f"{r['bridged_per_s']} calls/s at {r['offered_rate']:.0f} offered; "
              f"StasisStart→bridged p50 {r['stasis_to_bridged_p50_ms']} ms, "
              f"p99 {r['stasis_to_bridged_p99_ms']} ms")
    print(f"two / one (p50 latency): {result['ratio_two_to_one_p50']}")


if __name__ == "__main__":
    main()
