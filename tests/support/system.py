"""A running system for end-to-end tests: the ARI simulator, the service, a migrated database.

Registered as a pytest plugin by the root conftest, so every test folder can use ``system``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from ari_simulator import AriSimulator
from contactcenter.bootstrap import Services, build_services
from contactcenter.db import upgrade
from contactcenter.demo import DemoNurse, ensure_roster
from contactcenter.demo_phone import SimulatedPhones
from contactcenter.settings import Settings, load_settings

SPEED = 20.0


@dataclass
class System:
    sim: AriSimulator
    services: Services
    settings: Settings

    async def add_nurse(self, nurse_id: str, region: str, *, behaviour: str = "answer",
                        answer_delay: float = 0.2, talk: float | None = None,
                        ready: bool = True, username: str | None = None) -> None:
        endpoint = f"PJSIP/{nurse_id}"
        await ensure_roster(self.services, [DemoNurse(nurse_id, f"Test {nurse_id}", region,
                                                      endpoint, username)])
        self.services.queues.add_nurse(nurse_id, f"Test {nurse_id}", region, endpoint,
                                       username)
        await self.sim.add_phone(endpoint=endpoint, behaviour=behaviour,
                                 answer_delay=answer_delay, talk=talk)
        if ready:
            await self.services.queues.set_nurse_state(nurse_id, "ready")

    def nurse_state(self, nurse_id: str) -> str:
        return self.services.queues.nurse_state(nurse_id)

    def call_for_channel(self, channel_id: str) -> Any:
        for record in self.services.call_log.live() + self.services.call_log.recent(500):
            if record.channel_id == channel_id:
                return record
        return None


async def eventually(predicate: Callable[[], Any], *, timeout: float = 15.0,
                     what: str = "condition") -> Any:
    """Poll until ``predicate()`` is truthy; fail the test if it never is."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = predicate()
        if isinstance(value, Awaitable):
            value = await value
        if value:
            return value
        if loop.time() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    base = {
        "database.url": f"sqlite+aiosqlite:///{tmp_path / 'cc.db'}",
        "callflow.wrapup_seconds": 0.3,
        "callflow.dtmf_timeout_seconds": 0.5,
        "callflow.nurse_originate_timeout_seconds": 2,
    }
    base.update(overrides)
    return load_settings(overrides=base)


async def start_system(settings: Settings, sim: AriSimulator) -> Services:
    settings = replace(settings, ari=replace(settings.ari, url=sim.ari_url))
    services = build_services(settings, phone=SimulatedPhones(sim))
    await services.start()
    await eventually(services.ari_connected, what="ARI connection")
    return services


@asynccontextmanager
async def running_system(tmp_path: Path, speed: float = SPEED,
                         **overrides: Any) -> AsyncIterator[System]:
    """The whole service on a simulator running ``speed`` times real time."""
    settings = make_settings(tmp_path, **overrides)
    await upgrade(settings.database.url)
    sim = AriSimulator(username=settings.ari.username, password=settings.ari.password,
                       speed=speed)
    await sim.start()
    services = await start_system(settings, sim)
    try:
        yield System(sim, services, settings)
    finally:
        await services.stop()
        await sim.stop()


@pytest.fixture
async def system(tmp_path: Path) -> AsyncIterator[System]:
    async with running_system(tmp_path) as running:
        yield running
