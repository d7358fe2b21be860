"""The JSON API under ``/api/v1``: health, calls, queues, agents, and the live feed.

Region scope, the same in every route here and in :mod:`queues.http`:
a user sees and changes only the calls, queues and nurses of the regions they
hold (``*``: all); calls without a region are seen by all in the national
queue, by national users only in the IVR (:mod:`contactcenter.calls.visibility`). An
object the user cannot see, addressed by its id, answers **404** exactly as if
it did not exist; lists leave it out. An object they can see but not change, a
region named in the request that they do not hold, or a national action
without national scope answers **403**. Callers' numbers are omitted for roles
that may not see them (staffing systems).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from contactcenter.calls.model import replay
from contactcenter.calls.visibility import national, sees_numbers, shown_call, without_numbers
from contactcenter.health import PARTS
from contactcenter.identity.http import current_principal, principal, require_roles
from contactcenter.identity.model import Principal, Role
from contactcenter.web.errors import ApiError, NotFound
from contactcenter.web.json_input import ascii_int, read_json_object
from contactcenter.web.openapi import OPENAPI_KEY
from shared_kernel.errors import ErrorKind
from shared_kernel.routes import documented, marked, obj, route

if TYPE_CHECKING:
    from contactcenter.services import Services

log = logging.getLogger(__name__)

READERS = (Role.NURSE, Role.SUPERVISOR, Role.STAFFING_SYSTEM, Role.REGION_ADMIN)
LIVE_PUSH_INTERVAL = 0.25
LIVE_RECHECK_SECONDS = 5.0
"""How often an idle live feed looks its session or token up again (it does before every
push too)."""
_READER_ROLES = "nurse, supervisor, staffing_system, region_admin"
_NULLABLE_STR = {"type": ["string", "null"]}
AGENT = obj(["nurse_id", "state"], nurse_id={"type": "string"},
            display_name={"type": "string"}, region={"type": "string"},
            state={"type": "string", "enum": ["logged_out", "ready", "offered", "on_call",
                                              "wrap_up", "paused"]},
            since=_NULLABLE_STR, call_id=_NULLABLE_STR)
CALL = obj(["call_id", "state"], call_id={"type": "string"}, state={"type": "string"},
           caller_number={**_NULLABLE_STR,
                          "description": "omitted for roles that may not see callers' numbers"},
           region=_NULLABLE_STR, queue=_NULLABLE_STR, nurse_id=_NULLABLE_STR)


_PART = obj(["status"], status={"type": "string", "enum": ["ok", "failing"]},
            since={"type": "string", "format": "date-time"}, cause={"type": "string"},
            failures={"type": "integer"}, unwritten={"type": "integer"})
HEALTH = obj(["status"], status={"type": "string", "enum": ["ok", "failing"]},
             failing={"type": "array", "items": {"type": "string"}},
             parts=obj([], **{name: _PART for name in (
                 PARTS)}),
             ari_connected={"type": "boolean"}, database={"type": "string"},
             instance_id={"type": "string"}, version={"type": "string"})
"""200 when every part works; 503 with the same body naming the failing parts, since when."""


_STATES = ["ready", "paused", "logged_out"]


def routes(services: Services) -> list[web.RouteDef]:
    """The core routes (health, calls, queues, nurses, the live feed) on ``services``."""
    handlers = CoreRoutes(services)
    return [web.route(method, path, handler) for method, path, handler in marked(handlers)]


class CoreRoutes:
    """The handlers of the core routes, bound to the running services."""

    def __init__(self, services: Services) -> None:
        self._services = services

    @route("GET", "/api/v1/health")
    @documented(summary="Service health: each part's state", public=True,
                roles="none (public)", errors=[503], ok=HEALTH, error_schemas={503: HEALTH})
    async def health(self, request: web.Request) -> web.Response:
        """Public (no token): each part's state; 503 naming what fails, and since when."""
        body = await self._services.health_report()
        return web.json_response(body, status=200 if body["status"] == "ok" else 503)

    @route("GET", "/api/v1/openapi.json")
    @documented(summary="This document", public=True, roles="none (public)",
                ok=obj(["openapi", "paths"]))
    async def openapi(self, request: web.Request) -> web.Response:
        return web.json_response(request.app[OPENAPI_KEY])

    @route("GET", "/api/v1/calls")
    @documented(summary="Live or recent calls", roles=_READER_ROLES,
                query={"scope": {"type": "string", "enum": ["live", "recent"]},
                       "limit": {"type": "integer", "minimum": 1, "maximum": 500}},
                ok=obj(["scope", "calls"], scope={"type": "string"},
                       calls={"type": "array", "items": CALL}))
    @require_roles(*READERS)
    async def list_calls(self, request: web.Request) -> web.Response:
        """Live or recent calls.

        Only those the caller may see: their regions', those without a region in the
        national queue, calls in the IVR for national users only; callers' numbers omitted
        for roles that may not see them."""
        scope = request.query.get("scope", "live")
        limit = _int_query(request, "limit", 50, 1, 500)
        who = principal(request)
        if scope == "live":
            calls = self._services.live_calls()
        elif scope == "recent":
            calls = await self._services.call_log.load_recent(limit if national(who) else 500)
        else:
            raise ApiError("invalid_query", "scope must be 'live' or 'recent'",
                           {"scope": scope, "allowed": ["live", "recent"]})
        calls = [shown_call(who, c) for c in calls if self._services.call_visible(who, c)]
        return web.json_response({"scope": scope, "calls": calls[:limit]})

    @route("GET", "/api/v1/calls/{call_id}/events")
    @documented(summary="Every recorded step of one call", roles="supervisor, staffing_system",
                ok=obj(["events"], events={"type": "array", "items": obj(
                    ["seq", "type", "at"], seq={"type": "integer"}, type={"type": "string"},
                    at={"type": "string", "format": "date-time"}, data={"type": "object"})}))
    @require_roles(Role.SUPERVISOR, Role.STAFFING_SYSTEM)
    async def call_events(self, request: web.Request) -> web.Response:
        """Every recorded step of one call.

        A call the caller may not see (another region's; one still in the IVR without
        national scope) answers 404 like an unknown one; callers' numbers omitted as in the
        list."""
        call_id = request.match_info["call_id"]
        who = principal(request)
        events = await self._services.call_log.events_of(call_id)
        if not events or not self._services.call_visible(who, replay(events).as_dict()):
            raise NotFound("call_not_found", "no call with that id", {"call_id": call_id})
        numbers = sees_numbers(who)
        return web.json_response({"events": [
            {"seq": e.seq, "type": e.type.value, "at": e.at.isoformat(),
             "data": e.data if numbers else without_numbers(e.data)}
            for e in events
        ]})

    @route("GET", "/api/v1/queues")
    @documented(summary="Queues with waiting calls and nurses", roles=_READER_ROLES,
                ok=obj(["queues"], queues={"type": "array", "items": obj(
                    ["queue_id"], queue_id={"type": "string"}, name={"type": "string"},
                    waiting={"type": "integer"}, calls={"type": "array"})}))
    @require_roles(*READERS)
    async def list_queues(self, request: web.Request) -> web.Response:
        """The queues of the caller's regions, and the national queue (a pool every region
        serves)."""
        who = principal(request)
        return web.json_response({"queues": [q for q in self._services.queues.queue_snapshot()
                                             if self._services.queue_visible(who, q["queue_id"])]})

    @route("GET", "/api/v1/agents")
    @documented(summary="Nurses and their states", roles=_READER_ROLES,
                ok=obj(["agents"], agents={"type": "array", "items": AGENT}))
    @require_roles(*READERS)
    async def list_agents(self, request: web.Request) -> web.Response:
        """The nurses of the caller's regions with their states."""
        who = principal(request)
        return web.json_response({"agents": [a for a in self._services.queues.nurse_snapshot()
                                             if who.can_access_region(a["region"])]})

    @route("POST", "/api/v1/agents/{nurse_id}/state")
    @documented(summary="Log a nurse in (ready), pause them with a reason, or log them out",
                roles="the nurse themself, or a supervisor of the nurse's region",
                body=obj(["state"], state={"type": "string", "enum": _STATES},
                         reason={"type": "string",
                                 "description": "pause reason (for paused)"}),
                ok=obj(["agent"], agent=AGENT), errors=[409])
    @require_roles(Role.NURSE, Role.SUPERVISOR)
    async def set_agent_state(self, request: web.Request) -> web.Response:
        """Log a nurse in (ready), pause them with a reason, or log them out.

        A nurse changes their own state, a supervisor that of their regions' nurses;
        another region's nurse answers 404, a fellow nurse's state 403."""
        state, reason = _state_change(await read_json_object(request))
        nurse_id = request.match_info["nurse_id"]
        nurse = self._services.queues.nurse_info(nurse_id)
        who = principal(request)
        own = nurse is not None and nurse.get("username") is not None \
            and nurse.get("username") == who.username
        if nurse is None or not (own or who.can_access_region(nurse["region"])):
            raise NotFound("agent_not_found", "no nurse with that id", {"nurse_id": nurse_id})
        if not own and not who.has_role(Role.SUPERVISOR):
            raise ApiError("forbidden", "you may change only your own state, or as a "
                           "supervisor the state of nurses in your regions",
                           {"nurse_id": nurse_id}, kind=ErrorKind.FORBIDDEN)
        result = await self._services.queues.set_nurse_state(nurse_id, state, reason)
        return web.json_response({"agent": result})

    @route("GET", "/api/v1/live")
    @documented(summary="WebSocket feed of snapshots (calls, queues, agents) whenever they "
                "change", roles=_READER_ROLES, ok=(101, {}))
    @require_roles(*READERS)
    async def live_feed(self, request: web.Request) -> web.WebSocketResponse:
        """WebSocket: a snapshot at once, then a new one whenever something changed.

        Each snapshot shows what the routes above would: the caller's regions, numbers
        omitted for roles that may not see them."""
        ws = web.WebSocketResponse(heartbeat=20)
        await ws.prepare(request)
        await _feed(request, ws, self._services, principal(request))
        return ws


