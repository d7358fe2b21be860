"""Scenarios the recorder runs against a real Asterisk configured from config/asterisk/.

Each is an ``async def (Recorder)``; ids are fixed so replays map them one to one. The
channels come from the sample's ``radgivning-test`` context (``nurse-auto`` answers
and waits), which the simulator models too.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from .recorder import Recorder

APP = "contactcenter"
AUTO = "Local/nurse-auto@radgivning-test"


def on(channel_id: str) -> Callable[[dict[str, Any]], bool]:
    return lambda e: e.get("channel", {}).get("id") == channel_id


async def channel_edges(r: Recorder) -> None:
    """412 for a channel in Stasis that is not up, 409 for one not in Stasis, 404 for none;
    ring and hold on one that is up; invalid DTMF; a playback list with a tone; hangup
    reasons (an unknown one refused, busy)."""
    r.note("SCENARIO channel-edges: " + (channel_edges.__doc__ or "").replace("\n", " "),
           username=r.username, password=r.password)
    await r.connect(APP)
    r.note("a created channel is in Stasis but Down: media and call operations answer 412")
    await r.request("POST", "/channels/create", endpoint=AUTO, app=APP, channelId="edge-down",
                    otherChannelId="edge-down-o")
    await r.wait_for("StasisStart", on("edge-down"))
    for method, path, params in (("POST", "/play", {"media": "sound:beep"}),
                                 ("POST", "/hold", {}), ("POST", "/ring", {}),
                                 ("POST", "/dtmf", {"dtmf": "1"}), ("POST", "/moh", {}),
                                 ("POST", "/continue", {}), ("POST", "/answer", {})):
        await r.request(method, f"/channels/edge-down{path}", **params)
    await r.request("DELETE", "/channels/edge-down")
    await r.wait_for("ChannelDestroyed", on("edge-down"))
    r.note("an originated channel that answered is Up and in Stasis; its other half runs "
           "the dialplan (Wait) and is not in Stasis: 409 there")
    await r.request("POST", "/channels", endpoint=AUTO, app=APP, channelId="edge-up",
                    otherChannelId="edge-up-o")
    await r.wait_for("StasisStart", on("edge-up"))
    for method, path, params in (("POST", "/hold", {}), ("POST", "/play",
                                                          {"media": "sound:beep"}),
                                 ("POST", "/dtmf", {"dtmf": "1"})):
        await r.request(method, f"/channels/edge-up-o{path}", **params)
    await r.request("POST", "/channels/edge-nobody/hold")
    r.note("ring, ring stop, hold, unhold on the channel that is up")
    for method, path in (("POST", "/ring"), ("DELETE", "/ring"), ("POST", "/hold"),
                         ("DELETE", "/hold")):
        await r.request(method, f"/channels/edge-up{path}")
    await r.quiet(0.3)
    r.note("invalid DTMF: none given, a letter that is not a DTMF digit")
    await r.request("POST", "/channels/edge-up/dtmf")
    await r.request("POST", "/channels/edge-up/dtmf", dtmf="Z")
    r.note("a playback list: a sound, then a tone (tone:ring;tonezone=se)")
    await r.request("POST", "/channels/edge-up/play/pb-list-1",
                    media="sound:beep,tone:ring;tonezone=se")
    await r.wait_for("PlaybackContinuing", timeout=3)
    await r.request("DELETE", "/playbacks/pb-list-1")
    await r.wait_for("PlaybackFinished", timeout=3)
    r.note("hangup reasons: an unknown one is refused, busy ends the call with cause 17")
    await r.request("DELETE", "/channels/edge-up", reason="bogus")
    await r.request("DELETE", "/channels/edge-up", reason="busy")
    await r.wait_for("ChannelDestroyed", on("edge-up"))
    await r.quiet(0.5)
    await r.close()


async def announcement_then_join(r: Recorder) -> None:
    """The ARI calls of the call flow from queueing to the nurse: a holding bridge with
    music on hold, the caller in it hearing their place, the nurse's leg originated,
    the caller moved to a mixing bridge while the announcement plays (the move waits
    for it: removeChannel answers late), then again with the announcement stopped
    first (the move is at once), hangups and bridges destroyed."""
    r.note("SCENARIO announcement-then-join: "
           + (announcement_then_join.__doc__ or "").replace("\n", " "),
           username=r.username, password=r.password)
    await r.connect(APP)
    await r.request("POST", "/channels", endpoint=AUTO, app=APP, appArgs="1177",
                    channelId="caller-a", otherChannelId="caller-a-o",
                    callerId="+46701234567")
    await r.wait_for("StasisStart", on("caller-a"))
    await r.request("POST", "/bridges", type="holding", bridgeId="rec-hold-a", name="queue-01")
    await r.request("POST", "/bridges/rec-hold-a/moh", mohClass="default")
    await r.request("POST", "/bridges/rec-hold-a/addChannel", channel="caller-a",
                    role="participant")
    await r.wait_for("ChannelEnteredBridge", on("caller-a"))
    r.note("the position announcement on the caller's channel, in the holding bridge")
    await r.request("POST", "/channels/caller-a/play/pb-ann-1", media="sound:queue-youarenext")
    await r.wait_for("PlaybackStarted")
    await r.request("POST", "/channels", endpoint=AUTO, app=APP, appArgs="nurse,call-a",
                    channelId="nurse-a", otherChannelId="nurse-a-o", timeout="20")
    await r.wait_for("StasisStart", on("nurse-a"))
    await r.request("POST", "/bridges", type="mixing", bridgeId="call-a", name="call-a")
    r.note("removeChannel while the announcement plays: answered when it has ended")
    await r.request("POST", "/bridges/rec-hold-a/removeChannel", channel="caller-a")
    await r.wait_for("PlaybackFinished")
    await r.request("POST", "/bridges/rec-hold-a/addChannel", channel="caller-a",
                    role="participant")
    await r.wait_for("ChannelEnteredBridge", on("caller-a"))
    r.note("the announcement again, stopped before the move: the move is at once")
    await r.request("POST", "/channels/caller-a/play/pb-ann-2", media="sound:queue-youarenext")
    await r.wait_for("PlaybackStarted")
    await r.request("DELETE", "/playbacks/pb-ann-2")
    await r.request("POST", "/bridges/rec-hold-a/removeChannel", channel="caller-a")
    await r.request("POST", "/bridges/call-a/addChannel", channel="caller-a,nurse-a")
    await r.quiet(0.6)
    r.note("the caller hangs up; the call flow hangs up the nurse and destroys the bridges")
    await r.request("DELETE", "/channels/caller-a-o")
    await r.wait_for("StasisEnd", on("caller-a"))
    await r.request("DELETE", "/channels/nurse-a", reason="normal")
    await r.wait_for("ChannelDestroyed", on("nurse-a"))
    await r.request("DELETE", "/bridges/call-a")
    await r.request("DELETE", "/bridges/rec-hold-a")
    await r.quiet(0.5)
    await r.close()


SCENARIOS: dict[str, Callable[[Recorder], Awaitable[None]]] = {
    "channel-edges": channel_edges,
    "announcement-then-join": announcement_then_join,
}
