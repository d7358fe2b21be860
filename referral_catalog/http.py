"""The catalog's JSON API under ``/api/v1/catalog`` (thin routes over :class:`CatalogService`).

``routes(service, actor_of, read_json=...)`` returns a :class:`aiohttp.web.RouteTableDef`
(``read_json``: the service's JSON body parser, which answers a bad body itself);
``actor_of(request)`` is supplied by the composition root and maps the
logged-in principal to an :class:`~referral_catalog.ports.Actor` (``None``:
not logged in → 401). Reading needs nurse, supervisor or region_admin; changes
need region_admin for the unit's region (403 otherwise). Handlers let the
catalog's errors propagate: the service's one error middleware answers them as
``{"error_id", "message", "details"}``. Times are ISO 8601 with offset.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from referral_catalog.errors import InvalidField, NotSignedIn, RoleRequired
from referral_catalog.exporting import unit_to_record
from referral_catalog.importing import decode_import, import_records
from referral_catalog.model import CareUnit
from referral_catalog.ports import EDIT_ROLE, READ_ROLES, Actor
from referral_catalog.request_params import MAX_LIMIT, param, query_from_request
from referral_catalog.search import UnitHit
from referral_catalog.service import CatalogService, StoredUnit
from shared_kernel.routes import ReadJson, documented, marked, route

__all__ = ["PREFIX", "query_from_request", "routes"]

ActorOf = Callable[[web.Request], Actor | None]
Handler = Callable[..., Awaitable[web.StreamResponse]]
PREFIX = "/api/v1/catalog"
_CONTENT_TYPES = {"csv": "text/csv", "json": "application/json", "fhir": "application/fhir+json"}
_EDIT_ROLES = frozenset({EDIT_ROLE})








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
        raise InvalidField("hsa_id", f"does not match the unit in the path ({hsa_id})")
    result = import_records([body])
    if not result.ok:
        first = result.errors[0]
        raise InvalidField(first.field, first.problem)
    return result.units[0]


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
           read_json: ReadJson) -> list[web.RouteDef]:
    """The catalog's routes, bound to ``service``; ``actor_of`` resolves the caller,
    ``read_json`` reads a request's JSON body."""
    handlers = CatalogRoutes(service, actor_of, read_json)
    return [web.route(method, path, handler) for method, path, handler in marked(handlers)]


