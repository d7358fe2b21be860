"""The aiohttp application: API, live page, login, static files."""

from __future__ import annotations

import asyncio
import html
from pathlib import Path
from typing import TYPE_CHECKING
from weakref import WeakSet

from aiohttp import WSCloseCode, web

from contactcenter.identity import csrf
from contactcenter.identity.http import (
    current_principal,
    login_required_page,
    principal,
    setup_identity,
)
from contactcenter.identity.model import Principal, Role
from contactcenter.web.api import routes as api_routes
from contactcenter.web.errors import SERVICES, error_middleware
from contactcenter.web.json_input import read_json_object
from contactcenter.web.openapi import describe_routes
from contactcenter.web.security import setup_security
from contactcenter.web.wallboard import routes as wallboard_routes
from nurse_console.ports import Actor as ConsoleActor

if TYPE_CHECKING:
    from contactcenter.services import Services

STATIC = Path(__file__).parent / "static"
SOCKETS = web.AppKey("sockets", WeakSet[web.WebSocketResponse])


def _page(request: web.Request, name: str, status: int = 200) -> web.Response:
    """A page from ``static/`` with its logout form's CSRF token (``{{csrf_token}}``)."""
    token, new = csrf.form_token(request)
    page = (STATIC / name).read_text(encoding="utf-8")
    response = web.Response(text=page.replace("{{csrf_token}}", html.escape(token, quote=True)),
                            content_type="text/html", status=status)
    if new:
        csrf.remember(response, token, secure=request.app[SERVICES].settings.http.cookie_secure)
    return response


@login_required_page
async def index(request: web.Request) -> web.StreamResponse:
    """Where a login lands: a nurse at her console, editors and auditors at their desk
    page, everyone else at the live page."""
    who = principal(request)
    if who.has_role(Role.NURSE):
        raise web.HTTPSeeOther("/console")
    if not who.has_role(Role.SUPERVISOR, Role.STAFFING_SYSTEM, Role.REGION_ADMIN):
        return _page(request, "desk.html")
    return _page(request, "index.html")


@login_required_page
async def console_page(request: web.Request) -> web.StreamResponse:
    """The nurse console (``/console``); other roles are sent to their own page."""
    if not principal(request).has_role(Role.NURSE):
        raise web.HTTPSeeOther("/")
    return _page(request, "console.html")


@login_required_page
async def bulletins_page(request: web.Request) -> web.StreamResponse:
    """Where supervisors and content editors write bulletins (``/bulletins``)."""
    if not principal(request).has_role(Role.SUPERVISOR, Role.CONTENT_EDITOR):
        raise web.HTTPSeeOther("/")
    return _page(request, "bulletins.html")


def console_actor(request: web.Request) -> ConsoleActor:
    """``actor_of`` for :func:`nurse_console.http.routes` (401 without a login)."""
    return _as_console_actor(principal(request))


def _as_console_actor(who: Principal) -> ConsoleActor:
    return ConsoleActor(who.username, who.display_name, frozenset(str(r) for r in who.roles),
                        frozenset(who.regions))


async def console_still_allowed(request: web.Request) -> ConsoleActor | None:
    who = await current_principal(request)
    return _as_console_actor(who) if who is not None and who.has_role(Role.NURSE) else None


def add_context_routes(app: web.Application, services: Services) -> None:
    """The bounded contexts' own routes, each given its service, who is acting, and the
    service's one JSON parser (the contexts may not import it themselves)."""
    from contactcenter.contexts import catalog_actor, guideline_actor, journal_actor, queue_actor
    from decision_support.http import routes as guideline_routes
    from journal.http import routes as journal_routes
    from queues.http import routes as queues_routes
    from referral_catalog.http import routes as catalog_routes

    app.add_routes(queues_routes(services.queues, queue_actor, read_json=read_json_object,
                                 regions=services.settings.regions.keys()))
    app.add_routes(journal_routes(services.journal, journal_actor(services.settings),
                                  read_json=read_json_object))
    app.add_routes(catalog_routes(services.catalog, catalog_actor, read_json=read_json_object))
    app.add_routes(guideline_routes(services.guidelines, guideline_actor,
                                    read_json=read_json_object))
    if services.coaching is not None:
        from contactcenter.coaching.http import routes as coaching_routes

        app.add_routes(coaching_routes(services.coaching))
    if services.console is not None:
        from nurse_console.http import routes as console_routes

        app.add_routes(console_routes(services.console, console_actor,
                                      read_json=read_json_object,
                                      changes=services.bus.subscribe,
                                      still_allowed=console_still_allowed))
        if services.console.bulletins is not None:
            from nurse_console.bulletin_http import routes as bulletin_routes

            app.add_routes(bulletin_routes(services.console.bulletins, console_actor,
                                           read_json=read_json_object,
                                           briefing=services.console.briefing))


def create_app(services: Services) -> web.Application:
    """The web application for a set of running services (built by ``bootstrap``)."""
    app = web.Application(middlewares=[error_middleware])
    app[SERVICES] = services
    setup_identity(
        app,
        services.identity,
        session_hours=services.settings.http.session_hours,
        cookie_secure=services.settings.http.cookie_secure,
    )
    setup_security(app, cookie_secure=services.settings.http.cookie_secure,
                   allowed_origins=services.settings.http.allowed_origins)
    app.router.add_get("/", index)
    app.router.add_get("/console", console_page)
    app.router.add_get("/bulletins", bulletins_page)
    app.router.add_static("/static", STATIC, name="static")
    app.add_routes(api_routes(services))
    app.add_routes(wallboard_routes(services))
    add_context_routes(app, services)
    describe_routes(app)
    app[SOCKETS] = WeakSet()
    app.on_response_prepare.append(_socket_opened)
    app.on_shutdown.append(_close_sockets)
    return app


async def _socket_opened(request: web.Request, response: web.StreamResponse) -> None:
    if isinstance(response, web.WebSocketResponse):
        request.app[SOCKETS].add(response)


async def _close_sockets(app: web.Application) -> None:
    """On shutdown, tell every open WebSocket (the live page, the consoles) that the
    server is going away. Left open, each would hold the shutdown until aiohttp's
    timeout ran out and then be cut off; told, the pages and the terminal console
    start reconnecting at once."""
    await asyncio.gather(*(ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")
                           for ws in list(app[SOCKETS])), return_exceptions=True)
