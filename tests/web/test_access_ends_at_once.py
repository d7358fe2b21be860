"""A deactivated user, or one whose password changed, loses access at once: also the live
feed they have open stops sending."""

from __future__ import annotations

import aiohttp
import pytest

from tests.web.conftest import WebSystem


@pytest.mark.parametrize("change", ["deactivate", "new_password"])
async def test_the_open_live_feed_stops_when_the_users_access_ends(
        web_system: WebSystem, http: aiohttp.ClientSession, change: str) -> None:
    system, identity = web_system.system, web_system.system.services.identity
    await web_system.login(http, "handledare")
    async with http.ws_connect(f"{web_system.base_url}/api/v1/live") as ws:
        assert (await ws.receive_json(timeout=10))["type"] == "snapshot"
        if change == "deactivate":
            await identity.set_active("handledare", False)
        else:
            await identity.set_password("handledare", "ett helt nytt lösen")
        await system.sim.add_caller(number="+46812345678", patience=None)
        message = await ws.receive(timeout=10)
        assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED), message
    async with http.get(f"{web_system.base_url}/api/v1/calls") as resp:
        assert resp.status == 401


async def test_an_idle_live_feed_stops_when_the_users_access_ends(
        web_system: WebSystem, http: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from contactcenter.web import api

    monkeypatch.setattr(api, "LIVE_RECHECK_SECONDS", 0.2)
    await web_system.login(http, "handledare")
    async with http.ws_connect(f"{web_system.base_url}/api/v1/live") as ws:
        assert (await ws.receive_json(timeout=10))["type"] == "snapshot"
        await web_system.system.services.identity.set_active("handledare", False)
        message = await ws.receive(timeout=10)  # nothing changes on the floor meanwhile
        assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED), message
