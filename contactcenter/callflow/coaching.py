"""Call coaching on ARI (samtalshandledning): listen, whisper and barge.

A coach's phone is originated into the application (``coach`` args) and joined:

* **listen** and **whisper**: a snoop channel on the nurse's leg (``spy=both``; for
  whisper also ``whisper=out``, so only the nurse hears the coach) and the coach's leg,
  both in a mixing bridge of their own (``coach-<session>``);
* **barge**: the coach's leg in the call's mixing bridge, beside caller and nurse.

A snoop channel's directions cannot be changed on Asterisk, so switching between
listen and whisper makes a new snoop channel and hangs the old one up. Every way out
(the coach's leg ends, the call ends, the coaching is ended, a step fails) ends in the
same state: the coach's leg, the snoop channel and the coaching bridge are gone, and
the service is told why (``on_end``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from ari import AriError
from ari import events as ari_events
from contactcenter.callflow.desk import CallDesk

log = logging.getLogger(__name__)

COACH_ARG = "coach"
SNOOP_ARG = "coach-snoop"
#: mode → (spy, whisper) of the snoop channel on the nurse's leg.
SNOOP_DIRECTIONS = {"listen": ("both", "none"), "whisper": ("both", "out")}
MODES = ("listen", "whisper", "barge")


class CoachingNotPossible(Exception):
    """The call cannot be coached now (not connected, gone, or a step on ARI failed)."""


@dataclass(eq=False)
class CoachLeg:
    """One coaching session's channels on Asterisk."""

    session_id: str
    call_id: str
    mode: str
    endpoint: str
    channel_id: str
    bridge_id: str
    snoop_id: str | None = None
    snoops: int = 0
    answered: bool = False
    ended: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


EndListener = Callable[[str, str], None]
"""Told ``(session_id, reason)`` once, when a session's legs are gone."""


