"""HTTP routes of decision support under ``/api/v1/guidelines`` (thin: parse, call, answer).

The composition root builds them with :func:`routes`, passing the service,
``actor_of(request) -> Actor | None`` (``None``: not signed in → 401) and the
service's JSON body parser (which answers a bad body itself). Handlers let the
context's errors (:class:`~decision_support.errors.DecisionSupportError`) propagate:
the service's one error middleware answers them as ``{"error_id", "message",
"details"}``. Every response that carries guideline content also carries
``sample_notice`` when the loaded content set is sample content.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any

from aiohttp import web

from decision_support import errors
from decision_support import request_fields as fields
from decision_support.assessment import DeviationSummary
from decision_support.document import to_plain
from decision_support.model import Assessment
from decision_support.ports import (
    APPROVE_ROLES,
    DECIDE_ROLES,
    EDIT_ROLES,
    OWNER_ROLES,
    READ_ROLES,
    Actor,
)  # fmt: skip
from decision_support.service import GuidelineService
from shared_kernel.routes import ReadJson, documented, marked, route

__all__ = ["PREFIX", "routes"]

PREFIX = "/api/v1/guidelines"
Handler = Callable[..., Awaitable[web.StreamResponse]]
ActorOf = Callable[[web.Request], Actor | None]








def _assessment(a: Assessment) -> dict[str, Any]:
    return {"guideline_id": a.guideline_id, "guideline_version": a.guideline_version,
            "urgency": {"code": a.urgency.code, "name": a.urgency.name, "rank": a.urgency.rank},
            "care_types": list(a.care_types), "decisive_criteria": list(a.decisive_criteria),
            "ticked_criteria": list(a.ticked_criteria), "self_care": list(a.self_care),
            "safety_net": list(a.safety_net), "regional_notes": list(a.regional_notes),
            "out_of_hours": a.out_of_hours, "assessed_at": a.assessed_at.isoformat()}


def _summary(s: DeviationSummary) -> dict[str, Any]:
    return {"guideline_id": s.guideline_id, "guideline_version": s.guideline_version,
            "decisions": s.decisions, "deviations": s.deviations, "rate": round(s.rate, 4),
            "by_reason": dict(s.by_reason)}


def _editorial(who: Actor) -> bool:
    """Editors and reviewers also see versions that are not published yet."""
    return who.has_role(EDIT_ROLES | APPROVE_ROLES)


_STR = {"type": "string"}
_NULL_STR = {"type": ["string", "null"]}
_AGE = {"description": "{\"days\": N}, {\"months\": N}, {\"years\": N} or a number of years",
        "oneOf": [{"type": "number", "minimum": 0, "maximum": fields.MAX_AGE["years"]},
                  {"type": "object", "minProperties": 1, "maxProperties": 1,
                   "additionalProperties": False,
                   "properties": {unit: {"type": "number", "minimum": 0, "maximum": top}
                                  for unit, top in fields.MAX_AGE.items()}}]}
_PATIENT = {"age": _AGE, "sex": {"type": ["string", "null"], "enum": ["female", "male", None]},
            "at": {"type": ["string", "null"], "format": "date-time"}, "version": _NULL_STR,
            "region": _NULL_STR,
            "criteria": {"type": "array", "items": _STR}}
_ASSESSMENT = {"type": "object", "required": ["guideline_id", "urgency"],
               "properties": {"guideline_id": _STR, "guideline_version": _STR,
                              "urgency": {"type": "object"}}}
_STORED = {"type": "object", "required": ["content"], "properties": {"content": {
    "type": "object"}}}
_DRAFT_PATH = {"draft_id": {"type": "integer", "minimum": 1}}
_EDITORS = ", ".join(sorted(EDIT_ROLES | APPROVE_ROLES))
_READERS = ", ".join(sorted(READ_ROLES))



def routes(service: GuidelineService, actor_of: ActorOf, *,
           read_json: ReadJson) -> list[web.RouteDef]:
    """The decision-support routes; ``actor_of`` tells who is making the request,
    ``read_json`` reads a request's JSON object."""
    handlers = GuidelineRoutes(service, actor_of, read_json)
    return [web.route(method, path, handler) for method, path, handler in marked(handlers)]


