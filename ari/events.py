"""Typed ARI events, parsed from the JSON Asterisk pushes over the events WebSocket.

:func:`parse_event` turns one decoded JSON object into a frozen, slotted
dataclass: :class:`StasisStart`, :class:`ChannelDtmfReceived`, ... Every event
has ``type``, ``timestamp`` (aware datetime), ``application``,
``asterisk_id`` and ``raw`` (the JSON object as received). A ``type`` this
module does not know becomes :class:`UnknownEvent`; so does a known type whose
body cannot be parsed (with ``parse_error`` set), so a surprising event never
stops the event loop.

``ordering_key`` says which events must be handled in order, one at a time:

* channel events -> the channel id;
* ``ChannelEnteredBridge`` / ``ChannelLeftBridge`` -> the channel id;
* playback and recording events -> the id in ``target_uri`` (``channel:ID`` / ``bridge:ID``);
* ``Dial`` -> the peer channel id;
* bridge events -> the bridge id;
* anything else -> ``""`` (one global sequence).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ari.models import (
    Bridge,
    Channel,
    DeviceState,
    Endpoint,
    LiveRecording,
    Playback,
    parse_datetime,
    target_id,
)

log = logging.getLogger(__name__)

__all__ = [
    "EVENT_TYPES",
    "ApplicationMoveFailed",
    "ApplicationRegistered",
    "ApplicationReplaced",
    "ApplicationUnregistered",
    "AriEvent",
    "BridgeAttendedTransfer",
    "BridgeBlindTransfer",
    "BridgeCreated",
    "BridgeDestroyed",
    "BridgeMerged",
    "BridgeVideoSourceChanged",
    "ChannelCallerId",
    "ChannelConnectedLine",
    "ChannelCreated",
    "ChannelDestroyed",
    "ChannelDialplan",
    "ChannelDtmfReceived",
    "ChannelEnteredBridge",
    "ChannelHangupRequest",
    "ChannelHold",
    "ChannelLeftBridge",
    "ChannelStateChange",
    "ChannelTalkingFinished",
    "ChannelTalkingStarted",
    "ChannelToneDetected",
    "ChannelUnhold",
    "ChannelUserevent",
    "ChannelVarset",
    "ContactStatusChange",
    "DeviceStateChanged",
    "Dial",
    "EndpointStateChange",
    "PeerStatusChange",
    "PlaybackContinuing",
    "PlaybackFinished",
    "PlaybackStarted",
    "RecordingFailed",
    "RecordingFinished",
    "RecordingStarted",
    "StasisEnd",
    "StasisStart",
    "TextMessageReceived",
    "UnknownEvent",
    "parse_event",
]


def _hdr(d: dict[str, Any]) -> tuple[str, datetime | None, str, str | None]:
    return (d["type"], parse_datetime(d.get("timestamp")), d.get("application") or "",
            d.get("asterisk_id"))


# -- base ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AriEvent:
    """Common fields of every ARI event (``Message`` + ``Event`` in events.json)."""

    type: str
    timestamp: datetime | None
    application: str
    asterisk_id: str | None
    raw: dict[str, Any] = field(repr=False, compare=False)

    @property
    def ordering_key(self) -> str:
        return ""

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> AriEvent:
        t, ts, app, aid = _hdr(d)
        return cls(t, ts, app, aid, d)


@dataclass(frozen=True, slots=True)
class UnknownEvent(AriEvent):
    """An event of a type this client does not model (or one it could not parse)."""

    parse_error: str | None = None


@dataclass(frozen=True, slots=True)
class _ChannelEvent(AriEvent):
    """An event about one channel; ordered by the channel id."""

    channel: Channel

    @property
    def ordering_key(self) -> str:
        return self.channel.id

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> _ChannelEvent:
        t, ts, app, aid = _hdr(d)
        return cls(t, ts, app, aid, d, Channel.from_json(d["channel"]))


# -- Stasis ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StasisStart(AriEvent):
    """A channel entered the application (``args`` from ``Stasis(app,args...)`` / ``appArgs``)."""

    args: tuple[str, ...]
    channel: Channel
    replace_channel: Channel | None = None

    @property
    def ordering_key(self) -> str:
        return self.channel.id

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> StasisStart:
        t, ts, app, aid = _hdr(d)
        args = d.get("args")
        return cls(t, ts, app, aid, d, tuple(args) if args else (),
                   Channel.from_json(d["channel"]), Channel.maybe(d.get("replace_channel")))


@dataclass(frozen=True, slots=True)
class StasisEnd(_ChannelEvent):
    """A channel left the application."""


# -- channels --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChannelCreated(_ChannelEvent):
    pass


@dataclass(frozen=True, slots=True)
class ChannelStateChange(_ChannelEvent):
    pass


@dataclass(frozen=True, slots=True)
class ChannelConnectedLine(_ChannelEvent):
    pass


@dataclass(frozen=True, slots=True)
class ChannelUnhold(_ChannelEvent):
    pass


@dataclass(frozen=True, slots=True)
class ChannelTalkingStarted(_ChannelEvent):
    pass


@dataclass(frozen=True, slots=True)
class ChannelToneDetected(_ChannelEvent):
    pass


@dataclass(frozen=True, slots=True)
class ChannelHold(AriEvent):
    channel: Channel
    musicclass: str | None = None

    @property
    def ordering_key(self) -> str:
        return self.channel.id

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ChannelHold:
        t, ts, app, aid = _hdr(d)
        return cls(t, ts, app, aid, d, Channel.from_json(d["channel"]), d.get("musicclass"))


@dataclass(frozen=True, slots=True)
class ChannelTalkingFinished(AriEvent):
    channel: Channel
    duration: int | None = None

    @property
    def ordering_key(self) -> str:
        return self.channel.id

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ChannelTalkingFinished:
        t, ts, app, aid = _hdr(d)
        return cls(t, ts, app, aid, d, Channel.from_json(d["channel"]), d.get("duration"))


@dataclass(frozen=True, slots=True)
class ChannelDtmfReceived(AriEvent):
    digit: str
    duration_ms: int | None
    channel: Channel

    @property
    def ordering_key(self) -> str:
        return self.channel.id

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ChannelDtmfReceived:
        t, ts, app, aid = _hdr(d)
        return cls(t, ts, app, aid, d, d.get("digit") or "", d.get("duration_ms"),
                   Channel.from_json(d["channel"]))


@dataclass(frozen=True, slots=True)
class ChannelHangupRequest(AriEvent):
    """A hangup was requested. A remote SIP BYE carries neither ``cause`` nor ``soft``."""

    channel: Channel
    cause: int | None = None
    soft: bool | None = None
    tech_cause: int | None = None

    @property
    def ordering_key(self) -> str:
        return self.channel.id

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ChannelHangupRequest:
        t, ts, app, aid = _hdr(d)
        return cls(t, ts, app, aid, d, Channel.from_json(d["channel"]), d.get("cause"),
                   d.get("soft"), d.get("tech_cause"))


@dataclass(frozen=True, slots=True)
class ChannelDestroyed(AriEvent):
    channel: Channel
    cause: int | None = None
    cause_txt: str = ""
    tech_cause: int | None = None

    @property
    def ordering_key(self) -> str:
        return self.channel.id

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ChannelDestroyed:
        t, ts, app, aid = _hdr(d)
        return cls(t, ts, app, aid, d, Channel.from_json(d["channel"]), d.get("cause"),
                   d.get("cause_txt") or "", d.get("tech_cause"))


@dataclass(frozen=True, slots=True)
class ChannelVarset(AriEvent):
    """A variable was set; ``channel`` is ``None`` for a global variable."""

    variable: str
    value: str
    channel: Channel | None = None

    @property
    def ordering_key(self) -> str:
        channel = self.channel
        return channel.id if channel is not None else ""

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ChannelVarset:
        t, ts, app, aid = _hdr(d)
        value = d.get("value")
        return cls(t, ts, app, aid, d, d.get("variable") or "", "" if value is None else value,
                   Channel.maybe(d.get("channel")))


@dataclass(frozen=True, slots=True)
class ChannelDialplan(AriEvent):
    channel: Channel
    dialplan_app: str = ""
    dialplan_app_data: str = ""

    @property
    def ordering_key(self) -> str:
        return self.channel.id

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ChannelDialplan:
        t, ts, app, aid = _hdr(d)
        return cls(t, ts, app, aid, d, Channel.from_json(d["channel"]),
                   d.get("dialplan_app") or "", d.get("dialplan_app_data") or "")


@dataclass(frozen=True, slots=True)
class ChannelCallerId(AriEvent):
    channel: Channel
    caller_presentation: int | None = None
    caller_presentation_txt: str = ""

    @property
    def ordering_key(self) -> str:
        return self.channel.id

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ChannelCallerId:
        t, ts, app, aid = _hdr(d)
        return cls(t, ts, app, aid, d, Channel.from_json(d["channel"]),
                   d.get("caller_presentation"), d.get("caller_presentation_txt") or "")


@dataclass(frozen=True, slots=True)
class ChannelUserevent(AriEvent):
    eventname: str
    userevent: dict[str, Any]
    channel: Channel | None = None
    bridge: Bridge | None = None
    endpoint: Endpoint | None = None

    @property
    def ordering_key(self) -> str:
        if self.channel is not None:
            return self.channel.id
        if self.bridge is not None:
            return self.bridge.id
        return ""

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ChannelUserevent:
        t, ts, app, aid = _hdr(d)
        return cls(t, ts, app, aid, d, d.get("eventname") or "", d.get("userevent") or {},
                   Channel.maybe(d.get("channel")), Bridge.maybe(d.get("bridge")),
                   Endpoint.maybe(d.get("endpoint")))


@dataclass(frozen=True, slots=True)
class Dial(AriEvent):
    """Dialing state; ordered by the ``peer`` (the channel being dialed)."""

    peer: Channel
    dialstatus: str = ""
    caller: Channel | None = None
    forwarded: Channel | None = None
    forward: str | None = None
    dialstring: str | None = None

    @property
    def ordering_key(self) -> str:
        return self.peer.id

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Dial:
        t, ts, app, aid = _hdr(d)
        return cls(t, ts, app, aid, d, Channel.from_json(d["peer"]), d.get("dialstatus") or "",
                   Channel.maybe(d.get("caller")), Channel.maybe(d.get("forwarded")),
                   d.get("forward"), d.get("dialstring"))


# -- bridges ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChannelEnteredBridge(AriEvent):
    """A channel joined a bridge; ordered by the channel (the bridge when none is given)."""

    bridge: Bridge
    channel: Channel | None = None

    @property
    def ordering_key(self) -> str:
        channel = self.channel
        return channel.id if channel is not None else self.bridge.id

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ChannelEnteredBridge:
        t, ts, app, aid = _hdr(d)
        return cls(t, ts, app, aid, d, Bridge.from_json(d["bridge"]),
                   Channel.maybe(d.get("channel")))


@dataclass(frozen=True, slots=True)
class ChannelLeftBridge(AriEvent):
    bridge: Bridge
    channel: Channel

    @property
    def ordering_key(self) -> str:
        return self.channel.id

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ChannelLeftBridge:
        t, ts, app, aid = _hdr(d)
        return cls(t, ts, app, aid, d, Bridge.from_json(d["bridge"]),
                   Channel.from_json(d["channel"]))


@dataclass(frozen=True, slots=True)
class _BridgeEvent(AriEvent):
    bridge: Bridge

    @property
    def ordering_key(self) -> str:
        return self.bridge.id

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> _BridgeEvent:
        t, ts, app, aid = _hdr(d)
        return cls(t, ts, app, aid, d, Bridge.from_json(d["bridge"]))


@dataclass(frozen=True, slots=True)
class BridgeCreated(_BridgeEvent):
    pass


@dataclass(frozen=True, slots=True)
class BridgeDestroyed(_BridgeEvent):
    pass


@dataclass(frozen=True, slots=True)
class BridgeMerged(AriEvent):
    bridge: Bridge
    bridge_from: Bridge

    @property
    def ordering_key(self) -> str:
        return self.bridge.id

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> BridgeMerged:
        t, ts, app, aid = _hdr(d)
        return cls(t, ts, app, aid, d, Bridge.from_json(d["bridge"]),
                   Bridge.from_json(d["bridge_from"]))


@dataclass(frozen=True, slots=True)
class BridgeVideoSourceChanged(AriEvent):
    bridge: Bridge
    old_video_source_id: str | None = None

    @property
    def ordering_key(self) -> str:
        return self.bridge.id

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> BridgeVideoSourceChanged:
        t, ts, app, aid = _hdr(d)
        return cls(t, ts, app, aid, d, Bridge.from_json(d["bridge"]),
                   d.get("old_video_source_id"))


@dataclass(frozen=True, slots=True)
class BridgeBlindTransfer(AriEvent):
    channel: Channel
    exten: str = ""
    context: str = ""
    result: str = ""
    is_external: bool = False
    replace_channel: Channel | None = None
    transferee: Channel | None = None
    bridge: Bridge | None = None

    @property
    def ordering_key(self) -> str:
        return self.channel.id

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> BridgeBlindTransfer:
        t, ts, app, aid = _hdr(d)
        g = d.get
        return cls(t, ts, app, aid, d, Channel.from_json(d["channel"]), g("exten") or "",
                   g("context") or "", g("result") or "", bool(g("is_external")),
                   Channel.maybe(g("replace_channel")), Channel.maybe(g("transferee")),
                   Bridge.maybe(g("bridge")))


@dataclass(frozen=True, slots=True)
class BridgeAttendedTransfer(AriEvent):
    """An attended transfer; the many optional legs stay in ``raw``."""

    transferer_first_leg: Channel
    transferer_second_leg: Channel
    result: str = ""
    is_external: bool = False
    destination_type: str = ""

    @property
    def ordering_key(self) -> str:
        return self.transferer_first_leg.id

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> BridgeAttendedTransfer:
        t, ts, app, aid = _hdr(d)
        g = d.get
        return cls(t, ts, app, aid, d, Channel.from_json(d["transferer_first_leg"]),
                   Channel.from_json(d["transferer_second_leg"]), g("result") or "",
                   bool(g("is_external")), g("destination_type") or "")


# -- playbacks and recordings ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _PlaybackEvent(AriEvent):
    playback: Playback

    @property
    def ordering_key(self) -> str:
        return target_id(self.playback.target_uri)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> _PlaybackEvent:
        t, ts, app, aid = _hdr(d)
        return cls(t, ts, app, aid, d, Playback.from_json(d["playback"]))


@dataclass(frozen=True, slots=True)
class PlaybackStarted(_PlaybackEvent):
    pass


@dataclass(frozen=True, slots=True)
class PlaybackContinuing(_PlaybackEvent):
    pass


@dataclass(frozen=True, slots=True)
class PlaybackFinished(_PlaybackEvent):
    pass


@dataclass(frozen=True, slots=True)
class _RecordingEvent(AriEvent):
    recording: LiveRecording

    @property
    def ordering_key(self) -> str:
        return target_id(self.recording.target_uri)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> _RecordingEvent:
        t, ts, app, aid = _hdr(d)
        return cls(t, ts, app, aid, d, LiveRecording.from_json(d["recording"]))


@dataclass(frozen=True, slots=True)
class RecordingStarted(_RecordingEvent):
    pass


@dataclass(frozen=True, slots=True)
class RecordingFinished(_RecordingEvent):
    pass


@dataclass(frozen=True, slots=True)
class RecordingFailed(_RecordingEvent):
    pass


# -- application, endpoints, devices (global) ------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApplicationReplaced(AriEvent):
    """Another WebSocket took over this application; this socket gets no more events."""


@dataclass(frozen=True, slots=True)
class ApplicationRegistered(AriEvent):
    pass


@dataclass(frozen=True, slots=True)
class ApplicationUnregistered(AriEvent):
    pass


@dataclass(frozen=True, slots=True)
class ApplicationMoveFailed(AriEvent):
    channel: Channel
    destination: str = ""
    args: tuple[str, ...] = ()

    @property
    def ordering_key(self) -> str:
        return self.channel.id

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ApplicationMoveFailed:
        t, ts, app, aid = _hdr(d)
        args = d.get("args")
        return cls(t, ts, app, aid, d, Channel.from_json(d["channel"]),
                   d.get("destination") or "", tuple(args) if args else ())


@dataclass(frozen=True, slots=True)
class EndpointStateChange(AriEvent):
    endpoint: Endpoint

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> EndpointStateChange:
        t, ts, app, aid = _hdr(d)
        return cls(t, ts, app, aid, d, Endpoint.from_json(d["endpoint"]))


@dataclass(frozen=True, slots=True)
class ContactStatusChange(AriEvent):
    endpoint: Endpoint
    contact_info: dict[str, Any]

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ContactStatusChange:
        t, ts, app, aid = _hdr(d)
        return cls(t, ts, app, aid, d, Endpoint.from_json(d["endpoint"]),
                   d.get("contact_info") or {})


@dataclass(frozen=True, slots=True)
class PeerStatusChange(AriEvent):
    endpoint: Endpoint
    peer: dict[str, Any]

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> PeerStatusChange:
        t, ts, app, aid = _hdr(d)
        return cls(t, ts, app, aid, d, Endpoint.from_json(d["endpoint"]), d.get("peer") or {})


@dataclass(frozen=True, slots=True)
class DeviceStateChanged(AriEvent):
    device_state: DeviceState

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> DeviceStateChanged:
        t, ts, app, aid = _hdr(d)
        return cls(t, ts, app, aid, d, DeviceState.from_json(d["device_state"]))


@dataclass(frozen=True, slots=True)
class TextMessageReceived(AriEvent):
    message: dict[str, Any]
    endpoint: Endpoint | None = None

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> TextMessageReceived:
        t, ts, app, aid = _hdr(d)
        return cls(t, ts, app, aid, d, d.get("message") or {}, Endpoint.maybe(d.get("endpoint")))


# -- parsing ---------------------------------------------------------------------------------

EVENT_TYPES: dict[str, type[AriEvent]] = {
    cls.__name__: cls
    for cls in (
        StasisStart, StasisEnd,
        ChannelCreated, ChannelStateChange, ChannelConnectedLine, ChannelHold, ChannelUnhold,
        ChannelTalkingStarted, ChannelTalkingFinished, ChannelToneDetected, ChannelDtmfReceived,
        ChannelHangupRequest, ChannelDestroyed, ChannelVarset, ChannelDialplan, ChannelCallerId,
        ChannelUserevent, Dial,
        ChannelEnteredBridge, ChannelLeftBridge, BridgeCreated, BridgeDestroyed, BridgeMerged,
        BridgeVideoSourceChanged, BridgeBlindTransfer, BridgeAttendedTransfer,
        PlaybackStarted, PlaybackContinuing, PlaybackFinished,
        RecordingStarted, RecordingFinished, RecordingFailed,
        ApplicationReplaced, ApplicationRegistered, ApplicationUnregistered, ApplicationMoveFailed,
        EndpointStateChange, ContactStatusChange, PeerStatusChange, DeviceStateChanged,
        TextMessageReceived,
    )
}
"""Event ``type`` -> class, for every type parsed into its own class."""

_PARSERS = {name: cls.from_json for name, cls in EVENT_TYPES.items()}


def parse_event(d: dict[str, Any]) -> AriEvent:
    """One decoded event JSON object as a typed event (never raises for a dict input)."""
    parse = _PARSERS.get(d.get("type"))  # type: ignore[arg-type]
    if parse is not None:
        try:
            return parse(d)
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            log.warning("could not parse ARI %s event (%s: %s); passing it on as UnknownEvent",
                        d.get("type"), type(exc).__name__, exc)
            return _unknown(d, f"{type(exc).__name__}: {exc}")
    return _unknown(d, None)


def _unknown(d: dict[str, Any], error: str | None) -> UnknownEvent:
    return UnknownEvent(str(d.get("type") or ""), parse_datetime(d.get("timestamp")),
                        d.get("application") or "", d.get("asterisk_id"), d, error)


ORDERING_KEY_GLOBAL = ""
"""The ordering key of events that belong to no channel or bridge."""

