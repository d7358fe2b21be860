"""The catalog's JSON API under ``/api/v1/catalog`` (thin routes over :class:`CatalogService`).

``routes(service, actor_of, read_json=...)`` returns a :class:`aiohttp.web.RouteTableDef`
(``read_json``: the service's JSON body parser, which answers a bad body itself);
``actor_of(request)`` is supplied by the composition root and maps the
logged-in principal to an :class:`~referral_catalog.ports.Actor` (``None``:
not logged in → 401). Reading needs nurse, supervisor or region_admin; changes
need region_admin for the unit's region (403 otherwise). Errors are
``{"error_id", "message", "details"}``; times are ISO 8601 with offset.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from aiohttp import web

from referral_catalog.errors import (
    CatalogError,
    ConcurrentChange,
    ImportRejected,
    InvalidCareUnit,
    InvalidQuery,
    NotAllowed,
    UnitAlreadyExists,
    UnitNotFound,
    UnknownMunicipality,
)
from referral_catalog.exporting import unit_to_record
from referral_catalog.importing import decode_import, import_records
from referral_catalog.model import CareType, CareUnit, Coordinates
from referral_catalog.ports import EDIT_ROLE, READ_ROLES, Actor
from referral_catalog.search import CatalogQuery, UnitHit
from referral_catalog.service import CatalogService, StoredUnit

ActorOf = Callable[[web.Request], Actor | None]
Handler = Callable[[web.Request, Actor], Awaitable[web.StreamResponse]]
PREFIX = "/api/v1/catalog"
MAX_LIMIT = 200
_CONTENT_TYPES = {"csv": "text/csv", "json": "application/json", "fhir": "application/fhir+json"}
_ASCII_INT = re.compile(r"[+-]?[0-9]{1,19}")
_ASCII_DECIMAL = re.compile(r"[+-]?[0-9]{1,10}(\.[0-9]{1,15})?")
EARLIEST, LATEST = datetime(1900, 1, 1, tzinfo=UTC), datetime(2999, 12, 31, tzinfo=UTC)


class ReadJson(Protocol):
    """Reads the request's JSON body and refuses a bad one itself (400/413 with the error
    body): the composition root passes the service's one parser, so every route reads
    JSON with the same limits. ``any_value``: a list is accepted too."""

    def __call__(self, request: web.Request, *, any_value: bool = False) -> Awaitable[Any]: ...


def documented(**operation: Any) -> Callable[[Any], Any]:
    """The route's OpenAPI description, collected by the service's document builder."""
    def mark(handler: Any) -> Any:
        handler.openapi = operation
        return handler
    return mark


class BadRequest(Exception):
    """A request parameter or body field is wrong (400 naming the field)."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


def error(status: int, error_id: str, message: str, **details: Any) -> web.Response:
    """The API's error body ``{"error_id", "message", "details"}``."""
    return web.json_response(
        {"error_id": error_id, "message": message, "details": details}, status=status
    )


def error_response(exc: Exception) -> web.Response:
    """The HTTP answer for a catalog error (usable by an application-wide middleware)."""
    match exc:
        case BadRequest() | InvalidCareUnit():
            return error(400, "invalid_request", str(exc), field=exc.field, problem=exc.problem)
        case ImportRejected():
            rows = [{"row": e.row, "field": e.field, "problem": e.problem} for e in exc.errors]  # type: ignore[attr-defined]
            return error(400, "import_rejected", str(exc), errors=rows)
        case InvalidQuery():
            return error(400, "invalid_query", str(exc))
        case UnknownMunicipality():
            return error(
                400,
                "invalid_request",
                str(exc),
                field="municipality",
                problem="unknown municipality code",
            )
        case UnitNotFound():
            return error(404, "unit_not_found", str(exc), hsa_id=exc.hsa_id)
        case UnitAlreadyExists():
            return error(409, "unit_exists", str(exc), hsa_id=exc.hsa_id)
        case ConcurrentChange():
            return error(409, "concurrent_change", str(exc), hsa_id=exc.hsa_id)
        case NotAllowed():
            return error(403, "forbidden", str(exc), region=exc.region)
    return error(500, "catalog_error", str(exc))


