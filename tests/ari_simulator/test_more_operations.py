"""Less common operations: error catalogue entries of the kept-aside scenarios
(13, 15, 16 in INDEX.md), media lists, continue/move, subscriptions."""
from __future__ import annotations

import aiohttp

from .helpers import Ari, Events, on


async def local_call(ari: Ari, events: Events) -> None:
    """pstn-1 / caller-1 as in the recordings, answered, both legs in Stasis."""
    await ari.call("POST", "/channels", endpoint="Local/1177@from-pstn", app="contactcenter",
                   appArgs="pstn-side", callerId="+46701234567", channelId="pstn-1",
                   otherChannelId="caller-1")
    await events.wait_for("StasisStart", on("caller-1"))
    await ari.call("POST", "/channels/caller-1/answer")
    await events.wait_for("StasisStart", on("pstn-1"))


async def test_error_catalogue_of_kept_aside_scenarios(ari: Ari, events: Events) -> None:
    await local_call(ari, events)
    expected = [
        (("POST", "/channels/caller-1/continue"), {"context": "from-pstn", "extension": "1177",
                                                    "label": "bogus-label"},
         404, "Requested label can not be found"),
        (("POST", "/channels/caller-1/redirect"), {"endpoint": "PJSIP/agent-sipp"}, 422,
         "Endpoint technology 'PJSIP' does not match channel technology 'Local'"),
        (("POST", "/channels/caller-1/redirect"), {}, 400,
         "Required parameter 'endpoint' not provided."),
        (("POST", "/channels/caller-1/redirect"), {"endpoint": "nonsense"}, 422,
         "Endpoint parameter 'nonsense' does not contain tech/resource"),
        (("POST", "/applications/contactcenter/subscription"), {"eventSource": "bridge:nope"},
         422, "Event source does not exist"),
        (("POST", "/applications/contactcenter/subscription"), {"eventSource": "bogus:x"},
         400, "Invalid event source URI scheme"),
        (("POST", "/applications/contactcenter/subscription"), {}, 400,
         "Missing parameter eventSource"),
        (("DELETE", "/applications/contactcenter/subscription"), {"eventSource": "channel:nope"},
         422, "Event source was not subscribed to"),
        (("POST", "/applications/nosuchapp/subscription"), {"eventSource": "bridge:x"}, 404,
         "Application not found"),
        (("POST", "/channels/caller-1/mute"), {"direction": "sideways"}, 400,
         "Invalid direction specified"),
        (("POST", "/playbacks/pb-gone/control"), {"operation": "pause"}, 404,
         "Playback not found"),
        (("DELETE", "/channels/caller-1"), {"reason": "bogus"}, 400,
         "Invalid reason for hangup reason provided"),
        (("POST", "/channels/caller-1/dial"), {"timeout": 3}, 409,
         "Channel is not in the 'Down' state"),
    ]
    for (method, path), params, status, message in expected:
        assert await ari.call(method, path, **params) == (status, {"message": message}), path


async def test_media_list_continues_then_finishes(ari: Ari, events: Events) -> None:
    await local_call(ari, events)
    status, body = await ari.call("POST", "/channels/caller-1/play", playbackId="pb-list",
                                  media="sound:beep,digits:12")
    assert status == 201 and body["next_media_uri"] == "digits:12"
    # Continuing names the media that ended; Started then names the next (as recorded).
    cont = await events.wait_for("PlaybackContinuing")
    assert (cont["playback"]["media_uri"], cont["playback"]["state"]) == ("sound:beep",
                                                                          "continuing")
    started = await events.wait_for("PlaybackStarted", lambda e: e["playback"]["media_uri"]
                                    == "digits:12")
    assert "next_media_uri" not in started["playback"]
    done = await events.wait_for("PlaybackFinished")
    assert done["playback"]["state"] == "done"


