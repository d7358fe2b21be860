"""Supervisor controls of the queues and 15-minute statistics for staffing systems.

Every control takes effect at once for waiting callers (the engine re-matches)
and is recorded with who and why: the engine's events (``ModeChanged``,
``PriorityChanged``, ``NurseStateChanged`` with the supervisor in its reason)
are stored in ``queue_events`` like every other step. Statistics are computed
from those stored events, so a restart loses nothing.

Region scope as in :mod:`contactcenter.web.api`: a call, nurse or redirect the
supervisor cannot see, addressed by id, answers 404 as if it did not exist; one
they can see but not change (a call without a region in the national queue),
a region named in the body that is not theirs, or a national action (a
collaboration mode, national crisis mode) without national scope answers 403.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from sqlalchemy import select

from contactcenter.calls.visibility import region_visible
from contactcenter.identity.http import principal, require_roles
from contactcenter.identity.model import Principal, Role
from contactcenter.web.errors import SERVICES, ApiError, NotFound
from contactcenter.web.json_input import ascii_int, read_json_object
from contactcenter.web.openapi import documented, obj
from queues.errors import QueueError
from queues.serialization import event_from_row
from queues.sql import queue_events
from queues.statistics import compute

routes = web.RouteTableDef()
MAX_STATISTICS_DAYS = 31
EARLIEST, LATEST = datetime(1900, 1, 1, tzinfo=UTC), datetime(2999, 12, 31, tzinfo=UTC)
"""Times outside these cannot be meant, and near datetime's limits arithmetic overflows."""
_WHY = {"type": "string", "minLength": 1, "description": "recorded with who changed what"}
_TIME = {"type": "string", "format": "date-time"}
_APPLIED = obj(["applied", "events"], applied={"type": "string"},
               events={"type": "array", "items": {"type": "string"}})


def _control(summary: str, body: dict[str, Any], **more: Any) -> Any:
    return documented(summary=summary, roles="supervisor (of the region concerned)",
                      body=body, ok=_APPLIED, errors=[409], **more)


def _services(request: web.Request) -> Any:
    return request.app[SERVICES]


def _why(body: dict[str, Any]) -> str:
    why = body.get("why")
    if not isinstance(why, str) or not why.strip():
        raise ApiError("invalid_why", "say why (the control is recorded with who and why)",
                       {"field": "why"})
    return why.strip()


def _region_allowed(who: Principal, region: str | None, what: str) -> None:
    """403 unless ``who`` holds ``region`` (``None``: the whole country, national scope)."""
    if region_visible(who, region):
        return
    problem = (f"{what} for the whole country needs a national supervisor" if region is None
               else f"{what} for region {region} is not yours")
    raise ApiError("forbidden", problem, {"region": region}, status=403)


def _known_region(request: web.Request, value: Any, field: str) -> str:
    regions = _services(request).settings.regions
    if not isinstance(value, str) or value not in regions:
        raise ApiError("invalid_region", f"{field} must be a region code from regions.toml",
                       {"field": field, "value": value})
    return value


def _time(value: Any, field: str) -> datetime:
    try:
        at = datetime.fromisoformat(value) if isinstance(value, str) else None
        at = at.astimezone(UTC) if at is not None and at.tzinfo is not None else None
    except (ValueError, OverflowError):
        at = None
    if at is None:
        raise ApiError("invalid_time", f"{field} must be an ISO 8601 time with a UTC offset",
                       {"field": field, "value": value if isinstance(value, str) else None})
    if not EARLIEST <= at <= LATEST:
        raise ApiError("invalid_time", f"{field} must be between {EARLIEST.year} and "
                       f"{LATEST.year}", {"field": field, "value": value})
    return at


async def _run(request: web.Request, command: str, **kwargs: Any) -> web.Response:
    router = _services(request).router
    try:
        events = await router.supervise(command, by=principal(request).username, **kwargs)
    except QueueError as exc:
        raise ApiError("rejected", str(exc), {"command": command}, status=409) from exc
    except (ValueError, KeyError) as exc:
        raise ApiError("invalid_body", str(exc), {"command": command}) from exc
    return web.json_response({"applied": command,
                              "events": [type(e).__name__ for e in events]})


@routes.post("/api/v1/supervisor/modes/{mode}")
@_control("Force a collaboration mode open or closed, or back to its schedule",
          obj(["why"], open={"type": ["boolean", "null"]}, why=_WHY))
