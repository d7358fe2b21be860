"""The service against the real Asterisk: settings, roster and a harness ARI client."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from ari import AriClient
from contactcenter.bootstrap import Services, build_services
from contactcenter.db import upgrade
from contactcenter.demo import DemoNurse, ensure_roster
from tests.support.system import eventually, make_settings

ARI_URL = os.environ.get("RADGIVNING_TEST_ARI_URL")
HARNESS_APP = "radgivning-test-caller"


def credentials() -> tuple[str, str]:
    return (os.environ.get("RADGIVNING_TEST_ARI_USERNAME", "radgivning"),
            os.environ.get("RADGIVNING_TEST_ARI_PASSWORD", "radgivning"))


class Ignore:
    async def on_event(self, event: object) -> None:
        return None

    async def on_connected(self, snapshot: object) -> None:
        return None


@asynccontextmanager
async def service(tmp_path: Path, nurses: list[DemoNurse],
                  **overrides: Any) -> AsyncIterator[Services]:
    """The service connected to the real Asterisk with ``nurses`` in its roster (not ready)."""
    user, password = credentials()
    settings = make_settings(tmp_path, **overrides)
    settings = replace(settings, ari=replace(settings.ari, url=ARI_URL, username=user,
                                             password=password))
    await upgrade(settings.database.url)
    services = build_services(settings)
    await ensure_roster(services, nurses)
    await services.start()
    try:
        await eventually(services.ari_connected, what="service connected to Asterisk")
        yield services
    finally:
        await services.stop()


@asynccontextmanager
async def harness() -> AsyncIterator[AriClient]:
    """An ARI client of its own application: the callers' side of Local channel calls."""
    user, password = credentials()
    client = AriClient(base_url=ARI_URL or "", username=user, password=password, app=HARNESS_APP)
    await client.start()
    task = asyncio.get_running_loop().create_task(client.run(Ignore()))
    try:
        yield client
    finally:
        task.cancel()
        await client.close()


def records(services: Services, keep: Callable[[Any], bool] = lambda r: True) -> list[Any]:
    seen: dict[str, Any] = {}
    for record in services.call_log.recent(5000) + services.call_log.live():
        seen[record.call_id] = record
    return [r for r in seen.values() if keep(r)]
