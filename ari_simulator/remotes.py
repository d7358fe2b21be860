"""Simulated people at the far end of PJSIP channels: callers and phones.

A ``SimCaller`` is an inbound PSTN call (scenario 11): it waits with
``patience``, keys DTMF after being answered, talks for ``talk`` seconds once
bridged with someone. A ``SimPhone`` is a registered PJSIP endpoint that
answers, stays busy, never answers or is unreachable when the app originates
to it, or (``manual``) rings until someone answers it by hand.
"""
from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .model import Channel

if TYPE_CHECKING:
    from .switch import Switch


@dataclass
class CallerHandle:
    """What ``add_caller`` returns."""

    caller_id: str
    channel_id: str


@dataclass
class SimCaller:
    """A simulated inbound caller driving one PJSIP channel."""

    switch: Switch
    caller_id: str
    number: str
    name: str | None
    municipality: str | None
    relay: str | None
    dtmf: list[dict[str, Any]]
    patience: float | None
    talk: float | None
    extension: str
    app: str
    channel_id: str = ""
    status: str = "ringing"
    hung_up_by: str | None = None
    digits_sent: list[str] = field(default_factory=list)
    digits_received: list[str] = field(default_factory=list)
    cause: int | None = None
    _answered: bool = False
    _talking: bool = False
    _timers: list[asyncio.TimerHandle] = field(default_factory=list)
    _patience_timer: asyncio.TimerHandle | None = None
    _tag: str = field(default_factory=lambda: f"{random.randrange(10**6)}SIPpTag001")

    def start(self) -> Channel:
        """Create the channel and run the ``from-pstn`` dialplan like a SIP INVITE would."""
        sw = self.switch
        ch = sw.new_channel(None, name=f"PJSIP/pstn-{sw.ids.sequence()}", tech="PJSIP",
                             state="Ring", caller_name=self.name or "",
                             caller_number=self.number, context="from-pstn",
                             exten=self.extension, endpoint="PJSIP/pstn",
                             protocol_id=f"{random.randrange(1, 10**5)}-"
                                         f"{random.randrange(10**5)}@127.0.0.1")
        ch.runs_dialplan = True
        ch.remote = self
        self.channel_id = ch.id
        if self.municipality is not None:
            ch.variables["CC_MUNICIPALITY"] = self.municipality
        if self.relay is not None:
            ch.variables["CC_RELAY"] = self.relay
        if self.patience is not None:
            self._patience_timer = sw.later(self.patience, self._give_up)
        sw.run_dialplan(ch, app=self.app)
        if self.status == "ringing" and ch.gone:
            self.status = "rejected"
        return ch

    # ----------------------------------------------------------- switch hooks
    def read_function(self, name: str) -> str | None:
        upper = name.upper().replace(" ", "")
        ch = self.switch.channels.get(self.channel_id)
        headers = {"X-MUNICIPALITY": self.municipality or "",
                   "FROM": f'"{self.name or ""}" <sip:{self.number}@127.0.0.1>;tag={self._tag}',
                   "USER-AGENT": "SIPp-pstn-caller"}
        if upper.startswith("PJSIP_HEADER(READ,"):
            return headers.get(upper[len("PJSIP_HEADER(READ,"):-1], "")
        if upper == "CHANNEL(PJSIP,CALL-ID)":
            return ch.protocol_id if ch else ""
        if upper == "CHANNEL(PJSIP,REMOTE_ADDR)":
            return "127.0.0.1:5061"
        return None

    def on_stasis_start(self, ch: Channel) -> None:
        self.status = "in_stasis"

    def on_answer(self, ch: Channel) -> None:
        if self._answered:
            return
        self._answered = True
        for entry in self.dtmf:
            self._timers.append(self.switch.later(float(entry.get("at", 0)),
                                                  self._key, str(entry.get("digits", ""))))

    def _key(self, digits: str) -> None:
        ch = self.switch.channels.get(self.channel_id)
        if ch is None or ch.gone:
            return
        gap = 0.0
        for digit in digits:
            self.digits_sent.append(digit)
            self._timers.append(self.switch.later(gap, self.switch.dtmf_received, ch, digit, 100))
            gap += 0.2

    def on_dtmf(self, digit: str) -> None:
        self.digits_received.append(digit)

    def on_dtmf_received(self, digit: str) -> None:
        """A digit the caller keyed reached the app (nothing to do)."""

    def on_bridge_change(self, ch: Channel) -> None:
        bridged = self.switch.in_mixing_bridge_with_other(ch)
        if bridged and not self._talking:
            self._talking = True
            self.status = "bridged"
            if self._patience_timer is not None:
                self._patience_timer.cancel()
                self._patience_timer = None
            if self.talk is not None and not self.switch.bridged_with_person(ch):
                self._timers.append(self.switch.later(self.talk, self._hang_up, "caller"))
        elif not bridged and self.status == "bridged":
            self.status = "in_stasis"

    def on_peer_left(self, ch: Channel, by_hangup: bool) -> None:
        # talk=None: the caller stays until the nurse hangs up, then (five seconds later, if the
        # app has not ended the call by then) hangs up too. A third party leaving (a coach who
        # barged in) leaves the caller talking with whoever is still there.
        if by_hangup and self._talking and self.talk is None \
                and not self.switch.in_mixing_bridge_with_other(ch):
            self._timers.append(self.switch.later(5.0, self._hang_up, "nurse"))

    def on_destroyed(self, ch: Channel, cause: int) -> None:
        for timer in self._timers:
            timer.cancel()
        if self._patience_timer is not None:
            self._patience_timer.cancel()
        self.cause = cause
        if self.status == "ringing":
            # Never reached the app (Stasis failed): the dialplan hung up.
            self.status = "rejected"
            return
        if self.hung_up_by is None:
            self.hung_up_by = "app"
        # Hung up by the app before being answered counts as rejected.
        rejected = not self._answered and self.hung_up_by == "app"
        self.status = "rejected" if rejected else "hung_up"

    def press(self, digit: str) -> None:
        """Key one DTMF digit now (the app sees ChannelDtmfReceived)."""
        ch = self.switch.channels.get(self.channel_id)
        if ch is not None and not ch.gone:
            self.digits_sent.append(digit)
            self.switch.dtmf_received(ch, digit, 100)

    def hang_up(self) -> None:
        """Hang up now (a SIP BYE from the caller)."""
        self._hang_up("caller")

    def _give_up(self) -> None:
        ch = self.switch.channels.get(self.channel_id)
        if ch is not None and not self.switch.in_mixing_bridge_with_other(ch):
            self._hang_up("caller")

    def _hang_up(self, who: str) -> None:
        ch = self.switch.channels.get(self.channel_id)
        if ch is None or ch.gone or ch.hangup_started:
            return
        self.hung_up_by = who
        self.switch.hangup(ch, 16, "remote")

    def to_json(self) -> dict[str, Any]:
        return {"caller_id": self.caller_id, "channel_id": self.channel_id,
                "number": self.number, "status": self.status, "hung_up_by": self.hung_up_by,
                "digits_sent": list(self.digits_sent), "cause": self.cause}


