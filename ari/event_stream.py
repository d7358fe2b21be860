"""The events WebSocket of one :class:`~ari.client.AriClient`: connect, snapshot, ordered dispatch.

:class:`EventStream` keeps one ``/ari/events`` socket open for ``run(session,
handler)``: after every (re)connect it reads a fresh snapshot and awaits
``handler.on_connected`` while holding the events that arrive meanwhile, then
dispatches every event through a :class:`~ari.dispatch.KeyedDispatcher` (one
key in order, different keys concurrently); a dropped socket or a failed
connect is retried after :func:`reconnect_delay`, and ``ApplicationReplaced``
waits ``reconnect_max`` before taking the application back. The client's
module docstring describes the behaviour as its users see it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from ari.dispatch import KeyedDispatcher, describe_event
from ari.errors import AriError
from ari.events import ApplicationReplaced, AriEvent, parse_event
from ari.handler import AriEventHandler, AriSnapshot

log = logging.getLogger(__name__)

__all__ = ["EventStream", "reconnect_delay"]


_TEXT = aiohttp.WSMsgType.TEXT
_BINARY = aiohttp.WSMsgType.BINARY
_END = frozenset({aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.CLOSED,
                  aiohttp.WSMsgType.ERROR})

# How a connection ended.
_CLOSED = "closed"          # client.close()
_DROPPED = "dropped"        # the server closed or the socket broke
_REPLACED = "replaced"      # ApplicationReplaced
_NO_SNAPSHOT = "no_snapshot"  # connected, but the snapshot could not be read



def reconnect_delay(failures: int, low: float, high: float) -> float:
    """Seconds to wait after ``failures`` failed attempts: doubling from ``low``, at most
    ``high``, with up to half of it again as jitter so instances do not retry in step."""
    base = low * (2.0 ** min(failures - 1, 30))
    base = min(base, high)
    return min(high, base + random.uniform(0.0, base * 0.5))


class EventStream:
    """The events socket of one client, its reconnects and its counters."""

    def __init__(self, events_url: str, auth: str, app: str,
                 snapshot: Callable[[], Awaitable[AriSnapshot]], *, reconnect_min: float,
                 reconnect_max: float, request_timeout: float, healthy_after: float,
                 heartbeat: float | None) -> None:
        self.events_url = events_url
        self.app = app
        self.reconnect_min = reconnect_min
        self.reconnect_max = reconnect_max
        self.request_timeout = request_timeout
        self.healthy_after = healthy_after
        self._auth = auth
        self._heartbeat = heartbeat
        self._snapshot = snapshot
        self.connected = asyncio.Event()
        """Set while the socket is up and the handler has its snapshot."""
        self.events_received = 0
        """Event messages received over the WebSocket (all connections)."""
        self.reconnects = 0
        """Successful connections after the first one."""
        self.connect_failures = 0
        """Failed connection attempts (refused, handshake error, timeout)."""
        self.connections = 0
        self.dispatcher: KeyedDispatcher | None = None
        """The dispatcher of the current (or last) ``run``."""
        self._session: aiohttp.ClientSession | None = None
        self._closing = False
        self._stop = asyncio.Event()
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._held: list[AriEvent] | None = None
        self._internal: set[asyncio.Task[Any]] = set()
        self._run_done: asyncio.Event | None = None

    @property
    def running(self) -> bool:
        return self._run_done is not None

    def reopen(self) -> None:
        """Allow ``run`` again after :meth:`close`."""
        self._closing = False
        self._stop.clear()

    async def drop(self) -> bool:
        """Close the current socket as a network drop would; ``run`` reconnects and resyncs.
        False when no socket is open."""
        ws = self._ws
        if ws is None or ws.closed:
            return False
        await ws.close()
        return True

    async def close(self) -> None:
        """Stop ``run`` (its workers are cancelled), close the socket, wait for ``run`` to end."""
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
                (self.dispatcher is None or not self.dispatcher.owns(current)):
            try:
                await asyncio.wait_for(done.wait(), timeout=max(5.0, self.request_timeout))
            except TimeoutError:
                log.warning("ARI client: run() did not stop in time")

    async def run(self, session: aiohttp.ClientSession, handler: AriEventHandler) -> None:
        """Receive and dispatch events over ``session`` until :meth:`close`."""
        if self._run_done is not None:
            raise RuntimeError("AriClient.run() is already running")
        self._session = session
        self._run_done = asyncio.Event()
        dispatcher = KeyedDispatcher(handler.on_event)
        self.dispatcher = dispatcher
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
        return reconnect_delay(failures, self.reconnect_min, self.reconnect_max)

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
        try:
            outcome = await self._receive(ws, handler, dispatcher)
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

    async def _receive(self, ws: aiohttp.ClientWebSocketResponse, handler: AriEventHandler,
                       dispatcher: KeyedDispatcher) -> str:
        """Parse and dispatch (or hold) every message until the socket ends or is taken over."""
        loads = json.loads
        submit = dispatcher.submit
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
                    await self._replaced(handler, dispatcher, event)
                    return _REPLACED
                held = self._held
                if held is not None:
                    held.append(event)
                else:
                    submit(event.ordering_key, event)
            elif kind in _END:
                if kind is aiohttp.WSMsgType.ERROR:
                    log.warning("ARI events: socket error: %s", ws.exception())
                return _DROPPED

    async def _rebuild(self, ws: aiohttp.ClientWebSocketResponse, handler: AriEventHandler,
                       dispatcher: KeyedDispatcher, state: _ConnectionState) -> None:
        """Read the snapshot, let the handler rebuild, then release the held events."""
        try:
            snapshot = await self._snapshot()
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

