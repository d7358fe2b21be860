"""The console API client against a small aiohttp server: errors become one exception
with the server's error_id, and the pushes go on after the connection drops."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from nurse_console.client import Backoff, ConsoleApiError, ConsoleClient


@pytest.fixture
async def server() -> AsyncIterator[TestServer]:
    connections = 0

    async def events(request: web.Request) -> web.WebSocketResponse:
        nonlocal connections
        connections += 1
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "console", "connection": connections})
        if connections == 1:
            await ws.close()  # the connection drops after the first view
        else:
            async for _ in ws:
                pass
        return ws

    async def sign(request: web.Request) -> web.Response:
        return web.json_response({"error_id": "cannot_sign", "message": "missing",
                                  "details": {"missing": ["kontaktorsak"]}}, status=422)

    app = web.Application()
    app.router.add_get("/api/v1/console/events", events)
    app.router.add_post("/api/v1/console/sign", sign)
    async with TestServer(app) as running:
        yield running


async def test_an_error_answer_carries_the_servers_error_id_message_and_details(
    server: TestServer,
) -> None:
    async with ConsoleClient(str(server.make_url(""))) as client:
        with pytest.raises(ConsoleApiError) as raised:
            await client.sign()
    assert raised.value.error_id == "cannot_sign"
    assert raised.value.details == {"missing": ["kontaktorsak"]}
    assert raised.value.status == 422


async def test_the_pushes_connect_again_after_the_connection_drops(server: TestServer) -> None:
    async with ConsoleClient(str(server.make_url("")),
                             backoff=Backoff(first=0.01, most=0.05)) as client:
        pushes = client.pushes()
        assert (await anext(pushes))["connection"] == 1
        assert (await anext(pushes))["connection"] == 2
        await pushes.aclose()


async def test_a_service_that_is_not_there_is_unreachable() -> None:
    async with ConsoleClient("http://127.0.0.1:9") as client:
        with pytest.raises(ConsoleApiError) as raised:
            await client.view()
    assert raised.value.error_id == "unreachable"