async def test_subscription_keeps_events_after_stasis_end(ari: Ari, events: Events) -> None:
    handle = await ari.sim.add_caller(patience=None)
    await events.wait_for("StasisStart", on(handle.channel_id))
    status, app = await ari.call("POST", "/applications/contactcenter/subscription",
                                 eventSource=f"channel:{handle.channel_id}")
    assert status == 200 and handle.channel_id in app["channel_ids"]
    await ari.call("POST", f"/channels/{handle.channel_id}/answer")
    ari.sim.caller(handle.caller_id).hang_up()
    gone = await events.wait_for("ChannelDestroyed", on(handle.channel_id))
    assert gone["cause"] == 16
    assert events.types_for(handle.channel_id)[-4:] == [
        "StasisEnd", "ChannelVarset", "ChannelHangupRequest", "ChannelDestroyed"]


async def test_unsubscribed_sip_caller_sends_nothing_after_stasis_end(ari: Ari,
                                                                      events: Events) -> None:
    handle = await ari.sim.add_caller(patience=None)
    await events.wait_for("StasisStart", on(handle.channel_id))
    ari.sim.caller(handle.caller_id).hang_up()
    await events.wait_for("StasisEnd", on(handle.channel_id))
    assert events.types_for(handle.channel_id) == [
        "StasisStart", "ChannelHangupRequest", "StasisEnd"]


async def test_move_to_another_app_and_continue_to_dialplan(
        ari: Ari, events: Events, session: aiohttp.ClientSession) -> None:
    other = await Events.open(ari.sim, session, app="other-app")
    await local_call(ari, events)
    assert (await ari.call("POST", "/channels/pstn-1/move", app="other-app",
                           appArgs="x"))[0] == 204
    moved = await other.wait_for("StasisStart", on("pstn-1"))
    assert moved["args"] == ["x"]
    assert "StasisEnd" in events.types_for("pstn-1")
    assert (await ari.call("POST", "/channels/caller-1/continue"))[0] == 204
    # from-pstn continues to Hangup(): the call ends.
    await events.wait_for("ChannelDestroyed", on("caller-1"))
    await other.close()


async def test_channel_record_and_event_filter(ari: Ari, events: Events) -> None:
    await local_call(ari, events)
    status, app = await ari.call("PUT", "/applications/contactcenter/eventFilter",
                                 json_body={"disallowed": [{"type": "ChannelHold"}]})
    assert status == 200 and app["events_disallowed"] == [{"type": "ChannelHold"}]
    await ari.call("POST", "/channels/caller-1/hold")
    status, rec = await ari.call("POST", "/channels/caller-1/record", name="msg-1", format="wav")
    assert status == 201 and rec["target_uri"] == "channel:caller-1"
    await events.wait_for("RecordingStarted")
    assert (await ari.call("GET", "/recordings/live/msg-1"))[1]["state"] == "recording"
    assert (await ari.call("POST", "/recordings/live/msg-1/stop"))[0] == 204
    finished = await events.wait_for("RecordingFinished")
    assert finished["recording"]["name"] == "msg-1"
    assert not [e for e in events.events if e["type"] == "ChannelHold"]


async def test_originate_with_the_id_of_a_ringing_channel_is_refused_like_asterisk(
    ari: Ari, events: Events,
) -> None:
    # Scenario 04: Asterisk answers a live channel's id again with 409; once the channel is
    # gone its id may be used again.
    await ari.sim.add_phone(endpoint="PJSIP/ssk-01-1", behaviour="no_answer")
    first = await ari.call("POST", "/channels", endpoint="PJSIP/ssk-01-1", app="contactcenter",
                           channelId="nurse-c1-1", timeout=600)
    assert first[0] == 200
    for path, params in (("/channels", {"channelId": "nurse-c1-1"}),
                         ("/channels/nurse-c1-1", {})):
        again = await ari.call("POST", path, endpoint="PJSIP/ssk-01-1", app="contactcenter",
                               timeout=600, **params)
        assert again == (409, {"message": "Channel with given unique ID already exists"}), path
    assert (await ari.call("DELETE", "/channels/nurse-c1-1"))[0] == 204
    await events.wait_for("ChannelDestroyed", on("nurse-c1-1"))
    reused = await ari.call("POST", "/channels", endpoint="PJSIP/ssk-01-1", app="contactcenter",
                            channelId="nurse-c1-1", timeout=600)
    assert reused[0] == 200
