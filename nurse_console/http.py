"""HTTP routes of the nurse console under ``/api/v1/console`` (thin: parse, call the
service, answer JSON), and its WebSocket of pushes.

Every route answers as the logged-in nurse, on her own call only: there is no call
id in any path, so one nurse can never address another's call. The web view and
the terminal console use exactly these routes. The WebSocket
(``/api/v1/console/events``) sends the whole console view at once and again after
every change, so a client that reconnects is in step with its first message.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

from nurse_console.errors import InvalidChoice
from nurse_console.ports import Actor
from nurse_console.service import ConsoleService
from shared_kernel.routes import ReadJson, documented, marked, obj, route

PREFIX = "/api/v1/console"
ActorOf = Callable[[web.Request], Actor]
Changes = Callable[[], AbstractAsyncContextManager[asyncio.Queue[Any]]]
StillAllowed = Callable[[web.Request], Awaitable[Actor | None]]
PUSH_COALESCE_SECONDS = 0.05
RECHECK_SECONDS = 5.0

_STR = {"type": "string"}
_NSTR = {"type": ["string", "null"]}
VIEW = obj(["server_time", "nurse", "work"], server_time=_STR,
           nurse=obj(["nurse_id", "state"], nurse_id=_STR, display_name=_STR, region=_STR,
                     region_name=_STR, state=_STR, since=_NSTR, call_id=_NSTR,
                     pause_reason=_NSTR),
           work={"type": ["object", "null"],
                 "description": "the call work: facts, phase and phase times, guidelines, "
                                "assessment, referral, draft, nudges, repeat calls"})
_NURSE = "nurse (on the roster, linked to the login)"


def routes(service: ConsoleService, actor_of: ActorOf, *, read_json: ReadJson,
           changes: Changes, still_allowed: StillAllowed) -> list[web.RouteDef]:
    """The console's routes. ``actor_of`` tells who is asking (401 without a login),
    ``changes`` subscribes to the service's change signal, ``still_allowed`` looks the
    session up again (a logout ends the WebSocket)."""
    handlers = ConsoleRoutes(service, actor_of, read_json, changes, still_allowed)
    return [web.route(method, path, handler) for method, path, handler in marked(handlers)]


class ConsoleRoutes:
    """The handlers, bound to the console service."""

    def __init__(self, service: ConsoleService, actor_of: ActorOf, read_json: ReadJson,
                 changes: Changes, still_allowed: StillAllowed) -> None:
        self._service = service
        self._actor_of = actor_of
        self._read_json = read_json
        self._changes = changes
        self._still_allowed = still_allowed

    async def _body(self, request: web.Request) -> dict[str, Any]:
        body = await self._read_json(request, optional=True)
        return body

    @route("GET", PREFIX)
    @documented(summary="The nurse's console: her state and the call she works on",
                roles=_NURSE, ok=VIEW, errors=[401, 403])
    async def view(self, request: web.Request) -> web.Response:
        return web.json_response(await self._service.view(self._actor_of(request)))

    @route("GET", f"{PREFIX}/codes")
    @documented(summary="The coded lists the console offers (code and Swedish label)",
                roles=_NURSE, ok=obj(["pause_reasons", "contact_reasons", "urgencies",
                                      "care_types", "deviation_reasons"]), errors=[401, 403])
    async def codes(self, request: web.Request) -> web.Response:
        self._service.seat(self._actor_of(request))
        return web.json_response(asdict(self._service.codes))

    @route("POST", f"{PREFIX}/state")
    @documented(summary="Ready, pause with a configured reason, or log out",
                roles=_NURSE, body=obj(["state"], state={"type": "string", "enum": [
                    "ready", "paused", "logged_out"]}, reason=_NSTR),
                ok=VIEW, errors=[400, 401, 403, 409])
    async def set_state(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        return web.json_response(await self._service.set_state(
            self._actor_of(request), _text(body, "state", required=True) or "",
            _text(body, "reason")))

    @route("POST", f"{PREFIX}/answer")
    @documented(summary="Answer the offered call (Svara) where the phone allows it",
                roles=_NURSE, ok=VIEW, errors=[401, 403, 409])
    async def answer(self, request: web.Request) -> web.Response:
        return web.json_response(await self._service.answer(self._actor_of(request)))

    @route("POST", f"{PREFIX}/hangup")
    @documented(summary="End the call (Lägg på) where the phone allows it", roles=_NURSE,
                ok=VIEW, errors=[401, 403, 409])
    async def hang_up(self, request: web.Request) -> web.Response:
        return web.json_response(await self._service.hang_up(self._actor_of(request)))

    @route("POST", f"{PREFIX}/resume")
    @documented(summary="Go back to an earlier call's unsigned note of this nurse",
                roles=_NURSE, body=obj(["call_id"], call_id=_STR), ok=VIEW,
                errors=[400, 401, 403, 409])
    async def resume(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        return web.json_response(await self._service.resume(
            self._actor_of(request), _text(body, "call_id", required=True) or ""))

    @route("POST", f"{PREFIX}/phase")
    @documented(summary="Go to a phase of the call process",
                roles=_NURSE, body=obj(["phase"], phase={"type": "string", "enum": [
                    "oppna", "lyssna", "bedoma", "atgard", "avsluta"]}),
                ok=VIEW, errors=[400, 401, 403, 409])
    async def phase(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        return web.json_response(await self._service.move_to_phase(
            self._actor_of(request), _text(body, "phase", required=True) or ""))

    @route("GET", f"{PREFIX}/search")
    @documented(summary="Search guidelines by symptom, body part or event, with why each "
                "hit matched", roles=_NURSE,
                query={"q": {"type": "string", "maxLength": 200},
                       "age": {"type": "number", "minimum": 0, "maximum": 130}},
                ok=obj(["hits"], hits={"type": "array", "items": obj(
                    ["guideline_id", "title", "version", "why"])}), errors=[400, 401, 403])
    async def search(self, request: web.Request) -> web.Response:
        actor = self._actor_of(request)
        self._service.seat(actor)
        query = request.query.get("q", "")
        if len(query) > 200:
            raise InvalidChoice("q is at most 200 characters", {"field": "q"})
        age = _age(request.query.get("age"))
        hits = self._service.search(actor, query, age) if query.strip() else []
        return web.json_response({"hits": hits})

    @route("POST", f"{PREFIX}/guidelines/{{guideline_id}}")
    @documented(summary="Open a guideline for the call (recorded with its version)",
                roles=_NURSE, ok=obj(["guideline_id", "version", "levels"]),
                errors=[401, 403, 404, 409])
    async def open_guideline(self, request: web.Request) -> web.Response:
        return web.json_response(await self._service.open_guideline(
            self._actor_of(request), request.match_info["guideline_id"]))

    @route("POST", f"{PREFIX}/criteria")
    @documented(summary="Tick criteria of an opened guideline: urgency and care type follow",
                roles=_NURSE, body=obj(["guideline_id", "ticked"], guideline_id=_STR,
                                       ticked={"type": "array", "items": _STR,
                                               "maxItems": 200}),
                ok=VIEW, errors=[400, 401, 403, 404, 409])
    async def criteria(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        ticked = body.get("ticked", [])
        if not isinstance(ticked, list) or len(ticked) > 200 \
                or not all(isinstance(t, str) for t in ticked):
            raise InvalidChoice("ticked must be a list of criterion ids", {"field": "ticked"})
        return web.json_response(await self._service.tick(
            self._actor_of(request), _text(body, "guideline_id", required=True) or "", ticked))

    @route("POST", f"{PREFIX}/decision")
    @documented(summary="The nurse's own urgency and care type, and a coded deviation reason",
                roles=_NURSE, body=obj([], urgency=_NSTR, care_type=_NSTR,
                                       deviation_reason=_NSTR, deviation_text=_NSTR),
                ok=VIEW, errors=[400, 401, 403, 409])
    async def decision(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        return web.json_response(await self._service.decide(
            self._actor_of(request), urgency=_text(body, "urgency"),
            care_type=_text(body, "care_type"),
            deviation_reason=_text(body, "deviation_reason"),
            deviation_text=_text(body, "deviation_text") or ""))

    @route("GET", f"{PREFIX}/referrals")
    @documented(summary="Units for the call's care type and urgency, open and near, with why",
                roles=_NURSE, ok=obj(["units"], units={"type": "array"}),
                errors=[401, 403, 409])
    async def referrals(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"units": await self._service.suggestions(self._actor_of(request))})

    @route("POST", f"{PREFIX}/referral")
    @documented(summary="Refer to a unit, or give self-care advice (or undo both)",
                roles=_NURSE, body=obj([], hsa_id=_NSTR, self_care={"type": "boolean"}),
                ok=VIEW, errors=[400, 401, 403, 409])
    async def referral(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        self_care = body.get("self_care", False)
        if not isinstance(self_care, bool):
            raise InvalidChoice("self_care must be true or false", {"field": "self_care"})
        return web.json_response(await self._service.refer(
            self._actor_of(request), _text(body, "hsa_id"), self_care=self_care))

    @route("PUT", f"{PREFIX}/draft")
    @documented(summary="Save the journal draft (autosave); a stale draft_revision is a "
                "conflict that returns the stored draft", roles=_NURSE,
                body=obj(["draft_revision", "fields"], draft_revision={"type": "integer"},
                         fields={"type": "object"}, safety_net_given={"type": "boolean"}),
                ok=VIEW, errors=[400, 401, 403, 409, 422])
    async def draft(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        based_on = body.get("draft_revision")
        if isinstance(based_on, bool) or not isinstance(based_on, int) \
                or not 0 <= based_on < 2**31:
            raise InvalidChoice("draft_revision must be the whole number last read",
                                {"field": "draft_revision"})
        fields = body.get("fields", {})
        if not isinstance(fields, dict):
            raise InvalidChoice("fields must be an object", {"field": "fields"})
        safety = body.get("safety_net_given")
        if safety is not None and not isinstance(safety, bool):
            raise InvalidChoice("safety_net_given must be true or false",
                                {"field": "safety_net_given"})
        return web.json_response(await self._service.save_draft(
            self._actor_of(request), based_on, fields, safety_net_given=safety))

    @route("POST", f"{PREFIX}/contact-reason")
    @documented(summary="The call's contact reason (a configured code)", roles=_NURSE,
                body=obj([], code=_NSTR), ok=VIEW, errors=[400, 401, 403, 409])
    async def contact_reason(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        return web.json_response(await self._service.set_contact_reason(
            self._actor_of(request), _text(body, "code")))

    @route("POST", f"{PREFIX}/sign")
    @documented(summary="Sign the call's journal entry; missing parts are listed",
                roles=_NURSE, ok=VIEW, errors=[401, 403, 409, 422])
    async def sign(self, request: web.Request) -> web.Response:
        return web.json_response(await self._service.sign(self._actor_of(request)))

    @route("GET", f"{PREFIX}/statistics/phases")
    @documented(summary="Average seconds per call phase over the calls closed in a period",
                roles="supervisor", query={"since": {"type": "string", "format": "date-time"},
                                           "until": {"type": "string", "format": "date-time"}},
                ok=obj(["calls", "average_seconds"]), errors=[400, 401, 403])
    async def phase_statistics(self, request: web.Request) -> web.Response:
        since, until = _when(request, "since"), _when(request, "until")
        return web.json_response(await self._service.phase_statistics(
            self._actor_of(request), since, until))

    @route("GET", f"{PREFIX}/events")
    @documented(summary="WebSocket: the console view at once and after every change",
                roles=_NURSE, ok=(101, {}), errors=[401, 403])
    async def events(self, request: web.Request) -> web.WebSocketResponse:
        actor = self._actor_of(request)
        self._service.seat(actor)
        ws = web.WebSocketResponse(heartbeat=20)
        await ws.prepare(request)
        try:
            await self._push(request, ws, actor)
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        return ws

    async def _push(self, request: web.Request, ws: web.WebSocketResponse,
                    actor: Actor) -> None:
        # Every change anywhere on the floor wakes every console. A cheap mark of what this
        # nurse's view depends on decides whether to build the view at all; the login is
        # looked up again before a push is sent (and every few seconds when idle); a view
        # that differs only in its ticking phase times is not sent (the page counts the
        # running phase from phase_since itself).
        loop = asyncio.get_running_loop()
        last, last_mark = "", None
        async with self._changes() as changes:
            reader = asyncio.ensure_future(ws.receive())
            checked = loop.time()
            try:
                while not ws.closed:
                    mark = self._service.mark(actor)
                    due = loop.time() - checked >= RECHECK_SECONDS
                    if mark != last_mark or due:
                        last_mark = mark
                        view = await self._service.view(actor)
                        stamp = view.pop("server_time")
                        text = _steady(view)
                        if text != last or due:
                            now_actor, checked = await self._still_allowed(request), loop.time()
                            if now_actor is None:
                                await ws.close(code=4401, message=b"session ended")
                                break
                            actor = now_actor
                        if text != last:
                            await ws.send_json({"type": "console", "server_time": stamp,
                                                **view})
                            last = text
                    await _next_change(changes, reader)
                    if reader.done():
                        msg = reader.result()
                        if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.ERROR):
                            break
                        reader = asyncio.ensure_future(ws.receive())
            finally:
                reader.cancel()


async def _next_change(changes: asyncio.Queue[Any], reader: asyncio.Future[Any]) -> None:
    """Until something changed (a burst of changes counts once), the client sent something,
    or it is time to look again."""
    getter = asyncio.ensure_future(changes.get())
    done, _ = await asyncio.wait({getter, reader}, timeout=RECHECK_SECONDS,
                                 return_when=asyncio.FIRST_COMPLETED)
    if getter not in done:
        getter.cancel()
        return
    await asyncio.sleep(PUSH_COALESCE_SECONDS)
    while not changes.empty():
        changes.get_nowait()


def _steady(view: dict[str, Any]) -> str:
    """The view as compared with the last one sent: without the phase times, which tick
    while the call is on (every other change shows in the rest of the view)."""
    work = view.get("work")
    if work is not None:
        work = {k: v for k, v in work.items() if k != "phase_durations"}
    return json.dumps({**view, "work": work}, sort_keys=True)


def _text(body: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise InvalidChoice(f"{name} is required", {"field": name})
        return None
    if not isinstance(value, str) or len(value) > 2000:
        raise InvalidChoice(f"{name} must be text", {"field": name})
    return value


def _when(request: web.Request, name: str) -> datetime:
    raw = request.query.get(name)
    if not raw:
        raise InvalidChoice(f"{name} is required (ISO 8601 time)", {"field": name})
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidChoice(f"{name} is not an ISO 8601 time", {"field": name}) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _age(raw: str | None) -> float | None:
    if raw is None or raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise InvalidChoice("age must be a number of years", {"field": "age"}) from None
    if not 0 <= value <= 130:
        raise InvalidChoice("age must be from 0 to 130 years", {"field": "age"})
    return value
