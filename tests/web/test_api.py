"""The JSON API under /api/v1 on the running service: access, shapes, bad input."""

from __future__ import annotations

import aiohttp
import pytest

from tests.support.system import eventually
from tests.web.conftest import WebSystem

PROTECTED = ["/api/v1/calls", "/api/v1/queues", "/api/v1/agents", "/api/v1/calls?scope=recent"]


async def test_health_needs_no_login_and_reports_the_ari_connection(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    async with http.get(f"{web_system.base_url}/api/v1/health") as resp:
        body = await resp.json()
    assert resp.status == 200
    assert body["status"] == "ok" and body["ari_connected"] is True
    assert body["database"] == "ok"


async def test_openapi_document_names_every_route(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    async with http.get(f"{web_system.base_url}/api/v1/openapi.json") as resp:
        doc = await resp.json()
    assert doc["openapi"].startswith("3.")
    for path in ("/api/v1/health", "/api/v1/calls", "/api/v1/queues", "/api/v1/agents",
                 "/api/v1/agents/{nurse_id}/state", "/api/v1/live"):
        assert path in doc["paths"], path


@pytest.mark.parametrize("path", PROTECTED)
async def test_every_data_route_refuses_an_anonymous_client(
    web_system: WebSystem, http: aiohttp.ClientSession, path: str,
) -> None:
    async with http.get(f"{web_system.base_url}{path}") as resp:
        body = await resp.json()
    assert resp.status == 401
    assert set(body) == {"error_id", "message", "details"}


async def test_a_content_editor_may_not_read_the_agents(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    await web_system.login(http, "redaktor")
    async with http.get(f"{web_system.base_url}/api/v1/agents") as resp:
        body = await resp.json()
    assert resp.status == 403
    assert body["error_id"] == "forbidden"


async def test_supervisor_sees_a_connected_call_with_its_region_and_nurse(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    system = web_system.system
    await system.add_nurse("ssk-01-1", "01")
    caller = await system.sim.add_caller(number="+46812345678", talk=None)
    await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                     and r.state.value == "connected", what="connected call")
    await web_system.login(http, "handledare")
    async with http.get(f"{web_system.base_url}/api/v1/calls") as resp:
        calls = (await resp.json())["calls"]
    assert [(c["region"], c["state"], c["nurse_id"]) for c in calls] == [
        ("01", "connected", "ssk-01-1")]
    async with http.get(f"{web_system.base_url}/api/v1/agents") as resp:
        agents = (await resp.json())["agents"]
    assert {a["nurse_id"]: a["state"] for a in agents} == {"ssk-01-1": "on_call"}


async def test_a_staffing_system_reads_queues_with_a_bearer_token(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    identity = web_system.system.services.identity
    token = await identity.create_token("bemanning", "wfm")
    await web_system.system.sim.add_caller(number="+46812345678", patience=None)
    await eventually(lambda: web_system.system.services.queues.waiting_count() == 1,
                     what="a waiting call")
    async with http.get(f"{web_system.base_url}/api/v1/queues",
                        headers={"Authorization": f"Bearer {token}"}) as resp:
        queues = (await resp.json())["queues"]
    assert resp.status == 200
    assert [(q["queue_id"], q["waiting"]) for q in queues] == [("01", 1)]


@pytest.mark.parametrize(("body", "error_id"), [
    ("not json", "invalid_json"),
    ('["ready"]', "invalid_body"),
    ('{"state": "sleeping"}', "invalid_state"),
])
async def test_bad_agent_state_bodies_get_400_with_error_id_and_change_nothing(
    web_system: WebSystem, http: aiohttp.ClientSession, body: str, error_id: str,
) -> None:
    system = web_system.system
    await system.add_nurse("ssk-01-1", "01", ready=False)
    await web_system.login(http, "handledare")
    async with http.post(f"{web_system.base_url}/api/v1/agents/ssk-01-1/state", data=body,
                         headers={"Content-Type": "application/json"}) as resp:
        reply = await resp.json()
    assert resp.status == 400
    assert reply["error_id"] == error_id
    assert system.nurse_state("ssk-01-1") == "logged_out"


async def test_supervisor_logs_a_nurse_in_and_a_waiting_call_is_offered(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    system = web_system.system
    await system.add_nurse("ssk-01-1", "01", ready=False)
    caller = await system.sim.add_caller(number="+46812345678", talk=None)
    await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                     and r.state.value == "queued", what="queued call")
    await web_system.login(http, "handledare")
    async with http.post(f"{web_system.base_url}/api/v1/agents/ssk-01-1/state",
                         json={"state": "ready"}) as resp:
        assert resp.status == 200, await resp.text()
    await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                     and r.state.value == "connected", what="connected call")


async def test_a_supervisor_of_another_region_may_not_change_a_nurses_state(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    system = web_system.system
    await system.add_nurse("ssk-14-1", "14", ready=False)
    await web_system.login(http, "handledare")
    async with http.post(f"{web_system.base_url}/api/v1/agents/ssk-14-1/state",
                         json={"state": "ready"}) as resp:
        assert resp.status == 404  # another region's nurse is not revealed
    assert system.nurse_state("ssk-14-1") == "logged_out"


async def test_live_feed_sends_a_snapshot_and_then_the_new_call(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    system = web_system.system
    await web_system.login(http, "handledare")
    async with http.ws_connect(f"{web_system.base_url}/api/v1/live") as ws:
        first = await ws.receive_json(timeout=10)
        assert first["type"] == "snapshot" and first["calls"] == []
        await system.sim.add_caller(number="+46812345678", patience=None)
        while True:
            snap = await ws.receive_json(timeout=10)
            if snap["calls"]:
                break
        assert snap["calls"][0]["caller_number"] == "+46812345678"


async def test_a_supervisor_sees_the_calls_of_their_region_and_the_national_queue_only(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    system = web_system.system
    own = await system.sim.add_caller(number="+46812345678", patience=None)       # 08: region 01
    other = await system.sim.add_caller(number="+46311234567", patience=None)     # 031: region 14
    abroad = await system.sim.add_caller(number="+4520123456", patience=None)     # national
    await eventually(lambda: system.services.queues.waiting_count() == 3,
                     what="three waiting calls")
    await web_system.login(http, "handledare")
    async with http.get(f"{web_system.base_url}/api/v1/calls") as resp:
        seen = {c["channel_id"] for c in (await resp.json())["calls"]}
    assert seen == {own.channel_id, abroad.channel_id}
    assert other.channel_id not in seen
    async with http.get(f"{web_system.base_url}/api/v1/queues") as resp:
        queues = {q["queue_id"] for q in (await resp.json())["queues"]}
    assert queues == {"01", system.settings.queues.national_queue.id}


async def test_stopping_the_web_server_tells_every_open_websocket_it_is_going_away(
    web_system: WebSystem,
) -> None:
    await web_system.system.add_nurse("ssk-01-1", "01", username="sjukskoterska", ready=False)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as live, \
            aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as console:
        await web_system.login(live, "handledare")
        await web_system.login(console, "sjukskoterska")
        async with live.ws_connect(f"{web_system.base_url}/api/v1/live") as feed, \
                console.ws_connect(f"{web_system.base_url}/api/v1/console/events") as pushes:
            await feed.receive_json(timeout=10)
            await pushes.receive_json(timeout=10)
            await web_system.stop_listening()
            for ws in (feed, pushes):  # told to come back later, not left to time out
                msg = await ws.receive(timeout=10)
                assert (msg.type, msg.data) == (aiohttp.WSMsgType.CLOSE,
                                                aiohttp.WSCloseCode.GOING_AWAY)
