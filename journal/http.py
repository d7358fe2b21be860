"""HTTP routes of the journal under ``/api/v1/journal`` (thin: parse, call the service,
answer JSON or stream).

The composition root builds them with :func:`routes`, passing the service, a
function that turns the request's principal into an :class:`~journal.ports.Actor`,
and the service's JSON body parser (which answers a bad body itself), and wraps
them in its authentication. Each route carries its OpenAPI description. Handlers let
:class:`~journal.errors.JournalError` propagate: the service's one error middleware
answers it as ``{"error_id", "message", "details"}`` with its kind's status.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from journal.access_log import LogQuery
from journal.errors import InvalidEntry
from journal.export import FORMATS, ExportFilter, check_format
from journal.model import EntryContent, content_from_plain, to_plain
from journal.ports import Actor
from journal.service import JournalService
from shared_kernel.routes import ReadJson, documented, marked, route

PREFIX = "/api/v1/journal"
PSEUDONYM_KEY_HEADER = "X-Journal-Pseudonym-Key"

Handler = Callable[..., Awaitable[web.StreamResponse]]
ActorOf = Callable[[web.Request], Actor]
_ASCII_INT = re.compile(r"[+-]?[0-9]{1,19}")
EARLIEST, LATEST = datetime(1900, 1, 1, tzinfo=UTC), datetime(2999, 12, 31, tzinfo=UTC)
MAX_REVISION = 2**31 - 1








def _when(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
        parsed = parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError) as exc:
        raise InvalidEntry(f"{name} is not an ISO 8601 date or time", {name: value}) from exc
    if not EARLIEST <= parsed <= LATEST:
        raise InvalidEntry(f"{name} must be between {EARLIEST.year} and {LATEST.year}",
                           {name: value})
    return parsed


def _int(text: str, name: str, low: int, high: int) -> int:
    """A query parameter as a whole number in ASCII digits (``int()`` also takes ``"١"``)."""
    if not _ASCII_INT.fullmatch(text) or not low <= int(text) <= high:
        raise InvalidEntry(f"{name} must be a whole number from {low} to {high}",
                           {name: text[:40]})
    return int(text)


def _revision(body: dict[str, Any]) -> int:
    value = body.get("revision")
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_REVISION:
        raise InvalidEntry("revision must be a whole number (the draft's current revision)",
                           {"field": "revision"})
    return value


def _content(body: dict[str, Any]) -> EntryContent | None:
    """``content`` as entry content; None when absent, null or empty."""
    raw = body.get("content")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise InvalidEntry("content must be an object", {"field": "content",
                                                         "type": type(raw).__name__})
    return content_from_plain(raw) if raw else None


def _required_string(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str):
        raise InvalidEntry(f"{name} is a required string", {"field": name})
    return value


def _string(body: dict[str, Any], name: str, longest: int,
            required: bool = False) -> str | None:
    """The body field ``name`` as a non-empty string of at most ``longest`` characters
    (the column it is stored in); ``None`` when absent and optional."""
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > longest:
        raise InvalidEntry(f"{name} must be a non-empty string of at most {longest} "
                           "characters", {"field": name})
    return value


def _flag(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true", "yes")


_STR = {"type": "string"}
_TIME = {"type": "string", "format": "date-time"}
_CONTENT = {"type": "object", "description": "entry content (person, caller, contact_reason, "
            "notes, guidelines, recommended_care_type, urgency, referral, self_care, "
            "deviation, attachments, amendment_reason)"}
_ENTRY = {"type": "object", "required": ["entry_id", "call_id", "status", "revision"],
          "properties": {"entry_id": _STR, "call_id": _STR, "status": _STR,
                         "revision": {"type": "integer"}}}
_REVISION = {"type": "integer", "minimum": 0, "maximum": MAX_REVISION}
_WRITER = "nurse (own drafts)"
_FILTERS = {"since": _TIME, "until": _TIME, "region": _STR}


def routes(service: JournalService, actor_of: ActorOf, *,
           read_json: ReadJson) -> list[web.RouteDef]:
    """The journal's routes; ``actor_of`` tells who is making the request, ``read_json``
    reads a request's JSON object."""
    handlers = JournalRoutes(service, actor_of, read_json)
    return [web.route(method, path, handler) for method, path, handler in marked(handlers)]


