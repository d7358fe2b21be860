"""Data model of the ARI simulator: channels, bridges, playbacks, recordings.

Each object renders itself with ``to_json()`` using exactly the field names
Asterisk 22 sends (see the recordings under tests/fixtures/ari/).
"""
from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

ASTERISK_ID = "02:fc:00:00:00:01"

#: Q.850 cause texts as Asterisk's ast_cause2str() prints them.
CAUSE_TEXT: dict[int, str] = {
    0: "Unknown", 1: "Unallocated (unassigned) number", 3: "No route to destination",
    16: "Normal Clearing", 17: "User busy", 18: "No user responding",
    19: "User alerting, no answer", 21: "Call Rejected", 22: "Number changed",
    23: "Redirected to new destination", 27: "Destination out of order",
    28: "Invalid number format (incomplete number)", 31: "Normal, unspecified",
    34: "Circuit/channel congestion", 38: "Network out of order",
    41: "Temporary failure", 42: "Switching equipment congestion",
}

#: ``DELETE /channels/{id}?reason=`` names and their causes.
HANGUP_REASONS: dict[str, int] = {
    "normal": 16, "busy": 17, "congestion": 34, "no_answer": 19, "timeout": 18,
    "rejected": 21, "unallocated": 1, "normal_unspecified": 31,
    "number_incomplete": 28, "codec_mismatch": 58, "interworking": 127, "failure": 38,
    "answered_elsewhere": 26,
}