@require_roles(Role.SUPERVISOR)
async def set_mode(request: web.Request) -> web.Response:
    """Force a collaboration mode open or closed, or back to its schedule (``open: null``).

    Modes span regions, so this needs national scope (403 otherwise)."""
    body = await read_json_object(request)
    mode = request.match_info["mode"]
    router = _services(request).router
    if mode not in router.engine.rules.schedules:
        raise NotFound("mode_not_found", "no collaboration mode with that id",
                       {"mode": mode, "known": sorted(router.engine.rules.schedules)})
    state = body.get("open")
    if state not in (True, False, None):
        raise ApiError("invalid_body", "open must be true, false or null (follow the schedule)",
                       {"field": "open", "value": state})
    _region_allowed(principal(request), None, "changing a collaboration mode")
    return await _run(request, "set_mode", mode=mode, open=state, why=_why(body))


@routes.post("/api/v1/supervisor/redirects")
@_control("Let another region's nurses take a region's calls for a time window",
          obj(["id", "from_region", "to_region", "start", "end", "why"],
              id={"type": "string", "minLength": 1}, from_region={"type": "string"},
              to_region={"type": "string"}, start=_TIME, end=_TIME, why=_WHY))
@require_roles(Role.SUPERVISOR)
async def redirect(request: web.Request) -> web.Response:
    """Let another region's nurses take a region's calls for a time window.

    ``from_region`` must be the supervisor's (403 otherwise); an id already used by
    another region's redirect answers 409 (replacing it would change their redirect)."""
    body = await read_json_object(request)
    from_region = _known_region(request, body.get("from_region"), "from_region")
    to_region = _known_region(request, body.get("to_region"), "to_region")
    start, end = _time(body.get("start"), "start"), _time(body.get("end"), "end")
    if end <= start:
        raise ApiError("invalid_time", "end must be after start", {"field": "end"})
    redirect_id = body.get("id")
    if not isinstance(redirect_id, str) or not redirect_id.strip():
        raise ApiError("invalid_body", "id must name the redirect", {"field": "id"})
    who = principal(request)
    _region_allowed(who, from_region, "redirecting calls")
    existing = _services(request).router.engine.rules.redirects.get(redirect_id.strip())
    if existing is not None and not region_visible(who, existing.from_region):
        # Replacing it would change another region's redirect; say only that the id is taken.
        raise ApiError("redirect_id_taken", "that redirect id is in use; choose another",
                       {"field": "id"}, status=409)
    return await _run(request, "redirect", redirect_id=redirect_id.strip(), from_region=from_region,
                to_region=to_region, start=start, end=end, why=_why(body))


@routes.delete("/api/v1/supervisor/redirects/{redirect_id}")
@_control("End a redirect before its window is over", obj(["why"], why=_WHY))
@require_roles(Role.SUPERVISOR)
async def cancel_redirect(request: web.Request) -> web.Response:
    """End a redirect before its window is over.

    A redirect of another region (``from_region`` not the supervisor's) answers 404."""
    body = await read_json_object(request)
    redirect_id = request.match_info["redirect_id"]
    existing = _services(request).router.engine.rules.redirects.get(redirect_id)
    if existing is None or not region_visible(principal(request), existing.from_region):
        raise NotFound("redirect_not_found", "no redirect with that id",
                       {"redirect_id": redirect_id})
    return await _run(request, "cancel_redirect", redirect_id=redirect_id, why=_why(body))


@routes.post("/api/v1/supervisor/crisis")
@_control("Crisis mode for a region (or the whole country) on or off",
          obj(["on", "why"], region={"type": ["string", "null"]}, on={"type": "boolean"},
              why=_WHY))
@require_roles(Role.SUPERVISOR)
async def crisis(request: web.Request) -> web.Response:
    """Crisis mode for a region (or the whole country with ``region: null``) on or off.

    The region must be the supervisor's, the whole country needs national scope (403)."""
    body = await read_json_object(request)
    region = body.get("region")
    if region is not None:
        region = _known_region(request, region, "region")
    on = body.get("on")
    if not isinstance(on, bool):
        raise ApiError("invalid_body", "on must be true or false", {"field": "on"})
    _region_allowed(principal(request), region, "crisis mode")
    return await _run(request, "set_crisis", region=region, on=on, why=_why(body))


@routes.post("/api/v1/supervisor/calls/{call_id}/priority")
@_control("Change a waiting call's priority (lower is sooner)",
          obj(["priority", "why"], priority={"type": "integer", "minimum": -9, "maximum": 9},
              why=_WHY))
