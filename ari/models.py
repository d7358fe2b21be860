"""Typed ARI resource models, parsed from Asterisk's JSON (Swagger 1.1 models).

Each model is a frozen, slotted dataclass with a hand-written ``from_json``
classmethod (parsing is on the hot path of event handling: no validation
library). Fields follow the ARI model names. ``raw`` holds the complete JSON
object as received, so fields this client does not type (and any that a
later Asterisk adds) are still at hand; it takes no part in equality.

Timestamps (``2026-11-22T05:34:35.000+0000``) become timezone-aware
``datetime`` objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "Application",
    "AsteriskInfo",
    "AsteriskPing",
    "Bridge",
    "CallerId",
    "Channel",
    "DeviceState",
    "DialplanCEP",
    "Endpoint",
    "LiveRecording",
    "Playback",
    "StoredRecording",
    "parse_datetime",
    "target_id",
]

_DT_CACHE: dict[str, datetime] = {}
_DT_CACHE_MAX = 4096


def parse_datetime(value: Any) -> datetime | None:
    """An ARI ``Date`` as an aware datetime (UTC assumed when no offset); ``None`` if absent/bad.

    Timestamps repeat a lot (millisecond resolution, a channel's creationtime
    in every event about it), so parsed values are kept in a small cache.
    """
    if not value or not isinstance(value, str):
        return None
    dt = _DT_CACHE.get(value)
    if dt is not None:
        return dt
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    if len(_DT_CACHE) >= _DT_CACHE_MAX:
        _DT_CACHE.clear()
    _DT_CACHE[value] = dt
    return dt


def target_id(target_uri: str | None) -> str:
    """The id of a playback's or recording's target: ``channel:ID`` / ``bridge:ID`` -> ``ID``."""
    if not target_uri:
        return ""
    return target_uri.partition(":")[2]


def _strings(value: Any) -> tuple[Any, ...]:
    if not value:
        return ()
    return tuple(value)


@dataclass(frozen=True, slots=True)
class CallerId:
    """ARI ``CallerID``: ``{"name", "number"}``."""

    name: str = ""
    number: str = ""

    @classmethod
    def from_json(cls, d: dict[str, Any] | None) -> CallerId:
        if not d:
            return _EMPTY_CALLER
        return cls(d.get("name") or "", d.get("number") or "")


_EMPTY_CALLER = CallerId()


@dataclass(frozen=True, slots=True)
class DialplanCEP:
    """ARI ``DialplanCEP``: where a channel is in the dialplan."""

    context: str = ""
    exten: str = ""
    priority: int = 0
    app_name: str = ""
    app_data: str = ""

    @classmethod
    def from_json(cls, d: dict[str, Any] | None) -> DialplanCEP | None:
        if d is None:
            return None
        g = d.get
        return cls(g("context") or "", g("exten") or "", g("priority") or 0,
                   g("app_name") or "", g("app_data") or "")


@dataclass(frozen=True, slots=True)
class Channel:
    """ARI ``Channel`` snapshot.

    ``channelvars`` is present only when ``ari.conf`` configures channel
    variables and the snapshot was refreshed since (unset variables are ``""``).
    """

    id: str
    name: str = ""
    state: str = ""
    protocol_id: str = ""
    caller: CallerId = _EMPTY_CALLER
    connected: CallerId = _EMPTY_CALLER
    accountcode: str = ""
    dialplan: DialplanCEP | None = None
    creationtime: datetime | None = None
    language: str = ""
    channelvars: dict[str, str] | None = None
    caller_rdnis: str | None = None
    tenantid: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Channel:
        g = d.get
        caller = g("caller")
        connected = g("connected")
        dialplan = g("dialplan")
        return cls(
            d["id"],
            g("name") or "",
            g("state") or "",
            g("protocol_id") or "",
            CallerId(caller.get("name") or "", caller.get("number") or "")
            if caller else _EMPTY_CALLER,
            CallerId(connected.get("name") or "", connected.get("number") or "")
            if connected else _EMPTY_CALLER,
            g("accountcode") or "",
            DialplanCEP.from_json(dialplan) if dialplan is not None else None,
            parse_datetime(g("creationtime")),
            g("language") or "",
            g("channelvars"),
            g("caller_rdnis"),
            g("tenantid"),
            d,
        )

    @classmethod
    def maybe(cls, d: dict[str, Any] | None) -> Channel | None:
        return cls.from_json(d) if d else None


@dataclass(frozen=True, slots=True)
class Bridge:
    """ARI ``Bridge``. ``channels`` lists the member channel ids (not the MOH announcer)."""

    id: str
    technology: str = ""
    bridge_type: str = ""
    bridge_class: str = ""
    creator: str = ""
    name: str = ""
    channels: tuple[str, ...] = ()
    video_mode: str | None = None
    video_source_id: str | None = None
    creationtime: datetime | None = None
    bridgevars: dict[str, str] | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Bridge:
        g = d.get
        return cls(
            d["id"],
            g("technology") or "",
            g("bridge_type") or "",
            g("bridge_class") or "",
            g("creator") or "",
            g("name") or "",
            _strings(g("channels")),
            g("video_mode"),
            g("video_source_id"),
            parse_datetime(g("creationtime")),
            g("bridgevars"),
            d,
        )

    @classmethod
    def maybe(cls, d: dict[str, Any] | None) -> Bridge | None:
        return cls.from_json(d) if d else None


@dataclass(frozen=True, slots=True)
class Playback:
    """ARI ``Playback``; ``target_uri`` is ``channel:ID`` or ``bridge:ID``."""

    id: str
    media_uri: str = ""
    target_uri: str = ""
    state: str = ""
    language: str | None = None
    next_media_uri: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Playback:
        g = d.get
        return cls(d["id"], g("media_uri") or "", g("target_uri") or "", g("state") or "",
                   g("language"), g("next_media_uri"), d)

    @property
    def target_id(self) -> str:
        return target_id(self.target_uri)


@dataclass(frozen=True, slots=True)
class LiveRecording:
    """ARI ``LiveRecording``; ``target_uri`` is ``channel:ID`` or ``bridge:ID``."""

    name: str
    format: str = ""
    target_uri: str = ""
    state: str = ""
    duration: int | None = None
    talking_duration: int | None = None
    silence_duration: int | None = None
    cause: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> LiveRecording:
        g = d.get
        return cls(d["name"], g("format") or "", g("target_uri") or "", g("state") or "",
                   g("duration"), g("talking_duration"), g("silence_duration"), g("cause"), d)

    @property
    def target_id(self) -> str:
        return target_id(self.target_uri)


@dataclass(frozen=True, slots=True)
class StoredRecording:
    """ARI ``StoredRecording``."""

    name: str
    format: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> StoredRecording:
        return cls(d["name"], d.get("format") or "", d)


@dataclass(frozen=True, slots=True)
class Application:
    """ARI ``Application``: what a Stasis application is subscribed to."""

    name: str
    channel_ids: tuple[str, ...] = ()
    bridge_ids: tuple[str, ...] = ()
    endpoint_ids: tuple[str, ...] = ()
    device_names: tuple[str, ...] = ()
    events_allowed: tuple[dict[str, Any], ...] = ()
    events_disallowed: tuple[dict[str, Any], ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Application:
        g = d.get
        return cls(d["name"], _strings(g("channel_ids")), _strings(g("bridge_ids")),
                   _strings(g("endpoint_ids")), _strings(g("device_names")),
                   _strings(g("events_allowed")), _strings(g("events_disallowed")), d)


@dataclass(frozen=True, slots=True)
class Endpoint:
    """ARI ``Endpoint`` (``technology``/``resource``, e.g. ``PJSIP``/``nurse-1001``)."""

    technology: str
    resource: str
    state: str | None = None
    channel_ids: tuple[str, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Endpoint:
        g = d.get
        return cls(g("technology") or "", g("resource") or "", g("state"),
                   _strings(g("channel_ids")), d)

    @classmethod
    def maybe(cls, d: dict[str, Any] | None) -> Endpoint | None:
        return cls.from_json(d) if d else None


@dataclass(frozen=True, slots=True)
class DeviceState:
    """ARI ``DeviceState``."""

    name: str
    state: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> DeviceState:
        return cls(d.get("name") or "", d.get("state") or "", d)


@dataclass(frozen=True, slots=True)
class AsteriskInfo:
    """ARI ``AsteriskInfo`` (``GET /asterisk/info``).

    The commonly used values are lifted out (``version``, ``entity_id``,
    ``default_language``, start-up and reload times); the four sections stay
    available as dicts.
    """

    version: str | None = None
    entity_id: str | None = None
    default_language: str | None = None
    startup_time: datetime | None = None
    last_reload_time: datetime | None = None
    build: dict[str, Any] | None = None
    system: dict[str, Any] | None = None
    config: dict[str, Any] | None = None
    status: dict[str, Any] | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> AsteriskInfo:
        system = d.get("system") or None
        config = d.get("config") or None
        status = d.get("status") or None
        return cls(
            version=system.get("version") if system else None,
            entity_id=system.get("entity_id") if system else None,
            default_language=config.get("default_language") if config else None,
            startup_time=parse_datetime(status.get("startup_time")) if status else None,
            last_reload_time=parse_datetime(status.get("last_reload_time")) if status else None,
            build=d.get("build"),
            system=system,
            config=config,
            status=status,
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class AsteriskPing:
    """ARI ``AsteriskPing`` (``GET /asterisk/ping``)."""

    asterisk_id: str
    ping: str
    timestamp: datetime | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> AsteriskPing:
        return cls(d.get("asterisk_id") or "", d.get("ping") or "",
                   parse_datetime(d.get("timestamp")), d)
