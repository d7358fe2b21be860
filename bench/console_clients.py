"""The nurse consoles of ``bench/console_load.py``, run in a process of their own.

Reads one JSON line of logins ``[[username, password, nurse_id], ...]`` on stdin, logs
each in as a browser does, reads ``GET /api/v1/console`` once and keeps the console
WebSocket open; prints ``{"ready": true}`` once every console has its first push, and on
``stop`` the figures as one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiohttp

LOGINS_AT_ONCE = 1  # one at a time: concurrent logins on SQLite can fail with "database is locked"


def _ts(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


@dataclass
class ConsoleLog:
    """What one console saw, and what was wrong with it."""

    username: str
    nurse_id: str
    messages: int = 0
    changed: int = 0
    states: list[tuple[str, str | None]] = field(default_factory=list)
    calls: set[str] = field(default_factory=set)
    other_nurse: int = 0
    work_of_other_nurse: int = 0
    _last: str = ""

    def saw(self, view: dict[str, Any], at: float, lags: list[float],
            change_lags: list[float]) -> None:
        self.messages += 1
        lags.append(at - _ts(view["server_time"]))
        nurse, work = view.get("nurse") or {}, view.get("work")
        if nurse.get("nurse_id") != self.nurse_id:
            self.other_nurse += 1
        if work is not None and (work.get("nurse_id") != self.nurse_id
                                 or work.get("username") != self.username):
            self.work_of_other_nurse += 1
        for call_id in (nurse.get("call_id"), (work or {}).get("call_id")):
            if call_id:
                self.calls.add(call_id)
        steady = {k: v for k, v in (work or {}).items() if k != "phase_durations"}
        key = json.dumps([nurse, steady], sort_keys=True)
        if key != self._last:
            self.changed += 1
            self._last = key
        state = (nurse.get("state", ""), nurse.get("call_id") or (work or {}).get("call_id"))
        if not self.states or self.states[-1] != state:
            if self.states and nurse.get("since"):  # the first push is not a change
                change_lags.append(at - _ts(nurse["since"]))
            self.states.append(state)


@dataclass
class Consoles:
    base: str
    logs: list[ConsoleLog] = field(default_factory=list)
    lags: list[float] = field(default_factory=list)
    change_lags: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def console(self, log: ConsoleLog, password: str, gate: asyncio.Semaphore,
                      first: asyncio.Event) -> None:
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as http:
            http.headers["Origin"] = self.base
            async with gate, http.post(f"{self.base}/login", json={
                    "username": log.username, "password": password}) as resp:
                if resp.status != 200:
                    raise RuntimeError(f"login {log.username}: {resp.status}")
            async with http.get(f"{self.base}/api/v1/console") as resp:
                view = await resp.json()
                if resp.status != 200 or view["nurse"]["nurse_id"] != log.nurse_id:
                    log.other_nurse += 1
            async with http.ws_connect(f"{self.base}/api/v1/console/events") as ws:
                reader = asyncio.ensure_future(self._read(ws, log, first))
                stopper = asyncio.ensure_future(self.stop.wait())
                await asyncio.wait({reader, stopper}, return_when=asyncio.FIRST_COMPLETED)
                stopper.cancel()
                reader.cancel()
                if reader.done() and not reader.cancelled() and reader.exception():
                    self.errors.append(f"{log.username}: {reader.exception()!r}")

    async def _read(self, ws: aiohttp.ClientWebSocketResponse, log: ConsoleLog,
                    first: asyncio.Event) -> None:
        async for msg in ws:
            at = time.time()
            if msg.type is not aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(msg.data)
            if data.get("type") == "console":
                log.saw(data, at, self.lags, self.change_lags)
                first.set()
        self.errors.append(f"{log.username}: the socket closed ({ws.close_code})")


def figures(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    ordered = sorted(values)

    def at(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]
                     * 1000, 1)

    return {"n": len(ordered), "p50_ms": at(50), "p99_ms": at(99), "max_ms": at(100)}


def summary(consoles: Consoles, seconds: float) -> dict[str, Any]:
    logs = consoles.logs
    messages = sum(c.messages for c in logs)
    return {
        "connected": len(logs), "seconds": round(seconds, 1), "messages": messages,
        "messages_per_s": round(messages / max(seconds, 1e-9), 1),
        "changed_messages": sum(c.changed for c in logs),
        "push_lag": figures(consoles.lags),
        "change_lag": figures(consoles.change_lags),
        "violations": {"other_nurse": sum(c.other_nurse for c in logs),
                       "work_of_other_nurse": sum(c.work_of_other_nurse for c in logs)},
        "errors": consoles.errors[:10],
        "per_console": {c.nurse_id: {"calls": sorted(c.calls), "states": c.states}
                        for c in logs},
    }


async def run_consoles(base: str) -> None:
    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    logins = json.loads(await stdin.readline())
    consoles = Consoles(base)
    gate = asyncio.Semaphore(LOGINS_AT_ONCE)
    firsts, tasks = [], []
    for username, password, nurse_id in logins:
        log = ConsoleLog(username, nurse_id)
        consoles.logs.append(log)
        firsts.append(asyncio.Event())
        tasks.append(asyncio.ensure_future(consoles.console(log, password, gate, firsts[-1])))
    everyone = asyncio.gather(*(e.wait() for e in firsts))
    pending: set[asyncio.Future[Any]] = {*tasks, everyone}
    while not everyone.done():
        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        ended = [t for t in done if t is not everyone]
        if ended:  # a console that ends before its first push failed to start
            error = ended[0].exception() or consoles.errors[:1]
            print(json.dumps({"ready": False, "error": repr(error)}), flush=True)
            return
    print(json.dumps({"ready": True}), flush=True)
    for log in consoles.logs:  # count only what arrives during the surge
        log.messages = log.changed = 0
    consoles.lags.clear()
    consoles.change_lags.clear()
    began = time.perf_counter()
    await stdin.readline()
    seconds = time.perf_counter() - began
    consoles.stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    print(json.dumps(summary(consoles, seconds)), flush=True)
