"""Engine replicas kept in step through the shared log (``queue_events``)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from contactcenter.db import create_engine, upgrade
from queues import events as ev
from queues.engine import Engine
from queues.errors import QueueError
from queues.model import AgentState
from queues.replica import COMMAND, GENERATION_STARTED, EngineReplica
from queues.serialization import event_from_row
from queues.sql import queue_events, queue_snapshots
from tests.queues.engine_fixtures import config

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=50)
        return self.now


def _seed(nurses: list[tuple[str, str]]) -> Any:
    def seed(engine: Engine, at: datetime) -> list[ev.Event]:
        out: list[ev.Event] = []
        for nurse_id, region in nurses:
            out += engine.add_nurse(nurse_id, region, at)
        return out
    return seed


async def _replayed(db: AsyncEngine, upto: int) -> dict[str, Any]:
    async with db.connect() as conn:
        rows = (await conn.execute(select(queue_events).order_by(queue_events.c.id))).all()
    start = max(i for i, r in enumerate(rows) if r.type == GENERATION_STARTED)
    at = rows[start].at if rows[start].at.tzinfo else rows[start].at.replace(tzinfo=UTC)
    engine = Engine.replay(config(), at, (event_from_row(r.type, r.data)
                                          for r in rows[start + 1:]
                                          if r.type == COMMAND and r.id <= upto))
    return engine.snapshot()


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[AsyncEngine]:
    await upgrade(db_url)
    engine = create_engine(db_url)
    yield engine
    await engine.dispose()


async def test_a_change_whose_write_fails_is_written_and_acted_on_once(
    db: AsyncEngine,
) -> None:
    """PostgreSQL: the batch is run again on an engine rebuilt from the log; SQLite (one
    instance, written after applying): the write is retried."""
    emitted: list[ev.Event] = []
    replica = EngineReplica(db=db, clock=Clock(), config=config(), instance_id="a",
                            on_events=emitted.extend)
    await replica.start(seed=_seed([("ssk-01-1", "01")]))
    try:
        await replica.submit(lambda at: replica.engine.log_in("ssk-01-1", at))
        failures = {"left": 1}

        def fail_once(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if statement.lstrip().upper().startswith("INSERT INTO QUEUE_EVENTS") \
                    and failures["left"]:
                failures["left"] -= 1
                raise OperationalError(statement, {}, Exception("connection lost (injected)"))

        event.listen(db.sync_engine, "before_cursor_execute", fail_once)
        try:
            produced = await replica.submit(
                lambda at: replica.engine.call_arrived("c1", "01", at))
            await replica.flush()
        finally:
            event.remove(db.sync_engine, "before_cursor_execute", fail_once)
        assert failures["left"] == 0
        # Applied once: one offer, in the engine, in the log, and to whoever acts on it.
        assert [type(e).__name__ for e in produced][:1] == ["CommandReceived"]
        assert replica.engine.nurse("ssk-01-1").state is AgentState.OFFERED
        assert sum(isinstance(e, ev.CallOffered) for e in emitted) == 1
        async with db.connect() as conn:
            arrivals = (await conn.execute(select(queue_events.c.data).where(
                queue_events.c.type == COMMAND))).scalars().all()
        assert sum(a["command"] == "call_arrived" for a in arrivals) == 1
        cursor, snapshot = await replica.position()
        assert snapshot == await _replayed(db, cursor)
    finally:
        await replica.close()


async def test_a_refused_change_writes_nothing_and_reports_why(db: AsyncEngine) -> None:
    replica = EngineReplica(db=db, clock=Clock(), config=config(), instance_id="a",
                            on_events=lambda events: None)
    await replica.start(seed=_seed([("ssk-01-1", "01")]))
    try:
        await replica.flush()
        async with db.connect() as conn:
            before = len((await conn.execute(select(queue_events.c.id))).all())
        with pytest.raises(QueueError):
            await replica.submit(lambda at: replica.engine.unpause("ssk-01-1", at))
        ok = await replica.submit(lambda at: replica.engine.log_in("ssk-01-1", at))
        await replica.flush()
        assert ok and replica.engine.nurse("ssk-01-1").state is AgentState.READY
        async with db.connect() as conn:
            after = (await conn.execute(select(queue_events.c.type).where(
                queue_events.c.id > 0).order_by(queue_events.c.id))).scalars().all()
        assert len(after) - before == len(ok)
    finally:
        await replica.close()


NURSES = [(f"ssk-01-{i}", "01") for i in range(3)]


async def _busy_line(replica: EngineReplica) -> int:
    """Three nurses ready, thirty callers: never idle. Returns how many commands it took."""
    for nurse_id, _region in NURSES:
        await replica.submit(lambda at, n=nurse_id: replica.engine.log_in(n, at))
    for n in range(30):
        await replica.submit(lambda at, n=n: replica.engine.call_arrived(f"c{n}", "01", at))
    await replica.flush()
    return len(NURSES) * 2 + 30  # the seed's add_nurse, the log-ins, the arrivals


async def test_a_restart_replays_only_the_commands_after_the_newest_snapshot(
    db: AsyncEngine,
) -> None:
    first = EngineReplica(db=db, clock=Clock(), config=config(), instance_id="a",
                          on_events=lambda events: None, snapshot_every=40)
    await first.start(seed=_seed(NURSES))
    commands = await _busy_line(first)
    cursor, before = await first.position()
    await first.close()
    async with db.connect() as conn:
        kept = (await conn.execute(select(queue_snapshots.c.upto_id))).scalars().all()
    assert 1 <= len(kept) <= 2 and max(kept) <= cursor

    again = EngineReplica(db=db, clock=Clock(), config=config(), instance_id="a",
                          on_events=lambda events: None, snapshot_every=40)
    await again.start(seed=_seed(NURSES))
    try:
        assert again.replayed_commands < commands  # started from the snapshot
        _, after = await again.position()
        assert after == before == await _replayed(db, cursor)
        assert again.owners == first.owners  # who acts for each call came back too
    finally:
        await again.close()


async def test_a_snapshot_from_another_configuration_is_not_used(db: AsyncEngine) -> None:
    first = EngineReplica(db=db, clock=Clock(), config=config(), instance_id="a",
                          on_events=lambda events: None, snapshot_every=40)
    await first.start(seed=_seed(NURSES))
    commands = await _busy_line(first)
    await first.close()
    changed = config(auto_pause_after_misses=5)
    again = EngineReplica(db=db, clock=Clock(), config=changed, instance_id="a",
                          on_events=lambda events: None, snapshot_every=40)
    await again.start(seed=_seed(NURSES))
    try:
        assert again.replayed_commands == commands  # the whole log, with the new config
        assert again.engine.config == changed
    finally:
        await again.close()


@pytest.mark.postgres
async def test_replicas_appending_at_once_all_hold_the_state_of_the_log(pg_url: str) -> None:
    """Four instances submit arrivals, log-ins, answers and hang-ups concurrently; each
    replica ends equal to a replay of the log up to where it has read."""
    await upgrade(pg_url)
    nurses = [(f"ssk-01-{i}", "01") for i in range(12)]
    dbs = [create_engine(pg_url) for _ in range(4)]
    replicas = [EngineReplica(db=d, clock=Clock(), config=config(), instance_id=f"i{n}",
                              on_events=lambda events: None) for n, d in enumerate(dbs)]
    try:
        for replica in replicas:
            await replica.start(seed=_seed(nurses))
        rng = random.Random(5)

        async def drive(replica: EngineReplica, n: int) -> None:
            for step in range(60):
                nurse = rng.choice(nurses)[0]
                def intent(at: datetime, nurse: str = nurse, step: int = step,
                           replica: EngineReplica = replica) -> list[ev.Event]:
                    engine = replica.engine  # the engine as it is when the intent runs
                    agent = engine.agents[nurse]
                    if agent.state is AgentState.LOGGED_OUT:
                        return engine.log_in(nurse, at)
                    if agent.state is AgentState.OFFERED:
                        return engine.answer(nurse, at)
                    if agent.state is AgentState.ON_CALL:
                        return engine.end_call(nurse, at)
                    if agent.state is AgentState.WRAP_UP:
                        return engine.end_wrap_up(nurse, at)
                    return engine.call_arrived(f"c{n}-{step}", "01", at)
                await replica.submit(intent)
                await asyncio.sleep(0)

        await asyncio.gather(*(drive(r, n) for n, r in enumerate(replicas)))
        for replica in replicas:
            await replica.catch_up()
        positions = [await r.position() for r in replicas]
        assert all(snapshot == positions[0][1] for _, snapshot in positions)
        for cursor, snapshot in positions:
            assert snapshot == await _replayed(dbs[0], cursor)
        assert positions[0][1]["calls"]  # the traffic left calls waiting or connected
    finally:
        for replica in replicas:
            await replica.close()
        for d in dbs:
            await d.dispose()
