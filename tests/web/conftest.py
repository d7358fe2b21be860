"""The whole service with its web server, for API and browser tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp import web

from contactcenter.bootstrap import start_web
from tests.support.system import System


@dataclass
class WebSystem:
    system: System
    base_url: str

    async def login(self, session: aiohttp.ClientSession, username: str,
                    password: str = "demo") -> None:
        """Log ``session`` in by JSON; like a browser on this site's pages, it then sends the
        site's ``Origin`` with every request (state changes with a cookie need it)."""
        session.headers["Origin"] = self.base_url
        async with session.post(f"{self.base_url}/login",
                                json={"username": username, "password": password}) as resp:
            assert resp.status == 200, await resp.text()


@pytest.fixture
async def web_system(system: System) -> AsyncIterator[WebSystem]:
    await system.services.identity.ensure_demo_users()
    runner: web.AppRunner
    runner, port = await start_web(system.services, "127.0.0.1", 0)
    try:
        yield WebSystem(system, f"http://127.0.0.1:{port}")
    finally:
        await runner.cleanup()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        yield session
