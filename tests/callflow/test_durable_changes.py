"""A durable change (a person is told it was made) is in the log before it is answered; one
that cannot be stored is refused and not made, while the call flow's facts wait and go in.

The full disk is a real fault: see :mod:`tests.support.faults`."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from contactcenter.db import create_engine, upgrade
from contactcenter.health import Health
from queues.model import AgentState
from queues.replica import COMMAND, EngineReplica
from queues.sql import queue_events
from shared_kernel.health import StorageUnavailable
from tests.callflow.test_engine_replica import Clock, _replayed, _seed
from tests.queues.engine_fixtures import config
from tests.support.faults import disk_full

NURSE = "ssk-01-1"


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[AsyncEngine]:
    await upgrade(db_url)
    engine = create_engine(db_url)
    yield engine
    await engine.dispose()


async def _commands(db: AsyncEngine) -> list[str]:
    async with db.connect() as conn:
        rows = (await conn.execute(select(queue_events.c.data).where(
            queue_events.c.type == COMMAND).order_by(queue_events.c.id))).scalars().all()
    return [r["command"] for r in rows]


async def test_a_durable_change_that_cannot_be_stored_is_not_made_and_the_facts_before_it_go_in(
    db: AsyncEngine,
) -> None:
    health = Health()
    replica = EngineReplica(db=db, clock=Clock(), config=config(), instance_id="a",
                            on_events=lambda events: None, health=health)
    await replica.start(seed=_seed([(NURSE, "01")]))
    try:
        await replica.flush()
        with disk_full(db):
            arrived = replica.submit(lambda at: replica.engine.call_arrived("c1", "01", at))
            with pytest.raises(StorageUnavailable):
                await replica.submit(lambda at: replica.engine.log_in(NURSE, at), durable=True)
            assert replica.engine.nurse(NURSE).state is AgentState.LOGGED_OUT
            assert health.is_failing("queue_log")
        await arrived  # the call flow's fact was kept (SQLite) or retried (PostgreSQL)
        await replica.flush()
        assert not health.is_failing("queue_log")
        assert (await _commands(db))[-1:] == ["call_arrived"], "the fact went in, once"
        await replica.submit(lambda at: replica.engine.log_in(NURSE, at), durable=True)
        assert (await _commands(db))[-2:] == ["call_arrived", "log_in"], "stored when answered"
        assert replica.engine.nurse(NURSE).state is AgentState.OFFERED
        cursor, snapshot = await replica.position()
        assert snapshot == await _replayed(db, cursor)
    finally:
        await replica.close()