def _step(name: str, roles: frozenset[str]) -> Callable[[Handler], Handler]:
    """Route and description of one editorial step on a draft (submit, approve…)."""
    def mark(handler: Handler) -> Handler:
        described = documented(summary=f"{name.capitalize()} a draft",
                               roles=", ".join(sorted(roles)), path=_DRAFT_PATH, errors=[409],
                               ok=_STORED, body_required=False,
                               body={"type": "object", "properties": {"comment": _STR}})
        return route("POST", f"{PREFIX}/drafts/{{draft_id}}/{name}")(described(handler))
    return mark


class GuidelineRoutes:
    """The handlers of the decision-support routes, bound to one service.

    Each handler checks who asks, reads the request, calls the service and answers;
    the context's errors propagate to the service's error middleware."""

    def __init__(self, service: GuidelineService, actor_of: ActorOf,
                 read_json: ReadJson) -> None:
        self._service = service
        self._actor_of = actor_of
        self._read_json = read_json

    # -- helpers ------------------------------------------------------------------------

    def _actor(self, request: web.Request, roles: frozenset[str], action: str) -> Actor:
        who = self._actor_of(request)
        if who is None:
            raise errors.Unauthenticated()
        if not who.has_role(roles):
            raise errors.PermissionDenied(f"{who.username} may not {action}")
        return who

    def _answer(self, payload: dict[str, Any], status: int = 200) -> web.Response:
        if self._service.sample_notice:
            payload = {**payload, "sample_notice": self._service.sample_notice}
        return web.json_response(payload, status=status)

    def _stored(self, s: Any, status: int = 200) -> web.Response:
        return self._answer({**s.to_plain(), "content": to_plain(s.guideline, state=s.status)},
                            status)

    @staticmethod
    def _draft_id(request: web.Request) -> int:
        text = request.match_info["draft_id"]
        if not fields.ASCII_INT.fullmatch(text) or not 1 <= int(text) <= 2**63 - 1:
            raise errors.DraftNotFound(text[:40])
        return int(text)

    # -- the library --------------------------------------------------------------------

    @route("GET", f"{PREFIX}/search")
    @documented(summary="Search guidelines by symptom text", roles=_READERS,
                query={"q": {"type": "string", "minLength": 1},
                       "age": {"type": "number", "minimum": 0,
                               "maximum": fields.MAX_AGE["years"]},
                       "audience": {"type": "string", "enum": ["adult", "child", "both"]},
                       "limit": {"type": "integer", "minimum": 1, "maximum": 50}},
                required_query=["q"],
                ok={"type": "object", "required": ["hits"],
                    "properties": {"hits": {"type": "array", "items": {"type": "object"}}}})
    async def search(self, request: web.Request) -> web.StreamResponse:
        self._actor(request, READ_ROLES, "search guidelines")
        q = request.query
        if not q.get("q", "").strip():
            raise errors.InvalidRequest("q (the search text) is required")
        age = (fields.query_number(q["age"], "age", 0, fields.MAX_AGE["years"])
               if q.get("age") else None)
        audience = q.get("audience") or None
        if audience not in (None, "adult", "child", "both"):
            raise errors.InvalidRequest("audience must be adult, child or both")
        limit_text = q.get("limit", "10")
        if not fields.ASCII_INT.fullmatch(limit_text):
            raise errors.InvalidRequest("limit must be a whole number")
        limit = max(1, min(int(limit_text), 50))
        hits = self._service.search(q["q"], age=age, audience=audience, limit=limit)
        return self._answer({"hits": [{"id": h.guideline_id, "title": h.title,
                                       "version": h.version, "score": h.score, "why": h.why}
                                      for h in hits]})

    @route("GET", f"{PREFIX}/changes")
    @documented(summary="Guidelines changed since a date", roles=_READERS,
                query={"since": {"type": "string", "format": "date"}}, required_query=["since"],
                ok={"type": "object", "required": ["since", "changes"],
                    "properties": {"changes": {"type": "array"}}})
    async def changes(self, request: web.Request) -> web.StreamResponse:
        self._actor(request, READ_ROLES, "read guideline changes")
        since = request.query.get("since", "")
        when: date | datetime | None
        try:
            when = fields.time(since, "since") if "T" in since else date.fromisoformat(since)
        except ValueError:
            when = None
        if when is None or not fields.EARLIEST.year <= when.year <= fields.LATEST.year:
            raise errors.InvalidRequest(f"since {since[:40]!r} must be a date (YYYY-MM-DD)")
        return self._answer({"since": since, "changes": await self._service.changed_since(when)})

    @route("GET", f"{PREFIX}/deviations")
    @documented(summary="How often nurses deviated from each guideline, and why",
                roles=", ".join(sorted(OWNER_ROLES)),
                ok={"type": "object", "required": ["deviations"],
                    "properties": {"deviations": {"type": "array"}}})
    async def deviations(self, request: web.Request) -> web.StreamResponse:
        who = self._actor(request, OWNER_ROLES, "see deviation counts")
        return web.json_response(
            {"deviations": [_summary(s) for s in await self._service.deviation_counts(who)]})

    @route("POST", f"{PREFIX}/decisions")
    @documented(summary="Record a nurse's decision (the recommendation is recomputed)",
                roles=", ".join(sorted(DECIDE_ROLES)), errors=[404],
                body={"type": "object", "required": ["guideline_id", "age", "urgency",
                                                     "care_type"],
                      "properties": {**_PATIENT, "guideline_id": _STR, "urgency": _STR,
                                     "care_type": _STR, "call_id": _NULL_STR,
                                     "deviation": {"type": ["object", "null"], "properties": {
                                         "reason_code": _STR, "text": _STR}}}},
                ok=(201, {"type": "object", "required": ["assessment", "decided_at"],
                          "properties": {"assessment": _ASSESSMENT}}))
    async def record(self, request: web.Request) -> web.StreamResponse:
        who = self._actor(request, DECIDE_ROLES, "record a decision")
        body = await self._read_json(request)
        deviation = fields.deviation(body)
        decision = await self._service.record_decision(
            who, fields.text(body, "guideline_id") or "", fields.criteria(body),
            age=fields.age(body), sex=fields.sex(body.get("sex")),
            urgency=fields.text(body, "urgency") or "",
            care_type=fields.text(body, "care_type") or "", deviation=deviation,
            at=fields.time(body.get("at"), "at"), version=fields.text(body, "version"),
            region=fields.text(body, "region"), call_id=fields.text(body, "call_id"))
        return self._answer({"assessment": _assessment(decision.assessment),
                             "urgency": decision.urgency, "care_type": decision.care_type,
                             "deviates": decision.deviates,
                             "deviation": {"reason_code": deviation.reason_code,
                                           "text": deviation.text} if deviation else None,
                             "decided_at": decision.decided_at.isoformat()}, status=201)

    # -- the editorial workflow -----------------------------------------------------------

    @route("GET", f"{PREFIX}/drafts")
    @documented(summary="Drafts in the editorial workflow", roles=_EDITORS,
                ok={"type": "object", "required": ["drafts"],
                    "properties": {"drafts": {"type": "array"}}})
    async def drafts(self, request: web.Request) -> web.StreamResponse:
        self._actor(request, EDIT_ROLES | APPROVE_ROLES, "list drafts")
        return self._answer({"drafts": [s.to_plain() for s in await self._service.drafts()]})

    @route("POST", f"{PREFIX}/drafts")
    @documented(summary="Start a draft of a guideline", roles=", ".join(sorted(EDIT_ROLES)),
                errors=[404, 409],
                body={"type": "object", "properties": {"guideline_id": _STR,
                                                       "content": {"type": "object"}}},
                ok=(201, _STORED))
    async def create(self, request: web.Request) -> web.StreamResponse:
        who = self._actor(request, EDIT_ROLES, "create a draft")
        body = await self._read_json(request)
        content = body.get("content")
        if content is not None and not isinstance(content, dict):
            raise errors.InvalidRequest("content must be an object (the guideline)")
        gid = fields.text(body, "guideline_id") or (content or {}).get("id") or ""
        if not isinstance(gid, str) or not gid:
            raise errors.InvalidRequest("guideline_id (or content.id) is required")
        return self._stored(await self._service.create_draft(
            who, gid, content if isinstance(content, dict) else {}), status=201)

    @route("GET", f"{PREFIX}/drafts/{{draft_id}}")
    @documented(summary="One draft", roles=_EDITORS, path=_DRAFT_PATH, ok=_STORED)
    async def get_draft(self, request: web.Request) -> web.StreamResponse:
        self._actor(request, EDIT_ROLES | APPROVE_ROLES, "read drafts")
        return self._stored(await self._service.draft(self._draft_id(request)))

    @route("PUT", f"{PREFIX}/drafts/{{draft_id}}")
    @documented(summary="Change a draft's content", roles=", ".join(sorted(EDIT_ROLES)),
                path=_DRAFT_PATH,
                errors=[409], ok=_STORED,
                body={"type": "object", "properties": {"content": {"type": "object"}}})
    async def put_draft(self, request: web.Request) -> web.StreamResponse:
        who = self._actor(request, EDIT_ROLES, "edit a draft")
        body = await self._read_json(request)
        content = body.get("content", body)
        if not isinstance(content, dict):
            raise errors.InvalidRequest("content must be an object (the guideline)")
        return self._stored(await self._service.update_draft(who, self._draft_id(request),
                                                             content))

    async def _move(self, request: web.Request, step: str,
                    roles: frozenset[str]) -> web.StreamResponse:
        who = self._actor(request, roles, f"{step} a draft")
        comment = fields.text(await self._read_json(request, optional=True), "comment") or ""
        method = getattr(self._service, step)
        return self._stored(await method(who, self._draft_id(request), comment))

    @_step("submit", EDIT_ROLES)
    async def submit(self, request: web.Request) -> web.StreamResponse:
        return await self._move(request, "submit", EDIT_ROLES)

    @_step("approve", APPROVE_ROLES)
    async def approve(self, request: web.Request) -> web.StreamResponse:
        return await self._move(request, "approve", APPROVE_ROLES)

    @_step("reject", APPROVE_ROLES)
    async def reject(self, request: web.Request) -> web.StreamResponse:
        return await self._move(request, "reject", APPROVE_ROLES)

    @_step("publish", APPROVE_ROLES)
    async def publish(self, request: web.Request) -> web.StreamResponse:
        return await self._move(request, "publish", APPROVE_ROLES)

    # -- one guideline ------------------------------------------------------------------

    @route("GET", f"{PREFIX}/{{guideline_id}}")
    @documented(summary="A guideline (current version, or the one asked for)",
                roles=_READERS, query={"version": _STR, "region": _STR},
                ok={"type": "object", "required": ["guideline"],
                    "properties": {"guideline": {"type": "object"}}})
    async def get(self, request: web.Request) -> web.StreamResponse:
        who = self._actor(request, READ_ROLES, "read guidelines")
        q = request.query
        g = await self._service.get(request.match_info["guideline_id"],
                                    q.get("version") or None, q.get("region") or None,
                                    unpublished=_editorial(who))
        return self._answer({"guideline": to_plain(g)})

    @route("GET", f"{PREFIX}/{{guideline_id}}/versions")
    @documented(summary="A guideline's versions", roles=_READERS,
                ok={"type": "object", "required": ["versions"],
                    "properties": {"versions": {"type": "array"}}})
    async def versions(self, request: web.Request) -> web.StreamResponse:
        who = self._actor(request, READ_ROLES, "read guideline versions")
        found = await self._service.versions(request.match_info["guideline_id"],
                                             unpublished=_editorial(who))
        return self._answer({"versions": found})

    @route("GET", f"{PREFIX}/{{guideline_id}}/diff")
    @documented(summary="What changed between two versions of a guideline", roles=_READERS,
                query={"from": _STR, "to": _STR}, required_query=["from", "to"],
                ok={"type": "object", "required": ["diff"],
                    "properties": {"diff": {"type": "object"}}})
    async def diff(self, request: web.Request) -> web.StreamResponse:
        who = self._actor(request, READ_ROLES, "compare guideline versions")
        q = request.query
        if not q.get("from") or not q.get("to"):
            raise errors.InvalidRequest("from and to (versions) are required")
        result = await self._service.diff(request.match_info["guideline_id"], q["from"],
                                          q["to"], unpublished=_editorial(who))
        return self._answer({"diff": result.to_plain()})

    @route("POST", f"{PREFIX}/{{guideline_id}}/assessment")
    @documented(summary="Assess a patient against a guideline (nothing is stored)",
                roles=_READERS, ok={"type": "object", "required": ["assessment"],
                                    "properties": {"assessment": _ASSESSMENT}},
                body={"type": "object", "required": ["criteria", "age"], "properties": _PATIENT})
    async def assessment(self, request: web.Request) -> web.StreamResponse:
        self._actor(request, READ_ROLES, "assess against a guideline")
        body = await self._read_json(request)
        if not isinstance(body.get("criteria"), list):
            raise errors.InvalidRequest("criteria must be a list of criterion ids")
        result = await self._service.assess(
            request.match_info["guideline_id"], fields.criteria(body), age=fields.age(body),
            sex=fields.sex(body.get("sex")),
            at=fields.time(body.get("at"), "at") or self._service.now(),
            version=fields.text(body, "version"), region=fields.text(body, "region"))
        return self._answer({"assessment": _assessment(result)})
