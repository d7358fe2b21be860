"""Every REST method maps to the right ARI method, path, query and body; results are typed."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from ari import (
    Application,
    AriClient,
    AriError,
    AsteriskInfo,
    AsteriskPing,
    Bridge,
    CallerId,
    Channel,
    DialplanCEP,
    Endpoint,
    LiveRecording,
    Playback,
    StoredRecording,
)
from tests.ari_client import recorded
from tests.ari_client.fake_ari import PASSWORD, USERNAME, FakeAri


@dataclass
class Case:
    name: str
    call: Callable[[AriClient], Awaitable[Any]]
    method: str
    path: str
    query: dict[str, str]
    body: Any = None
    result: Any = None  # the expected result type, or value


NONE = type(None)


def c(name, call, method, path, query=None, body=None, result=NONE) -> Case:
    return Case(name, call, method, path, query or {}, body, result)


CASES = [
    # /asterisk
    c("asterisk.info", lambda a: a.asterisk.info(), "GET", "/asterisk/info", result=AsteriskInfo),
    c("asterisk.ping", lambda a: a.asterisk.ping(), "GET", "/asterisk/ping", result=AsteriskPing),
    c("asterisk.get_variable", lambda a: a.asterisk.get_variable("ASTETCDIR"), "GET",
      "/asterisk/variable", {"variable": "ASTETCDIR"},
      result="/var/lib/asterisk-prefix/etc/asterisk"),
    # /applications
    c("applications.list", lambda a: a.applications.list(), "GET", "/applications", result=list),
    c("applications.get", lambda a: a.applications.get("contactcenter"), "GET",
      "/applications/contactcenter", result=Application),
    c("applications.subscribe", lambda a: a.applications.subscribe(
        "contactcenter", ["channel:caller-1", "bridge:bridge-hold-1"]), "POST",
      "/applications/contactcenter/subscription",
      {"eventSource": "channel:caller-1,bridge:bridge-hold-1"}, result=Application),
    c("applications.unsubscribe", lambda a: a.applications.unsubscribe(
        "contactcenter", ["channel:caller-1"]), "DELETE",
      "/applications/contactcenter/subscription", {"eventSource": "channel:caller-1"},
      result=Application),
    c("applications.set_event_filter", lambda a: a.applications.set_event_filter(
        "contactcenter", allowed=[{"type": "StasisStart"}, {"type": "StasisEnd"}],
        disallowed=None), "PUT", "/applications/contactcenter/eventFilter",
      body={"allowed": [{"type": "StasisStart"}, {"type": "StasisEnd"}]}, result=Application),
    c("applications.set_event_filter (clear)", lambda a: a.applications.set_event_filter(
        "contactcenter", None, None), "PUT", "/applications/contactcenter/eventFilter",
      body={}, result=Application),
    # /channels
    c("channels.list", lambda a: a.channels.list(), "GET", "/channels", result=list),
    c("channels.get", lambda a: a.channels.get("caller-1"), "GET", "/channels/caller-1",
      result=Channel),
    c("channels.get (id with ;)", lambda a: a.channels.get("agent-1003;2"), "GET",
      "/channels/agent-1003;2", result=Channel),
    c("channels.get (id with space, ? and #)", lambda a: a.channels.get("odd id?#x"), "GET",
      "/channels/odd id?#x", result=Channel),
    c("channels.originate (recorded 01)", lambda a: a.channels.originate(
        "Local/1177@from-pstn", app_args="pstn-side", caller_id="+46701234567",
        channel_id="pstn-1", other_channel_id="caller-1"), "POST", "/channels",
      {"endpoint": "Local/1177@from-pstn", "app": "contactcenter", "appArgs": "pstn-side",
       "callerId": "+46701234567", "channelId": "pstn-1", "otherChannelId": "caller-1"},
      result=Channel),
    c("channels.originate (all params, variables in body)", lambda a: a.channels.originate(
        "PJSIP/nurse-1001", app="other-app", app_args=["nurse", "call-1"], caller_id="1177",
        timeout=20, channel_id="nurse-1", other_channel_id="nurse-1b", originator="caller-1",
        formats=["ulaw", "slin16"], variables={"CC_QUEUE": "national", "_CC_X": "y"}),
      "POST", "/channels",
      {"endpoint": "PJSIP/nurse-1001", "app": "other-app", "appArgs": "nurse,call-1",
       "callerId": "1177", "timeout": "20", "channelId": "nurse-1", "otherChannelId": "nurse-1b",
       "originator": "caller-1", "formats": "ulaw,slin16"},
      body={"variables": {"CC_QUEUE": "national", "_CC_X": "y"}}, result=Channel),
    c("channels.originate (dialplan target: no default app)", lambda a: a.channels.originate(
        "Local/1177@from-pstn", extension="1177", context="from-pstn", priority=1,
        label="start"), "POST", "/channels",
      {"endpoint": "Local/1177@from-pstn", "extension": "1177", "context": "from-pstn",
       "priority": "1", "label": "start"}, result=Channel),
    c("channels.create", lambda a: a.channels.create(
        "Local/agent-1002@agents", app_args=["agent", "caller-1"], channel_id="agent-1002",
        other_channel_id="agent-1002-phone", originator="caller-1", formats="ulaw",
        variables={"CC_QUEUE": "01"}), "POST", "/channels/create",
      {"endpoint": "Local/agent-1002@agents", "app": "contactcenter",
       "appArgs": "agent,caller-1", "channelId": "agent-1002",
       "otherChannelId": "agent-1002-phone", "originator": "caller-1", "formats": "ulaw"},
      body={"variables": {"CC_QUEUE": "01"}}, result=Channel),
    c("channels.dial", lambda a: a.channels.dial("agent-1002", caller="caller-1", timeout=15),
      "POST", "/channels/agent-1002/dial", {"caller": "caller-1", "timeout": "15"}),
    c("channels.answer", lambda a: a.channels.answer("caller-1"), "POST",
      "/channels/caller-1/answer"),
    c("channels.hangup", lambda a: a.channels.hangup("caller-1"), "DELETE", "/channels/caller-1"),
    c("channels.hangup (reason)", lambda a: a.channels.hangup("caller-1", reason="busy"),
      "DELETE", "/channels/caller-1", {"reason": "busy"}),
    c("channels.hangup (reason_code, recorded 03)", lambda a: a.channels.hangup(
        "caller-1", reason_code=16), "DELETE", "/channels/caller-1", {"reason_code": "16"}),
    c("channels.ring", lambda a: a.channels.ring("caller-1"), "POST", "/channels/caller-1/ring"),
    c("channels.ring_stop", lambda a: a.channels.ring_stop("caller-1"), "DELETE",
      "/channels/caller-1/ring"),
    c("channels.hold", lambda a: a.channels.hold("caller-1"), "POST", "/channels/caller-1/hold"),
    c("channels.unhold", lambda a: a.channels.unhold("caller-1"), "DELETE",
      "/channels/caller-1/hold"),
    c("channels.start_moh", lambda a: a.channels.start_moh("caller-1", moh_class="default"),
      "POST", "/channels/caller-1/moh", {"mohClass": "default"}),
    c("channels.start_moh (no class)", lambda a: a.channels.start_moh("caller-1"), "POST",
      "/channels/caller-1/moh"),
    c("channels.stop_moh", lambda a: a.channels.stop_moh("caller-1"), "DELETE",
      "/channels/caller-1/moh"),
    c("channels.mute", lambda a: a.channels.mute("caller-1"), "POST", "/channels/caller-1/mute",
      {"direction": "both"}),
    c("channels.unmute", lambda a: a.channels.unmute("caller-1", "in"), "DELETE",
      "/channels/caller-1/mute", {"direction": "in"}),
    c("channels.play (recorded 01)", lambda a: a.channels.play(
        "caller-1", "sound:hello-world", playback_id="pb-ivr-1", lang="en"), "POST",
      "/channels/caller-1/play",
      {"media": "sound:hello-world", "playbackId": "pb-ivr-1", "lang": "en"}, result=Playback),
    c("channels.play (media list, offsets)", lambda a: a.channels.play(
        "caller-1", ["sound:hello-world", "sound:queue-minutes"], offsetms=500, skipms=3000),
      "POST", "/channels/caller-1/play",
      {"media": "sound:hello-world,sound:queue-minutes", "offsetms": "500", "skipms": "3000"},
      result=Playback),
    c("channels.record", lambda a: a.channels.record(
        "caller-1", "rec-1", "wav", max_duration_seconds=30, max_silence_seconds=5,
        if_exists="overwrite", beep=True, terminate_on="#"), "POST", "/channels/caller-1/record",
      {"name": "rec-1", "format": "wav", "maxDurationSeconds": "30", "maxSilenceSeconds": "5",
       "ifExists": "overwrite", "beep": "true", "terminateOn": "#"}, result=LiveRecording),
    c("channels.send_dtmf (recorded 01)", lambda a: a.channels.send_dtmf(
        "pstn-1", "#", duration=200), "POST", "/channels/pstn-1/dtmf",
      {"dtmf": "#", "duration": "200"}),
    c("channels.send_dtmf (all)", lambda a: a.channels.send_dtmf(
        "pstn-1", "12", before=10, between=100, duration=80, after=5), "POST",
      "/channels/pstn-1/dtmf",
      {"dtmf": "12", "before": "10", "between": "100", "duration": "80", "after": "5"}),
    c("channels.get_variable", lambda a: a.channels.get_variable("caller-1", "CALLERID(num)"),
      "GET", "/channels/caller-1/variable", {"variable": "CALLERID(num)"}, result="01"),
    c("channels.set_variable", lambda a: a.channels.set_variable("caller-1", "CC_REGION", "01"),
      "POST", "/channels/caller-1/variable", {"variable": "CC_REGION", "value": "01"}),
    c("channels.set_variable (empty value)", lambda a: a.channels.set_variable(
        "caller-1", "CC_REGION", ""), "POST", "/channels/caller-1/variable",
      {"variable": "CC_REGION", "value": ""}),
    c("channels.set_variable (unset)", lambda a: a.channels.set_variable(
        "caller-1", "CC_NOVALUE"), "POST", "/channels/caller-1/variable",
      {"variable": "CC_NOVALUE"}),
    c("channels.continue_in_dialplan", lambda a: a.channels.continue_in_dialplan(
        "caller-1", context="from-pstn", extension="1177", priority=3, label="again"), "POST",
      "/channels/caller-1/continue",
      {"context": "from-pstn", "extension": "1177", "priority": "3", "label": "again"}),
    c("channels.continue_in_dialplan (bare)", lambda a: a.channels.continue_in_dialplan(
        "caller-1"), "POST", "/channels/caller-1/continue"),
    c("channels.redirect", lambda a: a.channels.redirect("caller-3", "Local/9@x"), "POST",
      "/channels/caller-3/redirect", {"endpoint": "Local/9@x"}),
    c("channels.snoop", lambda a: a.channels.snoop(
        "caller-1", spy="both", whisper="out", app_args=["snoop", "caller-1"],
        snoop_id="snoop-1"), "POST", "/channels/caller-1/snoop",
      {"spy": "both", "whisper": "out", "app": "contactcenter", "appArgs": "snoop,caller-1",
       "snoopId": "snoop-1"}, result=Channel),
    # /bridges
    c("bridges.list", lambda a: a.bridges.list(), "GET", "/bridges", result=list),
    c("bridges.get", lambda a: a.bridges.get("bridge-mix-1"), "GET", "/bridges/bridge-mix-1",
      result=Bridge),
    c("bridges.create (recorded 03)", lambda a: a.bridges.create(
        type="holding", bridge_id="bridge-hold-1", name="queue-sales"), "POST", "/bridges",
      {"type": "holding", "bridgeId": "bridge-hold-1", "name": "queue-sales"}, result=Bridge),
    c("bridges.create (default type)", lambda a: a.bridges.create(), "POST", "/bridges",
      {"type": "mixing"}, result=Bridge),
    c("bridges.create (type list)", lambda a: a.bridges.create(type=["mixing", "dtmf_events"]),
      "POST", "/bridges", {"type": "mixing,dtmf_events"}, result=Bridge),
    c("bridges.destroy", lambda a: a.bridges.destroy("bridge-mix-1"), "DELETE",
      "/bridges/bridge-mix-1"),
    c("bridges.add_channel (recorded 03)", lambda a: a.bridges.add_channel(
        "bridge-hold-1", "caller-1", role="participant"), "POST",
      "/bridges/bridge-hold-1/addChannel", {"channel": "caller-1", "role": "participant"}),
    c("bridges.add_channel (list, recorded 03)", lambda a: a.bridges.add_channel(
        "bridge-mix-1", ["caller-1", "agent-1001"]), "POST", "/bridges/bridge-mix-1/addChannel",
      {"channel": "caller-1,agent-1001"}),
    c("bridges.add_channel (flags)", lambda a: a.bridges.add_channel(
        "bridge-mix-1", "caller-1", absorb_dtmf=True, mute=False,
        inhibit_connected_line_updates=True), "POST", "/bridges/bridge-mix-1/addChannel",
      {"channel": "caller-1", "absorbDTMF": "true", "mute": "false",
       "inhibitConnectedLineUpdates": "true"}),
    c("bridges.remove_channel", lambda a: a.bridges.remove_channel("bridge-hold-1", "caller-1"),
      "POST", "/bridges/bridge-hold-1/removeChannel", {"channel": "caller-1"}),
    c("bridges.start_moh (recorded 03)", lambda a: a.bridges.start_moh(
        "bridge-hold-1", moh_class="default"), "POST", "/bridges/bridge-hold-1/moh",
      {"mohClass": "default"}),
    c("bridges.stop_moh", lambda a: a.bridges.stop_moh("bridge-hold-1"), "DELETE",
      "/bridges/bridge-hold-1/moh"),
    c("bridges.play", lambda a: a.bridges.play(
        "bridge-hold-1", "sound:queue-thereare", playback_id="pb-ann-1", lang="sv"), "POST",
      "/bridges/bridge-hold-1/play",
      {"media": "sound:queue-thereare", "playbackId": "pb-ann-1", "lang": "sv"},
      result=Playback),
    c("bridges.record (recorded 10)", lambda a: a.bridges.record(
        "bridge-mix-1", "rec-bridge-1", "wav", max_duration_seconds=3), "POST",
      "/bridges/bridge-mix-1/record",
      {"name": "rec-bridge-1", "format": "wav", "maxDurationSeconds": "3"},
      result=LiveRecording),
    # /playbacks
    c("playbacks.get", lambda a: a.playbacks.get("pb-ivr-1"), "GET", "/playbacks/pb-ivr-1",
      result=Playback),
    c("playbacks.stop", lambda a: a.playbacks.stop("pb-ivr-1"), "DELETE", "/playbacks/pb-ivr-1"),
    c("playbacks.control", lambda a: a.playbacks.control("pb-ivr-1", "pause"), "POST",
      "/playbacks/pb-ivr-1/control", {"operation": "pause"}),
    # /recordings
    c("recordings.get_live", lambda a: a.recordings.get_live("rec-bridge-1"), "GET",
      "/recordings/live/rec-bridge-1", result=LiveRecording),
    c("recordings.stop_live", lambda a: a.recordings.stop_live("rec-bridge-2"), "POST",
      "/recordings/live/rec-bridge-2/stop"),
    c("recordings.list_stored", lambda a: a.recordings.list_stored(), "GET", "/recordings/stored",
      result=list),
    c("recordings.get_stored", lambda a: a.recordings.get_stored("rec-bridge-1"), "GET",
      "/recordings/stored/rec-bridge-1", result=StoredRecording),
    c("recordings.delete_stored", lambda a: a.recordings.delete_stored("rec-bridge-1"),
      "DELETE", "/recordings/stored/rec-bridge-1"),
    c("recordings.copy_stored (recorded 10)", lambda a: a.recordings.copy_stored(
        "rec-bridge-1", "rec-copy-1"), "POST", "/recordings/stored/rec-bridge-1/copy",
      {"destinationRecordingName": "rec-copy-1"}, result=StoredRecording),
    # /endpoints
    c("endpoints.list", lambda a: a.endpoints.list(), "GET", "/endpoints", result=list),
    c("endpoints.get", lambda a: a.endpoints.get("PJSIP", "agent-sipp"), "GET",
      "/endpoints/PJSIP/agent-sipp", result=Endpoint),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
async def test_rest_method_maps_to_ari_request(case: Case, fake: FakeAri,
                                               client: AriClient) -> None:
    result = await case.call(client)

    assert len(fake.requests) == 1
    got = fake.last()
    assert (got.method, got.path) == (case.method, case.path)
    assert got.query == case.query
    assert len(got.query_pairs) == len(case.query), "no parameter sent twice"
    assert got.body == case.body
    if case.body is not None:
        assert got.headers.get("Content-Type", "").startswith("application/json")
    else:
        assert got.raw_body == b""
    if isinstance(case.result, type):
        assert isinstance(result, case.result)
    else:
        assert result == case.result
    expected_auth = "Basic " + base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
    assert got.headers["Authorization"] == expected_auth


def _recorded_request(name: str, method: str, path: str, index: int = 0) -> tuple[dict, Any]:
    found = [req for req, _ in recorded.responses(name)
             if req["method"] == method and recorded.ari_path(req["url"]) == path]
    req = found[index]
    params = req.get("params") or {}
    return {k: str(v) for k, v in params.items()}, req.get("body")


REPLAYS = [
    ("01", lambda a: a.channels.originate(
        "Local/1177@from-pstn", app_args="pstn-side", caller_id="+46701234567",
        channel_id="pstn-1", other_channel_id="caller-1"),
     ("01-inbound-ivr-dtmf", "POST", "/channels", 0)),
    ("01", lambda a: a.channels.play("caller-1", "sound:hello-world", playback_id="pb-ivr-1",
                                     lang="en"),
     ("01-inbound-ivr-dtmf", "POST", "/channels/caller-1/play", 0)),
    ("01", lambda a: a.channels.send_dtmf("pstn-1", "#", duration=200),
     ("01-inbound-ivr-dtmf", "POST", "/channels/pstn-1/dtmf", 1)),
    ("03", lambda a: a.channels.originate(
        "Local/agent-1001@agents", app_args=["agent", "caller-1"], channel_id="agent-1001",
        other_channel_id="agent-1001-phone"),
     ("03-agent-connect", "POST", "/channels", 1)),
    ("03", lambda a: a.bridges.create(type="mixing", bridge_id="bridge-mix-1",
                                      name="call-caller-1"),
     ("03-agent-connect", "POST", "/bridges", 1)),
    ("03", lambda a: a.bridges.add_channel("bridge-mix-1", ["caller-1", "agent-1001"]),
     ("03-agent-connect", "POST", "/bridges/bridge-mix-1/addChannel", 0)),
    ("03", lambda a: a.channels.hangup("caller-1", reason_code=16),
     ("03-agent-connect", "DELETE", "/channels/caller-1", 0)),
    ("10", lambda a: a.bridges.record("bridge-mix-1", "rec-bridge-1", "wav",
                                      max_duration_seconds=3),
     ("10-record-bridge", "POST", "/bridges/bridge-mix-1/record", 0)),
    ("10", lambda a: a.recordings.copy_stored("rec-bridge-1", "rec-copy-1"),
     ("10-record-bridge", "POST", "/recordings/stored/rec-bridge-1/copy", 0)),
]


@pytest.mark.parametrize("call,source", [(r[1], r[2]) for r in REPLAYS],
                         ids=[f"{r[0]}-{r[2][1]} {r[2][2]}" for r in REPLAYS])
async def test_recorded_requests_are_reproduced_exactly(call, source, fake: FakeAri,
                                                        client: AriClient) -> None:
    """A request recorded against the real Asterisk, made again through the typed API."""
    name, method, path, index = source
    params, body = _recorded_request(name, method, path, index)
    await call(client)
    got = fake.last()
    assert (got.method, got.path, got.query, got.body) == (method, path, params, body)


async def test_models_parse_recorded_bodies(client: AriClient) -> None:
    channel = await client.channels.get("pstn-1")
    assert channel.id == "pstn-1"
    assert channel.name == "Local/1177@from-pstn-00000000;1"
    assert channel.state == "Down"
    assert channel.caller == CallerId(name="", number="+46701234567")
    assert channel.dialplan == DialplanCEP("from-pstn", "1177", 1, "AppDial2", "(Outgoing Line)")
    assert isinstance(channel.creationtime, datetime) and channel.creationtime.tzinfo is not None
    assert channel.language == "en"
    assert channel.channelvars is None
    assert channel.raw["protocol_id"] == ""

    bridge = await client.bridges.get("bridge-hold-1")
    assert (bridge.id, bridge.bridge_type, bridge.technology) == \
        ("bridge-hold-1", "holding", "holding_bridge")
    assert bridge.channels == ()
    assert bridge.video_mode == "talker"

    playback = await client.playbacks.get("pb-ivr-1")
    assert (playback.id, playback.state, playback.target_uri, playback.target_id) == \
        ("pb-ivr-1", "queued", "channel:caller-1", "caller-1")

    live = await client.recordings.get_live("rec-bridge-1")
    assert (live.name, live.format, live.state, live.target_id) == \
        ("rec-bridge-1", "wav", "queued", "bridge-mix-1")

    info = await client.asterisk.info()
    assert info.version == "22.10.1"
    assert info.entity_id == "02:fc:00:00:00:01"
    assert info.startup_time is not None and info.startup_time.tzinfo is not None

    ping = await client.asterisk.ping()
    assert ping.ping == "pong" and ping.asterisk_id == "02:fc:00:00:00:01"

    endpoints = await client.endpoints.list()
    assert [(e.technology, e.resource, e.state) for e in endpoints] == \
        [("PJSIP", "agent-sipp", "online"), ("PJSIP", "pstn", "offline")]

    app = (await client.applications.list())[0]
    assert app.name == "contactcenter"
    assert isinstance(app.channel_ids, tuple)


async def test_channelvars_and_unknown_fields_are_kept(fake: FakeAri, client: AriClient) -> None:
    body = dict(recorded.first_body("01-inbound-ivr-dtmf", "POST", "/channels"))
    body["channelvars"] = {"CC_REGION": "02", "CC_QUEUE": "", "CALLERID(num)": "+46701234567"}
    body["a_future_field"] = {"x": 1}
    fake.respond("GET", "/channels/pstn-1", 200, body)
    channel = await client.channels.get("pstn-1")
    assert channel.channelvars == {"CC_REGION": "02", "CC_QUEUE": "",
                                   "CALLERID(num)": "+46701234567"}
    assert channel.raw["a_future_field"] == {"x": 1}


async def test_path_segments_are_escaped(fake: FakeAri, client: AriClient) -> None:
    await client.channels.hangup("odd/id x;2")
    assert fake.last().raw_path == "/channels/odd%2Fid%20x;2"
    await client.endpoints.get("PJSIP", "1795325778.73")
    assert fake.last().raw_path == "/endpoints/PJSIP/1795325778.73"


async def test_unexpected_empty_body_is_an_ari_error(fake: FakeAri, client: AriClient) -> None:
    fake.respond("GET", "/channels/caller-1", 204)
    with pytest.raises(AriError):
        await client.channels.get("caller-1")


async def test_models_are_frozen(client: AriClient) -> None:
    channel = await client.channels.get("caller-1")
    with pytest.raises(AttributeError):
        channel.id = "other"  # type: ignore[misc]


async def test_get_variable_returns_the_value(fake: FakeAri, client: AriClient) -> None:
    fake.respond("GET", "/channels/caller-1/variable", 200, {"value": ""})
    assert await client.channels.get_variable("caller-1", "CC_REGION") == ""


async def test_credentials_in_base_url_are_not_used_in_urls(fake: FakeAri) -> None:
    url = fake.base_url.replace("http://", "http://someone:leaked@")
    async with AriClient(url, USERNAME, PASSWORD, "contactcenter") as client:
        assert "leaked" not in client.events_url and "leaked" not in client.base_url
        await client.channels.list()
    assert fake.last().headers["Authorization"].startswith("Basic ")


@pytest.mark.parametrize(("given", "expected"), [
    ("http://pbx.example:8088", "http://pbx.example:8088/ari"),
    ("http://pbx.example:8088/", "http://pbx.example:8088/ari"),
    ("http://pbx.example:8088/ari", "http://pbx.example:8088/ari"),
    ("http://pbx.example:8088/asterisk/ari/", "http://pbx.example:8088/asterisk/ari"),
    ("https://pbx.example/asterisk", "https://pbx.example/asterisk/ari"),
])
def test_the_server_address_alone_is_enough_and_ari_is_appended_once(
    given: str, expected: str,
) -> None:
    client = AriClient(given, USERNAME, PASSWORD, "contactcenter")
    assert client.base_url == expected
    assert client.events_url.split("?")[0] == expected.replace("http", "ws", 1) + "/events"
