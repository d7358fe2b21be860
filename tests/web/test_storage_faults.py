"""A full disk or a read-only database: health says what fails, a change that cannot be stored
is refused (503, state unchanged), the operator is told once, nothing recorded is lost.

The faults are real ones (see :mod:`tests.support.faults`), on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from ari_simulator import AriSimulator
from contactcenter.bootstrap import start_web
from tests.support.faults import disk_full, read_only
from tests.support.system import SPEED, System, eventually, make_settings, start_system
from tests.web.conftest import WebSystem

NURSE = "ssk-01-1"
NUMBER = "+46812345678"


@pytest.fixture
async def on_any_db(tmp_path: Path, migrated_db: str) -> AsyncIterator[WebSystem]:
    """The whole service with its web server, on SQLite and on PostgreSQL."""
    settings = make_settings(tmp_path, **{"database.url": migrated_db})
    sim = AriSimulator(username=settings.ari.username, password=settings.ari.password,
                       speed=SPEED)
    await sim.start()
    services = await start_system(settings, sim)
    system = System(sim, services, settings)
    await services.identity.ensure_demo_users()
    runner, port = await start_web(services, "127.0.0.1", 0)
    try:
        yield WebSystem(system, f"http://127.0.0.1:{port}")
    finally:
        await runner.cleanup()
        await system.services.stop()
        await sim.stop()


async def _health(web: WebSystem, http: aiohttp.ClientSession) -> tuple[int, dict[str, Any]]:
    async with http.get(f"{web.base_url}/api/v1/health") as resp:
        return resp.status, await resp.json()


async def _set_state(web: WebSystem, http: aiohttp.ClientSession, state: str,
                     **extra: str) -> tuple[int, dict[str, Any]]:
    async with http.post(f"{web.base_url}/api/v1/agents/{NURSE}/state",
                         json={"state": state, **extra}) as resp:
        return resp.status, await resp.json()


async def test_health_names_the_call_log_failing_since_the_disk_filled_and_loses_nothing(
    on_any_db: WebSystem, http: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture,
) -> None:
    services = on_any_db.system.services
    status, body = await _health(on_any_db, http)
    assert status == 200 and body["status"] == "ok", body
    services.call_log._retry_seconds = 0.05  # several retries while the disk is full
    caplog.set_level(logging.ERROR, logger="contactcenter.health")

    with disk_full(services.engine):
        caller = await on_any_db.system.sim.add_caller(number=NUMBER, patience=None)
        record = await eventually(lambda: on_any_db.system.call_for_channel(caller.channel_id),
                                  what="the call recorded in memory")

        async def failing_twice() -> Any:
            status, body = await _health(on_any_db, http)
            part = body["parts"]["call_log"]
            return status == 503 and part["status"] == "failing" and part["failures"] >= 2 \
                and (status, body)
        status, body = await eventually(failing_twice, what="health naming the call log")
        assert body["status"] != "ok" and "call_log" in body["failing"]
        part = body["parts"]["call_log"]
        assert part["since"] and part["unwritten"] >= 1
        assert "full" in part["cause"] or "No space" in part["cause"]
        assert NUMBER not in str(body) and record.call_id not in str(body), "no patient data"
        told = [r for r in caplog.records if "call_log is failing" in r.getMessage()]
        assert len(told) == 1, "told once per failure episode, at once"
        assert told[0].levelno == logging.ERROR

    await services.call_log.flush()
    events = await services.call_log.events_of(record.call_id)
    assert [e.type.value for e in events][:1] == ["arrived"], "the kept batch went in"
    status, body = await eventually(lambda: _ok(on_any_db, http), what="health ok again")
    assert body["parts"]["call_log"]["status"] == "ok" and body["failing"] == []


async def _ok(web: WebSystem, http: aiohttp.ClientSession) -> Any:
    status, body = await _health(web, http)
    return status == 200 and (status, body)


async def test_nurse_state_change_that_cannot_be_stored_is_refused(
    on_any_db: WebSystem, http: aiohttp.ClientSession,
) -> None:
    system = on_any_db.system
    await system.add_nurse(NURSE, "01", ready=False)
    await system.services.queues.flush()
    await on_any_db.login(http, "handledare")

    with disk_full(system.services.engine):
        status, body = await _set_state(on_any_db, http, "ready")
        assert status == 503, body
        assert body["error_id"] == "storage_unavailable" and body["message"]
        assert "cause" in body["details"]
        assert system.nurse_state(NURSE) == "logged_out", "not made in memory either"
        health_status, health = await _health(on_any_db, http)
        assert health_status == 503 and "queue_log" in health["failing"]

    status, body = await _set_state(on_any_db, http, "ready")
    assert status == 200 and body["agent"]["state"] == "ready"
    await eventually(lambda: _ok(on_any_db, http), what="health ok again")


async def test_supervisor_forced_pause_on_a_read_only_database_is_refused(
    on_any_db: WebSystem, http: aiohttp.ClientSession,
) -> None:
    system = on_any_db.system
    await system.add_nurse(NURSE, "01")
    await system.services.queues.flush()
    await on_any_db.login(http, "handledare")
    url = f"{on_any_db.base_url}/api/v1/supervisor/agents/{NURSE}/force-pause"

    async with read_only(system.services.engine):
        async with http.post(url, json={"reason": "meeting", "why": "test"}) as resp:
            status, body = resp.status, await resp.json()
        assert status == 503 and body["error_id"] == "storage_unavailable", body
        assert system.nurse_state(NURSE) == "ready"
        health_status, health = await _health(on_any_db, http)
        assert health_status == 503 and "database" in health["failing"]
        assert health["parts"]["database"]["since"]

    async with http.post(url, json={"reason": "meeting", "why": "test"}) as resp:
        assert resp.status == 200, await resp.text()
    assert system.nurse_state(NURSE) == "paused"
