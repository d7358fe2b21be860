"""The simulated switch: channel life cycle, Local pairs, Stasis, hangups.

All state changes are synchronous and emit their events immediately, so the
per-channel event order is exactly the order of the code below (which follows
the recordings in tests/fixtures/ari/). Timed behaviour goes through
``later()``, which divides every simulated duration by ``speed``.
"""
from __future__ import annotations

from typing import Any

from . import dialplan
from .base import AriError, parse_caller_id
from .bridging import BridgeOps
from .dtmf_snoop import DtmfSnoopOps
from .media import MediaOps
from .model import CAUSE_TEXT, Channel


class Switch(BridgeOps, MediaOps, DtmfSnoopOps):
    """Holds every channel, bridge, playback and recording of the simulator."""

    # ------------------------------------------------------------------ Stasis
    def enter_stasis(self, ch: Channel, app_name: str, args: list[str]) -> bool:
        """Hand ``ch`` to ``app_name``; False (STASISSTATUS=FAILED) if it is not active."""
        if self.bus.active_app(app_name) is None:
            ch.variables["STASISSTATUS"] = "FAILED"
            return False
        if ch.pre_stasis is None and (ch.runs_dialplan or ch.app_name != "Stasis"):
            # Stasis() from the dialplan leaves nothing behind when the channel ends;
            # an originated leg shows its originate app again (01, 03).
            ch.pre_stasis = ("", "") if ch.runs_dialplan else (ch.app_name, ch.app_data)
        ch.app_name, ch.app_data = "Stasis", ",".join([app_name, *args])
        # STASISSTATUS is reset before the app subscribes: only apps already
        # watching the channel (e.g. its originator) see this ChannelVarset.
        self.set_var(ch, "STASISSTATUS", "")
        self.bus.subscribe_channel(app_name, ch.id)
        ch.stasis_app, ch.stasis_args = app_name, list(args)
        self.bus.emit_to(app_name, {"type": "StasisStart", "args": list(args),
                                    "channel": self.snap(ch)})
        if ch.remote is not None:
            ch.remote.on_stasis_start(ch)
        return True

    def stasis_end(self, ch: Channel) -> None:
        app = ch.stasis_app
        if app is None:
            return
        ch.stasis_app = None
        self.chan_event(ch, "StasisEnd")
        if app not in ch.keep_apps:
            # Channels the app did not originate send nothing after StasisEnd.
            self.bus.unsubscribe_channel(app, ch.id)
        self.set_var(ch, "STASISSTATUS", "SUCCESS")

    def run_dialplan(self, ch: Channel, priority: int = 1, app: str | None = None) -> None:
        """Execute the dialplan of ``ch`` from ``priority`` until Stasis, a wait or hangup."""
        steps = dialplan.lookup(ch.context, ch.exten, app or self.app_default,
                                ch.caller_number, ch.caller_name)
        if steps is None:
            self._no_route(ch)
            return
        for index in range(priority - 1, len(steps)):
            name, data = steps[index]
            ch.priority, ch.app_name, ch.app_data = index + 1, name, data
            self.chan_event(ch, "ChannelDialplan", dialplan_app=name, dialplan_app_data=data)
            if name == "Stasis":
                stasis_app, *args = data.split(",")
                if self.enter_stasis(ch, stasis_app, args):
                    return
            elif name == "Goto":
                context, exten, prio = data.split(",")
                ch.context, ch.exten = context, exten
                self.run_dialplan(ch, int(prio), app)
                return
            elif name == "Answer":
                self.answer(ch)
                # Answer() waits up to 500 ms for media before the next step
                # (main/channel.c __ast_answer); 15-channel-edges.
                ch.timers.append(self.later(0.5, self._continue_dialplan, ch, index + 2, app))
                return
            elif name == "Set":
                var, _, value = data.partition("=")
                self.set_var(ch, var, value)
            elif name == "Wait":
                return
            elif name == "Hangup":
                self.hangup(ch, 16, "dialplan")
                return
        if not ch.hangup_started:
            self.hangup(ch, 16, "dialplan")

    def _continue_dialplan(self, ch: Channel, priority: int, app: str | None) -> None:
        if not ch.gone and not ch.hangup_started:
            self.run_dialplan(ch, priority, app)

    def _no_route(self, ch: Channel) -> None:
        # Local/9999@nonexistent-context: both legs die with cause 0, nothing else.
        peer = ch.peer
        self.destroy(ch, 0)
        if peer is not None and not peer.gone:
            self.destroy(peer, 0)

    # ---------------------------------------------------------------- originate
    def originate_local(self, resource: str, app: str | None, args: list[str], caller: str,
                        channel_id: str | None, other_id: str | None,
                        variables: dict[str, str], create: bool) -> Channel:
        """Create a Local pair; ``create`` = /channels/create (;1 enters Stasis at once)."""
        target = resource.split("/")[0]
        exten, _, context = target.partition("@")
        context = context or "default"
        self.check_ids(channel_id, other_id)
        if other_id is None and channel_id:
            other_id = f"{channel_id};2"
        seq = self.ids.sequence()
        name, number = parse_caller_id(caller) if caller else ("", "")
        common: dict[str, Any] = {"tech": "Local", "caller_name": name,
                                  "caller_number": number, "connected_name": name,
                                  "connected_number": number, "context": context, "exten": exten}
        one = self.new_channel(channel_id, name=f"Local/{target}-{seq};1", state="Down",
                                app_name="AppDial2", app_data="(Outgoing Line)", local_half=1,
                                **common)
        two = self.new_channel(other_id, name=f"Local/{target}-{seq};2", state="Ring",
                                local_half=2, **common)
        one.peer, two.peer = two, one
        two.runs_dialplan = True
        for ch in (one, two):
            # _VAR / __VAR only mark inheritance; the variable is read as VAR.
            ch.variables.update({k.lstrip("_"): v for k, v in variables.items()})
        one.originate_vars = list(variables.items())
        one.originate_app, one.originate_args = app, list(args)
        if app and app in self.bus.apps:
            # /channels/create leaves the ;2 leg unsubscribed (scenario 12).
            for ch in (one,) if create else (one, two):
                self.bus.subscribe_channel(app, ch.id)
                ch.keep_apps.add(app)
        if create:
            one.app_name, one.app_data = "Stasis", ",".join([app or "", *args])
            one.pre_stasis = ("", "")
            self.chan_event(one, "ChannelDialplan", dialplan_app=one.app_name,
                            dialplan_app_data=one.app_data)
            if not app or not self.enter_stasis(one, app, args):
                self.later(0.01, self._failed_create, one)
            return one
        one.dial_pending = True
        self.later(0.0, self._start_local, one, bool(caller))
        return one

    def _failed_create(self, one: Channel) -> None:
        if not one.gone:
            self._no_route(one)

    def _start_local(self, one: Channel, has_caller: bool) -> None:
        two = one.peer
        if two is None or two.gone or one.gone:
            return
        if dialplan.lookup(two.context, two.exten, self.app_default) is None:
            self._no_route(two)
            return
        for name, value in one.originate_vars:
            self.chan_event(two, "ChannelVarset", variable=name, value=value)
        if has_caller:
            self.chan_event(two, "ChannelCallerId", caller_presentation=0,
                            caller_presentation_txt="Presentation Allowed, Not Screened")
            self.chan_event(two, "ChannelConnectedLine")
        self.dial_event(one, "")
        self.run_dialplan(two)

    def dial_event(self, peer: Channel, status: str, caller: Channel | None = None) -> None:
        body: dict[str, Any] = {"type": "Dial", "dialstatus": status, "forward": "",
                                # "1177@from-pstn" for Local/1177@from-pstn-00000000;1
                                "dialstring": peer.name.split("/", 1)[1].rsplit("-", 1)[0],
                                "peer": self.snap(peer, refresh=True)}
        ids = [peer.id]
        if caller is not None:
            body["caller"] = self.snap(caller, refresh=True)
            ids.append(caller.id)
        self.bus.emit(body, channel_ids=tuple(ids))

    def dial(self, ch: Channel, caller: Channel | None, timeout: float) -> None:
        """``POST /channels/{id}/dial`` on a channel made by /channels/create."""
        if ch.state != "Down" or ch.dialled:
            raise AriError(409, "Channel is not in the 'Down' state")
        ch.dialled = True
        ch.dial_pending = True
        if timeout > 0:
            ch.timers.append(self.later(timeout, self._dial_timeout, ch))
        if caller is not None and (ch.connected_name, ch.connected_number) != (
                caller.caller_name, caller.caller_number):
            ch.connected_name, ch.connected_number = caller.caller_name, caller.caller_number
            self.chan_event(ch, "ChannelConnectedLine")
        if ch.is_local and ch.peer is not None:
            self.dial_event(ch, "")
            self.run_dialplan(ch.peer)
        elif ch.remote is not None:
            self.dial_event(ch, "")
            ch.remote.ring(ch)

    def _dial_timeout(self, ch: Channel) -> None:
        if not ch.gone and ch.state != "Up":
            ch.dial_pending = False  # no final Dial event on timeout (scenario 12)
            self.hangup(ch, 19, "ari")

    # ------------------------------------------------------------ answer / dtmf
    def answer(self, ch: Channel) -> None:
        """Answer ``ch`` (a Local half answers the pair)."""
        if ch.state == "Up":
            return
        ch.state = "Up"
        self.chan_event(ch, "ChannelStateChange")
        peer = ch.peer
        if peer is not None and not peer.gone and peer.state != "Up":
            peer.state = "Up"
            self.chan_event(peer, "ChannelStateChange")
        # The originated leg (;1 of a Local pair, or the PJSIP channel itself)
        # reports Dial ANSWER and enters Stasis only now.
        leg = peer if ch.local_half == 2 and peer is not None else ch
        if leg.dial_pending:
            leg.dial_pending = False
            self.dial_event(leg, "ANSWER")
        if (leg.stasis_app is None and leg.originate_app is not None and not leg.gone
                and not self.enter_stasis(leg, leg.originate_app, leg.originate_args)):
            self.hangup(leg, 0, "failed")
        if ch.remote is not None:
            ch.remote.on_answer(ch)

    # ------------------------------------------------------------------ hangup
    def hangup(self, ch: Channel, cause: int = 16, how: str = "ari",
               tech_cause: int | None = None) -> None:
        """Hang ``ch`` up. ``how``: ari (DELETE), remote (BYE), peer (Local
        propagation), dialplan (Hangup()), failed (Stasis failed)."""
        if ch.hangup_started or ch.gone:
            return
        ch.hangup_started = True
        for timer in ch.timers:
            timer.cancel()
        self.stop_target_media(f"channel:{ch.id}")
        if ch.state == "Up" and ch.tech == "PJSIP":
            # The RTP session publishes its statistics before the hangup request.
            for var in ("RTPAUDIOQOS", "RTPAUDIOQOSJITTER", "RTPAUDIOQOSLOSS",
                        "RTPAUDIOQOSRTT", "RTPAUDIOQOSMES"):
                self.set_var(ch, var, "")
        if how == "ari":
            self.chan_event(ch, "ChannelHangupRequest", cause=32, soft=True)
            if ch.dial_pending and ch.local_half == 1:
                ch.dial_pending = False
                self.dial_event(ch, "NOANSWER")
        elif how == "remote":
            self.chan_event(ch, "ChannelHangupRequest")
        elif how in ("peer", "failed"):
            self.chan_event(ch, "ChannelHangupRequest", cause=cause)
        elif how == "dialplan":
            # Hangup() in the dialplan is a soft hangup with the Q.850 cause.
            self.chan_event(ch, "ChannelHangupRequest", cause=cause, soft=True)
        if how == "peer":
            # The Local pair queues the hangup on the other half, whose own thread runs
            # it after the first half is destroyed (01: HangupRequest caller-1,
            # ChannelDestroyed pstn-1, then StasisEnd caller-1 ...).
            self.later(0.0, self._end_hangup, ch, cause, how, tech_cause)
            return
        self._end_hangup(ch, cause, how, tech_cause)

    def _end_hangup(self, ch: Channel, cause: int, how: str, tech_cause: int | None) -> None:
        if ch.gone:
            return
        if ch.bridge_id:
            self.leave_bridge(ch, hangup=True)
        in_stasis = ch.stasis_app is not None
        self.stasis_end(ch)
        if in_stasis and ch.runs_dialplan and how != "failed":
            # The dialplan continues after Stasis() and hits Hangup().
            self.chan_event(ch, "ChannelHangupRequest", cause=cause, soft=True)
        elif ch.runs_dialplan and how == "peer" and ch.pre_stasis is None:
            # A dialplan app (Wait) was running: the PBX ends the channel (15).
            self.chan_event(ch, "ChannelHangupRequest", cause=16, soft=True)
            ch.app_name, ch.app_data = "", ""
        peer = ch.peer
        if peer is not None and not peer.gone and not peer.hangup_started:
            self.hangup(peer, cause, "peer")
        if ch.dial_pending and how == "peer":
            ch.dial_pending = False
            self.dial_event(ch, "NOANSWER")
        if ch.snoop_target is not None:
            # Not originated by the app: no ChannelDestroyed reaches it, and the
            # channel stays listed for a moment (scenario 09).
            self.later(1.5, self.destroy, ch, cause)
            return
        if how == "failed" and ch.local_half == 2:
            self.destroy(ch, cause, silent=True)
            return
        self.destroy(ch, cause, tech_cause)

    def destroy(self, ch: Channel, cause: int, tech_cause: int | None = None,
                silent: bool = False) -> None:
        """Emit ChannelDestroyed and forget the channel."""
        if ch.gone:
            return
        ch.gone = True
        for timer in ch.timers:
            timer.cancel()
        if ch.bridge_id:
            self.leave_bridge(ch, hangup=True)
        if ch.stasis_app is None and ch.pre_stasis is not None and ch.app_name == "Stasis":
            ch.app_name, ch.app_data = ch.pre_stasis
        if not silent:
            fields: dict[str, Any] = {"cause": cause, "cause_txt": CAUSE_TEXT.get(cause, "Unknown")}
            if tech_cause is not None:
                fields["tech_cause"] = tech_cause
            self.chan_event(ch, "ChannelDestroyed", **fields)
        self.channels.pop(ch.id, None)
        self.bus.forget("channel", ch.id)
        for other in list(self.channels.values()):
            if other.snoop_target == ch.id and not other.hangup_started:
                self.hangup(other, 16, "peer")
        if ch.remote is not None:
            ch.remote.on_destroyed(ch, cause)
