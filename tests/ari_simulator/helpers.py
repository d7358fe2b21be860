"""Helpers for the simulator unit tests: an authenticated REST caller and an
events WebSocket that collects events and waits for them."""
from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Callable
from typing import Any

import aiohttp

from ari_simulator import AriSimulator

USER, PASSWORD = "asterisk", "secret"
AUTH = {"Authorization": "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()}


class Ari:
    """Minimal REST access: ``status, body = await ari.call("GET", "/channels")``."""

    def __init__(self, sim: AriSimulator, session: aiohttp.ClientSession) -> None:
        self.sim, self.session = sim, session

    async def call(self, method: str, path: str, json_body: Any = None,
                   headers: dict[str, str] | None = None, **params: Any) -> tuple[int, Any]:
        query = {k: str(v) for k, v in params.items()}
        async with self.session.request(method, f"{self.sim.ari_url}/ari{path}", params=query,
                                        json=json_body,
                                        headers=AUTH if headers is None else headers) as resp:
            raw = await resp.read()
            if resp.content_type == "application/json" and raw:
                return resp.status, json.loads(raw)
            return resp.status, raw or None


class Events:
    """An ``/ari/events`` socket collecting every event it receives."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.events: list[dict[str, Any]] = []
        self._changed = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def open(cls, sim: AriSimulator, session: aiohttp.ClientSession,
                   app: str = "contactcenter") -> Events:
        ws = await session.ws_connect(f"ws://127.0.0.1:{sim.port}/ari/events?app={app}",
                                      headers=AUTH)
        return cls(ws)

    async def _read(self) -> None:
        async for msg in self.ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                self.events.append(json.loads(msg.data))
                self._changed.set()

    async def wait_for(self, type_: str, where: Callable[[dict[str, Any]], bool] | None = None,
                       timeout: float = 5.0) -> dict[str, Any]:
        """The first event of ``type_`` (matching ``where``), waiting if needed."""
        async def scan() -> dict[str, Any]:
            seen = 0
            while True:
                for event in self.events[seen:]:
                    if event["type"] == type_ and (where is None or where(event)):
                        return event
                seen = len(self.events)
                self._changed.clear()
                await self._changed.wait()
        return await asyncio.wait_for(scan(), timeout)

    def types_for(self, channel_id: str) -> list[str]:
        return [e["type"] for e in self.events
                if e.get("channel", {}).get("id") == channel_id]

    async def close(self) -> None:
        await self.ws.close()
        self._task.cancel()


def on(channel_id: str) -> Callable[[dict[str, Any]], bool]:
    return lambda e: e.get("channel", {}).get("id") == channel_id