def _guard(actor_of: ActorOf, roles: frozenset[str]) -> Callable[[Handler], Any]:
    def decorate(handler: Handler) -> Any:
        @functools.wraps(handler)
        async def guarded(request: web.Request) -> web.StreamResponse:
            actor = actor_of(request)
            if actor is None:
                return error(401, "unauthenticated", "log in or send an API token")
            if not actor.has_role(*roles):
                return error(
                    403, "forbidden", "your roles do not allow this", required_roles=sorted(roles)
                )
            try:
                return await handler(request, actor)
            except (BadRequest, CatalogError) as exc:
                return error_response(exc)

        return guarded

    return decorate


# -- parameters and bodies --------------------------------------------------------


def _param(request: web.Request, name: str) -> str | None:
    value = request.query.get(name)
    return value if value not in (None, "") else None


def _int(request: web.Request, name: str, lo: int = 0, hi: int | None = None) -> int | None:
    text = _param(request, name)
    if text is None:
        return None
    # ASCII only: int() also takes "١٢" and "1_000" (and "²".isdigit() is True).
    if not _ASCII_INT.fullmatch(text):
        raise BadRequest(name, f"{text[:40]!r} is not a whole number")
    value = int(text)
    if value < lo or (hi is not None and value > hi):
        raise BadRequest(name, f"must be between {lo} and {hi if hi is not None else 'any'}")
    return value


def _float(request: web.Request, name: str) -> float | None:
    text = _param(request, name)
    if text is None:
        return None
    if not _ASCII_DECIMAL.fullmatch(text) or not math.isfinite(value := float(text)):
        raise BadRequest(name, f"{text[:40]!r} is not a decimal number")
    return value


def _bool(request: web.Request, name: str) -> bool | None:
    text = _param(request, name)
    if text is None:
        return None
    if text.lower() in ("1", "true", "yes", "ja"):
        return True
    if text.lower() in ("0", "false", "no", "nej"):
        return False
    raise BadRequest(name, f"{text!r} is not true or false")


def _time(request: web.Request, name: str) -> datetime | None:
    text = _param(request, name)
    if text is None:
        return None
    try:
        at = datetime.fromisoformat(text)
        in_utc = at.astimezone(UTC) if at.tzinfo is not None else None
    except (ValueError, OverflowError):
        raise BadRequest(name, f"{text[:40]!r} is not an ISO 8601 time") from None
    if in_utc is None:
        raise BadRequest(name, "needs a UTC offset, e.g. 2026-12-02T10:00:00+01:00")
    if not EARLIEST <= in_utc <= LATEST:
        raise BadRequest(name, f"must be between {EARLIEST.year} and {LATEST.year}")
    return at


def query_from_request(request: web.Request, now: datetime) -> CatalogQuery:
    """The search asked for by the query string (``at`` defaults to ``now``)."""
    types = []
    for text in request.query.getall("care_type", []):
        try:
            types.append(CareType.parse(text))
        except ValueError:
            raise BadRequest("care_type", f"unknown care type {text!r}") from None
    lat, lon = _float(request, "lat"), _float(request, "lon")
    if (lat is None) != (lon is None):
        raise BadRequest("lat" if lat is None else "lon", "give both lat and lon")
    try:
        point = None if lat is None or lon is None else Coordinates(lat, lon)
    except InvalidCareUnit as exc:
        raise BadRequest("lat", exc.problem) from None
    within = _int(request, "within_minutes", 0, 60 * 24 * 14)
    open_now = bool(_bool(request, "open_now"))
    at = _time(request, "at")
    if at is None and (open_now or within is not None):
        at = now
    return CatalogQuery(
        region=_param(request, "region"),
        care_types=tuple(types),
        at=at,
        open_now=open_now,
        within=None if within is None else timedelta(minutes=within),
        age=_int(request, "age", 0, 130),
        municipality=_param(request, "municipality"),
        point=point,
        drop_in=_bool(request, "drop_in"),
        language=_param(request, "language"),
        text=_param(request, "text"),
        limit=_int(request, "limit", 1, MAX_LIMIT) or 20,
    )


