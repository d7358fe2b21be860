"""Benchmark: ARI events parsed and dispatched per second by ``AriClient.run``.

    .venv/bin/python bench/ari_events.py [--events N] [--json]

A separate process serves a real WebSocket on loopback (``/ari/events``, plus
the three GETs of the connect snapshot) and pushes N events as fast as it can:
the real event JSON of recording 14 (load burst: 50 calls, 1050 events),
cycled with fresh channel ids for every pass, so the client sees many calls
coming and going. In the same run:

* ``typed``: ``AriClient.run()`` with a trivial handler — JSON decode, typed
  parse, per-key ordered dispatch (a worker per active channel);
* ``baseline``: the same socket read with plain ``aiohttp`` + ``json.loads`` +
  a dict lookup of a handler by ``type`` (no typing, no ordering);
* ``parse_only``: ``json.loads`` + ``parse_event`` in a loop, no socket.

The rate is (events - 1) / (time of last handled event - time of first),
measured in the client process; the server waits before sending so the
client is idle when the first event arrives. No assertions on time.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EVENTS_FILE = ROOT / "tests" / "ari_client" / "data" / "14-load-burst-events.jsonl.gz"
APP = "contactcenter"
USER, PASSWORD = "bench", "bench"
DONE_TYPE = "BenchDone"
START_DELAY = 0.3  # seconds between the handshake and the first event


def load_templates() -> list[str]:
    with gzip.open(EVENTS_FILE, "rt", encoding="utf-8") as fh:
        return [line.strip() for line in fh if line.strip()]


def make_messages(n: int) -> list[str]:
    """N event JSON texts: the recorded burst, channel ids renamed on every pass."""
    templates = load_templates()
    out: list[str] = []
    cycle = 0
    while len(out) < n:
        prefix = f"c{cycle}-"
        for text in templates:
            out.append(text.replace("burst-", prefix))
            if len(out) == n:
                break
        cycle += 1
    return out


# -- server process ----------------------------------------------------------------------------


def serve(port: int, n: int) -> None:
    from aiohttp import web

    messages = make_messages(n)
    done = json.dumps({"type": DONE_TYPE, "timestamp": "2026-11-22T05:37:02.000+0000",
                       "application": APP})
    app_json = {"name": APP, "channel_ids": [], "bridge_ids": [], "endpoint_ids": [],
                "device_names": [], "events_allowed": [], "events_disallowed": []}

    async def events(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(compress=False)
        await ws.prepare(request)
        await asyncio.sleep(START_DELAY)
        send = ws.send_str
        for i, text in enumerate(messages):
            await send(text)
            if i % 256 == 255:
                await asyncio.sleep(0)  # let the transport breathe (writes still pile up)
        await send(done)
        async for _ in ws:
            pass
        return ws

    async def channels(request: web.Request) -> web.Response:
        return web.json_response([])

    async def application(request: web.Request) -> web.Response:
        return web.json_response(app_json)

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/ari/events", events)
        app.router.add_get("/ari/channels", channels)
        app.router.add_get("/ari/bridges", channels)
        app.router.add_get(f"/ari/applications/{APP}", application)
        runner = web.AppRunner(app, handle_signals=True, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port)
        await site.start()
        print("ready", flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())


# -- client side -------------------------------------------------------------------------------


class Trivial:
    def __init__(self, n: int) -> None:
        self.n = n
        self.count = 0
        self.first = 0.0
        self.last = 0.0
        self.done = asyncio.Event()
        self.keys: set[str] = set()

    async def on_connected(self, snapshot: Any) -> None:
        return None

    async def on_event(self, event: Any) -> None:
        if self.count == 0:
            self.first = time.perf_counter()
        self.count += 1
        if event.type == DONE_TYPE:
            self.last = time.perf_counter()
            self.done.set()


async def run_typed(base_url: str, n: int) -> dict[str, Any]:
    from ari import AriClient

    client = AriClient(base_url=base_url, username=USER, password=PASSWORD, app=APP,
                       ws_heartbeat=None)
    handler = Trivial(n)
    async with client:
        task = asyncio.get_running_loop().create_task(client.run(handler))
        await asyncio.wait_for(handler.done.wait(), timeout=600)
        received = client.events_received
        await client.close()
        await task
    elapsed = handler.last - handler.first
    return {"events": handler.count, "received": received, "seconds": round(elapsed, 4),
            "events_per_s": round((handler.count - 1) / elapsed, 1)}


async def run_baseline(base_url: str, n: int) -> dict[str, Any]:
    import base64

    import aiohttp

    state = {"count": 0, "first": 0.0, "last": 0.0}
    counts: dict[str, int] = {}

    def count(d: dict[str, Any]) -> None:
        counts[d["type"]] = counts.get(d["type"], 0) + 1

    handlers: dict[str, Any] = {}
    auth = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    url = base_url.replace("http://", "ws://") + f"/events?app={APP}&subscribeAll=false"
    loads = json.loads
    async with aiohttp.ClientSession(headers={"Authorization": auth}) as session, \
            session.ws_connect(url) as ws:
        while True:
            msg = await ws.receive()
            if msg.type is not aiohttp.WSMsgType.TEXT:
                break
            d = loads(msg.data)
            if state["count"] == 0:
                state["first"] = time.perf_counter()
            state["count"] += 1
            handlers.get(d["type"], count)(d)
            if d["type"] == DONE_TYPE:
                state["last"] = time.perf_counter()
                break
    elapsed = state["last"] - state["first"]
    return {"events": state["count"], "seconds": round(elapsed, 4),
            "events_per_s": round((state["count"] - 1) / elapsed, 1)}


def run_parse_only(n: int) -> dict[str, Any]:
    from ari import parse_event

    messages = make_messages(min(n, 50_000))
    loads = json.loads
    start = time.perf_counter()
    for text in messages:
        event = parse_event(loads(text))
        event.ordering_key  # noqa: B018 - part of what dispatch needs
    elapsed = time.perf_counter() - start
    return {"events": len(messages), "seconds": round(elapsed, 4),
            "events_per_s": round(len(messages) / elapsed, 1)}


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(n: int) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--serve", str(port), "--events", str(n)],
                            stdout=subprocess.PIPE, text=True, cwd=str(ROOT))
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.strip() != "ready":
        proc.kill()
        raise SystemExit(f"benchmark server did not start: {line!r}")
    return proc, f"http://127.0.0.1:{port}/ari"


def stop_server(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000, help="events to push (100000)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.events)
        return
    n = max(2, args.events)

    results: dict[str, Any] = {"events": n, "python": platform.python_version(),
                               "cpus": os.cpu_count(),
                               "source": "recording 14-load-burst (1050 events, 50 calls), "
                                         "channel ids renamed each pass"}
    proc, base_url = start_server(n)
    try:
        results["typed"] = asyncio.run(run_typed(base_url, n))
    finally:
        stop_server(proc)
    proc, base_url = start_server(n)
    try:
        results["baseline"] = asyncio.run(run_baseline(base_url, n))
    finally:
        stop_server(proc)
    results["parse_only"] = run_parse_only(n)
    results["ratio_typed_to_baseline"] = round(
        results["typed"]["events_per_s"] / results["baseline"]["events_per_s"], 3)

    if args.json:
        print(json.dumps(results, indent=2))
        return
    typed, base, parse = results["typed"], results["baseline"], results["parse_only"]
    print(f"ARI events over a local WebSocket, {n} events ({results['source']}); "
          f"Python {results['python']}, {results['cpus']} CPUs")
    print(f"  typed    AriClient.run (parse + per-key ordered dispatch): "
          f"{typed['events_per_s']:>10,.0f} events/s  ({typed['seconds']:.3f} s)")
    print(f"  baseline json.loads + dict dispatch, same socket:          "
          f"{base['events_per_s']:>10,.0f} events/s  ({base['seconds']:.3f} s)")
    print(f"  parse only (json.loads + parse_event, no socket):          "
          f"{parse['events_per_s']:>10,.0f} events/s")
    print(f"  ratio typed / baseline: {results['ratio_typed_to_baseline']:.2f}")


if __name__ == "__main__":
    main()
