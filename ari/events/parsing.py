"""From one decoded JSON object to its typed event: the type table and :func:`parse_event`."""

from __future__ import annotations

import logging
from typing import Any

from ari.events.base import AriEvent, UnknownEvent
from ari.events.bridges import (
    BridgeAttendedTransfer,
    BridgeBlindTransfer,
    BridgeCreated,
    BridgeDestroyed,
    BridgeMerged,
    BridgeVideoSourceChanged,
    ChannelEnteredBridge,
    ChannelLeftBridge,
)
from ari.events.channels import (
    ChannelCallerId,
    ChannelConnectedLine,
    ChannelCreated,
    ChannelDestroyed,
    ChannelDialplan,
    ChannelDtmfReceived,
    ChannelHangupRequest,
    ChannelHold,
    ChannelStateChange,
    ChannelTalkingFinished,
    ChannelTalkingStarted,
    ChannelToneDetected,
    ChannelUnhold,
    ChannelUserevent,
    ChannelVarset,
    Dial,
    StasisEnd,
    StasisStart,
)
from ari.events.media import (
    PlaybackContinuing,
    PlaybackFinished,
    PlaybackStarted,
    RecordingFailed,
    RecordingFinished,
    RecordingStarted,
)
from ari.events.system import (
    ApplicationMoveFailed,
    ApplicationRegistered,
    ApplicationReplaced,
    ApplicationUnregistered,
    ContactStatusChange,
    DeviceStateChanged,
    EndpointStateChange,
    PeerStatusChange,
    TextMessageReceived,
)
from ari.models import parse_datetime

log = logging.getLogger(__name__)

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
