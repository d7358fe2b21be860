"""The wallboard (väggtavla): its page, its JSON route and its WebSocket push.

``GET /api/v1/wallboard`` answers the read model of :mod:`contactcenter.wallboard`
for the caller's regions; ``GET /api/v1/wallboard/live`` is a WebSocket that
sends it at once and then again whenever it changed (a change on the bus that
leaves the board as it was sends nothing; every few seconds the board is
looked at again so that waits keep growing and a new interval starts). The
controls on the page use the queue context's supervisor routes
(:mod:`queues.http`), so every rule of who may change what is enforced there.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from contactcenter.identity.http import (
    current_principal,
    login_required_page,
    principal,
    require_roles,
)
from contactcenter.identity.model import Principal, Role
from contactcenter.wallboard import LastWeek, wallboard
from contactcenter.wallboard_config import WallboardConfig, wallboard_config
from shared_kernel.routes import documented, marked, obj, route

if TYPE_CHECKING:
    from contactcenter.services import Services

VIEWERS = (Role.SUPERVISOR, Role.STAFFING_SYSTEM, Role.REGION_ADMIN)
PUSH_COALESCE_SECONDS = 0.25
RECHECK_SECONDS = 5.0
"""How often an idle feed looks again (waits grow; the login may have ended)."""
_FIGURES = obj(["offered", "answered", "abandoned", "service_level", "service_level_2"],
               offered={"type": "integer"}, answered={"type": "integer"},
               abandoned={"type": "integer"}, short_abandoned={"type": "integer"},
               service_level={"type": ["number", "null"],
                              "description": "answered within the threshold / answered"},
               service_level_2={"type": ["number", "null"], "description":
                                "answered within the threshold / (answered + abandoned "
                                "- short abandons)"})
_LEVEL = {"type": "string", "enum": ["ok", "amber", "red"]}
_QUEUE = obj(["id", "kind", "name", "waiting", "today", "interval", "levels"],
             id={"type": "string"},
             kind={"type": "string", "enum": ["region", "national", "common", "night_pool"]},
             name={"type": "string"}, regions={"type": "array", "items": {"type": "string"}},
             waiting={"type": "integer"},
             longest_wait_seconds={"type": ["integer", "null"]},
             predicted_wait_seconds={"type": ["integer", "null"]},
             callbacks_pending={"type": "integer"}, open={"type": "boolean"},
             today=_FIGURES, interval=_FIGURES,
             levels={"type": "object", "additionalProperties": _LEVEL})
WALLBOARD = obj(["queues", "modes", "redirects", "crisis", "nurses", "ledger"],
                server_time={"type": "string", "format": "date-time"},
                queues={"type": "array", "items": _QUEUE},
                modes={"type": "array"}, redirects={"type": "array"},
                crisis=obj(["national", "regions"], national={"type": "boolean"},
                           regions={"type": "array"}),
                nurses={"type": "array"}, ledger={"type": "array"},
                waiting_calls={"type": "array", "description": "supervisors only; no numbers"},
                charts=obj(["today", "last_week"], queues={"type": "array"},
                           today={"type": "object", "description": "per 15 minutes of "
                                  "today: start, offered, answered, service_level, "
                                  "service_level_2"},
                           last_week={"type": "object", "description": "the same for the "
                                      "same weekday a week ago"}))


def routes(services: Services) -> list[web.RouteDef]:
    """The wallboard's routes; reads ``wallboard.toml`` now (a bad file stops the start)."""
    config = wallboard_config(services.settings.config_dir, services.settings.regions.keys())
    handlers = WallboardRoutes(services, config)
    return [web.get("/wallboard", page),
            *(web.route(method, p, h) for method, p, h in marked(handlers))]


@login_required_page
async def page(request: web.Request) -> web.StreamResponse:
    """The page (``/wallboard``) for supervisors, staffing systems and region admins."""
    from contactcenter.web.app import _page

    if not principal(request).has_role(*VIEWERS):
        raise web.HTTPSeeOther("/")
    return _page(request, "wallboard.html")


class WallboardRoutes:
    """The wallboard's handlers, bound to the running services and the thresholds."""

    def __init__(self, services: Services, config: WallboardConfig) -> None:
        self._services = services
        self._config = config
        console = services.console
        self._pause_reasons = dict(console.codes.pause_reasons) if console is not None else {}
        self._last_week = LastWeek()

    async def board(self, who: Principal) -> dict[str, Any]:
        return await wallboard(self._services, who, self._config, self._pause_reasons,
                               self._last_week)

    @route("GET", "/api/v1/wallboard")
    @documented(summary="The wallboard: queues, modes, nurses and today's figures",
                roles="supervisor, staffing_system, region_admin", ok=WALLBOARD)
    @require_roles(*VIEWERS)
    async def get(self, request: web.Request) -> web.Response:
        """The wallboard for the caller's regions (figures only, never callers' numbers)."""
        return web.json_response(await self.board(principal(request)))

    @route("GET", "/api/v1/wallboard/live")
    @documented(summary="WebSocket: the wallboard at once, then whenever it changed",
                roles="supervisor, staffing_system, region_admin", ok=(101, {}))
    @require_roles(*VIEWERS)
    async def live(self, request: web.Request) -> web.WebSocketResponse:
        """WebSocket: the wallboard at once, then again only when it changed."""
        ws = web.WebSocketResponse(heartbeat=20)
        await ws.prepare(request)
        await self._feed(request, ws, principal(request))
        return ws

    async def _feed(self, request: web.Request, ws: web.WebSocketResponse,
                    who: Principal) -> None:
        last = ""
        async with self._services.bus.subscribe() as changes:
            reader = asyncio.ensure_future(ws.receive())
            try:
                while not ws.closed:
                    body = await self.board(who)
                    text = json.dumps({**body, "server_time": None}, sort_keys=True)
                    if text != last:
                        last = text
                        await ws.send_json(body)
                    if not await self._wait(changes, reader):
                        break
                    if reader.done():
                        reader = asyncio.ensure_future(ws.receive())
                    now_who = await current_principal(request)
                    if now_who is None or not now_who.has_role(*VIEWERS):
                        await ws.close(code=4401, message=b"session ended")
                        break
                    who = now_who
            except (ConnectionResetError, asyncio.CancelledError):
                pass
            finally:
                reader.cancel()

    @staticmethod
    async def _wait(changes: asyncio.Queue[Any], reader: asyncio.Future[Any]) -> bool:
        """Until a change (coalesced), a message or the recheck time; False: the socket
        closed."""
        getter = asyncio.ensure_future(changes.get())
        done, _ = await asyncio.wait({getter, reader}, timeout=RECHECK_SECONDS,
                                     return_when=asyncio.FIRST_COMPLETED)
        if getter not in done:
            getter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await getter
        if reader in done:
            msg = reader.result()
            if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.ERROR):
                return False
        if getter in done:
            await asyncio.sleep(PUSH_COALESCE_SECONDS)
            while not changes.empty():
                changes.get_nowait()
        return True
