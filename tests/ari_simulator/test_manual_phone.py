"""A phone answered by hand (behaviour ``manual``): it rings until a person picks it up."""
from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from .helpers import Ari, Events, on


def without_ids(events: list[dict[str, Any]], channel_id: str) -> list[tuple[str, str]]:
    """The event types (and dial status or state) the app saw for one channel."""
    out = []
    for e in events:
        if e.get("channel", {}).get("id") == channel_id:
            out.append((e["type"], e["channel"]["state"]))
        elif e["type"] == "Dial" and e["peer"]["id"] == channel_id:
            out.append(("Dial", e["dialstatus"]))
    return out


async def test_manual_phone_rings_until_answered_by_hand(ari: Ari, events: Events) -> None:
    await ari.sim.add_phone("PJSIP/nurse-01-1", behaviour="manual")
    assert not ari.sim.ringing("PJSIP/nurse-01-1")
    status, body = await ari.call("POST", "/channels", endpoint="PJSIP/nurse-01-1",
                                  app="contactcenter", appArgs="nurse,call-1", channelId="m-1")
    assert status == 200 and body["state"] == "Down"
    await events.wait_for("Dial", lambda e: e["dialstatus"] == "RINGING")
    await asyncio.sleep(0.2)  # ten simulated seconds: an answering phone would have picked up
    assert ari.sim.ringing("PJSIP/nurse-01-1")
    assert ari.sim.channels["m-1"].state == "Ringing"
    assert not [e for e in events.events if e["type"] == "StasisStart"]

    assert await ari.sim.answer_phone("PJSIP/nurse-01-1") is True
    start = await events.wait_for("StasisStart", on("m-1"))
    assert start["args"] == ["nurse", "call-1"] and start["channel"]["state"] == "Up"
    assert not ari.sim.ringing("PJSIP/nurse-01-1")
    assert await ari.sim.answer_phone("PJSIP/nurse-01-1") is False  # nothing rings any more


async def test_a_phone_answered_by_hand_shows_the_events_of_an_answering_phone(
        ari: Ari, events: Events) -> None:
    await ari.sim.add_phone("PJSIP/nurse-01-1", behaviour="manual")
    await ari.sim.add_phone("PJSIP/nurse-01-2", behaviour="answer", answer_delay=0.5)
    for endpoint, channel_id in (("PJSIP/nurse-01-1", "m-1"), ("PJSIP/nurse-01-2", "a-1")):
        await ari.call("POST", "/channels", endpoint=endpoint, app="contactcenter",
                       appArgs="nurse", channelId=channel_id)
    await events.wait_for("StasisStart", on("a-1"))
    await ari.sim.answer_phone("PJSIP/nurse-01-1")
    await events.wait_for("StasisStart", on("m-1"))
    manual = without_ids(events.events, "m-1")
    assert manual == without_ids(events.events, "a-1")
    assert [status for kind, status in manual if kind == "Dial"] == ["", "RINGING", "ANSWER"]


async def test_manual_phone_left_ringing_gives_up_like_an_unanswered_phone(
        ari: Ari, events: Events) -> None:
    await ari.sim.add_phone("PJSIP/nurse-01-1", behaviour="manual")
    await ari.call("POST", "/channels", endpoint="PJSIP/nurse-01-1", app="contactcenter",
                   channelId="m-1", timeout=5)
    gone = await events.wait_for("ChannelDestroyed", on("m-1"))
    assert (gone["cause"], gone["cause_txt"], gone["tech_cause"]) == (
        19, "User alerting, no answer", 480)
    assert [e["dialstatus"] for e in events.events if e["type"] == "Dial"] == ["", "RINGING"]
    assert not ari.sim.ringing("PJSIP/nurse-01-1")
    assert await ari.sim.answer_phone("PJSIP/nurse-01-1") is False


async def test_nurse_hanging_up_her_phone_ends_the_call_like_a_sip_bye(
        ari: Ari, events: Events) -> None:
    await ari.sim.add_phone("PJSIP/nurse-01-1", behaviour="manual")
    assert await ari.sim.hang_up_phone("PJSIP/nurse-01-1") is False  # no call
    await ari.call("POST", "/channels", endpoint="PJSIP/nurse-01-1", app="contactcenter",
                   channelId="m-1")
    await events.wait_for("Dial", lambda e: e["dialstatus"] == "RINGING")
    assert await ari.sim.hang_up_phone("PJSIP/nurse-01-1") is False  # ringing, not answered
    await ari.sim.answer_phone("PJSIP/nurse-01-1")
    await events.wait_for("StasisStart", on("m-1"))

    assert await ari.sim.hang_up_phone("PJSIP/nurse-01-1") is True
    request = await events.wait_for("ChannelHangupRequest", on("m-1"))
    assert "cause" not in request and "soft" not in request  # a SIP BYE, not an ARI DELETE
    await events.wait_for("StasisEnd", on("m-1"))
    gone = await events.wait_for("ChannelDestroyed", on("m-1"))
    assert gone["cause"] == 16
    assert "m-1" not in ari.sim.channels


async def test_a_phone_dialled_after_channels_create_can_be_answered_by_hand(
        ari: Ari, events: Events) -> None:
    await ari.sim.add_phone("PJSIP/nurse-01-1", behaviour="manual")
    status, _ = await ari.call("POST", "/channels/create", endpoint="PJSIP/nurse-01-1",
                               app="contactcenter", channelId="m-1")
    assert status == 200
    assert (await ari.call("POST", "/channels/m-1/dial", timeout=30))[0] == 204
    await events.wait_for("Dial", lambda e: e["dialstatus"] == "RINGING")
    assert await ari.sim.answer_phone("PJSIP/nurse-01-1") is True
    await events.wait_for("Dial", lambda e: e["dialstatus"] == "ANSWER")
    assert ari.sim.channels["m-1"].state == "Up"


async def test_sim_control_answers_and_hangs_up_a_phone_over_http(
        ari: Ari, events: Events, session: aiohttp.ClientSession) -> None:
    sim = ari.sim
    await sim.add_phone("PJSIP/nurse-01-1", behaviour="manual")

    async def post(path: str) -> tuple[int, Any]:
        async with session.post(f"{sim.ari_url}/sim/phones/{path}") as resp:
            return resp.status, await resp.json()

    assert (await post("PJSIP/nurse-01-1/answer"))[0] == 409
    assert (await post("PJSIP/nobody/answer"))[0] == 404
    await ari.call("POST", "/channels", endpoint="PJSIP/nurse-01-1", app="contactcenter",
                   channelId="m-1")
    await events.wait_for("Dial", lambda e: e["dialstatus"] == "RINGING")
    async with session.get(f"{sim.ari_url}/sim/state") as resp:
        phones = (await resp.json())["phones"]
    assert {"endpoint": "PJSIP/nurse-01-1", "state": "online", "behaviour": "manual",
            "ringing": True} in phones
    assert await post("nurse-01-1/answer") == (200, {"endpoint": "PJSIP/nurse-01-1",
                                                      "answer": True})
    await events.wait_for("StasisStart", on("m-1"))
    assert (await post("PJSIP/nurse-01-1/hangup"))[0] == 200
    await events.wait_for("ChannelDestroyed", on("m-1"))
    assert (await post("PJSIP/nurse-01-1/hangup"))[0] == 409