class CoachLegs:
    """Coaching sessions on this instance's calls (see the module docstring)."""

    def __init__(self, desk: CallDesk, *, originate_timeout: int) -> None:
        self._desk = desk
        self._timeout = originate_timeout
        self.sessions: dict[str, CoachLeg] = {}
        self._by_channel: dict[str, CoachLeg] = {}
        self.on_end: EndListener = lambda _session, _reason: None

    # -- starting, switching, ending ----------------------------------------------------
    async def start(self, session_id: str, call_id: str, endpoint: str, mode: str,
                    caller_id: str = "") -> None:
        """Ring the coach's phone for a connected call; joined when it answers."""
        call = self._desk.calls.get(call_id)
        if call is None or call.ended or not call.connected or not call.nurse_channel_id \
                or not call.mixing_bridge_id:
            raise CoachingNotPossible("the call is not connected to a nurse")
        leg = CoachLeg(session_id, call_id, mode, endpoint, f"coach-{session_id}",
                       f"coach-{session_id}")
        self.sessions[session_id] = leg
        self._by_channel[leg.channel_id] = leg
        try:
            await self._desk.ari.bridges.create(type="mixing", bridge_id=leg.bridge_id,
                                                name=f"coach-{call_id}")
            if mode != "barge":
                await self._snoop(leg)
            await self._desk.ari.channels.originate(
                endpoint, app_args=[COACH_ARG, session_id], channel_id=leg.channel_id,
                caller_id=caller_id, timeout=self._timeout)
        except AriError as exc:
            log.warning("coaching %s: starting failed: %s", session_id, exc)
            await self.end(session_id, "start_failed")
            raise CoachingNotPossible(f"telephony refused ({exc.status})") from exc

    async def change(self, session_id: str, mode: str) -> None:
        """Switch to another mode (a new snoop channel, or the call's bridge for barge)."""
        leg = self.sessions.get(session_id)
        call = self._desk.calls.get(leg.call_id) if leg is not None else None
        if leg is None or leg.ended or call is None or call.ended:
            raise CoachingNotPossible("the coaching has ended")
        async with leg.lock:
            old, leg.mode = leg.snoop_id, mode
            try:
                if mode == "barge":
                    leg.snoop_id = None
                else:
                    await self._snoop(leg)
                if leg.answered:
                    await self._join(leg)
            except AriError as exc:
                log.warning("coaching %s: switching to %s failed: %s", session_id, mode, exc)
                await self.end(session_id, "switch_failed")
                raise CoachingNotPossible(f"telephony refused ({exc.status})") from exc
            if old is not None:
                await self._desk.hangup(old)

    async def end(self, session_id: str, reason: str) -> None:
        """Hang up the coach's leg and the snoop channel, drop the coaching bridge."""
        leg = self.sessions.pop(session_id, None)
        if leg is None or leg.ended:
            return
        leg.ended = True
        self._by_channel.pop(leg.channel_id, None)
        await self._desk.hangup(leg.channel_id)
        if leg.snoop_id is not None:
            await self._desk.hangup(leg.snoop_id)
        await self._desk.destroy_bridge(leg.bridge_id)
        self.on_end(session_id, reason)

    async def resync(self, channel_ids: set[str]) -> None:
        """After a reconnect: a session whose answered leg or snoop channel went away while
        events were not flowing ends (its other channels are hung up)."""
        for leg in list(self.sessions.values()):
            gone = (leg.answered and leg.channel_id not in channel_ids) \
                or (leg.snoop_id is not None and leg.snoop_id not in channel_ids)
            if gone or leg.call_id not in self._desk.calls:
                await self.end(leg.session_id, "gone_while_disconnected")

    def call_ended(self, call_id: str) -> None:
        """The call is over: its coaching ends too."""
        for leg in [s for s in self.sessions.values() if s.call_id == call_id]:
            self._desk.spawn(self.end(leg.session_id, "call_ended"))

    # -- events ---------------------------------------------------------------------------
    async def on_event(self, event: ari_events.AriEvent) -> bool:
        """Handle an event of a coaching channel; False when it is none of ours."""
        if isinstance(event, ari_events.StasisStart):
            args = list(event.args)
            if args and args[0] == SNOOP_ARG:
                return True  # joined by the step that made it
            if args and args[0] == COACH_ARG:
                await self._answered(event.channel.id, args[1] if len(args) > 1 else "")
                return True
            return False
        channel = getattr(event, "channel", None)
        leg = self._by_channel.get(channel.id) if channel is not None else None
        if leg is None:
            return False
        if isinstance(event, (ari_events.StasisEnd, ari_events.ChannelDestroyed,
                              ari_events.ChannelHangupRequest)):
            await self.end(leg.session_id, "coach_hangup" if leg.answered else "not_answered")
        return True

    async def _answered(self, channel_id: str, session_id: str) -> None:
        leg = self.sessions.get(session_id)
        if leg is None or leg.ended or leg.channel_id != channel_id:
            await self._desk.hangup(channel_id)
            return
        async with leg.lock:
            leg.answered = True
            try:
                await self._join(leg)
            except AriError as exc:
                log.warning("coaching %s: joining the coach failed: %s", session_id, exc)
                await self.end(session_id, "join_failed")

    # -- steps ----------------------------------------------------------------------------
    async def _snoop(self, leg: CoachLeg) -> None:
        call = self._desk.calls[leg.call_id]
        spy, whisper = SNOOP_DIRECTIONS[leg.mode]
        leg.snoops += 1
        snoop_id = f"snoop-{leg.session_id}-{leg.snoops}"
        await self._desk.ari.channels.snoop(
            call.nurse_channel_id or "", spy=spy, whisper=whisper,
            app_args=[SNOOP_ARG, leg.session_id], snoop_id=snoop_id)
        leg.snoop_id = snoop_id
        await self._desk.ari.bridges.add_channel(leg.bridge_id, snoop_id)

    async def _join(self, leg: CoachLeg) -> None:
        """Put the answered coach's leg where the mode wants it."""
        if leg.mode != "barge":
            await self._desk.ari.bridges.add_channel(leg.bridge_id, leg.channel_id)
            return
        call = self._desk.calls.get(leg.call_id)
        if call is None or not call.mixing_bridge_id:
            raise AriError(404, "the call's bridge is gone")
        try:
            await self._desk.ari.bridges.remove_channel(leg.bridge_id, leg.channel_id)
        except AriError:
            pass  # not in the coaching bridge yet
        await self._desk.ari.bridges.add_channel(call.mixing_bridge_id, leg.channel_id)
