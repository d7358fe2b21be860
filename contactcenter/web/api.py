"""The JSON API under ``/api/v1``: health, calls, queues, agents, and the live feed."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import WSMsgType, web

from contactcenter.identity.http import principal, require_roles
from contactcenter.identity.model import Role
from contactcenter.web.errors import SERVICES, ApiError, NotFound, json_body
from contactcenter.web.openapi import OPENAPI

log = logging.getLogger(__name__)

routes = web.RouteTableDef()

READERS = (Role.NURSE, Role.SUPERVISOR, Role.STAFFING_SYSTEM, Role.REGION_ADMIN)
LIVE_PUSH_INTERVAL = 0.25


def _services(request: web.Request) -> Any:
    return request.app[SERVICES]


@routes.get("/api/v1/health")
async def health(request: web.Request) -> web.Response:
    """Public (no token): each part's state; 503 naming what fails, and since when."""
    body = await _services(request).health_report()
    return web.json_response(body, status=200 if body["status"] == "ok" else 503)


@routes.get("/api/v1/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    return web.json_response(OPENAPI)


@routes.get("/api/v1/calls")
@require_roles(*READERS)
async def list_calls(request: web.Request) -> web.Response:
    services = _services(request)
    scope = request.query.get("scope", "live")
    limit = _int_query(request, "limit", 50, 1, 500)
    who = principal(request)
    if scope == "live":
        calls = services.live_calls()
    elif scope == "recent":
        calls = await services.call_log.load_recent(limit if who.can_access_region("*") else 500)
    else:
        raise ApiError("invalid_query", "scope must be 'live' or 'recent'",
                       {"scope": scope, "allowed": ["live", "recent"]})
    calls = [c for c in calls if services.call_visible(who, c)]
    return web.json_response({"scope": scope, "calls": calls[:limit]})


@routes.get("/api/v1/calls/{call_id}/events")
@require_roles(Role.SUPERVISOR, Role.STAFFING_SYSTEM)
async def call_events(request: web.Request) -> web.Response:
    events = await _services(request).call_log.events_of(request.match_info["call_id"])
    if not events:
        raise NotFound("call_not_found", "no call with that id",
                       {"call_id": request.match_info["call_id"]})
    return web.json_response({"events": [
        {"seq": e.seq, "type": e.type.value, "at": e.at.isoformat(), "data": e.data}
        for e in events
    ]})


@routes.get("/api/v1/queues")
@require_roles(*READERS)
async def list_queues(request: web.Request) -> web.Response:
    services, who = _services(request), principal(request)
    return web.json_response({"queues": [q for q in services.router.queue_snapshot()
                                         if services.queue_visible(who, q["queue_id"])]})


@routes.get("/api/v1/agents")
@require_roles(*READERS)
async def list_agents(request: web.Request) -> web.Response:
    who = principal(request)
    return web.json_response({"agents": [a for a in _services(request).router.nurse_snapshot()
                                         if who.can_access_region(a["region"])]})


@routes.post("/api/v1/agents/{nurse_id}/state")
@require_roles(Role.NURSE, Role.SUPERVISOR)
async def set_agent_state(request: web.Request) -> web.Response:
    services = _services(request)
    body = await json_body(request)
    state = body.get("state")
    allowed = ["ready", "paused", "logged_out"]
    if state not in allowed:
        raise ApiError("invalid_state", "state must be 'ready', 'paused' or 'logged_out'",
                       {"field": "state", "value": state, "allowed": allowed})
    reason = body.get("reason")
    if state == "paused" and (not isinstance(reason, str) or not reason.strip()):
        raise ApiError("invalid_reason", "a pause needs a reason code",
                       {"field": "reason", "value": reason})
    nurse_id = request.match_info["nurse_id"]
    nurse = services.router.nurse_info(nurse_id)
    if nurse is None:
        raise NotFound("agent_not_found", "no nurse with that id", {"nurse_id": nurse_id})
    who = principal(request)
    own = nurse.get("username") is not None and nurse.get("username") == who.username
    if not own and not (who.has_role(Role.SUPERVISOR) and who.can_access_region(nurse["region"])):
        raise ApiError("forbidden", "you may change only your own state, or as a supervisor "
                       "the state of nurses in your regions", {"nurse_id": nurse_id}, status=403)
    result = await services.router.set_nurse_state(nurse_id, state,
                                             reason.strip() if isinstance(reason, str) else None)
    return web.json_response({"agent": result})


@routes.get("/api/v1/live")
@require_roles(*READERS)
async def live_feed(request: web.Request) -> web.WebSocketResponse:
    """WebSocket: a snapshot at once, then a new one whenever something changed."""
    services, who = _services(request), principal(request)
    ws = web.WebSocketResponse(heartbeat=20)
    await ws.prepare(request)
    async with services.bus.subscribe() as changes:
        await ws.send_json(services.snapshot(who))
        reader = asyncio.ensure_future(ws.receive())
        try:
            while not ws.closed:
                getter = asyncio.ensure_future(changes.get())
                done, _ = await asyncio.wait({getter, reader}, return_when=asyncio.FIRST_COMPLETED)
                if reader in done:
                    getter.cancel()
                    msg = reader.result()
                    if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.ERROR):
                        break
                    reader = asyncio.ensure_future(ws.receive())
                    continue
                await asyncio.sleep(LIVE_PUSH_INTERVAL)  # coalesce bursts of changes
                while not changes.empty():
                    changes.get_nowait()
                await ws.send_json(services.snapshot(who))
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            reader.cancel()
    return ws


def _int_query(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError("invalid_query", f"{name} must be a whole number",
                       {name: raw}) from None
    if not low <= value <= high:
        raise ApiError("invalid_query", f"{name} must be between {low} and {high}", {name: value})
    return value
