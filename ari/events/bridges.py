"""Events about bridges: channels entering and leaving, bridges created, merged, destroyed, transfers.

``ChannelEnteredBridge`` and ``ChannelLeftBridge`` are ordered by the
channel, with the channel's own events; the others by the bridge.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ari.events.base import AriEvent, header
from ari.models import Bridge, Channel

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
        t, ts, app, aid = header(d)
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
        t, ts, app, aid = header(d)
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
        t, ts, app, aid = header(d)
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
        t, ts, app, aid = header(d)
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
        t, ts, app, aid = header(d)
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
        t, ts, app, aid = header(d)
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
        t, ts, app, aid = header(d)
        g = d.get
        return cls(t, ts, app, aid, d, Channel.from_json(d["transferer_first_leg"]),
                   Channel.from_json(d["transferer_second_leg"]), g("result") or "",
                   bool(g("is_external")), g("destination_type") or "")
