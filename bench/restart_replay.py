"""Benchmark: how long a restart takes to rebuild the queue engine of a line that is never idle.

A busy generation is written through the replica (SQLite in a temporary
folder): nurses answer, talk and wrap up while calls keep arriving, and some
always wait. Then the engine is rebuilt as at a restart, twice in the same
run: from the whole log (the baseline: no snapshot usable) and from the newest
snapshot plus the commands after it.

    .venv/bin/python bench/restart_replay.py [--calls 20000] [--nurses 300] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import delete, func, select

from contactcenter.db import create_engine, upgrade
from contactcenter.settings import load_settings
from queues import events as ev
from queues.engine import Engine
from queues.model import AgentState
from queues.replica import EngineReplica
from queues.settings import engine_config
from queues.sql import queue_events, queue_snapshots


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def roster(nurses: int) -> Any:
    def seed(engine: Engine, at: datetime) -> list[ev.Event]:
        out: list[ev.Event] = []
        for i in range(nurses):
            out += engine.add_nurse(f"n{i}", "01", at)
        return out
    return seed


async def write_busy_day(url: str, calls: int, nurses: int, snapshot_every: int) -> int:
    config = engine_config(load_settings())
    db = create_engine(url)
    replica = EngineReplica(db=db, clock=Clock(), config=config, instance_id="bench",
                            on_events=lambda events: None, snapshot_every=snapshot_every)
    await replica.start(seed=roster(nurses))

    def step(at: datetime, n: int) -> list[ev.Event]:
        engine = replica.engine
        out = engine.call_arrived(f"c{n}", "01", at)
        for agent in list(engine.agents.values()):
            if agent.state is AgentState.LOGGED_OUT:
                out += engine.log_in(agent.nurse_id, at)
            elif agent.state is AgentState.OFFERED:
                out += engine.answer(agent.nurse_id, at)
            elif agent.state is AgentState.ON_CALL and n % 3 == 0:
                out += engine.end_call(agent.nurse_id, at)
            elif agent.state is AgentState.WRAP_UP:
                out += engine.end_wrap_up(agent.nurse_id, at)
        return out

    for n in range(calls):
        replica.submit(lambda at, n=n: step(at, n))
        if n % 500 == 0:
            await replica.flush()
    await replica.flush()
    waiting = replica.engine.waiting_count()
    await replica.close()
    await db.dispose()
    return waiting


async def timed_start(url: str, nurses: int) -> tuple[float, int]:
    config = engine_config(load_settings())
    db = create_engine(url)
    replica = EngineReplica(db=db, clock=Clock(), config=config, instance_id="bench",
                            on_events=lambda events: None)
    start = time.perf_counter()
    await replica.start(seed=roster(nurses))
    elapsed = time.perf_counter() - start
    replayed = replica.replayed_commands
    await replica.close()
    await db.dispose()
    return elapsed, replayed


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'replay.db'}"
        await upgrade(url)
        waiting = await write_busy_day(url, args.calls, args.nurses, args.snapshot_every)
        db = create_engine(url)
        async with db.connect() as conn:
            rows = int((await conn.execute(select(func.count()).select_from(queue_events)))
                       .scalar() or 0)
            commands = int((await conn.execute(select(func.count()).select_from(queue_events)
                                               .where(queue_events.c.type == "CommandReceived"))
                            ).scalar() or 0)
        with_snapshot, tail = await timed_start(url, args.nurses)
        async with db.begin() as conn:
            await conn.execute(delete(queue_snapshots))
        await db.dispose()
        whole_log, replayed = await timed_start(url, args.nurses)
    return {"calls": args.calls, "nurses": args.nurses, "log_rows": rows,
            "commands": commands, "waiting_at_restart": waiting,
            "whole_log": {"seconds": round(whole_log, 3), "commands_replayed": replayed},
            "from_snapshot": {"seconds": round(with_snapshot, 3), "commands_replayed": tail},
            "ratio_whole_to_snapshot": round(whole_log / max(with_snapshot, 1e-9), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--nurses", type=int, default=300)
    parser.add_argument("--snapshot-every", type=int, default=20_000,
                        help="log rows between snapshots (the service's default)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(main_async(args))
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{result['commands']} commands ({result['log_rows']} log rows), "
          f"{result['waiting_at_restart']} calls waiting at the restart")
    for key in ("whole_log", "from_snapshot"):
        r = result[key]
        print(f"  {key:13s}: {r['seconds']:.3f} s ({r['commands_replayed']} commands replayed)")
    print(f"  whole log / from snapshot: {result['ratio_whole_to_snapshot']}")


if __name__ == "__main__":
    main()
