"""Call behaviour: playbacks, DTMF, bridges and MOH, phones, callers, apps, snoop."""
from __future__ import annotations

import asyncio

import aiohttp

from ari_simulator import AriSimulator

from .helpers import Ari, Events, on


async def inbound(ari: Ari, events: Events, **kw: object) -> str:
    """An answered simulated caller in Stasis; returns its channel id."""
    handle = await ari.sim.add_caller(**{"patience": None, **kw})  # type: ignore[arg-type]
    await events.wait_for("StasisStart", on(handle.channel_id))
    assert (await ari.call("POST", f"/channels/{handle.channel_id}/answer"))[0] == 204
    return handle.channel_id


async def test_inbound_caller_looks_like_a_sip_call(ari: Ari, events: Events) -> None:
    handle = await ari.sim.add_caller(number="+46812345678", name="Anna Svensson", patience=None)
    start = await events.wait_for("StasisStart", on(handle.channel_id))
    channel = start["channel"]
    assert start["args"] == ["1177"]
    assert channel["name"].startswith("PJSIP/pstn-") and channel["state"] == "Ring"
    assert channel["caller"] == {"name": "Anna Svensson", "number": "+46812345678"}
    assert channel["dialplan"]["context"] == "from-pstn" and channel["dialplan"]["exten"] == "1177"
    assert channel["dialplan"]["app_data"] == "contactcenter,1177"
    assert ari.sim.caller(handle.caller_id).status == "in_stasis"
    await ari.call("POST", f"/channels/{handle.channel_id}/answer")
    change = await events.wait_for("ChannelStateChange", on(handle.channel_id))
    assert change["channel"]["state"] == "Up"


async def test_playback_finishes_after_its_length(ari: Ari, events: Events) -> None:
    long_one = await inbound(ari, events)
    short_one = await inbound(ari, events)
    await ari.call("POST", f"/channels/{long_one}/play", media="sound:silence/10", playbackId="pb-l")
    status, body = await ari.call("POST", f"/channels/{short_one}/play", media="sound:hello-world",
                                  playbackId="pb-s")
    assert status == 201 and body["state"] == "queued" and body["target_uri"] == f"channel:{short_one}"
    started = await events.wait_for("PlaybackStarted", lambda e: e["playback"]["id"] == "pb-s")
    assert "channel" not in started and started["playback"]["state"] == "playing"
    done = await events.wait_for("PlaybackFinished", lambda e: e["playback"]["id"] == "pb-s")
    assert done["playback"]["state"] == "done"
    # 1.5 s of hello-world is over while 10 s of silence is still playing.
    assert (await ari.call("GET", "/playbacks/pb-l"))[1]["state"] == "playing"
    assert (await ari.call("GET", "/playbacks/pb-s"))[0] == 404
    assert (await ari.call("DELETE", "/playbacks/pb-l"))[0] == 204
    stopped = await events.wait_for("PlaybackFinished", lambda e: e["playback"]["id"] == "pb-l")
    assert stopped["playback"]["state"] == "done"


async def test_missing_sound_fails(ari: Ari, events: Events) -> None:
    cid = await inbound(ari, events)
    await ari.call("POST", f"/channels/{cid}/play", media="sound:nope", playbackId="pb-x")
    finished = await events.wait_for("PlaybackFinished", lambda e: e["playback"]["id"] == "pb-x")
    assert finished["playback"]["state"] == "failed"


async def test_caller_dtmf_arrives_with_digit_and_duration(ari: Ari, events: Events) -> None:
    handle = await ari.sim.add_caller(dtmf=[{"at": 0.5, "digits": "031#"}], patience=None)
    await events.wait_for("StasisStart", on(handle.channel_id))
    await asyncio.sleep(0.05)
    assert not [e for e in events.events if e["type"] == "ChannelDtmfReceived"], \
        "digits are keyed only after the call is answered"
    await ari.call("POST", f"/channels/{handle.channel_id}/answer")
    await events.wait_for("ChannelDtmfReceived", lambda e: e["digit"] == "#")
    dtmf = [e for e in events.events if e["type"] == "ChannelDtmfReceived"]
    assert [e["digit"] for e in dtmf] == ["0", "3", "1", "#"]
    assert all(e["duration_ms"] == 100 and e["channel"]["id"] == handle.channel_id for e in dtmf)
    assert ari.sim.caller(handle.caller_id).digits_sent == ["0", "3", "1", "#"]


