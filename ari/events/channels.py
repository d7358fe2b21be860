"""Events about one channel: entering and leaving Stasis, state, DTMF, hangup, variables, dialing.

All are ordered by their channel's id (``Dial`` by the peer being dialed;
an event without a channel, such as a global ``ChannelVarset``, by the
global key).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ari.events.base import AriEvent, header
from ari.models import Bridge, Channel, Endpoint


@dataclass(frozen=True, slots=True)
class _ChannelEvent(AriEvent):
    """An event about one channel; ordered by the channel id."""

    channel: Channel

    @property
    def ordering_key(self) -> str:
        return self.channel.id

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> _ChannelEvent:
        t, ts, app, aid = header(d)
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
        t, ts, app, aid = header(d)
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
        t, ts, app, aid = header(d)
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
        t, ts, app, aid = header(d)
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
        t, ts, app, aid = header(d)
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
        t, ts, app, aid = header(d)
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
        t, ts, app, aid = header(d)
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
        t, ts, app, aid = header(d)
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
        t, ts, app, aid = header(d)
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
        t, ts, app, aid = header(d)
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
        t, ts, app, aid = header(d)
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
        t, ts, app, aid = header(d)
        return cls(t, ts, app, aid, d, Channel.from_json(d["peer"]), d.get("dialstatus") or "",
                   Channel.maybe(d.get("caller")), Channel.maybe(d.get("forwarded")),
                   d.get("forward"), d.get("dialstring"))
