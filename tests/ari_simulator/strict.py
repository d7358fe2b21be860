"""The strict differential harness: a recorded transcript replayed against the simulator,
every value compared.

Driving (requests, sockets, callers and phones outside ARI) is the weak replayer's
(``replay.py``); what differs:

* Time is the harness's: the simulator runs on a :class:`~ari_simulator.SteppedClock`
  and the harness advances it to each record's recorded time (a request Asterisk
  answered late, such as a bridge move behind a playback, gets the time it took).
  The only wall-clock waits are for bytes on the loopback sockets to arrive.
* HTTP: status and the whole body, values included.
* Events: per socket, the whole sequence in order across subjects, values included;
  a missing event and an extra one are both differences; every socket is checked,
  also those on which Asterisk sent nothing.

Values are normalised only where Asterisk's own are unpredictable: timestamps,
creation times, Asterisk-generated unique ids, channel name counters, SIP
Call-IDs, random playback ids, ``asterisk_id``. ``StasisEnd`` and
``ChannelDestroyed`` of one channel may come in either order (INDEX.md).
"""
from __future__ import annotations

import asyncio
import difflib
import json
import re
from datetime import datetime
from typing import Any

from ari_simulator import AriSimulator, SteppedClock

from .replay import Replayer

UNIQUE_ID = re.compile(r"\b\d{9,}\.\d+\b")
#: what a SIPp peer makes up per run: Call-IDs ``1-23591@host`` and tags ``23591SIPpTag``
SIPP_RANDOM = re.compile(r"(^|tag=)\d+(?=-\d+@|SIPpTag)")
UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
NAME_COUNTER = re.compile(r"-[0-9a-f]{8}(?=;|$)")
HELPER_SEQ = re.compile(r"^(Announcer|Recorder|Snoop)/([A-Za-z_]+)-\d+")
TIME_KEYS = {"timestamp", "creationtime", "elapsed_ms", "date", "startup_time",
             "last_reload_time"}
OPAQUE_KEYS = {"asterisk_id", "protocol_id", "entity_id"}
ORDER_FREE = {"StasisEnd", "ChannelDestroyed"}
SETTLE = 0.01  # seconds of quiet on the sockets that count as "all delivered"


class StrictReplayer(Replayer):
    """Replays one transcript on a stepped clock; ``problems`` lists every difference."""

    def __init__(self, records: list[dict[str, Any]],
                 sim: AriSimulator | None = None) -> None:
        super().__init__(records)
        # Recordings made by tests/ari_conformance/record.py name their ARI user first.
        first = next((r for r in records if r["kind"] == "note"), {})
        self.user, self.password = first.get("username", "cc"), first.get("password", "cc")
        self.clock = SteppedClock()
        self.sim = sim or AriSimulator(username=self.user, password=self.password,
                                       clock=self.clock)
        self.clock = self.sim.switch.clock or self.clock
        self.start_ts: float | None = None

    # ---------------------------------------------------------------- time
    async def settle(self) -> None:
        """Let what the simulator sent reach our sockets (loopback I/O only)."""
        quiet = 0
        last = -1
        for _ in range(400):
            count = sum(len(v) for v in self.received.values())
            quiet = quiet + 1 if count == last else 0
            if quiet >= 3:
                return
            last = count
            await asyncio.sleep(SETTLE / 3)

    async def advance_to(self, stamp: float) -> None:
        """Step the simulator's clock to the recorded moment ``stamp``, timer by timer."""
        if self.start_ts is None:
            self.start_ts = stamp
        target = stamp - self.start_ts
        while (due := self.clock.next_due()) is not None and due <= target:
            self.clock.advance(due - self.clock.now)
            await self.settle()
        if target > self.clock.now:
            self.clock.advance(target - self.clock.now)

    async def pace(self, rec: dict[str, Any]) -> None:
        if "ts" in rec:
            await self.advance_to(datetime.fromisoformat(rec["ts"]).timestamp())

    async def wait_events(self) -> None:
        self.clock.fire_due()
        await self.settle()

    async def step(self, index: int, rec: dict[str, Any]) -> None:
        if rec["kind"] == "wait_timeout":
            await self.pace(rec)
            return
        if rec["kind"] not in ("ws_connect", "ws_close", "http_request", "cli",
                               "subprocess_start"):
            await self.pace(rec)
        await super().step(index, rec)

    # ---------------------------------------------------------------- HTTP
    async def request(self, index: int, rec: dict[str, Any]) -> None:
        reply = self.response_for(index, rec)
        task = asyncio.get_running_loop().create_task(self.send(rec))
        # Asterisk may answer late (a bridge move waits for a playback): give the
        # request the simulated time it took there.
        deadline = self.clock.now + (reply or {}).get("elapsed_ms", 0) / 1000.0 + 5.0
        while not task.done():
            await asyncio.wait({task}, timeout=SETTLE)
            due = self.clock.next_due()
            if not task.done() and due is not None and due <= deadline:
                self.clock.advance(max(due - self.clock.now, 0.0))
        status, body = task.result()
        if reply is None:
            return
        self.learn_ids(reply["body"], body)
        what = f"{rec['method']} {rec['url'].split('/ari', 1)[1]}"
        want = (reply["status"], normalise(reply["body"], {}))
        have = (status, normalise(body, self.reverse()))
        if want != have:
            self.problems.append(f"{what}: sim {have[0]} {_short(have[1])}, "
                                 f"recorded {want[0]} {_short(want[1])}")

    def reverse(self) -> dict[str, str]:
        return {sim: rec for rec, sim in self.idmap.items()}

    # -------------------------------------------------------------- events
    def compare_events(self) -> None:
        back = self.reverse()
        for label in sorted(set(self.expected) | set(self.received)):
            want = canonical([normalise(e, {}) for e in self.expected.get(label, [])])
            have = canonical([normalise(e, back) for e in self.received.get(label, [])])
            self.problems += diff_events(label, want, have)


