"""HTTP routes of decision support under ``/api/v1/guidelines`` (thin: parse, call, answer).

The composition root builds them with :func:`routes`, passing the service and
``actor_of(request) -> Actor | None`` (``None``: not signed in → 401). Errors of
the context are answered here as ``{"error_id", "message", "details"}``.
Every response that carries guideline content also carries ``sample_notice``
when the loaded content set is sample content.
"""

from __future__ import annotations

import math
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from functools import wraps
from typing import Any, Protocol

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


_ASCII_INT = re.compile(r"[+-]?[0-9]{1,19}")
_ASCII_DECIMAL = re.compile(r"[+-]?[0-9]{1,10}(\.[0-9]{1,15})?")
EARLIEST, LATEST = datetime(1900, 1, 1, tzinfo=UTC), datetime(2999, 12, 31, tzinfo=UTC)
MAX_AGE = {"days": 130 * 366, "months": 130 * 12, "years": 130}


class ReadJson(Protocol):
    """Reads the request's JSON object and refuses a bad one itself (400/413 with the error
    body): the composition root passes the service's one parser, so every route reads
    JSON with the same limits. ``optional``: an empty body reads as ``{}``."""

    def __call__(self, request: web.Request, *,
                 optional: bool = False) -> Awaitable[dict[str, Any]]: ...


def documented(**operation: Any) -> Callable[[Handler], Handler]:
    """The route's OpenAPI description, collected by the service's document builder."""
    def mark(handler: Handler) -> Handler:
        handler.openapi = operation  # type: ignore[attr-defined]
        return handler
    return mark


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


def _text(body: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    """A string field (None when absent or null, unless ``required``)."""
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value):
        raise e.InvalidRequest(f"{name} must be a string")
    return value


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
    if unit not in MAX_AGE or isinstance(value, bool) or not isinstance(value, int | float) \
            or not 0 <= value <= MAX_AGE[unit]:
        raise e.InvalidRequest(f"age must be a number of days, months or years from 0 to "
                               f"{MAX_AGE['years']} years")
    return {"days": lambda: Age.of_days(int(value)), "months": lambda: Age.of_months(value),
            "years": lambda: Age.of_years(value)}[unit]()


def _sex(value: Any) -> Sex | None:
    if value in (None, ""):
        return None
    try:
        if isinstance(value, str):
            return Sex(value)
    except ValueError:
        pass
    raise e.InvalidRequest("sex must be female or male")


def _time(value: Any, name: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        parsed = parsed if parsed is None or parsed.tzinfo else parsed.replace(tzinfo=UTC)
        if parsed is not None and not EARLIEST <= parsed.astimezone(UTC) <= LATEST:
            parsed = None
    except (ValueError, OverflowError):
        parsed = None
    if parsed is None:
        raise e.InvalidRequest(f"{name} must be an ISO 8601 time from {EARLIEST.year} to "
                               f"{LATEST.year}")
    return parsed


def _criteria(body: dict[str, Any]) -> list[str]:
    criteria = body.get("criteria")
    if criteria is None:
        return []
    if not isinstance(criteria, list) or not all(isinstance(c, str) for c in criteria):
        raise e.InvalidRequest("criteria must be a list of criterion ids")
    return criteria


def _deviation(body: dict[str, Any]) -> Deviation | None:
    dev = body.get("deviation")
    if dev is None:
        return None
    if not isinstance(dev, dict):
        raise e.InvalidRequest("deviation must be an object {reason_code, text}")
    return Deviation(_text(dev, "reason_code") or "", _text(dev, "text") or "")


def _query_number(text: str, name: str, low: float, high: float) -> float:
    """A query parameter as a decimal number in ASCII (float() also takes "١" and "nan")."""
    if not _ASCII_DECIMAL.fullmatch(text) or not math.isfinite(number := float(text)) \
            or not low <= number <= high:
        raise e.InvalidRequest(f"{name} must be a number from {low:g} to {high:g}")
    return number


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
        "oneOf": [{"type": "number", "minimum": 0, "maximum": MAX_AGE["years"]},
                  {"type": "object", "minProperties": 1, "maxProperties": 1,
                   "additionalProperties": False,
                   "properties": {unit: {"type": "number", "minimum": 0, "maximum": top}
                                  for unit, top in MAX_AGE.items()}}]}
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
_EDITORS = "content_editor (and reviewers for reading)"
_READERS = "nurse, supervisor, content_editor and other readers of guidelines"


