"""HTTP routes of decision support under ``/api/v1/guidelines`` (thin: parse, call, answer).

The composition root builds them with :func:`routes`, passing the service and
``actor_of(request) -> Actor | None`` (``None``: not signed in → 401). Errors of
the context are answered here as ``{"error_id", "message", "details"}``.
Every response that carries guideline content also carries ``sample_notice``
when the loaded content set is sample content.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from functools import wraps
from typing import Any

from aiohttp import web

from decision_support import errors as e
from decision_support.assessment import DeviationSummary
from decision_support.document import to_plain
from decision_support.model import Age, Assessment, Deviation, Sex
from decision_support.ports import (
    APPROVE_ROLES,
    DECIDE_ROLES,
    EDIT_ROLES,
    OWNER_ROLES,
    READ_ROLES,
    Actor,
)  # fmt: skip
from decision_support.service import GuidelineService

__all__ = ["PREFIX", "routes"]

PREFIX = "/api/v1/guidelines"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
ActorOf = Callable[[web.Request], Actor | None]


class _Unauthenticated(Exception):
    pass


def _status(exc: e.DecisionSupportError) -> tuple[int, str, dict[str, Any]]:
    if isinstance(exc, e.ContentError):
        return 400, "invalid_content", {"problems": [
            {"file": p.file, "field": p.field, "problem": p.problem} for p in exc.problems]}
    if isinstance(exc, e.CriterionNotApplicable):
        return 400, "criterion_not_applicable", {"criteria": exc.reasons}
    if isinstance(exc, e.UnknownCriterion):
        return 400, "unknown_criterion", {"criteria": list(exc.criterion_ids)}
    if isinstance(exc, e.InvalidDeviation):
        return 400, "invalid_deviation", {}
    table: list[tuple[type[Exception], int, str]] = [
        (e.PermissionDenied, 403, "forbidden"), (e.UnknownGuideline, 404, "unknown_guideline"),
        (e.UnknownVersion, 404, "unknown_version"), (e.DraftNotFound, 404, "unknown_draft"),
        (e.WorkflowError, 409, "workflow_conflict"), (e.AssessmentError, 400, "invalid_assessment"),
        (e.InvalidRequest, 400, "invalid_request"),
    ]  # fmt: skip
    for kind, status, error_id in table:
        if isinstance(exc, kind):
            return status, error_id, {}
    return 400, "decision_support_error", {}


def _error(status: int, error_id: str, message: str, details: dict[str, Any]) -> web.Response:
    return web.json_response({"error_id": error_id, "message": message, "details": details},
                             status=status)


def _answers_errors(handler: Handler) -> Handler:
    @wraps(handler)
    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except _Unauthenticated:
            return _error(401, "unauthenticated", "sign in to use decision support", {})
        except e.DecisionSupportError as exc:
            status, error_id, details = _status(exc)
            return _error(status, error_id, str(exc), details)
    return wrapped


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.text() or "null")
    except json.JSONDecodeError as exc:
        raise e.InvalidRequest(f"request body is not valid JSON: {exc.msg}") from exc
    if not isinstance(body, dict):
        raise e.InvalidRequest("request body must be a JSON object")
    return body


def _age(body: dict[str, Any]) -> Age:
    raw = body.get("age")
    spec = raw if isinstance(raw, dict) else {"years": raw} if raw is not None else {}
    for key in ("days", "months", "years"):
        flat = body.get(f"age_{key}")
        if flat is not None:
            spec = {key: flat}
    if len(spec) != 1:
        raise e.InvalidRequest("age is required: {\"days\": N}, {\"months\": N} or {\"years\": N}")
    (unit, value), = spec.items()
    try:
        number = float(value)
        return {"days": lambda: Age.of_days(int(number)), "months": lambda: Age.of_months(number),
                "years": lambda: Age.of_years(number)}[unit]()
    except (KeyError, TypeError, ValueError) as exc:
        raise e.InvalidRequest(f"age {spec!r} is not a valid age") from exc


def _sex(value: Any) -> Sex | None:
    if value in (None, ""):
        return None
    try:
        return Sex(value)
    except ValueError as exc:
        raise e.InvalidRequest(f"sex {value!r} is not one of female, male") from exc


def _time(value: Any, name: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise e.InvalidRequest(f"{name} {value!r} is not an ISO 8601 time") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


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


def routes(service: GuidelineService, actor_of: ActorOf) -> web.RouteTableDef:
    """The decision-support routes; ``actor_of`` tells who is making the request."""
    r = web.RouteTableDef()

    def actor(request: web.Request, roles: frozenset[str], action: str) -> Actor:
        who = actor_of(request)
        if who is None:
            raise _Unauthenticated()
        if not who.has_role(roles):
            raise e.PermissionDenied(f"{who.username} may not {action}")
        return who

    def answer(payload: dict[str, Any], status: int = 200) -> web.Response:
        if service.sample_notice:
            payload = {**payload, "sample_notice": service.sample_notice}
        return web.json_response(payload, status=status)

    def draft_id(request: web.Request) -> int:
        try:
            return int(request.match_info["draft_id"])
        except ValueError as exc:
            raise e.DraftNotFound(request.match_info["draft_id"]) from exc

    def stored(s: Any) -> web.Response:
        return answer({**s.to_plain(), "content": to_plain(s.guideline, state=s.status)})

    @r.get(f"{PREFIX}/search")
    @_answers_errors
    async def search(request: web.Request) -> web.StreamResponse:
        actor(request, READ_ROLES, "search guidelines")
        q = request.query
        if not q.get("q", "").strip():
            raise e.InvalidRequest("q (the search text) is required")
        age: float | None = None
        if q.get("age"):
            try:
                age = float(q["age"])
            except ValueError as exc:
                raise e.InvalidRequest(f"age {q['age']!r} must be a number of years") from exc
            if age < 0:
                raise e.InvalidRequest("age cannot be negative")
        audience = q.get("audience") or None
        if audience not in (None, "adult", "child", "both"):
            raise e.InvalidRequest("audience must be adult, child or both")
        try:
            limit = max(1, min(int(q.get("limit", "10")), 50))
        except ValueError as exc:
            raise e.InvalidRequest("limit must be a whole number") from exc
        hits = service.search(q["q"], age=age, audience=audience, limit=limit)
        return answer({"hits": [{"id": h.guideline_id, "title": h.title, "version": h.version,
                                 "score": h.score, "why": h.why} for h in hits]})

    @r.get(f"{PREFIX}/changes")
    @_answers_errors
    async def changes(request: web.Request) -> web.StreamResponse:
        actor(request, READ_ROLES, "read guideline changes")
        since = request.query.get("since", "")
        try:
            when: date | datetime = (datetime.fromisoformat(since) if "T" in since
                                     else date.fromisoformat(since))
        except ValueError as exc:
            raise e.InvalidRequest(f"since {since!r} must be a date (YYYY-MM-DD)") from exc
        return answer({"since": since, "changes": await service.changed_since(when)})

    @r.get(f"{PREFIX}/deviations")
    @_answers_errors
    async def deviations(request: web.Request) -> web.StreamResponse:
        who = actor(request, OWNER_ROLES, "see deviation counts")
        return web.json_response(
            {"deviations": [_summary(s) for s in await service.deviation_counts(who)]})

    @r.post(f"{PREFIX}/decisions")
    @_answers_errors
    async def record(request: web.Request) -> web.StreamResponse:
        who = actor(request, DECIDE_ROLES, "record a decision")
        body = await _body(request)
        dev = body.get("deviation")
        deviation = Deviation(str(dev.get("reason_code", "")), str(dev.get("text", ""))) \
            if isinstance(dev, dict) else None
        decision = await service.record_decision(
            who, str(body.get("guideline_id", "")), list(body.get("criteria") or []),
            age=_age(body), sex=_sex(body.get("sex")), urgency=str(body.get("urgency", "")),
            care_type=str(body.get("care_type", "")), deviation=deviation,
            at=_time(body.get("at"), "at"), version=body.get("version"),
            region=body.get("region"), call_id=body.get("call_id"))
        return answer({"assessment": _assessment(decision.assessment),
                       "urgency": decision.urgency, "care_type": decision.care_type,
                       "deviates": decision.deviates,
                       "deviation": {"reason_code": deviation.reason_code,
                                     "text": deviation.text} if deviation else None,
                       "decided_at": decision.decided_at.isoformat()}, status=201)

    @r.get(f"{PREFIX}/drafts")
    @_answers_errors
    async def drafts(request: web.Request) -> web.StreamResponse:
        actor(request, EDIT_ROLES | APPROVE_ROLES, "list drafts")
        return answer({"drafts": [s.to_plain() for s in await service.drafts()]})

    @r.post(f"{PREFIX}/drafts")
    @_answers_errors
    async def create(request: web.Request) -> web.StreamResponse:
        who = actor(request, EDIT_ROLES, "create a draft")
        body = await _body(request)
        content = body.get("content")
        gid = str(body.get("guideline_id") or (content or {}).get("id") or "")
        if not gid:
            raise e.InvalidRequest("guideline_id (or content.id) is required")
        s = await service.create_draft(who, gid, content if isinstance(content, dict) else {})
        response = stored(s)
        response.set_status(201)
        return response

    @r.get(f"{PREFIX}/drafts/{{draft_id}}")
    @_answers_errors
    async def get_draft(request: web.Request) -> web.StreamResponse:
        actor(request, EDIT_ROLES | APPROVE_ROLES, "read drafts")
        return stored(await service.draft(draft_id(request)))

    @r.put(f"{PREFIX}/drafts/{{draft_id}}")
    @_answers_errors
    async def put_draft(request: web.Request) -> web.StreamResponse:
        who = actor(request, EDIT_ROLES, "edit a draft")
        body = await _body(request)
        content = body.get("content", body)
        return stored(await service.update_draft(who, draft_id(request), content))

    def step(name: str, roles: frozenset[str]) -> None:
        @r.post(f"{PREFIX}/drafts/{{draft_id}}/{name}")
        @_answers_errors
        async def move(request: web.Request) -> web.StreamResponse:
            who = actor(request, roles, f"{name} a draft")
            text = await request.text()
            comment = str((await _body(request)).get("comment") or "") if text.strip() else ""
            method = getattr(service, name)
            return stored(await method(who, draft_id(request), comment))

    step("submit", EDIT_ROLES)
    step("approve", APPROVE_ROLES)
    step("reject", APPROVE_ROLES)
    step("publish", APPROVE_ROLES)

    @r.get(f"{PREFIX}/{{guideline_id}}")
    @_answers_errors
    async def get(request: web.Request) -> web.StreamResponse:
        who = actor(request, READ_ROLES, "read guidelines")
        q = request.query
        g = await service.get(request.match_info["guideline_id"], q.get("version") or None,
                              q.get("region") or None, unpublished=_editorial(who))
        return answer({"guideline": to_plain(g)})

    @r.get(f"{PREFIX}/{{guideline_id}}/versions")
    @_answers_errors
    async def versions(request: web.Request) -> web.StreamResponse:
        who = actor(request, READ_ROLES, "read guideline versions")
        found = await service.versions(request.match_info["guideline_id"],
                                       unpublished=_editorial(who))
        return answer({"versions": found})

    @r.get(f"{PREFIX}/{{guideline_id}}/diff")
    @_answers_errors
    async def diff(request: web.Request) -> web.StreamResponse:
        who = actor(request, READ_ROLES, "compare guideline versions")
        q = request.query
        if not q.get("from") or not q.get("to"):
            raise e.InvalidRequest("from and to (versions) are required")
        result = await service.diff(request.match_info["guideline_id"], q["from"], q["to"],
                                    unpublished=_editorial(who))
        return answer({"diff": result.to_plain()})

    @r.post(f"{PREFIX}/{{guideline_id}}/assessment")
    @_answers_errors
    async def assessment(request: web.Request) -> web.StreamResponse:
        actor(request, READ_ROLES, "assess against a guideline")
        body = await _body(request)
        criteria = body.get("criteria")
        if not isinstance(criteria, list):
            raise e.InvalidRequest("criteria must be a list of criterion ids")
        result = await service.assess(
            request.match_info["guideline_id"], [str(c) for c in criteria], age=_age(body),
            sex=_sex(body.get("sex")), at=_time(body.get("at"), "at") or service.now(),
            version=body.get("version"), region=body.get("region"))
        return answer({"assessment": _assessment(result)})

    return r
