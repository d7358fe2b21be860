"""REST surface: authentication, error bodies, resources, variables, control API."""
from __future__ import annotations

import base64

import aiohttp

from ari_simulator import AriSimulator

from .helpers import AUTH, Ari, Events, on


async def test_missing_or_wrong_credentials_get_401_like_asterisk(ari: Ari) -> None:
    status, body = await ari.call("GET", "/channels", headers={})
    assert (status, body) == (401, {"message": "Authentication required"})
    wrong = "Basic " + base64.b64encode(b"asterisk:wrong").decode()
    async with ari.session.get(f"{ari.sim.ari_url}/ari/channels",
                               headers={"Authorization": wrong}) as resp:
        assert resp.status == 401
        assert resp.headers["WWW-Authenticate"] == 'Basic realm="Asterisk REST Interface"'
    assert (await ari.call("GET", "/channels", headers={}, api_key="asterisk:secret"))[0] == 200
    assert (await ari.call("GET", "/channels", headers={}, api_key="asterisk:nope"))[0] == 401


async def test_websocket_needs_auth_and_an_app(sim: AriSimulator,
                                               session: aiohttp.ClientSession) -> None:
    base = f"ws://127.0.0.1:{sim.port}/ari/events"
    for url, status in ((f"{base}?app=contactcenter", 401),
                        (f"{base}?api_key=asterisk:secret", 400)):
        try:
            await session.ws_connect(url)
        except aiohttp.WSServerHandshakeError as exc:
            assert exc.status == status
        else:
            raise AssertionError(f"{url} connected")


async def test_unknown_objects_give_the_recorded_error_bodies(ari: Ari) -> None:
    assert await ari.call("GET", "/channels/nope") == (404, {"message": "Channel not found"})
    assert await ari.call("POST", "/channels/nope/answer") == (404, {"message": "Channel not found"})
    assert await ari.call("GET", "/bridges/nope") == (404, {"message": "Bridge not found"})
    assert await ari.call("GET", "/playbacks/nope") == (404, {"message": "Playback not found"})
    assert await ari.call("GET", "/recordings/live/x") == (404, {"message": "Recording not found"})
    assert await ari.call("GET", "/applications/x") == (404, {"message": "Application not found"})
    assert await ari.call("GET", "/bogus") == (404, {"message": "Resource not found"})
    assert await ari.call("PUT", "/channels") == (405, {"message": "Invalid method"})
    assert await ari.call("POST", "/channels", endpoint="PJSIP/unknown", app="contactcenter") \
        == (500, {"error": "Allocation failed"})
    assert await ari.call("POST", "/channels", endpoint="noslash", app="contactcenter") \
        == (400, {"message": "Invalid endpoint specified"})


async def test_asterisk_info_ping_sounds_endpoints(ari: Ari) -> None:
    status, info = await ari.call("GET", "/asterisk/info")
    assert status == 200 and info["system"]["version"] == "22.10.1"
    assert (await ari.call("GET", "/asterisk/ping"))[1]["ping"] == "pong"
    status, sound = await ari.call("GET", "/sounds/hello-world")
    assert status == 200 and sound["id"] == "hello-world"
    assert (await ari.call("GET", "/sounds/does-not-exist"))[0] == 404
    await ari.sim.add_phone("PJSIP/ssk-01-1")
    status, endpoint = await ari.call("GET", "/endpoints/PJSIP/ssk-01-1")
    assert status == 200 and endpoint["state"] == "online"
    assert (await ari.call("GET", "/endpoints/Bogus"))[1] == {
        "message": "No Endpoints found - invalid tech Bogus"}


