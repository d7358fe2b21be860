"""A thin typed client for Asterisk's REST Interface (ARI), on aiohttp.

``AriClient`` gives the REST resources as attributes (``client.channels``,
``client.bridges``, ...) returning frozen dataclasses (``models``), turns
error responses into typed exceptions (``errors``) and runs the events
WebSocket with per-key ordered, cross-key concurrent dispatch of typed
events (``events``, ``dispatch``).
"""

from ari import events
from ari.client import AriClient, AriEventHandler, AriSnapshot, BaseAriEventHandler
from ari.dispatch import KeyedDispatcher
from ari.errors import (
    AriBadRequest,
    AriConflict,
    AriConnectionError,
    AriError,
    AriNotFound,
    AriServerError,
    AriUnauthorized,
    AriUnprocessable,
)
from ari.events import AriEvent, UnknownEvent, parse_event
from ari.models import (
    Application,
    AsteriskInfo,
    AsteriskPing,
    Bridge,
    CallerId,
    Channel,
    DeviceState,
    DialplanCEP,
    Endpoint,
    LiveRecording,
    Playback,
    StoredRecording,
)

__all__ = [
    "Application",
    "AriBadRequest",
    "AriClient",
    "AriConflict",
    "AriConnectionError",
    "AriError",
    "AriEvent",
    "AriEventHandler",
    "AriNotFound",
    "AriServerError",
    "AriSnapshot",
    "AriUnauthorized",
    "AriUnprocessable",
    "AsteriskInfo",
    "AsteriskPing",
    "BaseAriEventHandler",
    "Bridge",
    "CallerId",
    "Channel",
    "DeviceState",
    "DialplanCEP",
    "Endpoint",
    "KeyedDispatcher",
    "LiveRecording",
    "Playback",
    "StoredRecording",
    "UnknownEvent",
    "events",
    "parse_event",
]