class CatalogRoutes:
    """The handlers of the catalog's routes, bound to one service.

    Each checks the caller's roles, reads the request, calls the service and
    answers; the catalog's errors propagate to the service's error middleware."""

    def __init__(self, service: CatalogService, actor_of: ActorOf,
                 read_json: ReadJson) -> None:
        self._service = service
        self._actor_of = actor_of
        self._read_json = read_json

    def _actor(self, request: web.Request, roles: frozenset[str]) -> Actor:
        actor = self._actor_of(request)
        if actor is None:
            raise NotSignedIn()
        if not actor.has_role(*roles):
            raise RoleRequired(roles)
        return actor

    @route("GET", f"{PREFIX}/units")
    @documented(summary="Search care units (open now, within minutes, nearby, ...)",
                roles=_READERS, query=_SEARCH,
                ok={"type": "object", "required": ["hits"],
                    "properties": {"hits": {"type": "array", "items": {"type": "object"}}}})
    async def search_units(self, request: web.Request) -> web.Response:
        self._actor(request, READ_ROLES)
        query = query_from_request(request, self._service.now())
        return web.json_response({"hits": [hit_json(h) for h in self._service.search(query)]})

    @route("GET", f"{PREFIX}/units/{{hsa_id}}")
    @documented(summary="One care unit", roles=_READERS, ok=_STORED)
    async def get_unit(self, request: web.Request) -> web.Response:
        self._actor(request, READ_ROLES)
        return web.json_response(stored_json(await self._service.get(
            request.match_info["hsa_id"])))

    @route("POST", f"{PREFIX}/units")
    @documented(summary="Add a care unit", roles=_EDITOR, body=_UNIT, ok=(201, _STORED),
                errors=[409])
    async def create_unit(self, request: web.Request) -> web.Response:
        actor = self._actor(request, _EDIT_ROLES)
        stored = await self._service.create(actor, await _unit_body(request, self._read_json))
        return web.json_response(stored_json(stored), status=201)

    @route("PUT", f"{PREFIX}/units/{{hsa_id}}")
    @documented(summary="Replace a care unit's record", roles=_EDITOR, body=_UNIT,
                ok=_STORED, errors=[409])
    async def update_unit(self, request: web.Request) -> web.Response:
        actor = self._actor(request, _EDIT_ROLES)
        hsa_id = request.match_info["hsa_id"]
        await self._service.get(hsa_id)  # 404 before complaining about the body
        unit = await _unit_body(request, self._read_json, hsa_id)
        return web.json_response(stored_json(await self._service.update(actor, unit)))

    @route("POST", f"{PREFIX}/units/{{hsa_id}}/retire")
    @documented(summary="Retire a care unit (kept in history)", roles=_EDITOR, ok=_STORED,
                errors=[409])
    async def retire_unit(self, request: web.Request) -> web.Response:
        actor = self._actor(request, _EDIT_ROLES)
        stored = await self._service.retire(actor, request.match_info["hsa_id"])
        return web.json_response(stored_json(stored))

    @route("GET", f"{PREFIX}/units/{{hsa_id}}/history")
    @documented(summary="Every change of a care unit", roles=_READERS,
                ok={"type": "object", "required": ["history"],
                    "properties": {"history": {"type": "array", "items": {"type": "object"}}}})
    async def unit_history(self, request: web.Request) -> web.Response:
        self._actor(request, READ_ROLES)
        entries = await self._service.history(request.match_info["hsa_id"])
        return web.json_response({"history": [
            {"version": e.version, "at": e.at.isoformat(), "actor": e.actor,
             "action": e.action, "changes": e.changes} for e in entries]})

    @route("POST", f"{PREFIX}/import")
    @documented(summary="Import units (CSV or JSON): all of them or none", roles=_EDITOR,
                query={"format": {"type": "string", "enum": ["csv", "json"]}, "region": _STR},
                errors=[409],
                body={"type": ["array", "object"], "items": _UNIT},
                body_media={"application/json": {"schema": {
                                "type": ["array", "object"], "items": _UNIT}},
                            "text/csv": {"schema": {"type": "string"}}},
                ok={"type": "object", "required": ["created", "updated", "unchanged", "total"],
                    "properties": {"total": {"type": "integer"}}})
    async def import_units(self, request: web.Request) -> web.Response:
        actor = self._actor(request, _EDIT_ROLES)
        fmt = param(request, "format") or "json"
        if fmt not in ("csv", "json"):
            raise InvalidField("format", f"{fmt!r} is not csv or json")
        if fmt == "json":
            await self._read_json(request, any_value=True)  # refuses what json.loads cannot
        # Bytes, then UTF-8: request.text() would trust a charset the client names.
        text, problems = decode_import(await request.read())
        if text is None:
            raise InvalidField("body", problems[0].problem)
        report = await self._service.import_units(actor, text, fmt, param(request, "region"))
        return web.json_response({"created": list(report.created),
                                  "updated": list(report.updated),
                                  "unchanged": list(report.unchanged), "total": report.total})

    @route("GET", f"{PREFIX}/export")
    @documented(summary="Export the catalog (CSV, JSON or FHIR)", roles=_READERS,
                query={"format": {"type": "string", "enum": list(_CONTENT_TYPES)}, "region": _STR},
                ok={},
                ok_media=list(_CONTENT_TYPES.values()))
    async def export_units(self, request: web.Request) -> web.Response:
        self._actor(request, READ_ROLES)
        fmt = param(request, "format") or "json"
        if fmt not in _CONTENT_TYPES:
            raise InvalidField("format", f"{fmt!r} is not csv, json or fhir")
        text = await self._service.export(fmt, param(request, "region"))
        return web.Response(text=text, content_type=_CONTENT_TYPES[fmt], charset="utf-8")
