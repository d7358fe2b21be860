"""A small fake ARI server for the client tests: real HTTP and a real WebSocket on loopback.

It records every REST request (method, path under ``/ari``, query, JSON body,
headers) and answers with canned bodies taken from the recordings (or with
whatever a test configures for a method and path), and it accepts the events
WebSocket, recording the handshake, and lets a test push event JSON to it,
drop it, or refuse it. It is deliberately not a simulator: no state machine,
no events of its own.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import socket
from dataclasses import dataclass, field
from typing import Any, Self

from aiohttp import WSMsgType, web

from tests.ari_client import recorded

USERNAME = "radgivning"
PASSWORD = "s3cret-pw"
APP = "contactcenter"


@dataclass
class Received:
    method: str
    path: str  # decoded, under /ari
    raw_path: str  # as sent (percent-encoded), under /ari
    query: dict[str, str]
    query_pairs: list[tuple[str, str]]
    body: Any
    raw_body: bytes
    headers: dict[str, str]


@dataclass
class WsConnect:
    url: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    close_code: int | None = None


def _canned() -> list[tuple[str, str, Any]]:
    """(method, path regex, body) -> default 2xx answers, from the recordings."""
    channel = recorded.first_body("01-inbound-ivr-dtmf", "POST", "/channels")
    playback = recorded.first_body("01-inbound-ivr-dtmf", "POST", "/channels/caller-1/play")
    bridge = recorded.first_body("03-agent-connect", "POST", "/bridges")
    application = recorded.first_body("03-agent-connect", "GET", "/applications/contactcenter")
    live = recorded.first_body("10-record-bridge", "POST", "/bridges/bridge-mix-1/record", 201)
    stored = recorded.first_body("10-record-bridge", "GET", "/recordings/stored/rec-bridge-1", 200)
    misc = recorded.static("misc-gets.json")
    endpoints = recorded.static("endpoints.json")
    info = recorded.static("asterisk-info.json")
    variable = {"value": "01"}
    return [
        ("GET", r"/asterisk/info", info),
        ("GET", r"/asterisk/ping", misc["/asterisk/ping"]["body"]),
        ("GET", r"/asterisk/variable", misc["/asterisk/variable?variable=ASTETCDIR"]["body"]),
        ("GET", r"/applications", [application]),
        ("*", r"/applications/[^/]+(/subscription|/eventFilter)?", application),
        ("POST", r"/channels(/create)?", channel),
        ("GET", r"/channels/[^/]+", channel),
        ("POST", r"/channels/[^/]+/snoop(/[^/]+)?", channel),
        ("GET", r"/channels/[^/]+/variable", variable),
        ("POST", r"/(channels|bridges)/[^/]+/play(/[^/]+)?", (201, playback)),
        ("GET", r"/playbacks/[^/]+", playback),
        ("POST", r"/(channels|bridges)/[^/]+/record", (201, live)),
        ("GET", r"/recordings/live/[^/]+", live),
        ("GET", r"/recordings/stored", [stored]),
        ("GET", r"/recordings/stored/[^/]+", stored),
        ("POST", r"/recordings/stored/[^/]+/copy", stored),
        ("POST", r"/bridges", bridge),
        ("GET", r"/bridges/[^/]+", bridge),
        ("GET", r"/endpoints", endpoints),
        ("GET", r"/endpoints/[^/]+", endpoints),
        ("GET", r"/endpoints/[^/]+/[^/]+", endpoints[0]),
    ]


class FakeAri:
    """``async with FakeAri() as fake: fake.base_url`` -> ``http://127.0.0.1:PORT/ari``."""

    def __init__(self, *, port: int = 0, username: str = USERNAME, password: str = PASSWORD,
                 app: str = APP) -> None:
        self.port = port
        self.username = username
        self.password = password
        self.app = app
        self.requests: list[Received] = []
        self.ws_connects: list[WsConnect] = []
        self.sockets: list[web.WebSocketResponse] = []
        # state served to GET /channels, /bridges, /applications/{app}
        self.channels: list[dict[str, Any]] = []
        self.bridges: list[dict[str, Any]] = []
        self.application: dict[str, Any] = {
            "name": app, "channel_ids": [], "bridge_ids": [], "endpoint_ids": [],
            "device_names": [], "events_allowed": [], "events_disallowed": []}
        # test controls
        self.overrides: dict[tuple[str, str], tuple[int, Any]] = {}
        self.delays: dict[tuple[str, str], float] = {}
        self.ws_refuse: int | None = None          # answer the WS handshake with this status
        self.on_connect_events: list[dict[str, Any]] = []  # pushed right after each WS connect
        self._canned = [(m, re.compile(p + "$"), body) for m, p, body in _canned()]
        self._ws_cond: asyncio.Condition | None = None
        self._runner: web.AppRunner | None = None

    # -- lifecycle ------------------------------------------------------------------------------
    async def start(self) -> FakeAri:
        app = web.Application()
        app.router.add_get("/ari/events", self._events)
        app.router.add_route("*", "/ari/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        if not self.port:
            self.port = self._runner.addresses[0][1]
        self._ws_cond = asyncio.Condition()
        return self

    async def stop(self) -> None:
        await self.drop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/ari"

    # -- test controls --------------------------------------------------------------------------
    def respond(self, method: str, path: str, status: int, body: Any = None) -> None:
        """Answer ``method path`` (path under /ari, no query) with ``status`` and JSON ``body``."""
        self.overrides[(method, path)] = (status, body)

    def received(self, method: str | None = None, path: str | None = None) -> list[Received]:
        return [r for r in self.requests
                if (method is None or r.method == method) and (path is None or r.path == path)]

    def last(self) -> Received:
        return self.requests[-1]

    async def push(self, *events: dict[str, Any] | str, socket_index: int = -1) -> None:
        """Send events (dicts are JSON-encoded) over the newest (or the given) socket."""
        ws = self.sockets[socket_index]
        for event in events:
            await ws.send_str(event if isinstance(event, str) else json.dumps(event))

    async def drop(self) -> None:
        """Close every open events socket from the server side."""
        for ws in list(self.sockets):
            await ws.close(code=1001, message=b"going away")

    async def wait_connects(self, count: int, timeout: float = 5.0) -> WsConnect:
        """Wait until ``count`` WebSocket connections were accepted in total; the newest."""
        assert self._ws_cond is not None
        async with self._ws_cond:
            await asyncio.wait_for(
                self._ws_cond.wait_for(lambda: len(self.ws_connects) >= count), timeout)
        return self.ws_connects[count - 1]

    # -- handlers -------------------------------------------------------------------------------
    def _authorized(self, request: web.Request) -> bool:
        expected = "Basic " + base64.b64encode(
            f"{self.username}:{self.password}".encode()).decode()
        return request.headers.get("Authorization") == expected

    @staticmethod
    def _unauthorized() -> web.Response:
        return web.json_response(
            {"message": "Authentication required"}, status=401,
            headers={"WWW-Authenticate": 'Basic realm="Asterisk REST Interface"'})

    async def _events(self, request: web.Request) -> web.StreamResponse:
        if not self._authorized(request):
            return self._unauthorized()
        if self.ws_refuse is not None:
            return web.Response(status=self.ws_refuse, text="refused by the test")
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        conn = WsConnect(url=str(request.url), path=request.path, query=dict(request.query),
                         headers=dict(request.headers))
        self.sockets.append(ws)
        assert self._ws_cond is not None
        async with self._ws_cond:
            self.ws_connects.append(conn)
            self._ws_cond.notify_all()
        try:
            for event in self.on_connect_events:
                await ws.send_str(json.dumps(event))
            async for msg in ws:
                if msg.type is WSMsgType.ERROR:
                    break
        finally:
            self.sockets.remove(ws)
            conn.close_code = ws.close_code
            conn.closed.set()
        return ws

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        self.requests.append(Received(
            method=request.method, path=path,
            raw_path=request.raw_path.split("?", 1)[0].removeprefix("/ari"),
            query=dict(request.query),
            query_pairs=list(request.query.items()), body=body, raw_body=raw,
            headers=dict(request.headers)))
        if not self._authorized(request):
            return self._unauthorized()
        delay = self.delays.get((request.method, path))
        if delay:
            await asyncio.sleep(delay)
        override = self.overrides.get((request.method, path))
        if override is not None:
            return _json(*override)
        if request.method == "GET":
            if path == "/channels":
                return _json(200, self.channels)
            if path == "/bridges":
                return _json(200, self.bridges)
            if path == f"/applications/{self.app}":
                return _json(200, self.application)
        for method, pattern, canned in self._canned:
            if (method == "*" or method == request.method) and pattern.match(path):
                if isinstance(canned, tuple):
                    return _json(*canned)
                return _json(200, canned)
        return web.Response(status=204)


def _json(status: int, body: Any) -> web.Response:
    if body is None:
        return web.Response(status=status)
    return web.json_response(body, status=status)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