def hit_json(hit: UnitHit) -> dict[str, Any]:
    """One search hit as the API returns it."""
    u = hit.unit
    return {
        "hsa_id": u.hsa_id,
        "name": u.name,
        "region": u.region,
        "municipality_code": u.municipality_code,
        "care_types": [ct.value for ct in u.care_types],
        "open": hit.open,
        "opens_at": None if hit.opens_at is None else hit.opens_at.isoformat(),
        "closes_at": None if hit.closes_at is None else hit.closes_at.isoformat(),
        "distance_km": hit.distance_km,
        "why": list(hit.why),
        "phones": [{"number": p.number, "label": p.label} for p in u.phones],
    }


def stored_json(stored: StoredUnit) -> dict[str, Any]:
    """A stored unit: its record plus version and last change."""
    return {
        "unit": unit_to_record(stored.unit),
        "version": stored.version,
        "updated_at": stored.updated_at.isoformat(),
        "updated_by": stored.updated_by,
    }


async def _unit_body(request: web.Request, read_json: ReadJson,
                     hsa_id: str | None = None) -> CareUnit:
    body = await read_json(request)
    if hsa_id is not None and body.setdefault("hsa_id", hsa_id) != hsa_id:
        raise BadRequest("hsa_id", f"does not match the unit in the path ({hsa_id})")
    result = import_records([body])
    if not result.ok:
        first = result.errors[0]
        raise BadRequest(first.field, first.problem)
    return result.units[0]


# -- routes ---------------------------------------------------------------------------

_STR = {"type": "string"}
_READERS = "nurse, supervisor, region_admin"
_EDITOR = "region_admin of the unit's region"
_UNIT = {"type": "object", "required": ["hsa_id", "name", "region", "municipality_code",
                                        "care_types"],
         "description": "a care unit record, as exported (see the catalog export)",
         "properties": {"hsa_id": _STR, "name": _STR, "region": _STR,
                        "municipality_code": _STR,
                        "care_types": {"type": "array", "items": _STR},
                        "phones": {"type": "array", "items": {"type": "object"}},
                        "coordinates": {"type": ["object", "null"]}}}
_STORED = {"type": "object", "required": ["unit", "version", "updated_at"],
           "properties": {"unit": {"type": "object"}, "version": {"type": "integer"},
                          "updated_at": {"type": "string", "format": "date-time"},
                          "updated_by": {"type": ["string", "null"]}}}
