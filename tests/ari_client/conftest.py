"""Fixtures for the ARI client tests: a fake ARI server and clients pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from ari import AriClient
from tests.ari_client.fake_ari import FakeAri
from tests.ari_client.helpers import Recorder, make_client


@pytest.fixture
async def fake() -> AsyncIterator[FakeAri]:
    server = FakeAri()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def client(fake: FakeAri) -> AsyncIterator[AriClient]:
    c = make_client(fake.base_url)
    await c.start()
    try:
        yield c
    finally:
        await c.close()


@pytest.fixture
def client_factory() -> Callable[..., AriClient]:
    return make_client


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()