async def test_local_pair_dtmf_crosses_to_the_peer(ari: Ari, events: Events) -> None:
    await ari.call("POST", "/channels", endpoint="Local/1177@from-pstn", app="contactcenter",
                   appArgs="pstn-side", callerId="+4670", channelId="pstn-1",
                   otherChannelId="caller-1")
    start = await events.wait_for("StasisStart", on("caller-1"))
    assert start["args"] == ["1177"]
    await ari.call("POST", "/channels/caller-1/answer")
    pstn = await events.wait_for("StasisStart", on("pstn-1"))
    assert pstn["args"] == ["pstn-side"]
    await ari.call("POST", "/channels/pstn-1/dtmf", dtmf="5", duration=200)
    dtmf = await events.wait_for("ChannelDtmfReceived")
    assert (dtmf["channel"]["id"], dtmf["digit"], dtmf["duration_ms"]) == ("caller-1", "5", 200)


async def test_holding_bridge_moh_uses_an_unlisted_announcer(ari: Ari, events: Events) -> None:
    cid = await inbound(ari, events)
    status, bridge = await ari.call("POST", "/bridges", type="holding", bridgeId="hold-1",
                                    name="queue")
    assert status == 200 and bridge["technology"] == "holding_bridge" and bridge["channels"] == []
    await ari.call("POST", "/bridges/hold-1/addChannel", channel=cid, role="participant")
    await events.wait_for("ChannelEnteredBridge", on(cid))
    assert (await ari.call("POST", "/bridges/hold-1/moh", mohClass="default"))[0] == 204
    assert (await ari.call("GET", "/bridges/hold-1"))[1]["channels"] == [cid]
    assert [c["id"] for c in (await ari.call("GET", "/channels"))[1]] == [cid]
    await ari.call("POST", "/bridges/hold-1/play", media="sound:hello-world", playbackId="a-1")
    failed = await events.wait_for("PlaybackFinished", lambda e: e["playback"]["id"] == "a-1")
    assert failed["playback"]["state"] == "failed"
    assert failed["playback"]["target_uri"] == "bridge:hold-1"
    assert (await ari.call("DELETE", "/bridges/hold-1/moh"))[0] == 204
    assert await ari.call("DELETE", "/bridges/hold-1/moh") == (
        409, {"message": "Bridge isn't playing music"})
    assert not [e for e in events.events if e["type"] == "BridgeCreated"]


async def test_mixing_bridge_of_two_is_simple_bridge(ari: Ari, events: Events) -> None:
    a, b = await inbound(ari, events), await inbound(ari, events, number="+4672")
    await ari.call("POST", "/bridges", type="mixing", bridgeId="mix-1")
    assert (await ari.call("POST", "/bridges/mix-1/addChannel", channel=f"{a},{b}"))[0] == 204
    await events.wait_for("ChannelEnteredBridge", on(b))
    bridge = (await ari.call("GET", "/bridges/mix-1"))[1]
    assert bridge["technology"] == "simple_bridge" and sorted(bridge["channels"]) == sorted([a, b])
    peer = await events.wait_for("ChannelVarset", lambda e: e["variable"] == "BRIDGEPEER")
    assert peer["value"].startswith("PJSIP/pstn-")
    assert await ari.call("POST", "/bridges/mix-1/addChannel", channel="ghost") == (
        400, {"message": "Channel not found"})


async def test_originate_to_answering_phone(ari: Ari, events: Events) -> None:
    await ari.sim.add_phone("PJSIP/ssk-01-1", behaviour="answer", answer_delay=0.5)
    status, body = await ari.call("POST", "/channels", endpoint="PJSIP/ssk-01-1",
                                  app="contactcenter", appArgs="nurse,call-9", channelId="n-1")
    assert status == 200 and body["state"] == "Down" and body["name"].startswith("PJSIP/ssk-01-1-")
    start = await events.wait_for("StasisStart", on("n-1"))
    assert start["args"] == ["nurse", "call-9"] and start["channel"]["state"] == "Up"
    assert events.types_for("n-1")[:3] == ["ChannelStateChange", "ChannelStateChange", "ChannelVarset"]
    dials = [e["dialstatus"] for e in events.events if e["type"] == "Dial"]
    assert dials == ["", "RINGING", "ANSWER"]


