"""Replays a recorded ARI transcript (tests/fixtures/ari/*.jsonl) against the
simulator and lists every difference from the recording.

Compared: the status of every HTTP response, the recursive key structure of
response bodies, and per socket the sequence of event types per subject
(channel, Dial peer, playback, recording, bridge) plus the key structure of
each matching event. What happened outside ARI in the recording (SIPp callers
and phones, ``asterisk -rx`` originates, ari.conf reloads) is driven through
the simulator's control API.
"""
from __future__ import annotations

import asyncio
import base64
import gzip
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp

from ari_simulator import AriSimulator

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ari"
SPEED = 20.0
WAIT = 2.0  # wall-clock cap when waiting for recorded events that may never come
ASTERISK_ID = re.compile(r"^\d{6,}\.\d+$")


def basic_auth(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def transcript_names() -> list[str]:
    return sorted(p.name for p in FIXTURES.iterdir()
                  if p.name.endswith(".jsonl") or p.name.endswith(".jsonl.gz"))


def load(name: str) -> list[dict[str, Any]]:
    path = FIXTURES / name
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
        return [json.loads(line) for line in fh if line.strip()]


def shape(value: Any) -> Any:
    """Recursive key structure: dict keys, list lengths, scalar kinds."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return ["list", len(value), sorted({json.dumps(shape(v), sort_keys=True) for v in value})]
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return "str" if isinstance(value, str) else "null"


def subject(event: dict[str, Any]) -> tuple[str, str]:
    kind = event.get("type", "")
    if kind == "Dial":
        return "channel", event["peer"]["id"]
    if "playback" in event:
        return "playback", event["playback"]["id"]
    if "recording" in event:
        return "recording", event["recording"]["name"]
    if "channel" in event:
        return "channel", event["channel"]["id"]
    if "bridge" in event:
        return "bridge", event["bridge"]["id"]
    return "app", kind


class Replayer:
    """Drives one transcript; ``problems`` lists every mismatch found."""

    def __init__(self, records: list[dict[str, Any]], wait: float = WAIT) -> None:
        self.records = records
        self.wait = wait
        self.user, self.password = "cc", "cc"
        self.sim = AriSimulator(username=self.user, password=self.password, speed=SPEED)
        self.idmap: dict[str, str] = {}
        self.problems: list[str] = []
        self.sockets: dict[str, aiohttp.ClientWebSocketResponse] = {}
        self.received: dict[str, list[dict[str, Any]]] = {}
        self.expected: dict[str, list[dict[str, Any]]] = {}
        self.readers: list[asyncio.Task[None]] = []
        self.triggered: set[str] = set()
        self.channelvars_on = False
        self.used: set[int] = set()
        self.t0: tuple[float, float] | None = None
        self.destroyed: set[tuple[str, str]] = set()
        self.callers: dict[str, str] = {}  # sim channel id -> simulated caller id
        self.strays: dict[str, int] = {}

    # ------------------------------------------------------------ mapping
    def m(self, value: str) -> str:
        """Map recorded ids inside a path segment / parameter value."""
        parts = []
        for piece in str(value).split(","):
            scheme, sep, rest = piece.partition(":")
            if sep and scheme in ("channel", "bridge"):
                parts.append(f"{scheme}:{self.idmap.get(rest, rest)}")
            else:
                parts.append(self.idmap.get(piece, piece))
        return ",".join(parts)

    def mapped_event(self, event: dict[str, Any]) -> tuple[str, str]:
        kind, ident = subject(event)
        return kind, self.idmap.get(ident, ident)

    # ------------------------------------------------------------- running
    async def run(self) -> None:
        await self.sim.start()
        # PJSIP/agent-sipp exists in the recorded pjsip.conf; nothing answers it
        # unless a SIPp UAS is started (then it is re-registered as answering).
        await self.sim.add_phone("PJSIP/agent-sipp", behaviour="unreachable")
        self.session = aiohttp.ClientSession()
        try:
            for index, rec in enumerate(self.records):
                await self.step(index, rec)
            await self.wait_events()
            await asyncio.sleep(0.1)
        finally:
            for ws in self.sockets.values():
                await ws.close()
            for task in self.readers:
                task.cancel()
            await self.session.close()
            await self.sim.stop()
        self.compare_events()

    async def pace(self, rec: dict[str, Any]) -> None:
        """Keep the recorded spacing of actions, divided by SPEED, so timers in
        the simulator (DTMF, playback ends, timeouts) line up as recorded."""
        if "ts" not in rec:
            return
        stamp = datetime.fromisoformat(rec["ts"]).timestamp()
        loop = asyncio.get_running_loop()
        if self.t0 is None:
            self.t0 = (stamp, loop.time())
            return
        due = self.t0[1] + (stamp - self.t0[0]) / SPEED
        if due > loop.time():
            await asyncio.sleep(due - loop.time())

    async def step(self, index: int, rec: dict[str, Any]) -> None:
        kind = rec["kind"]
        label = rec.get("ws") or "ws1"
        if kind in ("ws_connect", "ws_close", "http_request", "cli", "subprocess_start"):
            await self.pace(rec)
        if kind == "ws_event":
            self.expected.setdefault(label, []).append(rec["event"])
            key = self.mapped_event(rec["event"])
            if key in self.destroyed:
                self.strays[label] = self.strays.get(label, 0) + 1  # see _trim()
            elif rec["event"]["type"] == "ChannelDestroyed":
                self.destroyed.add(key)
            self.drive_remote(rec["event"])
        elif kind == "ws_connect":
            await self.wait_events()
            await self.connect(index, label, rec["url"])
        elif kind == "ws_close":
            await self.wait_events()
            ws = self.sockets.pop(label, None)
            if ws is not None:
                await ws.close()
                # Let the server notice the close before the next recorded step.
                await asyncio.sleep(0.05)
        elif kind == "http_request":
            await self.wait_events()
            await self.request(index, rec)
        elif kind == "cli":
            self.cli(index, rec["command"])
        elif kind == "subprocess_start":
            await self.subprocess(index, rec)
        elif kind == "wait_timeout":
            await asyncio.sleep(min(float(rec.get("seconds", 1)), 10.0) / SPEED)

    async def wait_events(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.wait
        while loop.time() < deadline:
            if all(len(self.received.get(k, [])) >= len(v) - self.strays.get(k, 0)
                   for k, v in self.expected.items() if k in self.sockets):
                return
            await asyncio.sleep(0.005)

    async def connect(self, index: int, label: str, url: str) -> None:
        outcome = next((r for r in self.records[index + 1:]
                        if r["kind"] in ("ws_connected", "ws_connect_failed")
                        and (r.get("ws") or "ws1") == label), None)
        want = 101 if outcome is None or outcome["kind"] == "ws_connected" else outcome["status"]
        query = url.split("?", 1)[1] if "?" in url else ""
        target = f"ws://127.0.0.1:{self.sim.port}/ari/events" + (f"?{query}" if query else "")
        try:
            ws = await self.session.ws_connect(target)
        except aiohttp.WSServerHandshakeError as exc:
            if exc.status != want:
                self.problems.append(f"ws_connect {url}: status {exc.status}, recorded {want}")
            return
        if want != 101:
            self.problems.append(f"ws_connect {url}: status 101, recorded {want}")
        self.sockets[label] = ws
        self.received.setdefault(label, [])
        self.readers.append(asyncio.get_running_loop().create_task(self.reader(label, ws)))

    async def reader(self, label: str, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                self.received[label].append(json.loads(msg.data))

    async def request(self, index: int, rec: dict[str, Any]) -> None:
        path = rec["url"].split("/ari", 1)[1]
        path = "/".join(self.m(seg) if seg else seg for seg in path.split("/"))
        params = rec.get("params") or []
        pairs = params.items() if isinstance(params, dict) else params
        query = [(k, self.m(str(v))) for k, v in pairs]
        status, body = await self.send(rec)
        reply = self.response_for(index, rec)
        if reply is None:
            return
        what = f"{rec['method']} {path} {query}"
        if reply["status"] != status:
            self.problems.append(f"{what}: status {status} {body}, recorded {reply['status']} "
                                 f"{reply['body']}")
            return
        self.learn_ids(reply["body"], body)
        if shape(reply["body"]) != shape(body) and not isinstance(reply["body"], str):
            self.problems.append(f"{what}: body shape differs:\n  sim {shape(body)}\n  rec "
                                 f"{shape(reply['body'])}")

    async def send(self, rec: dict[str, Any]) -> tuple[int, Any]:
        """Send one recorded request to the simulator (ids mapped to the simulator's, the
        recorded credentials or the replayer's); its status and decoded body."""
        path = rec["url"].split("/ari", 1)[1]
        path = "/".join(self.m(seg) if seg else seg for seg in path.split("/"))
        params = rec.get("params") or []
        pairs = params.items() if isinstance(params, dict) else params
        headers: dict[str, str] = {}
        kwargs: dict[str, Any] = {"params": [(k, self.m(str(v))) for k, v in pairs],
                                  "headers": headers}
        if "auth" not in rec:
            headers["Authorization"] = basic_auth(self.user, self.password)
        elif rec["auth"] is not None:
            headers["Authorization"] = basic_auth(rec["auth"]["login"], rec["auth"]["password"])
        raw = rec.get("raw_body")
        if raw is not None:
            kwargs["data"] = raw if isinstance(raw, str) else json.dumps(raw)
            headers["Content-Type"] = "application/json"
        elif rec.get("body") is not None:
            kwargs["json"] = rec["body"]
        url = f"{self.sim.ari_url}/ari{path}"
        async with self.session.request(rec["method"], url, **kwargs) as resp:
            data, ctype = await resp.read(), resp.content_type
            if data and ctype == "application/json":
                return resp.status, json.loads(data)
            if data and ctype.startswith("audio"):
                return resp.status, {"_binary_length": len(data),
                                     "_first_bytes_hex": data[:16].hex()}
            return resp.status, data.decode(errors="replace") if data else None

    def response_for(self, index: int, rec: dict[str, Any]) -> dict[str, Any] | None:
        """The recorded response of a request (requests may overlap, as in 14)."""
        for later in self.records[index + 1:]:
            if (later["kind"] == "http_response" and id(later) not in self.used
                    and later["method"] == rec["method"] and later["url"] == rec["url"]):
                self.used.add(id(later))
                return later
        return None

    def learn_ids(self, recorded: Any, actual: Any) -> None:
        if isinstance(recorded, dict) and isinstance(actual, dict):
            rid, sid = recorded.get("id"), actual.get("id")
            if isinstance(rid, str) and isinstance(sid, str) and rid != sid:
                self.idmap.setdefault(rid, sid)

    # ------------------------------------------------------ outside ARI
    def stasis_ids_near(self, index: int) -> list[tuple[str, dict[str, Any]]]:
        """Asterisk-generated channel ids entering Stasis around record ``index``."""
        start = index
        while start > 0 and self.records[start - 1]["kind"] in ("ws_event", "note",
                                                                "asterisk_log"):
            start -= 1
        found = []
        for rec in self.records[start:]:
            if rec["kind"] in ("http_request", "ws_connect", "subprocess_start") and rec is not \
                    self.records[index] and rec in self.records[index + 1:]:
                break
            if rec["kind"] == "cli" and rec is not self.records[index] and \
                    rec in self.records[index + 1:] and "originate" in rec["command"]:
                break
            event = rec.get("event") or {}
            if event.get("type") == "StasisStart":
                cid = event["channel"]["id"]
                if ASTERISK_ID.match(cid) and cid not in self.idmap:
                    found.append((cid, event))
        return found

    def cli(self, index: int, command: str) -> None:
        match = re.match(r"channel originate (Local/\S+) application (\w+)", command)
        if match:
            one = self.sim.originate_dialplan(match.group(1))
            near = self.stasis_ids_near(index)
            if near and one is not None and one.peer is not None:
                self.idmap[near[0][0]] = one.peer.id
        elif command.startswith("module reload res_ari"):
            names: list[str] = []
            if not self.channelvars_on:
                for rec in self.records[index:]:
                    found = _find_channelvars(rec)
                    if found:
                        names = found
                        break
            self.channelvars_on = bool(names)
            self.sim.channelvars = names

    async def subprocess(self, index: int, rec: dict[str, Any]) -> None:
        argv = rec.get("argv") or []
        if "uas" in " ".join(argv):
            await self.sim.add_phone("PJSIP/agent-sipp", behaviour="answer", answer_delay=0.05)
            return
        exten = argv[argv.index("-s") + 1] if "-s" in argv else "1177"
        near = self.stasis_ids_near(index)
        number, name = "sipp", None
        if near:
            caller = near[0][1]["channel"]["caller"]
            number, name = caller["number"], caller["name"] or None
        await self.wait_events()
        handle = await self.sim.add_caller(number=number, name=name, patience=None,
                                           extension=exten)
        if near:
            self.idmap[near[0][0]] = handle.channel_id
        self.callers[handle.channel_id] = handle.caller_id

    def drive_remote(self, event: dict[str, Any]) -> None:
        """Recorded caller actions (DTMF keyed, BYE) are replayed when reached."""
        if "channel" not in event or event.get("type") == "Dial":
            return
        cid = self.idmap.get(event["channel"]["id"], event["channel"]["id"])
        if cid not in self.callers:
            return
        caller = self.sim.caller(self.callers[cid])
        kind = event["type"]
        if kind == "ChannelDtmfReceived":
            caller.press(event["digit"])
        elif cid not in self.triggered and (
                (kind == "ChannelHangupRequest" and "cause" not in event)
                or (kind == "ChannelVarset" and event.get("variable", "").startswith("RTPAUDIOQOS"))):
            self.triggered.add(cid)
            caller.hang_up()

    # ----------------------------------------------------------- comparing
    def compare_events(self) -> None:
        for label, recorded in self.expected.items():
            got = self.received.get(label, [])
            want_groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
            for event in recorded:
                want_groups.setdefault(self.mapped_event(event), []).append(event)
            got_groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
            for event in got:
                got_groups.setdefault(subject(event), []).append(event)
            for key in sorted(set(want_groups) | set(got_groups)):
                want = _trim(want_groups.get(key, []))
                have = _trim(got_groups.get(key, []))
                wt, ht = [e["type"] for e in want], [e["type"] for e in have]
                if wt != ht:
                    self.problems.append(f"{label} {key}: events\n  sim {ht}\n  rec {wt}")
                    continue
                for w, h in zip(want, have):
                    if shape(_strip(w)) != shape(_strip(h)):
                        self.problems.append(f"{label} {key} {w['type']}: event shape differs\n"
                                             f"  sim {shape(_strip(h))}\n  rec {shape(_strip(w))}")


def _trim(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # A stray ChannelCallerId may follow ChannelDestroyed of a Local leg (INDEX, 03).
    for i, event in enumerate(events):
        if event["type"] == "ChannelDestroyed":
            return events[: i + 1]
    return events


def _strip(event: dict[str, Any]) -> dict[str, Any]:
    # Bridge member lists and the channel list inside events legitimately differ
    # in length at the moment of the event; compare keys only there.
    out = dict(event)
    if "bridge" in out:
        out["bridge"] = dict(out["bridge"], channels=[])
    return out


def _find_channelvars(rec: dict[str, Any]) -> list[str]:
    text = json.dumps(rec.get("event") or rec.get("body") or {})
    match = re.search(r'"channelvars": (\{[^{}]*\})', text)
    return list(json.loads(match.group(1))) if match else []
