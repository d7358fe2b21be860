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

One module per resource the events are about: :mod:`~ari.events.channels`,
:mod:`~ari.events.bridges`, :mod:`~ari.events.media` (playbacks, recordings) and
:mod:`~ari.events.system` (application, endpoints, devices); parsing in
:mod:`~ari.events.parsing`.
"""

from ari.events.base import ORDERING_KEY_GLOBAL, AriEvent, UnknownEvent
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
from ari.events.parsing import EVENT_TYPES, parse_event
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

__all__ = [
    "EVENT_TYPES",
    "ORDERING_KEY_GLOBAL",
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