class JournalRoutes:
    """The handlers of the journal's routes, bound to one service.

    Each reads the request, calls the service and answers JSON or a stream; the
    journal's errors propagate to the service's error middleware."""

    def __init__(self, service: JournalService, actor_of: ActorOf,
                 read_json: ReadJson) -> None:
        self._service = service
        self._actor_of = actor_of
        self._read_json = read_json

    @route("POST", f"{PREFIX}/entries")
    @documented(summary="Start a draft entry for a call you took part in (or with "
                "emergency access and a reason)", roles=_WRITER, errors=[409],
                body={"type": "object", "required": ["call_id"],
                      "properties": {"call_id": {"type": "string", "minLength": 1,
                                                 "maxLength": 64},
                                     "region": {"type": "string", "minLength": 1,
                                                "maxLength": 4},
                                     "content": _CONTENT,
                                     "emergency": {"type": "boolean"},
                                     "reason": {"type": "string", "minLength": 1,
                                                "maxLength": 2000}}},
                ok=(201, _ENTRY))
    async def create(self, request: web.Request) -> web.StreamResponse:
        """Open a draft entry for a call you took part in (emergency access otherwise).

        Body: ``call_id`` (string, required); ``region`` (string, optional: the entry
        takes the call's region and care provider, and a region naming another is
        refused with 409 ``region_mismatch``; only for a call whose region the call log
        does not know is it required, and must be your own); ``content`` (object,
        optional); ``emergency`` (boolean) with ``reason`` (string): nödåtkomst, to
        document a call you did not take part in, one nobody answered or one the call
        log does not know; it is logged with basis ``emergency``. Refusals are 403
        (``access_denied``, or ``reason_required`` when emergency access lacks a reason)
        and are logged too.
        """
        body = await self._read_json(request)
        call_id = _string(body, "call_id", 64, required=True)
        region = _string(body, "region", 4)
        reason = _string(body, "reason", 2000)
        emergency = body.get("emergency", False)
        if not isinstance(emergency, bool):
            raise InvalidEntry("emergency must be true or false", {"field": "emergency"})
        content = _content(body)
        assert call_id is not None
        entry = await self._service.create_draft(self._actor_of(request), call_id, region, content,
                                           emergency=emergency, reason=reason)
        return web.json_response(to_plain(entry), status=201)

    @route("GET", f"{PREFIX}/entries/mine")
    @documented(summary="The caller's own recent entries", roles="nurse",
                query={"limit": {"type": "integer", "minimum": 1, "maximum": 200}},
                ok={"type": "object", "required": ["entries"],
                    "properties": {"entries": {"type": "array", "items": _ENTRY}}})
    async def mine(self, request: web.Request) -> web.StreamResponse:
        limit = _int(request.query.get("limit", "20"), "limit", 1, 200)
        entries = await self._service.list_own_recent(self._actor_of(request), limit)
        return web.json_response({"entries": [to_plain(e) for e in entries]})

    @route("GET", f"{PREFIX}/entries/{{entry_id}}")
    @documented(summary="Read an entry and its amendments (others' entries need a reason)",
                roles="nurse", query={"reason": _STR, "emergency": {"type": "boolean"}},
                ok=_ENTRY)
    async def get(self, request: web.Request) -> web.StreamResponse:
        read = await self._service.get_entry(self._actor_of(request), request.match_info["entry_id"],
                                       request.query.get("reason"),
                                       _flag(request.query.get("emergency")))
        return web.json_response({**to_plain(read.entry),
                                  "amendments": [to_plain(a) for a in read.amendments],
                                  "access": {"basis": read.basis, "emergency": read.emergency}})

    @route("PUT", f"{PREFIX}/entries/{{entry_id}}")
    @documented(summary="Change a draft (optimistic concurrency on its revision)", roles=_WRITER,
                errors=[409], ok=_ENTRY,
                body={"type": "object", "required": ["revision"],
                      "properties": {"content": _CONTENT, "revision": _REVISION}})
    async def update(self, request: web.Request) -> web.StreamResponse:
        body = await self._read_json(request)
        entry = await self._service.update_draft(
            self._actor_of(request), request.match_info["entry_id"],
            _content(body) or content_from_plain({}), _revision(body))
        return web.json_response(to_plain(entry))

    @route("POST", f"{PREFIX}/entries/{{entry_id}}/sign")
    @documented(summary="Sign a draft (it cannot change afterwards)", roles=_WRITER,
                errors=[409], ok=_ENTRY,
                body={"type": "object", "required": ["revision"],
                      "properties": {"revision": _REVISION}})
    async def sign(self, request: web.Request) -> web.StreamResponse:
        body = await self._read_json(request)
        entry = await self._service.sign(self._actor_of(request), request.match_info["entry_id"],
                                   _revision(body))
        return web.json_response(to_plain(entry))

    @route("POST", f"{PREFIX}/entries/{{entry_id}}/amendments")
    @documented(summary="Amend a signed entry (a new signed entry linked to it)",
                roles=_WRITER, errors=[409], ok=(201, _ENTRY),
                body={"type": "object", "properties": {"content": _CONTENT}})
    async def amend(self, request: web.Request) -> web.StreamResponse:
        body = await self._read_json(request)
        entry = await self._service.amend(self._actor_of(request), request.match_info["entry_id"],
                                    _content(body) or content_from_plain({}))
        return web.json_response(to_plain(entry), status=201)

    @route("GET", f"{PREFIX}/access-log")
    @documented(summary="Who read or changed what (the access log), for auditors",
                roles="auditor", query={**_FILTERS, "actor_id": _STR, "entry_id": _STR,
                                        "action": _STR, "emergency": {"type": "boolean"},
                                        "after_id": {"type": "integer", "minimum": 0},
                                        "limit": {"type": "integer", "minimum": 1,
                                                  "maximum": 1000}},
                ok={"type": "object", "required": ["records", "next_after_id"],
                    "properties": {"records": {"type": "array"},
                                   "next_after_id": {"type": ["integer", "null"]}}})
    async def access_log(self, request: web.Request) -> web.StreamResponse:
        q = request.query
        query = LogQuery(since=_when(q.get("since"), "since"), until=_when(q.get("until"), "until"),
                         actor_id=q.get("actor_id"), entry_id=q.get("entry_id"),
                         action=q.get("action"), emergency_only=_flag(q.get("emergency")),
                         region=q.get("region"),
                         after_id=_int(q.get("after_id", "0"), "after_id", 0, 2**63 - 1),
                         limit=_int(q.get("limit", "100"), "limit", 1, 1000))
        records = await self._service.query_access_log(self._actor_of(request), query)
        return web.json_response({"records": [to_plain(rec) for rec in records],
                                  "next_after_id": records[-1].id if records else None})

    @route("GET", f"{PREFIX}/export")
    @documented(summary="Export entries (JSON Lines, CSV or FHIR), optionally pseudonymised",
                roles="region_admin (of the region), or a system actor",
                query={**_FILTERS, "format": {"type": "string", "enum": list(FORMATS)},
                       "contact_reason": _STR, "urgency": _STR,
                       "pseudonymise": {"type": "boolean"}},
                headers={PSEUDONYM_KEY_HEADER: {"type": "string", "minLength": 16}},
                ok={}, ok_media=list(FORMATS.values()))
    async def export(self, request: web.Request) -> web.StreamResponse:
        q = request.query
        fmt = check_format(q.get("format", "jsonl"))
        key = request.headers.get(PSEUDONYM_KEY_HEADER)
        if _flag(q.get("pseudonymise")) and not key:
            raise InvalidEntry(f"pseudonymised exports need the {PSEUDONYM_KEY_HEADER} header")
        if key and len(key.encode()) < 16:
            raise InvalidEntry("the pseudonymisation key needs at least 16 bytes")
        chunks = await self._service.export(self._actor_of(request), fmt, ExportFilter(
            since=_when(q.get("since"), "since"), until=_when(q.get("until"), "until"),
            region=q.get("region"), contact_reason=q.get("contact_reason"),
            urgency=q.get("urgency")), key.encode() if key and _flag(q.get("pseudonymise"))
            else None)
        return await _stream(request, chunks, FORMATS[fmt], f"journal.{fmt}")

    @route("POST", f"{PREFIX}/patient-export")
    @documented(summary="A patient's own entries (patient view), by identity number",
                roles="region_admin, or a system actor",
                body={"type": "object", "required": ["kind", "number"],
                      "properties": {"kind": _STR, "number": _STR}},
                ok={}, ok_media=["application/x-ndjson"])
    async def patient_export(self, request: web.Request) -> web.StreamResponse:
        body = await self._read_json(request)
        chunks = await self._service.patient_export(self._actor_of(request), _required_string(body, "kind"),
                                              _required_string(body, "number"))
        return await _stream(request, chunks, "application/x-ndjson", "patient.jsonl")



async def _stream(request: web.Request, chunks: AsyncIterator[str], content_type: str,
                  filename: str) -> web.StreamResponse:
    response = web.StreamResponse(headers={
        "Content-Type": f"{content_type}; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{filename}"'})
    await response.prepare(request)
    async for chunk in chunks:
        await response.write(chunk.encode())
    await response.write_eof()
    return response