def live_view(services: Services, who: Principal) -> dict[str, Any]:
    """The live page's snapshot as ``who`` may see it (their regions; numbers as above)."""
    snapshot = services.snapshot(who)
    snapshot["calls"] = [shown_call(who, c) for c in snapshot["calls"]]
    snapshot["recent"] = [shown_call(who, c) for c in snapshot["recent"]]
    return snapshot


def _state_change(body: dict[str, Any]) -> tuple[str, str | None]:
    """The state and pause reason of a state change body (400 naming the field otherwise)."""
    state = body.get("state")
    if state not in _STATES:
        raise ApiError("invalid_state", "state must be 'ready', 'paused' or 'logged_out'",
                       {"field": "state", "value": state, "allowed": _STATES})
    reason = body.get("reason")
    if reason is not None and not isinstance(reason, str):
        raise ApiError("invalid_reason", "reason must be a string", {"field": "reason"})
    if state == "paused" and (not isinstance(reason, str) or not reason.strip()):
        raise ApiError("invalid_reason", "a pause needs a reason code",
                       {"field": "reason", "value": reason})
    return state, reason.strip() if isinstance(reason, str) else None


async def _feed(request: web.Request, ws: web.WebSocketResponse, services: Services,
                who: Principal) -> None:
    """Push snapshots to ``ws`` until it closes or the session ends."""
    loop = asyncio.get_running_loop()
    async with services.bus.subscribe() as changes:
        await ws.send_json(live_view(services, who))
        checked = loop.time()
        reader = asyncio.ensure_future(ws.receive())
        try:
            while not ws.closed:
                getter = asyncio.ensure_future(changes.get())
                done, _ = await asyncio.wait({getter, reader}, timeout=LIVE_RECHECK_SECONDS,
                                             return_when=asyncio.FIRST_COMPLETED)
                if getter not in done:
                    getter.cancel()
                if reader in done:
                    msg = reader.result()
                    if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.ERROR):
                        break
                    reader = asyncio.ensure_future(ws.receive())
                    continue
                if getter in done:
                    await asyncio.sleep(LIVE_PUSH_INTERVAL)  # coalesce bursts of changes
                    while not changes.empty():
                        changes.get_nowait()
                if getter in done or loop.time() - checked >= LIVE_RECHECK_SECONDS:
                    # Before every push, and every few seconds while idle: a logout,
                    # deactivation or new password stops the feed before it sends more.
                    now_who, checked = await current_principal(request), loop.time()
                    if now_who is None or not now_who.has_role(*READERS):
                        await ws.close(code=4401, message=b"session ended")
                        break
                    who = now_who  # changed roles or regions apply at once
                if getter in done:
                    await ws.send_json(live_view(services, who))
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            reader.cancel()


def _int_query(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query.get(name)
    return default if raw is None else ascii_int(raw, name, low, high)