_SEARCH = {"region": _STR, "care_type": {"type": "array", "items": _STR},
           "at": {"type": "string", "format": "date-time"}, "open_now": {"type": "boolean"},
           "within_minutes": {"type": "integer", "minimum": 0, "maximum": 60 * 24 * 14},
           "age": {"type": "integer", "minimum": 0, "maximum": 130}, "municipality": _STR,
           "lat": {"type": "number", "minimum": -90, "maximum": 90},
           "lon": {"type": "number", "minimum": -180, "maximum": 180},
           "drop_in": {"type": "boolean"}, "language": _STR, "text": _STR,
           "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}}


def routes(service: CatalogService, actor_of: ActorOf, *,
           read_json: ReadJson) -> web.RouteTableDef:
    """The catalog's routes, bound to ``service``; ``actor_of`` resolves the caller,
    ``read_json`` reads a request's JSON body."""
    table = web.RouteTableDef()
    reader = _guard(actor_of, READ_ROLES)
    editor = _guard(actor_of, frozenset({EDIT_ROLE}))

    @table.get(f"{PREFIX}/units")
    @documented(summary="Search care units (open now, within minutes, nearby, ...)",
                roles=_READERS, query=_SEARCH,
                ok={"type": "object", "required": ["hits"],
                    "properties": {"hits": {"type": "array", "items": {"type": "object"}}}})
    @reader
    async def search_units(request: web.Request, actor: Actor) -> web.Response:
        query = query_from_request(request, service.now())
        return web.json_response({"hits": [hit_json(h) for h in service.search(query)]})

    @table.get(f"{PREFIX}/units/{{hsa_id}}")
    @documented(summary="One care unit", roles=_READERS, ok=_STORED)
    @reader
    async def get_unit(request: web.Request, actor: Actor) -> web.Response:
        return web.json_response(stored_json(await service.get(request.match_info["hsa_id"])))

    @table.post(f"{PREFIX}/units")
    @documented(summary="Add a care unit", roles=_EDITOR, body=_UNIT, ok=(201, _STORED),
                errors=[409])
    @editor
    async def create_unit(request: web.Request, actor: Actor) -> web.Response:
        stored = await service.create(actor, await _unit_body(request, read_json))
        return web.json_response(stored_json(stored), status=201)

    @table.put(f"{PREFIX}/units/{{hsa_id}}")
    @documented(summary="Replace a care unit's record", roles=_EDITOR, body=_UNIT,
                ok=_STORED, errors=[409])
    @editor
    async def update_unit(request: web.Request, actor: Actor) -> web.Response:
        hsa_id = request.match_info["hsa_id"]
        await service.get(hsa_id)  # 404 before complaining about the body
        stored = await service.update(actor, await _unit_body(request, read_json, hsa_id))
        return web.json_response(stored_json(stored))

    @table.post(f"{PREFIX}/units/{{hsa_id}}/retire")
    @documented(summary="Retire a care unit (kept in history)", roles=_EDITOR, ok=_STORED,
                errors=[409])
    @editor
    async def retire_unit(request: web.Request, actor: Actor) -> web.Response:
        stored = await service.retire(actor, request.match_info["hsa_id"])
        return web.json_response(stored_json(stored))

    @table.get(f"{PREFIX}/units/{{hsa_id}}/history")
    @documented(summary="Every change of a care unit", roles=_READERS,
                ok={"type": "object", "required": ["history"],
                    "properties": {"history": {"type": "array", "items": {"type": "object"}}}})
    @reader
    async def unit_history(request: web.Request, actor: Actor) -> web.Response:
        entries = await service.history(request.match_info["hsa_id"])
        return web.json_response(
            {
                "history": [
                    {
                        "version": e.version,
                        "at": e.at.isoformat(),
                        "actor": e.actor,
                        "action": e.action,
                        "changes": e.changes,
                    }
                    for e in entries
                ]
            }
        )

    @table.post(f"{PREFIX}/import")
    @documented(summary="Import units (CSV or JSON): all of them or none", roles=_EDITOR,
                query={"format": {"type": "string", "enum": ["csv", "json"]}, "region": _STR},
                errors=[409],
                body={"type": ["array", "object"], "items": _UNIT},
                body_media={"application/json": {"schema": {
                                "type": ["array", "object"], "items": _UNIT}},
                            "text/csv": {"schema": {"type": "string"}}},
                ok={"type": "object", "required": ["created", "updated", "unchanged", "total"],
                    "properties": {"total": {"type": "integer"}}})
    @editor
    async def import_units(request: web.Request, actor: Actor) -> web.Response:
        fmt = _param(request, "format") or "json"
        if fmt not in ("csv", "json"):
            raise BadRequest("format", f"{fmt!r} is not csv or json")
        if fmt == "json":
            await read_json(request, any_value=True)  # refuses what json.loads cannot take
        # Bytes, then UTF-8: request.text() would trust a charset the client names.
        text, problems = decode_import(await request.read())
        if text is None:
            raise BadRequest("body", problems[0].problem)
        report = await service.import_units(actor, text, fmt, _param(request, "region"))
        return web.json_response(
            {
                "created": list(report.created),
                "updated": list(report.updated),
                "unchanged": list(report.unchanged),
                "total": report.total,
            }
        )

    @table.get(f"{PREFIX}/export")
    @documented(summary="Export the catalog (CSV, JSON or FHIR)", roles=_READERS,
                query={"format": {"type": "string", "enum": list(_CONTENT_TYPES)}, "region": _STR},
                ok={},
                ok_media=list(_CONTENT_TYPES.values()))
    @reader
    async def export_units(request: web.Request, actor: Actor) -> web.Response:
        fmt = _param(request, "format") or "json"
        if fmt not in _CONTENT_TYPES:
            raise BadRequest("format", f"{fmt!r} is not csv, json or fhir")
        text = await service.export(fmt, _param(request, "region"))
        return web.Response(text=text, content_type=_CONTENT_TYPES[fmt], charset="utf-8")

    return table
