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
import contextlib
import json
import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, Self, runtime_checkable

import aiohttp
from yarl import URL

from ari.dispatch import KeyedDispatcher, describe_event
from ari.errors import AriConnectionError, AriError, error_for_status
from ari.events import ApplicationReplaced, AriEvent, parse_event
from ari.models import Application, Bridge, Channel
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


@dataclass(frozen=True, slots=True)
class AriSnapshot:
    """What Asterisk has now, read right after the events socket (re)connected."""

    channels: list[Channel]
    bridges: list[Bridge]
    application: Application


@runtime_checkable
class AriEventHandler(Protocol):
    """What ``AriClient.run`` drives.

    Optional, looked up with ``getattr``: ``async on_disconnected()`` (the
    socket went down after ``on_connected``) and
    ``async on_application_replaced(event)``.
    """

    async def on_event(self, event: AriEvent) -> None: ...

    async def on_connected(self, snapshot: AriSnapshot) -> None: ...


class BaseAriEventHandler:
    """A handler with no-op defaults, to subclass."""

    async def on_event(self, event: AriEvent) -> None:
        return None

    async def on_connected(self, snapshot: AriSnapshot) -> None:
        return None

    async def on_disconnected(self) -> None:
        return None

    async def on_application_replaced(self, event: ApplicationReplaced) -> None:
        return None


_TEXT = aiohttp.WSMsgType.TEXT
_BINARY = aiohttp.WSMsgType.BINARY
_END = frozenset({aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.CLOSED,
                  aiohttp.WSMsgType.ERROR})

