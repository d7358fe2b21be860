"""``/channels``: originate, answer, hang up, play to, record and control one call leg."""

from __future__ import annotations

import builtins
from collections.abc import Mapping

from ari.models import Channel, LiveRecording, Playback
from ari.resources.base import Resource, many, one, query, seg, variables_body

# -- /channels ---------------------------------------------------------------------------------


class Channels(Resource):
    __slots__ = ()

    async def list(self) -> builtins.list[Channel]:
        """``GET /channels``."""
        return many(await self._c.request("GET", "/channels"), Channel.from_json)

    async def get(self, channel_id: str) -> Channel:
        """``GET /channels/{id}``."""
        return one(Channel.from_json, await self._c.request("GET", f"/channels/{seg(channel_id)}"))

    async def originate(
        self,
        endpoint: str,
        *,
        app: str | None = None,
        app_args: builtins.list[str] | str | None = None,
        extension: str | None = None,
        context: str | None = None,
        priority: int | None = None,
        label: str | None = None,
        caller_id: str | None = None,
        timeout: int | None = None,
        channel_id: str | None = None,
        other_channel_id: str | None = None,
        originator: str | None = None,
        formats: str | builtins.list[str] | None = None,
        variables: Mapping[str, str] | None = None,
    ) -> Channel:
        """``POST /channels``: originate a call.

        ``app`` defaults to the client's application unless a dialplan target
        (``extension``/``context``/``priority``/``label``, mutually exclusive with
        ``app`` in ARI) is given. ``variables`` go in the JSON body.
        """
        if app is None and extension is None and context is None and priority is None \
                and label is None:
            app = self._c.app
        params = query(endpoint=endpoint, extension=extension, context=context, priority=priority,
                       label=label, app=app, appArgs=app_args, callerId=caller_id,
                       timeout=timeout, channelId=channel_id, otherChannelId=other_channel_id,
                       originator=originator, formats=formats)
        return one(Channel.from_json, await self._c.request("POST", "/channels", params,
                                                      variables_body(variables)))

    async def create(
        self,
        endpoint: str,
        *,
        app: str | None = None,
        app_args: builtins.list[str] | str | None = None,
        channel_id: str | None = None,
        other_channel_id: str | None = None,
        originator: str | None = None,
        formats: str | builtins.list[str] | None = None,
        variables: Mapping[str, str] | None = None,
    ) -> Channel:
        """``POST /channels/create``: a channel in Stasis, not dialed yet (see ``dial``)."""
        params = query(endpoint=endpoint, app=app if app is not None else self._c.app,
                       appArgs=app_args, channelId=channel_id, otherChannelId=other_channel_id,
                       originator=originator, formats=formats)
        return one(Channel.from_json, await self._c.request("POST", "/channels/create", params,
                                                      variables_body(variables)))

    async def dial(self, channel_id: str, *, caller: str | None = None,
                   timeout: int | None = None) -> None:
        """``POST /channels/{id}/dial`` (never twice on the same channel: it crashed Asterisk)."""
        await self._c.request("POST", f"/channels/{seg(channel_id)}/dial",
                              query(caller=caller, timeout=timeout))

    async def answer(self, channel_id: str) -> None:
        """``POST /channels/{id}/answer``."""
        await self._c.request("POST", f"/channels/{seg(channel_id)}/answer")

    async def hangup(self, channel_id: str, *, reason: str | None = None,
                     reason_code: int | str | None = None) -> None:
        """``DELETE /channels/{id}`` (``reason`` and ``reason_code`` are mutually exclusive)."""
        await self._c.request("DELETE", f"/channels/{seg(channel_id)}",
                              query(reason_code=reason_code, reason=reason))

    async def ring(self, channel_id: str) -> None:
        """``POST /channels/{id}/ring``."""
        await self._c.request("POST", f"/channels/{seg(channel_id)}/ring")

    async def ring_stop(self, channel_id: str) -> None:
        """``DELETE /channels/{id}/ring``."""
        await self._c.request("DELETE", f"/channels/{seg(channel_id)}/ring")

    async def progress(self, channel_id: str) -> None:
        """``POST /channels/{id}/progress``."""
        await self._c.request("POST", f"/channels/{seg(channel_id)}/progress")

    async def hold(self, channel_id: str) -> None:
        """``POST /channels/{id}/hold``."""
        await self._c.request("POST", f"/channels/{seg(channel_id)}/hold")

    async def unhold(self, channel_id: str) -> None:
        """``DELETE /channels/{id}/hold``."""
        await self._c.request("DELETE", f"/channels/{seg(channel_id)}/hold")

    async def start_moh(self, channel_id: str, moh_class: str | None = None) -> None:
        """``POST /channels/{id}/moh``."""
        await self._c.request("POST", f"/channels/{seg(channel_id)}/moh",
                              query(mohClass=moh_class))

    async def stop_moh(self, channel_id: str) -> None:
        """``DELETE /channels/{id}/moh``."""
        await self._c.request("DELETE", f"/channels/{seg(channel_id)}/moh")

    async def start_silence(self, channel_id: str) -> None:
        """``POST /channels/{id}/silence``."""
        await self._c.request("POST", f"/channels/{seg(channel_id)}/silence")

    async def stop_silence(self, channel_id: str) -> None:
        """``DELETE /channels/{id}/silence``."""
        await self._c.request("DELETE", f"/channels/{seg(channel_id)}/silence")

    async def mute(self, channel_id: str, direction: str = "both") -> None:
        """``POST /channels/{id}/mute`` (``direction``: both, in, out)."""
        await self._c.request("POST", f"/channels/{seg(channel_id)}/mute",
                              query(direction=direction))

    async def unmute(self, channel_id: str, direction: str = "both") -> None:
        """``DELETE /channels/{id}/mute``."""
        await self._c.request("DELETE", f"/channels/{seg(channel_id)}/mute",
                              query(direction=direction))

    async def play(self, channel_id: str, media: str | builtins.list[str], *,
                   playback_id: str | None = None, lang: str | None = None,
                   offsetms: int | None = None, skipms: int | None = None) -> Playback:
        """``POST /channels/{id}/play`` (a list of media plays them one after another)."""
        params = query(media=media, lang=lang, offsetms=offsetms, skipms=skipms,
                       playbackId=playback_id)
        return one(Playback.from_json, await self._c.request(
            "POST", f"/channels/{seg(channel_id)}/play", params))

    async def record(self, channel_id: str, name: str, format: str, *,
                     max_duration_seconds: int | None = None,
                     max_silence_seconds: int | None = None, if_exists: str | None = None,
                     beep: bool | None = None, terminate_on: str | None = None) -> LiveRecording:
        """``POST /channels/{id}/record``."""
        params = query(name=name, format=format, maxDurationSeconds=max_duration_seconds,
                       maxSilenceSeconds=max_silence_seconds, ifExists=if_exists, beep=beep,
                       terminateOn=terminate_on)
        return one(LiveRecording.from_json, await self._c.request(
            "POST", f"/channels/{seg(channel_id)}/record", params))

    async def send_dtmf(self, channel_id: str, dtmf: str, *, before: int | None = None,
                        between: int | None = None, duration: int | None = None,
                        after: int | None = None) -> None:
        """``POST /channels/{id}/dtmf``."""
        await self._c.request("POST", f"/channels/{seg(channel_id)}/dtmf",
                              query(dtmf=dtmf, before=before, between=between,
                                    duration=duration, after=after))

    async def get_variable(self, channel_id: str, variable: str) -> str:
        """``GET /channels/{id}/variable``: the value (``AriNotFound`` when not set)."""
        body = await self._c.request("GET", f"/channels/{seg(channel_id)}/variable",
                                     query(variable=variable))
        return str((body or {}).get("value", ""))

    async def set_variable(self, channel_id: str, variable: str, value: str | None = None) -> None:
        """``POST /channels/{id}/variable`` (without ``value`` the variable is unset)."""
        await self._c.request("POST", f"/channels/{seg(channel_id)}/variable",
                              query(variable=variable, value=value))

    async def continue_in_dialplan(self, channel_id: str, *, context: str | None = None,
                                   extension: str | None = None, priority: int | None = None,
                                   label: str | None = None) -> None:
        """``POST /channels/{id}/continue``: leave Stasis and go on in the dialplan."""
        await self._c.request("POST", f"/channels/{seg(channel_id)}/continue",
                              query(context=context, extension=extension, priority=priority,
                                    label=label))

    async def move(self, channel_id: str, app: str,
                   app_args: builtins.list[str] | str | None = None) -> None:
        """``POST /channels/{id}/move``: to another Stasis application."""
        await self._c.request("POST", f"/channels/{seg(channel_id)}/move",
                              query(app=app, appArgs=app_args))

    async def redirect(self, channel_id: str, endpoint: str) -> None:
        """``POST /channels/{id}/redirect`` (same technology only)."""
        await self._c.request("POST", f"/channels/{seg(channel_id)}/redirect",
                              query(endpoint=endpoint))

    async def snoop(self, channel_id: str, *, app: str | None = None, spy: str | None = None,
                    whisper: str | None = None, app_args: builtins.list[str] | str | None = None,
                    snoop_id: str | None = None) -> Channel:
        """``POST /channels/{id}/snoop``: a snoop channel (spy/whisper) into ``app``."""
        params = query(spy=spy, whisper=whisper, app=app if app is not None else self._c.app,
                       appArgs=app_args, snoopId=snoop_id)
        return one(Channel.from_json, await self._c.request(
            "POST", f"/channels/{seg(channel_id)}/snoop", params))
