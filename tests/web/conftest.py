"""The whole service with its web server, for API and browser tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp
import pytest
from aiohttp import web

from contactcenter.bootstrap import start_web
from tests.support.system import System

HOST = "127.0.0.1"


@dataclass
class WebSystem:
    system: System
    base_url: str
    runner: web.AppRunner | None = None

    async def login(self, session: aiohttp.ClientSession, username: str,
                    password: str = "demo") -> None:
        """Log ``session`` in by JSON; like a browser on this site's pages, it then sends the
        site's ``Origin`` with every request (state changes with a cookie need it)."""
        session.headers["Origin"] = self.base_url
        async with session.post(f"{self.base_url}/login",
                                json={"username": username, "password": password}) as resp:
            assert resp.status == 200, await resp.text()

    async def stop_listening(self) -> None:
        """The web server goes away: its port closed and every connection dropped, the
        WebSockets too. The rest of the system (the calls, the queues) runs on."""
        runner, self.runner = self.runner, None
        if runner is not None:
            await runner.cleanup()

    async def listen_again(self) -> None:
        """The web server back on the same port, on the same running services."""
        assert self.runner is None, "the web server is already listening"
        port = urlsplit(self.base_url).port
        self.runner, _ = await start_web(self.system.services, HOST, port or 0)


@pytest.fixture
async def web_system(system: System) -> AsyncIterator[WebSystem]:
    await system.services.identity.ensure_demo_users()
    runner, port = await start_web(system.services, HOST, 0)
    running = WebSystem(system, f"http://{HOST}:{port}", runner)
    try:
        yield running
    finally:
        await running.stop_listening()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        yield session
