"""HTTP routes of the information area: supervisors and content editors write, edit and
withdraw bulletins (meddelanden) under ``/api/v1/bulletins`` and see who has read them; a
nurse acknowledges one under ``/api/v1/console/bulletins``, and her shift briefing under
``/api/v1/console/briefing``. Her unread bulletins and open briefing come with her console
view (and its WebSocket pushes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from nurse_console.briefing import ShiftBriefing
from nurse_console.bulletins import BulletinService, NotAllowed
from nurse_console.ports import Actor
from shared_kernel.routes import ReadJson, documented, marked, obj, route

ActorOf = Callable[[web.Request], Actor]
_STR = {"type": "string"}
_NSTR = {"type": ["string", "null"]}
_WRITERS = "supervisor (her regions; national: all regions), content_editor (national)"
BODY = obj(["title", "text"], title=_STR, text=_STR, region=_NSTR,
           priority={"type": "string", "enum": ["normal", "important"]},
           valid_from={"type": ["string", "null"], "format": "date-time"},
           valid_to={"type": ["string", "null"], "format": "date-time"})
BULLETIN = obj(["bulletin_id", "title", "text", "priority", "region", "valid_from"])


def routes(service: BulletinService, actor_of: ActorOf, *, read_json: ReadJson,
           briefing: ShiftBriefing | None = None) -> list[web.RouteDef]:
    """The information area's routes; ``actor_of`` tells who is asking (401 without a
    login); without ``briefing`` the console has no shift briefing."""
    handlers = BulletinRoutes(service, actor_of, read_json, briefing)
    return [web.route(method, path, handler) for method, path, handler in marked(handlers)]


class BulletinRoutes:
    """The handlers, bound to the bulletin service."""

    def __init__(self, service: BulletinService, actor_of: ActorOf, read_json: ReadJson,
                 briefing: ShiftBriefing | None) -> None:
        self._service = service
        self._briefing = briefing
        self._actor_of = actor_of
        self._read_json = read_json

    async def _body(self, request: web.Request) -> dict[str, Any]:
        body: dict[str, Any] = await self._read_json(request)
        return body

    @route("GET", "/api/v1/bulletins")
    @documented(summary="The bulletins the user may manage, with who has and has not "
                "read each", roles=_WRITERS,
                ok=obj(["bulletins", "regions"],
                       bulletins={"type": "array", "items": BULLETIN},
                       regions={"type": "array", "items": obj(["code", "name"])}),
                errors=[401, 403])
    async def written(self, request: web.Request) -> web.Response:
        actor = self._actor_of(request)
        return web.json_response({"bulletins": await self._service.written(actor),
                                  "regions": self._service.writable_regions(actor)})

    @route("POST", "/api/v1/bulletins")
    @documented(summary="Write a bulletin (region null: national)", roles=_WRITERS,
                body=BODY, ok=(201, BULLETIN), errors=[400, 401, 403])
    async def publish(self, request: web.Request) -> web.Response:
        actor = self._actor_of(request)
        if not actor.has_role("supervisor", "content_editor"):
            raise NotAllowed("only supervisors and content editors write bulletins")
        return web.json_response(
            await self._service.publish(actor, await self._body(request)), status=201)

    @route("PUT", "/api/v1/bulletins/{bulletin_id}")
    @documented(summary="Change a bulletin's text, priority or validity", roles=_WRITERS,
                body=BODY, ok=BULLETIN, errors=[400, 401, 403, 404])
    async def edit(self, request: web.Request) -> web.Response:
        actor = self._actor_of(request)
        return web.json_response(await self._service.edit(
            actor, request.match_info["bulletin_id"], await self._body(request)))

    @route("POST", "/api/v1/bulletins/{bulletin_id}/withdraw")
    @documented(summary="Withdraw a bulletin: nurses no longer see it", roles=_WRITERS,
                ok=BULLETIN, errors=[401, 403, 404])
    async def withdraw(self, request: web.Request) -> web.Response:
        return web.json_response(await self._service.withdraw(
            self._actor_of(request), request.match_info["bulletin_id"]))

    @route("POST", "/api/v1/console/bulletins/{bulletin_id}/acknowledge")
    @documented(summary="The nurse has read the bulletin (Jag har läst)",
                roles="nurse (of the bulletin's region; national: every nurse)",
                ok=obj(["bulletins"], bulletins={"type": "array", "items": BULLETIN}),
                errors=[401, 403, 404])
    async def acknowledge(self, request: web.Request) -> web.Response:
        actor = self._actor_of(request)
        if not actor.has_role("nurse"):
            raise NotAllowed("only nurses acknowledge bulletins")
        await self._service.acknowledge(actor, request.match_info["bulletin_id"])
        return web.json_response({"bulletins": await self._service.unread(actor)})

    @route("POST", "/api/v1/console/briefing/acknowledge")
    @documented(summary="The nurse has taken in her shift briefing (the guideline changes "
                "since her last shift)", roles="nurse", ok=obj(["briefing"]),
                errors=[401, 403])
    async def acknowledge_briefing(self, request: web.Request) -> web.Response:
        actor = self._actor_of(request)
        if not actor.has_role("nurse") or self._briefing is None:
            raise NotAllowed("only nurses acknowledge a shift briefing")
        if self._service.region_of(actor) is None:
            raise NotAllowed("the login is not a nurse on the roster")
        await self._briefing.acknowledge(actor)
        return web.json_response({"briefing": None})
