"""Benchmark: a surge through the whole service — no call lost, none offered twice.

The service (ARI client, IVR, queue engine with the configured collaboration
rules, call log on SQLite) against the built-in ARI simulator: callers arrive
at ``--rate`` per wall-clock second for ``--minutes`` from every region, talk
for a drawn time with nurses whose simulated phones answer by themselves, and
some hang up in queue. Afterwards the stored events are checked:

* every caller that reached the service has exactly one final event (ended or
  abandoned) — no call lost or stranded;
* no call was answered twice, and no nurse was offered a call while ringing,
  talking or in wrap-up — no double assignment (from ``queue_events``).

Also reported: StasisStart → bridged (from the call log) and offer → bridged (the call
flow's own samples), p50 and p99. Baseline in the same run: the number of callers the
simulator started, which every call-log count is compared with. ``bench/console_load.py``
runs the same surge with and without nurse consoles connected.

    .venv/bin/python bench/surge.py [--rate 12] [--minutes 10] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from ari_simulator import AriSimulator
from contactcenter.bootstrap import Services, build_services
from contactcenter.calls.sql import call_events, calls
from contactcenter.db import upgrade
from contactcenter.demo import DemoNurse, ensure_roster
from contactcenter.settings import load_settings
from queues.sql import queue_events

SPEED = 10.0  # simulated media, talk and patience run ten times faster than the arrivals
REGIONS = {"01": "0180", "03": "0380", "12": "1280", "14": "1480", "05": "0580", "20": "2080"}


@dataclass
class SurgeRig:
    """The service under surge, its simulator and the surge nurses (all ready)."""

    sim: AriSimulator
    services: Services
    roster: list[DemoNurse]


def surge_roster(nurses_per_region: int) -> list[DemoNurse]:
    return [DemoNurse(f"s-{r}-{i}", f"Surge {r} {i}", r, f"PJSIP/s-{r}-{i}", None)
            for r in REGIONS for i in range(nurses_per_region)]


async def start_service(roster: list[DemoNurse], tmp: Path, rng: random.Random) -> SurgeRig:
    """A migrated database, the simulator, the service connected, every nurse ready on a
    phone that answers by itself."""
    settings = load_settings(overrides={
        "database.url": f"sqlite+aiosqlite:///{tmp / 'surge.db'}",
        "callflow.wrapup_seconds": 6.0,
        "callflow.dtmf_timeout_seconds": 0.3,
        "service.log_level": "WARNING",
    })
    await upgrade(settings.database.url)
    sim = AriSimulator(username=settings.ari.username, password=settings.ari.password,
                       speed=SPEED)
    await sim.start()
    settings = replace(settings, ari=replace(settings.ari, url=sim.ari_url))
    services = build_services(settings)
    await ensure_roster(services, roster)
    await services.start()
    while not services.ari_connected():  # callers before that would fail Stasis, as in Asterisk
        await asyncio.sleep(0.05)
    for nurse in roster:
        await sim.add_phone(endpoint=nurse.endpoint, behaviour="answer",
                            answer_delay=rng.uniform(1.0, 4.0), talk=None)
        await services.queues.set_nurse_state(nurse.nurse_id, "ready")
    return SurgeRig(sim, services, roster)


async def stop_service(rig: SurgeRig) -> None:
    await rig.services.stop()
    await rig.sim.stop()


async def offer_callers(rig: SurgeRig, rate: float, minutes: float, rng: random.Random, *,
                        talk: tuple[float, float] = (60.0, 400.0)) -> dict[str, Any]:
    """Callers from every region at ``rate`` a second for ``minutes``, talking for ``talk``
    simulated seconds; then wait for the calls in progress to finish and check the stored
    events (see the module docstring)."""
    services = rig.services
    started = 0
    begin = time.perf_counter()
    for i in range(int(rate * minutes * 60)):
        delay = begin + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        region = rng.choice(list(REGIONS))
        await rig.sim.add_caller(number=f"+4670{rng.randint(1000000, 9999999)}",
                                 municipality=REGIONS[region],
                                 patience=rng.uniform(60.0, 900.0),
                                 talk=rng.uniform(*talk))
        started += 1
    offered_seconds = time.perf_counter() - begin
    # Let the calls in progress finish (simulated talk / SPEED).
    deadline = time.perf_counter() + 600
    while services.call_log.live() and time.perf_counter() < deadline:
        await asyncio.sleep(0.5)
    await services.call_log.flush()
    await services.queues.flush()
    return {"rate": rate, "minutes": minutes, "callers": started,
            "offered_seconds": round(offered_seconds, 1),
            "still_live": len(services.call_log.live()),
            **await check(services.engine),
            **await latencies(services)}


async def run(rate: float, minutes: float, nurses_per_region: int, tmp: Path) -> dict[str, Any]:
    rng = random.Random(12)
    rig = await start_service(surge_roster(nurses_per_region), tmp, rng)
    try:
        return await offer_callers(rig, rate, minutes, rng)
    finally:
        await stop_service(rig)


def pct_ms(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000, 1)


async def latencies(services: Services) -> dict[str, float]:
    """StasisStart → bridged (arrival to answered, greeting, IVR and queue wait included)
    and offer → bridged (the nurse's phone rings, answers, both joined), p50 and p99."""
    async with services.engine.connect() as conn:
        rows = (await conn.execute(select(calls.c.arrived_at, calls.c.answered_at)
                                   .where(calls.c.answered_at.is_not(None)))).all()
    waited = [(r.answered_at - r.arrived_at).total_seconds() for r in rows]
    offered = list(services.flow.ready_to_bridged)
    return {"stasis_to_bridged_p50_ms": pct_ms(waited, 50),
            "stasis_to_bridged_p99_ms": pct_ms(waited, 99),
            "offer_to_bridged_p50_ms": pct_ms(offered, 50),
            "offer_to_bridged_p99_ms": pct_ms(offered, 99)}


async def check(engine: Any) -> dict[str, Any]:
    async with engine.connect() as conn:
        finals = Counter()
        arrived = set()
        for call_id, type_ in (await conn.execute(
                select(call_events.c.call_id, call_events.c.type))).all():
            if type_ == "arrived":
                arrived.add(call_id)
            elif type_ in ("ended", "abandoned"):
                finals[call_id] += 1
        rows = (await conn.execute(select(queue_events.c.type, queue_events.c.data)
                                   .order_by(queue_events.c.id))).all()
    answered = Counter(r.data["call_id"] for r in rows if r.type == "CallAnswered")
    busy: dict[str, str] = {}
    double_offers = 0
    for r in rows:
        if r.type == "CallOffered":
            if r.data["nurse_id"] in busy:
                double_offers += 1
            busy[r.data["nurse_id"]] = r.data["call_id"]
        elif r.type == "NurseStateChanged" and r.data["to_state"] in ("ready", "paused",
                                                                       "logged_out"):
            busy.pop(r.data["nurse_id"], None)
    return {
        "arrived": len(arrived),
        "finished_once": sum(1 for c in arrived if finals[c] == 1),
        "lost_or_stranded": sum(1 for c in arrived if finals[c] == 0),
        "finished_twice": sum(1 for c in arrived if finals[c] > 1),
        "answered": len(answered),
        "answered_twice": sum(1 for n in answered.values() if n > 1),
        "nurse_offered_while_busy": double_offers,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=12.0, help="callers per second")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--nurses-per-region", type=int, default=45)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = asyncio.run(run(args.rate, args.minutes, args.nurses_per_region, Path(tmp)))
    for key, value in result.items():
        print(f"{key:>26}: {value}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
