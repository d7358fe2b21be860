"""The bulletins over the running service's HTTP API: a bulletin written by a supervisor
is pushed to a connected nurse's console WebSocket at once and leaves it when she has read
it; bad input is a clear error, never a 500."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from tests.web.conftest import WebSystem

B = "/api/v1/bulletins"


async def next_view(ws: aiohttp.ClientWebSocketResponse, wanted: Any) -> dict[str, Any]:
    while True:
        view = await ws.receive_json(timeout=15)
        if view.get("type") == "console" and wanted(view):
            return view


async def test_a_new_bulletin_is_pushed_to_the_console_and_leaves_when_read(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    await web_system.system.add_nurse("ssk-01-1", "01", username="sjukskoterska", ready=False)
    await web_system.login(http, "sjukskoterska")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as boss:
        await web_system.login(boss, "handledare")
        async with http.ws_connect(web_system.base_url + "/api/v1/console/events") as ws:
            first = await next_view(ws, lambda v: True)
            assert first["bulletins"] == []
            async with boss.post(web_system.base_url + B, json={
                    "title": "Nytt telefonnummer", "text": "Jouren nås på nytt nummer.",
                    "region": "01", "priority": "important"}) as resp:
                assert resp.status == 201, await resp.text()
                written = await resp.json()
            pushed = await next_view(ws, lambda v: v["bulletins"])
            assert [b["title"] for b in pushed["bulletins"]] == ["Nytt telefonnummer"]
            assert pushed["bulletins"][0]["priority_name"] == "Viktig"
            async with http.post(web_system.base_url + f"/api/v1/console/bulletins/"
                                 f"{written['bulletin_id']}/acknowledge", json={}) as resp:
                assert resp.status == 200, await resp.text()
                assert (await resp.json())["bulletins"] == []
            await next_view(ws, lambda v: v["bulletins"] == [])
        async with boss.get(web_system.base_url + B) as resp:
            [listed] = (await resp.json())["bulletins"]
        assert [r["username"] for r in listed["read_by"]] == ["sjukskoterska"]


@pytest.mark.parametrize(("body", "field"), [
    ({"title": "", "text": "x", "region": "01"}, "title"),
    ({"title": "x", "text": "x", "region": "99"}, "region"),
    ({"title": "x", "text": "x", "region": "01", "priority": "akut"}, "priority"),
    ({"title": "x", "text": "x", "region": "01", "valid_to": "igår"}, "valid_to"),
    ({"title": ["x"], "text": "x", "region": "01"}, "title")])
async def test_a_bad_bulletin_is_refused_with_the_field_named(
    web_system: WebSystem, http: aiohttp.ClientSession, body: dict[str, Any], field: str,
) -> None:
    await web_system.login(http, "handledare")
    async with http.post(web_system.base_url + B, json=body) as resp:
        assert resp.status == 400, await resp.text()
        error = await resp.json()
    assert set(error) == {"error_id", "message", "details"}
    assert error["details"]["field"] == field


async def test_editing_a_missing_bulletin_is_not_found(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    await web_system.login(http, "handledare")
    async with http.put(web_system.base_url + B + "/no-such-bulletin",
                        json={"title": "x", "text": "y"}) as resp:
        assert resp.status == 404
        assert (await resp.json())["error_id"] == "bulletin_not_found"
