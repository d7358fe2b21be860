"""The ARI client: REST calls and the events WebSocket, on aiohttp.

::

    async with AriClient(base_url="http://127.0.0.1:8088/ari", username="radgivning",
                         password="…", app="contactcenter") as client:
        channel = await client.channels.get("caller-1")
        await client.run(handler)          # until client.close()

``run`` keeps one events WebSocket open (``/ari/events?app=NAME&subscribeAll=false``,
credentials in the ``Authorization`` header, never in the URL) and:

* after every successful (re)connect reads a fresh :class:`AriSnapshot`
  (``GET /channels``, ``/bridges``, ``/applications/{app}``) and awaits
  ``handler.on_connected(snapshot)``; events arriving meanwhile are held and
  dispatched after it, in order (Asterisk replays nothing after a gap, so the
  handler rebuilds its state from the snapshot);
* dispatches every event to ``handler.on_event(event)``: the same ordering
  key strictly in order, one at a time; different keys concurrently
  (:class:`~ari.dispatch.KeyedDispatcher`);
* on a dropped socket or a failed connect retries with exponential backoff
  and jitter between ``reconnect_min`` and ``reconnect_max`` seconds, logging
  each attempt; the backoff starts again from ``reconnect_min`` after a
  connection that stayed up ``healthy_after`` seconds;
* on ``ApplicationReplaced`` (another process took the application over)
  calls ``handler.on_application_replaced(event)`` when the handler has it
  (``on_event`` otherwise), closes this socket and waits ``reconnect_max``
  before connecting again, so two instances do not fight in a tight loop.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections.abc import Mapping
from typing import Any, Self

import aiohttp
from yarl import URL

from ari.errors import AriConnectionError, error_for_status
from ari.event_stream import EventStream
from ari.handler import AriEventHandler, AriSnapshot, BaseAriEventHandler
from ari.resources import (
    Applications,
    Asterisk,
    Bridges,
    Channels,
    Endpoints,
    Playbacks,
    Recordings,
)

log = logging.getLogger(__name__)

__all__ = ["AriClient", "AriEventHandler", "AriSnapshot", "BaseAriEventHandler"]


class AriClient:
    """A thin typed client for Asterisk's REST Interface."""

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        app: str,
        *,
        reconnect_min: float = 0.5,
        reconnect_max: float = 30.0,
        request_timeout: float = 10.0,
        healthy_after: float = 5.0,
        ws_heartbeat: float | None = 30.0,
    ) -> None:
        if reconnect_min <= 0 or reconnect_max < reconnect_min:
            raise ValueError("need 0 < reconnect_min <= reconnect_max")
        url = _ari_url(base_url)
        self.base_url = str(url)
        self._base = self.base_url
        self.app = app
        self.request_timeout = float(request_timeout)
        self._auth = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        ws_scheme = "wss" if url.scheme == "https" else "ws"
        self.events_url = str((url.with_scheme(ws_scheme) / "events").with_query(
            {"app": app, "subscribeAll": "false"}))
        self._timeout = aiohttp.ClientTimeout(total=self.request_timeout)
        self._session: aiohttp.ClientSession | None = None

        self.asterisk = Asterisk(self)
        self.applications = Applications(self)
        self.channels = Channels(self)
        self.bridges = Bridges(self)
        self.playbacks = Playbacks(self)
        self.recordings = Recordings(self)
        self.endpoints = Endpoints(self)

        self._events = EventStream(
            self.events_url, self._auth, app, self.snapshot, reconnect_min=float(reconnect_min),
            reconnect_max=float(reconnect_max), request_timeout=self.request_timeout,
            healthy_after=float(healthy_after), heartbeat=ws_heartbeat)
        self.connected = self._events.connected
        """Set while the events socket is up and the handler has its snapshot."""

    # -- lifecycle ------------------------------------------------------------------------------
    async def start(self) -> None:
        """Open the HTTP session (idempotent)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                headers={"Authorization": self._auth},
                timeout=aiohttp.ClientTimeout(total=None, sock_connect=self.request_timeout),
            )
        self._events.reopen()

    async def close(self) -> None:
        """Stop ``run`` (its workers are cancelled), close the socket and the HTTP session."""
        await self._events.close()
        if self._session is not None:
            await self._session.close()
        self.connected.clear()

    async def drop_events(self) -> bool:
        """Close the events socket as a network drop would (a fault drill, the real-Asterisk
        tests): ``run`` reconnects, takes a new snapshot and resyncs. False when not
        connected."""
        return await self._events.drop()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def is_connected(self) -> bool:
        return self.connected.is_set()

    # The reconnect tunables live on the events stream; settable here, as before.
    @property
    def reconnect_min(self) -> float:
        return self._events.reconnect_min

    @reconnect_min.setter
    def reconnect_min(self, seconds: float) -> None:
        self._events.reconnect_min = float(seconds)

    @property
    def reconnect_max(self) -> float:
        return self._events.reconnect_max

    @reconnect_max.setter
    def reconnect_max(self, seconds: float) -> None:
        self._events.reconnect_max = float(seconds)

    @property
    def healthy_after(self) -> float:
        return self._events.healthy_after

    @healthy_after.setter
    def healthy_after(self, seconds: float) -> None:
        self._events.healthy_after = float(seconds)

    @property
    def handler_errors(self) -> int:
        """Exceptions raised by ``on_event`` (logged and swallowed)."""
        dispatcher = self._events.dispatcher
        return dispatcher.errors if dispatcher is not None else 0

    @property
    def active_keys(self) -> int:
        """Ordering keys with a live worker right now."""
        dispatcher = self._events.dispatcher
        return dispatcher.active_keys if dispatcher is not None else 0

    @property
    def events_received(self) -> int:
        """Event messages received over the WebSocket (all connections)."""
        return self._events.events_received

    @property
    def reconnects(self) -> int:
        """Successful connections after the first one."""
        return self._events.reconnects

    @property
    def connect_failures(self) -> int:
        """Failed connection attempts (refused, handshake error, timeout)."""
        return self._events.connect_failures

    @property
    def connections(self) -> int:
        """Successful connections of the events socket."""
        return self._events.connections

    # -- REST -----------------------------------------------------------------------------------
    async def request(self, method: str, path: str, params: Mapping[str, str] | None = None,
                      body: Any = None) -> Any:
        """One ARI request: parsed JSON of a 2xx answer (``None`` for an empty body).

        Raises a subclass of :class:`AriError` for an error status and
        :class:`AriConnectionError` when no answer came (including a timeout).
        """
        session = self._session
        if session is None or session.closed:
            raise AriConnectionError("client is not started (or closed)", method, path)
        url = URL(self._base + path, encoded=True)
        try:
            async with session.request(method, url, params=params, json=body,
                                       timeout=self._timeout) as resp:
                status = resp.status
                data = await resp.read()
                reason = resp.reason or ""
        except TimeoutError as exc:
            raise AriConnectionError(f"no answer within {self.request_timeout:g}s", method,
                                     path) from exc
        except aiohttp.ClientError as exc:
            raise AriConnectionError(f"{type(exc).__name__}: {exc}", method, path) from exc
        except RuntimeError as exc:  # "Session is closed" while shutting down
            raise AriConnectionError(str(exc), method, path) from exc
        if 200 <= status < 300:
            if not data:
                return None
            try:
                return json.loads(data)
            except ValueError:
                return data.decode("utf-8", "replace")
        raise error_for_status(status, _error_message(data, reason), method, path)

    async def snapshot(self) -> AriSnapshot:
        """``GET /channels``, ``/bridges`` and ``/applications/{app}``, concurrently."""
        channels, bridges, application = await asyncio.gather(
            self.channels.list(), self.bridges.list(), self.applications.get(self.app))
        return AriSnapshot(channels, bridges, application)

    # -- events ---------------------------------------------------------------------------------
    # -- events ---------------------------------------------------------------------------------
    async def run(self, handler: AriEventHandler) -> None:
        """Receive and dispatch events until :meth:`close` (see the module docs)."""
        if self._events.running:
            raise RuntimeError("AriClient.run() is already running")
        await self.start()
        assert self._session is not None
        await self._events.run(self._session, handler)


def _ari_url(base_url: str) -> URL:
    """``base_url`` without credentials (they go in the Authorization header only), ending in
    ``/ari`` (Asterisk serves ARI under <http prefix>/ari; the server's address alone will do)."""
    url = URL(base_url.rstrip("/"))
    if url.user or url.password:
        url = url.with_user(None)
    if not url.path.rstrip("/").endswith("/ari"):
        url = url.with_path(url.path.rstrip("/") + "/ari")
    return url



def _error_message(data: bytes, reason: str) -> str:
    if data:
        try:
            body = json.loads(data)
        except ValueError:
            text = data.decode("utf-8", "replace").strip()
            return text[:500] if text else reason
        if isinstance(body, dict):
            message = body.get("message") or body.get("error")
            if message:
                return str(message)
        return json.dumps(body)[:500]
    return reason
