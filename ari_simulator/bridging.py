"""Bridge operations of the simulated switch (mixed into ``Switch``).

Subscriptions follow the recordings: joining a bridge subscribes the channel's
app to it, removeChannel / moving away unsubscribes (a later DELETE then sends
no BridgeDestroyed), hanging up inside the bridge keeps the subscription.
"""
from __future__ import annotations

import uuid
from typing import Any

from .base import AriError, SwitchBase
from .model import Bridge, Channel

BRIDGE_TYPES = {"mixing", "holding", "dtmf_events", "proxy_media", "video_sfu",
                "video_single", "sdp_label"}


class BridgeOps(SwitchBase):
    """Create/destroy bridges, move channels in and out, bridge MOH."""

    def create_bridge(self, type_: str, bridge_id: str | None, name: str) -> Bridge:
        types = [t for t in (type_ or "mixing").split(",") if t]
        if not types or any(t not in BRIDGE_TYPES for t in types):
            raise AriError(500, "Unable to create bridge. Possible duplicate bridge id "
                                f"'{bridge_id or ''}'")
        if bridge_id and bridge_id in self.bridges:
            raise AriError(409, f"Bridge with id '{bridge_id}' already exists")
        bridge = Bridge(id=bridge_id or str(uuid.uuid4()), types=types, name=name or "")
        self.bridges[bridge.id] = bridge
        # A REST-created bridge sends no BridgeCreated.
        return bridge

    def get_bridge(self, bridge_id: str) -> Bridge:
        bridge = self.bridges.get(bridge_id)
        if bridge is None:
            raise AriError(404, "Bridge not found")
        return bridge

    def bridge_event(self, bridge: Bridge, type_: str, ch: Channel | None = None) -> None:
        body: dict[str, Any] = {"type": type_, "bridge": bridge.to_json()}
        if ch is not None:
            body["channel"] = self.snap(ch)
        self.bus.emit(body, channel_ids=(ch.id,) if ch else (), bridge_ids=(bridge.id,))

    def add_channels(self, bridge: Bridge, channel_ids: list[str], role: str) -> None:
        """``addChannel`` with a comma list; validates everything before moving anything."""
        chans = self.check_bridge_members(channel_ids)
        for ch in chans:
            if ch.bridge_id:
                self.leave_bridge(ch)
            bridge.channel_ids.append(ch.id)
            ch.bridge_id = bridge.id
            if ch.stasis_app:
                self.bus.subscribe_bridge(ch.stasis_app, bridge.id)
            if len(bridge.channel_ids) > 2:
                bridge.softmix = True
            self.bridge_event(bridge, "ChannelEnteredBridge", ch)
        if not bridge.holding and len(bridge.channel_ids) + len(bridge.helpers) >= 2:
            self.update_bridgepeers(bridge)
            self.exchange_connected_line(bridge)
        for member in [self.channels[c] for c in bridge.channel_ids]:
            if member.remote is not None:
                member.remote.on_bridge_change(member)

    def check_bridge_members(self, channel_ids: list[str]) -> list[Channel]:
        """The channels ``addChannel`` names, or the error Asterisk answers."""
        if not channel_ids:
            raise AriError(400, "Missing parameter channel")
        chans = []
        for cid in channel_ids:
            ch = self.channels.get(cid)
            if ch is None or ch.gone:
                raise AriError(400, "Channel not found")
            if ch.stasis_app is None:
                raise AriError(422, "Channel not in Stasis application")
            chans.append(ch)
        return chans

    def bridge_peer_names(self, bridge: Bridge, ch: Channel) -> str:
        others = [self.channels[c].name for c in bridge.channel_ids if c != ch.id]
        return ",".join(bridge.helpers + others)

    def update_bridgepeers(self, bridge: Bridge) -> None:
        """Refresh BRIDGEPEER (and BRIDGEPVTCALLID for a SIP peer) on every member."""
        if bridge.holding:
            return
        for cid in list(bridge.channel_ids):
            ch = self.channels[cid]
            value = self.bridge_peer_names(bridge, ch)
            if value:
                self.set_var(ch, "BRIDGEPEER", value)
            others = [self.channels[c] for c in bridge.channel_ids if c != cid]
            if not bridge.helpers and len(others) == 1 and others[0].tech == "PJSIP":
                self.set_var(ch, "BRIDGEPVTCALLID", others[0].protocol_id)
            elif ch.variables.get("BRIDGEPVTCALLID"):
                self.set_var(ch, "BRIDGEPVTCALLID", "")

    def exchange_connected_line(self, bridge: Bridge) -> None:
        """Two parties (or one plus an announcer) learn each other's caller id;
        ChannelConnectedLine only where the connected line actually changes."""
        members = [self.channels[c] for c in bridge.channel_ids]
        if len(members) + len(bridge.helpers) != 2:
            return
        for ch in members:
            other = next((m for m in members if m is not ch), None)
            new = (other.caller_name, other.caller_number) if other else ("", "")
            if (ch.connected_name, ch.connected_number) != new:
                ch.connected_name, ch.connected_number = new
                self.chan_event(ch, "ChannelConnectedLine")

    def add_helper(self, bridge: Bridge, name: str) -> None:
        bridge.helpers.append(name)
        self.update_bridgepeers(bridge)

    def remove_helper(self, bridge: Bridge, name: str, quiet: bool = False) -> None:
        if name in bridge.helpers:
            bridge.helpers.remove(name)
            if not quiet:
                self.update_bridgepeers(bridge)

    def leave_bridge(self, ch: Channel, hangup: bool = False) -> None:
        """Take ``ch`` out of its bridge; unsubscribe unless it left by hanging up."""
        bridge = self.bridges.get(ch.bridge_id or "")
        ch.bridge_id = None
        if bridge is None or ch.id not in bridge.channel_ids:
            return
        bridge.channel_ids.remove(ch.id)
        for var in ("BRIDGEPEER", "BRIDGEPVTCALLID"):
            if ch.variables.get(var):
                self.set_var(ch, var, "")
        self.bridge_event(bridge, "ChannelLeftBridge", ch)
        if not bridge.channel_ids and bridge.moh_class is not None:
            # The MOH announcer leaves an empty bridge (scenario 11: DELETE moh -> 409).
            bridge.moh_class = None
            if bridge.moh_announcer:
                self.remove_helper(bridge, bridge.moh_announcer, quiet=True)
                bridge.moh_announcer = ""
        if not hangup and ch.stasis_app:
            self.bus.unsubscribe_bridge(ch.stasis_app, bridge.id)
        for cid in bridge.channel_ids:
            other = self.channels.get(cid)
            if other is not None and other.remote is not None:
                other.remote.on_peer_left(other, hangup)
        if ch.remote is not None:
            ch.remote.on_bridge_change(ch)

    def remove_channel(self, bridge: Bridge, channel_id: str, validate_only: bool = False
                       ) -> None:
        if not channel_id:
            raise AriError(400, "Missing parameter channel")
        ch = self.channels.get(channel_id)
        if ch is None or ch.gone:
            raise AriError(400, "Channel not found")
        if ch.id not in bridge.channel_ids:
            raise AriError(422, "Channel not in this bridge")
        if not validate_only:
            self.leave_bridge(ch)

    def destroy_bridge(self, bridge: Bridge) -> None:
        """``DELETE /bridges/{id}``: members leave, then BridgeDestroyed to subscribers."""
        for cid in list(bridge.channel_ids):
            self.leave_bridge(self.channels[cid])
        self.stop_target_media(f"bridge:{bridge.id}")
        for rec in list(self.live_recordings.values()):
            if rec.target_uri == f"bridge:{bridge.id}":
                self.finish_recording(rec, "done")
        self.bridge_event(bridge, "BridgeDestroyed")
        self.bridges.pop(bridge.id, None)
        self.bus.forget("bridge", bridge.id)

    def bridge_moh(self, bridge: Bridge, moh_class: str | None) -> None:
        """Start/stop bridge MOH (played by an unlisted Announcer/ARI_MOH channel)."""
        if moh_class is None:
            if bridge.moh_class is None:
                raise AriError(409, "Bridge isn't playing music")
            bridge.moh_class = None
            if bridge.moh_announcer:
                # The announcer leaves without BRIDGEPEER updates (early-basic).
                self.remove_helper(bridge, bridge.moh_announcer, quiet=True)
                bridge.moh_announcer = ""
            return
        if bridge.moh_class is None and not bridge.holding:
            bridge.moh_announcer = f"Announcer/ARI_MOH-{self.ids.sequence()};2"
            self.add_helper(bridge, bridge.moh_announcer)
            self.exchange_connected_line(bridge)
        bridge.moh_class = moh_class or "default"

    def in_mixing_bridge_with_other(self, ch: Channel) -> bool:
        bridge = self.bridges.get(ch.bridge_id or "")
        return bool(bridge and not bridge.holding and len(bridge.channel_ids) >= 2)

    def bridged_with_person(self, ch: Channel) -> bool:
        """Whether a phone answered by hand (a person at a console) is in ``ch``'s mixing
        bridge: the caller then talks until that person ends the call."""
        bridge = self.bridges.get(ch.bridge_id or "")
        if bridge is None or bridge.holding:
            return False
        others = (self.channels.get(cid) for cid in bridge.channel_ids if cid != ch.id)
        return any(getattr(getattr(o, "remote", None), "behaviour", None) == "manual"
                   for o in others if o is not None)
