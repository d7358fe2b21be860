"""Fixtures: a fast simulator (speed 50), a REST helper and an events socket."""
from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from ari_simulator import AriSimulator

from .helpers import PASSWORD, USER, Ari, Events


@pytest.fixture
async def sim() -> AsyncIterator[AriSimulator]:
    simulator = AriSimulator(username=USER, password=PASSWORD, speed=50.0)
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
def ari(sim: AriSimulator, session: aiohttp.ClientSession) -> Ari:
    return Ari(sim, session)


@pytest.fixture
async def events(sim: AriSimulator, session: aiohttp.ClientSession) -> AsyncIterator[Events]:
    stream = await Events.open(sim, session)
    yield stream
    await stream.close()