async def test_originate_to_busy_phone(ari: Ari, events: Events) -> None:
    await ari.sim.add_phone("PJSIP/ssk-01-2", behaviour="busy")
    await ari.call("POST", "/channels", endpoint="PJSIP/ssk-01-2", app="contactcenter",
                   channelId="n-2")
    gone = await events.wait_for("ChannelDestroyed", on("n-2"))
    assert (gone["cause"], gone["cause_txt"]) == (17, "User busy")
    assert not [e for e in events.events if e["type"] == "StasisStart"]


async def test_originate_unanswered_times_out_with_cause_19(ari: Ari, events: Events) -> None:
    await ari.sim.add_phone("PJSIP/ssk-01-3", behaviour="no_answer")
    await ari.call("POST", "/channels", endpoint="PJSIP/ssk-01-3", app="contactcenter",
                   channelId="n-3", timeout=5)
    gone = await events.wait_for("ChannelDestroyed", on("n-3"))
    assert (gone["cause"], gone["cause_txt"], gone["tech_cause"]) == (
        19, "User alerting, no answer", 480)
    assert [e["dialstatus"] for e in events.events if e["type"] == "Dial"] == ["", "RINGING"]


async def test_caller_gives_up_after_patience_unless_bridged(ari: Ari, events: Events) -> None:
    impatient = await ari.sim.add_caller(patience=2.0)
    await events.wait_for("StasisStart", on(impatient.channel_id))
    request = await events.wait_for("ChannelHangupRequest", on(impatient.channel_id))
    assert "cause" not in request and "soft" not in request  # a SIP BYE
    await events.wait_for("StasisEnd", on(impatient.channel_id))
    caller = ari.sim.caller(impatient.caller_id)
    assert (caller.status, caller.hung_up_by) == ("hung_up", "caller")
    assert impatient.channel_id not in ari.sim.channels


async def test_bridged_caller_stays_then_talks_and_hangs_up(ari: Ari, events: Events) -> None:
    await ari.sim.add_phone("PJSIP/ssk-01-4", answer_delay=0.1)
    handle = await ari.sim.add_caller(patience=3.0, talk=5.0)
    await events.wait_for("StasisStart", on(handle.channel_id))
    await ari.call("POST", f"/channels/{handle.channel_id}/answer")
    await ari.call("POST", "/channels", endpoint="PJSIP/ssk-01-4", app="contactcenter",
                   channelId="nurse-1")
    await events.wait_for("StasisStart", on("nurse-1"))
    await ari.call("POST", "/bridges", bridgeId="talk-1")
    await ari.call("POST", "/bridges/talk-1/addChannel", channel=f"{handle.channel_id},nurse-1")
    assert ari.sim.caller(handle.caller_id).status == "bridged"
    await events.wait_for("ChannelLeftBridge", on(handle.channel_id), timeout=10)
    caller = ari.sim.caller(handle.caller_id)
    assert (caller.status, caller.hung_up_by) == ("hung_up", "caller")
    # talk (5 s) outlived patience (3 s): patience stops counting once bridged.
    assert "nurse-1" in ari.sim.channels


async def test_app_hangup_is_recorded_on_the_caller(ari: Ari, events: Events) -> None:
    handle = await ari.sim.add_caller(patience=None)
    await events.wait_for("StasisStart", on(handle.channel_id))
    assert await ari.call("DELETE", f"/channels/{handle.channel_id}", reason="busy",
                          reason_code=17) == (
        400, {"message": "The reason and reason_code can't both be specified"})
    assert (await ari.call("DELETE", f"/channels/{handle.channel_id}", reason_code=21))[0] == 204
    request = await events.wait_for("ChannelHangupRequest", on(handle.channel_id))
    assert (request["cause"], request["soft"]) == (32, True)
    caller = ari.sim.caller(handle.caller_id)
    assert (caller.status, caller.hung_up_by, caller.cause) == ("rejected", "app", 21)


async def test_no_stasis_without_a_websocket(sim: AriSimulator) -> None:
    handle = await sim.add_caller(patience=None)
    caller = sim.caller(handle.caller_id)
    assert (caller.status, caller.hung_up_by) == ("rejected", None)
    assert handle.channel_id not in sim.channels
    assert sim.event_log == []