def normalise(value: Any, back: dict[str, str], key: str = "") -> Any:
    """``value`` with sim ids mapped back to recorded ones and unpredictable values masked.

    Lists Asterisk keeps in hash containers (a bridge's ``channels``, ``GET /channels``,
    ``GET /bridges``) have no order to compare, so they are sorted."""
    if isinstance(value, dict):
        out = {k: normalise(v, back, k) for k, v in value.items()}
        if str(out.get("variable", "")).startswith("RTPAUDIOQOS"):
            out["value"] = "<rtp statistics>" if out.get("value") else out.get("value")
        return out
    if isinstance(value, list):
        items = [normalise(v, back, key) for v in value]
        if key == "channels" or (items and all(isinstance(i, dict) and "id" in i
                                               for i in items)):
            items.sort(key=lambda i: json.dumps(i, sort_keys=True))
        return items
    if not isinstance(value, str):
        return value
    if key in TIME_KEYS:
        return "<time>"
    if key in OPAQUE_KEYS:
        return "<opaque>"
    for sim_id, rec_id in back.items():
        if sim_id in value:
            value = value.replace(sim_id, rec_id)
    value = UNIQUE_ID.sub("<uid>", value)
    value = SIPP_RANDOM.sub(r"\1<sipp>", value)
    value = UUID.sub("<uuid>", value)
    if key in ("name", "peer", "value", "bridge_peer") or "/" in value:
        value = NAME_COUNTER.sub("-<n>", value)
        value = HELPER_SEQ.sub(r"\1/\2-<n>", value)
    return value


def canonical(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The orders Asterisk does not fix, made one: its threads race there (seen in the
    recordings). StasisEnd/ChannelDestroyed of one channel; the state changes of two
    channels in a row (the halves of a Local pair answered together, sorted by id); the
    Dial that begins an originate, placed just before the first later event of its
    peer (it races the other half's dialplan start)."""
    out = list(events)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        same = a.get("channel", {}).get("id") == b.get("channel", {}).get("id")
        stasis_end_first = {a["type"], b["type"]} == ORDER_FREE and same \
            and a["type"] == "ChannelDestroyed"
        states_by_id = a["type"] == b["type"] == "ChannelStateChange" and not same \
            and a["channel"]["id"] > b["channel"]["id"]
        if stasis_end_first or states_by_id:
            out[i], out[i + 1] = b, a
    for event in [e for e in out if e["type"] == "Dial" and not e.get("dialstatus")]:
        i = out.index(event)
        peer = event["peer"]["id"]
        later = next((j for j in range(i + 1, len(out))
                      if out[j].get("channel", {}).get("id") == peer), None)
        if later is not None:
            out.insert(later - 1, out.pop(i))
    return out


def _key(event: dict[str, Any]) -> str:
    subject = (event.get("peer") or event.get("channel") or event.get("playback")
               or event.get("bridge") or event.get("recording") or {})
    return f"{event['type']} {subject.get('id') or subject.get('name') or ''}"


def diff_events(label: str, want: list[dict[str, Any]],
                have: list[dict[str, Any]]) -> list[str]:
    problems = []
    matcher = difflib.SequenceMatcher(a=[_key(e) for e in want], b=[_key(e) for e in have],
                                      autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for w, h in zip(want[i1:i2], have[j1:j2]):
                if w != h:
                    problems.append(f"{label} #{i1} {_key(w)}: values differ: "
                                    f"{_value_diff(w, h)}")
                i1 += 1
            continue
        for w in want[i1:i2]:
            problems.append(f"{label} #{i1} missing {_key(w)}")
        for h in have[j1:j2]:
            problems.append(f"{label} extra {_key(h)}")
    return problems


def _value_diff(want: Any, have: Any, path: str = "") -> str:
    if isinstance(want, dict) and isinstance(have, dict):
        for k in sorted(set(want) | set(have)):
            if want.get(k, "<absent>") != have.get(k, "<absent>"):
                return _value_diff(want.get(k, "<absent>"), have.get(k, "<absent>"),
                                   f"{path}.{k}")
    return f"{path or '.'} sim {_short(have)} recorded {_short(want)}"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) < 300 else text[:300] + "…"