@dataclass
class SimPhone:
    """A registered PJSIP phone the app can originate to."""

    switch: Switch
    endpoint: str
    behaviour: str = "answer"
    answer_delay: float = 0.2
    talk: float | None = None
    hang_up_after: float | None = None
    """Seconds after answering when the phone hangs up, joined or not (like a SIPp phone)."""
    calls: int = 0
    channel_ids: list[str] = field(default_factory=list)
    talk_intervals: list[list[float | None]] = field(default_factory=list)
    """``[joined, left]`` per time the phone was bridged with someone, in ``time.monotonic()``
    seconds (``left`` None: still talking), so tests can check a nurse never talked with two
    callers at once, even across simulators."""
    _talking: set[str] = field(default_factory=set)
    _interval_of: dict[str, int] = field(default_factory=dict)

    def ring(self, ch: Channel, timeout: float = 30.0) -> None:
        """The INVITE reached the phone (originate or /dial)."""
        sw = self.switch
        ch.remote = self
        self.calls += 1
        self.channel_ids.append(ch.id)
        if self.behaviour == "busy":
            ch.timers.append(sw.later(0.05, self._busy, ch))
            return
        if self.behaviour == "unreachable":
            ch.timers.append(sw.later(timeout if timeout > 0 else 32.0, self._no_answer, ch))
            return
        ch.timers.append(sw.later(0.01, self._ringing, ch))
        # "manual" rings like "no_answer" until answer_by_hand() picks it up.
        if self.behaviour == "answer":
            ch.timers.append(sw.later(self.answer_delay, sw.answer, ch))
            if self.hang_up_after is not None:
                ch.timers.append(sw.later(self.answer_delay + self.hang_up_after,
                                          self._hang_up, ch))
        else:
            ch.timers.append(sw.later(timeout if timeout > 0 else 30.0, self._no_answer, ch))

    def live_channel(self, state: str) -> Channel | None:
        """The phone's newest channel still in ``state`` (``Ringing`` or ``Up``), if any."""
        for channel_id in reversed(self.channel_ids):
            ch = self.switch.channels.get(channel_id)
            if ch is not None and not ch.gone and not ch.hangup_started and ch.state == state:
                return ch
        return None

    def answer_by_hand(self) -> bool:
        """Pick up the ringing call (a person pressing answer); False if nothing rings."""
        ch = self.live_channel("Ringing")
        if ch is None:
            return False
        self.switch.answer(ch)
        return True

    def hang_up_by_hand(self) -> bool:
        """End the answered call from the phone (a SIP BYE); False if no call is up."""
        ch = self.live_channel("Up")
        if ch is None:
            return False
        self._hang_up(ch)
        return True

    def _ringing(self, ch: Channel) -> None:
        if not ch.gone and ch.state == "Down":
            self.switch.dial_event(ch, "RINGING")
            ch.state = "Ringing"
            self.switch.chan_event(ch, "ChannelStateChange")

    def _busy(self, ch: Channel) -> None:
        if not ch.gone:
            ch.dial_pending = False
            self.switch.dial_event(ch, "BUSY")
            self.switch.stasis_end(ch)
            self.switch.destroy(ch, 17, tech_cause=486)

    def _no_answer(self, ch: Channel) -> None:
        # No final Dial event, cause 19 with SIP 480 (scenario 04).
        if not ch.gone and ch.state != "Up":
            self.switch.stasis_end(ch)
            self.switch.destroy(ch, 19, tech_cause=480)

    def read_function(self, name: str) -> str | None:
        return None

    def on_stasis_start(self, ch: Channel) -> None:
        """Answered call entered the app."""

    def on_answer(self, ch: Channel) -> None:
        """The phone picked up."""

    def on_dtmf(self, digit: str) -> None:
        """DTMF played to the phone."""

    def on_dtmf_received(self, digit: str) -> None:
        """A digit from the phone reached the app."""

    def on_bridge_change(self, ch: Channel) -> None:
        bridged = self.switch.in_mixing_bridge_with_other(ch)
        if bridged and ch.id not in self._interval_of:
            self._interval_of[ch.id] = len(self.talk_intervals)
            self.talk_intervals.append([time.monotonic(), None])
        elif not bridged:
            self._end_talk(ch)
        if (self.talk is not None and ch.id not in self._talking
                and self.switch.in_mixing_bridge_with_other(ch)):
            self._talking.add(ch.id)
            ch.timers.append(self.switch.later(self.talk, self._hang_up, ch))

    def on_peer_left(self, ch: Channel, by_hangup: bool) -> None:
        """The other party left; a nurse phone stays until the app hangs it up."""

    def on_destroyed(self, ch: Channel, cause: int) -> None:
        """Call over."""
        self._end_talk(ch)

    def _end_talk(self, ch: Channel) -> None:
        index = self._interval_of.pop(ch.id, None)
        if index is not None:
            self.talk_intervals[index][1] = time.monotonic()

    def _hang_up(self, ch: Channel) -> None:
        if not ch.gone and not ch.hangup_started:
            self.switch.hangup(ch, 16, "remote")