async def test_caller_variables_and_functions(ari: Ari, events: Events) -> None:
    handle = await ari.sim.add_caller(number="+46701234567", municipality="0180", relay="tolk",
                                      patience=None)
    cid = handle.channel_id
    await events.wait_for("StasisStart", on(cid))
    get = ari.call
    assert await get("GET", f"/channels/{cid}/variable", variable="CC_MUNICIPALITY") == (
        200, {"value": "0180"})
    assert (await get("GET", f"/channels/{cid}/variable", variable="CC_RELAY"))[1] == {
        "value": "tolk"}
    assert (await get("GET", f"/channels/{cid}/variable",
                      variable="PJSIP_HEADER(read,X-Municipality)"))[1] == {"value": "0180"}
    assert (await get("GET", f"/channels/{cid}/variable", variable="CALLERID(num)"))[1] == {
        "value": "+46701234567"}
    assert await get("GET", f"/channels/{cid}/variable", variable="CC_NONE") == (
        404, {"message": "Provided variable was not found"})
    assert await get("GET", f"/channels/{cid}/variable", variable="NOSUCH(x)") == (
        500, {"message": "Unable to read provided function"})
    assert (await get("POST", f"/channels/{cid}/variable", variable="CC_REGION",
                      value="01"))[0] == 204
    varset = await events.wait_for("ChannelVarset", lambda e: e["variable"] == "CC_REGION")
    assert varset["value"] == "01" and varset["channel"]["id"] == cid
    assert (await get("GET", f"/channels/{cid}/variable", variable="CC_REGION"))[1] == {
        "value": "01"}


async def test_originate_json_body_variables_reach_both_local_legs(ari: Ari,
                                                                   events: Events) -> None:
    status, _ = await ari.call("POST", "/channels", json_body={"variables": {"CC_QUEUE": "q1"}},
                               endpoint="Local/agent-7@agents", app="contactcenter",
                               channelId="a-7", otherChannelId="a-7-phone")
    assert status == 200
    await events.wait_for("StasisStart", on("a-7-phone"))
    for leg in ("a-7", "a-7-phone"):
        assert (await ari.call("GET", f"/channels/{leg}/variable", variable="CC_QUEUE"))[1] == {
            "value": "q1"}
    async with ari.session.post(f"{ari.sim.ari_url}/ari/channels", data="{not json",
                                params={"endpoint": "Local/agent-8@agents", "app": "contactcenter"},
                                headers={**AUTH, "Content-Type": "application/json"}) as resp:
        assert resp.status == 400
        assert await resp.json() == {"message": "Error parsing request body"}


async def test_channelvars_appear_in_snapshots_when_configured(ari: Ari, events: Events) -> None:
    ari.sim.channelvars = ["CC_MUNICIPALITY", "CALLERID(num)"]
    handle = await ari.sim.add_caller(number="+4611", municipality="0380", patience=None)
    start = await events.wait_for("StasisStart", on(handle.channel_id))
    assert start["channel"]["channelvars"] == {"CC_MUNICIPALITY": "0380", "CALLERID(num)": "+4611"}


async def test_http_control_interface(ari: Ari, events: Events) -> None:
    base = f"{ari.sim.ari_url}/sim"
    async with ari.session.post(f"{base}/callers", json={"number": "+4670", "patience": None,
                                                        "municipality": "0180"}) as resp:
        assert resp.status == 201
        created = await resp.json()
    await events.wait_for("StasisStart", on(created["channel_id"]))
    async with ari.session.get(f"{base}/callers/{created['caller_id']}") as resp:
        assert (await resp.json())["status"] == "in_stasis"
    async with ari.session.post(f"{base}/phones", json={"endpoint": "PJSIP/ssk-02-1",
                                                       "behaviour": "busy"}) as resp:
        assert resp.status == 201
    async with ari.session.post(f"{base}/phones", json={"behaviour": "bogus"}) as resp:
        assert resp.status == 400
    async with ari.session.get(f"{base}/state") as resp:
        state = await resp.json()
    assert [c["id"] for c in state["channels"]] == [created["channel_id"]]
    assert any(p["endpoint"] == "PJSIP/ssk-02-1" for p in state["phones"])
    async with ari.session.get(f"{base}/callers/nope") as resp:
        assert resp.status == 404
