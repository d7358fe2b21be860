"""ARI REST resources: ``client.channels``, ``client.bridges``, ...

Each method is one ARI operation (see ``api-docs/*.json``). Keyword
arguments are snake_case and map to ARI's camelCase query parameters;
``None`` means "not sent". Lists for parameters that ARI accepts several
times (``media``, ``channel``, ``eventSource``, ``appArgs``) are sent as one
comma-separated value, which is how Asterisk splits them. Results are the
typed models of :mod:`ari.models`.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar
from urllib.parse import quote

from ari.errors import AriError
from ari.models import (
    Application,
    AsteriskInfo,
    AsteriskPing,
    Bridge,
    Channel,
    Endpoint,
    LiveRecording,
    Playback,
    StoredRecording,
)

__all__ = [
    "Applications",
    "Asterisk",
    "Bridges",
    "Channels",
    "Endpoints",
    "Playbacks",
    "Recordings",
    "Requester",
]

M = TypeVar("M")

# RFC 3986 pchar minus nothing that needs escaping: ids such as "agent-1003;2" or
# "1795325778.73" go into the path as they are; "/", "?", "#", "%" and spaces are escaped.
_PATH_SAFE = "-._~!$&'()*+,;=:@"


def seg(value: str) -> str:
    """One path segment, percent-encoded where needed."""
    return quote(str(value), safe=_PATH_SAFE)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(_value(v) for v in value)
    return str(value)


def query(**params: Any) -> dict[str, str]:
    """Query parameters with ``None`` dropped and values as ARI expects them."""
    return {k: _value(v) for k, v in params.items() if v is not None}


class Requester(Protocol):
    """What the resources need from the client."""

    app: str

    async def request(self, method: str, path: str, params: Mapping[str, str] | None = None,
                      body: Any = None) -> Any: ...


class _Resource:
    __slots__ = ("_c",)

    def __init__(self, client: Requester) -> None:
        self._c = client


def _one(parse: Callable[[dict[str, Any]], M], body: Any) -> M:
    """``parse(body)``, or :class:`AriError` when the answer is not a JSON object."""
    if not isinstance(body, dict):
        what = getattr(parse, "__qualname__", "model").split(".")[0]
        raise AriError(None, f"unexpected response body for {what}: {body!r:.200}")
    return parse(body)


def _list(values: Any, parse: Callable[[dict[str, Any]], M]) -> builtins.list[M]:
    if values is None:
        return []
    if not isinstance(values, list):
        raise AriError(None, f"expected a JSON list, got {values!r:.200}")
    return [parse(v) for v in values]


def _variables_body(variables: Mapping[str, str] | None) -> dict[str, Any] | None:
    if variables is None:
        return None
    return {"variables": dict(variables)}


# -- /asterisk ---------------------------------------------------------------------------------


class Asterisk(_Resource):
    __slots__ = ()

    async def info(self, only: str | builtins.list[str] | None = None) -> AsteriskInfo:
        """``GET /asterisk/info`` (``only``: build, system, config, status)."""
        return _one(AsteriskInfo.from_json, await self._c.request("GET", "/asterisk/info",
                                                            query(only=only)))

    async def ping(self) -> AsteriskPing:
        """``GET /asterisk/ping``."""
        return _one(AsteriskPing.from_json, await self._c.request("GET", "/asterisk/ping"))

    async def get_variable(self, name: str) -> str:
        """``GET /asterisk/variable``: a global variable or function value."""
        body = await self._c.request("GET", "/asterisk/variable", query(variable=name))
        return str((body or {}).get("value", ""))

    async def set_variable(self, name: str, value: str | None = None) -> None:
        """``POST /asterisk/variable``."""
        await self._c.request("POST", "/asterisk/variable", query(variable=name, value=value))


# -- /applications -----------------------------------------------------------------------------


class Applications(_Resource):
    __slots__ = ()

    async def list(self) -> builtins.list[Application]:
        """``GET /applications``."""
        return _list(await self._c.request("GET", "/applications"), Application.from_json)

    async def get(self, app: str) -> Application:
        """``GET /applications/{app}``."""
        return _one(Application.from_json,
                    await self._c.request("GET", f"/applications/{seg(app)}"))

    async def subscribe(self, app: str, event_sources: str | builtins.list[str]) -> Application:
        """``POST /applications/{app}/subscription?eventSource=channel:ID,bridge:ID,...``."""
        return _one(Application.from_json, await self._c.request(
            "POST", f"/applications/{seg(app)}/subscription", query(eventSource=event_sources)))

    async def unsubscribe(self, app: str, event_sources: str | builtins.list[str]) -> Application:
        """``DELETE /applications/{app}/subscription``."""
        return _one(Application.from_json, await self._c.request(
            "DELETE", f"/applications/{seg(app)}/subscription", query(eventSource=event_sources)))

    async def set_event_filter(
        self, app: str, allowed: builtins.list[dict[str, Any]] | None = None,
        disallowed: builtins.list[dict[str, Any]] | None = None,
    ) -> Application:
        """``PUT /applications/{app}/eventFilter`` with ``{"allowed": [...], "disallowed": [...]}``.

        A list left ``None`` is not sent (Asterisk keeps it); both ``None`` sends ``{}``,
        which clears both filters.
        """
        body: dict[str, Any] = {}
        if allowed is not None:
            body["allowed"] = list(allowed)
        if disallowed is not None:
            body["disallowed"] = list(disallowed)
        return _one(Application.from_json, await self._c.request(
            "PUT", f"/applications/{seg(app)}/eventFilter", None, body))


# -- /channels ---------------------------------------------------------------------------------


class Channels(_Resource):
    __slots__ = ()

    async def list(self) -> builtins.list[Channel]:
        """``GET /channels``."""
        return _list(await self._c.request("GET", "/channels"), Channel.from_json)

    async def get(self, channel_id: str) -> Channel:
        """``GET /channels/{id}``."""
        return _one(Channel.from_json, await self._c.request("GET", f"/channels/{seg(channel_id)}"))

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
        return _one(Channel.from_json, await self._c.request("POST", "/channels", params,
                                                       _variables_body(variables)))

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
        return _one(Channel.from_json, await self._c.request("POST", "/channels/create", params,
                                                       _variables_body(variables)))

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
        return _one(Playback.from_json, await self._c.request(
            "POST", f"/channels/{seg(channel_id)}/play", params))

    async def record(self, channel_id: str, name: str, format: str, *,
                     max_duration_seconds: int | None = None,
                     max_silence_seconds: int | None = None, if_exists: str | None = None,
                     beep: bool | None = None, terminate_on: str | None = None) -> LiveRecording:
        """``POST /channels/{id}/record``."""
        params = query(name=name, format=format, maxDurationSeconds=max_duration_seconds,
                       maxSilenceSeconds=max_silence_seconds, ifExists=if_exists, beep=beep,
                       terminateOn=terminate_on)
        return _one(LiveRecording.from_json, await self._c.request(
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
        return _one(Channel.from_json, await self._c.request(
            "POST", f"/channels/{seg(channel_id)}/snoop", params))


# -- /bridges ----------------------------------------------------------------------------------


class Bridges(_Resource):
    __slots__ = ()

    async def list(self) -> builtins.list[Bridge]:
        """``GET /bridges``."""
        return _list(await self._c.request("GET", "/bridges"), Bridge.from_json)

    async def get(self, bridge_id: str) -> Bridge:
        """``GET /bridges/{id}``."""
        return _one(Bridge.from_json, await self._c.request("GET", f"/bridges/{seg(bridge_id)}"))

    async def create(self, *, type: str | builtins.list[str] = "mixing",
                     bridge_id: str | None = None, name: str | None = None) -> Bridge:
        """``POST /bridges`` (``type``: mixing, holding, dtmf_events, proxy_media, ... or a list).

        No ``BridgeCreated`` event follows a bridge created over REST.
        """
        return _one(Bridge.from_json, await self._c.request(
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
        return _one(Playback.from_json, await self._c.request(
            "POST", f"/bridges/{seg(bridge_id)}/play", params))

    async def record(self, bridge_id: str, name: str, format: str, *,
                     max_duration_seconds: int | None = None,
                     max_silence_seconds: int | None = None, if_exists: str | None = None,
                     beep: bool | None = None, terminate_on: str | None = None) -> LiveRecording:
        """``POST /bridges/{id}/record``."""
        params = query(name=name, format=format, maxDurationSeconds=max_duration_seconds,
                       maxSilenceSeconds=max_silence_seconds, ifExists=if_exists, beep=beep,
                       terminateOn=terminate_on)
        return _one(LiveRecording.from_json, await self._c.request(
            "POST", f"/bridges/{seg(bridge_id)}/record", params))


# -- /playbacks, /recordings, /endpoints -------------------------------------------------------


class Playbacks(_Resource):
    __slots__ = ()

    async def get(self, playback_id: str) -> Playback:
        """``GET /playbacks/{id}`` (404 once finished)."""
        return _one(Playback.from_json,
                    await self._c.request("GET", f"/playbacks/{seg(playback_id)}"))

    async def stop(self, playback_id: str) -> None:
        """``DELETE /playbacks/{id}`` (then PlaybackFinished with state ``done``)."""
        await self._c.request("DELETE", f"/playbacks/{seg(playback_id)}")

    async def control(self, playback_id: str, operation: str) -> None:
        """``POST /playbacks/{id}/control`` (restart, pause, unpause, reverse, forward)."""
        await self._c.request("POST", f"/playbacks/{seg(playback_id)}/control",
                              query(operation=operation))


class Recordings(_Resource):
    __slots__ = ()

    async def get_live(self, name: str) -> LiveRecording:
        """``GET /recordings/live/{name}``."""
        return _one(LiveRecording.from_json,
                    await self._c.request("GET", f"/recordings/live/{seg(name)}"))

    async def stop_live(self, name: str) -> None:
        """``POST /recordings/live/{name}/stop`` (keeps the file)."""
        await self._c.request("POST", f"/recordings/live/{seg(name)}/stop")

    async def cancel_live(self, name: str) -> None:
        """``DELETE /recordings/live/{name}`` (discards the file)."""
        await self._c.request("DELETE", f"/recordings/live/{seg(name)}")

    async def list_stored(self) -> builtins.list[StoredRecording]:
        """``GET /recordings/stored``."""
        return _list(await self._c.request("GET", "/recordings/stored"), StoredRecording.from_json)

    async def get_stored(self, name: str) -> StoredRecording:
        """``GET /recordings/stored/{name}``."""
        return _one(StoredRecording.from_json, await self._c.request(
            "GET", f"/recordings/stored/{seg(name)}"))

    async def delete_stored(self, name: str) -> None:
        """``DELETE /recordings/stored/{name}``."""
        await self._c.request("DELETE", f"/recordings/stored/{seg(name)}")

    async def copy_stored(self, name: str, destination: str) -> StoredRecording:
        """``POST /recordings/stored/{name}/copy?destinationRecordingName=...``."""
        return _one(StoredRecording.from_json, await self._c.request(
            "POST", f"/recordings/stored/{seg(name)}/copy",
            query(destinationRecordingName=destination)))


class Endpoints(_Resource):
    __slots__ = ()

    async def list(self, tech: str | None = None) -> builtins.list[Endpoint]:
        """``GET /endpoints`` (or ``GET /endpoints/{tech}``)."""
        path = "/endpoints" if tech is None else f"/endpoints/{seg(tech)}"
        return _list(await self._c.request("GET", path), Endpoint.from_json)

    async def get(self, tech: str, resource: str) -> Endpoint:
        """``GET /endpoints/{tech}/{resource}``."""
        return _one(Endpoint.from_json, await self._c.request(
            "GET", f"/endpoints/{seg(tech)}/{seg(resource)}"))
