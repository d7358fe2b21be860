"""Helpers shared by the ARI client tests (a recording handler, client construction)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from ari import AriClient, AriEvent, AriSnapshot
from ari.events import ApplicationReplaced
from tests.ari_client.fake_ari import APP, PASSWORD, USERNAME


def make_client(base_url: str, **kw: Any) -> AriClient:
    options: dict[str, Any] = {"reconnect_min": 0.02, "reconnect_max": 0.2,
                               "request_timeout": 2.0, "healthy_after": 0.5}
    options.update(kw)
    return AriClient(base_url=base_url, username=USERNAME, password=PASSWORD, app=APP, **options)


class Recorder:
    """An AriEventHandler that records what it is given and lets tests wait for it."""

    def __init__(self) -> None:
        self.events: list[AriEvent] = []
        self.snapshots: list[AriSnapshot] = []
        self.log: list[str] = []  # "connected", "disconnected", "replaced", "event:<type>:<key>"
        self.replaced: list[ApplicationReplaced] = []
        self._changed = asyncio.Condition()

    async def _note(self, entry: str) -> None:
        self.log.append(entry)
        async with self._changed:
            self._changed.notify_all()

    async def on_event(self, event: AriEvent) -> None:
        self.events.append(event)
        await self._note(f"event:{event.type}:{event.ordering_key}")

    async def on_connected(self, snapshot: AriSnapshot) -> None:
        self.snapshots.append(snapshot)
        await self._note("connected")

    async def on_disconnected(self) -> None:
        await self._note("disconnected")

    async def wait(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), timeout)

    async def wait_events(self, count: int, timeout: float = 5.0) -> None:
        await self.wait(lambda: len(self.events) >= count, timeout)

    async def wait_connected(self, count: int = 1, timeout: float = 5.0) -> None:
        await self.wait(lambda: len(self.snapshots) >= count, timeout)


class ReplacedRecorder(Recorder):
    async def on_application_replaced(self, event: ApplicationReplaced) -> None:
        self.replaced.append(event)
        await self._note("replaced")


async def start_run(client: AriClient, handler: Any) -> asyncio.Task[None]:
    return asyncio.get_running_loop().create_task(client.run(handler))


async def stop_run(client: AriClient, task: asyncio.Task[None]) -> None:
    await client.close()
    await asyncio.wait_for(task, 5.0)