# How a connection ended.
_CLOSED = "closed"          # client.close()
_DROPPED = "dropped"        # the server closed or the socket broke
_REPLACED = "replaced"      # ApplicationReplaced
_NO_SNAPSHOT = "no_snapshot"  # connected, but the snapshot could not be read


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
        url = URL(base_url.rstrip("/"))
        if url.user or url.password:  # credentials go in the Authorization header only
            url = url.with_user(None)
        if not url.path.rstrip("/").endswith("/ari"):
            # Asterisk serves ARI under <http prefix>/ari; accept the server's address alone.
            url = url.with_path(url.path.rstrip("/") + "/ari")
        self.base_url = str(url)
        self._base = self.base_url
        self.app = app
        self.reconnect_min = float(reconnect_min)
        self.reconnect_max = float(reconnect_max)
        self.request_timeout = float(request_timeout)
        self.healthy_after = float(healthy_after)
        self._heartbeat = ws_heartbeat
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

        # events state
        self.connected = asyncio.Event()
        """Set while the events socket is up and the handler has its snapshot."""
        self.events_received = 0
        """Event messages received over the WebSocket (all connections)."""
        self.reconnects = 0
        """Successful connections after the first one."""
        self.connect_failures = 0
        """Failed connection attempts (refused, handshake error, timeout)."""
        self.connections = 0
        self._closing = False
        self._stop = asyncio.Event()
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._dispatcher: KeyedDispatcher | None = None
        self._held: list[AriEvent] | None = None
        self._internal: set[asyncio.Task[Any]] = set()
        self._run_done: asyncio.Event | None = None

    # -- lifecycle ------------------------------------------------------------------------------
    async def start(self) -> None:
        """Open the HTTP session (idempotent)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                headers={"Authorization": self._auth},
                timeout=aiohttp.ClientTimeout(total=None, sock_connect=self.request_timeout),
            )
        self._closing = False
        self._stop.clear()

    async def close(self) -> None:
        """Stop ``run`` (its workers are cancelled), close the socket and the HTTP session."""
        self._closing = True
        self._stop.set()
        ws = self._ws
        if ws is not None and not ws.closed:
            try:
                await ws.close()
            except Exception:
                log.debug("closing the ARI events socket failed", exc_info=True)
        done = self._run_done
        current = asyncio.current_task()
        if done is not None and current not in self._internal and \
                (self._dispatcher is None or not self._dispatcher.owns(current)):
            try:
                await asyncio.wait_for(done.wait(), timeout=max(5.0, self.request_timeout))
            except TimeoutError:
                log.warning("ARI client: run() did not stop in time")
        if self._session is not None:
            await self._session.close()
        self.connected.clear()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def is_connected(self) -> bool:
        return self.connected.is_set()

    @property
    def handler_errors(self) -> int:
        """Exceptions raised by ``on_event`` (logged and swallowed)."""
        return self._dispatcher.errors if self._dispatcher is not None else 0

    @property
    def active_keys(self) -> int:
        """Ordering keys with a live worker right now."""
        return self._dispatcher.active_keys if self._dispatcher is not None else 0

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
    async def run(self, handler: AriEventHandler) -> None:
        """Receive and dispatch events until :meth:`close` (see the module docs)."""
        if self._run_done is not None:
            raise RuntimeError("AriClient.run() is already running")
        await self.start()
        self._run_done = asyncio.Event()
        dispatcher = KeyedDispatcher(handler.on_event)
        self._dispatcher = dispatcher
        failures = 0
        try:
            while not self._closing:
                attempt = failures + 1
                log.info("ARI events: connecting to %s (attempt %d)", self.events_url, attempt)
                ws = await self._open(attempt)
                if ws is None:
                    if self._closing:
                        break
                    failures += 1
                    self.connect_failures += 1
                    await self._backoff(failures)
                    continue
                if self.connections:
                    self.reconnects += 1
                self.connections += 1
                opened = asyncio.get_running_loop().time()
                outcome = await self._serve(ws, handler, dispatcher)
                if self._closing or outcome == _CLOSED:
                    break
                if outcome == _REPLACED:
                    failures = 0
                    log.warning("ARI events: waiting %.1fs before taking application %s back",
                                self.reconnect_max, self.app)
                    await self._sleep(self.reconnect_max)
                    continue
                lived = asyncio.get_running_loop().time() - opened
                if outcome == _DROPPED and lived >= self.healthy_after:
                    failures = 0
                failures += 1
                log.warning("ARI events: %s after %.1fs",
                            "connection lost" if outcome == _DROPPED else
                            "could not read channels/bridges after connecting", lived)
                await self._backoff(failures)
        finally:
            self.connected.clear()
            await dispatcher.cancel()
            self._run_done.set()
            self._run_done = None

    def _delay(self, failures: int) -> float:
        base = self.reconnect_min * (2.0 ** min(failures - 1, 30))
        base = min(base, self.reconnect_max)
        return min(self.reconnect_max, base + random.uniform(0.0, base * 0.5))

    async def _backoff(self, failures: int) -> None:
        delay = self._delay(failures)
        log.warning("ARI events: reconnecting in %.2fs (attempt %d)", delay, failures + 1)
        await self._sleep(delay)

    async def _sleep(self, delay: float) -> None:
        if self._stop.is_set():
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), timeout=delay)

    async def _open(self, attempt: int) -> aiohttp.ClientWebSocketResponse | None:
        session = self._session
        assert session is not None
        try:
            async with asyncio.timeout(self.request_timeout):
                ws = await session.ws_connect(
                    self.events_url, headers={"Authorization": self._auth},
                    heartbeat=self._heartbeat, autoping=True)
        except aiohttp.WSServerHandshakeError as exc:
            log.error("ARI events: %s refused the WebSocket (attempt %d): HTTP %s %s",
                      self.events_url, attempt, exc.status, exc.message)
            return None
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            log.warning("ARI events: cannot connect to %s (attempt %d): %s: %s",
                        self.events_url, attempt, type(exc).__name__, exc)
            return None
        except RuntimeError as exc:  # e.g. the session was closed meanwhile
            if not self._closing:
                log.warning("ARI events: cannot connect (attempt %d): %s", attempt, exc)
            return None
        if self._closing:
            await ws.close()
            return None
        log.info("ARI events: connected to %s", self.events_url)
        return ws

    async def _serve(self, ws: aiohttp.ClientWebSocketResponse, handler: AriEventHandler,
                     dispatcher: KeyedDispatcher) -> str:
        """Read one connection until it ends; returns how it ended."""
        self._ws = ws
        state = _ConnectionState()
        self._held = []
        rebuild = asyncio.get_running_loop().create_task(self._rebuild(ws, handler, dispatcher,
                                                                       state))
        self._internal.add(rebuild)
        outcome = _DROPPED
        loads = json.loads
        submit = dispatcher.submit
        try:
            while True:
                msg = await ws.receive()
                kind = msg.type
                if kind is _TEXT or kind is _BINARY:
                    try:
                        data = loads(msg.data)
                    except ValueError:
                        log.warning("ARI events: ignoring a message that is not JSON: %.200r",
                                    msg.data)
                        continue
                    if type(data) is not dict:
                        log.warning("ARI events: ignoring a message that is not an object: %.200r",
                                    msg.data)
                        continue
                    self.events_received += 1
                    event = parse_event(data)
                    if event.__class__ is ApplicationReplaced:
                        outcome = _REPLACED
                        await self._replaced(handler, dispatcher, event)
                        break
                    held = self._held
                    if held is not None:
                        held.append(event)
                    else:
                        submit(event.ordering_key, event)
                elif kind in _END:
                    if kind is aiohttp.WSMsgType.ERROR:
                        log.warning("ARI events: socket error: %s", ws.exception())
                    break
        except BaseException:
            rebuild.cancel()  # run() itself is being cancelled
            raise
        finally:
            self._ws = None
            if not ws.closed:
                try:
                    await ws.close()
                except Exception:
                    log.debug("closing the ARI events socket failed", exc_info=True)
            if self._closing:
                rebuild.cancel()
            try:
                await rebuild
            except asyncio.CancelledError:
                if not rebuild.cancelled():
                    raise
            finally:
                self._internal.discard(rebuild)
                self._held = None
                was_connected = self.connected.is_set() or state.told_connected
                self.connected.clear()
        if self._closing:
            return _CLOSED
        if was_connected:
            on_disconnected = getattr(handler, "on_disconnected", None)
            if on_disconnected is not None:
                try:
                    await on_disconnected()
                except Exception:
                    log.exception("ARI handler on_disconnected failed")
        if outcome == _DROPPED and state.snapshot_failed:
            return _NO_SNAPSHOT
        return outcome

    async def _rebuild(self, ws: aiohttp.ClientWebSocketResponse, handler: AriEventHandler,
                       dispatcher: KeyedDispatcher, state: _ConnectionState) -> None:
        """Read the snapshot, let the handler rebuild, then release the held events."""
        try:
            snapshot = await self.snapshot()
        except AriError as exc:
            state.snapshot_failed = True
            log.error("ARI events: reading channels/bridges/application after connecting "
                      "failed (%s); reconnecting", exc)
            await ws.close()
            return
        state.told_connected = True
        try:
            await handler.on_connected(snapshot)
        except Exception:
            log.exception("ARI handler on_connected failed (%d channels, %d bridges)",
                          len(snapshot.channels), len(snapshot.bridges))
        held = self._held
        self._held = None
        if held:
            log.debug("ARI events: dispatching %d events held during on_connected", len(held))
            submit = dispatcher.submit
            for event in held:
                submit(event.ordering_key, event)
        if not ws.closed:
            self.connected.set()

    async def _replaced(self, handler: AriEventHandler, dispatcher: KeyedDispatcher,
                        event: ApplicationReplaced) -> None:
        log.error("ARI events: application %s was taken over by another connection "
                  "(ApplicationReplaced); closing this one", self.app)
        callback = getattr(handler, "on_application_replaced", None)
        if callback is None:
            dispatcher.submit(event.ordering_key, event)
            return
        try:
            await callback(event)
        except Exception:
            log.exception("ARI handler on_application_replaced failed on %s",
                          describe_event(event))


class _ConnectionState:
    __slots__ = ("snapshot_failed", "told_connected")

    def __init__(self) -> None:
        self.snapshot_failed = False
        self.told_connected = False


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
