"""Region scope of the core API and what a staffing system sees of a call.

The demo supervisor ``handledare`` holds region 01; region 03's callers dial
from Uppsala (area code 018), region 01's from Stockholm (08).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import aiohttp

from contactcenter.calls.model import CallEventType
from contactcenter.identity.model import Role
from tests.support.system import eventually
from tests.web.conftest import WebSystem

STOCKHOLM = "+46812345670"  # region 01
UPPSALA = "+4618123456"  # region 03


async def _token(web_system: WebSystem, username: str, role: Role, regions: list[str]) -> dict:
    identity = web_system.system.services.identity
    if await identity.get_user(username) is None:
        await identity.create_user(username, username, None, [role], regions)
    token = await identity.create_token(username, f"t{datetime.now(UTC).timestamp()}")
    return {"Authorization": f"Bearer {token}"}


async def _waiting_call(web_system: WebSystem, number: str) -> str:
    system = web_system.system
    caller = await system.sim.add_caller(number=number, patience=None)
    record = await eventually(lambda: (r := system.call_for_channel(caller.channel_id))
                              and r.state.value == "queued" and r, what="a waiting call")
    await system.services.call_log.flush()
    return record.call_id


async def test_a_supervisor_cannot_read_the_events_of_another_regions_call(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    call_id = await _waiting_call(web_system, UPPSALA)
    url = f"{web_system.base_url}/api/v1/calls/{call_id}/events"
    await web_system.login(http, "handledare")
    async with http.get(url) as resp:
        body = await resp.json()
        assert resp.status == 404, body
    assert body["error_id"] == "call_not_found"
    assert UPPSALA not in str(body)
    uppsala = await _token(web_system, "handledare03", Role.SUPERVISOR, ["03"])
    async with http.get(url, headers=uppsala) as resp:
        assert resp.status == 200  # the call exists; it is only not region 01's


async def test_a_supervisor_cannot_cancel_another_regions_redirect(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    queues = web_system.system.services.queues
    now = datetime.now(UTC)
    await queues.supervise("redirect", by="handledare03", redirect_id="uppsala-apt",
                           from_region="03", to_region="12", start=now + timedelta(hours=1),
                           end=now + timedelta(hours=2), why="arbetsplatsträff")
    await web_system.login(http, "handledare")
    async with http.delete(f"{web_system.base_url}/api/v1/supervisor/redirects/uppsala-apt",
                           json={"why": "inte min"}) as resp:
        body = await resp.json()
        assert resp.status == 404, body
    assert body["error_id"] == "redirect_not_found"
    assert "uppsala-apt" in queues.engine.rules.redirects


async def test_a_supervisor_cannot_replace_another_regions_redirect_by_reusing_its_id(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    queues = web_system.system.services.queues
    now = datetime.now(UTC)
    window = {"start": (now + timedelta(hours=1)).isoformat(),
              "end": (now + timedelta(hours=2)).isoformat()}
    await queues.supervise("redirect", by="handledare03", redirect_id="apt", from_region="03",
                           to_region="12", start=now + timedelta(hours=1),
                           end=now + timedelta(hours=2), why="arbetsplatsträff")
    await web_system.login(http, "handledare")
    async with http.post(f"{web_system.base_url}/api/v1/supervisor/redirects", json={
            "id": "apt", "from_region": "01", "to_region": "14", **window,
            "why": "möte"}) as resp:
        body = await resp.json()
        assert resp.status == 409, body
    assert body["error_id"] == "redirect_id_taken"
    assert queues.engine.rules.redirects["apt"].from_region == "03"


async def test_a_call_still_in_the_ivr_is_seen_only_by_national_users(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    call_log = web_system.system.services.call_log
    # The call flow's first step for every call: arrived, no region decided yet.
    call_log.record("ivr-call-1", CallEventType.ARRIVED, channel_id="ch-ivr-1",
                    caller_number=UPPSALA, extension="1177")
    await call_log.flush()
    base = web_system.base_url
    national = await _token(web_system, "rikshandledare", Role.SUPERVISOR, ["*"])
    async with http.get(f"{base}/api/v1/calls", headers=national) as resp:
        assert "ivr-call-1" in [c["call_id"] for c in (await resp.json())["calls"]]
    await web_system.login(http, "handledare")
    async with http.get(f"{base}/api/v1/calls") as resp:
        body = await resp.json()
        assert resp.status == 200, body
    assert "ivr-call-1" not in [c["call_id"] for c in body["calls"]]
    async with http.get(f"{base}/api/v1/calls/ivr-call-1/events") as resp:
        assert resp.status == 404
    async with http.ws_connect(f"{base}/api/v1/live") as ws:
        snapshot = await ws.receive_json(timeout=10)
    assert "ivr-call-1" not in [c["call_id"] for c in snapshot["calls"]]
    assert UPPSALA not in str(snapshot)


async def test_a_staffing_system_never_sees_callers_numbers_in_the_calls_list(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    call_id = await _waiting_call(web_system, STOCKHOLM)
    staffing = await _token(web_system, "bemanning", Role.STAFFING_SYSTEM, ["*"])
    async with http.get(f"{web_system.base_url}/api/v1/calls", headers=staffing) as resp:
        text = await resp.text()
        assert resp.status == 200, text
    calls = (await resp.json())["calls"]
    assert [c["call_id"] for c in calls] == [call_id]  # the call is there, its number is not
    assert STOCKHOLM not in text
    assert "caller_number" not in calls[0]
    supervisor = await _token(web_system, "handledare", Role.SUPERVISOR, ["01"])
    async with http.get(f"{web_system.base_url}/api/v1/calls", headers=supervisor) as resp:
        assert (await resp.json())["calls"][0]["caller_number"] == STOCKHOLM
    system = web_system.system
    gone = await system.sim.add_caller(number="+46812345679", patience=2.0)
    abandoned = await eventually(lambda: (r := system.call_for_channel(gone.channel_id))
                                 and r.state.value == "abandoned" and r, what="an abandoned call")
    await system.services.call_log.flush()
    async with http.get(f"{web_system.base_url}/api/v1/calls", params={"scope": "recent"},
                        headers=staffing) as resp:
        text = await resp.text()
        assert resp.status == 200, text
    assert abandoned.call_id in [c["call_id"] for c in (await resp.json())["calls"]]
    assert "+46812345679" not in text


async def test_a_staffing_system_never_sees_callers_numbers_on_the_live_feed(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    call_id = await _waiting_call(web_system, STOCKHOLM)
    staffing = await _token(web_system, "bemanning", Role.STAFFING_SYSTEM, ["*"])
    async with http.ws_connect(f"{web_system.base_url}/api/v1/live", headers=staffing) as ws:
        first = await ws.receive_str(timeout=10)
        await web_system.system.sim.add_caller(number="+46812345671", patience=None)
        while True:  # the snapshots pushed until the second caller shows
            pushed = await ws.receive_str(timeout=10)
            if len(json.loads(pushed)["calls"]) == 2:
                break
    assert call_id in first
    assert STOCKHOLM not in first
    assert "+46812345671" not in pushed and STOCKHOLM not in pushed


async def test_a_staffing_system_reads_a_calls_events_without_numbers(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    call_id = await _waiting_call(web_system, STOCKHOLM)
    staffing = await _token(web_system, "bemanning", Role.STAFFING_SYSTEM, ["*"])
    async with http.get(f"{web_system.base_url}/api/v1/calls/{call_id}/events",
                        headers=staffing) as resp:
        text = await resp.text()
        assert resp.status == 200, text
    events = (await resp.json())["events"]
    assert [e["type"] for e in events][:3] == ["arrived", "region_decided", "queued"]
    assert STOCKHOLM not in text


async def test_a_regions_caller_moved_to_the_national_queue_stays_hidden_from_other_regions(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    system = web_system.system
    await system.services.queues.supervise("set_crisis", by="handledare03", region="03",
                                           on=True, why="översvämning")
    call_id = await _waiting_call(web_system, UPPSALA)
    national_queue = system.settings.queues.national_queue.id
    assert system.services.queues.engine.call(call_id).lane == national_queue
    await web_system.login(http, "handledare")
    async with http.get(f"{web_system.base_url}/api/v1/calls") as resp:
        assert call_id not in [c["call_id"] for c in (await resp.json())["calls"]]
    async with http.post(f"{web_system.base_url}/api/v1/supervisor/calls/{call_id}/priority",
                         json={"priority": -1, "why": "inte min region"}) as resp:
        assert resp.status == 404


async def test_a_caller_from_abroad_is_seen_by_every_region_and_changed_only_nationally(
    web_system: WebSystem, http: aiohttp.ClientSession,
) -> None:
    call_id = await _waiting_call(web_system, "+4520123456")  # Denmark: the national queue
    await web_system.login(http, "handledare")
    async with http.get(f"{web_system.base_url}/api/v1/calls") as resp:
        assert call_id in [c["call_id"] for c in (await resp.json())["calls"]]
    url = f"{web_system.base_url}/api/v1/supervisor/calls/{call_id}/priority"
    async with http.post(url, json={"priority": -1, "why": "inte min region"}) as resp:
        body = await resp.json()
        assert resp.status == 403, body
    national = await _token(web_system, "rikshandledare", Role.SUPERVISOR, ["*"])
    async with http.post(url, json={"priority": -1, "why": "återuppringd"},
                         headers=national) as resp:
        assert resp.status == 200, await resp.text()
