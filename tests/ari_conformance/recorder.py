"""Writes a transcript of a scenario run against a real Asterisk, in the format of
``tests/fixtures/ari/`` (``INDEX.md``: one JSON object a line; ``note``, ``ws_connect``,
``ws_connected``, ``ws_event``, ``http_request``, ``http_response``, ``wait_timeout``).

The first note carries the ARI user the recording was made with, so a replay against
the simulator can use the same credentials (the sample ``config/asterisk/ari.conf``'s
test user, not a secret).
"""
from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

import aiohttp


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Recorder:
    """One recording session: sockets, requests and waits, each written as it happens."""

    def __init__(self, base_url: str, username: str, password: str, out: Path) -> None:
        self.base = base_url.rstrip("/")
        self.username, self.password = username, password
        self.out = out
        self.records: list[dict[str, Any]] = []
        self.events: dict[str, list[dict[str, Any]]] = {}
        self.sockets: dict[str, aiohttp.ClientWebSocketResponse] = {}
        self.readers: list[asyncio.Task[None]] = []
        self.session: aiohttp.ClientSession | None = None

    def write(self, kind: str, **fields: Any) -> dict[str, Any]:
        record = {"seq": len(self.records) + 1, "ts": _now(), "kind": kind, **fields}
        self.records.append(record)
        return record

    async def __aenter__(self) -> Self:
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        self.session = aiohttp.ClientSession(headers={"Authorization": f"Basic {token}"})
        return self

    async def __aexit__(self, *exc: object) -> None:
        for label in list(self.sockets):
            await self.close(label)
        if self.session is not None:
            await self.session.close()
        self.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n"
                                    for r in self.records), encoding="utf-8")

    # -------------------------------------------------------------- steps
    def note(self, text: str, **fields: Any) -> None:
        self.write("note", text=text, **fields)

    async def connect(self, app: str, label: str = "ws1", **query: str) -> None:
        assert self.session is not None
        params = "&".join(f"{k}={v}" for k, v in {"app": app, **query,
                          "api_key": f"{self.username}:{self.password}"}.items())
        url = self.base.replace("http", "ws", 1) + f"/events?{params}"
        self.write("ws_connect", ws=label, url=url)
        ws = await self.session.ws_connect(url)
        self.write("ws_connected", ws=label, url=url, status=101, headers={})
        self.sockets[label] = ws
        self.events[label] = []
        self.readers.append(asyncio.get_running_loop().create_task(self._read(label, ws)))

    async def _read(self, label: str, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                event = json.loads(msg.data)
                self.events[label].append(event)
                self.write("ws_event", ws=label, event=event)

    async def close(self, label: str = "ws1") -> None:
        ws = self.sockets.pop(label, None)
        if ws is not None:
            self.write("ws_close", ws=label)
            await ws.close()
            self.write("ws_closed", ws=label, code=ws.close_code, reason="")

    async def request(self, method: str, path: str, body: Any = None,
                      **params: str) -> tuple[int, Any]:
        """``method /path`` with query ``params``; the status and the parsed body."""
        assert self.session is not None
        url = f"{self.base}{path}"
        self.write("http_request", method=method, url=url, params=params or None, body=body)
        started = time.perf_counter()
        async with self.session.request(method, url, params=params,
                                        json=body) as resp:
            raw, ctype = await resp.read(), resp.content_type
        parsed: Any = None
        if raw and ctype == "application/json":
            parsed = json.loads(raw)
        elif raw:
            parsed = raw.decode(errors="replace")
        self.write("http_response", method=method, url=url, status=resp.status, body=parsed,
                   content_type=ctype if raw else None,
                   elapsed_ms=round((time.perf_counter() - started) * 1000, 1))
        return resp.status, parsed

    async def wait_for(self, kind: str, where: Callable[[dict[str, Any]], bool] | None = None,
                       label: str = "ws1", timeout: float = 5.0) -> dict[str, Any] | None:
        """The first event of ``kind`` (matching ``where``) not yet waited for; None and a
        ``wait_timeout`` record (an expected absence) when none comes in ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in list(self.events[label]):
                if event["type"] == kind and (where is None or where(event)):
                    self.events[label].remove(event)
                    return event
            await asyncio.sleep(0.02)
        self.write("wait_timeout", ws=label, event_type=kind, seconds=timeout)
        return None

    async def quiet(self, seconds: float) -> None:
        """Let Asterisk run (events keep being recorded)."""
        await asyncio.sleep(seconds)
