"""HTTP control interface under ``/sim/`` mirroring the Python API, so a demo
or an external tool can add callers and phones and inspect the state."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from .server import AriSimulator


async def _body(request: web.Request) -> dict[str, Any]:
    """The request's JSON object (``{}`` for an empty body)."""
    raw = await request.read()
    if not raw.strip():
        return {}
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(text='{"message": "JSON object expected"}',
                                 content_type="application/json")
    return data


def register_control(app: web.Application, sim: AriSimulator) -> None:
    """Add ``POST /sim/callers``, ``GET /sim/callers/{id}``, ``POST /sim/phones``,
    ``POST /sim/phones/{endpoint}/answer`` and ``/hangup`` (``PJSIP/x`` or just ``x``),
    ``GET /sim/state``."""

    async def add_caller(request: web.Request) -> web.Response:
        data = await _body(request)
        allowed = {"number", "municipality", "dtmf", "patience", "talk", "name", "relay",
                   "extension", "app"}
        unknown = set(data) - allowed
        if unknown:
            return web.json_response({"message": f"unknown fields {sorted(unknown)}"}, status=400)
        handle = await sim.add_caller(**data)
        return web.json_response({"caller_id": handle.caller_id,
                                  "channel_id": handle.channel_id}, status=201)

    async def get_caller(request: web.Request) -> web.Response:
        caller_id = request.match_info["caller_id"]
        if caller_id not in sim.callers:
            return web.json_response({"message": "Caller not found"}, status=404)
        return web.json_response(sim.caller(caller_id).to_json())

    async def add_phone(request: web.Request) -> web.Response:
        data = await _body(request)
        try:
            phone = await sim.add_phone(**data)
        except (TypeError, ValueError) as exc:
            return web.json_response({"message": str(exc)}, status=400)
        return web.json_response({"endpoint": phone.endpoint, "behaviour": phone.behaviour},
                                 status=201)

    async def state(request: web.Request) -> web.Response:
        sw = sim.switch
        return web.json_response({
            "channels": [sw.snap(c) for c in sw.channels.values()],
            "bridges": [b.to_json() for b in sw.bridges.values()],
            "applications": [a.to_json() for a in sw.bus.apps.values()],
            "callers": [c.to_json() for c in sim.callers.values()],
            "phones": [{"endpoint": k, "state": v["state"],
                        "behaviour": v["phone"].behaviour if v["phone"] else None,
                        "ringing": bool(v["phone"] and v["phone"].live_channel("Ringing"))}
                       for k, v in sw.endpoints.items()],
            "events_sent": len(sim.event_log),
            "speed": sw.speed,
        })

    app.router.add_post("/sim/callers", add_caller)
    app.router.add_get("/sim/callers/{caller_id}", get_caller)
    app.router.add_post("/sim/phones", add_phone)
    app.router.add_post("/sim/phones/{endpoint:.+}/answer", _by_hand(sim, "answer"))
    app.router.add_post("/sim/phones/{endpoint:.+}/hangup", _by_hand(sim, "hangup"))
    app.router.add_get("/sim/state", state)


def _by_hand(sim: AriSimulator, action: str) -> Any:
    """A route that answers or hangs up a phone as its user would, by hand."""
    async def handler(request: web.Request) -> web.Response:
        endpoint = request.match_info["endpoint"]
        if "/" not in endpoint:
            endpoint = f"PJSIP/{endpoint}"
        try:
            done = await (sim.answer_phone(endpoint) if action == "answer"
                          else sim.hang_up_phone(endpoint))
        except KeyError:
            return web.json_response({"message": f"no phone at {endpoint}"}, status=404)
        if not done:
            what = "nothing rings" if action == "answer" else "no call is up"
            return web.json_response({"message": f"{what} on {endpoint}"}, status=409)
        return web.json_response({"endpoint": endpoint, action: True})
    return handler
