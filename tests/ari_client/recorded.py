"""Reading the recordings of a real Asterisk: ``tests/fixtures/ari`` (shared with the
simulator's conformance tests) and the extracted load-burst events in ``data/``."""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ari"

EVENT_RECORDINGS = [
    "01-inbound-ivr-dtmf",
    "03-agent-connect",
    "07-ws-reconnect",
    "08-application-replaced",
]


@cache
def records(name: str) -> tuple[dict[str, Any], ...]:
    with open(FIXTURES / f"{name}.jsonl", encoding="utf-8") as fh:
        return tuple(json.loads(line) for line in fh if line.strip())


def events(name: str) -> list[dict[str, Any]]:
    """The event payloads of a recording, in order (fresh copies)."""
    return [json.loads(json.dumps(r["event"])) for r in records(name) if r["kind"] == "ws_event"]


def load_burst_events() -> list[dict[str, Any]]:
    with gzip.open(DATA / "14-load-burst-events.jsonl.gz", "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def static(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def ari_path(url: str) -> str:
    return url.split("/ari", 1)[1].split("?", 1)[0]


def responses(name: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(http_request, http_response) pairs of a recording, in order."""
    pending: list[dict[str, Any]] = []
    pairs: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for r in records(name):
        if r["kind"] == "http_request":
            pending.append(r)
        elif r["kind"] == "http_response":
            for i, req in enumerate(pending):
                if req["method"] == r["method"] and req["url"] == r["url"]:
                    pairs.append((pending.pop(i), r))
                    break
    return pairs


def first_body(name: str, method: str, path: str, status: int | None = None) -> Any:
    """The body of the first recorded response to ``method path``."""
    for req, resp in responses(name):
        if req["method"] == method and ari_path(req["url"]) == path and \
                (status is None or resp["status"] == status):
            return resp["body"]
    raise LookupError(f"{name}: no response to {method} {path}")


def error_responses(*names: str) -> list[tuple[str, str, dict[str, Any], int, Any]]:
    """Every recorded non-2xx JSON response: (method, path, params, status, body)."""
    out = []
    seen = set()
    for name in names:
        for req, resp in responses(name):
            if resp["status"] < 400 or not isinstance(resp["body"], dict):
                continue
            if req.get("auth", "default") != "default" or req["url"].endswith("/bogus-resource"):
                continue  # wrong credentials / unrouted: covered by their own tests
            key = (req["method"], ari_path(req["url"]), resp["status"], json.dumps(resp["body"]))
            if key in seen:
                continue
            seen.add(key)
            params = req.get("params") or {}
            if isinstance(params, list):
                params = dict(params)
            out.append((req["method"], ari_path(req["url"]), params, resp["status"], resp["body"]))
    return out


def expected_key(raw: dict) -> str:
    """The ordering key, worked out independently of the client's code."""
    t = raw["type"]
    if t in ("ChannelEnteredBridge", "ChannelLeftBridge"):
        return (raw.get("channel") or raw["bridge"])["id"]
    if t == "Dial":
        return raw["peer"]["id"]
    if t.startswith("Playback"):
        return raw["playback"]["target_uri"].split(":", 1)[1]
    if t.startswith("Recording"):
        return raw["recording"]["target_uri"].split(":", 1)[1]
    if t.startswith("Bridge"):
        return raw["bridge"]["id"]
    if raw.get("channel"):
        return raw["channel"]["id"]
    return ""