def routes(service: GuidelineService, actor_of: ActorOf, *,
           read_json: ReadJson) -> web.RouteTableDef:
    """The decision-support routes; ``actor_of`` tells who is making the request,
    ``read_json`` reads a request's JSON object."""
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
        text = request.match_info["draft_id"]
        if not _ASCII_INT.fullmatch(text) or not 1 <= int(text) <= 2**63 - 1:
            raise e.DraftNotFound(text[:40])
        return int(text)

    def stored(s: Any) -> web.Response:
        return answer({**s.to_plain(), "content": to_plain(s.guideline, state=s.status)})

    @r.get(f"{PREFIX}/search")
    @documented(summary="Search guidelines by symptom text", roles=_READERS,
                query={"q": {"type": "string", "minLength": 1},
                       "age": {"type": "number", "minimum": 0, "maximum": MAX_AGE["years"]},
                       "audience": {"type": "string", "enum": ["adult", "child", "both"]},
                       "limit": {"type": "integer", "minimum": 1, "maximum": 50}},
                required_query=["q"],
                ok={"type": "object", "required": ["hits"],
                    "properties": {"hits": {"type": "array", "items": {"type": "object"}}}})
    @_answers_errors
    async def search(request: web.Request) -> web.StreamResponse:
        actor(request, READ_ROLES, "search guidelines")
        q = request.query
        if not q.get("q", "").strip():
            raise e.InvalidRequest("q (the search text) is required")
        age = _query_number(q["age"], "age", 0, MAX_AGE["years"]) if q.get("age") else None
        audience = q.get("audience") or None
        if audience not in (None, "adult", "child", "both"):
            raise e.InvalidRequest("audience must be adult, child or both")
        limit_text = q.get("limit", "10")
        if not _ASCII_INT.fullmatch(limit_text):
            raise e.InvalidRequest("limit must be a whole number")
        limit = max(1, min(int(limit_text), 50))
        hits = service.search(q["q"], age=age, audience=audience, limit=limit)
        return answer({"hits": [{"id": h.guideline_id, "title": h.title, "version": h.version,
                                 "score": h.score, "why": h.why} for h in hits]})

    @r.get(f"{PREFIX}/changes")
    @documented(summary="Guidelines changed since a date", roles=_READERS,
                query={"since": {"type": "string", "format": "date"}}, required_query=["since"],
                ok={"type": "object", "required": ["since", "changes"],
                    "properties": {"changes": {"type": "array"}}})
    @_answers_errors
    async def changes(request: web.Request) -> web.StreamResponse:
        actor(request, READ_ROLES, "read guideline changes")
        since = request.query.get("since", "")
        when: date | datetime | None
        try:
            when = _time(since, "since") if "T" in since else date.fromisoformat(since)
        except ValueError:
            when = None
        if when is None or not EARLIEST.year <= when.year <= LATEST.year:
            raise e.InvalidRequest(f"since {since[:40]!r} must be a date (YYYY-MM-DD)")
        return answer({"since": since, "changes": await service.changed_since(when)})

    @r.get(f"{PREFIX}/deviations")
    @documented(summary="How often nurses deviated from each guideline, and why",
                roles="guideline owners",
                ok={"type": "object", "required": ["deviations"],
                    "properties": {"deviations": {"type": "array"}}})
    @_answers_errors
    async def deviations(request: web.Request) -> web.StreamResponse:
        who = actor(request, OWNER_ROLES, "see deviation counts")
        return web.json_response(
            {"deviations": [_summary(s) for s in await service.deviation_counts(who)]})

    @r.post(f"{PREFIX}/decisions")
    @documented(summary="Record a nurse's decision (the recommendation is recomputed)",
                roles="nurse", errors=[404],
                body={"type": "object", "required": ["guideline_id", "age", "urgency",
                                                     "care_type"],
                      "properties": {**_PATIENT, "guideline_id": _STR, "urgency": _STR,
                                     "care_type": _STR, "call_id": _NULL_STR,
                                     "deviation": {"type": ["object", "null"], "properties": {
                                         "reason_code": _STR, "text": _STR}}}},
                ok=(201, {"type": "object", "required": ["assessment", "decided_at"],
                          "properties": {"assessment": _ASSESSMENT}}))
    @_answers_errors
    async def record(request: web.Request) -> web.StreamResponse:
        who = actor(request, DECIDE_ROLES, "record a decision")
        body = await read_json(request)
        deviation = _deviation(body)
        decision = await service.record_decision(
            who, _text(body, "guideline_id") or "", _criteria(body),
            age=_age(body), sex=_sex(body.get("sex")), urgency=_text(body, "urgency") or "",
            care_type=_text(body, "care_type") or "", deviation=deviation,
            at=_time(body.get("at"), "at"), version=_text(body, "version"),
            region=_text(body, "region"), call_id=_text(body, "call_id"))
        return answer({"assessment": _assessment(decision.assessment),
                       "urgency": decision.urgency, "care_type": decision.care_type,
                       "deviates": decision.deviates,
                       "deviation": {"reason_code": deviation.reason_code,
                                     "text": deviation.text} if deviation else None,
                       "decided_at": decision.decided_at.isoformat()}, status=201)

    @r.get(f"{PREFIX}/drafts")
    @documented(summary="Drafts in the editorial workflow", roles=_EDITORS,
                ok={"type": "object", "required": ["drafts"],
                    "properties": {"drafts": {"type": "array"}}})
    @_answers_errors
    async def drafts(request: web.Request) -> web.StreamResponse:
        actor(request, EDIT_ROLES | APPROVE_ROLES, "list drafts")
        return answer({"drafts": [s.to_plain() for s in await service.drafts()]})

    @r.post(f"{PREFIX}/drafts")
    @documented(summary="Start a draft of a guideline", roles="content_editor",
                errors=[404, 409],
                body={"type": "object", "properties": {"guideline_id": _STR,
                                                       "content": {"type": "object"}}},
                ok=(201, _STORED))
    @_answers_errors
    async def create(request: web.Request) -> web.StreamResponse:
        who = actor(request, EDIT_ROLES, "create a draft")
        body = await read_json(request)
        content = body.get("content")
        if content is not None and not isinstance(content, dict):
            raise e.InvalidRequest("content must be an object (the guideline)")
        gid = _text(body, "guideline_id") or (content or {}).get("id") or ""
        if not isinstance(gid, str) or not gid:
            raise e.InvalidRequest("guideline_id (or content.id) is required")
        s = await service.create_draft(who, gid, content if isinstance(content, dict) else {})
        response = stored(s)
        response.set_status(201)
        return response

    @r.get(f"{PREFIX}/drafts/{{draft_id}}")
    @documented(summary="One draft", roles=_EDITORS, path=_DRAFT_PATH, ok=_STORED)
    @_answers_errors
    async def get_draft(request: web.Request) -> web.StreamResponse:
        actor(request, EDIT_ROLES | APPROVE_ROLES, "read drafts")
        return stored(await service.draft(draft_id(request)))

    @r.put(f"{PREFIX}/drafts/{{draft_id}}")
    @documented(summary="Change a draft's content", roles="content_editor", path=_DRAFT_PATH,
                errors=[409], ok=_STORED,
                body={"type": "object", "properties": {"content": {"type": "object"}}})
    @_answers_errors
    async def put_draft(request: web.Request) -> web.StreamResponse:
        who = actor(request, EDIT_ROLES, "edit a draft")
        body = await read_json(request)
        content = body.get("content", body)
        if not isinstance(content, dict):
            raise e.InvalidRequest("content must be an object (the guideline)")
        return stored(await service.update_draft(who, draft_id(request), content))

    def step(name: str, roles: frozenset[str]) -> None:
        @r.post(f"{PREFIX}/drafts/{{draft_id}}/{name}")
        @documented(summary=f"{name.capitalize()} a draft", roles=", ".join(sorted(roles)),
                    path=_DRAFT_PATH, errors=[409], ok=_STORED, body_required=False,
                    body={"type": "object", "properties": {"comment": _STR}})
        @_answers_errors
        async def move(request: web.Request) -> web.StreamResponse:
            who = actor(request, roles, f"{name} a draft")
            comment = _text(await read_json(request, optional=True), "comment") or ""
            method = getattr(service, name)
            return stored(await method(who, draft_id(request), comment))

    step("submit", EDIT_ROLES)
    step("approve", APPROVE_ROLES)
    step("reject", APPROVE_ROLES)
    step("publish", APPROVE_ROLES)

    @r.get(f"{PREFIX}/{{guideline_id}}")
    @documented(summary="A guideline (current version, or the one asked for)",
                roles=_READERS, query={"version": _STR, "region": _STR},
                ok={"type": "object", "required": ["guideline"],
                    "properties": {"guideline": {"type": "object"}}})
    @_answers_errors
    async def get(request: web.Request) -> web.StreamResponse:
        who = actor(request, READ_ROLES, "read guidelines")
        q = request.query
        g = await service.get(request.match_info["guideline_id"], q.get("version") or None,
                              q.get("region") or None, unpublished=_editorial(who))
        return answer({"guideline": to_plain(g)})

    @r.get(f"{PREFIX}/{{guideline_id}}/versions")
    @documented(summary="A guideline's versions", roles=_READERS,
                ok={"type": "object", "required": ["versions"],
                    "properties": {"versions": {"type": "array"}}})
    @_answers_errors
    async def versions(request: web.Request) -> web.StreamResponse:
        who = actor(request, READ_ROLES, "read guideline versions")
        found = await service.versions(request.match_info["guideline_id"],
                                       unpublished=_editorial(who))
        return answer({"versions": found})

    @r.get(f"{PREFIX}/{{guideline_id}}/diff")
    @documented(summary="What changed between two versions of a guideline", roles=_READERS,
                query={"from": _STR, "to": _STR}, required_query=["from", "to"],
                ok={"type": "object", "required": ["diff"],
                    "properties": {"diff": {"type": "object"}}})
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
    @documented(summary="Assess a patient against a guideline (nothing is stored)",
                roles=_READERS, ok={"type": "object", "required": ["assessment"],
                                    "properties": {"assessment": _ASSESSMENT}},
                body={"type": "object", "required": ["criteria", "age"], "properties": _PATIENT})
    @_answers_errors
    async def assessment(request: web.Request) -> web.StreamResponse:
        actor(request, READ_ROLES, "assess against a guideline")
        body = await read_json(request)
        if not isinstance(body.get("criteria"), list):
            raise e.InvalidRequest("criteria must be a list of criterion ids")
        result = await service.assess(
            request.match_info["guideline_id"], _criteria(body), age=_age(body),
            sex=_sex(body.get("sex")), at=_time(body.get("at"), "at") or service.now(),
            version=_text(body, "version"), region=_text(body, "region"))
        return answer({"assessment": _assessment(result)})

    return r
