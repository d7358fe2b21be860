"""Every recorded event parses into its typed class with the right ordering key."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from ari import UnknownEvent, parse_event
from ari import events as ari_events
from tests.ari_client import recorded
from tests.ari_client.recorded import expected_key

ALL = [(name, i, raw) for name in recorded.EVENT_RECORDINGS
       for i, raw in enumerate(recorded.events(name))]


@pytest.mark.parametrize("name", recorded.EVENT_RECORDINGS)
def test_recording_events_parse_typed(name: str) -> None:
    raws = recorded.events(name)
    assert raws
    for raw in raws:
        event = parse_event(raw)
        assert not isinstance(event, UnknownEvent), raw["type"]
        assert type(event).__name__ == raw["type"]
        assert event.type == raw["type"]
        assert event.ordering_key == expected_key(raw), raw
        assert isinstance(event.timestamp, datetime) and event.timestamp.tzinfo is not None
        assert event.application == "contactcenter"
        assert event.asterisk_id == "02:fc:00:00:00:01"
        assert event.raw is raw
        assert dataclasses.is_dataclass(event)
        with pytest.raises(dataclasses.FrozenInstanceError):
            event.type = "x"  # type: ignore[misc]


def test_load_burst_events_parse_typed() -> None:
    raws = recorded.load_burst_events()
    assert len(raws) == 1050
    for raw in raws:
        event = parse_event(raw)
        assert type(event).__name__ == raw["type"]
        assert event.ordering_key == expected_key(raw)


def test_the_recordings_cover_the_call_flow_events() -> None:
    types = {raw["type"] for _, _, raw in ALL}
    assert {"StasisStart", "StasisEnd", "ChannelStateChange", "ChannelDtmfReceived",
            "ChannelHangupRequest", "ChannelDestroyed", "ChannelEnteredBridge",
            "ChannelLeftBridge", "ChannelVarset", "ChannelDialplan", "ChannelCallerId",
            "ChannelConnectedLine", "Dial", "PlaybackStarted", "PlaybackFinished",
            "BridgeDestroyed", "ApplicationReplaced"} <= types


def _first(name: str, type_: str, pred=lambda raw: True) -> dict:
    return next(raw for raw in recorded.events(name) if raw["type"] == type_ and pred(raw))


def test_event_fields() -> None:
    start = parse_event(_first("01-inbound-ivr-dtmf", "StasisStart"))
    assert isinstance(start, ari_events.StasisStart)
    assert start.args == ("1177",)
    assert start.channel.id == "caller-1" and start.channel.state == "Ring"
    assert start.channel.caller.number == "+46701234567"
    assert start.replace_channel is None

    dtmf = parse_event(_first("01-inbound-ivr-dtmf", "ChannelDtmfReceived"))
    assert isinstance(dtmf, ari_events.ChannelDtmfReceived)
    assert (dtmf.digit, dtmf.duration_ms, dtmf.ordering_key) == ("1", 100, "caller-1")

    hangup = parse_event(_first("01-inbound-ivr-dtmf", "ChannelHangupRequest"))
    assert isinstance(hangup, ari_events.ChannelHangupRequest)
    assert (hangup.cause, hangup.soft, hangup.channel.id) == (32, True, "pstn-1")

    destroyed = parse_event(_first("01-inbound-ivr-dtmf", "ChannelDestroyed"))
    assert isinstance(destroyed, ari_events.ChannelDestroyed)
    assert (destroyed.cause, destroyed.cause_txt) == (16, "Normal Clearing")

    varset = parse_event(_first("01-inbound-ivr-dtmf", "ChannelVarset"))
    assert isinstance(varset, ari_events.ChannelVarset)
    assert (varset.variable, varset.value, varset.channel.id) == ("STASISSTATUS", "", "caller-1")

    dial = parse_event(_first("01-inbound-ivr-dtmf", "Dial"))
    assert isinstance(dial, ari_events.Dial)
    assert (dial.peer.id, dial.dialstatus, dial.ordering_key) == ("pstn-1", "", "pstn-1")
    assert dial.dialstring == "1177@from-pstn"

    finished = parse_event(_first("01-inbound-ivr-dtmf", "PlaybackFinished"))
    assert isinstance(finished, ari_events.PlaybackFinished)
    assert (finished.playback.id, finished.playback.state) == ("pb-ivr-1", "done")
    assert finished.ordering_key == "caller-1"

    entered = parse_event(_first("03-agent-connect", "ChannelEnteredBridge"))
    assert isinstance(entered, ari_events.ChannelEnteredBridge)
    assert entered.bridge.id == "bridge-hold-1" and entered.ordering_key == "caller-1"
    assert "caller-1" in entered.bridge.channels

    gone = parse_event(_first("03-agent-connect", "BridgeDestroyed"))
    assert isinstance(gone, ari_events.BridgeDestroyed)
    assert gone.ordering_key == gone.bridge.id == "bridge-mix-1"

    replaced = parse_event(_first("08-application-replaced", "ApplicationReplaced"))
    assert isinstance(replaced, ari_events.ApplicationReplaced)
    assert replaced.ordering_key == ""


def test_sip_bye_hangup_has_no_cause() -> None:
    raw = dict(_first("01-inbound-ivr-dtmf", "ChannelHangupRequest"))
    del raw["cause"], raw["soft"]
    event = parse_event(raw)
    assert isinstance(event, ari_events.ChannelHangupRequest)
    assert event.cause is None and event.soft is None


def test_other_ordering_keys() -> None:
    base = {"timestamp": "2026-11-22T05:34:35.000+0000", "application": "contactcenter",
            "asterisk_id": "x"}
    rec = {"name": "rec-1", "format": "wav", "state": "recording",
           "target_uri": "bridge:bridge-mix-1"}
    assert parse_event({**base, "type": "RecordingStarted", "recording": rec}).ordering_key \
        == "bridge-mix-1"
    pb = {"id": "pb-1", "media_uri": "sound:x", "target_uri": "bridge:bridge-hold-1",
          "state": "playing"}
    assert parse_event({**base, "type": "PlaybackContinuing", "playback": pb}).ordering_key \
        == "bridge-hold-1"
    bridge = {"id": "b-1", "technology": "simple_bridge", "bridge_type": "mixing",
              "bridge_class": "stasis", "creator": "Stasis", "name": "", "channels": [],
              "creationtime": "2026-11-22T05:34:35.000+0000"}
    created = parse_event({**base, "type": "BridgeCreated", "bridge": bridge})
    assert isinstance(created, ari_events.BridgeCreated) and created.ordering_key == "b-1"
    merged = parse_event({**base, "type": "BridgeMerged", "bridge": bridge,
                          "bridge_from": {**bridge, "id": "b-2"}})
    assert isinstance(merged, ari_events.BridgeMerged) and merged.ordering_key == "b-1"
    glob = parse_event({**base, "type": "ChannelVarset", "variable": "G", "value": "1"})
    assert isinstance(glob, ari_events.ChannelVarset) and glob.channel is None
    assert glob.ordering_key == ""
    endpoint = parse_event({**base, "type": "EndpointStateChange", "endpoint": {
        "technology": "PJSIP", "resource": "nurse-1", "state": "online", "channel_ids": []}})
    assert isinstance(endpoint, ari_events.EndpointStateChange) and endpoint.ordering_key == ""
    device = parse_event({**base, "type": "DeviceStateChanged",
                          "device_state": {"name": "Custom:x", "state": "INUSE"}})
    assert isinstance(device, ari_events.DeviceStateChanged) and device.ordering_key == ""
    user = parse_event({**base, "type": "ChannelUserevent", "eventname": "hello",
                        "userevent": {"a": "1"}})
    assert isinstance(user, ari_events.ChannelUserevent) and user.ordering_key == ""


def test_channel_events_from_the_spec() -> None:
    channel = _first("01-inbound-ivr-dtmf", "StasisStart")["channel"]
    base = {"timestamp": "2026-11-22T05:34:35.000+0000", "application": "contactcenter",
            "channel": channel}
    for type_, extra in [("ChannelTalkingStarted", {}), ("ChannelTalkingFinished",
                                                          {"duration": 1200}),
                         ("ChannelHold", {"musicclass": "default"}), ("ChannelUnhold", {}),
                         ("ChannelCreated", {}), ("ChannelToneDetected", {})]:
        event = parse_event({**base, "type": type_, **extra})
        assert type(event).__name__ == type_
        assert event.ordering_key == "caller-1"
    talk = parse_event({**base, "type": "ChannelTalkingFinished", "duration": 1200})
    assert talk.duration == 1200  # type: ignore[attr-defined]


def test_unknown_and_malformed_events() -> None:
    unknown = parse_event({"type": "SomethingNew", "timestamp": "2026-11-22T05:34:35.000+0000",
                           "application": "contactcenter", "x": 1})
    assert isinstance(unknown, UnknownEvent)
    assert unknown.type == "SomethingNew" and unknown.ordering_key == ""
    assert unknown.parse_error is None and unknown.raw["x"] == 1

    broken = parse_event({"type": "StasisStart", "timestamp": "2026-11-22T05:34:35.000+0000",
                          "application": "contactcenter", "args": []})
    assert isinstance(broken, UnknownEvent)
    assert broken.type == "StasisStart" and broken.parse_error

    no_ts = parse_event({"type": "ApplicationReplaced", "application": "contactcenter"})
    assert isinstance(no_ts, ari_events.ApplicationReplaced) and no_ts.timestamp is None


def test_event_registry_has_every_typed_class() -> None:
    for name in ["StasisStart", "StasisEnd", "ChannelStateChange", "ChannelDtmfReceived",
                 "ChannelHangupRequest", "ChannelDestroyed", "ChannelEnteredBridge",
                 "ChannelLeftBridge", "ChannelVarset", "ChannelDialplan", "ChannelCallerId",
                 "ChannelConnectedLine", "Dial", "PlaybackStarted", "PlaybackContinuing",
                 "PlaybackFinished", "RecordingStarted", "RecordingFinished", "RecordingFailed",
                 "BridgeCreated", "BridgeDestroyed", "BridgeMerged", "ApplicationReplaced",
                 "ChannelTalkingStarted", "ChannelTalkingFinished", "ChannelHold",
                 "ChannelUnhold", "EndpointStateChange", "DeviceStateChanged",
                 "ChannelUserevent"]:
        cls = ari_events.EVENT_TYPES[name]
        assert cls.__name__ == name and issubclass(cls, ari_events.AriEvent)
        assert hasattr(cls, "__slots__")
