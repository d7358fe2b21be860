"""``/bridges``: holding and mixing bridges, the channels in them, music and playback to all."""

from __future__ import annotations

import builtins

from ari.models import Bridge, LiveRecording, Playback
from ari.resources.base import Resource, many, one, query, seg

# -- /bridges ----------------------------------------------------------------------------------


class Bridges(Resource):
    __slots__ = ()

    async def list(self) -> builtins.list[Bridge]:
        """``GET /bridges``."""
        return many(await self._c.request("GET", "/bridges"), Bridge.from_json)

    async def get(self, bridge_id: str) -> Bridge:
        """``GET /bridges/{id}``."""
        return one(Bridge.from_json, await self._c.request("GET", f"/bridges/{seg(bridge_id)}"))

    async def create(self, *, type: str | builtins.list[str] = "mixing",
                     bridge_id: str | None = None, name: str | None = None) -> Bridge:
        """``POST /bridges`` (``type``: mixing, holding, dtmf_events, proxy_media, ... or a list).

        No ``BridgeCreated`` event follows a bridge created over REST.
        """
        return one(Bridge.from_json, await self._c.request(
            "POST", "/bridges", query(type=type, bridgeId=bridge_id, name=name)))

    async def destroy(self, bridge_id: str) -> None:
        """``DELETE /bridges/{id}``."""
        await self._c.request("DELETE", f"/bridges/{seg(bridge_id)}")

    async def add_channel(self, bridge_id: str, channels: str | builtins.list[str], *,
                          role: str | None = None, absorb_dtmf: bool | None = None,
                          mute: bool | None = None,
                          inhibit_connected_line_updates: bool | None = None) -> None:
        """``POST /bridges/{id}/addChannel`` (several channels in one request)."""
        await self._c.request("POST", f"/bridges/{seg(bridge_id)}/addChannel",
                              query(channel=channels, role=role, absorbDTMF=absorb_dtmf,
                                    mute=mute,
                                    inhibitConnectedLineUpdates=inhibit_connected_line_updates))

    async def remove_channel(self, bridge_id: str, channels: str | builtins.list[str]) -> None:
        """``POST /bridges/{id}/removeChannel``."""
        await self._c.request("POST", f"/bridges/{seg(bridge_id)}/removeChannel",
                              query(channel=channels))

    async def start_moh(self, bridge_id: str, moh_class: str | None = None) -> None:
        """``POST /bridges/{id}/moh`` (played by a hidden ``Announcer/ARI_MOH`` channel)."""
        await self._c.request("POST", f"/bridges/{seg(bridge_id)}/moh", query(mohClass=moh_class))

    async def stop_moh(self, bridge_id: str) -> None:
        """``DELETE /bridges/{id}/moh`` (409 when no music is playing)."""
        await self._c.request("DELETE", f"/bridges/{seg(bridge_id)}/moh")

    async def play(self, bridge_id: str, media: str | builtins.list[str], *,
                   playback_id: str | None = None, lang: str | None = None,
                   offsetms: int | None = None, skipms: int | None = None) -> Playback:
        """``POST /bridges/{id}/play`` (fails, as PlaybackFinished ``failed``, while MOH is on)."""
        params = query(media=media, lang=lang, offsetms=offsetms, skipms=skipms,
                       playbackId=playback_id)
        return one(Playback.from_json, await self._c.request(
            "POST", f"/bridges/{seg(bridge_id)}/play", params))

    async def record(self, bridge_id: str, name: str, format: str, *,
                     max_duration_seconds: int | None = None,
                     max_silence_seconds: int | None = None, if_exists: str | None = None,
                     beep: bool | None = None, terminate_on: str | None = None) -> LiveRecording:
        """``POST /bridges/{id}/record``."""
        params = query(name=name, format=format, maxDurationSeconds=max_duration_seconds,
                       maxSilenceSeconds=max_silence_seconds, ifExists=if_exists, beep=beep,
                       terminateOn=terminate_on)
        return one(LiveRecording.from_json, await self._c.request(
            "POST", f"/bridges/{seg(bridge_id)}/record", params))
