"""The service at the speed of a real shift, for the console's tests: a nurse's phone rings
for 30 s and the wrap-up lasts a minute (the suite's default system hurries both, so a
phone answered by hand would stop ringing before a browser could press Svara)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ari_simulator import AriSimulator
from contactcenter.db import upgrade
from tests.support.system import System, make_settings, start_system


@pytest.fixture
async def system(tmp_path: Path) -> AsyncIterator[System]:
    """The whole service at the speed of a real shift: a nurse's phone rings for 30 s and
    the wrap-up lasts a minute (the suite's default system hurries both)."""
    settings = make_settings(tmp_path, **{"callflow.nurse_originate_timeout_seconds": 30,
                                          "callflow.wrapup_seconds": 60})
    await upgrade(settings.database.url)
    sim = AriSimulator(username=settings.ari.username, password=settings.ari.password,
                       speed=1.0)
    await sim.start()
    services = await start_system(settings, sim)
    try:
        yield System(sim, services, settings)
    finally:
        await services.stop()
        await sim.stop()