async def test_second_socket_replaces_the_first(ari: Ari, events: Events,
                                                session: aiohttp.ClientSession) -> None:
    second = await Events.open(ari.sim, session)
    replaced = await events.wait_for("ApplicationReplaced")
    assert replaced["application"] == "contactcenter" and "asterisk_id" in replaced
    assert not events.ws.closed
    handle = await ari.sim.add_caller(patience=None)
    await second.wait_for("StasisStart", on(handle.channel_id))
    assert [e["type"] for e in events.events] == ["ApplicationReplaced"]
    await second.close()


async def test_snoop_channel_enters_stasis_before_the_reply(ari: Ari, events: Events) -> None:
    cid = await inbound(ari, events)
    status, snoop = await ari.call("POST", f"/channels/{cid}/snoop", spy="both", whisper="out",
                                   app="contactcenter", appArgs="snoop,x", snoopId="snoop-1")
    assert status == 200 and snoop["name"].startswith(f"Snoop/{cid}-") and snoop["state"] == "Up"
    assert any(e["type"] == "StasisStart" and e["channel"]["id"] == "snoop-1"
               and e["args"] == ["snoop", "x"] for e in ari.sim.event_log)
    assert await ari.call("POST", f"/channels/{cid}/snoop/snoop-1", spy="in",
                          app="contactcenter") == (
        500, {"message": "Snoop channel could not be created"})
    assert (await ari.call("POST", f"/channels/{cid}/snoop", spy="sideways",
                           app="contactcenter"))[0] == 400
    assert (await ari.call("POST", f"/channels/{cid}/snoop", spy="both"))[1] == {
        "message": "Application name is required"}


async def test_bridge_recording_lifecycle(ari: Ari, events: Events) -> None:
    a, b = await inbound(ari, events), await inbound(ari, events)
    await ari.call("POST", "/bridges", bridgeId="mix-r")
    await ari.call("POST", "/bridges/mix-r/addChannel", channel=f"{a},{b}")
    status, rec = await ari.call("POST", "/bridges/mix-r/record", name="rec-1", format="wav",
                                 maxDurationSeconds=2)
    assert status == 201 and rec["state"] == "queued" and rec["target_uri"] == "bridge:mix-r"
    assert (await ari.call("POST", "/bridges/mix-r/record", name="rec-1", format="wav"))[0] == 409
    assert (await ari.call("POST", "/bridges/mix-r/record", name="r2", format="xyz"))[0] == 422
    done = await events.wait_for("RecordingFinished")
    assert (done["recording"]["state"], done["recording"]["duration"]) == ("done", 2)
    assert (await ari.call("GET", "/recordings/stored"))[1] == [{"name": "rec-1", "format": "wav"}]
    status, wav = await ari.call("GET", "/recordings/stored/rec-1/file")
    assert status == 200 and wav[:4] == b"RIFF"
    assert (await ari.call("DELETE", "/recordings/stored/rec-1"))[0] == 204
    assert (await ari.call("GET", "/recordings/stored/rec-1"))[0] == 404


async def test_local_auto_answer_nurse_of_the_test_context(ari: Ari, events: Events) -> None:
    status, _ = await ari.call("POST", "/channels", endpoint="Local/nurse-auto@radgivning-test",
                               app="contactcenter", appArgs="nurse,c-1", channelId="auto-1")
    assert status == 200
    start = await events.wait_for("StasisStart", on("auto-1"))
    assert start["args"] == ["nurse", "c-1"] and start["channel"]["state"] == "Up"
    # Answer() waits for media (up to 500 ms) before the dialplan goes on to Wait.
    await events.wait_for("ChannelDialplan", lambda e: e["channel"]["id"] == "auto-1;2"
                          and e["dialplan_app"] == "Wait")
    assert (await ari.call("GET", "/channels/auto-1;2"))[1]["dialplan"]["app_name"] == "Wait"


async def test_unreachable_local_context_destroys_both_legs(ari: Ari, events: Events) -> None:
    status, _ = await ari.call("POST", "/channels", endpoint="Local/9999@nowhere",
                               app="contactcenter", channelId="f-2", otherChannelId="f-2b")
    assert status == 200
    gone = await events.wait_for("ChannelDestroyed", on("f-2"))
    assert (gone["cause"], gone["cause_txt"]) == (0, "Unknown")
    assert [e["type"] for e in events.events] == ["ChannelDestroyed", "ChannelDestroyed"]
