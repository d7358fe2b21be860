"""State and primitives shared by every part of the simulated switch.

``Switch`` (switch.py) is assembled from mixins (bridging, media, DTMF/snoop)
that all derive from ``SwitchBase``; the stubs at the end name the operations
one part calls in another.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from .apps import EventBus
from .clock import SteppedClock
from .model import Bridge, Channel, IdSource, LiveRecording, Playback


class AriError(Exception):
    """An ARI error response: ``{"message": ...}`` (or ``{"error": ...}``)."""

    def __init__(self, status: int, message: str, key: str = "message") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.key = key


def parse_caller_id(value: str) -> tuple[str, str]:
    """``'"Queue" <4600>'`` -> ("Queue", "4600"); ``'+4670…'`` -> ("", "+4670…")."""
    value = value.strip()
    if "<" in value and value.endswith(">"):
        name, _, number = value[:-1].partition("<")
        return name.strip().strip('"'), number.strip()
    return "", value


class SwitchBase:
    """Every channel, bridge, playback and recording, plus event helpers."""

    def __init__(self, bus: EventBus, speed: float = 1.0, app_default: str | None = None,
                 clock: SteppedClock | None = None) -> None:
        self.bus = bus
        self.speed = speed if speed > 0 else 1.0
        #: A stepped clock: timers fire only when a harness advances it.
        self.clock = clock
        self.app_default = app_default or "contactcenter"
        self.ids = IdSource()
        self.channels: dict[str, Channel] = {}
        self.bridges: dict[str, Bridge] = {}
        self.playbacks: dict[str, Playback] = {}
        self.playback_queues: dict[str, list[Playback]] = {}
        #: target uri -> futures of bridge moves waiting for its playbacks to end
        self.media_waiters: dict[str, list[asyncio.Future[None]]] = {}
        self.live_recordings: dict[str, LiveRecording] = {}
        self.stored_recordings: dict[str, dict[str, Any]] = {}
        self.channelvars: list[str] = []
        self.cv_epoch = 0
        self.global_vars: dict[str, str] = {"ASTETCDIR": "/etc/asterisk"}
        #: "PJSIP/name" -> {"state", "context", "phone"}
        self.endpoints: dict[str, dict[str, Any]] = {
            "PJSIP/pstn": {"state": "offline", "context": "from-pstn", "phone": None}}
        self.snoop_count = 0
        self._timers: set[Any] = set()

    # ----------------------------------------------------------------- helpers
    def later(self, seconds: float, fn: Callable[..., Any], *args: Any) -> Any:
        """Run ``fn`` after ``seconds`` of simulated time (cancelled by ``cancel_timers``)."""
        def fire() -> None:
            self._timers.discard(handle)
            fn(*args)
        handle: Any
        if self.clock is not None:
            handle = self.clock.call_later(seconds, fire)
        else:
            handle = asyncio.get_running_loop().call_later(max(seconds, 0.0) / self.speed, fire)
        if len(self._timers) > 1000:
            # Timers cancelled elsewhere never fire; drop them so long runs stay small.
            self._timers = {t for t in self._timers if not t.cancelled()}
        self._timers.add(handle)
        return handle

    def now(self) -> float:
        """Simulated seconds (only differences mean anything)."""
        if self.clock is not None:
            return self.clock.now
        return time.monotonic() * self.speed

    def cancel_timers(self) -> None:
        """Stop all simulated activity (the simulator is shutting down)."""
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()

    def set_channelvars(self, names: list[str]) -> None:
        """``ari.conf channelvars``: only snapshots refreshed from now on carry them."""
        self.channelvars = list(names)
        self.cv_epoch += 1

    def snap(self, ch: Channel, refresh: bool = False) -> dict[str, Any]:
        if refresh:
            ch.cv_epoch = self.cv_epoch
        return ch.snapshot(self.channelvars if ch.cv_epoch == self.cv_epoch else None)

    def chan_event(self, ch: Channel, type_: str, **fields: Any) -> None:
        """Emit a channel event to the apps subscribed to ``ch``."""
        # HangupRequest and StasisEnd carry the cached snapshot (it only gains
        # ari.conf channelvars when refreshed by other events, scenario 06).
        refresh = type_ not in ("ChannelHangupRequest", "StasisEnd")
        body = {"type": type_, **fields, "channel": self.snap(ch, refresh=refresh)}
        self.bus.emit(body, channel_ids=(ch.id,))

    def get_channel(self, channel_id: str, message: str = "Channel not found") -> Channel:
        ch = self.channels.get(channel_id)
        if ch is None or ch.gone:
            raise AriError(404, message)
        return ch

    def set_var(self, ch: Channel, name: str, value: str) -> None:
        """Set a channel variable (or writable function) and emit ChannelVarset."""
        upper = name.upper()
        if upper in ("CALLERID(NUM)", "CALLERID(NAME)"):
            if upper == "CALLERID(NUM)":
                ch.caller_number = value
            else:
                ch.caller_name = value
            # A caller id change is reported as ChannelCallerId, not ChannelVarset.
            self.chan_event(ch, "ChannelCallerId", caller_presentation=0,
                            caller_presentation_txt="Presentation Allowed, Not Screened")
            return
        if upper == "CHANNEL(LANGUAGE)":
            ch.language = value
        else:
            ch.variables[name] = value
        self.chan_event(ch, "ChannelVarset", variable=name, value=value)

    def new_channel(self, channel_id: str | None, **kw: Any) -> Channel:
        """Create and register a channel (an Asterisk-style unique id when none given)."""
        ch = Channel(id=channel_id or self.ids.unique_id(), cv_epoch=self.cv_epoch, **kw)
        self.channels[ch.id] = ch
        return ch

    def check_ids(self, *ids: str | None) -> None:
        given = [i for i in ids if i]
        if len(set(given)) != len(given) or any(i in self.channels for i in given):
            raise AriError(409, "Channel with given unique ID already exists")

    # -------------------------------------------- implemented by the mixins
    def enter_stasis(self, ch: Channel, app_name: str, args: list[str]) -> bool:
        raise NotImplementedError

    def destroy(self, ch: Channel, cause: int, tech_cause: int | None = None,
                silent: bool = False) -> None:
        raise NotImplementedError

    def leave_bridge(self, ch: Channel, hangup: bool = False) -> None:
        raise NotImplementedError

    def update_bridgepeers(self, bridge: Bridge) -> None:
        raise NotImplementedError

    def add_helper(self, bridge: Bridge, name: str) -> None:
        raise NotImplementedError

    def remove_helper(self, bridge: Bridge, name: str, quiet: bool = False) -> None:
        raise NotImplementedError

    def stop_target_media(self, target_uri: str) -> None:
        raise NotImplementedError

    def finish_recording(self, rec: LiveRecording, state: str,
                         duration: int | None = None) -> None:
        raise NotImplementedError