def ari_time(ts: float | None = None) -> str:
    """Format a UNIX time the way ARI does: ``2026-11-22T05:34:35.000+0000``."""
    moment = datetime.fromtimestamp(time.time() if ts is None else ts, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


class IdSource:
    """Generates Asterisk-like unique ids (``1795325778.73``) and name counters."""

    def __init__(self) -> None:
        self._epoch = int(time.time())
        self._uid = itertools.count(1)
        self._seq = itertools.count(0)

    def unique_id(self) -> str:
        return f"{self._epoch}.{next(self._uid)}"

    def sequence(self) -> str:
        """Eight hex digit channel-name suffix shared by all technologies."""
        return f"{next(self._seq):08x}"


@dataclass
class Channel:
    """A simulated Asterisk channel and its ARI snapshot."""

    id: str
    name: str
    tech: str
    state: str = "Down"
    caller_name: str = ""
    caller_number: str = ""
    connected_name: str = ""
    connected_number: str = ""
    context: str = "default"
    exten: str = "s"
    priority: int = 1
    app_name: str = ""
    app_data: str = ""
    protocol_id: str = ""
    accountcode: str = ""
    language: str = "en"
    created: float = field(default_factory=time.time)
    variables: dict[str, str] = field(default_factory=dict)
    # --- simulation state (not part of the snapshot) ---
    endpoint: str = ""              # "PJSIP/pstn" for endpoint listings
    peer: Channel | None = None     # the other half of a Local pair
    local_half: int = 0             # 1 or 2 for Local channels
    stasis_app: str | None = None
    stasis_args: list[str] = field(default_factory=list)
    keep_apps: set[str] = field(default_factory=set)   # stay subscribed after StasisEnd
    bridge_id: str | None = None
    gone: bool = False
    hangup_started: bool = False
    moh: bool = False
    muted: str = "none"
    snoop_target: str | None = None
    snoop_spy: str = "none"             # a Snoop channel's directions (what tests look at)
    snoop_whisper: str = "none"
    originate_app: str | None = None
    originate_args: list[str] = field(default_factory=list)
    dial_peer: Channel | None = None    # channel that dialled us (Dial events)
    remote: Any = None                  # SimCaller / SimPhone driving this channel
    runs_dialplan: bool = False         # dialplan continues after Stasis() (;2 legs, inbound)
    dial_pending: bool = False          # a Dial is outstanding (final Dial ANSWER/NOANSWER)
    dialled: bool = False
    originate_vars: list[tuple[str, str]] = field(default_factory=list)
    #: the dialplan app Asterisk shows again once Stasis is over (ChannelDestroyed)
    pre_stasis: tuple[str, str] | None = None
    cv_epoch: int = 0                   # channelvars config the last snapshot saw
    timers: list[Any] = field(default_factory=list)

    def snapshot(self, channelvars: list[str] | None = None) -> dict[str, Any]:
        """The ARI Channel model."""
        data: dict[str, Any] = {
            "id": self.id, "name": self.name, "state": self.state,
            "protocol_id": self.protocol_id,
            "caller": {"name": self.caller_name, "number": self.caller_number},
            "connected": {"name": self.connected_name, "number": self.connected_number},
            "accountcode": self.accountcode,
            "dialplan": {"context": self.context, "exten": self.exten,
                         "priority": self.priority, "app_name": self.app_name,
                         "app_data": self.app_data},
            "creationtime": ari_time(self.created), "language": self.language,
        }
        if channelvars:
            data["channelvars"] = {name: self.read_plain(name) for name in channelvars}
        return data

    def read_plain(self, name: str) -> str:
        """Value of a variable or simple function for ``channelvars`` ("" when unset)."""
        value = self.read_function(name)
        if value is not None:
            return value
        return self.variables.get(name, "")

    def read_function(self, name: str) -> str | None:
        """Dialplan functions the simulator knows; None when ``name`` is not one."""
        upper = name.upper()
        table = {
            "CALLERID(NUM)": self.caller_number, "CALLERID(NAME)": self.caller_name,
            "CALLERID(ALL)": f'"{self.caller_name}" <{self.caller_number}>',
            "CONNECTEDLINE(NUM)": self.connected_number,
            "CONNECTEDLINE(NAME)": self.connected_name,
            "CHANNEL(LANGUAGE)": self.language, "CHANNEL(UNIQUEID)": self.id,
            "CHANNEL(LINKEDID)": self.linked_id(), "CHANNEL(NAME)": self.name,
            "CHANNEL(STATE)": self.state, "CHANNEL(ACCOUNTCODE)": self.accountcode,
            "EXTEN": self.exten, "CONTEXT": self.context, "PRIORITY": str(self.priority),
            "UNIQUEID": self.id,
        }
        if upper in table:
            return table[upper]
        if self.remote is not None and "(" in name:
            return self.remote.read_function(name)
        return None

    def linked_id(self) -> str:
        # The linkedid of a Local pair is the ;1 leg (the originated one).
        if self.peer is not None and self.local_half == 2:
            return self.peer.id
        return self.id

    @property
    def is_local(self) -> bool:
        return self.tech == "Local"


@dataclass
class Bridge:
    """A simulated Stasis bridge."""

    id: str
    types: list[str]
    name: str = ""
    created: float = field(default_factory=time.time)
    channel_ids: list[str] = field(default_factory=list)
    moh_class: str | None = None
    #: Recorder/Announcer helper channels in the bridge (never listed in ``channels``)
    helpers: list[str] = field(default_factory=list)
    moh_announcer: str = ""
    softmix: bool = False       # once a third party joined, Asterisk keeps softmix
    video_source: str | None = None

    @property
    def holding(self) -> bool:
        return "holding" in self.types

    @property
    def technology(self) -> str:
        if self.holding:
            return "holding_bridge"
        if self.softmix or len(self.channel_ids) + len(self.helpers) > 2:
            return "softmix"
        return "simple_bridge"

    def to_json(self) -> dict[str, Any]:
        """The ARI Bridge model."""
        return {
            "id": self.id, "technology": self.technology,
            "bridge_type": "holding" if self.holding else "mixing",
            "bridge_class": "stasis", "creator": "Stasis", "name": self.name,
            "channels": list(self.channel_ids), "creationtime": ari_time(self.created),
            "video_mode": "talker",
        }


@dataclass
class Playback:
    """A queued or running playback."""

    id: str
    media: list[str]
    target_uri: str
    language: str = "en"
    state: str = "queued"
    index: int = 0
    offsetms: int = 0
    skipms: int = 3000
    remaining: float = 0.0
    started_at: float = 0.0
    handle: Any = None
    announcer: str = ""

    @property
    def media_uri(self) -> str:
        return self.media[self.index]

    def to_json(self) -> dict[str, Any]:
        data = {"id": self.id, "media_uri": self.media_uri, "target_uri": self.target_uri,
                "language": self.language, "state": self.state}
        if len(self.media) > 1 and self.index + 1 < len(self.media):
            data["next_media_uri"] = self.media[self.index + 1]
        return data


@dataclass
class LiveRecording:
    """A recording in progress."""

    name: str
    format: str
    target_uri: str
    state: str = "queued"
    started_at: float = 0.0
    duration: int | None = None
    handle: Any = None
    recorder: str = ""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "format": self.format,
                                "state": self.state, "target_uri": self.target_uri}
        if self.duration is not None:
            data["duration"] = self.duration
        return data
