"""Supervisor controls of the queues and 15-minute statistics for staffing systems.

Every control takes effect at once for waiting callers (the engine re-matches)
and is recorded with who and why: the engine's events (``ModeChanged``,
``PriorityChanged``, ``NurseStateChanged`` with the supervisor in its reason)
are stored in ``queue_events`` like every other step. Statistics are computed
from those stored events, so a restart loses nothing.

The routes are the context's ``routes(service, actor_of, ...)``: ``actor_of``
says who is asking (an :class:`~queues.ports.Actor`), ``read_json`` reads a
body with the service's one parser, and every refusal is a domain error the
service's error middleware answers (:mod:`queues.errors`). Region scope as in the core API: a call, nurse or redirect the
supervisor cannot see, addressed by id, answers 404 as if it did not exist; one
they can see but not change (a call without a region in the national queue),
a region named in the body that is not theirs, or a national action (a
collaboration mode, national crisis mode) without national scope answers 403.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from queues.errors import IdTaken, InvalidRequest, NotVisible, NotYours
from queues.ports import Actor
from queues.service import QueueService
from shared_kernel.routes import ReadJson, documented, marked, obj, route

SUPERVISOR, STAFFING_SYSTEM = "supervisor", "staffing_system"
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


def _why(body: dict[str, Any]) -> str:
    why = body.get("why")
    if not isinstance(why, str) or not why.strip():
        raise InvalidRequest("say why (the control is recorded with who and why)", {"field": "why"},
                      error_id="invalid_why")
    return why.strip()


def _region_allowed(who: Actor, region: str | None, what: str) -> None:
    """403 unless ``who`` holds ``region`` (``None``: the whole country, national scope)."""
    if who.sees_region(region):
        return
    problem = (f"{what} for the whole country needs a national supervisor" if region is None
               else f"{what} for region {region} is not yours")
    raise NotYours(problem, {"region": region})


def _time(value: Any, field: str) -> datetime:
    try:
        at = datetime.fromisoformat(value) if isinstance(value, str) else None
        at = at.astimezone(UTC) if at is not None and at.tzinfo is not None else None
    except (ValueError, OverflowError):
        at = None
    if at is None:
        raise InvalidRequest(f"{field} must be an ISO 8601 time with a UTC offset",
                      {"field": field, "value": value if isinstance(value, str) else None},
                      error_id="invalid_time")
    if not EARLIEST <= at <= LATEST:
        raise InvalidRequest(f"{field} must be between {EARLIEST.year} and {LATEST.year}",
                      {"field": field, "value": value}, error_id="invalid_time")
    return at


def _ascii_int(text: str, name: str, low: int, high: int) -> int:
    """``text`` as a whole number from ``low`` to ``high``, in ASCII digits only."""
    digits = text[1:] if text[:1] in "+-" else text
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 19:
        raise InvalidRequest(f"{name} must be a whole number", {name: text[:40]},
                      error_id="invalid_query")
    value = int(text)
    if not low <= value <= high:
        raise InvalidRequest(f"{name} must be between {low} and {high}", {name: value},
                      error_id="invalid_query")
    return value


def _window(query: Any) -> tuple[datetime, datetime, int]:
    """``since``, ``until`` (default: the last 24 hours) and the service level threshold."""
    now = datetime.now(UTC)
    since = _time(query["since"], "since") if "since" in query else now - timedelta(hours=24)
    until = _time(query["until"], "until") if "until" in query else now
    if until <= since or until - since > timedelta(days=MAX_STATISTICS_DAYS):
        raise InvalidRequest(f"until must be after since, at most {MAX_STATISTICS_DAYS} days later",
                      {"since": str(since), "until": str(until)}, error_id="invalid_time")
    sl = _ascii_int(query.get("service_level_seconds", "180"), "service_level_seconds", 0,
                    86400)
    return since, until, sl


def routes(service: QueueService, actor_of: Callable[[web.Request], Actor], *,
           read_json: ReadJson, regions: Collection[str]) -> list[web.RouteDef]:
    """The queue context's routes: supervisor controls and interval statistics.
    ``regions``: the configured region codes a request may name."""
    handlers = QueueRoutes(service, actor_of, read_json, regions)
    return [web.route(method, path, handler) for method, path, handler in marked(handlers)]


class QueueRoutes:
    """The handlers of the queue routes, bound to one service: each reads the request,
    checks who is asking, calls the service; refusals are domain errors."""

    def __init__(self, service: QueueService, actor_of: Callable[[web.Request], Actor],
                 read_json: ReadJson, regions: Collection[str]) -> None:
        self.service = service
        self._actor_of = actor_of
        self.read_json = read_json
        self._regions = frozenset(regions)

    def actor(self, request: web.Request, *roles: str) -> Actor:
        """Who is asking, if they hold one of ``roles`` (401 / 403 otherwise)."""
        who = self._actor_of(request)
        if not who.has_role(*roles):
            raise NotYours("your roles do not allow this", {"required_roles": list(roles)})
        return who

    def region(self, value: Any, field: str) -> str:
        if not isinstance(value, str) or value not in self._regions:
            raise InvalidRequest(f"{field} must be a region code from regions.toml",
                          {"field": field, "value": value}, error_id="invalid_region")
        return value

    async def run(self, who: Actor, command: str, **kwargs: Any) -> web.Response:
        try:
            events = await self.service.supervise(command, by=who.username, **kwargs)
        except (ValueError, KeyError) as exc:
            raise InvalidRequest(str(exc), {"command": command}, error_id="invalid_body") from exc
        return web.json_response({"applied": command,
                                  "events": [type(e).__name__ for e in events]})

    @route("POST", "/api/v1/supervisor/modes/{mode}")
    @_control("Force a collaboration mode open or closed, or back to its schedule",
              obj(["why"], open={"type": ["boolean", "null"]}, why=_WHY))
    async def set_mode(self, request: web.Request) -> web.Response:
        """Force a collaboration mode open or closed, or back to its schedule
        (``open: null``). Modes span regions, so this needs national scope (403 otherwise)."""
        who = self.actor(request, SUPERVISOR)
        body = await self.read_json(request)
        mode = request.match_info["mode"]
        schedules = self.service.engine.rules.schedules
        if mode not in schedules:
            raise NotVisible("no collaboration mode with that id",
                           {"mode": mode, "known": sorted(schedules)},
                           error_id="mode_not_found")
        state = body.get("open")
        if state not in (True, False, None):
            raise InvalidRequest("open must be true, false or null (follow the schedule)",
                          {"field": "open", "value": state}, error_id="invalid_body")
        _region_allowed(who, None, "changing a collaboration mode")
        return await self.run(who, "set_mode", mode=mode, open=state, why=_why(body))

    @route("POST", "/api/v1/supervisor/crisis")
    @_control("Crisis mode for a region (or the whole country) on or off",
              obj(["on", "why"], region={"type": ["string", "null"]}, on={"type": "boolean"},
                  why=_WHY))
    async def crisis(self, request: web.Request) -> web.Response:
        """Crisis mode for a region (or the whole country with ``region: null``) on or off.

        The region must be the supervisor's, the whole country needs national scope (403)."""
        who = self.actor(request, SUPERVISOR)
        body = await self.read_json(request)
        region = body.get("region")
        if region is not None:
            region = self.region(region, "region")
        on = body.get("on")
        if not isinstance(on, bool):
            raise InvalidRequest("on must be true or false", {"field": "on"}, error_id="invalid_body")
        _region_allowed(who, region, "crisis mode")
        return await self.run(who, "set_crisis", region=region, on=on, why=_why(body))

    @route("POST", "/api/v1/supervisor/redirects")
    @_control("Let another region's nurses take a region's calls for a time window",
              obj(["id", "from_region", "to_region", "start", "end", "why"],
                  id={"type": "string", "minLength": 1}, from_region={"type": "string"},
                  to_region={"type": "string"}, start=_TIME, end=_TIME, why=_WHY))
    async def redirect(self, request: web.Request) -> web.Response:
        """Let another region's nurses take a region's calls for a time window.

        ``from_region`` must be the supervisor's (403 otherwise); an id already used by
        another region's redirect answers 409 (replacing it would change their redirect)."""
        who = self.actor(request, SUPERVISOR)
        body = await self.read_json(request)
        from_region = self.region(body.get("from_region"), "from_region")
        to_region = self.region(body.get("to_region"), "to_region")
        start, end = _time(body.get("start"), "start"), _time(body.get("end"), "end")
        if end <= start:
            raise InvalidRequest("end must be after start", {"field": "end"}, error_id="invalid_time")
        redirect_id = body.get("id")
        if not isinstance(redirect_id, str) or not redirect_id.strip():
            raise InvalidRequest("id must name the redirect", {"field": "id"}, error_id="invalid_body")
        _region_allowed(who, from_region, "redirecting calls")
        existing = self.service.engine.rules.redirects.get(redirect_id.strip())
        if existing is not None and not who.sees_region(existing.from_region):
            # Replacing it would change another region's redirect; say only that it is taken.
            raise IdTaken("that redirect id is in use; choose another", {"field": "id"},
                        error_id="redirect_id_taken")
        return await self.run(who, "redirect", redirect_id=redirect_id.strip(),
                             from_region=from_region, to_region=to_region, start=start,
                             end=end, why=_why(body))

    @route("DELETE", "/api/v1/supervisor/redirects/{redirect_id}")
    @_control("End a redirect before its window is over", obj(["why"], why=_WHY))
    async def cancel_redirect(self, request: web.Request) -> web.Response:
        """End a redirect before its window is over.

        A redirect of another region (``from_region`` not the supervisor's) answers 404."""
        who = self.actor(request, SUPERVISOR)
        body = await self.read_json(request)
        redirect_id = request.match_info["redirect_id"]
        existing = self.service.engine.rules.redirects.get(redirect_id)
        if existing is None or not who.sees_region(existing.from_region):
            raise NotVisible("no redirect with that id", {"redirect_id": redirect_id},
                           error_id="redirect_not_found")
        return await self.run(who, "cancel_redirect", redirect_id=redirect_id, why=_why(body))

    @route("POST", "/api/v1/supervisor/calls/{call_id}/priority")
    @_control("Change a waiting call's priority (lower is sooner)",
              obj(["priority", "why"], priority={"type": "integer", "minimum": -9,
                                                 "maximum": 9}, why=_WHY))
    async def set_priority(self, request: web.Request) -> web.Response:
        """Change a waiting call's priority (lower is sooner); its arrival time is kept.

        A call the supervisor cannot see answers 404; one without a region, which they see
        in the national queue, needs national scope (403)."""
        who = self.actor(request, SUPERVISOR)
        body = await self.read_json(request)
        priority = body.get("priority")
        if not isinstance(priority, int) or isinstance(priority, bool) \
                or not -9 <= priority <= 9:
            raise InvalidRequest("priority must be a whole number from -9 to 9",
                          {"field": "priority", "value": priority}, error_id="invalid_body")
        call_id = request.match_info["call_id"]
        entry = self.service.engine.call(call_id)
        if entry is None or not self.service.call_visible(who, entry.origin_region, entry.lane):
            raise NotVisible("no waiting call with that id", {"call_id": call_id},
                           error_id="call_not_found")
        # Seen in the national queue is not enough: a call without a region is national.
        _region_allowed(who, entry.origin_region, "changing a call's priority")
        return await self.run(who, "set_priority", call_id=call_id, priority=priority,
                             why=_why(body))

    @route("POST", "/api/v1/supervisor/agents/{nurse_id}/{action:force-logout|force-pause}")
    @_control("Log a nurse out or pause them (now, or after the current call and wrap-up)",
              obj(["why"], reason={"type": "string", "description": "pause reason "
                                   "(force-pause)"}, why=_WHY),
              path={"action": {"type": "string", "enum": ["force-logout", "force-pause"]}})
    async def force(self, request: web.Request) -> web.Response:
        """Log a nurse out or pause them (now, or after the current call and wrap-up).

        Another region's nurse answers 404."""
        who = self.actor(request, SUPERVISOR)
        body = await self.read_json(request)
        nurse_id = request.match_info["nurse_id"]
        info = self.service.nurse_info(nurse_id)
        if info is None or not who.can_access_region(info["region"]):
            raise NotVisible("no nurse with that id", {"nurse_id": nurse_id},
                           error_id="agent_not_found")
        if request.match_info["action"] == "force-logout":
            return await self.run(who, "force_logout", nurse_id=nurse_id, why=_why(body))
        reason = body.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise InvalidRequest("a pause needs a reason code", {"field": "reason"},
                          error_id="invalid_reason")
        return await self.run(who, "force_pause", nurse_id=nurse_id, reason=reason.strip(),
                             why=_why(body))

    @route("GET", "/api/v1/statistics/intervals")
    @documented(summary="Per 15-minute interval and queue: offered, answered, abandoned, "
                "service level, waits, occupancy; and the ledger of calls answered between "
                "regions", roles="staffing_system, supervisor",
                query={"since": _TIME, "until": _TIME,
                       "service_level_seconds": {"type": "integer", "minimum": 0,
                                                 "maximum": 86400}},
                ok=obj(["since", "until", "intervals", "ledger"], since=_TIME, until=_TIME,
                       intervals={"type": "array"}, ledger={"type": "array"}))
    async def intervals(self, request: web.Request) -> web.Response:
        """Per 15-minute interval and queue: offered, answered, abandoned, service level,
        waits, occupancy; and the ledger of calls answered for and by each region. Figures
        only: the caller's regions' queues and the national queue, ledger rows involving
        their regions."""
        who = self.actor(request, STAFFING_SYSTEM, SUPERVISOR)
        since, until, sl = _window(request.query)
        stats = await self.service.interval_statistics(since, until, service_level_seconds=sl)
        visible = [(start, queue, s) for (start, queue), s in sorted(stats.queues.items())
                   if self.service.queue_visible(who, queue)]
        return web.json_response({
            "since": since.isoformat(), "until": until.isoformat(), "interval_minutes": 15,
            "service_level_seconds": sl,
            "intervals": [{"start": start.isoformat(), "queue": queue, **s.as_dict(),
                           "occupancy": stats.occupancy(start, queue)}
                          for start, queue, s in visible],
            "ledger": [{"start": start.isoformat(), "for_region": f, "by_region": b,
                        "answered": n}
                       for (start, f, b), n in sorted(stats.ledger.items())
                       if who.can_access_region(f) or who.can_access_region(b)],
        })
