"""Routes of call coaching under ``/api/v1/coaching`` (thin: the service decides who may).

A call or session of a nurse outside the asker's regions answers 404 as if it did not
exist; a role that may not coach answers 403."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from contactcenter.coaching import errors
from contactcenter.coaching.service import CoachingService
from contactcenter.identity.http import principal, require_roles
from contactcenter.identity.model import Role
from contactcenter.web.json_input import ascii_int, read_json_object
from shared_kernel.routes import documented, marked, obj, route

_STR = {"type": "string"}
_MODE = {"type": "string", "enum": ["listen", "whisper", "barge"],
         "description": "listen (medlyssning), whisper (only the nurse hears the coach), "
                        "barge (the coach joins the conversation)"}
SESSION = obj(["session_id", "call_id", "mode"], session_id=_STR, call_id=_STR,
              nurse_id=_STR, nurse_name=_STR, region=_STR, coach_username=_STR,
              coach_name=_STR, mode=_MODE, why=_STR,
              started_at={"type": "string", "format": "date-time"})
LOG_ROW = obj(["session_id", "call_id", "action", "mode", "why", "at"], session_id=_STR,
              call_id=_STR, nurse_id=_STR, region=_STR, coach_username=_STR, coach_name=_STR,
              action={"type": "string", "enum": ["started", "mode_changed", "ended"]},
              mode=_MODE, why=_STR, reason={"type": ["string", "null"]},
              at={"type": "string", "format": "date-time"})
NOTE = obj(["note_id", "call_id", "text"], note_id={"type": "integer"}, call_id=_STR,
           nurse_id=_STR, coach_name=_STR, text=_STR,
           at={"type": "string", "format": "date-time"})
_COACH = "supervisor (of the nurse's region)"


def routes(service: CoachingService) -> list[web.RouteDef]:
    """The coaching routes on ``service``."""
    handlers = CoachingRoutes(service)
    return [web.route(method, path, handler) for method, path, handler in marked(handlers)]


class CoachingRoutes:
    """The handlers, bound to the coaching service."""

    def __init__(self, service: CoachingService) -> None:
        self._service = service

    @route("GET", "/api/v1/coaching")
    @documented(summary="Coaching sessions going on now", roles=_COACH,
                ok=obj(["sessions"], sessions={"type": "array", "items": SESSION}))
    @require_roles(Role.SUPERVISOR)
    async def active(self, request: web.Request) -> web.Response:
        """The sessions on calls of nurses of the asker's regions."""
        sessions = self._service.active(principal(request))
        return web.json_response({"sessions": [s.as_dict() for s in sessions]})

    @route("POST", "/api/v1/coaching")
    @documented(summary="Listen to, whisper to or join a nurse's call: the coach's phone "
                "is called and joined", roles=_COACH,
                body=obj(["call_id", "mode", "why"], call_id=_STR, mode=_MODE,
                         why={"type": "string", "description": "required: why you listen "
                              "(written to the listen log)"}),
                ok=(201, obj(["session"], session=SESSION)), errors=[404, 409])
    @require_roles(Role.SUPERVISOR)
    async def start(self, request: web.Request) -> web.Response:
        """Start coaching (logged with who, when, the call, the mode and why)."""
        body = await read_json_object(request)
        call_id = body.get("call_id")
        if not isinstance(call_id, str) or not call_id:
            raise errors.invalid("invalid_call_id", "call_id is required", field="call_id")
        session = await self._service.start(principal(request), call_id, body.get("mode"),
                                            body.get("why"))
        return web.json_response({"session": session.as_dict()}, status=201)

    @route("POST", "/api/v1/coaching/{session_id}/mode")
    @documented(summary="Switch a coaching session to another mode", roles="the session's "
                "coach", body=obj(["mode"], mode=_MODE),
                ok=obj(["session"], session=SESSION), errors=[404, 409])
    @require_roles(Role.SUPERVISOR)
    async def change(self, request: web.Request) -> web.Response:
        body = await read_json_object(request)
        session = await self._service.change(principal(request),
                                             request.match_info["session_id"],
                                             body.get("mode"))
        return web.json_response({"session": session.as_dict()})

    @route("DELETE", "/api/v1/coaching/{session_id}")
    @documented(summary="End a coaching session (the coach's phone is hung up)", roles=_COACH,
                ok=(204, {}), errors=[404])
    @require_roles(Role.SUPERVISOR)
    async def end(self, request: web.Request) -> web.Response:
        await self._service.end(principal(request), request.match_info["session_id"])
        return web.Response(status=204)

    @route("POST", "/api/v1/coaching/{session_id}/notes")
    @documented(summary="A coaching note to the nurse about the call", roles="the "
                "session's coach", body=obj(["text"], text=_STR),
                ok=(201, obj(["note"], note=NOTE)), errors=[404])
    @require_roles(Role.SUPERVISOR)
    async def note(self, request: web.Request) -> web.Response:
        body = await read_json_object(request)
        note = await self._service.add_note(principal(request),
                                            request.match_info["session_id"], body.get("text"))
        return web.json_response({"note": note.as_dict()}, status=201)

    @route("GET", "/api/v1/coaching/log")
    @documented(summary="The listen log: who listened to which call, when, how and why",
                roles="supervisor, auditor (of the nurse's region)",
                query={"call_id": _STR, "since": {"type": "string", "format": "date-time"},
                       "limit": {"type": "integer", "minimum": 1, "maximum": 1000}},
                ok=obj(["log"], log={"type": "array", "items": LOG_ROW}))
    @require_roles(Role.SUPERVISOR, Role.AUDITOR)
    async def listen_log(self, request: web.Request) -> web.Response:
        """Newest first, of the asker's regions."""
        raw_limit = request.query.get("limit")
        limit = 200 if raw_limit is None else ascii_int(raw_limit, "limit", 1, 1000)
        rows = await self._service.listen_log(principal(request),
                                              call_id=request.query.get("call_id"),
                                              since=_since(request.query.get("since")),
                                              limit=limit)
        return web.json_response({"log": [r.as_dict() for r in rows]})


def _since(raw: str | None) -> datetime | None:
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise errors.invalid("invalid_query", "since must be an ISO date-time with a zone",
                             field="since", value=raw) from None
    if value.tzinfo is None:
        raise errors.invalid("invalid_query", "since must carry a time zone", field="since",
                             value=raw)
    return value


