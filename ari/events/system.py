"""Events about no single call: the application itself, endpoints, devices, text messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ari.events.base import AriEvent, header
from ari.models import Channel, DeviceState, Endpoint


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
        t, ts, app, aid = header(d)
        args = d.get("args")
        return cls(t, ts, app, aid, d, Channel.from_json(d["channel"]),
                   d.get("destination") or "", tuple(args) if args else ())


@dataclass(frozen=True, slots=True)
class EndpointStateChange(AriEvent):
    endpoint: Endpoint

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> EndpointStateChange:
        t, ts, app, aid = header(d)
        return cls(t, ts, app, aid, d, Endpoint.from_json(d["endpoint"]))


@dataclass(frozen=True, slots=True)
class ContactStatusChange(AriEvent):
    endpoint: Endpoint
    contact_info: dict[str, Any]

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ContactStatusChange:
        t, ts, app, aid = header(d)
        return cls(t, ts, app, aid, d, Endpoint.from_json(d["endpoint"]),
                   d.get("contact_info") or {})


@dataclass(frozen=True, slots=True)
class PeerStatusChange(AriEvent):
    endpoint: Endpoint
    peer: dict[str, Any]

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> PeerStatusChange:
        t, ts, app, aid = header(d)
        return cls(t, ts, app, aid, d, Endpoint.from_json(d["endpoint"]), d.get("peer") or {})


@dataclass(frozen=True, slots=True)
class DeviceStateChanged(AriEvent):
    device_state: DeviceState

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> DeviceStateChanged:
        t, ts, app, aid = header(d)
        return cls(t, ts, app, aid, d, DeviceState.from_json(d["device_state"]))


@dataclass(frozen=True, slots=True)
class TextMessageReceived(AriEvent):
    message: dict[str, Any]
    endpoint: Endpoint | None = None

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> TextMessageReceived:
        t, ts, app, aid = header(d)
        return cls(t, ts, app, aid, d, d.get("message") or {}, Endpoint.maybe(d.get("endpoint")))