@require_roles(Role.SUPERVISOR)
async def set_priority(request: web.Request) -> web.Response:
    """Change a waiting call's priority (lower is sooner); its arrival time is kept.

    A call the supervisor cannot see answers 404; one without a region, which they see in
    the national queue, needs national scope (403)."""
    body = await read_json_object(request)
    priority = body.get("priority")
    if not isinstance(priority, int) or isinstance(priority, bool) or not -9 <= priority <= 9:
        raise ApiError("invalid_body", "priority must be a whole number from -9 to 9",
                       {"field": "priority", "value": priority})
    call_id = request.match_info["call_id"]
    services, who = _services(request), principal(request)
    entry = services.router.engine.call(call_id)
    if entry is None or not services.call_visible(who, {"region": entry.origin_region,
                                                        "queue": entry.lane}):
        raise NotFound("call_not_found", "no waiting call with that id", {"call_id": call_id})
    # Seen in the national queue is not enough: a call without a region is national.
    _region_allowed(who, entry.origin_region, "changing a call's priority")
    return await _run(request, "set_priority", call_id=call_id, priority=priority, why=_why(body))


@routes.post("/api/v1/supervisor/agents/{nurse_id}/{action:force-logout|force-pause}")
@_control("Log a nurse out or pause them (now, or after the current call and wrap-up)",
          obj(["why"], reason={"type": "string", "description": "pause reason (force-pause)"},
              why=_WHY), path={"action": {"type": "string",
                                          "enum": ["force-logout", "force-pause"]}})
@require_roles(Role.SUPERVISOR)
async def force(request: web.Request) -> web.Response:
    """Log a nurse out or pause them (now, or after the current call and wrap-up).

    Another region's nurse answers 404."""
    body = await read_json_object(request)
    nurse_id = request.match_info["nurse_id"]
    info = _services(request).router.nurse_info(nurse_id)
    if info is None or not principal(request).can_access_region(info["region"]):
        raise NotFound("agent_not_found", "no nurse with that id", {"nurse_id": nurse_id})
    if request.match_info["action"] == "force-logout":
        return await _run(request, "force_logout", nurse_id=nurse_id, why=_why(body))
    reason = body.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise ApiError("invalid_reason", "a pause needs a reason code", {"field": "reason"})
    return await _run(request, "force_pause", nurse_id=nurse_id, reason=reason.strip(),
                why=_why(body))


@routes.get("/api/v1/statistics/intervals")
@documented(summary="Per 15-minute interval and queue: offered, answered, abandoned, "
            "service level, waits, occupancy; and the ledger of calls answered between regions",
            roles="staffing_system, supervisor",
            query={"since": _TIME, "until": _TIME,
                   "service_level_seconds": {"type": "integer", "minimum": 0,
                                             "maximum": 86400}},
            ok=obj(["since", "until", "intervals", "ledger"], since=_TIME, until=_TIME,
                   intervals={"type": "array"}, ledger={"type": "array"}))
@require_roles(Role.STAFFING_SYSTEM, Role.SUPERVISOR)
async def intervals(request: web.Request) -> web.Response:
    """Per 15-minute interval and queue: offered, answered, abandoned, service level, waits,
    occupancy; and the ledger of calls answered for and by each region. Figures only: the
    caller's regions' queues and the national queue, ledger rows involving their regions."""
    q = request.query
    now = datetime.now(UTC)
    since = _time(q["since"], "since") if "since" in q else now - timedelta(hours=24)
    until = _time(q["until"], "until") if "until" in q else now
    if until <= since or until - since > timedelta(days=MAX_STATISTICS_DAYS):
        raise ApiError("invalid_time", f"until must be after since, at most "
                       f"{MAX_STATISTICS_DAYS} days later", {"since": str(since),
                                                             "until": str(until)})
    sl = ascii_int(q.get("service_level_seconds", "180"), "service_level_seconds", 0, 86400)
    who = principal(request)
    services = _services(request)
    async with services.engine.connect() as conn:
        rows = (await conn.execute(
            select(queue_events.c.type, queue_events.c.data)
            .where(queue_events.c.at >= since, queue_events.c.at < until,
                   queue_events.c.type.not_in(("CommandReceived", "GenerationStarted")))
            .order_by(queue_events.c.id))).all()
    stats = compute((event_from_row(r.type, r.data) for r in rows),
                    service_level_seconds=sl, until=until)
    visible = [(start, queue, s) for (start, queue), s in sorted(stats.queues.items())
               if services.queue_visible(who, queue)]
    return web.json_response({
        "since": since.isoformat(), "until": until.isoformat(), "interval_minutes": 15,
        "service_level_seconds": sl,
        "intervals": [{"start": start.isoformat(), "queue": queue, **s.as_dict(),
                       "occupancy": stats.occupancy(start, queue)}
                      for start, queue, s in visible],
        "ledger": [{"start": start.isoformat(), "for_region": f, "by_region": b, "answered": n}
                   for (start, f, b), n in sorted(stats.ledger.items())
                   if who.can_access_region(f) or who.can_access_region(b)],
    })
